// Clone ("Vorlage" in the seed): a new shop with all of an existing shop's data. The volumes are copied while the
// source runs, then the source is paused only to copy what changed meanwhile (a consistent, crash-safe point in
// time), and put back as it was; the copy runs on the host.
import { cloneSteps, type CloneStep } from '@shared/operations'
import { volumeName } from '../engine/host-layout'
import type { ShopEngine } from '../engine/shop-engine'
import type { StartedOperation } from '../operations/operation-runner'
import type { Template } from '../templates/template-loader'
import { reserveShop, settleNewShop } from './reserve-shop'
import { finishShopCopy, planShopCopy, type CopyDeps } from './shop-copy'
import type { LifecycleDeps } from './shop-lifecycle'
import { shopVolumes, type ShopRecord } from './shop-record'
import { copyVolume, progressSum } from './volume-copy'
import { aroundPause } from './around-pause'
import { HelperBoxes } from './helper-boxes'
import { followHostOperation } from './host-operation'

export interface CloneShopInput {
  hostId: string
  source: string
  name: string
  domain: string
  description: string
}

export interface CloneShopDeps extends LifecycleDeps, CopyDeps {
  /** An image with sh, GNU tar and coreutils, for the copy on the host. */
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
    .map(({ key, volume }) => ({ key, from: volume, to: volumeName(target, key) }))
}

export function startCloneShop(input: CloneShopInput, deps: CloneShopDeps): StartedOperation {
  let engine: ShopEngine | undefined
  let reserved = false
  const createdVolumes: string[] = []
  return deps.runner.start<CloneStep>({
    kind: 'clone',
    hostId: input.hostId,
    shop: input.name,
    steps: cloneSteps,
    async run(context) {
      const { op, steps } = context
      steps.begin('validate')
      const active = await deps.engine(input.hostId)
      const host = active.host
      // A sales key's host copies the shop itself; this side follows it.
      if (host) return followHostOperation(context, (run) => host.clone(input, run))
      engine = active
      const copy = await planShopCopy(active, deps, input.source, input)
      const pairs = volumePairs(copy.record, input.source, input.name, copy.template)

      steps.begin('reserve')
      await reserveShop(
        active,
        input.name,
        pairs.map((pair) => pair.to),
      )
      reserved = true

      // The source's lock for both passes: no other change of it runs between them.
      await active.store.withLock(input.source, deps.user, () => {
        steps.begin('copy')
        return HelperBoxes.around(active.runtime, deps.helperImage, (boxes) =>
          aroundPause(
            active,
            context,
            input.source,
            pairs.map((pair) => pair.from),
            async (pass) => {
              const sum = progressSum()
              for (const pair of pairs) {
                steps.cancelled()
                if (pass === 'first') {
                  op.step('copy', 'running', pair.from)
                  await active.runtime.createVolume(pair.to, input.name, pair.key)
                  createdVolumes.push(pair.to)
                }
                await copyVolume(boxes, pair.from, pair.to, {
                  pass,
                  stateDir: active.store.dir(input.name),
                  key: pair.key,
                  signal: op.signal,
                  ...(pass === 'first' ? { onProgress: (progress) => op.progress('copy', sum(pair.key, progress), `${pair.from} → ${pair.to}`) } : {}),
                })
              }
              if (pass === 'first') op.step('copy', 'done', { key: 'volumes', values: { count: pairs.length } })
            },
          ),
        )
      })
      return finishShopCopy(active, context, deps, copy, input)
    },
    async settle(failure, step) {
      if (engine && reserved) await settleNewShop(engine, input.name, failure, { operation: 'clone', step, createdVolumes })
    },
  })
}
