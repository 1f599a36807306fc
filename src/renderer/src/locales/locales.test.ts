import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import { errorCodes, errorSayKeys } from '@shared/errors'
import { probeCodes } from '@shared/hosts'
import { stepNoteKeys } from '@shared/operations'
import de from './de.json'
import en from './en.json'

/** Every leaf key as a dotted path, as vue-i18n resolves them. */
function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix]
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k))
}

describe('locale files', () => {
  it('German and English have the same keys', () => {
    expect(keys(en).sort()).toEqual(keys(de).sort())
  })

  it('word every error code, every probe finding, every step note and what errors say, in both languages', () => {
    for (const messages of [de, en]) {
      const leaves = new Set(keys(messages))
      for (const code of errorCodes) expect(messages.errors[code], code).toBeTruthy()
      for (const key of stepNoteKeys) expect(messages.stepNotes[key], key).toBeTruthy()
      for (const key of errorSayKeys) expect(messages.errorSay[key], key).toBeTruthy()
      for (const code of probeCodes) {
        expect(leaves.has(`hosts.probe.${code}`), code).toBe(true)
        expect(leaves.has(`hosts.probeFix.${code}`), code).toBe(true)
      }
    }
  })

  it('compile in vue-i18n: a text with a stray "@" (a link) or a broken brace fails only when it is shown', () => {
    const i18n = createI18n({ legacy: false, locale: 'de', messages: { de, en } })
    for (const locale of ['de', 'en'] as const) {
      i18n.global.locale.value = locale
      for (const key of keys(locale === 'de' ? de : en)) expect(() => i18n.global.t(key, {}), `${locale}: ${key}`).not.toThrow()
    }
  })
})
