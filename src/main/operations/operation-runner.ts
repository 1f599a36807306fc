// The one way a long operation runs: declared steps, a snapshot at once and a promise of the end, cancel checked
// at every step while it is offered, the failure settled and recorded once, the overview told when it ends.
import { cancelledError, toAppError, type AppError } from '@shared/errors'
import type { CreateResult, OperationKind, OperationSnapshot, StepMessage } from '@shared/operations'
import type { OperationHandle, OperationRegistry } from './operation-registry'

/** Moves an operation from step to step. */
export interface Stepper<S extends string> {
  readonly current: S
  /** Marks the step before done and `next` running; throws `cancelled` first if the user cancelled while that was offered. */
  begin(next: S, message?: StepMessage): void
  /** Marks the step before done and `next` skipped (nothing to do there), with why. */
  skip(next: S, message?: StepMessage): void
  /** Moves on without marking the step before done (it reported for itself). */
  enter(next: S): void
  /** Throws `cancelled` once the user has cancelled. */
  cancelled(): void
  /** From here on cancelling would leave something half-done: it is no longer offered. */
  noCancelFromHere(): void
  /** Offers cancel again (e.g. after a pause was resumed). */
  cancelFromHere(): void
}

export interface OperationContext<S extends string> {
  op: OperationHandle
  steps: Stepper<S>
  signal: AbortSignal
  startedAt: number
}

export interface OperationPlan<S extends string> {
  kind: OperationKind
  hostId: string
  shop: string
  steps: readonly S[]
  /** Whether cancel is offered from the start (default true). */
  cancellable?: boolean
  run(context: OperationContext<S>): Promise<CreateResult>
  /** Called once with the failure before it is reported: undo what a cancel leaves, or record the failure on the host. */
  settle?(failure: AppError, step: S): Promise<void>
  /** The step a failure is shown at (default: the step running when it came). */
  failedAt?(failure: AppError, current: S): S
}

export interface StartedOperation {
  snapshot: OperationSnapshot
  /** Resolves with the final snapshot, however the operation ended. */
  done: Promise<OperationSnapshot>
}

function stepper<S extends string>(op: OperationHandle, first: S): Stepper<S> & { finish(): void } {
  let current = first
  let currentSkipped = false
  let cancellable = true
  const leave = (next: S): void => {
    if (current !== next && !currentSkipped) op.step(current, 'done')
  }
  return {
    get current(): S {
      return current
    },
    begin(next, message) {
      if (cancellable && op.signal.aborted) throw cancelledError()
      leave(next)
      current = next
      currentSkipped = false
      op.step(next, 'running', message)
    },
    skip(next, message) {
      leave(next)
      current = next
      currentSkipped = true
      op.step(next, 'skipped', message)
    },
    enter(next) {
      current = next
      currentSkipped = false
      op.step(next, 'running')
    },
    cancelled() {
      if (op.signal.aborted) throw cancelledError()
    },
    noCancelFromHere() {
      cancellable = false
      op.setCancellable(false)
    },
    cancelFromHere() {
      cancellable = true
      op.setCancellable(true)
    },
    finish() {
      if (!currentSkipped) op.step(current, 'done')
    },
  }
}

export class OperationRunner {
  constructor(
    private readonly registry: OperationRegistry,
    private readonly onFinished: (hostId: string) => void = () => undefined,
  ) {}

  get operations(): OperationRegistry {
    return this.registry
  }

  start<S extends string>(plan: OperationPlan<S>): StartedOperation {
    const op = this.registry.start(plan.kind, plan.hostId, plan.shop, plan.steps)
    if (plan.cancellable === false) op.setCancellable(false)
    const steps = stepper(op, plan.steps[0]!)
    if (plan.cancellable === false) steps.noCancelFromHere()
    const context: OperationContext<S> = { op, steps, signal: op.signal, startedAt: Date.now() }
    const done = (async () => {
      try {
        const result = await plan.run(context)
        steps.finish()
        const last = plan.steps[plan.steps.length - 1]!
        if (steps.current !== last) op.step(last, 'done')
        op.succeed(result)
      } catch (error) {
        const failure = toAppError(error)
        const step = plan.failedAt?.(failure, steps.current) ?? steps.current
        // Settling may itself fail (the connection is gone): the operation's own failure is what the user sees.
        await plan.settle?.(failure, step).catch(() => undefined)
        op.fail(failure, step)
      } finally {
        this.onFinished(plan.hostId)
      }
      return this.registry.get(op.id)!
    })()
    return { snapshot: this.registry.get(op.id)!, done }
  }
}
