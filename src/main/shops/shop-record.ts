// What a shop keeps in its directory on the host, as the lifecycle makes it: the rendered compose file, its
// metadata (shop.json) and its secrets (.env, 0600). Reading and writing them is the store's (engine/shop-store.ts).
import { parse, parseDocument, Scalar, YAMLMap } from 'yaml'
import type { RenderedShop } from '../templates/render'
import { COMPOSE_FILE, ENV_FILE, METADATA_FILE, volumeName } from '../engine/host-layout'
import type { ShopFile, ShopMetadata, ShopRecord } from '../engine/shop-store'

export type { ShopMetadata, ShopRecord } from '../engine/shop-store'

/** The record of a shop made now; an empty image override is left out. */
export function newShopMetadata(fields: Omit<ShopMetadata, 'createdAt' | 'image'> & { image?: string | undefined }, now = new Date()): ShopMetadata {
  const { image, ...rest } = fields
  return { ...rest, ...(image ? { image } : {}), createdAt: now.toISOString() }
}

/** The files a rendered shop consists of, each with its mode. */
export function shopFiles(rendered: RenderedShop, metadata: ShopMetadata): ShopFile[] {
  return [
    ...Object.entries(rendered.files).map(([path, content]) => ({ path, content, mode: 0o644 })),
    { path: ENV_FILE, content: rendered.env, mode: 0o600 },
    ...Object.entries(rendered.secretFiles).map(([path, content]) => ({ path, content, mode: 0o600 })),
    { path: COMPOSE_FILE, content: rendered.compose, mode: 0o644 },
    { path: METADATA_FILE, content: `${JSON.stringify(metadata, null, 2)}\n`, mode: 0o644 },
  ]
}

/**
 * Every host name the shop answers on, as its compose file's Traefik rules say (the routes' own hosts beside its
 * domain), its domain first: what delete and edit take away at Hetzner. The file, not today's template, because
 * the template may have changed since the shop was rendered.
 */
export function recordHostNames(record: Pick<ShopRecord, 'compose' | 'metadata'>): string[] {
  const compose = (parse(record.compose) ?? {}) as { services?: Record<string, { labels?: unknown }> }
  const rules = Object.values(compose.services ?? {}).flatMap((service) => {
    const labels = service?.labels
    if (!labels || typeof labels !== 'object' || Array.isArray(labels)) return []
    return Object.entries(labels as Record<string, unknown>).flatMap(([key, value]) =>
      /^traefik\.http\.routers\.[^.]+\.rule$/.test(key) ? [String(value)] : [],
    )
  })
  const hosts = rules.flatMap((rule) => [...rule.matchAll(/Host\(`([^`]+)`\)/g)].map((m) => m[1]!))
  return [...new Set([...(record.metadata.domain ? [record.metadata.domain] : []), ...hosts])]
}

/** The shop's named volumes as its compose file names them, by key (explicit `name:` or compose's default). */
export function shopVolumes(record: Pick<ShopRecord, 'compose'>, shop: string): Array<{ key: string; volume: string }> {
  const compose = (parse(record.compose) ?? {}) as { volumes?: Record<string, { name?: string; external?: boolean } | null> }
  return Object.entries(compose.volumes ?? {})
    .filter(([, spec]) => !spec?.external)
    .map(([key, spec]) => ({ key, volume: spec?.name ?? volumeName(shop, key) }))
}

/** Volume key → name, as the shop's compose file has them: what a re-render must keep. */
export function volumeNames(record: Pick<ShopRecord, 'compose'>, shop: string): Record<string, string> {
  return Object.fromEntries(shopVolumes(record, shop).map(({ key, volume }) => [key, volume]))
}

/**
 * The name of a volume's next generation, for a restore that must be undoable: `<shop>_<key>` → `<shop>_<key>_g2`
 * → `<shop>_<key>_g3`; `skip` moves past names that are taken.
 */
export function nextGeneration(shop: string, key: string, current: string, skip = 0): string {
  const base = volumeName(shop, key)
  const found = current.startsWith(base) ? /^_g(\d+)$/.exec(current.slice(base.length)) : null
  return `${base}_g${(found ? Number(found[1]) + 1 : 2) + skip}`
}

/** The compose file with the volumes given (key → name) named explicitly; everything else as it was. */
export function withVolumeNames(compose: string, names: Record<string, string>): string {
  const doc = parseDocument(compose)
  for (const [key, name] of Object.entries(names)) {
    // Quoted as the renderer writes every string (compose-yaml.ts): a name compose v1 and v2 read alike.
    const quoted = new Scalar(name)
    quoted.type = 'QUOTE_DOUBLE'
    const spec = doc.getIn(['volumes', key])
    if (spec instanceof YAMLMap) spec.set('name', quoted)
    else doc.setIn(['volumes', key], doc.createNode({ name: quoted }))
  }
  return doc.toString({ lineWidth: 0 })
}
