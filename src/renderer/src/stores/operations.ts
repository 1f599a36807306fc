// Long operations the main process runs (create, later clone and backup), mirrored live by id.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { OperationSnapshot } from '@shared/operations'
import { call, onEvent } from '../api'

export const useOperationsStore = defineStore('operations', () => {
  const byId = ref<Record<string, OperationSnapshot>>({})
  let subscribed = false

  function track(snapshot: OperationSnapshot): void {
    if (!subscribed) {
      subscribed = true
      onEvent('operation:progress', (next) => {
        byId.value = { ...byId.value, [next.id]: next }
      })
    }
    byId.value = { ...byId.value, [snapshot.id]: byId.value[snapshot.id] ?? snapshot }
    // A window opened late still shows the truth: ask for the current state once.
    void call('operations:get', { id: snapshot.id }).then((current) => {
      if (current) byId.value = { ...byId.value, [current.id]: current }
    })
  }

  async function cancel(id: string): Promise<boolean> {
    return call('operations:cancel', { id })
  }

  return { byId, track, cancel }
})
