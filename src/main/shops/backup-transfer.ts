// Moving a backup between the host and this laptop over SFTP, with progress: download into a folder of the
// user's choice, upload a downloaded backup to a shop on a host (checked against its manifest's checksums
// on the host before it is listed).
import { mkdir, readFile, readdir, rename, rm, stat } from 'node:fs/promises'
import { join, posix } from 'node:path'
import type { SFTPWrapper } from 'ssh2'
import { z } from 'zod'
import type { BackupManifest } from '@shared/backups'
import { transferSteps, type OperationSnapshot } from '@shared/operations'
import type { OperationRegistry } from '../operations/operation-registry'
import { AppError, toAppError } from '@shared/errors'
import type { HostSession } from '../host/host-session'
import { writeShopFiles } from '../host/remote-files'
import { checkRole } from './shop-actions'
import { listBackups } from './shop-backup'
import { readShopRecord } from './shop-record'
import { runHelper } from './volume-copy'

export interface TransferProgress {
  done: number
  total: number
  file: string
}

const manifestSchema = z.object({
  id: z.string().regex(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ$/),
  shop: z.string(),
  template: z.string(),
  domain: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  volumes: z.array(z.object({ key: z.string().regex(/^[\w.-]+$/), volume: z.string(), file: z.string().regex(/^[\w.-]+\.tar$/), bytes: z.number(), sha512: z.string().regex(/^[0-9a-f]{128}$/) })),
  images: z.record(z.string(), z.string()),
})

function sftpOf(session: HostSession): Promise<SFTPWrapper> {
  if (!session.ssh) throw new AppError('invalid_input', 'Backups of the local host are in its folder already; there is nothing to transfer.')
  return session.ssh.sftp({ timeoutMs: 15_000 })
}

function transfer(run: (done: (error: Error | null | undefined) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => run((error) => (error ? reject(error) : resolve())))
}

/** Downloads `<shop>/backups/<id>/` into `<folder>/<shop>-<id>/`; a half download never looks complete. */
export async function downloadBackup(session: HostSession, shop: string, backupId: string, folder: string, onProgress: (p: TransferProgress) => void): Promise<string> {
  const manifest = (await listBackups(session, shop)).find((b) => b.id === backupId)
  if (!manifest) throw new AppError('not_found', `There is no backup "${backupId}" of "${shop}".`)
  const record = await readShopRecord(session, shop)
  const remote = posix.join(record.dir, 'backups', backupId)
  const target = join(folder, `${shop}-${backupId}`)
  const partial = `${target}.partial`
  await rm(partial, { recursive: true, force: true })
  await mkdir(partial, { recursive: true })
  const sftp = await sftpOf(session)
  const total = manifest.volumes.reduce((sum, v) => sum + v.bytes, 0)
  let before = 0
  for (const volume of manifest.volumes) {
    await transfer((done) =>
      sftp.fastGet(posix.join(remote, volume.file), join(partial, volume.file), { concurrency: 16, chunkSize: 256 * 1024, step: (moved) => onProgress({ done: before + moved, total, file: volume.file }) }, done),
    )
    before += volume.bytes
  }
  await transfer((done) => sftp.fastGet(posix.join(remote, 'manifest.json'), join(partial, 'manifest.json'), done))
  await rm(target, { recursive: true, force: true })
  await rename(partial, target)
  return target
}

