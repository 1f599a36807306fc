// A shop whose template has a route with a host of its own answers on two names: create publishes both, delete takes
// both away (one Hetzner refuses does not keep the other), and an edit to a new domain publishes the new pair before
// anything changes and removes the old pair once the shop answers on the new one.
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { AppError } from '@shared/errors'
import { fakeLifecycle, type FakeLifecycle } from '../engine/fake/fake-lifecycle'
import { generateSecrets } from '../templates/parameters'
import { renderShop } from '../templates/render'
import { loadTemplate, type Template } from '../templates/template-loader'
import { startCreateShop } from './create-shop'
import { startEditShop } from './edit-shop'
import { runShopAction } from './shop-actions'
import { newShopMetadata, shopFiles } from './shop-record'

const fixture = resolve(import.meta.dirname, '../../../test/fixtures/templates/kinds-shop')
const kinds = (): Promise<Template> => loadTemplate(fixture, 'kinds-shop', 'custom')

/** A kinds-shop shop on the fake host, as a create leaves it. */
async function planted(): Promise<FakeLifecycle> {
  const life = fakeLifecycle()
  const template = await kinds()
  const domain = 'alt.shops.example'
  const rendered = renderShop(template, { name: 'alt', domain, params: {}, secrets: generateSecrets(template.manifest), certResolver: null })
  await life.host.store.reserve('alt')
  await life.host.store.writeFiles(
    life.host.store.dir('alt'),
    shopFiles(rendered, newShopMetadata({ template: 'kinds-shop', description: '', domain, params: {}, createdBy: 'anna' })),
  )
  await life.host.runtime.apply({ name: 'alt', dir: life.host.store.dir('alt') })
  return life
}

describe('a shop with a route of its own host name', () => {
  it('is published under both names when it is created', async () => {
    const life = fakeLifecycle()
    const published: string[] = []
    const done = await startCreateShop(
      { hostId: life.host.hostId, name: 'neu', description: '', templateId: 'kinds-shop', domain: 'neu.shops.example', params: {}, start: true },
      { ...life.deps, template: kinds, publishName: async (domain) => (published.push(domain), { key: 'dnsWritten' as const }) },
    ).done
    expect(done.error).toBeUndefined()
    expect(published).toEqual(['neu.shops.example', 'dash-neu.shops.example'])
    expect(done.steps.find((s) => s.id === 'dns')).toMatchObject({ status: 'done' })
  })

  it('loses both records when it is deleted, the second tried even when Hetzner refuses the first', async () => {
    const life = await planted()
    const tried: string[] = []
    const unpublish = async (domain: string): Promise<boolean> => {
      tried.push(domain)
      if (domain === 'alt.shops.example') throw new AppError('dns_failed', 'Hetzner said 503')
      return true
    }
    await expect(runShopAction(life.host, { shop: 'alt', action: 'delete', confirm: 'alt', user: 'anna', unpublish })).rejects.toMatchObject({
      code: 'dns_failed',
      say: { key: 'dnsDeleteFailed', values: { domain: 'alt.shops.example' } },
    })
    expect(tried).toEqual(['alt.shops.example', 'dash-alt.shops.example'])
    expect(life.host.store.exists(life.host.store.dir('alt'))).toBe(false)
  })

  it('moves both names on an edit of its domain: the new ones first, the old ones once it answers on the new', async () => {
    const life = await planted()
    const events: string[] = []
    const domainNow = async (): Promise<string> => (await life.host.store.read('alt')).metadata.domain
    const dns = {
      publish: async (domain: string) => void events.push(`publish ${domain} (${await domainNow()})`),
      unpublish: async (domain: string) => (events.push(`unpublish ${domain} (${await domainNow()})`), true),
    }
    const done = await startEditShop(
      { hostId: life.host.hostId, shop: 'alt', description: '', domain: 'neu.shops.example', params: {}, image: null },
      { ...life.deps, template: kinds, dns },
    ).done
    expect(done.error).toBeUndefined()
    expect(events).toEqual([
      'publish neu.shops.example (alt.shops.example)',
      'publish dash-neu.shops.example (alt.shops.example)',
      'unpublish alt.shops.example (neu.shops.example)',
      'unpublish dash-alt.shops.example (neu.shops.example)',
    ])
  })
})
