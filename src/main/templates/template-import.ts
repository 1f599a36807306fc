// Templates → "Aus Compose-Datei": reads the picked compose file (and the env files beside it that it names) into a
// proposal, and saves the edited draft into the custom templates folder once the loader's own checks pass.
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, isAbsolute, join, relative, resolve } from 'node:path'
import { AppError } from '@shared/errors'
import type { ImportDraft, ImportProposal, ImportSaved } from '@shared/template-import'
import { filesBeside, proposeTemplate } from './compose-import'
import { COMPOSE_FILE, draftError, draftProblems, MANIFEST_FILE, manifestText, type DraftProblem } from './import-draft'
import { loadTemplate } from './template-loader'

/** Bigger than any compose file; the loader refuses the same. */
const MAX_BYTES = 1_000_000

async function readSmall(path: string): Promise<string | null> {
  const info = await stat(path).catch(() => null)
  if (!info?.isFile()) return null
  if (info.size > MAX_BYTES) throw new AppError('invalid_input', `${path} is larger than ${MAX_BYTES} bytes`)
  return readFile(path, 'utf8')
}

export async function proposeFromFile(file: string): Promise<ImportProposal> {
  const text = await readSmall(file)
  if (text === null) throw new AppError('not_found', `${file} is not a file that can be read`)
  const folder = dirname(file)
  const beside: Record<string, string | null> = {}
  // Only what the compose file names, and only beside it or below: never a path it points to elsewhere.
  for (const name of filesBeside({ file, text })) {
    const path = resolve(folder, name)
    const inside = relative(folder, path)
    beside[name] = inside && !inside.startsWith('..') && !isAbsolute(inside) ? await readSmall(path).catch(() => null) : null
  }
  return proposeTemplate({ file, text, beside })
}

/** What the loader says of the files, written where no list reads them: its problems, all it reports. */
async function loaderProblems(id: string, files: Record<string, string>): Promise<DraftProblem[]> {
  const dir = await mkdtemp(join(tmpdir(), 'shopmgr-import-'))
  try {
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text)
    await loadTemplate(dir, id, 'custom')
    return []
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'template_invalid') throw error
    const file = error.details?.['file'] ?? ''
    if (error.fields?.length) return error.fields.map((f) => ({ file, field: f.path, message: f.message }))
    return [{ file, field: error.details?.['field'] ?? '', message: error.details?.['reason'] ?? error.message }]
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/**
 * Writes `<custom>/<id>/template.yaml` and `compose.yaml`, or nothing: every problem is reported at once first, and
 * an id that exists (a template the app knows, or a folder there) is refused, never overwritten.
 */
export async function saveImportedTemplate(customDir: string | null, draft: ImportDraft, takenIds: readonly string[]): Promise<ImportSaved> {
  if (!customDir) throw new AppError('invalid_input', 'Choose a folder for your own templates first.', { say: { key: 'templateImportNoFolder' } })
  const files = { [MANIFEST_FILE]: manifestText(draft), [COMPOSE_FILE]: draft.compose }
  const problems = draftProblems(draft, takenIds)
  if (problems.length === 0) problems.push(...(await loaderProblems(draft.id, files)))
  if (problems.length > 0) throw draftError(problems)
  await mkdir(customDir, { recursive: true })
  const dir = join(customDir, draft.id)
  try {
    await mkdir(dir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw draftError([{ file: '', field: 'id', message: `the folder ${dir} exists already` }])
    throw error
  }
  try {
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text, { flag: 'wx' })
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    throw error
  }
  return { id: draft.id, dir, name: draft.name }
}
