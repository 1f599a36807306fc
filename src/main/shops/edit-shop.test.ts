import { describe, expect, it } from 'vitest'
import { AppError } from '@shared/errors'
import { fakeLifecycle, type FakeLifecycle } from '../engine/fake/fake-lifecycle'
import { startEditShop, type EditShopInput, type ShopNames } from './edit-shop'
import { shopVolumes, withVolumeNames } from './shop-record'

/** Hetzner as the edit sees it: each call noted with the domain the shop's files named at that moment. */
function names(life: FakeLifecycle, events: string[], refuse?: string): ShopNames {
  const onHost = async (): Promise<string> => (await life.host.store.read('alt')).metadata.domain
  return {
    async publish(domain) {
      if (domain === refuse) throw new AppError('dns_failed', `Hetzner refused ${domain}.`)
      events.push(`publish ${domain} while the shop says ${await onHost()}`)
    },
    async unpublish(domain) {
      events.push(`unpublish ${domain} while the shop says ${await onHost()}`)
      return true
    },
  }
}

function edit(life: FakeLifecycle, dns: ShopNames | undefined, change: Partial<EditShopInput> = {}) {
  const input: EditShopInput = {
    hostId: life.host.hostId,
    shop: 'alt',
    description: 'Neu beschrieben',
    domain: 'neu.shops.example',
    params: { greeting: 'Moin' },
    image: null,
    ...change,
  }
  return startEditShop(input, { ...life.deps, ...(dns ? { dns } : {}) })
}

async function withShop(): Promise<FakeLifecycle> {
  const life = fakeLifecycle()
  await life.plantShop('alt', { domain: 'alt.shops.example' })
  return life
}

describe('edit a shop', () => {
  it('keeps the volume generation a restore switched the shop to', async () => {
    const life = await withShop()
    const record = await life.host.store.read('alt')
    await life.host.store.writeFiles(record.dir, [
      { path: 'docker-compose.yml', content: withVolumeNames(record.compose, { data: 'alt_data_g2' }), mode: 0o644 },
    ])
    expect((await edit(life, undefined).done).status).toBe('succeeded')
    expect(shopVolumes(await life.host.store.read('alt'), 'alt')).toEqual([{ key: 'data', volume: 'alt_data_g2' }])
  })

  it('runs as an operation and applies the new description, domain and parameters with the secrets it had', async () => {
    const life = await withShop()
    const before = await life.host.store.read('alt')
    const started = edit(life, undefined)
    expect(started.snapshot).toMatchObject({ kind: 'edit', shop: 'alt', status: 'running' })
    const final = await started.done
    expect(final).toMatchObject({ status: 'succeeded', result: { url: 'https://neu.shops.example' } })
    const after = await life.host.store.read('alt')
    expect(after.metadata).toMatchObject({
      description: 'Neu beschrieben',
      domain: 'neu.shops.example',
      params: { greeting: 'Moin' },
      editedBy: 'anna',
      createdBy: 'anna',
    })
    expect(after.secrets).toEqual(before.secrets)
    expect(after.compose).toContain('Host(`neu.shops.example`)')
    expect(life.host.runtime.containersOf('alt')).toMatchObject([{ state: 'running' }])
  })

  it('publishes the new domain before anything is written and removes the old one after the shop answers on the new', async () => {
    const life = await withShop()
    const events: string[] = []
    const final = await edit(life, names(life, events)).done
    expect(final.status).toBe('succeeded')
    expect(events).toEqual([
      'publish neu.shops.example while the shop says alt.shops.example',
      'unpublish alt.shops.example while the shop says neu.shops.example',
    ])
  })

  it('changes nothing when the new domain cannot be published', async () => {
    const life = await withShop()
    const compose = (await life.host.store.read('alt')).compose
    const final = await edit(life, names(life, [], 'neu.shops.example')).done
    expect(final).toMatchObject({ status: 'failed', error: { code: 'dns_failed', step: 'dns' } })
    expect((await life.host.store.read('alt')).compose).toBe(compose)
    expect(life.host.store.failureOf('alt')).toBeNull()
  })

  it('records a failed apply on the host as a failed edit, at start', async () => {
    const life = await withShop()
    life.host.runtime.faults.failOn('apply', new AppError('internal', 'compose up failed: invalid mount'))
    const final = await edit(life, undefined).done
    expect(final).toMatchObject({ status: 'failed', error: { step: 'start' } })
    expect(life.host.store.failureOf('alt')).toMatchObject({ operation: 'edit', step: 'start', message: 'compose up failed: invalid mount' })
  })

  it('is refused for the sales role', async () => {
    const life = fakeLifecycle({ role: 'sales' })
    await life.plantShop('alt', { domain: 'alt.shops.example' })
    const final = await edit(life, undefined).done
    expect(final).toMatchObject({ status: 'failed', error: { code: 'forbidden', step: 'validate' } })
    expect((await life.host.store.read('alt')).metadata.domain).toBe('alt.shops.example')
  })
})
