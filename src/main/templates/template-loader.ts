// Reads a template folder (template.yaml + compose file + extra files) and checks it, naming file and field.
import type { Dirent } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parse, YAMLParseError } from 'yaml'
import type { z } from 'zod'
import { AppError, type ErrorSay } from '@shared/errors'
import { isPublicImage, type TemplateProblem, type TemplateSummary } from '@shared/templates'
import { composeProblems } from './compose-rules'
import { manifestSchema, type Manifest } from './manifest'
import { templateFilesProblem } from './file-rules'
import { placeholdersIn } from './placeholders'
import { manifestRuleProblem, type ManifestProblem } from './manifest-rules'

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

export function templateError(
  file: string,
  field: string | null,
  message: string,
  extra: { all?: readonly { field: string; message: string }[]; say?: ErrorSay | undefined } = {},
): AppError {
  const where = field ? `${file}, ${field}` : file
  const all = extra.all ?? []
  return new AppError('template_invalid', `${where}: ${message}`, {
    details: { file, ...(field ? { field } : {}), reason: message },
    ...(all.length > 0 ? { fields: all.map((p) => ({ path: p.field, message: p.message })) } : {}),
    ...(extra.say ? { say: extra.say } : {}),
  })
}

/** Bigger than any template needs; a file this size is a mistake, and parsing it would hold the app up. */
const MAX_FILE_BYTES = 1_000_000

async function readText(dir: string, file: string, field: string | null = null): Promise<string> {
  let text: string
  try {
    text = await readFile(join(dir, file), 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw templateError(field ? MANIFEST : file, field, code === 'ENOENT' ? `${field ? `${file} ` : ''}file is missing` : `${field ? `${file} ` : ''}file cannot be read (${code ?? String(error)})`)
  }
  if (text.length > MAX_FILE_BYTES) throw templateError(field ? MANIFEST : file, field, `${field ? `${file} ` : ''}file is larger than ${MAX_FILE_BYTES} bytes`)
  return text
}

async function readYaml(dir: string, file: string): Promise<unknown> {
  return parseTemplateYaml(await readText(dir, file), file)
}

/** YAML as compose reads it (anchors and merge keys expanded), or a template error naming the file and line. */
export function parseTemplateYaml(text: string, file: string): unknown {
  try {
    // maxAliasCount (yaml's own guard, made explicit) stops an alias bomb: nested aliases that would expand
    // to billions of nodes. merge: compose reads `<<: *shared` as a merge key (YAML 1.1); so must the app, or a
    // service's shared settings would be one odd key the override then loses.
    return parse(text, { maxAliasCount: 100, merge: true })
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const line = error.linePos?.[0]
      throw templateError(file, line ? `line ${line.line}` : null, `not valid YAML (${error.code})`)
    }
    if (error instanceof ReferenceError && /alias/i.test(error.message)) throw templateError(file, null, 'too many YAML aliases (more than 100; an alias bomb?)')
    throw templateError(file, null, `not valid YAML (${error instanceof Error ? error.message : String(error)})`)
  }
}

function checkReferences(manifest: Manifest, compose: ComposeFile): void {
  const services = new Set(Object.keys(compose.services))
  if (!services.has(manifest.entry.service)) throw templateError(MANIFEST, 'entry.service', `no service "${manifest.entry.service}" in ${manifest.compose}`)
  if (manifest.image && !services.has(manifest.image.service)) throw templateError(MANIFEST, 'image.service', `no service "${manifest.image.service}" in ${manifest.compose}`)
  const params = new Set(manifest.parameters.map((p) => p.id))
  const secrets = new Set(manifest.secrets.map((s) => s.id))
  const placeholders = (field: string, value: string): ManifestProblem | null => {
    for (const ref of placeholdersIn(value)) {
      const known = ref.kind === 'shop' ? ['name', 'domain'].includes(ref.id) : ref.kind === 'param' ? params.has(ref.id) : secrets.has(ref.id)
      if (!known) return { field, message: `unknown ${ref.kind} "${ref.id}"` }
    }
    return null
  }
  for (const [service, variables] of Object.entries(manifest.environment)) {
    if (!services.has(service)) throw templateError(MANIFEST, `environment.${service}`, `no service "${service}" in ${manifest.compose}`)
    for (const [name, value] of Object.entries(variables)) {
      const problem = placeholders(`environment.${service}.${name}`, value)
      if (problem) throw templateError(MANIFEST, problem.field, problem.message)
    }
  }
  for (const [i, job] of manifest.jobs.entries()) {
    const definition = compose.services[job]
    if (!definition) throw templateError(MANIFEST, `jobs.${i}`, `no service "${job}" in ${manifest.compose}`)
    if (job === manifest.entry.service) throw templateError(MANIFEST, `jobs.${i}`, `"${job}" is the entry service: it must keep running`)
    const restart = definition['restart']
    if (restart !== undefined && restart !== 'no' && restart !== 'on-failure')
      throw templateError(manifest.compose, `services.${job}.restart`, `a one-off job runs once: restart "${String(restart)}" would run it again and again`)
  }
  const problem = manifestRuleProblem(manifest, compose, placeholders)
  if (problem) throw templateError(MANIFEST, problem.field, problem.message)
  // The login's user may name a parameter (its value is the user: an e-mail, say), nothing else.
  for (const ref of placeholdersIn(manifest.login.user)) {
    const parameter = manifest.parameters.find((p) => p.id === ref.id)
    if (ref.kind !== 'param' || !parameter) throw templateError(MANIFEST, 'login.user', `only a parameter may be named here, not ${ref.kind} "${ref.id}"`)
    if (parameter.type !== 'string' && parameter.type !== 'enum') throw templateError(MANIFEST, 'login.user', `parameter "${ref.id}" is a ${parameter.type}, not a text`)
  }
}

