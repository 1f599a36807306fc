// Shop names by the host's domain mode, against the Hetzner emulator: per shop, create writes the A record,
// an edit to another name moves it and delete removes it; wildcard, a shop needs no call and host setup writes `*.<shop domain>` once (a second run
// changes nothing); external, nothing is written.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { OperationSnapshot } from '../../src/shared/operations'
import { errorFromPayload } from '../../src/shared/errors'
import { HetznerEmulator } from '../support/hetzner/emulator'
import { appServices, type AppServices } from './support/app-services'
import { shopBed, type ShopBed } from './support/shop-bed'

const info = inject('testbed')

describe('shop names at Hetzner by domain mode', () => {
  let app: AppServices
  let bed: ShopBed
  let emulator: HetznerEmulator
  const writes = () => emulator.calls.filter((c) => c.method !== 'GET').length
  const finished = async (snapshot: OperationSnapshot) => {
    await expect.poll(() => app.services.operations.get(snapshot.id)?.status, { timeout: 90_000, interval: 100 }).not.toBe('running')
    return app.services.operations.get(snapshot.id)!
  }
  const create = (hostId: string, name: string, domain = `${name}.shops.test`) => {
    bed.track(name)
    return app.handlers['shops:create']({ hostId, name, description: '', templateId: 'busybox', domain, params: {}, start: true } as never)
  }

  beforeAll(async () => {
    bed = shopBed(info, 'dnsmodes')
    app = appServices(info, 'dnsmodes')
    emulator = await HetznerEmulator.start()
    emulator.addZone('shops.test')
    app.services.settings.update({ hetznerApiUrl: emulator.url })
  })
  afterAll(async () => {
    await app?.close()
    await emulator?.close()
    bed?.cleanup()
  })

  it("per shop: create writes the shop's A record, delete removes it", async () => {
    const hostId = await app.addTestbedHost({ baseDir: bed.baseDir, domainMode: 'per-shop' })
    await app.services.setup.saveDnsToken(hostId, emulator.tokens.readWrite)
    const done = await finished(await create(hostId, 'eins'))
    expect(done.error).toBeUndefined()
    expect(done.steps.find((s) => s.id === 'dns')).toMatchObject({ status: 'done', note: { key: 'dnsWritten', values: { name: 'eins.shops.test' } } })
    expect(emulator.rrset('shops.test', 'eins', 'A')?.records).toEqual([{ value: '127.0.0.1', comment: null }])
    await app.handlers['shops:action']({ hostId, shop: 'eins', action: 'delete', confirm: 'eins' })
    expect(emulator.rrset('shops.test', 'eins', 'A')).toBeUndefined()
    // A customer's own domain on this host is theirs: nothing is written.
    const before = writes()
    const own = await finished(await create(hostId, 'kunde', 'shop.kunde.test'))
    expect(own.steps.find((s) => s.id === 'dns')?.status).toBe('skipped')
    expect(writes()).toBe(before)
  })

  it('per shop: an edit to another name writes it before the shop moves and removes the old one; the page writes it again', async () => {
    const hostId = await app.addTestbedHost({ baseDir: bed.baseDir, domainMode: 'per-shop', name: 'Umzug' })
    await app.services.setup.saveDnsToken(hostId, emulator.tokens.readWrite)
    expect((await finished(await create(hostId, 'umzug'))).error).toBeUndefined()
    expect(emulator.rrset('shops.test', 'umzug', 'A')).toBeDefined()
    // Edit is an operation: its end, and its error as the edit dialog shows it.
    const edit = async (domain: string) => {
      const end = await finished(await app.handlers['shops:edit']({ hostId, shop: 'umzug', description: '', domain, params: {}, image: null } as never))
      if (end.status !== 'succeeded') throw errorFromPayload(end.error)
    }

    // Hetzner refuses the new name: the shop stays as it was, on its old name.
    emulator.fail({ method: 'POST', path: '/zones/shops.test/rrsets', status: 403, times: 1 })
    await expect(edit('neu.shops.test')).rejects.toMatchObject({ code: 'forbidden' })
    expect(readFileSync(join(bed.baseDir, 'umzug', 'shop.json'), 'utf8')).toContain('"domain": "umzug.shops.test"')
    expect(emulator.rrset('shops.test', 'umzug', 'A')).toBeDefined()

    await edit('neu.shops.test')
    expect(emulator.rrset('shops.test', 'neu', 'A')?.records).toEqual([{ value: '127.0.0.1', comment: null }])
    expect(emulator.rrset('shops.test', 'umzug', 'A')).toBeUndefined()

    // Someone pointed the name elsewhere: the shop page's "write DNS" puts it right, and a second time costs no write.
    emulator.putRRSet('shops.test', { name: 'neu', type: 'A', ttl: 3600, records: [{ value: '198.51.100.20', comment: null }] })
    expect(await app.handlers['domains:publish']({ hostId, shop: 'umzug' })).toEqual({ key: 'dnsWritten', values: { name: 'neu.shops.test' } })
    expect(emulator.rrset('shops.test', 'neu', 'A')?.records).toEqual([{ value: '127.0.0.1', comment: null }])
    const before = writes()
    expect(await app.handlers['domains:publish']({ hostId, shop: 'umzug' })).toEqual({ key: 'dnsAlreadyRight', values: { name: 'neu.shops.test' } })
    expect(writes()).toBe(before)
  })

  it('wildcard: setup writes *.shops.test once, and a new shop makes no call at all', async () => {
    const hostId = await app.addTestbedHost({ baseDir: bed.baseDir, domainMode: 'wildcard', name: 'Wildcard' })
    const preview = await app.services.setup.preview({ hostId, acmeEmail: 'ops@shops.test', autostart: false, hetznerToken: emulator.tokens.readWrite })
    expect(preview.changes).toContainEqual({ kind: 'dns', target: '*.shops.test', action: 'update' })
    // The proxy stack itself is the host-setup test's; this one applies the DNS part of the same plan.
    await app.services.dns.ensureWildcard(
      app.services.hosts.list().find((h) => h.id === hostId)!,
      emulator.tokens.readWrite,
    )
    expect(emulator.rrset('shops.test', '*', 'A')?.records).toEqual([{ value: '127.0.0.1', comment: null }])
    await app.services.setup.saveDnsToken(hostId, emulator.tokens.readWrite)
    const again = await app.services.setup.preview({ hostId, acmeEmail: 'ops@shops.test', autostart: false })
    expect(again.changes.filter((c) => c.kind === 'dns')).toEqual([])
    const calls = emulator.calls.length
    const done = await finished(await create(hostId, 'zwei'))
    expect(done.error).toBeUndefined()
    expect(done.steps.find((s) => s.id === 'dns')?.note).toEqual({ key: 'dnsWildcard', values: { wildcard: '*.shops.test' } })
    expect(emulator.calls.length).toBe(calls)
  })

  it('external: nothing is written, the step says so', async () => {
    const hostId = await app.addTestbedHost({ baseDir: bed.baseDir, domainMode: 'external', name: 'Extern' })
    const calls = emulator.calls.length
    const done = await finished(await create(hostId, 'drei'))
    expect(done.steps.find((s) => s.id === 'dns')).toMatchObject({ status: 'skipped', note: { key: 'dnsNothing' } })
    expect(emulator.calls.length).toBe(calls)
  })
})
