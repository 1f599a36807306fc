// This installation's identity as every view sees it: the Settings card makes it, the host form and the import
// dialog ask whether there is one (it is the default login once there is).
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { HostRole } from '@shared/hosts'
import type { Identity } from '@shared/team'
import { call } from '../api'

export const useIdentityStore = defineStore('identity', () => {
  const identity = ref<Identity | null>(null)
  const loaded = ref(false)

  /** Reads it from the main process; a failure is thrown for the caller to show where it asked. */
  async function load(): Promise<Identity | null> {
    try {
      identity.value = await call('identity:get')
      return identity.value
    } finally {
      loaded.value = true
    }
  }

  async function generate(person: string, role: HostRole, replace: boolean): Promise<Identity> {
    identity.value = await call('identity:generate', { person, role, replace })
    return identity.value
  }

  return { identity, loaded, load, generate }
})
