// Words an error for the user: where the main process gave it words of the locale files (`say`), those, with its
// values; else the localized sentence for its code, then the main process's specifics (which host, which path...).
// An unknown code falls back to the error's own message; anything thrown that is not an error of the app is worded
// as an internal one.
import { useI18n } from 'vue-i18n'
import { toAppError, type ErrorSay } from '@shared/errors'
import { formatBytes } from '../lib/bytes'

export interface ErrorLike {
  code: string
  message: string
  say?: ErrorSay
}

const isErrorLike = (value: unknown): value is ErrorLike =>
  typeof value === 'object' && value !== null && typeof (value as ErrorLike).code === 'string' && typeof (value as ErrorLike).message === 'string'

/**
 * The words an error or a failure record carries, in the user's language; null where it has none the app knows.
 * A value named `…Bytes` is a size, shown as the user's locale writes it ("1,2 GB").
 */
export function useSayText(): (say: ErrorSay | undefined) => string | null {
  const { t, te, locale } = useI18n()
  const shown = (values: Record<string, string | number>): Record<string, string | number> =>
    Object.fromEntries(Object.entries(values).map(([k, v]) => [k, k.endsWith('Bytes') && typeof v === 'number' ? formatBytes(v, locale.value) : v]))
  return (say) => (say && te(`errorSay.${say.key}`) ? t(`errorSay.${say.key}`, shown(say.values ?? {})) : null)
}

export function useErrorText(): (error: unknown) => string {
  const { t, te } = useI18n()
  const sayText = useSayText()
  return (thrown) => {
    const error = isErrorLike(thrown) ? thrown : toAppError(thrown)
    const said = sayText(error.say)
    if (said !== null) return said
    const key = `errors.${error.code}`
    if (!te(key)) return error.message
    const sentence = t(key)
    return error.message && error.message !== sentence ? `${sentence} ${error.message}` : sentence
  }
}
