// Renders a shop from a template: the template's compose file merged with a generated override, as YAML.
import deepmerge from 'deepmerge'
import { AppError } from '@shared/errors'
import { isValidDomain, shopNameProblem } from '@shared/shop-rules'
import { templateError, type ComposeFile, type Template } from './template-loader'
import { composeYaml } from './compose-yaml'
import { templateFilesProblem } from './file-rules'
import { paramText, resolveValue, secretVariable } from './placeholders'
import { PROXY_NETWORK, shopHostNames, traefikLabels } from './routes'
import { secretValueFits } from './secret-kinds'
import { envLine, JOB_LABEL, SECRET_FILES_DIR, volumeName } from '../engine/host-layout'

export type ParamValue = string | string[] | boolean

export interface RenderInput {
  name: string
  domain: string
  params: Record<string, ParamValue>
  secrets: Record<string, string>
  /** Replaces the template's image: on its image service and every other service that runs the same image. */
  image?: string
  /** Traefik's certificate resolver; null where a wildcard certificate covers the shop. */
  certResolver: string | null
  /** Volume key → name where a shop's volumes are not the first generation (a restore made new ones). */
  volumes?: Record<string, string>
}

export interface RenderedShop {
  /** docker-compose.yml: no secret in it. */
  compose: string
  /** The shop's .env (mode 0600): the secrets, read by compose's interpolation. */
  env: string
  files: Record<string, string>
  /** The secrets mounted as files (compose's file secrets), by path in the shop directory: mode 0600 like .env. */
  secretFiles: Record<string, string>
  /** Every host name the shop answers on, its domain first (the entry's, then the routes'): what DNS must point at the host. */
  hosts: string[]
  /** The images the shop's services run (not those compose builds itself), to pull before anything is written. */
  images: string[]
}

const NETWORK = 'shop'
const PROXY = PROXY_NETWORK

function invalid(field: string, message: string): AppError {
  return new AppError('invalid_input', message, { fields: [{ path: field, message }] })
}

/** Compose accepts environment as a map or as KEY=value lines; the override needs a map. */
function environmentMap(value: unknown): Record<string, string> {
  if (Array.isArray(value)) {
    return Object.fromEntries(value.map((line: string) => [line.split('=')[0]!, line.slice(line.indexOf('=') + 1)]))
  }
  return value && typeof value === 'object' ? (value as Record<string, string>) : {}
}

function networkNames(value: unknown): string[] {
  if (Array.isArray(value)) return value as string[]
  return value && typeof value === 'object' ? Object.keys(value) : []
}

/** The images a compose file's services run, each once; an image compose builds, or names by a variable, is not for pulling ahead. */
export function serviceImages(compose: ComposeFile): string[] {
  const images = Object.values(compose.services).flatMap((definition) =>
    typeof definition['image'] === 'string' && definition['build'] === undefined && !definition['image'].includes('$') ? [definition['image']] : [],
  )
  return [...new Set(images)]
}

