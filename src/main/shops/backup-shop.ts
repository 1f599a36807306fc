// Backups of a shop on its host: every named volume archived by a helper container into
// <base>/<shop>/backups/<id>/ (the shop's writers paused only meanwhile), checksummed, with a manifest; the last N kept.
import { AppError } from '@shared/errors'
import { backupSteps, type BackupManifest, type BackupStep, type BackupVolume } from '@shared/backups'
import { backupDirectory, BACKUP_MANIFEST } from '../engine/host-layout'
import type { ShopEngine } from '../engine/shop-engine'
import type { StartedOperation } from '../operations/operation-runner'
import { ARCHIVE, CHECKSUMS } from './backup-archives'
import { reserveBackupId } from './backup-id'
import type { LifecycleDeps } from './shop-lifecycle'
import { checkRole } from './shop-role'
import { shopVolumes } from './shop-record'
import { progressSum } from './volume-copy'
import { whileFrozen } from './while-frozen'

export interface BackupDeps extends LifecycleDeps {
  helperImage: string
  /** How many backups per shop to keep (the oldest go). */
  keep: number
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
      await active.store.makeDir(dir)
      written = dir
      const archived: BackupVolume[] = []

      const images = await active.store.withLock(input.shop, deps.user, () =>
        whileFrozen(
          active,
          context,
          input.shop,
          volumes.map((v) => v.volume),
          'archive',
          async () => {
            const sum = progressSum()
            for (const { key, volume } of volumes) {
              steps.cancelled()
              let bytes = 0
              await active.runtime.runHelper(deps.helperImage, {
                mounts: [
                  { source: volume, target: '/from', readOnly: true },
                  { source: dir, target: '/to' },
                ],
                script: ARCHIVE,
                env: { NAME: key },
                what: `Archiving ${volume}`,
                signal: op.signal,
                onLine: (line) => {
                  const [word, value = ''] = line.split(' ')
                  if (word === 'size') bytes = Number(value)
                },
                onProgress: (progress) => op.progress('archive', sum(key, progress), volume),
              })
              archived.push({ key, volume, file: `${key}.tar`, bytes, sha512: '' })
            }
            op.step('archive', 'done', { key: 'volumes', values: { count: archived.length } })
          },
        ),
      )

      steps.begin('manifest', id)
      // The shop runs again already: checksums need only the archives.
      const sums = new Map<string, string>()
      await active.runtime.runHelper(deps.helperImage, {
        mounts: [{ source: dir, target: '/from', readOnly: true }],
        script: CHECKSUMS,
        what: 'Checksumming the archives',
        signal: op.signal,
        onLine: (line) => {
          const [sha = '', file = ''] = line.split(/\s+/)
          if (/^[0-9a-f]{128}$/.test(sha)) sums.set(file, sha)
        },
      })
      for (const volume of archived) {
        const sha = sums.get(volume.file)
        if (!sha) throw new AppError('internal', `No checksum for ${volume.file}.`)
        volume.sha512 = sha
      }
      const manifest: BackupManifest = {
        id,
        shop: input.shop,
        template: record.metadata.template,
        domain: record.metadata.domain,
        createdAt: new Date().toISOString(),
        createdBy: deps.user,
        volumes: archived,
        images,
      }
      await active.store.writeFiles(dir, [{ path: BACKUP_MANIFEST, content: `${JSON.stringify(manifest, null, 2)}\n`, mode: 0o644 }])
      written = undefined
      // The backup is complete: pruning is housekeeping, and a laptop holding the lock just now must not fail it.
      await active.store.withLock(input.shop, deps.user, () => active.store.pruneBackups(input.shop, deps.keep, [id])).catch(() => undefined)
      op.step('manifest', 'done', id)
      return { url: '', login: null, seconds: (Date.now() - context.startedAt) / 1000, backupId: id }
    },
    async settle() {
      // A half-written backup is no backup: it goes, so a listing never offers it.
      if (engine && written) await engine.store.removeDir(written)
    },
  })
}
