// Words an error for the user: the localized sentence for its code, then the main process's specifics
// (which host, which path...). An unknown code falls back to the error's own message; anything thrown that is not
// an error of the app is worded as an internal one.
import { useI18n } from 'vue-i18n'
import { toAppError } from '@shared/errors'

export interface ErrorLike {
  code: string
  message: string
}

const isErrorLike = (value: unknown): value is ErrorLike =>
  typeof value === 'object' && value !== null && typeof (value as ErrorLike).code === 'string' && typeof (value as ErrorLike).message === 'string'

export function useErrorText(): (error: unknown) => string {
  const { t, te } = useI18n()
  return (thrown) => {
    const error = isErrorLike(thrown) ? thrown : toAppError(thrown)
    const key = `errors.${error.code}`
    if (!te(key)) return error.message
    const sentence = t(key)
    return error.message && error.message !== sentence ? `${sentence} ${error.message}` : sentence
  }
}
