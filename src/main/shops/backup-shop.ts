// Backups of a shop on its host: every named volume archived by a helper container into
// <base>/<shop>/backups/<id>/ while the shop runs, then what changed meanwhile during a short pause of its writers;
// each archive checksummed as it is written, with a manifest; the last N kept.
import { AppError } from '@shared/errors'
import { backupSteps, type BackupArchive, type BackupManifest, type BackupStep, type BackupVolume } from '@shared/backups'
import { backupDirectory, BACKUP_MANIFEST } from '../engine/host-layout'
import type { ShopEngine } from '../engine/shop-engine'
import type { StartedOperation } from '../operations/operation-runner'
import { ARCHIVE } from './backup-archives'
import { reserveBackupId } from './backup-id'
import type { LifecycleDeps } from './shop-lifecycle'
import { checkRole } from './shop-role'
import { shopVolumes } from './shop-record'
import { progressSum, type CopyPass } from './volume-copy'
import { aroundPause } from './around-pause'
import { HelperBoxes } from './helper-boxes'

export interface BackupDeps extends LifecycleDeps {
  helperImage: string
  /** How many backups per shop to keep (the oldest go). */
  keep: number
}

/** Writes one archive of a volume into the backup folder, in the volume's helper box; resolves to its file, size and CRC. */
async function archiveVolume(
  boxes: HelperBoxes,
  what: { volume: string; dir: string; key: string; file: string; pass: CopyPass },
  signal: AbortSignal,
  onProgress: (progress: { done: number; total: number }) => void,
): Promise<BackupArchive> {
  let bytes = -1
  let crc = ''
  const mounts = [
    { source: what.volume, target: '/from', readOnly: true },
    { source: what.dir, target: '/to' },
  ]
  await boxes.run(what.key, mounts, {
    script: ARCHIVE,
    env: { FILE: what.file, SNAR: `/to/.${what.key}.snar`, PASS: what.pass },
    what: `Archiving ${what.volume}`,
    signal,
    onLine: (line) => {
      const [word, value = ''] = line.split(' ')
      if (word === 'size') bytes = Number(value)
      if (word === 'crc' && /^\d{1,10}$/.test(value)) crc = value
    },
    ...(what.pass === 'first' ? { onProgress } : {}),
  })
  if (!crc || !(bytes >= 0)) throw new AppError('internal', `Archiving ${what.volume} reported no checksum or size.`)
  return { file: what.file, bytes, crc }
}

export function startBackup(input: { hostId: string; shop: string }, deps: BackupDeps): StartedOperation {
  let engine: ShopEngine | undefined
  let written: string | undefined
  return deps.runner.start<BackupStep>({
    kind: 'backup',
    hostId: input.hostId,
    shop: input.shop,
    steps: backupSteps,
    async run(context) {
      const { op, steps } = context
      steps.begin('validate')
      const active = (engine = await deps.engine(input.hostId))
      checkRole(active.role, 'edit')
      const record = await active.store.read(input.shop)
      const volumes = shopVolumes(record, input.shop)
      const id = await reserveBackupId(active.store, record.dir)
      const dir = backupDirectory(record.dir, id)
      written = dir
      const archived = new Map<string, BackupVolume>()

      // Under the shop's lock from the first archive to the manifest: no restore or prune of this shop meanwhile.
      return active.store.withLock(input.shop, deps.user, async () => {
        steps.begin('archive')
        const images = await HelperBoxes.around(active.runtime, deps.helperImage, (boxes) =>
          aroundPause(
            active,
            context,
            input.shop,
            volumes.map((v) => v.volume),
            async (pass) => {
              const sum = progressSum()
              for (const { key, volume } of volumes) {
                steps.cancelled()
                const file = pass === 'first' ? `${key}.tar` : `${key}.changes.tar`
                const archive = await archiveVolume(boxes, { volume, dir, key, file, pass }, op.signal, (progress) =>
                  op.progress('archive', sum(key, progress), volume),
                )
                if (pass === 'first') archived.set(key, { key, volume, ...archive })
                else archived.get(key)!.changes = archive
              }
              if (pass === 'first') op.step('archive', 'done', { key: 'volumes', values: { count: archived.size } })
            },
          ),
        )

        steps.begin('manifest', id)
        const manifest: BackupManifest = {
          id,
          shop: input.shop,
          template: record.metadata.template,
          domain: record.metadata.domain,
          createdAt: new Date().toISOString(),
          createdBy: deps.user,
          volumes: [...archived.values()],
          images,
        }
        await active.store.writeFiles(dir, [{ path: BACKUP_MANIFEST, content: `${JSON.stringify(manifest, null, 2)}\n`, mode: 0o644 }])
        written = undefined
        // Still under the lock, so it never meets a backup of this shop being written; housekeeping only: a prune
        // that fails leaves a backup too many, and the backup stays a success.
        await active.store.pruneBackups(input.shop, deps.keep, [id]).catch(() => undefined)
        op.step('manifest', 'done', id)
        return { url: '', login: null, seconds: (Date.now() - context.startedAt) / 1000, backupId: id }
      })
    },
    async settle() {
      // A half-written backup is no backup: it goes, so a listing never offers it.
      if (engine && written) await engine.store.removeDir(written)
    },
  })
}
