// Shop drafts kept on this laptop: listed, saved, duplicated, removed, deployed, exported and imported.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { Draft, DraftInput, DraftsRecovery } from '@shared/drafts'
import type { OperationSnapshot } from '@shared/operations'
import { call } from '../api'
import { useErrorStore } from './errors'

export const useDraftsStore = defineStore('drafts', () => {
  const drafts = ref<Draft[]>([])
  const recovered = ref<DraftsRecovery | null>(null)
  const loading = ref(false)

  async function load(): Promise<void> {
    loading.value = true
    try {
      const list = await call('drafts:list')
      drafts.value = list.drafts
      recovered.value = list.recovered
    } catch (error) {
      useErrorStore().report(error)
    } finally {
      loading.value = false
    }
  }

  async function save(input: DraftInput & { id?: string }): Promise<Draft> {
    const draft = await call('drafts:save', input)
    await load()
    return draft
  }

  async function duplicate(id: string): Promise<Draft> {
    const draft = await call('drafts:duplicate', { id })
    await load()
    return draft
  }

  async function remove(id: string): Promise<void> {
    await call('drafts:remove', { id })
    await load()
  }

  async function deploy(id: string, hostId?: string): Promise<OperationSnapshot> {
    return call('drafts:deploy', { id, ...(hostId ? { hostId } : {}) })
  }

  async function exportDrafts(ids: string[]): Promise<string> {
    return JSON.stringify(await call('drafts:export', { ids }), null, 2)
  }

  async function importDrafts(content: string): Promise<number> {
    const added = await call('drafts:import', { content })
    await load()
    return added.length
  }

  return { drafts, recovered, loading, load, save, duplicate, remove, deploy, exportDrafts, importDrafts }
})
