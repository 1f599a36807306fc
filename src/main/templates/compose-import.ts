// Proposes a template from a compose file someone else wrote (a shop system's own docker-compose.yml): the file read
// as compose reads it, the entry service found from what it publishes, ports, names and bind mounts taken out,
// literal passwords made generated secrets, and every change a note, so the user sees what happened before saving.
import { posix } from 'node:path'
import { stringify } from 'yaml'
import type { ImportNote, ImportProposal } from '@shared/template-import'
import { interpolateAll, parseEnvFile, type Interpolated } from './compose-variables'
import { extractSecrets, isSecretName } from './import-secrets'
import { envFileNames, rewriteService, type PublishedPort, type ServiceDefinition } from './import-services'
import { parseTemplateYaml, templateError } from './template-loader'

export interface ComposeSource {
  /** The picked file's path. */
  file: string
  text: string
  /** The files beside it that it names (`.env`, its env files, as written): their text, or null where missing. */
  beside: Record<string, string | null>
}

/** Ports a shop's web server listens on, best first: Traefik speaks plain HTTP to the entry, so 443 comes last. */
const WEB_PORTS = [80, 8080, 8000, 3000, 5000, 9000, 8888, 4000, 443, 8443]
/** Ports of databases and caches, never an entry. */
const DATABASE_PORTS = new Set([3306, 5432, 6379, 27017, 9200, 9300, 11211, 5672, 1433, 1521])

/** Shop systems by a word of their image's name, and what they are called. */
const SHOP_SYSTEMS: Record<string, string> = {
  wordpress: 'WordPress',
  woocommerce: 'WooCommerce',
  shopware: 'Shopware',
  dockware: 'Shopware',
  saleor: 'Saleor',
  prestashop: 'PrestaShop',
  magento: 'Magento',
  sylius: 'Sylius',
  oxid: 'OXID eShop',
  opencart: 'OpenCart',
  bagisto: 'Bagisto',
  medusa: 'Medusa',
}

type Services = Record<string, ServiceDefinition>

function parseCompose(source: ComposeSource): { services: Services; [key: string]: unknown } {
  const name = posix.basename(source.file.replace(/\\/g, '/'))
  const parsed = parseTemplateYaml(source.text, name) as { services?: unknown } | null
  if (!parsed || typeof parsed !== 'object' || !parsed.services || typeof parsed.services !== 'object' || Array.isArray(parsed.services)) {
    throw templateError(name, 'services', 'a compose file needs a "services" map')
  }
  // A copy: an alias is one object in the parsed value, and each service is changed on its own.
  return JSON.parse(JSON.stringify(parsed)) as { services: Services }
}

/** The files beside a compose file that its proposal reads: `.env` (compose's variables) and every env file. */
export function filesBeside(source: Omit<ComposeSource, 'beside'>): string[] {
  const { services } = parseCompose({ ...source, beside: {} })
  return ['.env', ...new Set(Object.values(services).flatMap((s) => (s && typeof s === 'object' ? envFileNames(s['env_file']) : [])))]
}

/** The shop system an image is, by its name: `wordpress:6`, `bitnami/magento`, `ghcr.io/saleor/saleor`; not its dashboard. */
function shopSystem(image: unknown): { key: string; exact: boolean } | null {
  if (typeof image !== 'string') return null
  const path = image.replace(/@.*$/, '').replace(/:[^/:]*$/, '')
  const segments = path.toLowerCase().split('/')
  const last = segments.at(-1)!
  if (last in SHOP_SYSTEMS) return { key: last, exact: true }
  if (/dashboard|storefront|admin|worker|proxy|db|cache/.test(last)) return null
  const word = segments.find((s) => s in SHOP_SYSTEMS) ?? Object.keys(SHOP_SYSTEMS).find((k) => last.startsWith(k))
  return word ? { key: word, exact: false } : null
}

function chooseEntry(services: Services, published: Map<string, PublishedPort[]>, imageService: string | null): { service: string; port: number; guessed: boolean } {
  const rank = (p: PublishedPort): number => WEB_PORTS.indexOf(p.target)
  const best = (list: readonly PublishedPort[]): PublishedPort | undefined => list.filter((p) => rank(p) >= 0).sort((a, b) => rank(a) - rank(b))[0]
  const own = imageService ? best(published.get(imageService) ?? []) : undefined
  if (own) return { service: imageService!, port: own.target, guessed: false }
  let choice: { service: string; port: PublishedPort } | null = null
  for (const [service, list] of published) {
    const port = best(list)
    if (port && (!choice || rank(port) < rank(choice.port))) choice = { service, port }
  }
  for (const [service, list] of published) {
    const port = list.find((p) => !DATABASE_PORTS.has(p.target))
    if (!choice && port) choice = { service, port }
  }
  if (choice) return { service: choice.service, port: choice.port.target, guessed: false }
  const service = imageService ?? Object.keys(services)[0]!
  const exposed = (services[service]?.['expose'] as unknown[] | undefined)?.map((p) => Number.parseInt(String(p), 10)).find(Number.isInteger)
  return { service, port: exposed ?? 80, guessed: true }
}

