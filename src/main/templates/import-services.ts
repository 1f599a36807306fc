// What an imported compose file's services may not keep in a template, taken out one service at a time: published
// ports (Traefik routes to the entry), fixed names and network modes, Traefik labels, bind mounts of the author's
// machine, env files the template does not bring. Each change is a note; the caller decides the entry from the ports.
import { posix } from 'node:path'
import type { ImportNote } from '@shared/template-import'
import { parseEnvFile } from './compose-variables'

export type ServiceDefinition = Record<string, unknown>

/** A port a service published: the container's port, and the host's where the file named one. */
export interface PublishedPort {
  target: number
  published: string | null
}

export function publishedPorts(ports: unknown): PublishedPort[] {
  if (!Array.isArray(ports)) return []
  return ports.flatMap((port): PublishedPort[] => {
    if (typeof port === 'number') return [{ target: port, published: null }]
    if (port && typeof port === 'object') {
      const { target, published } = port as { target?: unknown; published?: unknown }
      const number = Number(target)
      return Number.isInteger(number) ? [{ target: number, published: published === undefined ? null : String(published) }] : []
    }
    // [ip:][host:]container[/protocol], a range as its first port: "127.0.0.1:8080:80", "8000-8001:8000-8001".
    const spec = String(port).replace(/\/(tcp|udp|sctp)$/i, '')
    const last = spec.lastIndexOf(':')
    const target = Number.parseInt(spec.slice(last + 1), 10)
    if (!Number.isInteger(target)) return []
    const rest = last < 0 ? '' : spec.slice(0, last)
    return [{ target, published: rest === '' ? null : rest.slice(rest.lastIndexOf(':') + 1) }]
  })
}

/** A service's environment as a map, as compose reads the list form too (`KEY=value`, or `KEY` from the shell: null). */
export function environmentMap(value: unknown): Record<string, unknown> {
  if (Array.isArray(value)) {
    return Object.fromEntries(
      value.map((line) => {
        const text = String(line)
        const at = text.indexOf('=')
        return at < 0 ? [text, null] : [text.slice(0, at), text.slice(at + 1)]
      }),
    )
  }
  return value && typeof value === 'object' ? { ...(value as Record<string, unknown>) } : {}
}

/** The env files a service names, as written (`path` of the long form). */
export function envFileNames(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]
  return list.map((entry) => (entry && typeof entry === 'object' ? String((entry as { path?: unknown }).path ?? '') : String(entry))).filter((f) => f !== '')
}

/** A host path that names a file (nginx.conf), not a folder: a named volume in its place would be an empty folder. */
const looksLikeFile = (source: string): boolean => /^[^.].*\.[A-Za-z0-9]{1,6}$/.test(posix.basename(source)) && !source.endsWith('.d')

function volumeName(source: string, target: string, volumes: Record<string, unknown>): string {
  const pick = (path: string): string =>
    posix
      .basename(path.replace(/\/+$/, ''))
      .replace(/[^A-Za-z0-9_.-]/g, '_')
      .replace(/^[^A-Za-z0-9]+/, '')
  const base = pick(source) || pick(target) || 'data'
  let name = base
  for (let n = 2; name in volumes; n++) name = `${base}_${n}`
  return name
}

