// The pause of clone and backup: the source's writers frozen, the work done, the writers back as they were —
// whatever happened to the work; the steps `pause` and `resume` report it.
import type { ShopEngine } from '../engine/shop-engine'
import type { OperationContext } from '../operations/operation-runner'

type FrozenSteps = 'pause' | 'resume'

/** Runs `work` (as step `workStep`) while the services of `shop` that write to `volumes` are frozen; returns the images they ran. */
export async function whileFrozen<S extends string>(
  engine: ShopEngine,
  context: OperationContext<S | FrozenSteps>,
  shop: string,
  volumes: readonly string[],
  workStep: S,
  work: () => Promise<void>,
): Promise<Record<string, string>> {
  const { op, steps } = context
  steps.begin('pause')
  const frozen = await engine.runtime.freeze(shop, volumes)
  const unpaused = (): void => op.step('resume', 'running', { key: 'unpaused' })
  op.step('pause', 'done', frozen.paused > 0 ? { key: 'paused', values: { count: frozen.paused } } : { key: 'notRunning' })
  try {
    steps.enter(workStep)
    await work()
  } catch (error) {
    // Back as it was, whatever happened to the work; the failure stays the work's.
    await frozen.resume(unpaused).then(
      (note) => op.step('resume', 'done', note),
      (resumeError: Error) => op.step('resume', 'failed', resumeError.message),
    )
    throw error
  }
  steps.enter('resume')
  op.step('resume', 'done', await frozen.resume(unpaused))
  return frozen.images
}
