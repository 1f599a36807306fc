// Restore: a shop's data replaced by a backup's. Every archive's checksum is checked before anything is touched;
// cancel is offered until the shop is stopped for the restore.
import { AppError } from '@shared/errors'
import { restoreSteps, type RestoreStep } from '@shared/backups'
import { backupDirectory } from '../engine/host-layout'
import type { ShopEngine } from '../engine/shop-engine'
import { containersNote } from '../engine/shop-status'
import type { StartedOperation } from '../operations/operation-runner'
import { unpackArchive, verifyArchives } from './backup-archives'
import type { BackupDeps } from './backup-shop'
import { secretMasker } from './secret-mask'
import { checkRole } from './shop-role'
import { shopVolumes } from './shop-record'

export interface RestoreInput {
  hostId: string
  shop: string
  backupId: string
  /** The shop's name, typed by the user: restoring replaces its data. */
  confirm: string
}

export function startRestore(input: RestoreInput, deps: BackupDeps): StartedOperation {
  let stopped: ShopEngine | undefined
  return deps.runner.start<RestoreStep>({
    kind: 'restore',
    hostId: input.hostId,
    shop: input.shop,
    steps: restoreSteps,
    async run(context) {
      const { op, steps } = context
      steps.begin('validate')
      const engine = await deps.engine(input.hostId)
      checkRole(engine.role, 'edit')
      if (input.confirm !== input.shop) {
        throw new AppError('invalid_input', `To restore, type the shop's name "${input.shop}".`, {
          fields: [{ path: 'confirm', message: 'does not match' }],
          say: { key: 'confirmRestore', values: { shop: input.shop } },
        })
      }
      const record = await engine.store.read(input.shop)
      const manifest = (await engine.store.backups(input.shop)).find((b) => b.id === input.backupId)
      if (!manifest)
        throw new AppError('not_found', `There is no backup "${input.backupId}" of "${input.shop}".`, {
          say: { key: 'noBackup', values: { shop: input.shop, id: input.backupId } },
        })
      const dir = backupDirectory(record.dir, manifest.id)
      const template = await deps.template(record.metadata.template)
      const project = { name: input.shop, dir: record.dir }

      return engine.store.withLock(input.shop, deps.user, async () => {
        steps.begin('verify')
        await verifyArchives(engine.runtime, deps.helperImage, dir, manifest, op.signal)

        steps.cancelled()
        steps.noCancelFromHere()
        steps.begin('stop')
        stopped = engine
        await engine.runtime.control(project, 'stop')

        steps.begin('restore')
        // By key into this shop's own volumes: an uploaded backup may come from another shop.
        const own = new Map(shopVolumes(record, input.shop).map((v) => [v.key, v.volume]))
        for (const archived of manifest.volumes) {
          const volume = own.get(archived.key)
          if (!volume) throw new AppError('invalid_input', `The shop "${input.shop}" has no volume "${archived.key}" to restore into.`)
          if (!(await engine.runtime.volumeExists(volume))) await engine.runtime.createVolume(volume, input.shop, archived.key)
          await unpackArchive(engine.runtime, deps.helperImage, dir, archived.key, volume, (progress) => op.progress('restore', progress, volume))
        }

        steps.begin('start')
        await engine.runtime.apply(project, { mask: secretMasker(record.secrets), onOutput: (line) => op.log(line) })
        steps.begin('health')
        await engine.runtime.waitHealthy(input.shop, {
          timeoutMs: template.manifest.healthTimeoutSeconds * 1000,
          onChange: (containers) => op.step('health', 'running', containersNote(containers)),
        })
        await engine.store.clearFailure(input.shop)
        return { url: `https://${record.metadata.domain}`, login: null, seconds: (Date.now() - context.startedAt) / 1000, backupId: input.backupId }
      })
    },
    async settle(failure, step) {
      // Once the shop was stopped for the restore, a failure leaves it changed: every laptop must see why.
      if (stopped) await stopped.store.recordFailure(input.shop, { operation: 'restore', step }, failure)
    },
  })
}
