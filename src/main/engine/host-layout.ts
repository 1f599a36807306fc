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

/** Where a shop's secrets mounted as files live in its directory (each 0600, like `.env`): compose's file secrets. */
export const SECRET_FILES_DIR = '.secrets'

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
 * One variable of a shop's `.env`. A value of letters, digits, `_` and `-` stands bare, as every shop's always has;
 * any other (a bcrypt hash's `$`, base64's `+/=`, a PEM's spaces and line breaks) in single quotes, which compose v1
 * (python-dotenv) and v2 (compose-go's dotenv) both read literally, across lines, with no `$` expansion. The value
 * must not hold what would end or change such a quote (`'`, `\`, `${`); the renderer checks each secret's form.
 */
export function envLine(name: string, value: string): string {
  if (/^[A-Za-z0-9_-]+$/.test(value)) return `${name}=${value}\n`
  if (/['\\\r\0]|\$\{/.test(value)) throw new Error(`The value of ${name} cannot be written to .env as it is.`)
  return `${name}='${value}'\n`
}

/**
 * A shop's `.env` as the app writes it (envLine: `NAME=value`, or `NAME='value'` that may run over lines): every
 * variable, and the generated secrets by their id.
 */
export function parseEnvFile(env: string): { variables: Record<string, string>; secrets: Record<string, string> } {
  const variables: Record<string, string> = {}
  const secrets: Record<string, string> = {}
  const lines = env.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '')
    const at = line.indexOf('=')
    if (at <= 0 || line.startsWith('#')) continue
    const name = line.slice(0, at)
    let value = line.slice(at + 1)
    if (value.startsWith("'")) {
      // Up to the closing quote, which may be lines further down (a PEM).
      let text = value.slice(1)
      while (!text.includes("'") && i + 1 < lines.length) text += `\n${lines[++i]}`
      value = text.includes("'") ? text.slice(0, text.indexOf("'")) : text
    }
    variables[name] = value
    if (name.startsWith(SECRET_PREFIX)) secrets[name.slice(SECRET_PREFIX.length).toLowerCase()] = value
  }
  return { variables, secrets }
}
