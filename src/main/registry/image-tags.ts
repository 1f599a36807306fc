// The tags of an image, read from its registry (Registry HTTP API v2, the Basic and Bearer-token flows and Link
// pagination as Docker Hub, GHCR and the CNCF distribution do them: @snyk/docker-registry-v2-client), newest
// first with the time each image was built, from its config blob where the registry gives it in time.
import { getImageConfig, getManifest, getTags, type ClientOptions } from '@snyk/docker-registry-v2-client'
import { DOCKER_HUB, imageRefText, parseImageRef, type ImageRef } from '@shared/image-ref'
import type { ImageTag, ImageTags } from '@shared/registries'
import { AppError } from '@shared/errors'
import type { RegistryAccess } from './registry-accounts'
import { registryError } from './registry-errors'

export interface TagListOptions {
  /** Tags per page the registry is asked for, and pages read at most. */
  pageSize?: number
  maxPages?: number
  /** How many of the highest-versioned tags get their build time looked up (two requests each). */
  dated?: number
  /** Per request: connect and answer. */
  timeoutMs?: number
  /** For all the dating together; tags not dated by then stay without a time. */
  datingBudgetMs?: number
}

/** Where the API of a registry answers: Docker Hub's is not at docker.io. */
function apiHost(registry: string): string {
  return registry === DOCKER_HUB ? 'registry-1.docker.io' : registry
}

/** Version-like tags by their numbers (2.10 after 2.9), the rest by name. */
export function compareTagNames(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' })
}

/** Newest first: dated tags by their time, then undated ones, highest version first. */
export function newestFirst(tags: ImageTag[]): ImageTag[] {
  return [...tags].sort((a, b) => {
    if (a.created && b.created) return b.created.localeCompare(a.created) || compareTagNames(b.tag, a.tag)
    if (a.created || b.created) return a.created ? -1 : 1
    return compareTagNames(b.tag, a.tag)
  })
}

async function createdOf(ref: ImageRef, tag: string, access: RegistryAccess, options: ClientOptions): Promise<string | null> {
  const { username, password } = access.credentials ?? {}
  const host = apiHost(ref.registry)
  const manifest = await getManifest(host, ref.repository, tag, username, password, options, { os: 'linux', architecture: 'amd64' })
  const digest = manifest.config?.digest
  if (!digest) return null
  const config = (await getImageConfig(host, ref.repository, digest, username, password, options)) as { created?: unknown }
  return typeof config.created === 'string' && !Number.isNaN(Date.parse(config.created)) ? new Date(config.created).toISOString() : null
}

/** Runs `work` on each item, `limit` at a time, until `deadline`; what is not done by then is left out. */
async function eachUntil<T>(items: T[], limit: number, deadline: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const lane = async (): Promise<void> => {
    while (next < items.length && Date.now() < deadline) await work(items[next++]!)
  }
  const budget = new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now())).unref?.())
  await Promise.race([Promise.all(Array.from({ length: limit }, lane)), budget])
}

export async function listImageTags(image: string, access: RegistryAccess, options: TagListOptions = {}): Promise<ImageTags> {
  const ref = parseImageRef(image)
  if (!ref) throw new AppError('invalid_input', `"${image}" is not an image reference.`, { fields: [{ path: 'image', message: 'not an image reference' }] })
  const pageSize = options.pageSize ?? 100
  const maxPages = options.maxPages ?? 10
  const timeoutMs = options.timeoutMs ?? 10_000
  const client: ClientOptions = { open_timeout: timeoutMs, response_timeout: timeoutMs, read_timeout: timeoutMs, ...(access.ca ? { ca: access.ca } : {}) }
  const { username, password } = access.credentials ?? {}
  const bare = imageRefText({ ...ref, tag: null, digest: null })
  let names: string[]
  try {
    names = await getTags(apiHost(ref.registry), ref.repository, username, password, pageSize, maxPages, client)
  } catch (error) {
    throw registryError(error, { image: bare, registry: ref.registry, hasCredentials: access.credentials !== null })
  }
  const created = new Map<string, string | null>()
  const toDate = [...names].sort((a, b) => compareTagNames(b, a)).slice(0, options.dated ?? 30)
  await eachUntil(toDate, 6, Date.now() + (options.datingBudgetMs ?? 8_000), async (tag) => {
    // A tag whose manifest is of another platform or kind keeps no time; the list itself is what counts.
    created.set(tag, await createdOf(ref, tag, access, client).catch(() => null))
  })
  return {
    image: bare,
    tags: newestFirst(names.map((tag) => ({ tag, created: created.get(tag) ?? null }))),
    complete: names.length < pageSize * maxPages,
  }
}
