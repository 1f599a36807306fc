// Copies one Docker volume into another on the host, with a helper container (no data through the laptop):
// a tar pipe between the two mounts, with the bytes copied reported twice a second.
import type Docker from 'dockerode'
import type { Readable } from 'node:stream'
import { PassThrough } from 'node:stream'
import { AppError, cancelledError } from '@shared/errors'

export interface CopyProgress {
  done: number
  total: number
}

export interface CopyOptions {
  signal?: AbortSignal
  onProgress?: (progress: CopyProgress) => void
}

// Numeric owners: the helper's /etc/passwd is not the shop's (postgres is uid 999 in its image, nobody here).
const TAR_PIPE = '(cd /from && tar --numeric-owner -cf - .) | (cd /to && tar --numeric-owner -xf -)'

/**
 * Prints `total <KiB>`, then `copied <KiB>` every half second from a reporter beside the pipe, and ends the
 * moment the pipe does (no poll interval added to the copy).
 */
const COPY_WITH_PROGRESS = `set -o pipefail
echo "total $(du -sk /from | cut -f1)"
(while sleep 0.5; do echo "copied $(du -sk /to | cut -f1)"; done) &
reporter=$!
${TAR_PIPE}
status=$?
kill "$reporter" 2>/dev/null
echo "copied $(du -sk /to | cut -f1)"
exit $status`

/** The plain pipe, for the benchmark's baseline. */
export const RAW_COPY = TAR_PIPE

async function ensureImage(docker: Docker, image: string): Promise<void> {
  try {
    await docker.getImage(image).inspect()
    return
  } catch {
    // not on the host: pull below
  }
  try {
    const stream = (await docker.pull(image)) as Readable
    await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (error: Error | null) => (error ? reject(error) : resolve())))
  } catch (error) {
    const reason = (error as Error).message
    throw new AppError('internal', `The helper image "${image}" is not on the host and could not be pulled (${reason}). Choose another image with sh and tar in the settings.`, {
      say: { key: 'helperImageMissing', values: { image, reason } },
    })
  }
}

export async function volumeExists(docker: Docker, name: string): Promise<boolean> {
  try {
    await docker.getVolume(name).inspect()
    return true
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false
    throw error
  }
}

/** A new shop must never pick up an old shop's data because the volume names match. */
export async function assertVolumesFree(session: { docker: Docker }, names: readonly string[]): Promise<void> {
  for (const name of names) {
    if (await volumeExists(session.docker, name)) {
      throw new AppError('invalid_input', `A volume named "${name}" already exists on this host (data of an earlier shop?). Choose another name.`, {
        fields: [{ path: 'name', message: 'taken' }],
        say: { key: 'volumeExists', values: { name } },
      })
    }
  }
}

export interface HelperRun extends CopyOptions {
  /** `source:/path[:ro]` mounts: volumes by name, host directories by absolute path. */
  binds: string[]
  script: string
  env?: Record<string, string>
  /** Every other line the script prints (`total`/`copied` lines are progress). */
  onLine?: (line: string) => void
  /** What the run does, for the error message ("Copying a to b"). */
  what: string
}

/** Runs a script in a throw-away container on the host, reporting `total <KiB>` / `copied <KiB>` lines as progress. */
export async function runHelper(docker: Docker, image: string, run: HelperRun): Promise<void> {
  await ensureImage(docker, image)
  const container = await docker.createContainer({
    Image: image,
    Cmd: ['sh', '-c', run.script],
    Env: Object.entries(run.env ?? {}).map(([k, v]) => `${k}=${v}`),
    Labels: { 'shopmanager.helper': 'volume-copy' },
    HostConfig: { Binds: run.binds, NetworkMode: 'none' },
  })
  const kill = (): void => void container.remove({ force: true }).catch(() => undefined)
  run.signal?.addEventListener('abort', kill, { once: true })
  let total = 0
  let stderr = ''
  try {
    const stream = (await container.attach({ stream: true, stdout: true, stderr: true })) as unknown as Readable
    const out = new PassThrough()
    const err = new PassThrough()
    docker.modem.demuxStream(stream, out, err)
    err.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-2000)))
    let rest = ''
    out.on('data', (chunk: Buffer) => {
      const lines = (rest + chunk.toString('utf8')).split('\n')
      rest = lines.pop() ?? ''
      for (const line of lines) {
        const [word, kib] = line.trim().split(' ')
        const bytes = Number(kib) * 1024
        if (word === 'total' && Number.isFinite(bytes)) total = bytes
        else if (word === 'copied' && Number.isFinite(bytes)) run.onProgress?.({ done: Math.min(bytes, total || bytes), total: total || bytes })
        else run.onLine?.(line.trim())
      }
    })
    await container.start()
    const { StatusCode } = (await container.wait()) as { StatusCode: number }
    if (run.signal?.aborted) throw cancelledError()
    if (StatusCode !== 0) throw new AppError('internal', `${run.what} failed (exit ${StatusCode}): ${stderr.trim().split('\n').slice(-2).join(' ')}`)
  } finally {
    run.signal?.removeEventListener('abort', kill)
    await container.remove({ force: true }).catch(() => undefined)
  }
}

/** Runs `script` with volume `from` mounted read-only at /from and volume `to` at /to. */
export function runVolumeHelper(docker: Docker, image: string, from: string, to: string, script: string, options: CopyOptions = {}): Promise<void> {
  return runHelper(docker, image, { ...options, binds: [`${from}:/from:ro`, `${to}:/to`], script, what: `Copying ${from} to ${to}` })
}

export function copyVolume(docker: Docker, image: string, from: string, to: string, options: CopyOptions = {}): Promise<void> {
  return runVolumeHelper(docker, image, from, to, COPY_WITH_PROGRESS, options)
}
