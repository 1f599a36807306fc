import { describe, expect, it } from 'vitest'
import { updateSteps } from '@shared/operations'
import { fakeLifecycle, type FakeLifecycle } from '../engine/fake/fake-lifecycle'
import { startUpdateShop } from './update-shop'

const TEMPLATE_IMAGE = '198.18.0.1:5443/shopmgr/busybox:test'

async function withShop(): Promise<FakeLifecycle> {
  const life = fakeLifecycle()
  await life.plantShop('alt')
  return life
}

function update(life: FakeLifecycle, image = 'shopmgr/busybox:next') {
  return startUpdateShop({ hostId: life.host.hostId, shop: 'alt', image }, life.deps)
}

const composeOf = (life: FakeLifecycle): string | undefined => life.host.store.fileAt(`${life.host.store.dir('alt')}/docker-compose.yml`)

describe('update a shop’s image', () => {
  it('runs the new image once it is healthy and records it', async () => {
    const life = await withShop()
    const final = await update(life).done
    expect(final.status).toBe('succeeded')
    expect(final.steps.map((s) => [s.id, s.status])).toEqual(updateSteps.map((id) => [id, id === 'rollback' ? 'skipped' : 'done']))
    expect(life.host.runtime.containersOf('alt')).toMatchObject([{ image: 'shopmgr/busybox:next', state: 'running' }])
    expect((await life.host.store.read('alt')).metadata).toMatchObject({ image: 'shopmgr/busybox:next', editedBy: 'anna' })
  })

  it('changes nothing when the image cannot be pulled, and records that the update failed', async () => {
    const life = await withShop()
    life.host.runtime.unpullable.add('shopmgr/busybox:nope')
    const compose = composeOf(life)
    const containers = structuredClone(life.host.runtime.containersOf('alt'))
    const final = await update(life, 'shopmgr/busybox:nope').done
    expect(final).toMatchObject({ status: 'failed', error: { code: 'invalid_input', step: 'pull', say: { key: 'imageNotFound' } } })
    expect(composeOf(life)).toBe(compose)
    expect(life.host.runtime.containersOf('alt')).toEqual(containers)
    expect(life.host.store.failureOf('alt')).toMatchObject({ operation: 'update', step: 'pull' })
  })

  it('puts the previous image back when the new one does not get healthy, says why, and records no failure', async () => {
    const life = await withShop()
    life.host.runtime.health = ({ image }) => (image === 'shopmgr/busybox:broken' ? 'unhealthy' : 'healthy')
    life.host.runtime.print('alt', 'web', 'panic: cannot open /srv/data')
    const final = await update(life, 'shopmgr/busybox:broken').done
    expect(final).toMatchObject({
      status: 'failed',
      error: {
        code: 'update_rolled_back',
        step: 'health',
        details: { image: 'shopmgr/busybox:broken', previous: '', service: 'web', lastLines: 'panic: cannot open /srv/data' },
      },
    })
    expect(final.steps.find((s) => s.id === 'rollback')?.status).toBe('done')
    expect(life.host.runtime.containersOf('alt')).toMatchObject([{ image: TEMPLATE_IMAGE, state: 'running', health: 'healthy' }])
    expect(composeOf(life)).not.toContain('broken')
    expect((await life.host.store.read('alt')).metadata.image).toBeUndefined()
    expect(life.host.store.failureOf('alt')).toBeNull()
  })

  it('fails at apply on a full disk, and the old containers keep running', async () => {
    const life = await withShop()
    life.host.store.diskFull = true
    const final = await update(life).done
    expect(final).toMatchObject({ status: 'failed', error: { code: 'disk_full', step: 'apply' } })
    expect(life.host.runtime.containersOf('alt')).toMatchObject([{ image: TEMPLATE_IMAGE, state: 'running' }])
  })

  it('records a rollback that fails too as a failed update, at rollback', async () => {
    const life = await withShop()
    life.host.runtime.health = ({ image }) => (image === TEMPLATE_IMAGE ? 'starting' : 'unhealthy')
    const final = await update(life).done
    expect(final).toMatchObject({ status: 'failed', error: { code: 'timeout', step: 'rollback' } })
    expect(life.host.store.failureOf('alt')).toMatchObject({ operation: 'update', step: 'rollback' })
  })

  it('is refused for the sales role', async () => {
    const life = fakeLifecycle({ role: 'sales' })
    await life.plantShop('alt')
    const final = await update(life).done
    expect(final).toMatchObject({ status: 'failed', error: { code: 'forbidden' } })
    expect(life.host.runtime.images.size).toBe(0)
  })
})
