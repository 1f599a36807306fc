// What a template's compose file may not say, because it would break the next shop on the same host or step around
// what the app sets: published ports (a second shop collides, a database port faces the internet), fixed container
// names, a network mode beside the networks the app injects, Traefik labels of its own (their router names would
// be the same in every shop; the app writes the entry's), and an env_file the template does not bring.
import type { Manifest } from './manifest'

export interface ComposeProblem {
  field: string
  message: string
}

type Services = Record<string, Record<string, unknown>>

function labelNames(labels: unknown): string[] {
  if (Array.isArray(labels)) return labels.map((l) => String(l).split('=')[0]!)
  return labels && typeof labels === 'object' ? Object.keys(labels) : []
}

function envFiles(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value]
  return list.map((entry) => (entry && typeof entry === 'object' ? String((entry as { path?: unknown }).path ?? '') : String(entry)))
}

/** Every problem of the compose file's services, in order; none when the shop can run beside others. */
export function composeProblems(services: Services, manifest: Manifest): ComposeProblem[] {
  const brought = new Set(manifest.files.map((f) => f.replace(/^\.\//, '')))
  const problems: ComposeProblem[] = []
  for (const [service, definition] of Object.entries(services)) {
    const at = (key: string): string => `services.${service}.${key}`
    if (definition['ports'] !== undefined) {
      problems.push({ field: at('ports'), message: 'published ports are not allowed: Traefik routes to the entry service, and a second shop would collide (use expose)' })
    }
    if (definition['container_name'] !== undefined) {
      problems.push({ field: at('container_name'), message: 'a fixed container name is not allowed: a second shop of this template would collide' })
    }
    if (definition['network_mode'] !== undefined) {
      problems.push({ field: at('network_mode'), message: 'network_mode is not allowed: the app puts every service on the shop network (and the entry on the proxy)' })
    }
    const traefik = labelNames(definition['labels']).filter((name) => name.startsWith('traefik.'))
    if (traefik.length > 0) {
      problems.push({ field: at('labels'), message: `Traefik labels are the app's to write (${traefik[0]}): the same router name in every shop would clash` })
    }
    for (const file of envFiles(definition['env_file'])) {
      if (file.replace(/^\.\//, '') === '.env') continue
      if (!brought.has(file.replace(/^\.\//, ''))) problems.push({ field: at('env_file'), message: `env_file "${file}" is not among the template's files` })
    }
  }
  return problems
}