/** Services another waits for to have completed: an install or migrate step, run once. */
function jobsOf(services: Services): string[] {
  const jobs = new Set<string>()
  for (const definition of Object.values(services)) {
    const depends = definition?.['depends_on']
    if (!depends || typeof depends !== 'object' || Array.isArray(depends)) continue
    for (const [name, condition] of Object.entries(depends)) {
      if ((condition as { condition?: unknown } | null)?.condition === 'service_completed_successfully') jobs.add(name)
    }
  }
  return [...jobs].filter((job) => {
    const restart = services[job]?.['restart']
    return restart === undefined || restart === 'no' || restart === 'on-failure'
  })
}

function templateId(system: string | null, file: string): string {
  const folder = posix.basename(posix.dirname(file.replace(/\\/g, '/')))
  const base = (system ?? folder)
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .replace(/^[^a-z]+/, '')
    .slice(0, 40)
  return base || 'shop'
}

function variableNotes(seen: Interpolated): ImportNote[] {
  return [
    ...[...seen.resolved].map(([name, value]): ImportNote => ({ key: 'variableDefault', values: { name, value: isSecretName(name) ? '•••' : value } })),
    ...[...seen.unset].map((name): ImportNote => ({ key: 'variableUnset', values: { name } })),
  ]
}

export function proposeTemplate(source: ComposeSource): ImportProposal {
  const fileName = posix.basename(source.file.replace(/\\/g, '/'))
  const parsed = parseCompose(source)
  const top: ImportNote[] = []
  for (const key of Object.keys(parsed)) {
    if (key === 'version') top.push({ key: 'versionRemoved', values: { version: String(parsed[key]) } })
    else if (key.startsWith('x-')) top.push({ key: 'extensionRemoved', values: { name: key } })
    else continue
    delete parsed[key]
  }
  const dotenv = source.beside['.env']
  const seen: Interpolated = { resolved: new Map(), unset: new Set() }
  const services = interpolateAll(parsed.services, typeof dotenv === 'string' ? parseEnvFile(dotenv) : {}, seen)
  const volumes = { ...((parsed['volumes'] as Record<string, unknown> | undefined) ?? {}) }
  const context = { beside: source.beside, volumes, binds: new Map<string, string>(), notes: [] as ImportNote[] }
  const environments: Record<string, Record<string, unknown>> = {}
  const published = new Map<string, PublishedPort[]>()
  for (const [service, definition] of Object.entries(services)) {
    if (!definition || typeof definition !== 'object') continue
    const rewritten = rewriteService(service, definition, context)
    environments[service] = rewritten.environment
    if (rewritten.published.length > 0) published.set(service, rewritten.published)
  }
  const { secrets, notes: secretNotes } = extractSecrets(environments)
  for (const [service, environment] of Object.entries(environments)) {
    if (Object.keys(environment).length > 0) services[service]!['environment'] = environment
    else delete services[service]!['environment']
  }

  const systems = Object.entries(services).map(([service, d]) => ({ service, system: shopSystem(d?.['image']) }))
  const system = systems.find((s) => s.system?.exact) ?? systems.find((s) => s.system)
  const imageService = system?.service ?? null
  const entry = chooseEntry(services, published, imageService)
  const head: ImportNote[] = [{ key: entry.guessed ? 'entryGuessed' : 'entry', values: { service: entry.service, port: entry.port } }]
  // Of the services on the shop's image (an API and its worker), the one the shop's domain routes to.
  const sameImage = imageService !== null && services[entry.service]?.['image'] === services[imageService]?.['image']
  const image = imageService && !sameImage ? imageService : entry.service
  head.push({ key: 'imageService', values: { service: image, image: String(services[image]?.['image'] ?? '') } })
  const expose = (services[entry.service]!['expose'] as unknown[] | undefined) ?? []
  if (!expose.some((p) => String(p) === String(entry.port))) {
    services[entry.service]!['expose'] = [...expose, String(entry.port)]
    head.push({ key: 'exposeAdded', values: { service: entry.service, port: entry.port } })
  }
  const jobs = jobsOf(services).filter((job) => job !== entry.service)
  for (const job of jobs) head.push({ key: 'job', values: { service: job } })

  const compose = { ...parsed, services, ...(Object.keys(volumes).length > 0 ? { volumes } : {}) }
  const title = system?.system ? SHOP_SYSTEMS[system.system.key]! : templateId(null, source.file)
  return {
    file: source.file,
    services: Object.keys(services),
    notes: [...head, ...top, ...context.notes, ...secretNotes, ...variableNotes(seen)],
    draft: {
      id: templateId(system?.system?.key ?? null, source.file),
      name: { de: title, en: title },
      description: { de: `Aus ${fileName} übernommen`, en: `Imported from ${fileName}` },
      entry: { service: entry.service, port: entry.port },
      image: { service: image },
      jobs,
      secrets,
      compose: `# Aus ${fileName} übernommen / Imported from ${fileName}\n${stringify(compose, { lineWidth: 0 })}`,
    },
  }
}
