// Clone ("Vorlage" in the seed): a new shop with all of an existing shop's data. The source is paused only while
// its volumes are copied (a consistent, crash-safe snapshot), then put back as it was; the copy runs on the host.
import { toAppError } from '@shared/errors'
import { cloneSteps, type OperationSnapshot } from '@shared/operations'
import type { HostSession } from '../host/host-session'
import type { OperationHandle } from '../operations/operation-registry'
import type { Template } from '../templates/template-loader'
import { launchOperation, type ShopOperationDeps } from './shop-operation'
import { reserveShop, settleFailure, stepper } from './reserve-shop'
import { pauseShop } from './pause-shop'
import { finishShopCopy, planShopCopy, type CopyDeps } from './shop-copy'
import { withShopLock } from './shop-lock'
import { shopDir, shopVolumes, type ShopRecord } from './shop-record'
import { copyVolume } from './volume-copy'

export interface CloneShopInput {
  hostId: string
  source: string
  name: string
  domain: string
  description: string
}

export interface CloneShopDeps extends ShopOperationDeps, CopyDeps {
  /** An image with sh, tar and du, for the copy on the host. */
  helperImage: string
}

interface VolumePair {
  key: string
  from: string
  to: string
}

/** The source's named volumes (as its compose file names them) and the clone's, by volume key. */
export function volumePairs(record: ShopRecord, source: string, target: string, template: Template): VolumePair[] {
  const wanted = new Set(Object.keys(template.compose.volumes ?? {}))
  return shopVolumes(record, source)
    .filter(({ key }) => wanted.has(key))
    .map(({ key, volume }) => ({ key, from: volume, to: `${target}_${key}` }))
}

export function startCloneShop(input: CloneShopInput, deps: CloneShopDeps): OperationSnapshot {
  return launchOperation(deps, 'clone', { hostId: input.hostId, shop: input.name }, cloneSteps, (op) => runClone(input, deps, op))
}

async function runClone(input: CloneShopInput, deps: CloneShopDeps, op: OperationHandle): Promise<void> {
  const started = Date.now()
  const steps = stepper(op)
  let session: HostSession | undefined
  let reserved: string | undefined
  const createdVolumes: string[] = []
  try {
    steps.begin('validate')
    session = await deps.session(input.hostId)
    const copy = await planShopCopy(session, deps, input.source, input)
    const pairs = volumePairs(copy.record, input.source, input.name, copy.template)
    steps.cancelled()

    steps.begin('reserve')
    const dir = shopDir(session, input.name)
    await reserveShop(session, dir, input.name, pairs.map((pair) => pair.to))
    reserved = dir
    steps.cancelled()

    const active = session
    await withShopLock(active, input.source, deps.user, async () => {
      steps.begin('pause')
      const paused = await pauseShop(active, input.source, pairs.map((pair) => pair.from))
      const unpaused = (): void => op.step('resume', 'running', { key: 'unpaused' })
      op.step('pause', 'done', paused.paused > 0 ? { key: 'paused', values: { count: paused.paused } } : { key: 'notRunning' })
      try {
        steps.enter('copy')
        const totals = new Map<string, { done: number; total: number }>()
        for (const pair of pairs) {
          steps.cancelled()
          op.step('copy', 'running', pair.from)
          await active.docker.createVolume({ Name: pair.to, Labels: { 'com.docker.compose.project': input.name, 'com.docker.compose.volume': pair.key } })
          createdVolumes.push(pair.to)
          await copyVolume(active.docker, deps.helperImage, pair.from, pair.to, {
            signal: op.signal,
            onProgress: (progress) => {
              totals.set(pair.key, progress)
              const sum = [...totals.values()].reduce((a, b) => ({ done: a.done + b.done, total: a.total + b.total }), { done: 0, total: 0 })
              op.progress('copy', sum, `${pair.from} → ${pair.to}`)
            },
          })
        }
        op.step('copy', 'done', { key: 'volumes', values: { count: pairs.length } })
      } catch (error) {
        // Back as it was, whatever happened to the copy; the failure stays the copy's.
        op.step('resume', 'done', await paused.resume(unpaused))
        throw error
      }
      steps.enter('resume')
      op.step('resume', 'done', await paused.resume(unpaused))
    })
    steps.cancelled()

    await finishShopCopy(session, op, steps, deps, copy, { ...input, dir, startedAt: started })
  } catch (error) {
    const failure = toAppError(error)
    if (session && reserved) await settleFailure(session, reserved, failure, { operation: 'clone', step: steps.current, createdVolumes })
    op.fail(failure, steps.current)
  }
}
