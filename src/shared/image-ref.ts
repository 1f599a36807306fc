// An image reference as Docker reads it: `[registry/]repository[:tag][@digest]`, with Docker Hub's defaults filled in.
// The registry decides which credentials a pull and the tag list use; the repository is what the registry's API names.

export interface ImageRef {
  /** Where the image lives, as credentials are filed: `docker.io`, `ghcr.io`, `127.0.0.1:5443`. */
  registry: string
  /** The repository path at that registry: `library/nginx`, `acme/shop`. */
  repository: string
  tag: string | null
  digest: string | null
}

export const DOCKER_HUB = 'docker.io'

/** The first path component names a registry when it has a dot or a port, or is `localhost` (Docker's own rule). */
function isRegistryPart(part: string): boolean {
  return part.includes('.') || part.includes(':') || part === 'localhost'
}

/** Null for what is no image reference. */
export function parseImageRef(text: string): ImageRef | null {
  const value = text.trim()
  if (!/^[\w./:@-]+$/.test(value) || value.length > 300) return null
  const at = value.indexOf('@')
  const digest = at >= 0 ? value.slice(at + 1) : null
  if (digest !== null && !/^[a-z0-9]+:[a-f0-9]{32,}$/.test(digest)) return null
  const named = at >= 0 ? value.slice(0, at) : value
  const parts = named.split('/')
  const registryPart = parts.length > 1 && isRegistryPart(parts[0]!) ? parts.shift()! : null
  const last = parts.pop()!
  const colon = last.lastIndexOf(':')
  const tag = colon >= 0 ? last.slice(colon + 1) : null
  parts.push(colon >= 0 ? last.slice(0, colon) : last)
  if (tag !== null && !/^\w[\w.-]{0,127}$/.test(tag)) return null
  if (parts.some((p) => !/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/.test(p))) return null
  const registry = registryPart === null || registryPart === 'index.docker.io' || registryPart === 'registry-1.docker.io' ? DOCKER_HUB : registryPart
  const repository = registry === DOCKER_HUB && parts.length === 1 ? `library/${parts[0]}` : parts.join('/')
  return { registry, repository, tag, digest }
}

/** The reference written the way Docker shows it (Docker Hub's defaults left out). */
export function imageRefText(ref: ImageRef): string {
  const repository = ref.registry === DOCKER_HUB ? ref.repository.replace(/^library\//, '') : `${ref.registry}/${ref.repository}`
  return `${repository}${ref.tag !== null ? `:${ref.tag}` : ''}${ref.digest !== null ? `@${ref.digest}` : ''}`
}

/** The same image with another tag (a digest goes: it would pin the old one). */
export function withTag(ref: ImageRef, tag: string): string {
  return imageRefText({ ...ref, tag, digest: null })
}

/** A registry as image references name it: a lower-case host name or address, optionally with a port. */
export function isRegistryHost(host: string): boolean {
  return /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?(:\d{1,5})?$/.test(host)
}
