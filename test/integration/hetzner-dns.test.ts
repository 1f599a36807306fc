// The Hetzner DNS client against the emulator (HETZNER.md): zones and pages, the idempotent A/AAAA upsert, the
// wildcard, and every failure a salesperson or admin can meet, worded so they can act — never showing the token.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AppError } from '@shared/errors'
import { HetznerDnsClient, type HetznerClientOptions } from '../../src/main/dns/hetzner-client'
import { ShopDns } from '../../src/main/dns/shop-dns'
import { HetznerEmulator } from '../support/hetzner/emulator'

const IPV4 = '203.0.113.7'
const OTHER_IPV4 = '198.51.100.20'
const IPV6 = '2001:db8::7'

let emulator: HetznerEmulator
let clients: HetznerDnsClient[] = []
/** Every error the tests provoke; none may contain a token. */
const seen: AppError[] = []
const tokens = new Set<string>()

function client(options: Partial<HetznerClientOptions> = {}): HetznerDnsClient {
  const created = new HetznerDnsClient({ baseUrl: emulator.url, token: async () => emulator.tokens.readWrite, pollIntervalMs: 5, retryBaseMs: 5, ...options })
  clients.push(created)
  return created
}

async function failure(pending: Promise<unknown>): Promise<AppError> {
  try {
    await pending
  } catch (error) {
    expect(error).toBeInstanceOf(AppError)
    seen.push(error as AppError)
    return error as AppError
  }
  throw new Error('expected the call to fail')
}

const callsTo = (method: string, path: string | RegExp): number =>
  emulator.calls.filter((c) => c.method === method && (typeof path === 'string' ? c.path === path : path.test(c.path))).length

beforeEach(async () => {
  emulator = await HetznerEmulator.start()
  tokens.add(emulator.tokens.readWrite).add(emulator.tokens.readOnly)
  emulator.addZone('example.com')
})

afterEach(async () => {
  await Promise.all(clients.map((c) => c.close()))
  clients = []
  await emulator.close()
})

describe('zones and pages', () => {
  it('finds a zone by its exact name only, and by id', async () => {
    const shops = emulator.addZone('shops.example.com')
    const dns = client()
    expect((await dns.getZone(shops.id))?.name).toBe('shops.example.com')
    await dns.upsertAddressRecords(shops.id, 'kunde1', { ipv4: IPV4 })
    expect(emulator.rrset('shops.example.com', 'kunde1', 'A')?.records).toEqual([{ value: IPV4, comment: null }])
    expect((await dns.findZone('Example.COM.'))?.name).toBe('example.com')
    expect(await dns.findZone('ample.com')).toBeNull()
    expect((await dns.findZone('shops.example.com'))?.name).toBe('shops.example.com')
    expect(await dns.getZone('nope.com')).toBeNull()
  })

  it('reads every page of zones and of record sets', async () => {
    for (let i = 0; i < 60; i++) emulator.addZone(`zone${i}.test`)
    for (let i = 0; i < 130; i++) emulator.putRRSet('example.com', { name: `shop${i}`, type: 'A', ttl: null, records: [{ value: IPV4, comment: null }] })
    const dns = client()
    const zones = await dns.listZones()
    expect(zones).toHaveLength(61)
    expect(new Set(zones.map((z) => z.name)).size).toBe(61)
    expect(emulator.calls.filter((c) => c.path === '/zones').map((c) => c.query)).toEqual(['?page=1&per_page=50', '?page=2&per_page=50'])
    // 130 shops plus the SOA and NS every zone starts with.
    expect(await dns.listRRSets('example.com')).toHaveLength(132)
    expect(callsTo('GET', '/zones/example.com/rrsets')).toBe(2)
  })

  it('answers pages with the nullable fields at the edges, and refuses a page too large', async () => {
    emulator.addZone('second.test')
    const page = async (query: string): Promise<{ status: number; body: { meta?: { pagination: Record<string, unknown> }; error?: { details: unknown } } }> => {
      const response = await fetch(`${emulator.url}/zones?${query}`, { headers: { authorization: `Bearer ${emulator.tokens.readOnly}` } })
      return { status: response.status, body: (await response.json()) as never }
    }
    expect((await page('per_page=1&page=1')).body.meta?.pagination).toEqual({
      page: 1,
      per_page: 1,
      previous_page: null,
      next_page: 2,
      last_page: 2,
      total_entries: 2,
    })
    expect((await page('per_page=1&page=2')).body.meta?.pagination).toMatchObject({ previous_page: 1, next_page: null })
    const tooMany = await page('per_page=51')
    expect(tooMany.status).toBe(422)
    expect(tooMany.body.error?.details).toEqual({ fields: [{ name: 'per_page', messages: ['must be an integer from 1 to 50'] }] })
  })
})

