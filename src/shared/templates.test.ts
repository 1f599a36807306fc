import { describe, expect, it } from 'vitest'
import { startingTemplate, type TemplateSummary } from './templates'

const summary = (id: string, testOnly = false): TemplateSummary => ({
  id,
  name: { de: id, en: id },
  description: { de: '', en: '' },
  source: 'bundled',
  parameters: [],
  imageService: null,
  image: null,
  entryService: 'web',
  healthTimeoutSeconds: 60,
  testOnly,
})

describe('the template a wizard starts on', () => {
  const offered = [summary('busybox', true), summary('b2xproc'), summary('prestashop')]

  it('is never the test-only one while another is offered', () => {
    expect(startingTemplate(offered, null)).toBe('b2xproc')
    expect(startingTemplate(offered, 'weg')).toBe('b2xproc')
  })

  it('keeps the last choice where it is offered, even a test-only one picked on purpose', () => {
    expect(startingTemplate(offered, 'prestashop')).toBe('prestashop')
    expect(startingTemplate(offered, 'busybox')).toBe('busybox')
  })

  it('is the only one a host offers, test-only or not; nothing when nothing is offered', () => {
    expect(startingTemplate([summary('busybox', true)], null)).toBe('busybox')
    expect(startingTemplate([], 'busybox')).toBe('')
  })
})
