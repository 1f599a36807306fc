// The one place failed calls are reported to the user: a snackbar with the localized reason.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { AppError } from '@shared/errors'

export const useErrorStore = defineStore('errors', () => {
  const current = ref<AppError | null>(null)

  function report(error: unknown): void {
    current.value = error instanceof AppError ? error : new AppError('internal', error instanceof Error ? error.message : String(error))
  }

  function dismiss(): void {
    current.value = null
  }

  return { current, report, dismiss }
})
