// What a manifest's routes, environment sets and secrets must say of the compose file and of each other, checked when
// the template is loaded: the first problem with the field it is in, as a template's author reads it.
import type { Manifest } from './manifest'
import { routeRule } from './routes'
import { BCRYPT_MAX_BYTES } from './secret-kinds'

export interface ManifestProblem {
  field: string
  message: string
}

/** A domain that stands for any shop's: rules are compared on it, as every shop's are made the same way. */
const ANY_SHOP = 'shop.example.com'

function routeProblem(manifest: Manifest, services: ReadonlySet<string>): ManifestProblem | null {
  const rules = new Map<string, string>([[`Host(\`${ANY_SHOP}\`)`, 'the entry']])
  const ids = new Map<string, number>()
  for (const [i, route] of manifest.routes.entries()) {
    const at = `routes.${i}`
    if (!services.has(route.service)) return { field: `${at}.service`, message: `no service "${route.service}" in ${manifest.compose}` }
    if (manifest.jobs.includes(route.service)) return { field: `${at}.service`, message: `"${route.service}" is a one-off job: it stops once done, a route to it would answer nothing` }
    const taken = ids.get(route.id)
    if (taken !== undefined) return { field: `${at}.id`, message: `the id "${route.id}" is routes.${taken}'s already: router names must be unique in a shop` }
    ids.set(route.id, i)
    const rule = routeRule(ANY_SHOP, route)
    const same = rules.get(rule)
    if (same) return { field: at, message: `the same rule as ${same} (${route.host ? `host ${route.host}` : 'the shop domain'}${route.path ? `, path ${route.path}` : ''}): give it a path or a host of its own` }
    rules.set(rule, at)
  }
  return null
}

function environmentSetProblem(manifest: Manifest, services: ReadonlySet<string>, placeholders: (field: string, value: string) => ManifestProblem | null): ManifestProblem | null {
  const given = new Map<string, string>()
  for (const [name, set] of Object.entries(manifest.environmentSets)) {
    for (const [k, service] of set.services.entries()) {
      if (!services.has(service)) return { field: `environmentSets.${name}.services.${k}`, message: `no service "${service}" in ${manifest.compose}` }
    }
    for (const [variable, value] of Object.entries(set.values)) {
      const problem = placeholders(`environmentSets.${name}.values.${variable}`, value)
      if (problem) return problem
      // Two sets for one variable of one service: which one wins would be the order of keys in a YAML map.
      for (const service of set.services) {
        const other = given.get(`${service}\u0000${variable}`)
        if (other) return { field: `environmentSets.${name}.values.${variable}`, message: `environmentSets.${other} sets ${variable} for "${service}" too` }
        given.set(`${service}\u0000${variable}`, name)
      }
    }
  }
  return null
}

function secretProblem(manifest: Manifest, services: ReadonlySet<string>, composeSecrets: ReadonlySet<string>): ManifestProblem | null {
  const seen = new Set<string>()
  for (const [i, secret] of manifest.secrets.entries()) {
    const at = `secrets.${i}`
    if (seen.has(secret.id)) return { field: `${at}.id`, message: `a second secret "${secret.id}"` }
    seen.add(secret.id)
    for (const [k, service] of secret.mount.entries()) {
      if (!services.has(service)) return { field: `${at}.mount.${k}`, message: `no service "${service}" in ${manifest.compose}` }
    }
    if (secret.mount.length > 0 && composeSecrets.has(secret.id)) return { field: `${at}.mount`, message: `${manifest.compose} has a secret "${secret.id}" of its own` }
    if (secret.kind !== 'hash') continue
    const source = manifest.secrets.find((s) => s.id === secret.of)
    if (!source) return { field: `${at}.of`, message: `no secret "${secret.of}"` }
    if (source.kind !== 'random') return { field: `${at}.of`, message: `"${secret.of}" is a ${source.kind} secret; a password hash is made of a random text (kind random)` }
    if (source.length > BCRYPT_MAX_BYTES) return { field: `${at}.of`, message: `"${secret.of}" has ${source.length} characters; bcrypt reads only the first ${BCRYPT_MAX_BYTES}` }
  }
  return null
}

/** The first problem with the manifest's routes, environment sets and secrets, or null. */
export function manifestRuleProblem(
  manifest: Manifest,
  compose: { services: Record<string, unknown>; secrets?: unknown },
  placeholders: (field: string, value: string) => ManifestProblem | null,
): ManifestProblem | null {
  const services = new Set(Object.keys(compose.services))
  const composeSecrets = new Set(compose.secrets && typeof compose.secrets === 'object' ? Object.keys(compose.secrets) : [])
  return routeProblem(manifest, services) ?? environmentSetProblem(manifest, services, placeholders) ?? secretProblem(manifest, services, composeSecrets)
}
