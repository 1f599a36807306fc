// Moving a backup between the host and this laptop, as an operation with progress and cancel: download into a
// folder of the user's choice, upload a downloaded backup to a shop on a host. An upload is written under a
// temporary name and becomes a backup only when its checksums match on the host.
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, readdir, rename, rm, stat } from 'node:fs/promises'
import { join, posix } from 'node:path'
import { z } from 'zod'
import { backupIdField } from '@shared/contract'
import { backupArchives, type BackupManifest } from '@shared/backups'
import { AppError, cancelledError } from '@shared/errors'
import { transferSteps, type TransferStep } from '@shared/operations'
import { backupDirectory, BACKUP_MANIFEST, BACKUPS_DIR } from '../engine/host-layout'
import type { ShopEngine } from '../engine/shop-engine'
import type { TransferProgress } from '../engine/shop-store'
import type { StartedOperation } from '../operations/operation-runner'
import { checkArchives } from './backup-archives'
import type { LifecycleDeps } from './shop-lifecycle'
import { checkRole } from './shop-role'

export type { TransferProgress } from '../engine/shop-store'

/** An archive with its checksum: cksum's CRC-32, or BLAKE2b-512 or sha512 in backups made before. */
const archiveFile = {
  file: z.string().regex(/^[\w.-]+\.tar$/),
  bytes: z.number(),
  crc: z
    .string()
    .regex(/^\d{1,10}$/)
    .optional(),
  blake2b: z
    .string()
    .regex(/^[0-9a-f]{128}$/)
    .optional(),
  sha512: z
    .string()
    .regex(/^[0-9a-f]{128}$/)
    .optional(),
}

const manifestSchema = z.object({
  id: backupIdField,
  shop: z.string(),
  template: z.string(),
  domain: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  volumes: z.array(
    z
      .object({
        key: z.string().regex(/^[\w.-]+$/),
        volume: z.string(),
        ...archiveFile,
        /** The changes since the full archive, a second archive of the volume. */
        changes: z
          .object(archiveFile)
          .refine((a) => a.crc || a.blake2b || a.sha512, 'no checksum')
          .optional(),
      })
      .refine((a) => a.crc || a.blake2b || a.sha512, 'no checksum'),
  ),
  images: z.record(z.string(), z.string()),
})

function stopIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelledError()
}

/** Downloads `<shop>/backups/<id>/` into `<folder>/<shop>-<id>/`; a half download never looks complete. */
export async function downloadBackup(
  engine: ShopEngine,
  shop: string,
  backupId: string,
  folder: string,
  onProgress: (p: TransferProgress) => void,
  signal?: AbortSignal,
): Promise<string> {
  // A backup holds every secret the shop's data has: taking it off the host is an admin's.
  checkRole(engine.role, 'edit')
  const manifest = (await engine.store.backups(shop)).find((b) => b.id === backupId)
  if (!manifest) throw new AppError('not_found', `There is no backup "${backupId}" of "${shop}".`, { say: { key: 'noBackup', values: { shop, id: backupId } } })
  const remote = backupDirectory(engine.store.dir(shop), backupId)
  const target = join(folder, `${shop}-${backupId}`)
  const partial = `${target}.partial`
  await rm(partial, { recursive: true, force: true })
  await mkdir(partial, { recursive: true })
  try {
    const archives = backupArchives(manifest)
    const total = archives.reduce((sum, a) => sum + a.bytes, 0)
    let before = 0
    for (const archive of archives) {
      stopIfCancelled(signal)
      await engine.store.download(posix.join(remote, archive.file), join(partial, archive.file), (moved) =>
        onProgress({ done: before + moved, total, file: archive.file }),
      )
      before += archive.bytes
    }
    await engine.store.download(posix.join(remote, BACKUP_MANIFEST), join(partial, BACKUP_MANIFEST), () => undefined)
    await rm(target, { recursive: true, force: true })
    await rename(partial, target)
    return target
  } catch (error) {
    await rm(partial, { recursive: true, force: true }).catch(() => undefined)
    throw error
  }
}

