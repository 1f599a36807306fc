// Throw-away helper containers on the host (no data through the laptop): a script over volumes and host
// directories, its `total <KiB>` / `copied <KiB>` lines reported as progress; the image pulled when missing.
import type Docker from 'dockerode'
import type { Duplex, Readable } from 'node:stream'
import { PassThrough } from 'node:stream'
import { AppError, cancelledError } from '@shared/errors'
import type { HelperBox, HelperMount, HelperRun, HelperScript } from '../shop-runtime'
import { dockerTransportError } from './docker-client'
import { pullImage } from './image-pull'

export async function volumeExists(docker: Docker, name: string): Promise<boolean> {
  try {
    await docker.getVolume(name).inspect()
    return true
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false
    throw dockerTransportError(error, 'checking a volume')
  }
}

const bind = (m: HelperMount): string => `${m.source}:${m.target}${m.readOnly ? ':ro' : ''}`

async function helperImage(docker: Docker, image: string): Promise<void> {
  try {
    await pullImage(docker, image)
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'invalid_input') throw error
    const reason = String(error.say?.values?.['reason'] ?? error.message)
    throw new AppError(
      'internal',
      `The helper image "${image}" is not on the host and could not be pulled (${reason}). Choose another image with sh, GNU tar and coreutils in the settings.`,
      {
        say: { key: 'helperImageMissing', values: { image, reason } },
      },
    )
  }
}

/** Reads a helper's output: `total <KiB>` / `copied <KiB>` lines as progress, every other line to `onLine`; keeps the end of stderr. */
function readHelperOutput(docker: Docker, stream: Readable, run: HelperScript): { stderr: () => string } {
  let total = 0
  let stderr = ''
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
  return { stderr: () => stderr }
}

const failed = (run: HelperScript, status: number, stderr: string): AppError =>
  new AppError('internal', `${run.what} failed (exit ${status}): ${stderr.trim().split('\n').slice(-2).join(' ')}`)

/** Runs a script in a throw-away container on the host, reporting `total <KiB>` / `copied <KiB>` lines as progress. */
export async function runHelper(docker: Docker, image: string, run: HelperRun): Promise<void> {
  await helperImage(docker, image)
  const container = await docker
    .createContainer({
      Image: image,
      Cmd: ['sh', '-c', run.script],
      Env: Object.entries(run.env ?? {}).map(([k, v]) => `${k}=${v}`),
      Labels: { 'shopmanager.helper': 'volume-copy' },
      HostConfig: { Binds: run.mounts.map(bind), NetworkMode: 'none' },
    })
    .catch((error: unknown) => {
      throw dockerTransportError(error, run.what)
    })
  const kill = (): void => void container.remove({ force: true }).catch(() => undefined)
  run.signal?.addEventListener('abort', kill, { once: true })
  try {
    const stream = (await container.attach({ stream: true, stdout: true, stderr: true })) as unknown as Readable
    const output = readHelperOutput(docker, stream, run)
    await container.start()
    const { StatusCode } = (await container.wait()) as { StatusCode: number }
    if (run.signal?.aborted) throw cancelledError()
    if (StatusCode !== 0) throw failed(run, StatusCode, output.stderr())
  } catch (error) {
    if (run.signal?.aborted) throw cancelledError()
    throw dockerTransportError(error, run.what)
  } finally {
    run.signal?.removeEventListener('abort', kill)
    await container.remove({ force: true }).catch(() => undefined)
  }
}

/**
 * A helper container kept up for several scripts, each an exec in it: the final pass of a copy, under the pause, does
 * not wait for a container to be made and started. Its main process reads its stdin, attached from here: when this
 * laptop closes it, or its connection goes, stdin ends and the container ends and is removed by the host itself, so
 * no helper outlives the operation and holds a volume. A cancel removes the container, which ends the script.
 */
export async function openHelper(docker: Docker, image: string, mounts: readonly HelperMount[], what: string): Promise<HelperBox> {
  await helperImage(docker, image)
  const container = await docker
    .createContainer({
      Image: image,
      Cmd: ['sh', '-c', 'cat > /dev/null'],
      OpenStdin: true,
      StdinOnce: true,
      AttachStdin: true,
      Labels: { 'shopmanager.helper': 'volume-copy' },
      HostConfig: { Binds: mounts.map(bind), NetworkMode: 'none', AutoRemove: true },
    })
    .catch((error: unknown) => {
      throw dockerTransportError(error, what)
    })
  const remove = (): Promise<void> =>
    container.remove({ force: true }).then(
      () => undefined,
      () => undefined,
    )
  let lifeline: Duplex
  try {
    lifeline = (await container.attach({ stream: true, stdin: true, hijack: true })) as unknown as Duplex
    lifeline.on('error', () => undefined)
    await container.start()
  } catch (error) {
    await remove()
    throw dockerTransportError(error, what)
  }
  const close = async (): Promise<void> => {
    lifeline.end()
    lifeline.destroy()
    await remove()
  }
  return {
    async run(run) {
      const kill = (): void => void close()
      run.signal?.addEventListener('abort', kill, { once: true })
      try {
        if (run.signal?.aborted) throw cancelledError()
        const exec = await container.exec({
          Cmd: ['sh', '-c', run.script],
          Env: Object.entries(run.env ?? {}).map(([k, v]) => `${k}=${v}`),
          AttachStdout: true,
          AttachStderr: true,
        })
        const stream = (await exec.start({ hijack: true, stdin: false })) as Readable
        const output = readHelperOutput(docker, stream, run)
        await new Promise<void>((resolve, reject) => {
          stream.on('end', resolve)
          stream.on('close', resolve)
          stream.on('error', reject)
        })
        if (run.signal?.aborted) throw cancelledError()
        const { ExitCode } = await exec.inspect()
        if (ExitCode !== 0) throw failed(run, ExitCode ?? -1, output.stderr())
      } catch (error) {
        if (run.signal?.aborted) throw cancelledError()
        throw dockerTransportError(error, run.what)
      } finally {
        run.signal?.removeEventListener('abort', kill)
      }
    },
    close,
  }
}
