// Clone ("Vorlage" in the seed): a new shop with all of an existing shop's data. The source is paused only while
// its volumes are copied (a consistent, crash-safe snapshot), then put back as it was; the copy runs on the host.
import { cloneSteps, type OperationSnapshot } from '@shared/operations'
import type { HostSession } from '../host/host-session'
import { writeShopFiles } from '../host/remote-files'
import type { OperationHandle } from '../operations/operation-registry'
import { generateSecret, resolveParams } from '../templates/parameters'
import { renderShop } from '../templates/render'
import type { Template } from '../templates/template-loader'
import { launchOperation, type ShopOperationDeps } from './shop-operation'
import { asAppError, publishStep, reserveShop, settleFailure, startNewShop, stepper, type PublishName } from './reserve-shop'
import { pauseShop } from './pause-shop'
import { withShopLock } from './shop-lock'
import { newShopMetadata, readShopRecord, shopDir, shopFiles, shopVolumes, type ShopRecord } from './shop-record'
import { copyVolume } from './volume-copy'

export interface CloneShopInput {
  hostId: string
  source: string
  name: string
  domain: string
  description: string
}

export interface CloneShopDeps extends ShopOperationDeps {
  certResolver: string | null
  publishName?: PublishName
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

/** Secrets the copied data depends on come along; the others are new, so two shops share no more than needed. */
export function secretsForCopy(template: Template, record: ShopRecord): Record<string, string> {
  return Object.fromEntries(
    template.manifest.secrets.map((s) => [s.id, s.onClone === 'keep' && record.secrets[s.id] ? record.secrets[s.id]! : generateSecret(s.length, s.alphabet)]),
  )
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
    const record = await readShopRecord(session, input.source)
    const template = await deps.template(record.metadata.template)
    const params = resolveParams(template.manifest, record.metadata.params)
    const secrets = secretsForCopy(template, record)
    const image = record.metadata.image
    const rendered = renderShop(template, { name: input.name, domain: input.domain, params, secrets, certResolver: deps.certResolver, ...(image ? { image } : {}) })
    const pairs = volumePairs(record, input.source, input.name, template)
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
      const unpaused = (): void => op.step('resume', 'running', 'unpaused')
      op.step('pause', 'done', paused.paused > 0 ? `${paused.paused} paused` : 'not running')
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
        op.step('copy', 'done', `${pairs.length} volume(s)`)
      } catch (error) {
        // Back as it was, whatever happened to the copy; the failure stays the copy's.
        op.step('resume', 'done', await paused.resume(unpaused))
        throw error
      }
      steps.enter('resume')
      op.step('resume', 'done', await paused.resume(unpaused))
    })
    steps.cancelled()

    steps.begin('write')
    const metadata = newShopMetadata({ template: template.id, description: input.description, domain: input.domain, params, image, clonedFrom: input.source, createdBy: deps.user })
    await writeShopFiles(session, dir, shopFiles(rendered, metadata))
    await publishStep(op, steps, input.domain, deps.publishName)
    await startNewShop(session, op, steps, { dir, name: input.name, domain: input.domain, template, secrets, startedAt: started })
  } catch (error) {
    const failure = asAppError(error)
    if (session && reserved) await settleFailure(session, reserved, failure, { operation: 'clone', step: steps.current, createdVolumes })
    op.fail(failure, steps.current)
  }
}