/** Uploads a downloaded backup folder to a shop (admins), then checks every archive on the host. */
export async function uploadBackup(
  engine: ShopEngine,
  shop: string,
  folder: string,
  helperImage: string,
  onProgress: (p: TransferProgress) => void,
  signal?: AbortSignal,
): Promise<BackupManifest> {
  checkRole(engine.role, 'edit')
  let text: string
  let manifest: z.infer<typeof manifestSchema>
  try {
    text = await readFile(join(folder, BACKUP_MANIFEST), 'utf8')
    manifest = manifestSchema.parse(JSON.parse(text))
  } catch {
    throw new AppError('invalid_input', `${folder} is not a downloaded Shop-Manager backup (no readable manifest.json).`, {
      say: { key: 'notBackupFolder', values: { folder } },
    })
  }
  const archives = backupArchives(manifest)
  const files = new Set(await readdir(folder))
  const missing = archives.filter((a) => !files.has(a.file)).map((a) => a.file)
  if (missing.length > 0)
    throw new AppError('invalid_input', `The backup folder lacks ${missing.join(', ')}.`, {
      say: { key: 'backupIncomplete', values: { files: missing.join(', ') } },
    })
  const there = (): AppError =>
    new AppError('invalid_input', `The shop "${shop}" has the backup ${manifest.id} already.`, {
      say: { key: 'backupThere', values: { shop, id: manifest.id } },
    })
  if ((await engine.store.backups(shop)).some((b) => b.id === manifest.id)) throw there()
  const final = backupDirectory(engine.store.dir(shop), manifest.id)
  // Under a name no listing or prune takes for a backup until the checksums matched, and one of this upload's
  // own: two laptops uploading the same backup at once never write into one folder.
  const remote = await reserveUploadDir(engine, shop, manifest.id)
  try {
    const sizes = await Promise.all(archives.map(async (a) => (await stat(join(folder, a.file))).size))
    const total = sizes.reduce((a, b) => a + b, 0)
    let before = 0
    for (const [index, archive] of archives.entries()) {
      stopIfCancelled(signal)
      await engine.store.upload(join(folder, archive.file), posix.join(remote, archive.file), (moved) =>
        onProgress({ done: before + moved, total, file: archive.file }),
      )
      before += sizes[index]!
    }
    if (await checkArchives(engine.runtime, helperImage, remote, manifest, signal)) {
      throw new AppError('invalid_input', `The uploaded backup ${manifest.id} does not match its checksums; it was not kept.`, {
        say: { key: 'uploadDamaged', values: { id: manifest.id } },
      })
    }
    // The manifest as it was downloaded, fields this version does not know included.
    await engine.store.writeFiles(remote, [{ path: BACKUP_MANIFEST, content: text.endsWith('\n') ? text : `${text}\n`, mode: 0o644 }])
    if ((await engine.store.backups(shop)).some((b) => b.id === manifest.id)) throw there()
    await engine.store.rename(remote, final)
    return manifest
  } catch (error) {
    await engine.store.removeDir(remote).catch(() => undefined)
    throw error
  }
}

/** `backups/.upload-<id>-<random>`, made exclusively (it cannot be there: the random part is this upload's). */
async function reserveUploadDir(engine: ShopEngine, shop: string, id: string): Promise<string> {
  const dir = posix.join(engine.store.dir(shop), BACKUPS_DIR, `.upload-${id}-${randomBytes(6).toString('hex')}`)
  if (!(await engine.store.makeNewDir(dir))) throw new AppError('internal', `The upload folder ${dir} is there already.`)
  return dir
}

export interface TransferDeps extends Pick<LifecycleDeps, 'engine' | 'runner'> {
  helperImage: string
  /** Asks the user for a folder (a dialog in the app); null when they cancel. */
  chooseFolder: (purpose: 'download' | 'upload') => Promise<string | null>
}

export function startBackupTransfer(
  input: { hostId: string; shop: string; direction: 'download' | 'upload'; backupId?: string | undefined },
  deps: TransferDeps,
): StartedOperation {
  return deps.runner.start<TransferStep>({
    kind: input.direction,
    hostId: input.hostId,
    shop: input.shop,
    steps: transferSteps,
    async run(context) {
      const { op, steps, signal } = context
      steps.begin('choose')
      const engine = await deps.engine(input.hostId)
      checkRole(engine.role, 'edit')
      const folder = await deps.chooseFolder(input.direction)
      if (!folder) throw new AppError('cancelled', 'No folder was chosen.', { say: { key: 'cancelled' } })
      op.step('choose', 'done', folder)
      steps.begin('transfer')
      const progress = (p: TransferProgress): void => op.progress('transfer', { done: p.done, total: p.total }, p.file)
      const seconds = (): number => (Date.now() - context.startedAt) / 1000
      if (input.direction === 'download') {
        if (!input.backupId) throw new AppError('invalid_input', 'Which backup?')
        const path = await downloadBackup(engine, input.shop, input.backupId, folder, progress, signal)
        return { url: '', login: null, seconds: seconds(), backupId: input.backupId, path }
      }
      const manifest = await uploadBackup(engine, input.shop, folder, deps.helperImage, progress, signal)
      return { url: '', login: null, seconds: seconds(), backupId: manifest.id }
    },
  })
}
