// The images a shop runs, pulled on its host before anything of the shop is written or changed, with this laptop's
// credentials for each image's registry and the layers and bytes shown as the step's progress.
import type { OperationHandle } from '../operations/operation-registry'
import { addUpPulls, type PullAuth, type PullProgress, type ShopRuntime } from '../engine/shop-runtime'

/** The credentials this laptop has for the registry of an image; null to pull anonymously. */
export type RegistryAuth = (image: string) => Promise<PullAuth | null>

/** How often the step's progress is pushed at most, while layers download. */
const PUSH_EVERY_MS = 150

export interface PullStep {
  runtime: ShopRuntime
  auth: RegistryAuth | undefined
  op: OperationHandle
  /** The step the progress belongs to. */
  step: string
  signal?: AbortSignal
}

/** Pulls each image the host does not have yet, one after another (the Engine shares layers between them). */
export async function pullImages(images: readonly string[], pull: PullStep): Promise<void> {
  const progress = new Map<string, PullProgress>()
  let pushedAt = 0
  const push = (force: boolean): void => {
    if (!force && Date.now() - pushedAt < PUSH_EVERY_MS) return
    pushedAt = Date.now()
    const { done, total, layers, layersDone } = addUpPulls(progress.values())
    pull.op.progress(pull.step, { done, total }, { key: 'layers', values: { done: layersDone, total: layers } })
  }
  for (const image of new Set(images)) {
    let last: PullProgress | undefined
    await pull.runtime.pullImage(image, {
      auth: (await pull.auth?.(image)) ?? null,
      ...(pull.signal ? { signal: pull.signal } : {}),
      onProgress: (p) => {
        const finishedLayer = p.layersDone !== last?.layersDone
        last = p
        progress.set(image, p)
        push(finishedLayer)
      },
    })
    if (last) push(true)
  }
}
