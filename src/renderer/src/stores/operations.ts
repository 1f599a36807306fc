// Long operations the main process runs (create, later clone and backup), mirrored live by id.
import { defineStore } from 'pinia'
import { ref, watch } from 'vue'
import type { OperationSnapshot } from '@shared/operations'
import { call, onEvent } from '../api'

export const useOperationsStore = defineStore('operations', () => {
  const byId = ref<Record<string, OperationSnapshot>>({})
  let subscribed = false

  /** Pushed events and pulled snapshots travel separately and may arrive out of order: an older copy never
   * replaces a newer one (a finished operation would otherwise show as running for good). */
  function accept(next: OperationSnapshot): void {
    const current = byId.value[next.id]
    if (current && current.revision > next.revision) return
    byId.value = { ...byId.value, [next.id]: next }
  }

  function track(snapshot: OperationSnapshot): void {
    if (!subscribed) {
      subscribed = true
      onEvent('operation:progress', accept)
    }
    accept(snapshot)
    // A window opened late still shows the truth: ask for the current state once.
    void call('operations:get', { id: snapshot.id }).then((current) => {
      if (current) accept(current)
    })
  }

  /** Tracks the operation and resolves with its last snapshot once it has ended, however it ended. */
  function ended(snapshot: OperationSnapshot): Promise<OperationSnapshot> {
    track(snapshot)
    return new Promise((resolve) => {
      const stop = watch(
        () => byId.value[snapshot.id],
        (current) => {
          if (!current || current.status === 'running') return
          queueMicrotask(() => stop())
          resolve(current)
        },
        { immediate: true },
      )
    })
  }

  async function cancel(id: string): Promise<boolean> {
    return call('operations:cancel', { id })
  }

  return { byId, track, ended, cancel }
})
