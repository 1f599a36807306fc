// A shop's Traefik routers: the entry on the shop's domain (router and service named as the shop), and each of the
// template's `routes` beside it (`<shop>-<route id>`: shop names have no `-`, so no two shops' names can meet).
import type { Manifest, ManifestRoute } from './manifest'

export const PROXY_NETWORK = 'proxy'

/**
 * A route's own host name: `api` on `mueller.shops.example.com` is `api-mueller.shops.example.com`, one label
 * in front of the rest of the shop's domain, not a level below it. So the host's wildcard record and certificate
 * (`*.shops.example.com`, one label) cover it as they cover the shop, and per-shop DNS writes one more record there.
 */
export function routeHost(domain: string, host: string): string {
  const dot = domain.indexOf('.')
  return `${host}-${domain.slice(0, dot)}${domain.slice(dot)}`
}

/** The host name a route answers on: its own, or the shop's domain. */
export function routeDomain(domain: string, route: Pick<ManifestRoute, 'host'>): string {
  return route.host ? routeHost(domain, route.host) : domain
}

/**
 * A route's Traefik rule. Traefik (v2 and v3) gives a router without a priority the length of its rule as priority,
 * so `Host(…) && PathPrefix(`/api`)` is matched before the entry's shorter `Host(…)`, and a longer path before a
 * shorter one: no priority needs setting.
 */
export function routeRule(domain: string, route: Pick<ManifestRoute, 'host' | 'path'>): string {
  const host = `Host(\`${routeDomain(domain, route)}\`)`
  return route.path ? `${host} && PathPrefix(\`${route.path}\`)` : host
}

/** Every host name a shop answers on, its own domain first: what DNS must point at the host. */
export function shopHostNames(manifest: Pick<Manifest, 'routes'>, domain: string): string[] {
  return [...new Set([domain, ...manifest.routes.map((route) => routeDomain(domain, route))])]
}

function routerLabels(name: string, rule: string, port: number, certResolver: string | null): Record<string, string> {
  const router = `traefik.http.routers.${name}`
  return {
    [`${router}.rule`]: rule,
    [`${router}.entrypoints`]: 'websecure',
    [`${router}.tls`]: 'true',
    ...(certResolver ? { [`${router}.tls.certresolver`]: certResolver } : {}),
    [`${router}.service`]: name,
    [`traefik.http.services.${name}.loadbalancer.server.port`]: String(port),
  }
}

export interface RouteInput {
  name: string
  domain: string
  certResolver: string | null
}

/** The Traefik labels of each service that Traefik routes to (the entry's and the routes'), by service. */
export function traefikLabels(manifest: Pick<Manifest, 'entry' | 'routes'>, input: RouteInput): Record<string, Record<string, string>> {
  const byService: Record<string, Record<string, string>> = {}
  const add = (service: string, labels: Record<string, string>): void => {
    byService[service] = {
      'traefik.enable': 'true',
      'traefik.docker.network': PROXY_NETWORK,
      'shopmanager.shop': input.name,
      ...byService[service],
      ...labels,
    }
  }
  add(manifest.entry.service, routerLabels(input.name, `Host(\`${input.domain}\`)`, manifest.entry.port, input.certResolver))
  for (const route of manifest.routes) {
    add(route.service, routerLabels(`${input.name}-${route.id}`, routeRule(input.domain, route), route.port, input.certResolver))
  }
  return byService
}
