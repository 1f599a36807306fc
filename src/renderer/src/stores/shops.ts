// The active host's shops as the main process reports them, live, with the overview's text and status filter.
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import type { ShopLight, ShopOverview, ShopSummary } from '@shared/shops'
import { call, onEvent } from '../api'
import { useErrorStore } from './errors'
import { useSettingsStore } from './settings'
import { useTemplatesStore } from './templates'

/** For sorting by status: problems first. */
export const lightRank: Record<ShopLight, number> = { red: 0, yellow: 1, green: 2 }

export const useShopsStore = defineStore('shops', () => {
  const overview = ref<ShopOverview | null>(null)
  const loading = ref(false)
  const text = ref('')
  const lights = ref<ShopLight[]>([])
  const settings = useSettingsStore()
  const errors = useErrorStore()
  const templates = useTemplatesStore()
  let subscribed = false

  const hostId = computed(() => settings.settings.activeHostId)

  /** Pushed overviews and answers to a load travel separately: one read earlier never replaces a later one. */
  function accept(next: ShopOverview): void {
    if (next.hostId !== hostId.value) return
    const current = overview.value
    if (current && current.hostId === next.hostId && Date.parse(current.readAt) > Date.parse(next.readAt)) return
    overview.value = next
  }

  async function load(): Promise<void> {
    if (!subscribed) {
      subscribed = true
      onEvent('shops:overview', accept)
    }
    const id = hostId.value
    if (!id) {
      overview.value = null
      return
    }
    loading.value = true
    try {
      accept(await call('shops:overview', { hostId: id }))
    } catch (error) {
      errors.report(error)
    } finally {
      loading.value = false
    }
  }

  async function refresh(): Promise<void> {
    if (!hostId.value) return
    loading.value = true
    try {
      accept(await call('shops:refresh', { hostId: hostId.value }))
    } catch (error) {
      errors.report(error)
    } finally {
      loading.value = false
    }
  }

  watch(hostId, () => void load())

  const visible = computed<ShopSummary[]>(() => {
    const needle = text.value.trim().toLowerCase()
    // A template is found by its id and by its names as the overview shows them.
    const templateNames = (id: string | null): string[] => {
      const found = templates.list.templates.find((x) => x.id === id)
      return found ? [found.name.de, found.name.en] : []
    }
    return (overview.value?.shops ?? []).filter(
      (shop) =>
        (lights.value.length === 0 || lights.value.includes(shop.light)) &&
        (!needle ||
          [shop.name, shop.domain, shop.template, shop.description, ...templateNames(shop.template)].some((field) => field?.toLowerCase().includes(needle))),
    )
  })

  function byName(name: string): ShopSummary | undefined {
    return overview.value?.shops.find((s) => s.name === name)
  }

  return { overview, loading, text, lights, visible, hostId, load, refresh, byName }
})