/** Uploads a downloaded backup folder to a shop (admins), then checks every archive on the host. */
export async function uploadBackup(session: HostSession, shop: string, folder: string, helperImage: string, onProgress: (p: TransferProgress) => void): Promise<BackupManifest> {
  checkRole(session.profile.role, 'edit')
  let manifest: BackupManifest
  try {
    manifest = manifestSchema.parse(JSON.parse(await readFile(join(folder, 'manifest.json'), 'utf8')))
  } catch {
    throw new AppError('invalid_input', `${folder} is not a downloaded Shop-Manager backup (no readable manifest.json).`, { say: { key: 'notBackupFolder', values: { folder } } })
  }
  const files = new Set(await readdir(folder))
  const missing = manifest.volumes.filter((v) => !files.has(v.file)).map((v) => v.file)
  if (missing.length > 0) throw new AppError('invalid_input', `The backup folder lacks ${missing.join(', ')}.`, { say: { key: 'backupIncomplete', values: { files: missing.join(', ') } } })
  if ((await listBackups(session, shop)).some((b) => b.id === manifest.id)) {
    throw new AppError('invalid_input', `The shop "${shop}" has the backup ${manifest.id} already.`, { say: { key: 'backupThere', values: { shop, id: manifest.id } } })
  }
  const record = await readShopRecord(session, shop)
  const remote = posix.join(record.dir, 'backups', manifest.id)
  const made = await session.exec(['mkdir', '-p', '--', remote], { timeoutMs: 10_000 })
  if (made.code !== 0) throw new AppError('internal', `Could not create ${remote}: ${made.stderr.trim()}`)
  try {
    const sftp = await sftpOf(session)
    const sizes = await Promise.all(manifest.volumes.map(async (v) => (await stat(join(folder, v.file))).size))
    const total = sizes.reduce((a, b) => a + b, 0)
    let before = 0
    for (const [index, volume] of manifest.volumes.entries()) {
      await transfer((done) =>
        sftp.fastPut(join(folder, volume.file), posix.join(remote, volume.file), { concurrency: 16, chunkSize: 256 * 1024, step: (moved) => onProgress({ done: before + moved, total, file: volume.file }) }, done),
      )
      before += sizes[index]!
    }
    // Checked on the host before the manifest is written: only a whole, intact backup is ever listed.
    const sums = manifest.volumes.map((v) => `${v.sha512}  ${v.file}`).join('\n')
    await runHelper(session.docker, helperImage, {
      binds: [`${remote}:/from:ro`],
      script: 'cd /from && printf "%s\\n" "$SUMS" | sha512sum -c -',
      env: { SUMS: sums },
      what: 'Checking the uploaded archives',
    }).catch(() => {
      throw new AppError('invalid_input', `The uploaded backup ${manifest.id} does not match its checksums; it was not kept.`, { say: { key: 'uploadDamaged', values: { id: manifest.id } } })
    })
    await writeShopFiles(session, remote, [{ path: 'manifest.json', content: `${JSON.stringify(manifest, null, 2)}\n`, mode: 0o644 }])
    return manifest
  } catch (error) {
    await session.exec(['rm', '-rf', '--', remote], { timeoutMs: 60_000 }).catch(() => undefined)
    throw error
  }
}

export interface TransferDeps {
  session: (hostId: string) => Promise<HostSession>
  operations: OperationRegistry
  helperImage: string
  /** Asks the user for a folder (a dialog in the app); null when they cancel. */
  chooseFolder: (purpose: 'download' | 'upload') => Promise<string | null>
}

export function startBackupTransfer(
  input: { hostId: string; shop: string; direction: 'download' | 'upload'; backupId?: string | undefined },
  deps: TransferDeps,
): OperationSnapshot {
  const op = deps.operations.start(input.direction, input.hostId, input.shop, transferSteps)
  const started = Date.now()
  void (async () => {
    try {
      op.step('choose', 'running')
      const folder = await deps.chooseFolder(input.direction)
      if (!folder) throw new AppError('cancelled', 'No folder was chosen.')
      op.step('choose', 'done', folder)
      op.setCancellable(false)
      const session = await deps.session(input.hostId)
      const progress = (p: TransferProgress) => op.progress('transfer', { done: p.done, total: p.total }, p.file)
      op.step('transfer', 'running')
      if (input.direction === 'download') {
        if (!input.backupId) throw new AppError('invalid_input', 'Which backup?')
        const path = await downloadBackup(session, input.shop, input.backupId, folder, progress)
        op.step('transfer', 'done')
        op.step('done', 'done')
        op.succeed({ url: '', login: null, seconds: (Date.now() - started) / 1000, backupId: input.backupId, path })
      } else {
        const manifest = await uploadBackup(session, input.shop, folder, deps.helperImage, progress)
        op.step('transfer', 'done')
        op.step('done', 'done')
        op.succeed({ url: '', login: null, seconds: (Date.now() - started) / 1000, backupId: manifest.id })
      }
    } catch (error) {
      const failure = toAppError(error)
      op.fail(failure, failure.code === 'cancelled' ? 'choose' : 'transfer')
    }
  })()
  return deps.operations.get(op.id)!
}
