import { afterEach, describe, expect, it, vi } from 'vitest'
import { AppError } from '@shared/errors'
import type { OperationSnapshot } from '@shared/operations'
import { OperationRegistry } from './operation-registry'
import { OperationRunner, type OperationContext } from './operation-runner'

type Step = 'first' | 'second' | 'done'
const steps = ['first', 'second', 'done'] as const

function runner(keepFinishedMs?: number): { runner: OperationRunner; registry: OperationRegistry; finished: string[] } {
  const registry = new OperationRegistry(() => undefined, undefined, keepFinishedMs)
  const finished: string[] = []
  return { runner: new OperationRunner(registry, (hostId) => finished.push(hostId)), registry, finished }
}

/** A promise the test resolves: the operation waits there between its steps. */
function between(): { wait: Promise<void>; go: () => void } {
  let go!: () => void
  return { wait: new Promise<void>((resolve) => (go = resolve)), go }
}

const result = { url: 'https://neu.example', login: null, seconds: 0 }

describe('operation runner', () => {
  afterEach(() => void vi.useRealTimers())

  it('settles a failure exactly once, at the step it came, and the failure stays the operation’s even when settling fails', async () => {
    const { runner: run, finished } = runner()
    const settled: Array<[string, string]> = []
    const { done } = run.start<Step>({
      kind: 'create',
      hostId: 'h',
      shop: 'neu',
      steps,
      async run({ steps: s }) {
        s.begin('first')
        s.begin('second')
        throw new AppError('disk_full', 'The disk is full.')
      },
      async settle(failure, step) {
        settled.push([failure.code, step])
        throw new Error('the connection is gone as well')
      },
    })
    const final = await done
    expect(settled).toEqual([['disk_full', 'second']])
    expect(final).toMatchObject({ status: 'failed', error: { code: 'disk_full', message: 'The disk is full.', step: 'second' } })
    expect(final.steps.map((x) => x.status)).toEqual(['done', 'failed', 'pending'])
    expect(finished).toEqual(['h'])
  })

  it('does not settle an operation that succeeded', async () => {
    const { runner: run } = runner()
    let settled = 0
    const final = await run.start<Step>({ kind: 'create', hostId: 'h', shop: 'neu', steps, run: async () => result, settle: async () => void settled++ }).done
    expect(final.status).toBe('succeeded')
    expect(settled).toBe(0)
  })

  it('honours a cancel between steps at the next begin while cancel is offered; the later step never runs', async () => {
    const { runner: run, registry } = runner()
    const pause = between()
    let reachedSecond = false
    const started = run.start<Step>({
      kind: 'clone',
      hostId: 'h',
      shop: 'neu',
      steps,
      async run({ steps: s }) {
        s.begin('first')
        await pause.wait
        s.begin('second')
        reachedSecond = true
        return result
      },
    })
    expect(registry.cancel(started.snapshot.id)).toBe(true)
    pause.go()
    const final = await started.done
    expect(reachedSecond).toBe(false)
    expect(final).toMatchObject({ status: 'cancelled', cancellable: false, error: { code: 'cancelled', step: 'first' } })
  })

  it('ignores a cancel once the operation said no cancel from here, and no longer offers it', async () => {
    const { runner: run, registry } = runner()
    const pause = between()
    const offered: boolean[] = []
    let id = ''
    const started = run.start<Step>({
      kind: 'edit',
      hostId: 'h',
      shop: 'alt',
      steps,
      async run({ steps: s }: OperationContext<Step>) {
        s.begin('first')
        await pause.wait
        s.noCancelFromHere()
        offered.push(registry.get(id)!.cancellable, registry.cancel(id))
        s.begin('second')
        return result
      },
    })
    id = started.snapshot.id
    // Asked while still offered: the signal fires, but the operation has passed the point of no return before its next step.
    expect(registry.cancel(id)).toBe(true)
    pause.go()
    const final = await started.done
    expect(offered).toEqual([false, false])
    expect(final.status).toBe('succeeded')
    expect(final.steps.map((x) => x.status)).toEqual(['done', 'done', 'done'])
  })

  it('gives a snapshot at once and resolves done with the final snapshot, the same the registry answers', async () => {
    const { runner: run, registry } = runner()
    const started = run.start<Step>({
      kind: 'backup',
      hostId: 'h',
      shop: 'alt',
      steps,
      run: async ({ steps: s }) => (s.begin('first'), s.begin('second'), result),
    })
    expect(started.snapshot.status).toBe('running')
    const final: OperationSnapshot = await started.done
    expect(final).toEqual(registry.get(started.snapshot.id))
    expect(final).toMatchObject({ status: 'succeeded', result, cancellable: false })
    expect(final.finishedAt).not.toBeNull()
    expect(final.steps.map((x) => x.status)).toEqual(['done', 'done', 'done'])
  })

  it('forgets a finished operation after the time it is kept, not before', async () => {
    vi.useFakeTimers()
    const { runner: run, registry } = runner(60_000)
    const started = run.start<Step>({ kind: 'create', hostId: 'h', shop: 'neu', steps, run: async () => result })
    await started.done
    vi.advanceTimersByTime(59_999)
    expect(registry.get(started.snapshot.id)?.status).toBe('succeeded')
    vi.advanceTimersByTime(1)
    expect(registry.get(started.snapshot.id)).toBeUndefined()
    expect(registry.list()).toEqual([])
  })
})
