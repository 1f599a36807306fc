// An operation the host runs itself (a sales key's create or clone, behind the gate), shown here as if it ran
// here: every step the host reports is this operation's step, its log this log, its end this end. Cancel closes
// the request; the host cancels where that is safe and reports how it ended.
import { AppError, type ErrorCode } from '@shared/errors'
import type { CreateResult, OperationSnapshot } from '@shared/operations'
import type { HostRun } from '../engine/host-lifecycle'
import type { OperationContext } from '../operations/operation-runner'

export async function followHostOperation<S extends string>(
  context: OperationContext<S>,
  start: (run: HostRun) => Promise<OperationSnapshot>,
): Promise<CreateResult> {
  const { op } = context
  const shown = new Map<string, string>()
  let logged = 0
  const mirror = (snapshot: OperationSnapshot): void => {
    for (const step of snapshot.steps) {
      const seen = JSON.stringify(step)
      if (shown.get(step.id) === seen) continue
      shown.set(step.id, seen)
      if (step.progress && step.status === 'running') op.progress(step.id, step.progress, step.message)
      else op.step(step.id, step.status, step.note ?? step.message)
    }
    // The host's log is its last lines; what is new since the last snapshot is what follows the last one shown.
    for (const line of snapshot.log.slice(Math.max(0, Math.min(logged, snapshot.log.length)))) op.log(line)
    logged = snapshot.log.length
    op.setCancellable(snapshot.cancellable)
  }
  const final = await start({ onProgress: mirror, signal: context.signal })
  mirror(final)
  if (final.status === 'succeeded' && final.result) return final.result
  const error = final.error
  // The failure shows at the host's step, not at whichever step this side saw last.
  if (error?.step && final.steps.some((step) => step.id === error.step)) context.steps.enter(error.step as S)
  throw new AppError((error?.code ?? 'internal') as ErrorCode, error?.message ?? `The host's ${final.kind} ended ${final.status}.`, {
    ...(error?.say ? { say: error.say } : {}),
    ...(error?.fields ? { fields: error.fields } : {}),
    ...(error?.details ? { details: error.details } : {}),
  })
}
