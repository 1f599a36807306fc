import { describe, expect, it } from 'vitest'
import { isPublicImage, startingTemplate, type TemplateSummary } from './templates'

const summary = (id: string, testOnly = false, publicImages = false): TemplateSummary => ({
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
  publicImages,
})

describe('the template a wizard starts on', () => {
  const offered = [summary('b2xproc'), summary('busybox', true), summary('prestashop', false, true)]

  it('is one that runs from public images, never the test-only one while another is offered', () => {
    expect(startingTemplate(offered, null)).toBe('prestashop')
    expect(startingTemplate(offered, 'weg')).toBe('prestashop')
    // Without one from public images, the first real one.
    expect(startingTemplate([summary('busybox', true), summary('b2xproc')], null)).toBe('b2xproc')
  })

  it('keeps the last choice where it is offered, even a test-only one picked on purpose', () => {
    expect(startingTemplate(offered, 'b2xproc')).toBe('b2xproc')
    expect(startingTemplate(offered, 'busybox')).toBe('busybox')
  })

  it('is the only one a host offers, test-only or not; nothing when nothing is offered', () => {
    expect(startingTemplate([summary('busybox', true)], null)).toBe('busybox')
    expect(startingTemplate([], 'busybox')).toBe('')
  })
})

describe('an image a stock Docker pulls without a login', () => {
  it('is a Docker Hub image pinned by a tag or digest', () => {
    for (const image of ['postgres:17', 'prestashop/prestashop:8.2-apache', 'docker.io/library/nginx:1.27', 'mariadb@sha256:' + 'a'.repeat(64)]) {
      expect(isPublicImage(image), image).toBe(true)
    }
  })

  it('is not a host’s own untagged build, another registry’s image or one named by a variable', () => {
    for (const image of ['b2xproc', 'acme/shop', '198.18.0.1:5443/shopmgr/busybox:test', 'ghcr.io/acme/shop:1', 'localhost/shop:1', 'shop:${TAG}']) {
      expect(isPublicImage(image), image).toBe(false)
    }
  })
})