/** Bind mounts as named volumes (one per host folder, shared as the folder was), in the compose file's `volumes`. */
function namedVolumes(service: string, definition: ServiceDefinition, volumes: Record<string, unknown>, binds: Map<string, string>, notes: ImportNote[]): void {
  const list = definition['volumes']
  if (!Array.isArray(list)) return
  const kept: unknown[] = []
  for (const entry of list) {
    const long = entry && typeof entry === 'object' ? (entry as Record<string, unknown>) : null
    const [source = '', target = '', mode] = long ? [String(long['source'] ?? ''), String(long['target'] ?? '')] : String(entry).split(':')
    const bind = long ? long['type'] === 'bind' : target !== '' && /^[./~]/.test(source)
    if (!bind) {
      kept.push(entry)
      continue
    }
    if (/docker\.sock/.test(`${source} ${target}`)) {
      notes.push({ key: 'dockerSocketDropped', values: { service, source } })
      continue
    }
    if (looksLikeFile(source)) {
      notes.push({ key: 'bindFileDropped', values: { service, source, target } })
      continue
    }
    let name = binds.get(source)
    if (!name) {
      name = volumeName(source, target, volumes)
      binds.set(source, name)
      volumes[name] = {}
    }
    const { bind: _options, ...rest } = long ?? {}
    kept.push(long ? { ...rest, type: 'volume', source: name } : [name, target, ...(mode ? [mode] : [])].join(':'))
    notes.push({ key: 'bindMount', values: { service, source, volume: name } })
  }
  if (kept.length > 0) definition['volumes'] = kept
  else delete definition['volumes']
}

function withoutTraefik(service: string, definition: ServiceDefinition, notes: ImportNote[]): void {
  const labels = definition['labels']
  const isTraefik = (name: string): boolean => name.startsWith('traefik.')
  let left: unknown[] | Record<string, unknown>
  let removed: number
  if (Array.isArray(labels)) {
    left = labels.filter((l) => !isTraefik(String(l)))
    removed = labels.length - left.length
  } else if (labels && typeof labels === 'object') {
    left = Object.fromEntries(Object.entries(labels).filter(([k]) => !isTraefik(k)))
    removed = Object.keys(labels).length - Object.keys(left).length
  } else return
  if (removed === 0) return
  notes.push({ key: 'traefikLabelsRemoved', values: { service, count: removed } })
  if (Object.keys(left).length > 0) definition['labels'] = left
  else delete definition['labels']
}

/**
 * Rewrites one service in place and returns its environment as a map (env files inlined) and the ports it
 * published. `beside` holds the files next to the compose file: text, or null where it is missing.
 */
export function rewriteService(
  service: string,
  definition: ServiceDefinition,
  context: { beside: Record<string, string | null>; volumes: Record<string, unknown>; binds: Map<string, string>; notes: ImportNote[] },
): { environment: Record<string, unknown>; published: PublishedPort[] } {
  const { notes } = context
  const environment = environmentMap(definition['environment'])
  for (const file of envFileNames(definition['env_file'])) {
    const text = context.beside[file]
    if (typeof text !== 'string') {
      notes.push({ key: 'envFileDropped', values: { service, file } })
      continue
    }
    // The service's own environment wins over its env files, as in compose.
    const values = Object.entries(parseEnvFile(text)).filter(([name]) => !(name in environment))
    for (const [name, value] of values) environment[name] = value
    notes.push({ key: 'envFileInlined', values: { service, file, count: values.length } })
  }
  delete definition['env_file']
  const published = publishedPorts(definition['ports'])
  if (definition['ports'] !== undefined) {
    const shown = Array.isArray(definition['ports']) ? definition['ports'].map((p) => (p && typeof p === 'object' ? JSON.stringify(p) : String(p))).join(', ') : ''
    notes.push({ key: 'portsRemoved', values: { service, ports: shown } })
    delete definition['ports']
  }
  if (definition['container_name'] !== undefined) {
    notes.push({ key: 'containerNameRemoved', values: { service, name: String(definition['container_name']) } })
    delete definition['container_name']
  }
  if (definition['network_mode'] !== undefined) {
    notes.push({ key: 'networkModeRemoved', values: { service, mode: String(definition['network_mode']) } })
    delete definition['network_mode']
  }
  withoutTraefik(service, definition, notes)
  if (definition['build'] !== undefined) {
    // With an image beside it the image is what a shop runs; without, the template needs its build context brought.
    if (definition['image'] !== undefined) {
      notes.push({ key: 'buildDropped', values: { service, image: String(definition['image']) } })
      delete definition['build']
    } else notes.push({ key: 'buildKept', values: { service } })
  }
  namedVolumes(service, definition, context.volumes, context.binds, notes)
  return { environment, published }
}
