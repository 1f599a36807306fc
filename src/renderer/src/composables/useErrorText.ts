// Words an error for the user: the localized sentence for its code, then the main process's specifics
// (which host, which path...). An unknown code falls back to the error's own message.
import { useI18n } from 'vue-i18n'

export interface ErrorLike {
  code: string
  message: string
}

export function useErrorText(): (error: ErrorLike) => string {
  const { t, te } = useI18n()
  return (error) => {
    const key = `errors.${error.code}`
    if (!te(key)) return error.message
    const sentence = t(key)
    return error.message && error.message !== sentence ? `${sentence} ${error.message}` : sentence
  }
}
