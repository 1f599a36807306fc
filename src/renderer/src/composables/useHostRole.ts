// The user's role on a host as its profile says; the main process enforces it, the UI only hides what it would refuse.
import { computed, toValue, type ComputedRef, type MaybeRefOrGetter } from 'vue'
import type { HostRole } from '@shared/hosts'
import { useHostsStore } from '../stores/hosts'

export function useHostRole(hostId: MaybeRefOrGetter<string | null | undefined>): ComputedRef<HostRole> {
  const hosts = useHostsStore()
  return computed(() => hosts.hosts.find((h) => h.id === toValue(hostId))?.role ?? 'sales')
}
