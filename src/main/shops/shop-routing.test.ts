import { createServer, type Server } from 'node:net'
import { parse } from 'yaml'
import { afterEach, describe, expect, it } from 'vitest'
import type { ShopEngine } from '../engine/shop-engine'
import type { ShopDirectory } from '../engine/shop-store'
import type { RenderedShop } from '../templates/render'
import { buildShop } from './discovery'
import { isFreeOnLoopback, loopbackRouting, routedShop, routeOf, routingByHostKind, shopUrl, traefikRouting } from './shop-routing'

const engineWith = (dirs: ShopDirectory[]): ShopEngine => ({ store: { list: async () => dirs } }) as unknown as ShopEngine
const shop = (name: string, metadata: Record<string, unknown> | null): ShopDirectory => ({ name, metadata })

const rendered: RenderedShop = {
  compose: [
    'services:',
    '  web:',
    '    image: "shop:1"',
    '    networks: ["proxy", "shop"]',
    '    labels: { "traefik.enable": "true", "traefik.http.routers.a.rule": "Host(`a.test`)", "shopmanager.keep": "yes" }',
    '  db:',
    '    image: "db:1"',
    '    networks: { shop: {} }',
    '    labels: { "shopmanager.job": "true" }',
    'networks:',
    '  shop: { name: "a_shop" }',
    '  proxy: { external: true, name: "proxy" }',
    '',
  ].join('\n'),
  env: '',
  files: {},
  images: ['shop:1', 'db:1'],
} as RenderedShop

describe('how a shop is reached', () => {
  it('is https under its domain behind Traefik, http on its port on Local Docker', () => {
    expect(shopUrl('hansen.shops.example', {})).toBe('https://hansen.shops.example')
    expect(shopUrl('hansen.localhost', { loopbackPort: 8101 })).toBe('http://hansen.localhost:8101')
  })

  it('shows a Local Docker shop in the overview with its port, so its page links http://<name>.localhost:<port>', () => {
    expect(buildShop('local', shop('hansen', { domain: 'hansen.localhost', loopbackPort: 8101 }), [])).toMatchObject({ loopbackPort: 8101 })
    expect(buildShop('srv', shop('hansen', { domain: 'hansen.shops.example' }), [])).not.toHaveProperty('loopbackPort')
  })

  it('reads the port from a shop record, and nothing from a record that holds anything else', () => {
    expect(routeOf({ loopbackPort: 8100 })).toEqual({ loopbackPort: 8100 })
    expect(routeOf({})).toEqual({})
    expect(routeOf({ loopbackPort: '8100:80' })).toEqual({})
    expect(routeOf({ loopbackPort: 70000 })).toEqual({})
  })

  it('picks the routing by the host’s kind', async () => {
    const loopback = loopbackRouting()
    const byKind = routingByHostKind(loopback)
    expect(byKind({ kind: 'local' })).toBe(loopback)
    expect(byKind({ kind: 'ssh' })).toBe(traefikRouting)
    expect(await traefikRouting.assign(engineWith([]), 'a')).toEqual({})
  })

  it('leaves a shop behind Traefik as rendered', () => {
    expect(routedShop(rendered, { service: 'web', port: 8080 }, {})).toBe(rendered)
  })

  it('on a loopback port: the entry published on 127.0.0.1 only, no proxy network, no Traefik label; the rest stays', () => {
    const compose = parse(routedShop(rendered, { service: 'web', port: 8080 }, { loopbackPort: 8105 }).compose)
    expect(compose.services.web).toEqual({ image: 'shop:1', networks: ['shop'], labels: { 'shopmanager.keep': 'yes' }, ports: ['127.0.0.1:8105:8080'] })
    expect(compose.services.db).toEqual({ image: 'db:1', networks: { shop: {} }, labels: { 'shopmanager.job': 'true' } })
    expect(compose.networks).toEqual({ shop: { name: 'a_shop' } })
  })
})

describe('loopback ports for Local Docker', () => {
  const servers: Server[] = []
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))))
  })

  it('skips ports another shop’s record holds and ports something listens on', async () => {
    const routing = loopbackRouting({ first: 9100, last: 9110, isFree: async (port) => port !== 9101 })
    const engine = engineWith([shop('alt', { loopbackPort: 9100 }), shop('kaputt', null)])
    expect(await routing.assign(engine, 'neu')).toEqual({ loopbackPort: 9102 })
  })

  it('gives two creates at the same moment two ports, and a deleted shop’s port to the next', async () => {
    let clock = 0
    const routing = loopbackRouting({ first: 9100, last: 9110, isFree: async () => true, now: () => clock, leaseMs: 1000 })
    const dirs: ShopDirectory[] = []
    const engine = engineWith(dirs)
    const [a, b] = await Promise.all([routing.assign(engine, 'a'), routing.assign(engine, 'b')])
    expect([a.loopbackPort, b.loopbackPort].sort()).toEqual([9100, 9101])
    // Both records are written: the leases end; a deletes its shop, and the next new shop gets its port.
    dirs.push(shop('b', { loopbackPort: b.loopbackPort }))
    if (a.loopbackPort === 9101) dirs.push(shop('a', { loopbackPort: 9101 }))
    expect(await routing.assign(engine, 'c')).toEqual({ loopbackPort: a.loopbackPort === 9100 ? 9102 : 9100 })
    // A create that never wrote its record lets go of its port after the lease.
    clock = 2000
    expect(await routing.assign(engine, 'd')).toEqual({ loopbackPort: a.loopbackPort === 9100 ? 9100 : 9102 })
  })

  it('says so when no port of the range is free', async () => {
    const routing = loopbackRouting({ first: 9100, last: 9101, isFree: async () => false })
    await expect(routing.assign(engineWith([]), 'a')).rejects.toMatchObject({
      code: 'no_room',
      say: { key: 'noLoopbackPort', values: { first: 9100, last: 9101 } },
    })
  })

  it('finds a port taken when something listens on it, and free once it stopped', async () => {
    const server = createServer()
    servers.push(server)
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const port = (server.address() as { port: number }).port
    expect(await isFreeOnLoopback(port)).toBe(false)
    await new Promise((r) => server.close(r))
    servers.pop()
    expect(await isFreeOnLoopback(port)).toBe(true)
  })
})
