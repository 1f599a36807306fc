// Words an error for the user: where the main process gave it words of the locale files (`say`), those, with its
// values; else the localized sentence for its code, then the main process's specifics (which host, which path...).
// An unknown code falls back to the error's own message; anything thrown that is not an error of the app is worded
// as an internal one.
import { useI18n } from 'vue-i18n'
import { toAppError, type ErrorSay } from '@shared/errors'

export interface ErrorLike {
  code: string
  message: string
  say?: ErrorSay
}

const isErrorLike = (value: unknown): value is ErrorLike =>
  typeof value === 'object' && value !== null && typeof (value as ErrorLike).code === 'string' && typeof (value as ErrorLike).message === 'string'

export function useErrorText(): (error: unknown) => string {
  const { t, te } = useI18n()
  return (thrown) => {
    const error = isErrorLike(thrown) ? thrown : toAppError(thrown)
    if (error.say && te(`errorSay.${error.say.key}`)) return t(`errorSay.${error.say.key}`, error.say.values ?? {})
    const key = `errors.${error.code}`
    if (!te(key)) return error.message
    const sentence = t(key)
    return error.message && error.message !== sentence ? `${sentence} ${error.message}` : sentence
  }
}