/** zod's issues as a template's author reads them: all of them, and a bad key with the schema's reason, not zod's "Invalid key in record". */
function manifestProblems(issues: readonly z.core.$ZodIssue[]): { field: string; message: string }[] {
  return issues.flatMap((issue) => {
    const field = issue.path.join('.')
    if (issue.code === 'invalid_key' && issue.issues.length > 0) return issue.issues.map((inner) => ({ field, message: inner.message }))
    return [{ field, message: issue.message }]
  })
}

export async function loadTemplate(dir: string, id: string, source: Template['source']): Promise<Template> {
  const parsed = manifestSchema.safeParse(await readYaml(dir, MANIFEST))
  if (!parsed.success) {
    const problems = manifestProblems(parsed.error.issues)
    const reason = problems.map((p, i) => (i === 0 ? p.message : `${p.field || '(top)'}: ${p.message}`)).join('; ')
    throw templateError(MANIFEST, problems[0]!.field || null, reason, { all: problems })
  }
  const manifest = parsed.data
  const compose = (await readYaml(dir, manifest.compose)) as ComposeFile | null
  if (!compose || typeof compose !== 'object' || !compose.services || typeof compose.services !== 'object' || Array.isArray(compose.services)) {
    throw templateError(manifest.compose, 'services', 'a compose file needs a "services" map')
  }
  checkReferences(manifest, compose)
  // What the template brings first: a file compose would read by itself makes the rest moot.
  const problem = templateFilesProblem(manifest.files, compose)
  if (problem) throw templateError(problem.field === 'files' ? MANIFEST : manifest.compose, problem.field, problem.reason, { say: problem.say })
  const problems = composeProblems(compose.services, manifest)
  if (problems.length > 0) {
    // All of them at once: whoever fits a real compose file should not meet them one load at a time.
    const reason = problems.map((p, i) => (i === 0 ? p.message : `${p.field}: ${p.message}`)).join('; ')
    throw templateError(manifest.compose, problems[0]!.field, reason, { all: problems })
  }
  const files: Record<string, string> = {}
  for (const file of manifest.files) files[file] = await readText(dir, file, 'files')
  return { id, source, dir, manifest, compose, files }
}

/** Every valid template below a folder; each one that cannot be used is a problem, never fatal for the others. */
export async function loadTemplates(root: string, source: Template['source']): Promise<{ templates: Template[]; problems: TemplateProblem[] }> {
  const templates: Template[] = []
  const problems: TemplateProblem[] = []
  let entries: Dirent[]
  try {
    entries = await readdir(root, { withFileTypes: true })
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error)
    const reason = code === 'ENOENT' ? 'the folder does not exist' : `the folder cannot be read (${code})`
    return { templates, problems: [{ message: `${root}: ${reason}`, template: '', source, file: root, reason }] }
  }
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    try {
      templates.push(await loadTemplate(join(root, entry.name), entry.name, source))
    } catch (error) {
      problems.push(problemOf(entry.name, source, error))
    }
  }
  return { templates, problems }
}

/** Anything a template's loading threw, as the list shows it: the template, its file and field, the reason. */
function problemOf(template: string, source: Template['source'], error: unknown): TemplateProblem {
  const details = error instanceof AppError && error.code === 'template_invalid' ? error.details ?? {} : {}
  const file = details['file'] ? `${template}/${details['file']}` : template
  const field = details['field']
  const reason = details['reason'] ?? (error instanceof Error ? error.message : String(error))
  const say = error instanceof AppError ? error.say : undefined
  return { message: `${file}${field ? `, ${field}` : ''}: ${reason}`, template, source, file, ...(field ? { field } : {}), reason, ...(say ? { say } : {}) }
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
    image: manifest.image ? String(template.compose.services[manifest.image.service]?.['image'] ?? '') || null : null,
    entryService: manifest.entry.service,
    healthTimeoutSeconds: manifest.healthTimeoutSeconds,
    testOnly: manifest.testOnly,
    // The wizard starts on such a one: it runs on a laptop's stock Docker with nothing set up.
    publicImages: Object.values(template.compose.services).every(
      (service) => service['build'] === undefined && typeof service['image'] === 'string' && isPublicImage(service['image']),
    ),
  }
}
