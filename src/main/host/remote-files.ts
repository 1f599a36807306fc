// Files in a directory on the host: written over SFTP to a temporary name and renamed into place, so a reader never
// sees half a file; on the local host with the same steps through the file system. A write that fails leaves no
// temporary file behind, and a full disk is said as such.
import { randomBytes } from 'node:crypto'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { dirname, posix } from 'node:path'
import type { SFTPWrapper } from 'ssh2'
import { AppError } from '@shared/errors'
import type { HostSession } from './host-session'

/** A file to write into a directory on the host. */
export interface ShopFile {
  /** Relative to the directory written into. */
  path: string
  content: string
  mode: number
}

export function sftpCall<T>(run: (done: (error: Error | null | undefined, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => run((error, value) => (error ? reject(error) : resolve(value as T))))
}

async function sftpWrite(sftp: SFTPWrapper, path: string, content: string, mode: number): Promise<void> {
  const temporary = `${path}.${randomBytes(4).toString('hex')}.tmp`
  try {
    await sftpCall<void>((done) => sftp.writeFile(temporary, content, { mode }, (error) => done(error)))
    // OpenSSH's posix-rename replaces an existing file atomically; plain SFTP rename refuses to.
    await sftpCall<void>((done) => sftp.ext_openssh_rename(temporary, path, (error) => done(error)))
  } catch (error) {
    await sftpCall<void>((done) => sftp.unlink(temporary, (e) => done(e))).catch(() => undefined)
    throw error
  }
}

async function sftpMkdirs(sftp: SFTPWrapper, base: string, relativeDir: string): Promise<void> {
  let current = base
  for (const part of relativeDir.split('/').filter(Boolean)) {
    current = posix.join(current, part)
    await sftpCall<void>((done) => sftp.mkdir(current, (error) => done(error))).catch(() => undefined)
  }
}

async function localWrite(target: string, file: ShopFile): Promise<void> {
  await mkdir(dirname(target), { recursive: true })
  const temporary = `${target}.${randomBytes(4).toString('hex')}.tmp`
  try {
    await writeFile(temporary, file.content, { mode: file.mode })
    await rename(temporary, target)
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined)
    throw error
  }
}

/** KiB free on the file system that holds `dir`, as the host's `df` says; null when it cannot tell. */
export async function freeKiB(session: HostSession, dir: string): Promise<number | null> {
  const df = await session.exec(['df', '-Pk', '--', dir], { timeoutMs: 10_000 }).catch(() => null)
  const fields = df?.code === 0 ? df.stdout.trim().split('\n').at(-1)?.split(/\s+/) : undefined
  const available = Number(fields?.[3])
  return Number.isFinite(available) ? available : null
}

/** SFTP reports ENOSPC as a bare "Failure": ask the host whether its disk is full. */
async function writeError(session: HostSession, dir: string, files: readonly ShopFile[], error: Error): Promise<AppError> {
  const free = await freeKiB(session, dir)
  const needed = Math.ceil(files.reduce((sum, f) => sum + Buffer.byteLength(f.content), 0) / 1024) + 4
  if ((error as NodeJS.ErrnoException).code === 'ENOSPC' || (free !== null && free < needed)) {
    return new AppError('disk_full', `The disk that holds ${dir} on the host is full (${free ?? 0} KiB free); nothing was written.`, {
      say: { key: 'diskFull', values: { dir, free: Math.round((free ?? 0) / 1024) } },
    })
  }
  return new AppError('internal', `Could not write the shop's files in ${dir}: ${error.message}`, {
    say: { key: 'writeFailed', values: { dir, reason: error.message } },
  })
}

/** Writes every file into `dir`; each appears whole or not at all. */
export async function writeShopFiles(session: HostSession, dir: string, files: readonly ShopFile[]): Promise<void> {
  try {
    if (session.ssh) {
      const sftp = await session.ssh.sftp({ timeoutMs: 15_000 })
      for (const file of files) {
        await sftpMkdirs(sftp, dir, posix.dirname(file.path))
        await sftpWrite(sftp, posix.join(dir, file.path), file.content, file.mode)
      }
      return
    }
    for (const file of files) await localWrite(posix.join(dir, file.path), file)
  } catch (error) {
    if (error instanceof AppError) throw error
    throw await writeError(session, dir, files, error as Error)
  }
}

/**
 * Creates the directory, failing if it exists. mkdir is atomic on the host's file system, so of two laptops
 * pressing Create for the same name at the same moment exactly one gets it.
 */
export async function reserveDirectory(session: HostSession, dir: string): Promise<boolean> {
  const result = await session.exec(['mkdir', '-m', '0750', '--', dir], { timeoutMs: 15_000 })
  if (result.code === 0) return true
  if (/exists/i.test(result.stderr)) return false
  throw new AppError('internal', `Could not create ${dir} on the host: ${result.stderr.trim() || `exit ${result.code}`}`)
}