describe('A/AAAA upsert', () => {
  it('creates a missing record and waits for it; the same upsert again writes nothing', async () => {
    const dns = client()
    const first = await dns.upsertAddressRecords('example.com', 'shop1', { ipv4: IPV4 }, 300)
    expect(first.steps).toEqual([{ kind: 'create', type: 'A', value: IPV4, ttl: 300 }])
    expect(emulator.rrset('example.com', 'shop1', 'A')).toMatchObject({ ttl: 300, records: [{ value: IPV4 }] })
    expect(emulator.writes.map((c) => `${c.method} ${c.path}`)).toEqual(['POST /zones/example.com/rrsets'])
    expect(callsTo('GET', /^\/actions\/\d+$/)).toBe(1)

    emulator.resetCalls()
    expect((await dns.upsertAddressRecords('example.com', 'shop1', { ipv4: IPV4 }, 300)).steps).toEqual([])
    expect(emulator.writes).toHaveLength(0)
    expect(emulator.calls).toHaveLength(1)
  })

  it('replaces another address with set_records and a different TTL with change_ttl', async () => {
    emulator.putRRSet('example.com', { name: 'shop1', type: 'A', ttl: 300, records: [{ value: OTHER_IPV4, comment: null }] })
    const dns = client()
    await dns.upsertAddressRecords('example.com', 'shop1', { ipv4: IPV4 }, 300)
    expect(emulator.writes.map((c) => c.path)).toEqual(['/zones/example.com/rrsets/shop1/A/actions/set_records'])
    expect(emulator.rrset('example.com', 'shop1', 'A')?.records).toEqual([{ value: IPV4, comment: null }])

    emulator.resetCalls()
    await dns.upsertAddressRecords('example.com', 'shop1', { ipv4: IPV4 }, 120)
    expect(emulator.writes.map((c) => c.path)).toEqual(['/zones/example.com/rrsets/shop1/A/actions/change_ttl'])
    expect(emulator.rrset('example.com', 'shop1', 'A')?.ttl).toBe(120)
  })

  it('waits for an action that stays running for several polls before it counts as done', async () => {
    emulator.actionPolls = 3
    await client().upsertAddressRecords('example.com', 'shop1', { ipv4: IPV4, ipv6: IPV6 })
    expect(callsTo('GET', /^\/actions\/\d+$/)).toBe(8)
    expect(emulator.rrset('example.com', 'shop1', 'AAAA')?.records).toEqual([{ value: IPV6, comment: null }])
  })

  it('removes the records, and an absent record costs no write', async () => {
    const dns = client()
    await dns.upsertAddressRecords('example.com', 'shop1', { ipv4: IPV4, ipv6: IPV6 })
    emulator.resetCalls()
    expect(await dns.removeAddressRecords('example.com', 'shop1')).toEqual(['A', 'AAAA'])
    expect(emulator.writes.map((c) => `${c.method} ${c.path}`)).toEqual([
      'DELETE /zones/example.com/rrsets/shop1/A',
      'DELETE /zones/example.com/rrsets/shop1/AAAA',
    ])
    expect(emulator.rrset('example.com', 'shop1', 'A')).toBeUndefined()

    emulator.resetCalls()
    expect(await dns.removeAddressRecords('example.com', 'shop1')).toEqual([])
    expect(emulator.writes).toHaveLength(0)
    // A DELETE answered 200 instead of 201 is just as good.
    emulator.deleteStatus = 200
    await dns.upsertAddressRecords('example.com', 'shop2', { ipv4: IPV4 })
    expect(await dns.removeAddressRecords('example.com', 'shop2')).toEqual(['A'])
  })

  it('finds the same record through upper case, a trailing dot and IDN', async () => {
    emulator.addZone('xn--bckerei-mller-bfb28a.de')
    const dns = client()
    const shop = new ShopDns(dns)
    expect(await shop.publish('shop1.example.com', { ipv4: IPV4 }, { kind: 'per-shop' })).toEqual({
      via: 'record',
      zone: 'example.com',
      name: 'shop1',
      changed: true,
    })
    emulator.resetCalls()
    expect(await shop.publish('SHOP1.Example.COM.', { ipv4: IPV4 }, { kind: 'per-shop' })).toMatchObject({ changed: false })
    expect(emulator.writes).toHaveLength(0)

    expect(await shop.publish('Laden.Bäckerei-Müller.de.', { ipv4: IPV4 }, { kind: 'per-shop' })).toMatchObject({
      zone: 'xn--bckerei-mller-bfb28a.de',
      name: 'laden',
      changed: true,
    })
    expect(emulator.rrset('xn--bckerei-mller-bfb28a.de', 'laden', 'A')?.records).toEqual([{ value: IPV4, comment: null }])
  })

  it('writes the wildcard *.shops; a shop under it then needs no call at all', async () => {
    const shop = new ShopDns(client(), 300)
    expect(await shop.ensureWildcard('*.shops.example.com', { ipv4: IPV4 })).toMatchObject({ zone: 'example.com', name: '*.shops', changed: true })
    expect(emulator.rrset('example.com', '*.shops', 'A')).toMatchObject({ ttl: 300, records: [{ value: IPV4 }] })
    // Names are URL-encoded in paths, `*` included.
    emulator.resetCalls()
    await client().removeAddressRecords('example.com', '*.shops')
    expect(emulator.writes.map((c) => c.target)).toEqual(['/v1/zones/example.com/rrsets/%2A.shops/A'])
    await shop.ensureWildcard('*.shops.example.com', { ipv4: IPV4 })
    expect(await shop.ensureWildcard('*.shops.example.com', { ipv4: IPV4 })).toMatchObject({ changed: false })

    emulator.resetCalls()
    const mode = { kind: 'wildcard', wildcard: '*.shops.example.com' } as const
    expect(await shop.publish('kunde1.shops.example.com', { ipv4: IPV4 }, mode)).toEqual({ via: 'wildcard' })
    expect(await shop.unpublish('kunde1.shops.example.com', mode)).toBe(false)
    expect(emulator.calls).toHaveLength(0)
    // Outside the wildcard's one label the shop gets its own record.
    expect(await shop.publish('kunde1.example.com', { ipv4: IPV4 }, mode)).toMatchObject({ via: 'record', name: 'kunde1' })
  })

  it('points a shop at exactly the host: a stale AAAA goes when the host has no IPv6', async () => {
    emulator.putRRSet('example.com', { name: 'shop1', type: 'AAAA', ttl: null, records: [{ value: '2001:db8::dead', comment: null }] })
    await new ShopDns(client()).publish('shop1.example.com', { ipv4: IPV4 }, { kind: 'per-shop' })
    expect(emulator.rrset('example.com', 'shop1', 'AAAA')).toBeUndefined()
    expect(emulator.rrset('example.com', 'shop1', 'A')?.records).toEqual([{ value: IPV4, comment: null }])
  })

  it('two laptops creating the same name at once both end up fine', async () => {
    emulator.latencyMs = 30
    const [a, b] = await Promise.all([
      client().upsertAddressRecords('example.com', 'shop1', { ipv4: IPV4 }),
      client().upsertAddressRecords('example.com', 'shop1', { ipv4: IPV4 }),
    ])
    expect([a.steps.length, b.steps.length].sort()).toEqual([0, 1])
    expect(
      emulator.calls
        .filter((c) => c.method === 'POST')
        .map((c) => c.status)
        .sort(),
    ).toEqual([201, 409])
    expect(emulator.rrset('example.com', 'shop1', 'A')?.records).toEqual([{ value: IPV4, comment: null }])
  })
})

