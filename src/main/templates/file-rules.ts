// What a template may put into a shop's directory, checked when it is loaded and again when a shop is rendered
// from it. The shop directory is compose's project directory: a file compose reads there by itself (an override
// file can add `privileged`, publish ports or change the Traefik rule; `.env` holds the secrets) must come only
// from the app, and a `build:` context there or above it would send `.env` to the image builder.
import { posix } from 'node:path'
import type { ErrorSay } from '@shared/errors'
import type { ComposeFile } from './template-loader'
import { SECRET_FILES_DIR } from '../engine/host-layout'

/** Every name compose reads from its project directory without being told (compose-spec "compose file"). */
const COMPOSE_READS = new Set(
  ['compose', 'docker-compose'].flatMap((stem) => ['yaml', 'yml'].flatMap((ext) => [`${stem}.${ext}`, `${stem}.override.${ext}`])).concat(['.env']),
)

export interface FileRuleProblem {
  field: string
  reason: string
  say: ErrorSay
}

/** A relative path that stays inside the shop directory, as segments; null when it would leave it or is empty. */
function insideSegments(path: string): string[] | null {
  if (path.startsWith('/') || path.includes('\\') || /^[A-Za-z]:/.test(path)) return null
  const segments = path.split('/').filter((s) => s !== '' && s !== '.')
  if (segments.length === 0 || segments.includes('..')) return null
  return segments
}

/** The first problem with a path in `files:`, or null. */
export function fileProblem(path: string): FileRuleProblem | null {
  const segments = insideSegments(path)
  if (!segments) {
    return { field: 'files', reason: `"${path}" leaves the shop directory (absolute or with ..)`, say: { key: 'templateFileOutside', values: { file: path } } }
  }
  if (segments.length === 1 && COMPOSE_READS.has(segments[0]!.toLowerCase())) {
    return {
      field: 'files',
      reason: `"${path}" is a file compose reads by itself in the shop directory; only the app writes it`,
      say: { key: 'templateFileCompose', values: { file: path } },
    }
  }
  if (segments[0] === SECRET_FILES_DIR) {
    return {
      field: 'files',
      reason: `"${path}" is in ${SECRET_FILES_DIR}/, where the app writes the shop's secrets as files`,
      say: { key: 'templateFileSecrets', values: { file: path, dir: SECRET_FILES_DIR } },
    }
  }
  return null
}

/** The paths a `build:` entry hands the builder: its context and any additional contexts. */
function buildContexts(build: unknown): Array<{ field: string; path: unknown }> {
  if (typeof build === 'string') return [{ field: 'build', path: build }]
  if (!build || typeof build !== 'object') return [{ field: 'build', path: build }]
  const entry = build as Record<string, unknown>
  const contexts: Array<{ field: string; path: unknown }> = [{ field: 'build.context', path: entry['context'] ?? '.' }]
  const extra = entry['additional_contexts']
  if (Array.isArray(extra)) extra.forEach((line, i) => contexts.push({ field: `build.additional_contexts.${i}`, path: String(line).slice(String(line).indexOf('=') + 1) }))
  else if (extra && typeof extra === 'object') for (const [name, path] of Object.entries(extra)) contexts.push({ field: `build.additional_contexts.${name}`, path })
  if (entry['dockerfile'] !== undefined) contexts.push({ field: 'build.dockerfile', path: entry['dockerfile'] })
  return contexts
}

/**
 * The first problem with a service's `build:`, or null: each context must be a sub-folder of the shop directory
 * that the template's `files:` bring (so it holds only the template's own files), and the Dockerfile path must
 * stay inside its context.
 */
export function buildProblem(service: string, build: unknown, files: readonly string[]): FileRuleProblem | null {
  for (const { field, path } of buildContexts(build)) {
    const where = `services.${service}.${field}`
    const refuse = (reason: string): FileRuleProblem => ({
      field: where,
      reason,
      say: { key: 'templateBuildContext', values: { service, path: String(path) } },
    })
    if (typeof path !== 'string') return refuse('must be a path')
    if (field === 'build.dockerfile') {
      if (!insideSegments(path)) return refuse(`the Dockerfile "${path}" must be inside its build context`)
      continue
    }
    const segments = insideSegments(path)
    if (!segments) return refuse(`the build context "${path}" is the shop directory or outside it; use a sub-folder brought by files:`)
    const folder = segments.join('/')
    const brought = files.some((file) => posix.normalize(file).startsWith(`${folder}/`))
    if (!brought) return refuse(`the build context "${path}" is not a sub-folder brought by files:`)
  }
  return null
}

/** The first problem with a template's files and build contexts, or null. */
export function templateFilesProblem(files: readonly string[], compose: ComposeFile): FileRuleProblem | null {
  for (const file of files) {
    const problem = fileProblem(file)
    if (problem) return problem
  }
  for (const [service, definition] of Object.entries(compose.services)) {
    if (definition && typeof definition === 'object' && 'build' in definition) {
      const problem = buildProblem(service, definition['build'], files)
      if (problem) return problem
    }
  }
  return null
}
