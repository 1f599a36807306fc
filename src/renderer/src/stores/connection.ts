// Connection state per host, pushed by the main process; the status bar shows the active host's.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { ConnectionState } from '@shared/settings'
import { call, onEvent } from '../api'
import { useErrorStore } from './errors'
import { useSettingsStore } from './settings'

export const useConnectionStore = defineStore('connection', () => {
  const states = ref<Record<string, ConnectionState>>({})
  const settings = useSettingsStore()

  const activeHostId = computed(() => settings.settings.activeHostId)
  const active = computed<ConnectionState | null>(() => {
    const id = activeHostId.value
    if (!id) return null
    return states.value[id] ?? { hostId: id, state: 'idle', since: '' }
  })

  // The store lives as long as the window: it subscribes once, however often it is loaded.
  let subscribed = false

  async function load(): Promise<void> {
    if (!subscribed) {
      subscribed = true
      onEvent('connection:changed', (state) => {
        states.value = { ...states.value, [state.hostId]: state }
      })
    }
    try {
      for (const state of await call('connection:list')) states.value[state.hostId] = state
    } catch (error) {
      useErrorStore().report(error)
    }
  }

  return { states, active, activeHostId, load }
})
