// Safe updates: a good new image is applied and healthy; an image whose health check fails is rolled back on
// its own and the shop is green again on the old image, with the failing service's last lines reported.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { HostSession } from '../../src/main/host/host-session'
import { startUpdateShop } from '../../src/main/shops/update-shop'
import { shopBed, type ShopBed } from './support/shop-bed'
import { BROKEN_SAYS, buildUpdateImages } from '../support/update-images'
import { composeEngine } from '../../src/main/engine/compose/compose-engine'

const info = inject('testbed')
const GOOD = 'shopmgr/busybox-next:test'
const BROKEN = 'shopmgr/busybox-broken:test'
const shop = 'neubau'

describe('safe image updates on the test bed', () => {
  let bed: ShopBed
  let session: HostSession
  const update = (image: string) =>
    startUpdateShop(
      { hostId: 'testbed', shop, image },
      { engine: async () => composeEngine(session), template: (id) => bed.templates.get(id), runner: bed.runner, user: 'dora', certResolver: null },
    ).snapshot
  const image = () => bed.docker('inspect', '-f', '{{.Config.Image}}', bed.container(shop))
  const health = () => bed.docker('inspect', '-f', '{{.State.Health.Status}}', bed.container(shop))

  beforeAll(async () => {
    bed = shopBed(info, 'update')
    buildUpdateImages(info, { good: GOOD, broken: BROKEN })
    session = bed.session()
    const done = await bed.finished(bed.create(session, { name: shop }).id)
    if (done.status !== 'succeeded') throw new Error(`setup: ${JSON.stringify(done.error)}`)
    bed.docker('exec', bed.container(shop), 'sh', '-c', 'echo bleibt > /srv/data/marker')
  })
  afterAll(() => bed?.cleanup())

  it('applies a good image and becomes healthy on it, data kept', async () => {
    const done = await bed.finished(update(GOOD).id)
    expect(done.error).toBeUndefined()
    expect(done.steps.map((s) => `${s.id}:${s.status}`)).toEqual(['validate:done', 'pull:done', 'apply:done', 'health:done', 'rollback:skipped', 'done:done'])
    expect(image()).toBe(GOOD)
    expect(health()).toBe('healthy')
    expect(bed.docker('exec', bed.container(shop), 'cat', '/srv/data/marker')).toBe('bleibt')
    expect(JSON.parse(readFileSync(join(bed.baseDir, shop, 'shop.json'), 'utf8'))).toMatchObject({ image: GOOD, editedBy: 'dora' })
  })

  it('rolls back an image that does not become healthy, and says what happened', async () => {
    const done = await bed.finished(update(BROKEN).id, 120_000)
    expect(done.status).toBe('failed')
    expect(done.error).toMatchObject({ code: 'update_rolled_back', step: 'health' })
    expect(done.error?.message).toContain(`${BROKEN} did not become healthy`)
    expect(done.error?.message).toContain(`runs ${GOOD} again`)
    expect(done.error?.details).toMatchObject({ image: BROKEN, previous: GOOD, service: 'web', reason: expect.stringContaining('web unhealthy') })
    expect(done.error?.details?.['lastLines']).toContain(BROKEN_SAYS)
    expect(done.steps.find((s) => s.id === 'rollback')?.status).toBe('done')
    expect(image()).toBe(GOOD)
    expect(health()).toBe('healthy')
    expect(JSON.parse(readFileSync(join(bed.baseDir, shop, 'shop.json'), 'utf8'))).toMatchObject({ image: GOOD })
    expect(bed.docker('exec', bed.container(shop), 'cat', '/srv/data/marker')).toBe('bleibt')
  })

  it('an image that cannot be pulled changes nothing', async () => {
    const before = bed.container(shop)
    const done = await bed.finished(update('127.0.0.1:9/shopmgr/not-there:1').id)
    expect(done.error).toMatchObject({
      code: 'invalid_input',
      step: 'pull',
      say: { key: 'registryUnreachable', values: { registry: '127.0.0.1:9', reason: expect.stringMatching(/^Get "http:\/\/127\.0\.0\.1:9\/v2\/": dial tcp/) } },
    })
    expect(bed.container(shop)).toBe(before)
  })
})
