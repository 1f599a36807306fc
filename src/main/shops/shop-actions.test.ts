import { describe, expect, it } from 'vitest'
import { AppError } from '@shared/errors'
import { fakeEngine, type FakeEngine } from '../engine/fake/fake-engine'
import { fakeLifecycle } from '../engine/fake/fake-lifecycle'
import { runShopAction, type ShopActionRequest } from './shop-actions'

async function hostWithShop(role: 'admin' | 'sales'): Promise<FakeEngine> {
  const life = fakeLifecycle({ role })
  await life.plantShop('alt')
  return life.host
}

const act = (host: FakeEngine, request: Omit<ShopActionRequest, 'user' | 'shop'> & { shop?: string }): Promise<void> =>
  runShopAction(host, { shop: 'alt', user: 'anna', ...request })
const states = (host: FakeEngine, shop = 'alt'): string[] => host.runtime.containersOf(shop).map((c) => c.state)

describe('shop actions', () => {
  it('lets the sales role start and restart a shop', async () => {
    const host = await hostWithShop('sales')
    await host.runtime.control({ name: 'alt', dir: host.store.dir('alt') }, 'stop')
    await act(host, { action: 'start' })
    expect(states(host)).toEqual(['running'])
    await act(host, { action: 'restart' })
    expect(states(host)).toEqual(['running'])
  })

  it('refuses the sales role stop and delete, and the shop stays as it was', async () => {
    const host = await hostWithShop('sales')
    await expect(act(host, { action: 'stop' })).rejects.toMatchObject({ code: 'forbidden', say: { key: 'adminOnly' } })
    await expect(act(host, { action: 'delete', confirm: 'alt' })).rejects.toMatchObject({ code: 'forbidden' })
    expect(states(host)).toEqual(['running'])
    expect(await host.store.presence('alt')).toBe('compose')
    expect(host.runtime.volumes.has('alt_data')).toBe(true)
  })

  it('deletes only with the shop’s name typed, and then takes containers, volumes, directory and DNS record', async () => {
    const host = await hostWithShop('admin')
    const unpublished: string[] = []
    const unpublish = async (domain: string): Promise<boolean> => (unpublished.push(domain), true)
    await expect(act(host, { action: 'delete', confirm: 'Alt', unpublish })).rejects.toMatchObject({ code: 'invalid_input', fields: [{ path: 'confirm' }] })
    expect(states(host)).toEqual(['running'])
    expect(unpublished).toEqual([])
    await act(host, { action: 'delete', confirm: 'alt', unpublish })
    expect(host.runtime.containersOf('alt')).toEqual([])
    expect(host.runtime.volumes.has('alt_data')).toBe(false)
    expect(host.store.exists(host.store.dir('alt'))).toBe(false)
    expect(unpublished).toEqual(['alt.shops.example'])
    expect(await host.store.list()).toEqual([])
  })

  it('deletes a shop that has only its failure record: the volumes made for it and its directory', async () => {
    const host = fakeEngine()
    await host.store.reserve('halb')
    await host.store.recordFailure('halb', { operation: 'clone', step: 'copy' }, new AppError('internal', 'tar: write error'))
    host.runtime.addVolume('halb_data', 'halb', 'data', { 'half.csv': 'half' })
    host.runtime.addVolume('other_data', 'other', 'data')
    await expect(act(host, { shop: 'halb', action: 'start' })).rejects.toMatchObject({ code: 'invalid_input', say: { key: 'neverCreated' } })
    await act(host, { shop: 'halb', action: 'delete', confirm: 'halb' })
    expect(host.runtime.volumes.has('halb_data')).toBe(false)
    expect(host.runtime.volumes.has('other_data')).toBe(true)
    expect(host.store.exists(host.store.dir('halb'))).toBe(false)
  })

  it('stops a shop and starting it again clears an old failure record', async () => {
    const host = await hostWithShop('admin')
    await act(host, { action: 'stop' })
    expect(states(host)).toEqual(['exited'])
    await host.store.recordFailure('alt', { operation: 'update', step: 'health' }, new AppError('timeout', 'not healthy'))
    await act(host, { action: 'start' })
    expect(states(host)).toEqual(['running'])
    expect(host.store.failureOf('alt')).toBeNull()
  })

  it('says busy, doing nothing, while another laptop changes the shop, and not_found for a shop that is not there', async () => {
    const host = await hostWithShop('admin')
    host.store.holdElsewhere('alt', 'bob')
    await expect(act(host, { action: 'stop' })).rejects.toMatchObject({ code: 'busy', say: { values: { owner: 'bob' } } })
    expect(states(host)).toEqual(['running'])
    await expect(act(host, { shop: 'weg', action: 'start' })).rejects.toMatchObject({ code: 'not_found' })
  })
})
