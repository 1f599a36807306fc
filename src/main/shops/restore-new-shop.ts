// A new shop from a backup of another: the source shop's template, parameters and image, the secrets its data
// depends on, and every volume filled from the backup's archives (checked first) instead of from the live shop.
import { AppError, toAppError } from '@shared/errors'
import { restoreNewSteps, type OperationSnapshot } from '@shared/operations'
import type { HostSession } from '../host/host-session'
import type { OperationHandle } from '../operations/operation-registry'
import { reserveShop, settleFailure, stepper } from './reserve-shop'
import { backupDir, listBackups, unpackArchive, verifyArchives } from './shop-backup'
import { finishShopCopy, planShopCopy, type CopyDeps } from './shop-copy'
import { launchOperation, type ShopOperationDeps } from './shop-operation'
import { shopDir } from './shop-record'

export interface RestoreNewInput {
  hostId: string
  /** The shop the backup belongs to. */
  shop: string
  backupId: string
  name: string
  domain: string
  description: string
}

export interface RestoreNewDeps extends ShopOperationDeps, CopyDeps {
  helperImage: string
}

export function startRestoreAsNewShop(input: RestoreNewInput, deps: RestoreNewDeps): OperationSnapshot {
  return launchOperation(deps, 'restore', { hostId: input.hostId, shop: input.name }, restoreNewSteps, (op) => runRestoreNew(input, deps, op))
}

async function runRestoreNew(input: RestoreNewInput, deps: RestoreNewDeps, op: OperationHandle): Promise<void> {
  const started = Date.now()
  const steps = stepper(op)
  let session: HostSession | undefined
  let reserved: string | undefined
  const createdVolumes: string[] = []
  try {
    steps.begin('validate')
    session = await deps.session(input.hostId)
    const copy = await planShopCopy(session, deps, input.shop, input)
    const manifest = (await listBackups(session, input.shop)).find((b) => b.id === input.backupId)
    if (!manifest) throw new AppError('not_found', `There is no backup "${input.backupId}" of "${input.shop}".`)
    const wanted = new Set(Object.keys(copy.template.compose.volumes ?? {}))
    const volumes = manifest.volumes.filter((v) => wanted.has(v.key)).map((v) => ({ key: v.key, volume: `${input.name}_${v.key}` }))
    const archives = backupDir(copy.record.dir, manifest.id)
    steps.cancelled()

    steps.begin('reserve')
    const dir = shopDir(session, input.name)
    await reserveShop(session, dir, input.name, volumes.map((v) => v.volume))
    reserved = dir
    steps.cancelled()

    steps.begin('verify')
    await verifyArchives(session, deps.helperImage, archives, manifest)

    steps.begin('restore')
    for (const { key, volume } of volumes) {
      steps.cancelled()
      await session.docker.createVolume({ Name: volume, Labels: { 'com.docker.compose.project': input.name, 'com.docker.compose.volume': key } })
      createdVolumes.push(volume)
      await unpackArchive(session, deps.helperImage, archives, key, volume, (progress) => op.progress('restore', progress, volume))
    }

    await finishShopCopy(session, op, steps, deps, copy, { ...input, dir, startedAt: started, fromBackup: manifest.id })
  } catch (error) {
    const failure = toAppError(error)
    if (session && reserved) await settleFailure(session, reserved, failure, { operation: 'clone', step: steps.current, createdVolumes })
    op.fail(failure, steps.current)
  }
}
