// What a unit test of a shop operation needs: a fake host, the bundled templates, a runner over a registry whose
// snapshots are kept, and shops planted on the host as a create would have left them.
import { resolve } from 'node:path'
import type { BackupManifest } from '@shared/backups'
import type { OperationSnapshot } from '@shared/operations'
import { AppError } from '@shared/errors'
import { parseImageRef } from '@shared/image-ref'
import { BACKUP_MANIFEST, backupDirectory } from '../host-layout'
import { OperationRegistry } from '../../operations/operation-registry'
import { OperationRunner } from '../../operations/operation-runner'
import type { LifecycleDeps } from '../../shops/shop-lifecycle'
import { newShopMetadata, shopFiles, type ShopRecord } from '../../shops/shop-record'
import { generateSecrets, resolveParams } from '../../templates/parameters'
import { renderShop } from '../../templates/render'
import { loadTemplate, type Template } from '../../templates/template-loader'
import { FakeEngine, type FakeEngineOptions } from './fake-engine'

/** The templates bundled with the app (templates/ at the repository's root). */
export const BUNDLED_TEMPLATES = resolve(import.meta.dirname, '../../../../templates')

export interface FakeLifecycle {
  host: FakeEngine
  deps: LifecycleDeps & { certResolver: null; helperImage: string; keep: number }
  registry: OperationRegistry
  /** Registry host → the credentials this laptop has for it (sent with each pull). */
  logins: Map<string, { username: string; password: string }>
  /** Every snapshot the registry published, in order. */
  published: OperationSnapshot[]
  /** Hosts the runner told the overview about, once per finished operation. */
  finished: string[]
  template(id: string): Promise<Template>
  /** A shop as a successful create leaves it: files written, containers running. */
  plantShop(name: string, options?: { domain?: string; image?: string; template?: string; start?: boolean }): Promise<ShopRecord>
  /** A backup of a busybox shop's `data` volume in its folder; without its manifest while `complete` is false. */
  plantBackup(shop: string, id: string, options?: { complete?: boolean; sha512?: string }): Promise<BackupManifest>
}

export function fakeLifecycle(options: FakeEngineOptions & { keepFinishedMs?: number } = {}): FakeLifecycle {
  const host = new FakeEngine(options)
  const published: OperationSnapshot[] = []
  const finished: string[] = []
  const registry = new OperationRegistry((s) => published.push(s), undefined, options.keepFinishedMs)
  const runner = new OperationRunner(registry, (hostId) => finished.push(hostId))
  const loaded = new Map<string, Promise<Template>>()
  const template = (id: string): Promise<Template> => {
    if (!/^[a-z0-9-]+$/.test(id)) return Promise.reject(new AppError('not_found', `There is no template "${id}".`))
    const found = loaded.get(id) ?? loadTemplate(resolve(BUNDLED_TEMPLATES, id), id, 'bundled')
    loaded.set(id, found)
    return found
  }
  const engine = async (hostId: string): Promise<FakeEngine> => {
    if (hostId !== host.hostId) throw new AppError('not_found', `There is no host "${hostId}".`)
    return host
  }
  const logins = new Map<string, { username: string; password: string }>()
  const registryAuth = async (image: string) => {
    const registry = parseImageRef(image)?.registry ?? ''
    const login = logins.get(registry)
    return login ? { ...login, serveraddress: registry } : null
  }
  return {
    host,
    deps: { engine, template, runner, user: 'anna', registryAuth, certResolver: null, helperImage: 'busybox:stable', keep: 3 },
    registry,
    logins,
    published,
    finished,
    template,
    async plantShop(name, shop = {}) {
      const chosen = await template(shop.template ?? 'busybox')
      const domain = shop.domain ?? `${name}.shops.example`
      const params = resolveParams(chosen.manifest, {})
      const rendered = renderShop(chosen, {
        name,
        domain,
        params,
        secrets: generateSecrets(chosen.manifest),
        certResolver: null,
        ...(shop.image ? { image: shop.image } : {}),
      })
      const metadata = newShopMetadata({ template: chosen.id, description: `The shop ${name}`, domain, params, image: shop.image, createdBy: 'anna' })
      await host.store.reserve(name)
      await host.store.writeFiles(host.store.dir(name), shopFiles(rendered, metadata))
      if (shop.start !== false) await host.runtime.apply({ name, dir: host.store.dir(name) })
      return host.store.read(name)
    },
    async plantBackup(shop, id, backup = {}) {
      const volume = { key: 'data', volume: `${shop}_data`, file: 'data.tar', bytes: 3, sha512: backup.sha512 ?? 'ab'.repeat(64) }
      const manifest: BackupManifest = {
        id,
        shop,
        template: 'busybox',
        domain: `${shop}.shops.example`,
        createdAt: new Date(0).toISOString(),
        createdBy: 'anna',
        volumes: [volume],
        images: {},
      }
      const files = [
        { path: volume.file, content: 'tar', mode: 0o644 },
        ...(backup.complete === false ? [] : [{ path: BACKUP_MANIFEST, content: `${JSON.stringify(manifest)}\n`, mode: 0o644 }]),
      ]
      await host.store.writeFiles(backupDirectory(host.store.dir(shop), id), files)
      return manifest
    },
  }
}
