import { createI18n } from 'vue-i18n'
import de from '../locales/de.json'
import en from '../locales/en.json'

export type MessageSchema = typeof de

export const i18n = createI18n<[MessageSchema], 'de' | 'en', false>({
  legacy: false,
  locale: 'de',
  fallbackLocale: 'en',
  messages: { de, en },
  // Dates and times as the app's language writes them, not the operating system's.
  datetimeFormats: {
    de: { short: { dateStyle: 'medium', timeStyle: 'short' } },
    en: { short: { dateStyle: 'medium', timeStyle: 'short' } },
  },
})
