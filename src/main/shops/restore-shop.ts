// Restore: a shop's data replaced by a backup's, undoably. The archives are unpacked into new volumes (the next
// generation, `<shop>_<key>_g2`…) while the shop runs on with its data, each checked against its checksum as it
// streams; then the compose file is pointed at the new volumes and applied. Only once the shop is healthy do the
// old volumes go. A shop that does not get healthy, a cancel, or a failure on the way puts the old volumes back.
import { AppError, toAppError } from '@shared/errors'
import { restoreSteps, type BackupManifest, type RestoreStep } from '@shared/backups'
import { backupDirectory, COMPOSE_FILE } from '../engine/host-layout'
import type { ShopEngine } from '../engine/shop-engine'
import type { ShopProject } from '../engine/shop-runtime'
import { containersNote } from '../engine/shop-status'
import type { StartedOperation } from '../operations/operation-runner'
import { unpackArchives } from './backup-archives'
import type { BackupDeps } from './backup-shop'
import { secretMasker } from './secret-mask'
import { checkRole } from './shop-role'
import { routeOf, shopUrl } from './shop-routing'
import { nextGeneration, shopVolumes, withVolumeNames, type ShopRecord } from './shop-record'
import { progressSum } from './volume-copy'

export interface RestoreInput {
  hostId: string
  shop: string
  backupId: string
  /** The shop's name, typed by the user: restoring replaces its data. */
  confirm: string
}

interface NewVolume {
  key: string
  /** The volume the shop has now. */
  previous: string
  volume: string
}

/** The next free generation of each volume the backup has, by the key the shop's compose file names it by. */
async function newGenerations(engine: ShopEngine, shop: string, record: ShopRecord, manifest: BackupManifest): Promise<NewVolume[]> {
  const own = new Map(shopVolumes(record, shop).map((v) => [v.key, v.volume]))
  const planned: NewVolume[] = []
  // By key into this shop's own volumes: an uploaded backup may come from another shop.
  for (const { key } of manifest.volumes) {
    const previous = own.get(key)
    if (!previous)
      throw new AppError('invalid_input', `The shop "${shop}" has no volume "${key}" to restore into.`, {
        say: { key: 'noVolumeToRestore', values: { shop, key } },
      })
    // A volume left by a restore that was cut off is never reused: its contents are unknown.
    let skip = 0
    while (await engine.runtime.volumeExists(nextGeneration(shop, key, previous, skip))) skip++
    planned.push({ key, previous, volume: nextGeneration(shop, key, previous, skip) })
  }
  return planned
}

/** What the restore has changed on the host so far, and how to undo it. */
class RestoreChanges {
  readonly created: string[] = []
  /** The compose file before the switch, once the shop was pointed at the new volumes. */
  previousCompose: string | null = null

  constructor(
    private readonly engine: ShopEngine,
    private readonly project: ShopProject,
    private readonly mask: (text: string) => string,
  ) {}

  async switchTo(record: ShopRecord, volumes: readonly NewVolume[]): Promise<void> {
    const compose = withVolumeNames(record.compose, Object.fromEntries(volumes.map((v) => [v.key, v.volume])))
    this.previousCompose = record.compose
    await this.engine.store.writeFiles(record.dir, [{ path: COMPOSE_FILE, content: compose, mode: 0o644 }])
  }

  /** The old volumes back in the compose file and applied, the new ones removed. */
  async undo(onOutput?: (line: string) => void): Promise<void> {
    if (this.previousCompose !== null) {
      await this.engine.store.writeFiles(this.project.dir, [{ path: COMPOSE_FILE, content: this.previousCompose, mode: 0o644 }])
      await this.engine.runtime.apply(this.project, { mask: this.mask, ...(onOutput ? { onOutput } : {}) })
      this.previousCompose = null
    }
    while (this.created.length > 0) {
      await this.engine.runtime.removeVolume(this.created[this.created.length - 1]!)
      this.created.pop()
    }
  }
}

