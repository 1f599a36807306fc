// The one place failed calls are reported to the user: a snackbar with the localized reason.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { toAppError, type AppError } from '@shared/errors'

export const useErrorStore = defineStore('errors', () => {
  const current = ref<AppError | null>(null)

  function report(error: unknown): void {
    current.value = toAppError(error)
  }

  function dismiss(): void {
    current.value = null
  }

  return { current, report, dismiss }
})
