// Running and finished operations: each pushes its snapshot on every change, and can be asked for it later.
import { randomUUID } from 'node:crypto'
import type { OperationSnapshot, OperationStep, StepMessage, StepStatus } from '@shared/operations'
import type { AppError } from '@shared/errors'

const LOG_LINES = 500
/** How long a finished operation can still be asked for (a window opened late shows how it ended). */
const KEEP_FINISHED_MS = 15 * 60_000

/** A new message replaces the step's last one, data or note; none keeps it. */
function said(message: StepMessage | undefined): Partial<OperationStep> {
  if (!message) return {}
  return typeof message === 'string' ? { message, note: undefined } : { note: message, message: undefined }
}

export interface OperationHandle {
  readonly id: string
  readonly signal: AbortSignal
  step(id: string, status: StepStatus, message?: StepMessage): void
  /** Bytes moved so far in a step, with what is being moved. */
  progress(id: string, progress: { done: number; total: number }, message?: StepMessage): void
  log(line: string): void
  setCancellable(cancellable: boolean): void
  succeed(result: OperationSnapshot['result']): void
  fail(error: AppError, step: string): void
}

export class OperationRegistry {
  private readonly operations = new Map<string, OperationSnapshot>()
  private readonly controllers = new Map<string, AbortController>()

  constructor(
    private readonly publish: (snapshot: OperationSnapshot) => void,
    private readonly now: () => Date = () => new Date(),
    private readonly keepFinishedMs = KEEP_FINISHED_MS,
  ) {}

  get(id: string): OperationSnapshot | undefined {
    return this.operations.get(id)
  }

  list(): OperationSnapshot[] {
    return [...this.operations.values()]
  }

  /** Asks a running operation to stop; it decides what is safe and reports `cancelled` or carries on. */
  cancel(id: string): boolean {
    const operation = this.operations.get(id)
    if (!operation || operation.status !== 'running' || !operation.cancellable) return false
    this.controllers.get(id)?.abort()
    return true
  }

  start(kind: OperationSnapshot['kind'], hostId: string, shop: string, steps: readonly string[]): OperationHandle {
    const id = randomUUID()
    const controller = new AbortController()
    this.controllers.set(id, controller)
    const snapshot: OperationSnapshot = {
      id,
      revision: 0,
      kind,
      hostId,
      shop,
      status: 'running',
      steps: steps.map((step): OperationStep => ({ id: step, status: 'pending' })),
      log: [],
      startedAt: this.now().toISOString(),
      finishedAt: null,
      cancellable: true,
    }
    this.operations.set(id, snapshot)
    const update = (change: (s: OperationSnapshot) => void): void => {
      change(snapshot)
      snapshot.revision++
      this.publish(structuredClone(snapshot))
    }
    const finish = (status: OperationSnapshot['status']): void => {
      snapshot.status = status
      snapshot.finishedAt = this.now().toISOString()
      snapshot.cancellable = false
      this.controllers.delete(id)
      // Finished operations leave the registry after a while, so a long-running app does not keep them all.
      setTimeout(() => this.operations.delete(id), this.keepFinishedMs).unref()
    }
    update(() => undefined)
    return {
      id,
      signal: controller.signal,
      step: (stepId, status, message) =>
        update((s) => {
          const step = s.steps.find((x) => x.id === stepId)
          if (step) Object.assign(step, { status }, said(message))
        }),
      progress: (stepId, progress, message) =>
        update((s) => {
          const step = s.steps.find((x) => x.id === stepId)
          if (step) Object.assign(step, { status: 'running', progress }, said(message))
        }),
      log: (line) =>
        update((s) => {
          s.log.push(line)
          if (s.log.length > LOG_LINES) s.log.splice(0, s.log.length - LOG_LINES)
        }),
      setCancellable: (cancellable) => update((s) => void (s.cancellable = cancellable)),
      succeed: (result) =>
        update((s) => {
          finish('succeeded')
          if (result) s.result = result
        }),
      fail: (error, step) =>
        update((s) => {
          finish(error.code === 'cancelled' ? 'cancelled' : 'failed')
          s.error = {
            code: error.code,
            message: error.message,
            step,
            ...(error.details ? { details: error.details } : {}),
            ...(error.say ? { say: error.say } : {}),
            ...(error.fields ? { fields: error.fields } : {}),
          }
          const failed = s.steps.find((x) => x.id === step)
          // A step that already said why it failed (an update's health check before its rollback) keeps its words.
          if (failed && failed.status !== 'failed') Object.assign(failed, { status: 'failed', message: error.message })
        }),
    }
  }
}
