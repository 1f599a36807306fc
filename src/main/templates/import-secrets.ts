// The literal passwords, keys and salts of an imported compose file, turned into secrets the app generates per shop:
// one secret per distinct value, so a database's password and the shop's copy of it (MYSQL_PASSWORD and
// WORDPRESS_DB_PASSWORD) stay equal, also where the value is the password of a URL (DATABASE_URL).
import type { ImportedSecret, ImportNote, SecretUse } from '@shared/template-import'

type Environment = Record<string, unknown>

/**
 * A variable that holds a secret: PASSWORD, PASSWD and SECRET anywhere in its name; PASS, PWD, KEY, TOKEN and SALT
 * as a word of it (AUTH_KEY, SECURE_AUTH_SALT), so KEYCLOAK_URL or BYPASS_CACHE are not. `…_FILE` names a file.
 */
export function isSecretName(name: string): boolean {
  const upper = name.toUpperCase()
  if (upper.endsWith('_FILE')) return false
  return /PASSWORD|PASSWD|SECRET/.test(upper) || /(^|_)(PASS|PWD|KEY|TOKEN|SALT)(_|$)/.test(upper)
}

/** Values that switch something rather than being a secret (MYSQL_RANDOM_ROOT_PASSWORD: "yes"), or no value at all. */
function isSwitch(value: string): boolean {
  return value === '' || /^(yes|no|true|false|on|off|0|1|y|n)$/i.test(value) || value.startsWith('/')
}

/** A URL with a password (postgres://user:pass@db/shop): the parts around it. */
const URL_PASSWORD = /^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]+:)([^@\s]+)(@.*)$/i

function secretId(variable: string, taken: Set<string>): string {
  const base =
    variable
      .toLowerCase()
      .replace(/[^a-z0-9_]/g, '_')
      .replace(/^[^a-z]+/, '')
      .slice(0, 36) || 'secret'
  let id = base
  for (let n = 2; taken.has(id); n++) id = `${base}_${n}`
  taken.add(id)
  return id
}

/** Passwords 32 characters; keys, salts and tokens that only sign or encrypt, 64. */
function lengthFor(variable: string): number {
  return /PASSWORD|PASSWD|(^|_)(PASS|PWD)(_|$)/i.test(variable) ? 32 : 64
}

/** The shop admin's password is a secret of a variable that says ADMIN (ADMIN_PASSWD, PS_ADMIN_PASSWORD). */
const isAdminPassword = (variable: string): boolean => /ADMIN/i.test(variable) && /PASS|PWD/i.test(variable)

/**
 * Takes the secrets out of the services' environment maps (which it changes: a secret's variable leaves the compose
 * file, the manifest's environment sets it) and returns them with their uses, and a note for each.
 */
export function extractSecrets(environments: Record<string, Environment>): { secrets: ImportedSecret[]; notes: ImportNote[] } {
  const byValue = new Map<string, ImportedSecret>()
  const taken = new Set<string>()
  const notes: ImportNote[] = []
  const entries = Object.entries(environments).flatMap(([service, env]) => Object.entries(env).map(([variable, value]) => ({ service, variable, value })))
  // Whole values first, so a URL further up the file finds the secret its password is.
  for (const { service, variable, value } of entries) {
    if (!isSecretName(variable) || (typeof value !== 'string' && typeof value !== 'number')) continue
    const text = String(value)
    if (isSwitch(text) || URL_PASSWORD.test(text) || text.includes('${')) continue
    const known = byValue.get(text)
    const use: SecretUse = { service, variable }
    if (known) {
      known.uses.push(use)
      notes.push({ key: 'secretReused', values: { id: known.id, service, variable } })
    } else {
      const id = secretId(variable, taken)
      byValue.set(text, { id, length: lengthFor(variable), alphabet: 'alnum', label: { de: `${variable} (${service})`, en: `${variable} (${service})` }, login: false, uses: [use] })
      notes.push({ key: 'secret', values: { id, service, variable } })
    }
    delete environments[service]![variable]
  }
  for (const { service, variable, value } of entries) {
    if (typeof value !== 'string') continue
    const url = URL_PASSWORD.exec(value)
    const known = url ? byValue.get(url[2]!) : undefined
    if (!url || !known) continue
    // Compose's $$ is a literal $; the manifest's literal text is escaped again when a shop is rendered.
    const literal = (part: string): string => part.replace(/\$\$/g, '$')
    known.uses.push({ service, variable, within: `${literal(url[1]!)}\${secret}${literal(url[3]!)}` })
    notes.push({ key: 'secretInUrl', values: { id: known.id, service, variable } })
    delete environments[service]![variable]
  }
  const secrets = [...byValue.values()]
  const login = secrets.find((s) => s.uses.some((u) => isAdminPassword(u.variable)))
  if (login) {
    login.login = true
    notes.push({ key: 'login', values: { id: login.id } })
  }
  return { secrets, notes }
}

/** A secret's uses as the manifest's environment: service → variable → `${secret.<id>}` (inside its URL where it was one). */
export function secretEnvironment(secrets: readonly Pick<ImportedSecret, 'id' | 'uses'>[]): Record<string, Record<string, string>> {
  const environment: Record<string, Record<string, string>> = {}
  for (const secret of secrets) {
    for (const use of secret.uses) {
      const ref = `\${secret.${secret.id}}`
      ;(environment[use.service] ??= {})[use.variable] = use.within ? use.within.split('${secret}').join(ref) : ref
    }
  }
  return environment
}
