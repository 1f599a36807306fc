import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import type { OperationSnapshot } from '@shared/operations'
import { useOperationsStore } from './operations'

const snapshot = (revision: number, status: OperationSnapshot['status']): OperationSnapshot => ({
  id: 'op1',
  revision,
  kind: 'clone',
  hostId: 'h',
  shop: 'kopie',
  status,
  steps: [],
  log: [],
  startedAt: '2026-11-26T00:00:00Z',
  finishedAt: status === 'running' ? null : '2026-11-26T00:00:01Z',
  cancellable: status === 'running',
})

describe('operations store', () => {
  let listener: ((payload: unknown) => void) | undefined
  let answerPull: ((value: unknown) => void) | undefined

  beforeEach(() => {
    setActivePinia(createPinia())
    listener = undefined
    // The preload's window.api: pushed events and a pull whose answer the test releases when it likes.
    ;(globalThis as unknown as { window: unknown }).window = {
      api: {
        on: (_event: string, next: (payload: unknown) => void) => {
          listener = next
          return () => undefined
        },
        invoke: () => new Promise((resolve) => (answerPull = (value) => resolve({ ok: true, value }))),
      },
    }
  })

  it('keeps the newest copy when the pulled snapshot arrives after a newer pushed one', async () => {
    const operations = useOperationsStore()
    operations.track(snapshot(1, 'running'))
    // The operation fails at once; its event overtakes the answer to the pull made when tracking began.
    listener?.(snapshot(3, 'failed'))
    answerPull?.(snapshot(1, 'running'))
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(operations.byId['op1']).toMatchObject({ revision: 3, status: 'failed' })
    // And a newer copy still replaces an older one.
    listener?.(snapshot(4, 'failed'))
    expect(operations.byId['op1']?.revision).toBe(4)
  })
})
