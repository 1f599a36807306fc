// Templates installed on a host, for the gate to create sales shops from: one folder per template id under the
// login's ~/.shopmanager/templates, in the folder format template-loader.ts reads. A folder is replaced whole
// (written beside it, then swapped by renames) when any of its files differ; an unchanged one is left alone.
import { createHash, randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join, posix } from 'node:path'
import { AppError, toAppError } from '@shared/errors'
import type { MissingImage } from '@shared/templates'
import type { SetupChange } from '@shared/host-setup'
import type { HostSession } from '../host/host-session'
import { writeShopFiles } from '../host/remote-files'
import { serviceImages } from '../templates/render'
import type { Template } from '../templates/template-loader'
import { gateLayout } from './gate-layout'

/** A template as files to copy, by path inside its folder. */
export interface TemplateFolder {
  id: string
  files: Record<string, string>
}

export interface TemplatesPlan {
  root: string
  changes: SetupChange[]
  folders: TemplateFolder[]
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')

/** The files the loader reads: the manifest, the compose file and the manifest's `files:` (already checked by it). */
export async function templateFolder(template: Template): Promise<TemplateFolder> {
  const read = (file: string) => readFile(join(template.dir, file), 'utf8')
  return {
    id: template.id,
    files: { 'template.yaml': await read('template.yaml'), [template.manifest.compose]: await read(template.manifest.compose), ...template.files },
  }
}

/** sha256 and path of every file below each id's folder: `<id>\t<hash>\t<path>`. */
const READ_SCRIPT = String.raw`root=$1; shift
for id in "$@"; do
  [ -d "$root/$id" ] || continue
  (cd "$root/$id" && find . -type f | sed 's|^\./||' | LC_ALL=C sort | while IFS= read -r f; do
    printf '%s\t%s\t%s\n' "$id" "$(sha256sum < "$f" | cut -d' ' -f1)" "$f"
  done)
done
exit 0`

export async function planTemplates(session: HostSession, home: string, folders: readonly TemplateFolder[]): Promise<TemplatesPlan> {
  const root = gateLayout(home).templates
  for (const folder of folders)
    if (!/^[\w.-]{1,80}$/.test(folder.id) || folder.id.startsWith('.')) throw new AppError('invalid_input', `Not a template id: ${folder.id}`)
  const read = await session.exec(['sh', '-c', READ_SCRIPT, 'sh', root, ...folders.map((f) => f.id)], { timeoutMs: 30_000 })
  const installed = new Map<string, Map<string, string>>()
  for (const line of read.stdout.split('\n')) {
    const [id = '', hash = '', path = ''] = line.split('\t')
    if (!id || !path) continue
    if (!installed.has(id)) installed.set(id, new Map())
    installed.get(id)!.set(path, hash)
  }
  const changes: SetupChange[] = []
  for (const folder of folders) {
    const there = installed.get(folder.id)
    const paths = Object.keys(folder.files)
    const same = there && there.size === paths.length && paths.every((p) => there.get(p) === sha256(folder.files[p]!))
    if (!same) changes.push({ kind: 'template', target: posix.join(root, folder.id), action: there ? 'update' : 'create', detail: folder.id })
  }
  return { root, changes, folders: [...folders] }
}

/** The new folder is moved into place; the old one (if any) is moved aside first and removed after. */
const SWAP_SCRIPT = String.raw`set -e
cd "$1"
rm -rf -- "$3"
[ ! -e "$2" ] || mv -- "$2" "$3"
mv -- "$4" "$2"
rm -rf -- "$3"`

export async function applyTemplates(session: HostSession, plan: TemplatesPlan): Promise<SetupChange[]> {
  const applied: SetupChange[] = []
  for (const change of plan.changes) {
    const folder = plan.folders.find((f) => posix.join(plan.root, f.id) === change.target)
    if (!folder) continue
    const suffix = randomBytes(4).toString('hex')
    const fresh = `.new-${folder.id}-${suffix}`
    const made = await session.exec(['mkdir', '-p', '-m', '0755', '--', posix.join(plan.root, fresh)], { timeoutMs: 10_000 })
    if (made.code !== 0) throw new AppError('internal', `Could not create ${plan.root} on the host: ${made.stderr.trim()}`)
    await writeShopFiles(
      session,
      posix.join(plan.root, fresh),
      Object.entries(folder.files).map(([path, content]) => ({ path, content, mode: 0o644 })),
    )
    const swapped = await session.exec(['sh', '-c', SWAP_SCRIPT, 'sh', plan.root, folder.id, `.old-${folder.id}-${suffix}`, fresh], { timeoutMs: 20_000 })
    if (swapped.code !== 0) throw new AppError('internal', `Could not install the template ${folder.id} on the host: ${swapped.stderr.trim()}`)
    applied.push(change)
  }
  return applied
}

export interface TemplateInstall {
  target: string
  action: 'create' | 'update' | 'unchanged'
  /** The template's images now on the host: a sales create then pulls nothing with credentials it does not have. */
  images: string[]
  /** Images the host could not pull, with the registry's reason: sales creates from the template fail until they are there. */
  missing: MissingImage[]
}

/**
 * One template onto a host (Templates → "Install on host"): its folder, and its images pulled with this admin's
 * registry credentials, so the gate's creates (which pull anonymously) find a private image there.
 */
export async function installTemplate(session: HostSession, template: Template, pull: (image: string) => Promise<void>): Promise<TemplateInstall> {
  const images: string[] = []
  const missing: TemplateInstall['missing'] = []
  for (const image of serviceImages(template.compose)) {
    await pull(image).then(
      () => images.push(image),
      (error: unknown) => {
        // The connection itself failing is no missing image: the install stops there.
        if (error instanceof AppError && error.code !== 'invalid_input') throw error
        const failure = toAppError(error)
        missing.push({ image, message: failure.message, ...(failure.say ? { say: failure.say } : {}) })
      },
    )
  }
  const home = await session.exec(['sh', '-c', 'printf %s "$HOME"'], { timeoutMs: 10_000 })
  if (home.code !== 0 || !home.stdout.startsWith('/')) throw new AppError('internal', "Could not find the login user's home directory on the host.")
  const plan = await planTemplates(session, home.stdout, [await templateFolder(template)])
  await applyTemplates(session, plan)
  const change = plan.changes[0]
  return {
    target: change?.target ?? posix.join(plan.root, template.id),
    action: change ? (change.action === 'create' ? 'create' : 'update') : 'unchanged',
    images,
    missing,
  }
}
