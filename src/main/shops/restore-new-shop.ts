// A new shop from a backup of another: the source shop's template, parameters and image, the secrets its data
// depends on, and every volume filled from the backup's archives (each checked as it streams) instead of from the
// live shop.
import { AppError } from '@shared/errors'
import { restoreNewSteps, type RestoreNewStep } from '@shared/operations'
import { backupDirectory, volumeName } from '../engine/host-layout'
import type { ShopEngine } from '../engine/shop-engine'
import type { StartedOperation } from '../operations/operation-runner'
import { unpackArchives } from './backup-archives'
import type { BackupDeps } from './backup-shop'
import { reserveShop, settleNewShop } from './reserve-shop'
import { finishShopCopy, planShopCopy, type CopyDeps } from './shop-copy'
import { checkRole } from './shop-role'

export interface RestoreNewInput {
  hostId: string
  /** The shop the backup belongs to. */
  shop: string
  backupId: string
  name: string
  domain: string
  description: string
}

export type RestoreNewDeps = BackupDeps & CopyDeps

export function startRestoreAsNewShop(input: RestoreNewInput, deps: RestoreNewDeps): StartedOperation {
  let engine: ShopEngine | undefined
  let reserved = false
  const createdVolumes: string[] = []
  return deps.runner.start<RestoreNewStep>({
    kind: 'restore',
    hostId: input.hostId,
    shop: input.name,
    steps: restoreNewSteps,
    async run(context) {
      const { op, steps } = context
      steps.begin('validate')
      const active = (engine = await deps.engine(input.hostId))
      // A backup holds every secret of the shop's data: reading it into a new shop is an admin's.
      checkRole(active.role, 'edit')
      const copy = await planShopCopy(active, deps, input.shop, input)
      const manifest = (await active.store.backups(input.shop)).find((b) => b.id === input.backupId)
      if (!manifest)
        throw new AppError('not_found', `There is no backup "${input.backupId}" of "${input.shop}".`, {
          say: { key: 'noBackup', values: { shop: input.shop, id: input.backupId } },
        })
      const wanted = new Set(Object.keys(copy.template.compose.volumes ?? {}))
      const volumes = manifest.volumes.filter((v) => wanted.has(v.key)).map((v) => ({ key: v.key, volume: volumeName(input.name, v.key) }))
      const archives = backupDirectory(copy.record.dir, manifest.id)

      steps.begin('reserve')
      await reserveShop(
        active,
        input.name,
        volumes.map((v) => v.volume),
      )
      reserved = true

      steps.begin('restore')
      // Each archive is checked as it is unpacked: a damaged one fails the new shop, which then goes entirely.
      for (const { key, volume } of volumes) {
        steps.cancelled()
        await active.runtime.createVolume(volume, input.name, key)
        createdVolumes.push(volume)
        const archived = manifest.volumes.find((v) => v.key === key)!
        await unpackArchives(
          active.runtime,
          deps.helperImage,
          archives,
          { id: manifest.id, volume: archived },
          volume,
          (progress) => op.progress('restore', progress, volume),
          op.signal,
        )
      }
      return finishShopCopy(active, context, deps, copy, { ...input, fromBackup: manifest.id })
    },
    async settle(failure, step) {
      if (engine && reserved) await settleNewShop(engine, input.name, failure, { operation: 'restore', step, createdVolumes })
    },
  })
}
