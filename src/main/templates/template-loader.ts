// Reads a template folder (template.yaml + compose file + extra files) and checks it, naming file and field.
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parse, YAMLParseError } from 'yaml'
import { AppError } from '@shared/errors'
import type { TemplateSummary } from '@shared/templates'
import { manifestSchema, type Manifest } from './manifest'
import { placeholdersIn } from './placeholders'

export interface ComposeFile {
  services: Record<string, Record<string, unknown>>
  volumes?: Record<string, Record<string, unknown> | null>
  networks?: Record<string, Record<string, unknown> | null>
  [key: string]: unknown
}

export interface Template {
  id: string
  source: TemplateSummary['source']
  dir: string
  manifest: Manifest
  compose: ComposeFile
  /** Extra files copied into the shop directory, by relative path. */
  files: Record<string, string>
}

const MANIFEST = 'template.yaml'

export function templateError(file: string, field: string | null, message: string): AppError {
  const where = field ? `${file}, ${field}` : file
  return new AppError('template_invalid', `${where}: ${message}`, { details: { file, ...(field ? { field } : {}) } })
}

async function readYaml(dir: string, file: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(join(dir, file), 'utf8')
  } catch {
    throw templateError(file, null, 'file is missing')
  }
  try {
    return parse(text)
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const line = error.linePos?.[0]
      throw templateError(file, line ? `line ${line.line}` : null, `not valid YAML (${error.code})`)
    }
    throw error
  }
}

function checkReferences(manifest: Manifest, compose: ComposeFile): void {
  const services = new Set(Object.keys(compose.services))
  if (!services.has(manifest.entry.service)) throw templateError(MANIFEST, 'entry.service', `no service "${manifest.entry.service}" in ${manifest.compose}`)
  if (manifest.image && !services.has(manifest.image.service)) throw templateError(MANIFEST, 'image.service', `no service "${manifest.image.service}" in ${manifest.compose}`)
  const params = new Set(manifest.parameters.map((p) => p.id))
  const secrets = new Set(manifest.secrets.map((s) => s.id))
  for (const [service, variables] of Object.entries(manifest.environment)) {
    if (!services.has(service)) throw templateError(MANIFEST, `environment.${service}`, `no service "${service}" in ${manifest.compose}`)
    for (const [name, value] of Object.entries(variables)) {
      for (const ref of placeholdersIn(value)) {
        const known = ref.kind === 'shop' ? ['name', 'domain'].includes(ref.id) : ref.kind === 'param' ? params.has(ref.id) : secrets.has(ref.id)
        if (!known) throw templateError(MANIFEST, `environment.${service}.${name}`, `unknown ${ref.kind} "${ref.id}"`)
      }
    }
  }
}

export async function loadTemplate(dir: string, id: string, source: Template['source']): Promise<Template> {
  const parsed = manifestSchema.safeParse(await readYaml(dir, MANIFEST))
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw templateError(MANIFEST, issue.path.join('.') || null, issue.message)
  }
  const manifest = parsed.data
  const compose = (await readYaml(dir, manifest.compose)) as ComposeFile | null
  if (!compose || typeof compose !== 'object' || !compose.services || typeof compose.services !== 'object' || Array.isArray(compose.services)) {
    throw templateError(manifest.compose, 'services', 'a compose file needs a "services" map')
  }
  checkReferences(manifest, compose)
  const files: Record<string, string> = {}
  for (const file of manifest.files) {
    try {
      files[file] = await readFile(join(dir, file), 'utf8')
    } catch {
      throw templateError(MANIFEST, 'files', `${file} is missing`)
    }
  }
  return { id, source, dir, manifest, compose, files }
}

/** Every valid template below a folder; invalid ones are reported, not fatal for the others. */
export async function loadTemplates(root: string, source: Template['source']): Promise<{ templates: Template[]; problems: AppError[] }> {
  const entries = await readdir(root, { withFileTypes: true }).catch(() => [])
  const templates: Template[] = []
  const problems: AppError[] = []
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    try {
      templates.push(await loadTemplate(join(root, entry.name), entry.name, source))
    } catch (error) {
      if (!(error instanceof AppError)) throw error
      problems.push(new AppError('template_invalid', `${entry.name}/${error.message}`, error.details ? { details: error.details } : {}))
    }
  }
  return { templates, problems }
}

export function summarize(template: Template): TemplateSummary {
  const { manifest } = template
  return {
    id: template.id,
    name: manifest.name,
    description: manifest.description,
    source: template.source,
    parameters: manifest.parameters,
    imageService: manifest.image?.service ?? null,
    entryService: manifest.entry.service,
    healthTimeoutSeconds: manifest.healthTimeoutSeconds,
  }
}
