// An imported template's draft as the form left it: the manifest it becomes, and every problem with it at once, each
// naming the file and field, before anything is written (the loader then checks the written files as it checks any).
import { stringify } from 'yaml'
import type { FieldIssue } from '@shared/errors'
import { AppError } from '@shared/errors'
import type { ImportDraft } from '@shared/template-import'
import { composeProblems } from './compose-rules'
import { templateFilesProblem } from './file-rules'
import { secretEnvironment } from './import-secrets'
import { manifestSchema, type Manifest } from './manifest'
import { parseTemplateYaml, type ComposeFile } from './template-loader'

export const MANIFEST_FILE = 'template.yaml'
export const COMPOSE_FILE = 'compose.yaml'

/** A template's folder name: what the list, the wizard and a host's templates folder know it by. */
const TEMPLATE_ID = /^[a-z][a-z0-9_-]{0,39}$/

export interface DraftProblem {
  file: string
  field: string
  message: string
}

/** The manifest the draft becomes: its secrets with the variables they go to, as `${secret.<id>}`. */
export function manifestOf(draft: ImportDraft): Record<string, unknown> {
  return {
    name: draft.name,
    description: draft.description,
    compose: COMPOSE_FILE,
    entry: draft.entry,
    ...(draft.image ? { image: draft.image } : {}),
    ...(draft.jobs.length > 0 ? { jobs: draft.jobs } : {}),
    secrets: draft.secrets.map((s) => ({ id: s.id, length: s.length, alphabet: s.alphabet, label: s.label, ...(s.login ? { login: true } : {}) })),
    environment: secretEnvironment(draft.secrets),
  }
}

export function manifestText(draft: ImportDraft): string {
  return `# Aus einer Compose-Datei übernommen / Imported from a compose file\n${stringify(manifestOf(draft), { lineWidth: 0 })}`
}

function composeOf(draft: ImportDraft, problems: DraftProblem[]): ComposeFile | null {
  try {
    const compose = parseTemplateYaml(draft.compose, COMPOSE_FILE) as ComposeFile | null
    if (compose?.services && typeof compose.services === 'object' && !Array.isArray(compose.services)) return compose
    problems.push({ file: COMPOSE_FILE, field: 'services', message: 'a compose file needs a "services" map' })
  } catch (error) {
    const details = error instanceof AppError ? (error.details ?? {}) : {}
    problems.push({ file: COMPOSE_FILE, field: details['field'] ?? '', message: details['reason'] ?? String(error) })
  }
  return null
}

/** Every problem of the draft, in the order of the form; none when it can be saved (and then loaded). */
export function draftProblems(draft: ImportDraft, takenIds: readonly string[]): DraftProblem[] {
  const problems: DraftProblem[] = []
  const manifest = (field: string, message: string): void => void problems.push({ file: MANIFEST_FILE, field, message })
  if (!TEMPLATE_ID.test(draft.id)) problems.push({ file: '', field: 'id', message: 'lower-case letters, digits, - and _ only, starting with a letter, at most 40' })
  else if (takenIds.includes(draft.id)) problems.push({ file: '', field: 'id', message: `there is a template "${draft.id}" already` })
  const parsed = manifestSchema.safeParse(manifestOf(draft))
  if (!parsed.success) for (const issue of parsed.error.issues) manifest(issue.path.join('.'), issue.message)
  const ids = draft.secrets.map((s) => s.id)
  ids.forEach((id, i) => ids.indexOf(id) !== i && manifest(`secrets.${i}.id`, `"${id}" is the id of another secret`))
  const logins = draft.secrets.flatMap((s, i) => (s.login ? [i] : []))
  if (logins.length > 1) manifest(`secrets.${logins[1]}.login`, 'only one secret can be the shop admin’s login')
  const compose = composeOf(draft, problems)
  if (!compose) return problems
  const services = new Set(Object.keys(compose.services))
  const known = (service: string): boolean => services.has(service)
  if (!known(draft.entry.service)) manifest('entry.service', `no service "${draft.entry.service}" in ${COMPOSE_FILE}`)
  if (draft.image && !known(draft.image.service)) manifest('image.service', `no service "${draft.image.service}" in ${COMPOSE_FILE}`)
  draft.jobs.forEach((job, i) => {
    if (!known(job)) manifest(`jobs.${i}`, `no service "${job}" in ${COMPOSE_FILE}`)
    else if (job === draft.entry.service) manifest(`jobs.${i}`, `"${job}" is the entry service: it must keep running`)
  })
  for (const [i, secret] of draft.secrets.entries()) {
    for (const use of secret.uses) if (!known(use.service)) manifest(`secrets.${i}`, `no service "${use.service}" in ${COMPOSE_FILE}`)
  }
  // The rules read only the template's files, and an imported template brings none.
  const rules = { files: [] } as Pick<Manifest, 'files'> as Manifest
  for (const p of composeProblems(compose.services, rules)) problems.push({ file: COMPOSE_FILE, field: p.field, message: p.message })
  const files = templateFilesProblem([], compose)
  if (files) problems.push({ file: files.field === 'files' ? MANIFEST_FILE : COMPOSE_FILE, field: files.field, message: files.reason })
  return problems
}

/** The problems as one error the dialog lists: each `file, field: message`. */
export function draftError(problems: readonly DraftProblem[]): AppError {
  const fields: FieldIssue[] = problems.map((p) => ({ path: [p.file, p.field].filter(Boolean).join(', '), message: p.message }))
  return new AppError('template_invalid', fields.map((f) => `${f.path}: ${f.message}`).join('; '), { fields })
}
