// How a shop is reached, chosen by the kind of its host. On a server: through Traefik under its domain, over HTTPS.
// On this machine's Docker ("Local Docker", where nobody set up Traefik, DNS or certificates): its entry published on a
// loopback port of its own, as http://<name>.localhost:<port> (browsers resolve *.localhost to loopback by
// themselves). The port is chosen when the shop is made and kept in its shop.json, so restarts, edits and a restart of
// the app find the same address.
import { createServer } from 'node:net'
import { parseDocument, Scalar, YAMLMap, YAMLSeq } from 'yaml'
import { AppError } from '@shared/errors'
import type { HostProfile } from '@shared/hosts'
import type { ShopEngine } from '../engine/shop-engine'
import type { RenderedShop } from '../templates/render'

/** The external network the renderer puts Traefik's services on. */
const PROXY = 'proxy'

/** What a shop's record keeps of its route; empty for a shop behind Traefik. */
export interface ShopRoute {
  /** The loopback port its entry is published on (`127.0.0.1:<port>`). */
  loopbackPort?: number
}

export interface ShopRouting {
  /** The route of a new shop (created, cloned, made from a backup), chosen now: its record keeps it. */
  assign(engine: ShopEngine, shop: string): Promise<ShopRoute>
}

/** The route a shop's record holds (a hand-edited shop.json with anything but a port number has none). */
export function routeOf(metadata: { loopbackPort?: unknown }): ShopRoute {
  const port = metadata.loopbackPort
  return typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65536 ? { loopbackPort: port } : {}
}

export { shopUrl } from '@shared/shops'

const quoted = (value: string): Scalar => Object.assign(new Scalar(value), { type: Scalar.QUOTE_DOUBLE })

/**
 * The rendered shop as its route has it. Behind Traefik: as rendered. On a loopback port: no proxy network (there is
 * none on a laptop, and nothing would route from it) and no Traefik labels; the entry is published on
 * `127.0.0.1:<port>` only, so nothing beyond this machine reaches it.
 */
export function routedShop(rendered: RenderedShop, entry: { service: string; port: number }, route: ShopRoute): RenderedShop {
  if (!route.loopbackPort) return rendered
  const doc = parseDocument(rendered.compose)
  doc.deleteIn(['networks', PROXY])
  const services = doc.get('services')
  for (const item of services instanceof YAMLMap ? services.items : []) {
    const definition = item.value
    if (!(definition instanceof YAMLMap)) continue
    const networks = definition.get('networks')
    if (networks instanceof YAMLSeq) networks.items = networks.items.filter((n) => String(n instanceof Scalar ? n.value : n) !== PROXY)
    else if (networks instanceof YAMLMap) networks.delete(PROXY)
    const labels = definition.get('labels')
    if (labels instanceof YAMLMap) {
      labels.items = labels.items.filter((label) => !String(label.key instanceof Scalar ? label.key.value : label.key).startsWith('traefik.'))
      if (labels.items.length === 0) definition.delete('labels')
    }
  }
  // Quoted as the renderer writes every string: compose v1 and v2 read the same mapping.
  doc.setIn(['services', entry.service, 'ports'], doc.createNode([quoted(`127.0.0.1:${route.loopbackPort}:${entry.port}`)]))
  return { ...rendered, compose: doc.toString({ lineWidth: 0 }) }
}

/** A server's shops: Traefik routes each by its domain, nothing to choose. */
export const traefikRouting: ShopRouting = { assign: async () => ({}) }

/** Whether nothing listens on 127.0.0.1:`port` right now (this machine is the host, so the app can simply try). */
export function isFreeOnLoopback(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)))
  })
}

export interface LoopbackPorts {
  /** The ports tried, lowest first: short addresses, outside the range the system hands out for its own connections. */
  first: number
  last: number
  isFree: (port: number) => Promise<boolean>
  /** How long a port handed out stays leased while the new shop's record does not hold it yet (a create that never wrote it). */
  leaseMs: number
  now: () => number
}

const defaultPorts: LoopbackPorts = { first: 8100, last: 8999, isFree: isFreeOnLoopback, leaseMs: 60 * 60_000, now: Date.now }

/**
 * This machine's shops, each on a loopback port no other shop of the host has in its record (a stopped shop keeps its
 * port) and nothing listens on. Ports handed out in this app are leased until the shop's record holds them, so two
 * creates at the same moment get two ports.
 */
export function loopbackRouting(options: Partial<LoopbackPorts> = {}): ShopRouting {
  const { first, last, isFree, leaseMs, now } = { ...defaultPorts, ...options }
  const leases = new Map<number, { shop: string; until: number }>()
  return {
    async assign(engine, shop) {
      const recorded = new Map<number, string>()
      for (const dir of await engine.store.list()) {
        const port = dir.metadata?.['loopbackPort']
        if (typeof port === 'number') recorded.set(port, dir.name)
      }
      for (const [port, lease] of leases) if (recorded.get(port) === lease.shop || lease.until <= now()) leases.delete(port)
      for (let port = first; port <= last; port++) {
        if (recorded.has(port) || leases.has(port)) continue
        // Leased before the probe, so a create beside this one does not probe (and take) the same port meanwhile.
        leases.set(port, { shop, until: now() + leaseMs })
        if (await isFree(port)) return { loopbackPort: port }
        leases.delete(port)
      }
      throw new AppError('no_room', `No loopback port between ${first} and ${last} is free for the shop.`, {
        say: { key: 'noLoopbackPort', values: { first, last } },
      })
    },
  }
}

/** The routing of each host, by its kind: one loopback routing for this machine's Docker, Traefik everywhere else. */
export function routingByHostKind(loopback: ShopRouting = loopbackRouting()): (profile: Pick<HostProfile, 'kind'>) => ShopRouting {
  return (profile) => (profile.kind === 'local' ? loopback : traefikRouting)
}