export function startRestore(input: RestoreInput, deps: BackupDeps): StartedOperation {
  let changes: RestoreChanges | undefined
  let engine: ShopEngine | undefined
  return deps.runner.start<RestoreStep>({
    kind: 'restore',
    hostId: input.hostId,
    shop: input.shop,
    steps: restoreSteps,
    async run(context) {
      const { op, steps } = context
      steps.begin('validate')
      const active = (engine = await deps.engine(input.hostId))
      checkRole(active.role, 'edit')
      if (input.confirm !== input.shop) {
        throw new AppError('invalid_input', `To restore, type the shop's name "${input.shop}".`, {
          fields: [{ path: 'confirm', message: 'does not match' }],
          say: { key: 'confirmRestore', values: { shop: input.shop } },
        })
      }
      const manifest = (await active.store.backups(input.shop)).find((b) => b.id === input.backupId)
      if (!manifest)
        throw new AppError('not_found', `There is no backup "${input.backupId}" of "${input.shop}".`, {
          say: { key: 'noBackup', values: { shop: input.shop, id: input.backupId } },
        })

      return active.store.withLock(input.shop, deps.user, async () => {
        // Read under the lock: the volumes are the ones an earlier restore may have just switched to.
        const record = await active.store.read(input.shop)
        const template = await deps.template(record.metadata.template)
        const project = { name: input.shop, dir: record.dir }
        const mask = secretMasker(record.secrets)
        const dir = backupDirectory(record.dir, manifest.id)
        const restoring = (changes = new RestoreChanges(active, project, mask))
        const volumes = await newGenerations(active, input.shop, record, manifest)

        steps.begin('restore')
        const sum = progressSum()
        for (const [index, target] of volumes.entries()) {
          steps.cancelled()
          await active.runtime.createVolume(target.volume, input.shop, target.key)
          restoring.created.push(target.volume)
          await unpackArchives(
            active.runtime,
            deps.helperImage,
            dir,
            { id: manifest.id, volume: manifest.volumes[index]! },
            target.volume,
            (progress) => op.progress('restore', sum(target.key, progress), target.volume),
            op.signal,
          )
        }

        steps.begin('start')
        await restoring.switchTo(record, volumes)
        await active.runtime.apply(project, { mask, onOutput: (line) => op.log(line) })
        try {
          steps.begin('health')
          await active.runtime.waitHealthy(input.shop, {
            timeoutMs: template.manifest.healthTimeoutSeconds * 1000,
            signal: op.signal,
            failOnUnhealthy: true,
            onChange: (containers) => op.step('health', 'running', containersNote(containers)),
          })
        } catch (error) {
          const failure = toAppError(error)
          op.step('health', 'failed', failure.message)
          steps.enter('putBack')
          await restoring.undo((line) => op.log(line))
          await active.runtime
            .waitHealthy(input.shop, { timeoutMs: template.manifest.healthTimeoutSeconds * 1000 })
            .then(() => op.step('putBack', 'done', { key: 'previousData' }))
            .catch((late: Error) => op.step('putBack', 'done', late.message))
          if (failure.code === 'cancelled') throw failure
          throw new AppError(
            'restore_rolled_back',
            `The shop did not become healthy with the backup ${manifest.id} (${failure.message}); it runs with its previous data again.`,
            {
              details: { backupId: manifest.id, reason: failure.message },
            },
          )
        }
        steps.skip('putBack')

        // Healthy on the restored data: from here on there is nothing to go back to.
        steps.noCancelFromHere()
        steps.begin('cleanup')
        restoring.previousCompose = null
        restoring.created.length = 0
        const left: string[] = []
        for (const { previous } of volumes) await active.runtime.removeVolume(previous).catch(() => left.push(previous))
        op.step(
          'cleanup',
          'done',
          left.length > 0 ? { key: 'volumesLeft', values: { volumes: left.join(', ') } } : { key: 'volumesRemoved', values: { count: volumes.length } },
        )
        await active.store.clearFailure(input.shop)
        return {
          url: shopUrl(record.metadata.domain, routeOf(record.metadata)),
          login: null,
          seconds: (Date.now() - context.startedAt) / 1000,
          backupId: input.backupId,
        }
      })
    },
    failedAt: (failure, current) => (failure.code === 'restore_rolled_back' ? 'health' : current),
    async settle(failure, step) {
      if (!engine || !changes) return
      // Whatever stopped the restore on the way (a cancel, a dropped connection that came back, a full disk): the
      // old volumes back. Only if even that fails is the shop changed, and every laptop must see why.
      const undone = await changes.undo().then(
        () => true,
        () => false,
      )
      if (!undone) await engine.store.recordFailure(input.shop, { operation: 'restore', step }, failure)
    },
  })
}
