import { createI18n } from 'vue-i18n'
import de from '../locales/de.json'
import en from '../locales/en.json'

export type MessageSchema = typeof de

export const i18n = createI18n<[MessageSchema], 'de' | 'en', false>({
  legacy: false,
  locale: 'de',
  fallbackLocale: 'en',
  messages: { de, en },
})
