// Where a fake port can be made to fail or to wait: a test names a method ("apply", "withLock") and either makes
// its next calls throw, or holds the next call until the test lets it go (to cancel or look at the host meanwhile).

/** A call held at a point: `reached` resolves when it got there, `open` lets it go on. */
export interface Gate {
  readonly reached: Promise<void>
  open(): void
}

interface Failure {
  error: () => Error
  times: number
}

interface HeldGate extends Gate {
  arrive(): Promise<void>
}

function heldGate(): HeldGate {
  let arrived!: () => void
  let opened!: () => void
  const reached = new Promise<void>((resolve) => (arrived = resolve))
  const open = new Promise<void>((resolve) => (opened = resolve))
  return {
    reached,
    open: () => opened(),
    arrive: () => {
      arrived()
      return open
    },
  }
}

export class FaultPoints<P extends string> {
  private readonly failures = new Map<P, Failure>()
  private readonly gates = new Map<P, HeldGate>()
  /** How often each point was passed, failed calls included. */
  readonly counts = new Map<P, number>()

  /** The next `times` calls at `point` (all of them by default) throw `error`. */
  failOn(point: P, error: Error | (() => Error), times = Number.POSITIVE_INFINITY): void {
    this.failures.set(point, { error: typeof error === 'function' ? error : () => error, times })
  }

  /** Calls at `point` work again. */
  heal(point: P): void {
    this.failures.delete(point)
  }

  /** Holds the next call at `point` until the gate is opened. */
  hold(point: P): Gate {
    const gate = heldGate()
    this.gates.set(point, gate)
    return gate
  }

  count(point: P): number {
    return this.counts.get(point) ?? 0
  }

  /** Called by the fake at the start of a method: waits at a gate, then throws a scripted failure. */
  async pass(point: P): Promise<void> {
    this.counts.set(point, this.count(point) + 1)
    const gate = this.gates.get(point)
    if (gate) {
      this.gates.delete(point)
      await gate.arrive()
    }
    const failure = this.failures.get(point)
    if (!failure || failure.times <= 0) return
    failure.times--
    throw failure.error()
  }
}
