// Edit applies only what changed; logs are read whole or per service, followed live, and never show a secret.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { LogBatch } from '../../src/shared/shops'
import type { HostSession } from '../../src/main/host/host-session'
import { discoverShops } from '../../src/main/shops/discovery'
import { startEditShop, type EditShopInput } from '../../src/main/shops/edit-shop'
import { errorFromPayload } from '../../src/shared/errors'
import { LogFollowers, readLogs } from '../../src/main/shops/shop-logs'
import { shopBed, type ShopBed } from './support/shop-bed'
import { composeEngine } from '../../src/main/engine/compose/compose-engine'

const info = inject('testbed')
const shop = 'pflege'

describe('edit and logs on the test bed', () => {
  let bed: ShopBed
  let admin: HostSession
  let sales: HostSession
  const deps = () => ({ template: (id: string) => bed.templates.get(id), user: 'bert', certResolver: null })
  /** Edit is an operation: runs it to its end and throws its error, as the edit dialog does. */
  const editShop = async (session: HostSession, input: Omit<EditShopInput, 'hostId'>, base: ReturnType<typeof deps>): Promise<void> => {
    const end = await startEditShop({ hostId: session.profile.id, ...input }, { ...base, engine: async () => composeEngine(session), runner: bed.runner }).done
    if (end.status !== 'succeeded') throw errorFromPayload(end.error)
  }
  const web = () => bed.container(shop)
  const answer = () => bed.docker('exec', web(), 'wget', '-q', '-O', '-', 'http://127.0.0.1:8080/')
  /** Writes a line to the web container's stdout, as the shop's own process would. */
  const say = (text: string) => bed.docker('exec', web(), 'sh', '-c', `echo "${text}" > /proc/1/fd/1`)

  beforeAll(async () => {
    bed = shopBed(info, 'edit')
    admin = bed.session()
    sales = bed.session({ id: 'sales', role: 'sales' })
    const done = await bed.finished(bed.create(admin, { name: shop, description: 'vorher', params: { greeting: 'Hallo' } }).id)
    if (done.status !== 'succeeded') throw new Error(`setup: ${JSON.stringify(done.error)}`)
  })
  afterAll(() => bed?.cleanup())

  it('a description-only edit leaves the running container alone', async () => {
    const before = web()
    await editShop(admin, { shop, description: 'nachher', domain: `${shop}.shops.test`, params: { greeting: 'Hallo' }, image: null }, deps())
    expect(web()).toBe(before)
    const metadata = JSON.parse(readFileSync(join(bed.baseDir, shop, 'shop.json'), 'utf8')) as Record<string, unknown>
    expect(metadata).toMatchObject({ description: 'nachher', createdBy: 'anna', editedBy: 'bert' })
  })

  it('a parameter and domain edit recreates the service with the new values and keeps secrets and data', async () => {
    const password = bed.secret(shop)
    bed.docker('exec', web(), 'sh', '-c', 'echo bleibt > /srv/data/marker')
    const before = web()
    await editShop(
      admin,
      { shop, description: 'nachher', domain: 'neu.shops.test', params: { greeting: 'Servus', languages: ['de', 'fr'] }, image: null },
      deps(),
    )
    await expect.poll(() => bed.docker('inspect', '-f', '{{.State.Health.Status}}', web()), { timeout: 30_000, interval: 200 }).toBe('healthy')
    expect(web()).not.toBe(before)
    expect(answer()).toContain('Servus – pflege')
    expect(bed.secret(shop)).toBe(password)
    expect(bed.docker('exec', web(), 'cat', '/srv/data/marker')).toBe('bleibt')
    const labels = bed.docker('inspect', '-f', '{{json .Config.Labels}}', web())
    expect(labels).toContain('Host(`neu.shops.test`)')
    const listed = (await discoverShops(composeEngine(admin))).find((s) => s.name === shop)
    expect(listed).toMatchObject({ domain: 'neu.shops.test', params: { greeting: 'Servus', languages: ['de', 'fr'] } })
  })

  it('refuses edit for sales, and a hostile domain, changing nothing', async () => {
    const compose = readFileSync(join(bed.baseDir, shop, 'docker-compose.yml'), 'utf8')
    await expect(editShop(sales, { shop, description: 'x', domain: 'x.shops.test', params: {}, image: null }, deps())).rejects.toMatchObject({
      code: 'forbidden',
    })
    await expect(editShop(admin, { shop, description: 'x', domain: 'a.test`) || Host(`b.test', params: {}, image: null }, deps())).rejects.toMatchObject({
      code: 'invalid_input',
    })
    expect(readFileSync(join(bed.baseDir, shop, 'docker-compose.yml'), 'utf8')).toBe(compose)
  })

  it('shows the last lines of the shop with the secret masked', async () => {
    const password = bed.secret(shop)
    say(`login admin/${password} ok`)
    const lines = await readLogs(composeEngine(admin), { shop, tail: 50 })
    const text = lines.map((l) => l.text).join('\n')
    expect(text).toContain('login admin/••• ok')
    expect(text).not.toContain(password)
    expect(lines.at(-1)).toMatchObject({ service: 'web', stream: 'stdout', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/) })
    expect(await readLogs(composeEngine(admin), { shop, service: 'web', tail: 1 })).toHaveLength(1)
    await expect(readLogs(composeEngine(admin), { shop, service: 'nope', tail: 5 })).rejects.toMatchObject({ code: 'not_found' })
  })

  it('follows live, masks there too, and stops when asked', async () => {
    const password = bed.secret(shop)
    const batches: LogBatch[] = []
    const followers = new LogFollowers((batch) => batches.push(batch))
    const streamId = await followers.follow(composeEngine(admin), { shop, tail: 1 })
    say(`live ${password} end`)
    await expect.poll(() => batches.flatMap((b) => b.lines).map((l) => l.text), { timeout: 10_000, interval: 100 }).toContain('live ••• end')
    expect(JSON.stringify(batches)).not.toContain(password)
    expect(followers.stop(streamId)).toBe(true)
    expect(batches.at(-1)).toMatchObject({ streamId, ended: true })
    expect(batches.at(-1)?.error).toBeUndefined()
  })
})
