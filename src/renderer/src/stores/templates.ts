// The templates the main process found, bundled and custom, with the problems of any it could not read.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { TemplateList } from '@shared/templates'
import { call } from '../api'
import { useErrorStore } from './errors'

export const useTemplatesStore = defineStore('templates', () => {
  const list = ref<TemplateList>({ templates: [], problems: [] })
  const loading = ref(false)

  async function load(): Promise<void> {
    loading.value = true
    try {
      list.value = await call('templates:list')
    } catch (error) {
      useErrorStore().report(error)
    } finally {
      loading.value = false
    }
  }

  return { list, loading, load }
})