describe('what Hetzner refuses', () => {
  it('a wrong token: says so, no retry', async () => {
    const error = await failure(client({ token: async () => 'wrong-token-value' }).upsertAddressRecords('example.com', 'shop1', { ipv4: IPV4 }))
    expect(error.code).toBe('auth_failed')
    expect(error.message).toMatch(/rejected the DNS API token/)
    expect(emulator.calls).toHaveLength(1)
    expect(error.message).not.toContain('wrong-token-value')
    expect((await failure(client({ token: async () => '  ' }).listZones())).message).toMatch(/No Hetzner API token is stored/)
    expect((await failure(client({ token: async () => 'two\nlines' }).listZones())).message).toMatch(/characters a token cannot have/)
  })

  it('a read-only token reads but may not write, and nothing changes', async () => {
    const dns = client({ token: async () => emulator.tokens.readOnly })
    expect((await dns.findZone('example.com'))?.name).toBe('example.com')
    const error = await failure(dns.upsertAddressRecords('example.com', 'shop1', { ipv4: IPV4 }))
    expect(error.code).toBe('forbidden')
    expect(error.message).toMatch(/read-only: it can read DNS records but not change them/)
    expect(emulator.writes.map((c) => c.status)).toEqual([401])
    expect(emulator.rrset('example.com', 'shop1', 'A')).toBeUndefined()
    emulator.fail({ path: '/zones', status: 403 })
    expect((await failure(dns.listZones())).code).toBe('forbidden')
  })

  it('the rate limit a minute from refilled: a clear message with the time, and no half-written change', async () => {
    emulator.setRateLimit(4, 4 / 60)
    const dns = client()
    // The read leaves 3 requests; two records with their polls need 4, and one more is 15 s away (16 with the
    // reset header's whole seconds).
    const early = await failure(dns.upsertAddressRecords('example.com', 'shop1', { ipv4: IPV4, ipv6: IPV6 }))
    expect(early.code).toBe('rate_limited')
    expect(early.message).toMatch(
      /^This change needs 4 requests to Hetzner's API, but only 3 of the project's limit of 4 are left right now\. .*try again in about 1[56] seconds; the full quota is back at \d\d:\d\d:\d\d\. No record was changed\.$/,
    )
    expect(emulator.writes).toHaveLength(0)

    for (let i = 0; i < 3; i++) await dns.findZone('example.com')
    emulator.resetCalls()
    const limited = await failure(dns.upsertAddressRecords('example.com', 'shop1', { ipv4: IPV4 }))
    const resetAt = Date.parse(limited.details?.['resetAt'] ?? '')
    expect(resetAt - Date.now()).toBeGreaterThan(50_000)
    expect(resetAt - Date.now()).toBeLessThan(62_000)
    expect(limited.message).toContain(new Date(resetAt).toLocaleTimeString('en-GB', { hour12: false }))
    expect(emulator.calls.map((c) => c.status)).toEqual([429])
    expect(emulator.rrset('example.com', 'shop1', 'A')).toBeUndefined()
    expect(emulator.rrset('example.com', 'shop1', 'AAAA')).toBeUndefined()
  })

  it('a rate limit that refills soon is waited out', async () => {
    emulator.setRateLimit(2, 20)
    const dns = client()
    for (let i = 0; i < 2; i++) await dns.findZone('example.com')
    await dns.upsertAddressRecords('example.com', 'shop1', { ipv4: IPV4 })
    expect(emulator.calls.some((c) => c.status === 429)).toBe(true)
    expect(emulator.rrset('example.com', 'shop1', 'A')?.records).toEqual([{ value: IPV4, comment: null }])
  })

  it('retries what Hetzner’s SDK retries, with growing waits', async () => {
    const waits: number[] = []
    const dns = client({ sleep: async (ms) => void waits.push(ms), retryBaseMs: 100 })
    emulator.fail({ method: 'GET', path: '/zones/example.com/rrsets', status: 502, times: 1 })
    emulator.fail({ method: 'GET', path: '/zones/example.com/rrsets', status: 504, times: 1, html: true })
    emulator.fail({ method: 'POST', path: '/zones/example.com/rrsets', status: 409, times: 1 })
    emulator.fail({ method: 'GET', path: /^\/actions\//, status: 504, times: 1 })
    await dns.upsertAddressRecords('example.com', 'shop1', { ipv4: IPV4 })
    expect(callsTo('GET', '/zones/example.com/rrsets')).toBe(3)
    expect(callsTo('POST', '/zones/example.com/rrsets')).toBe(2)
    expect(emulator.rrset('example.com', 'shop1', 'A')?.records).toEqual([{ value: IPV4, comment: null }])
    const backoffs = waits.filter((ms) => ms !== 5)
    expect(backoffs).toHaveLength(4)
    expect(backoffs[1]).toBeGreaterThanOrEqual(100)
    expect(backoffs[1]).toBeLessThanOrEqual(200)
  })

  it('gives up after five retries', async () => {
    emulator.fail({ method: 'GET', path: '/zones', status: 502, times: 100 })
    const error = await failure(client({ sleep: async () => undefined }).listZones())
    expect(error.code).toBe('connection_lost')
    expect(callsTo('GET', '/zones')).toBe(6)
  })

  it('does not retry what the SDK does not: 500, 503, 423, a dropped connection', async () => {
    const dns = client()
    for (const [status, code, text] of [
      [500, 'dns_failed', /internal error while working on the zone example\.com/],
      [503, 'dns_failed', /unavailable at the moment/],
    ] as const) {
      emulator.resetCalls()
      emulator.fail({ method: 'GET', path: '/zones/example.com/rrsets', status })
      const error = await failure(dns.upsertAddressRecords('example.com', 'shop1', { ipv4: IPV4 }))
      expect([error.code, emulator.calls.length]).toEqual([code, 1])
      expect(error.message).toMatch(text)
      expect(error.details?.['correlationId']).toMatch(/^[0-9a-f]{16}$/)
    }
    emulator.resetCalls()
    emulator.fail({ method: 'POST', path: '/zones/example.com/rrsets', status: 423 })
    const locked = await failure(dns.upsertAddressRecords('example.com', 'shop1', { ipv4: IPV4 }))
    expect(locked.message).toBe('Hetzner is still applying another change to the zone example.com; try again in a moment.')
    expect(emulator.writes).toHaveLength(1)

    emulator.resetCalls()
    emulator.drop({ method: 'POST', path: '/zones/example.com/rrsets' })
    const dropped = await failure(dns.upsertAddressRecords('example.com', 'shop1', { ipv4: IPV4 }))
    expect(dropped.code).toBe('connection_lost')
    expect(dropped.message).toMatch(/dropped before it answered\. A change sent with it may or may not have been made; trying again is safe/)
    expect(emulator.writes).toHaveLength(1)
    expect(emulator.rrset('example.com', 'shop1', 'A')).toBeUndefined()
    // Trying again is indeed safe.
    await dns.upsertAddressRecords('example.com', 'shop1', { ipv4: IPV4 })
    expect(emulator.rrset('example.com', 'shop1', 'A')?.records).toEqual([{ value: IPV4, comment: null }])

    // The worse case: the create was made, only its answer got lost. Trying again finds it and writes nothing.
    emulator.drop({ method: 'POST', path: '/zones/example.com/rrsets', afterChange: true })
    expect((await failure(dns.upsertAddressRecords('example.com', 'shop2', { ipv4: IPV4 }))).code).toBe('connection_lost')
    expect(emulator.rrset('example.com', 'shop2', 'A')).toBeDefined()
    emulator.resetCalls()
    expect((await dns.upsertAddressRecords('example.com', 'shop2', { ipv4: IPV4 })).steps).toEqual([])
    expect(emulator.writes).toHaveLength(0)
  })

  it('a slow answer times out and is retried; one that stays slow is reported', async () => {
    emulator.stall({ method: 'GET', path: '/zones/example.com/rrsets', ms: 600 })
    await client({ timeoutMs: 200 }).upsertAddressRecords('example.com', 'shop1', { ipv4: IPV4 })
    expect(callsTo('GET', '/zones/example.com/rrsets')).toBe(2)

    emulator.stall({ method: 'GET', path: '/zones', ms: 600, times: 2 })
    const error = await failure(client({ timeoutMs: 200, maxRetries: 1 }).listZones())
    expect(error.code).toBe('timeout')
    expect(error.message).toBe(`Hetzner's API (${new URL(emulator.url).host}) did not answer within 0.2 s.`)
  })

  it('Hetzner not reachable at all: said at once, no retry, nothing written', async () => {
    const baseUrl = emulator.url
    await emulator.close()
    const started = Date.now()
    const error = await failure(client({ baseUrl }).upsertAddressRecords('example.com', 'shop1', { ipv4: IPV4 }))
    expect(error.code).toBe('connection_lost')
    expect(error.message).toBe(`Hetzner's API (${new URL(baseUrl).host}) cannot be reached from this network.`)
    expect(Date.now() - started).toBeLessThan(2_000)
    emulator = await HetznerEmulator.start()
  })

  it("an action that ends in error: Hetzner's message, and the change is not there", async () => {
    emulator.actionPolls = 1
    emulator.failActions(1, { message: 'Zone could not be published to the name servers' })
    const error = await failure(client().upsertAddressRecords('example.com', 'shop1', { ipv4: IPV4 }))
    expect(error.message).toBe(
      'Hetzner could not complete the change to the record set shop1/A in example.com: Zone could not be published to the name servers',
    )
    expect(emulator.rrset('example.com', 'shop1', 'A')).toBeUndefined()
  })

  it('an action that never finishes runs into the timeout; a cancel stops the wait', async () => {
    emulator.actionPolls = 1_000_000
    const dns = client({ pollIntervalMs: 20 })
    const slow = await failure(dns.upsertAddressRecords('example.com', 'shop1', { ipv4: IPV4 }, undefined, { timeoutMs: 300 }))
    expect(slow.code).toBe('timeout')
    expect(slow.message).toMatch(/had not finished the change to the record set shop1\/A in example\.com after 0\.3 s\. It may still complete/)

    const controller = new AbortController()
    setTimeout(() => controller.abort(), 100)
    const cancelled = await failure(dns.upsertAddressRecords('example.com', 'shop2', { ipv4: IPV4 }, undefined, { signal: controller.signal }))
    expect(cancelled.code).toBe('cancelled')
  })

  it('a zone that does not exist, a domain outside every zone, a secondary zone', async () => {
    const dns = client()
    const missing = await failure(dns.upsertAddressRecords('nope.com', 'shop1', { ipv4: IPV4 }))
    expect([missing.code, missing.message]).toEqual(['not_found', 'The zone nope.com does not exist in this Hetzner project.'])

    const outside = await failure(dns.locate('shop1.nope.com'))
    expect(outside.code).toBe('invalid_input')
    expect(outside.message).toMatch(/shop1\.nope\.com is not in any DNS zone of this Hetzner project \(its zones: example\.com\)/)

    emulator.addZone('partner.net', { mode: 'secondary' })
    const secondary = await failure(new ShopDns(dns).publish('shop1.partner.net', { ipv4: IPV4 }, { kind: 'per-shop' }))
    expect(secondary.message).toMatch(/partner\.net, a secondary zone at Hetzner/)
    expect(emulator.writes).toHaveLength(0)
    const direct = await failure(dns.upsertAddressRecords('partner.net', 'shop1', { ipv4: IPV4 }))
    expect(direct.message).toBe('The zone partner.net is a secondary zone: its records come from another name server and cannot be changed through Hetzner.')
  })

  it("Hetzner's validation: fields named, a duplicate refused", async () => {
    const dns = client()
    const bad = await failure(dns.createRRSet('example.com', { name: 'shop1', type: 'A', records: [{ value: 'not-an-ip' }, { value: 'not-an-ip' }] }))
    expect(bad.code).toBe('invalid_input')
    expect(bad.fields).toEqual([
      { path: 'records', message: '"not-an-ip" is not an IPv4 address; "not-an-ip" is not an IPv4 address; values must be distinct' },
    ])
    const txt = await failure(dns.createRRSet('example.com', { name: 'Shop1.', type: 'TXT', ttl: 30, records: [{ value: 'unquoted' }] }))
    expect(txt.fields?.map((f) => f.path)).toEqual(['name', 'ttl', 'records'])

    await dns.waitForAction((await dns.createRRSet('example.com', { name: 'shop1', type: 'A', records: [{ value: IPV4 }] })).action)
    const duplicate = await failure(dns.createRRSet('example.com', { name: 'shop1', type: 'A', records: [{ value: IPV4 }] }))
    expect(duplicate.message).toBe('The record set shop1/A in example.com already exists at Hetzner.')
    const address = await failure(dns.upsertAddressRecords('example.com', 'shop1', { ipv4: '203.0.113' }))
    expect(address.fields).toEqual([{ path: 'ipv4', message: '"203.0.113" is not an IPv4 address' }])
  })

  it('the other record set calls: add, remove, TTL and delete', async () => {
    const dns = client()
    await dns.waitForAction(await dns.addRecords('example.com', '_acme-challenge.shops', 'TXT', [{ value: '"one"' }], 60))
    await dns.waitForAction(await dns.addRecords('example.com', '_acme-challenge.shops', 'TXT', [{ value: '"two"' }]))
    expect((await dns.getRRSet('example.com', '_acme-challenge.shops', 'TXT'))?.records.map((r) => r.value)).toEqual(['"one"', '"two"'])
    await dns.waitForAction(await dns.changeTtl('example.com', '_acme-challenge.shops', 'TXT', null))
    expect((await dns.getRRSet('example.com', '_acme-challenge.shops', 'TXT'))?.ttl).toBeNull()
    await dns.waitForAction(await dns.removeRecords('example.com', '_acme-challenge.shops', 'TXT', [{ value: '"one"' }, { value: '"two"' }]))
    expect(await dns.getRRSet('example.com', '_acme-challenge.shops', 'TXT')).toBeNull()
    expect(await dns.deleteRRSet('example.com', '_acme-challenge.shops', 'TXT')).toBeNull()
  })

  it('a token echoed back by something in between is still not shown', async () => {
    emulator.fail({ path: '/zones', status: 500, message: `upstream rejected Bearer ${emulator.tokens.readWrite}` })
    const error = await failure(client().listZones())
    expect(error.message).toContain('Bearer [token]')
    expect(error.message).not.toContain(emulator.tokens.readWrite)
    // Also in the words the app shows for an error (an action's reason is put into them).
    emulator.actionPolls = 1
    emulator.failActions(1, { message: `publish failed for Bearer ${emulator.tokens.readWrite}` })
    const action = await failure(client().upsertAddressRecords('example.com', 'shop9', { ipv4: IPV4 }))
    expect(action.say).toEqual({ key: 'hetznerActionFailed', values: { reason: 'publish failed for Bearer [token]' } })
  })
})

describe('the token', () => {
  // Runs after the tests above (a file's tests run in order): every error they provoked is checked.
  it('appears in no error message, field or detail', () => {
    expect(seen.length).toBeGreaterThan(20)
    for (const error of seen) {
      const text = JSON.stringify({ ...error.toPayload(), stack: error.stack })
      for (const token of tokens) expect(text).not.toContain(token)
    }
  })
})
