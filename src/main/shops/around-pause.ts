// The pause of clone and backup, kept short: a first pass copies while the shop runs, then the source's writers are
// frozen only for the final pass (what changed since the first began), and are back as they were — whatever
// happened to the work; the steps `pause`, `changes` and `resume` report it.
import type { ShopEngine } from '../engine/shop-engine'
import type { OperationContext } from '../operations/operation-runner'
import type { CopyPass } from './volume-copy'

type FrozenSteps = 'pause' | 'changes' | 'resume'

/**
 * Runs `pass('first')` (in the step the caller began, which it marks done) while the shop runs, then
 * `pass('final')` as step `changes` while the services of `shop` that write to `volumes` are frozen; returns the
 * images they ran.
 */
export async function aroundPause<S extends string>(
  engine: ShopEngine,
  context: OperationContext<S | FrozenSteps>,
  shop: string,
  volumes: readonly string[],
  pass: (pass: CopyPass) => Promise<void>,
): Promise<Record<string, string>> {
  const { op, steps } = context
  await pass('first')
  steps.cancelled()
  steps.enter('pause')
  const frozen = await engine.runtime.freeze(shop, volumes)
  const unpaused = (): void => op.step('resume', 'running', { key: 'unpaused' })
  op.step('pause', 'done', frozen.paused > 0 ? { key: 'paused', values: { count: frozen.paused } } : { key: 'notRunning' })
  try {
    steps.enter('changes')
    await pass('final')
    op.step('changes', 'done')
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
