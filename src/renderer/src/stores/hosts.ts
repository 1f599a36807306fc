// Host profiles and what the last test found; the trust step for a host key seen for the first time.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ConnectionExport } from '@shared/connection-file'
import { AppError } from '@shared/errors'
import type { HostCapacity, HostInput, HostProfile, ProbeResult } from '@shared/hosts'
import { call } from '../api'
import { useErrorStore } from './errors'
import { useSettingsStore } from './settings'

export interface PendingTrust {
  host: HostProfile
  fingerprint: string
}

export const useHostsStore = defineStore('hosts', () => {
  const hosts = ref<HostProfile[]>([])
  const probes = ref<Record<string, ProbeResult>>({})
  const rooms = ref<Record<string, HostCapacity | null>>({})
  const testing = ref<string | null>(null)
  const pendingTrust = ref<PendingTrust | null>(null)
  const errors = useErrorStore()
  const settings = useSettingsStore()

  async function load(): Promise<void> {
    try {
      hosts.value = await call('hosts:list')
    } catch (error) {
      errors.report(error)
    }
  }

  /** Saves and returns the profile; errors (bad key, wrong passphrase) are thrown for the form to show. */
  async function save(input: HostInput): Promise<HostProfile> {
    const saved = await call('hosts:save', input)
    await load()
    return saved
  }

  /** The connection file of a host, for the admin to hand on; errors are thrown for the dialog to show. */
  async function exportConnection(hostId: string): Promise<ConnectionExport> {
    return call('hosts:exportConnection', { hostId })
  }

  /** Makes the profile a connection file describes; errors (not such a file, a host already there) are thrown. */
  async function importConnection(text: string): Promise<HostProfile> {
    const imported = await call('hosts:importConnection', { text })
    await load()
    return imported
  }

  async function remove(hostId: string): Promise<void> {
    try {
      await call('hosts:remove', { hostId })
      if (settings.settings.activeHostId === hostId) await settings.update({ activeHostId: null })
      await load()
    } catch (error) {
      errors.report(error)
    }
  }

  /** Connects and probes; an unknown host key opens the trust dialog instead of an error. */
  async function test(hostId: string): Promise<void> {
    testing.value = hostId
    try {
      probes.value = { ...probes.value, [hostId]: await call('hosts:test', { hostId }) }
      // Connecting asked the host what this key may do: the profile's role follows its answer.
      await load()
      // An admin sees what the host has left for new shops; a sales key reaches no files of the host.
      if (hosts.value.find((h) => h.id === hostId)?.role === 'admin')
        rooms.value = { ...rooms.value, [hostId]: await call('hosts:room', { hostId }).catch(() => null) }
    } catch (error) {
      const host = hosts.value.find((h) => h.id === hostId)
      const fingerprint = error instanceof AppError ? error.details?.['fingerprint'] : undefined
      if (error instanceof AppError && error.code === 'host_key_unknown' && host && fingerprint) {
        pendingTrust.value = { host, fingerprint }
      } else {
        errors.report(error)
      }
    } finally {
      testing.value = null
    }
  }

  async function trust(): Promise<void> {
    const pending = pendingTrust.value
    if (!pending) return
    pendingTrust.value = null
    try {
      await call('hosts:trust', { hostId: pending.host.id, fingerprint: pending.fingerprint })
      await load()
      await test(pending.host.id)
    } catch (error) {
      errors.report(error)
    }
  }

  function cancelTrust(): void {
    pendingTrust.value = null
  }

  async function activate(hostId: string): Promise<void> {
    await settings.update({ activeHostId: hostId })
  }

  return { hosts, probes, rooms, testing, pendingTrust, load, save, exportConnection, importConnection, remove, test, trust, cancelTrust, activate }
})