export function renderShop(template: Template, input: RenderInput): RenderedShop {
  const problem = shopNameProblem(input.name)
  if (problem) throw invalid('name', `The shop name "${input.name}" is not allowed (${problem}).`)
  if (!isValidDomain(input.domain)) throw invalid('domain', `"${input.domain}" is not a valid domain.`)
  const { manifest, compose } = template
  // Checked at load too; again here, for a template whose files or compose changed after it was loaded.
  const filesProblem = templateFilesProblem(Object.keys(template.files), compose)
  if (filesProblem) throw templateError(`${template.id}/${filesProblem.field === 'files' ? 'template.yaml' : manifest.compose}`, filesProblem.field, filesProblem.reason, { say: filesProblem.say })
  const hosts = shopHostNames(manifest, input.domain)
  for (const host of hosts.slice(1)) {
    if (!isValidDomain(host)) throw invalid('domain', `"${host}", a route's host name on "${input.domain}", is not a valid domain (a label longer than 63 characters?).`)
  }
  const param = Object.fromEntries(Object.entries(input.params).map(([k, v]) => [k, paramText(v)]))
  const lookup = { shop: { name: input.name, domain: input.domain }, param }
  const labels = traefikLabels(manifest, input)
  const sets = Object.values(manifest.environmentSets)

  // The override is for the template's image, not one service: a worker that runs the same image as the API
  // must not stay on the old tag.
  const templateImage = manifest.image ? compose.services[manifest.image.service]?.['image'] : undefined
  const runsTemplateImage = (service: string): boolean =>
    service === manifest.image?.service || (templateImage !== undefined && compose.services[service]?.['image'] === templateImage)
  const services: Record<string, Record<string, unknown>> = {}
  for (const [service, definition] of Object.entries(compose.services)) {
    const routed = labels[service]
    const isJob = manifest.jobs.includes(service)
    // The sets first, in order; the service's own environment entry wins over any of them.
    const values = Object.assign({}, ...sets.filter((set) => set.services.includes(service)).map((set) => set.values), manifest.environment[service]) as Record<string, string>
    const mapped = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, resolveValue(v, lookup)]))
    const networks = [...new Set([...networkNames(definition['networks']), NETWORK, ...(routed ? [PROXY] : [])])]
    const mounted = manifest.secrets.filter((secret) => secret.mount.includes(service)).map((secret) => secret.id)
    services[service] = {
      // A restart policy the template sets stays (`"no"` for a one-off job); the default keeps shops up after a reboot.
      restart: definition['restart'] ?? (isJob ? 'no' : 'unless-stopped'),
      networks,
      environment: { ...environmentMap(definition['environment']), ...mapped },
      ...(routed ? { labels: routed } : {}),
      ...(isJob ? { labels: { [JOB_LABEL]: 'true' } } : {}),
      ...(input.image && runsTemplateImage(service) ? { image: input.image } : {}),
      ...(mounted.length > 0 ? { secrets: [...secretList(definition['secrets']), ...mounted] } : {}),
    }
  }
  const mountedSecrets = manifest.secrets.filter((secret) => secret.mount.length > 0)
  const base: ComposeFile = {
    ...compose,
    services: Object.fromEntries(Object.entries(compose.services).map(([k, v]) => [k, { ...v, networks: undefined, environment: undefined }])),
  }
  const override: ComposeFile = {
    services,
    // Explicit names: data must survive any change of project name or compose version.
    volumes: Object.fromEntries(
      Object.keys(compose.volumes ?? {}).map((volume) => [volume, { name: input.volumes?.[volume] ?? volumeName(input.name, volume) }]),
    ),
    networks: {
      [NETWORK]: { name: `${input.name}_${NETWORK}` },
      [PROXY]: { external: true, name: PROXY },
    },
    ...(mountedSecrets.length > 0 ? { secrets: Object.fromEntries(mountedSecrets.map((secret) => [secret.id, { file: `./${secretFile(secret.id)}` }])) } : {}),
  }
  const merged = deepmerge(base, override, { arrayMerge: (_target, source: unknown[]) => source }) as ComposeFile
  for (const definition of Object.values(merged.services)) {
    for (const key of Object.keys(definition)) if (definition[key] === undefined) delete definition[key]
  }
  const value = (secret: (typeof manifest.secrets)[number]): string => {
    const text = input.secrets[secret.id]
    // Each kind's own form: what reaches `.env` must read back the same through compose v1's and v2's parsers.
    if (!text || !secretValueFits(secret, text)) throw invalid(`secrets.${secret.id}`, `The secret "${secret.id}" is missing or malformed.`)
    return text
  }
  const env = manifest.secrets.map((secret) => envLine(secretVariable(secret.id), value(secret))).join('')
  const secretFiles = Object.fromEntries(mountedSecrets.map((secret) => [secretFile(secret.id), value(secret)]))
  return { compose: composeYaml(merged), env, files: { ...template.files }, secretFiles, hosts, images: serviceImages(merged) }
}

/** Where a mounted secret's file is in the shop directory. */
function secretFile(id: string): string {
  return `${SECRET_FILES_DIR}/${id}`
}

/** A service's own `secrets:` entries, kept beside the ones the app mounts. */
function secretList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : []
}
