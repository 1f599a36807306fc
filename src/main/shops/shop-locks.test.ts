import { describe, expect, it } from 'vitest'
import { fakeLifecycle } from '../engine/fake/fake-lifecycle'
import { startEditShop } from './edit-shop'
import { runShopAction } from './shop-actions'

describe('one change to a shop at a time', () => {
  it('runs two holders of one shop’s lock one after another, the second even when the first failed', async () => {
    const life = fakeLifecycle()
    await life.plantShop('alt')
    const order: string[] = []
    let release!: () => void
    const first = life.host.store.withLock('alt', 'anna', async () => {
      order.push('first in')
      await new Promise<void>((resolve) => (release = resolve))
      order.push('first out')
      throw new Error('first failed')
    })
    const second = life.host.store.withLock('alt', 'anna', async () => void order.push('second in'))
    // Another shop's lock is not held up by this one.
    await life.plantShop('andere')
    await life.host.store.withLock('andere', 'anna', async () => void order.push('other shop'))
    expect(order).toEqual(['first in', 'other shop'])
    release()
    await expect(first).rejects.toThrow('first failed')
    await second
    expect(order).toEqual(['first in', 'other shop', 'first out', 'second in'])
  })

  it('a delete asked for during an edit waits for the edit to finish, then deletes', async () => {
    const life = fakeLifecycle()
    await life.plantShop('alt')
    const applying = life.host.runtime.faults.hold('apply')
    const edit = startEditShop(
      { hostId: life.host.hostId, shop: 'alt', description: 'x', domain: 'alt.shops.example', params: {}, image: null },
      { ...life.deps },
    )
    await applying.reached
    let deleted = false
    const deleting = runShopAction(life.host, { shop: 'alt', action: 'delete', confirm: 'alt', user: 'anna' }).then(() => void (deleted = true))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(deleted).toBe(false)
    expect(life.host.runtime.actions).toEqual([])
    applying.open()
    expect((await edit.done).status).toBe('succeeded')
    await deleting
    expect(life.host.runtime.actions).toEqual([{ shop: 'alt', action: 'delete' }])
    expect(life.host.store.exists(life.host.store.dir('alt'))).toBe(false)
  })
})
