// Renders a shop from a template: the template's compose file merged with a generated override, as YAML.
import deepmerge from 'deepmerge'
import { AppError } from '@shared/errors'
import { isValidDomain, shopNameProblem } from '@shared/shop-rules'
import { templateError, type ComposeFile, type Template } from './template-loader'
import { composeYaml } from './compose-yaml'
import { templateFilesProblem } from './file-rules'
import { paramText, resolveValue, secretVariable } from './placeholders'
import { JOB_LABEL, volumeName } from '../engine/host-layout'

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
  /** The images the shop's services run (not those compose builds itself), to pull before anything is written. */
  images: string[]
}

const NETWORK = 'shop'
const PROXY = 'proxy'

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

function traefikLabels(input: RenderInput, port: number): Record<string, string> {
  const router = `traefik.http.routers.${input.name}`
  return {
    'traefik.enable': 'true',
    'traefik.docker.network': PROXY,
    [`${router}.rule`]: `Host(\`${input.domain}\`)`,
    [`${router}.entrypoints`]: 'websecure',
    [`${router}.tls`]: 'true',
    ...(input.certResolver ? { [`${router}.tls.certresolver`]: input.certResolver } : {}),
    [`${router}.service`]: input.name,
    [`traefik.http.services.${input.name}.loadbalancer.server.port`]: String(port),
    'shopmanager.shop': input.name,
  }
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
  const param = Object.fromEntries(Object.entries(input.params).map(([k, v]) => [k, paramText(v)]))
  const lookup = { shop: { name: input.name, domain: input.domain }, param }

  // The override is for the template's image, not one service: a worker that runs the same image as the API
  // must not stay on the old tag.
  const templateImage = manifest.image ? compose.services[manifest.image.service]?.['image'] : undefined
  const runsTemplateImage = (service: string): boolean =>
    service === manifest.image?.service || (templateImage !== undefined && compose.services[service]?.['image'] === templateImage)
  const services: Record<string, Record<string, unknown>> = {}
  for (const [service, definition] of Object.entries(compose.services)) {
    const isEntry = service === manifest.entry.service
    const isJob = manifest.jobs.includes(service)
    const mapped = Object.fromEntries(Object.entries(manifest.environment[service] ?? {}).map(([k, v]) => [k, resolveValue(v, lookup)]))
    const networks = [...new Set([...networkNames(definition['networks']), NETWORK, ...(isEntry ? [PROXY] : [])])]
    services[service] = {
      // A restart policy the template sets stays (`"no"` for a one-off job); the default keeps shops up after a reboot.
      restart: definition['restart'] ?? (isJob ? 'no' : 'unless-stopped'),
      networks,
      environment: { ...environmentMap(definition['environment']), ...mapped },
      ...(isEntry ? { labels: traefikLabels(input, manifest.entry.port) } : {}),
      ...(isJob ? { labels: { [JOB_LABEL]: 'true' } } : {}),
      ...(input.image && runsTemplateImage(service) ? { image: input.image } : {}),
    }
  }
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
  }
  const merged = deepmerge(base, override, { arrayMerge: (_target, source: unknown[]) => source }) as ComposeFile
  for (const definition of Object.values(merged.services)) {
    for (const key of Object.keys(definition)) if (definition[key] === undefined) delete definition[key]
  }
  const env = manifest.secrets
    .map((secret) => {
      const value = input.secrets[secret.id]
      if (!value || !/^[A-Za-z0-9_-]+$/.test(value)) throw invalid(`secrets.${secret.id}`, `The secret "${secret.id}" is missing or malformed.`)
      return `${secretVariable(secret.id)}=${value}\n`
    })
    .join('')
  return { compose: composeYaml(merged), env, files: { ...template.files }, images: serviceImages(merged) }
}
