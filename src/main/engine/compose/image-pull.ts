// Pulling an image on the host through the Engine API: the registry's credentials travel with the request
// (X-Registry-Auth), so no `docker login` is left on the host; the Engine's progress messages become bytes and layers.
import type Docker from 'dockerode'
import type { Readable } from 'node:stream'
import { AppError, cancelledError } from '@shared/errors'
import { parseImageRef } from '@shared/image-ref'
import { registryFailure, registryProblem } from '../../registry/registry-errors'
import { addUpPulls, type PullOptions, type PullProgress } from '../shop-runtime'
import { dockerTransportError } from './docker-client'

interface ProgressEvent {
  id?: string
  status?: string
  progressDetail?: { current?: number; total?: number }
}

/** Adds up the Engine's per-layer messages: bytes downloaded of the layers' sizes, layers done of all. */
export function pullProgressCounter(): (event: ProgressEvent) => PullProgress | null {
  const layers = new Map<string, { current: number; total: number; done: boolean }>()
  return (event) => {
    const { id, status = '' } = event
    // Lines without a layer id ("Pulling from …", "Digest: …", "Status: …") or of the tag itself say no progress.
    if (!id || /^Pulling from|^Digest|^Status/.test(status)) return null
    const layer = layers.get(id) ?? { current: 0, total: 0, done: false }
    layers.set(id, layer)
    const detail = event.progressDetail ?? {}
    if (status === 'Downloading') {
      if (typeof detail.total === 'number' && detail.total > 0) layer.total = detail.total
      if (typeof detail.current === 'number') layer.current = Math.min(detail.current, layer.total || detail.current)
    } else if (status === 'Download complete' || status === 'Verifying Checksum') {
      layer.current = layer.total
    } else if (status === 'Pull complete' || status === 'Already exists') {
      layer.current = layer.total
      layer.done = true
    }
    return addUpPulls([...layers.values()].map((l) => ({ done: l.current, total: l.total, layers: 1, layersDone: l.done ? 1 : 0 })))
  }
}

async function present(docker: Docker, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect()
    return true
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false
    throw dockerTransportError(error, 'looking for an image')
  }
}

/** Pulls `image` unless the host has it. */
export async function pullImage(docker: Docker, image: string, options: PullOptions = {}): Promise<void> {
  if (await present(docker, image)) return
  const auth = options.auth ?? null
  const ref = parseImageRef(image)
  const context = { image, registry: ref?.registry ?? image, hasCredentials: auth !== null }
  const count = pullProgressCounter()
  try {
    const stream = (await docker.pull(image, auth ? { authconfig: auth } : {})) as Readable
    const abort = (): void => void stream.destroy(cancelledError())
    options.signal?.addEventListener('abort', abort, { once: true })
    try {
      await new Promise<void>((resolve, reject) =>
        docker.modem.followProgress(
          stream,
          (error: Error | null) => (error ? reject(error) : resolve()),
          (event: ProgressEvent) => {
            const progress = count(event)
            if (progress) options.onProgress?.(progress)
          },
        ),
      )
    } finally {
      options.signal?.removeEventListener('abort', abort)
    }
  } catch (error) {
    if (options.signal?.aborted) throw cancelledError()
    const transport = dockerTransportError(error, 'pulling an image')
    if (transport instanceof AppError) throw transport
    const e = error as { message?: string; json?: { message?: string }; statusCode?: number }
    // dockerode prefixes the Engine's words with its own ("(HTTP code 500) server error - "): the user gets the Engine's.
    const reason = (e.json?.message ?? e.message ?? String(error)).replace(/^\(HTTP code \d+\)[^-]*- /, '')
    throw registryFailure(registryProblem(reason), context, reason, 'invalid_input')
  }
}
