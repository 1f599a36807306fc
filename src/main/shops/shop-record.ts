// What a shop keeps in its directory on the host: the rendered compose file, its metadata (shop.json), its
// secrets (.env, 0600) and, after a failed operation, failure.json. Every laptop reads the same record.
import { posix } from 'node:path'
import { parse } from 'yaml'
import { AppError } from '@shared/errors'
import type { ShopFailure, ShopParamValue } from '@shared/shops'
import type { HostSession } from '../host/host-session'
import { writeShopFiles, type ShopFile } from '../host/remote-files'
import type { RenderedShop } from '../templates/render'
import { FAILURE_FILE, METADATA_FILE } from './discovery'

export interface ShopMetadata {
  template: string
  description: string
  domain: string
  params: Record<string, ShopParamValue>
  image?: string
  createdBy: string
  createdAt: string
  clonedFrom?: string
  /** Set when the shop was made from a backup of `clonedFrom`: the backup's id. */
  fromBackup?: string
  editedBy?: string
  editedAt?: string
}

export interface ShopRecord {
  dir: string
  metadata: ShopMetadata
  /** Secret id → value, from the .env file. */
  secrets: Record<string, string>
  /** The rendered docker-compose.yml as it is on the host. */
  compose: string
}

const SECRET_PREFIX = 'SHOP_SECRET_'

export function shopDir(session: HostSession, shop: string): string {
  return posix.join(session.profile.baseDir, shop)
}

export function parseSecrets(env: string): Record<string, string> {
  const secrets: Record<string, string> = {}
  for (const line of env.split('\n')) {
    const at = line.indexOf('=')
    if (line.startsWith(SECRET_PREFIX) && at > 0) secrets[line.slice(SECRET_PREFIX.length, at).toLowerCase()] = line.slice(at + 1)
  }
  return secrets
}

/** The record of a shop made now; an empty image override is left out. */
export function newShopMetadata(fields: Omit<ShopMetadata, 'createdAt' | 'image'> & { image?: string | undefined }, now = new Date()): ShopMetadata {
  const { image, ...rest } = fields
  return { ...rest, ...(image ? { image } : {}), createdAt: now.toISOString() }
}

/** The files a rendered shop consists of, each with its mode. */
export function shopFiles(rendered: RenderedShop, metadata: ShopMetadata): ShopFile[] {
  return [
    ...Object.entries(rendered.files).map(([path, content]) => ({ path, content, mode: 0o644 })),
    { path: '.env', content: rendered.env, mode: 0o600 },
    { path: 'docker-compose.yml', content: rendered.compose, mode: 0o644 },
    { path: METADATA_FILE, content: `${JSON.stringify(metadata, null, 2)}\n`, mode: 0o644 },
  ]
}

/** The shop's named volumes as its compose file names them, by key (explicit `name:` or compose's default). */
export function shopVolumes(record: ShopRecord, shop: string): Array<{ key: string; volume: string }> {
  const compose = (parse(record.compose) ?? {}) as { volumes?: Record<string, { name?: string; external?: boolean } | null> }
  return Object.entries(compose.volumes ?? {})
    .filter(([, spec]) => !spec?.external)
    .map(([key, spec]) => ({ key, volume: spec?.name ?? `${shop}_${key}` }))
}

/** Metadata, secrets and compose file of a shop, in one command. */
export async function readShopRecord(session: HostSession, shop: string): Promise<ShopRecord> {
  const dir = shopDir(session, shop)
  const result = await session.exec(['sh', '-c', 'cat -- "$1/shop.json" && printf "\\036" && cat -- "$1/.env" && printf "\\036" && cat -- "$1/docker-compose.yml"', 'sh', dir], { timeoutMs: 15_000 })
  if (result.code !== 0) {
    throw new AppError('not_found', `The shop "${shop}" has no complete record on this host (${result.stderr.trim() || `exit ${result.code}`}).`, {
      say: { key: 'noRecord', values: { shop } },
    })
  }
  const [json = '', env = '', compose = ''] = result.stdout.split('\u001e')
  let metadata: ShopMetadata
  try {
    metadata = JSON.parse(json) as ShopMetadata
  } catch {
    throw new AppError('internal', `${dir}/${METADATA_FILE} is not valid JSON.`)
  }
  if (typeof metadata.template !== 'string' || typeof metadata.domain !== 'string') {
    throw new AppError('internal', `${dir}/${METADATA_FILE} does not name the shop's template and domain.`)
  }
  return { dir, metadata: { ...metadata, params: metadata.params ?? {}, description: metadata.description ?? '' }, secrets: parseSecrets(env), compose }
}

/**
 * Records on the host which operation failed at which step and why: the error's message, and its words where it
 * has them, so every laptop says it in its own language. Best effort: the operation already failed; a second
 * failure must not hide the first.
 */
export async function recordFailure(session: HostSession, dir: string, where: Pick<ShopFailure, 'operation' | 'step'>, error: AppError): Promise<void> {
  const failure: Omit<ShopFailure, 'at'> = { ...where, message: error.message, ...(error.say ? { say: error.say } : {}) }
  const content = `${JSON.stringify({ ...failure, at: new Date().toISOString() }, null, 2)}\n`
  await writeShopFiles(session, dir, [{ path: FAILURE_FILE, content, mode: 0o644 }]).catch(() => undefined)
}

export async function clearFailure(session: HostSession, dir: string): Promise<void> {
  await session.exec(['rm', '-f', '--', posix.join(dir, FAILURE_FILE)], { timeoutMs: 10_000 }).catch(() => undefined)
}
