import { describe, expect, it } from 'vitest'
import { AppError } from '@shared/errors'
import type { OperationSnapshot } from '@shared/operations'
import { OperationRegistry } from './operation-registry'

function registry(): { operations: OperationRegistry; published: OperationSnapshot[] } {
  const published: OperationSnapshot[] = []
  return { operations: new OperationRegistry((s) => published.push(s)), published }
}

describe('operation registry', () => {
  it('publishes a copy on every change; a note replaces a message and the other way round', () => {
    const { operations, published } = registry()
    const op = operations.start('clone', 'h', 'kopie', ['pause', 'copy'])
    op.step('pause', 'running', 'web')
    op.step('pause', 'done', { key: 'paused', values: { count: 1 } })
    expect(operations.get(op.id)?.steps[0]).toEqual({ id: 'pause', status: 'done', note: { key: 'paused', values: { count: 1 } }, message: undefined })
    op.progress('copy', { done: 5, total: 10 }, 'kopie_data')
    op.step('copy', 'done')
    expect(operations.get(op.id)?.steps[1]).toMatchObject({ id: 'copy', status: 'done', message: 'kopie_data', progress: { done: 5, total: 10 } })
    // Earlier snapshots are not changed afterwards.
    expect(published[1]?.steps[0]).toMatchObject({ status: 'running', message: 'web' })
  })

  it('a failure names its step and carries its details; a step that said why it failed keeps its words', () => {
    const { operations } = registry()
    const op = operations.start('update', 'h', 'laden', ['health', 'rollback'])
    op.step('health', 'failed', 'web unhealthy')
    op.fail(
      new AppError('update_rolled_back', 'x:2 did not become healthy; the shop runs x:1 again.', { details: { image: 'x:2', previous: 'x:1' } }),
      'health',
    )
    const done = operations.get(op.id)!
    expect(done.status).toBe('failed')
    expect(done.error).toEqual({
      code: 'update_rolled_back',
      message: 'x:2 did not become healthy; the shop runs x:1 again.',
      step: 'health',
      details: { image: 'x:2', previous: 'x:1' },
    })
    expect(done.steps[0]).toMatchObject({ status: 'failed', message: 'web unhealthy' })

    const other = operations.start('create', 'h', 'neu', ['start'])
    other.step('start', 'running')
    other.fail(new AppError('internal', 'compose up failed'), 'start')
    expect(operations.get(other.id)?.steps[0]).toMatchObject({ status: 'failed', message: 'compose up failed' })
    expect(operations.get(other.id)?.error).not.toHaveProperty('details')
  })

  it('cancels only a running, cancellable operation, through its signal', () => {
    const { operations } = registry()
    const op = operations.start('create', 'h', 'neu', ['write'])
    op.setCancellable(false)
    expect(operations.cancel(op.id)).toBe(false)
    op.setCancellable(true)
    expect(operations.cancel(op.id)).toBe(true)
    expect(op.signal.aborted).toBe(true)
    op.fail(new AppError('cancelled', 'The operation was cancelled.'), 'write')
    expect(operations.get(op.id)).toMatchObject({ status: 'cancelled', cancellable: false })
    expect(operations.cancel(op.id)).toBe(false)
  })
})
