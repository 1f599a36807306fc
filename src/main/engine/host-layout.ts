// The host's layout, in one place: where a shop's directory is, what its files are called, how its volumes and its
// compose project are named, and the one reader of its `.env` file. Every engine and store uses these.
import { posix } from 'node:path'

export const COMPOSE_FILE = 'docker-compose.yml'
export const METADATA_FILE = 'shop.json'
export const ENV_FILE = '.env'
export const FAILURE_FILE = 'failure.json'
export const BACKUPS_DIR = 'backups'
export const BACKUP_MANIFEST = 'manifest.json'
export const LOCK_DIR = '.shopmanager-lock'

/** Docker's labels on what compose makes for a project (and what the app makes for one by hand). */
export const PROJECT_LABEL = 'com.docker.compose.project'
export const SERVICE_LABEL = 'com.docker.compose.service'
export const VOLUME_LABEL = 'com.docker.compose.volume'
/** On a template's one-off job (render writes it): done once it exited 0. */
export const JOB_LABEL = 'shopmanager.job'

/** The variable prefix of a generated secret in a shop's `.env`. */
export const SECRET_PREFIX = 'SHOP_SECRET_'

export function shopDirectory(baseDir: string, shop: string): string {
  return posix.join(baseDir, shop)
}

export function backupDirectory(shopDir: string, backupId: string): string {
  return posix.join(shopDir, BACKUPS_DIR, backupId)
}

/** Compose's default name for a shop's named volume. */
export function volumeName(shop: string, key: string): string {
  return `${shop}_${key}`
}

/** The labels compose puts on a project's volume, so a volume the app makes by hand is compose's own. */
export function volumeLabels(shop: string, key: string): Record<string, string> {
  return { [PROJECT_LABEL]: shop, [VOLUME_LABEL]: key }
}

/** `PROJECT_LABEL=<shop>`, the filter for one shop's containers, volumes and events. */
export function projectFilter(shop?: string): string {
  return shop ? `${PROJECT_LABEL}=${shop}` : PROJECT_LABEL
}

/** The environment variable that carries a secret. */
export function secretVariable(id: string): string {
  return `${SECRET_PREFIX}${id.toUpperCase()}`
}

/**
 * A shop's `.env` as the app writes it (`NAME=value`, one per line, no quoting): every variable, and the
 * generated secrets by their id.
 */
export function parseEnvFile(env: string): { variables: Record<string, string>; secrets: Record<string, string> } {
  const variables: Record<string, string> = {}
  const secrets: Record<string, string> = {}
  for (const raw of env.split('\n')) {
    const line = raw.replace(/\r$/, '')
    const at = line.indexOf('=')
    if (at <= 0 || line.startsWith('#')) continue
    const name = line.slice(0, at)
    const value = line.slice(at + 1)
    variables[name] = value
    if (name.startsWith(SECRET_PREFIX)) secrets[name.slice(SECRET_PREFIX.length).toLowerCase()] = value
  }
  return { variables, secrets }
}
