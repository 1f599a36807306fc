// Safe update: a new app image is pulled first, applied with `up -d` and must become healthy within the
// template's timeout; if it does not, the previous image is put back on its own and the user is told what
// happened, with the failing service's last log lines.
import { AppError, toAppError } from '@shared/errors'
import { updateSteps, type UpdateStep } from '@shared/operations'
import type { ShopEngine } from '../engine/shop-engine'
import { containersNote } from '../engine/shop-status'
import type { StartedOperation } from '../operations/operation-runner'
import { resolveParams } from '../templates/parameters'
import { renderShop } from '../templates/render'
import { pullImages } from './pull-step'
import { secretMasker } from './secret-mask'
import type { LifecycleDeps } from './shop-lifecycle'
import { shopFiles, volumeNames, type ShopMetadata, type ShopRecord } from './shop-record'
import { checkRole } from './shop-role'
import { routedShop, routeOf, shopUrl } from './shop-routing'

export interface UpdateShopInput {
  hostId: string
  shop: string
  image: string
}

export interface UpdateShopDeps extends LifecycleDeps {
  certResolver: string | null
}

export function startUpdateShop(input: UpdateShopInput, deps: UpdateShopDeps): StartedOperation {
  let engine: ShopEngine | undefined
  let record: ShopRecord | undefined
  return deps.runner.start<UpdateStep>({
    kind: 'update',
    hostId: input.hostId,
    shop: input.shop,
    steps: updateSteps,
    cancellable: false,
    async run(context) {
      const { op, steps } = context
      steps.begin('validate')
      const active = (engine = await deps.engine(input.hostId))
      checkRole(active.role, 'edit')
      await active.store.withLock(input.shop, deps.user, async () => {
        const current = (record = await active.store.read(input.shop))
        const template = await deps.template(current.metadata.template)
        if (!template.manifest.image) throw new AppError('invalid_input', `The template "${template.id}" has no service whose image may be changed.`)
        const params = resolveParams(template.manifest, current.metadata.params)
        const mask = secretMasker(current.secrets)
        const project = { name: input.shop, dir: current.dir }
        const apply = (image: string | undefined): Promise<void> => {
          const rendered = routedShop(
            renderShop(template, {
              name: input.shop,
              domain: current.metadata.domain,
              params,
              secrets: current.secrets,
              certResolver: deps.certResolver,
              volumes: volumeNames(current, input.shop),
              ...(image ? { image } : {}),
            }),
            template.manifest.entry,
            routeOf(current.metadata),
          )
          const { image: _old, ...rest } = current.metadata
          const metadata: ShopMetadata = { ...rest, ...(image ? { image } : {}), editedBy: deps.user, editedAt: new Date().toISOString() }
          return active.store.writeFiles(current.dir, shopFiles(rendered, metadata))
        }
        const healthTimeoutMs = template.manifest.healthTimeoutSeconds * 1000

        steps.begin('pull', input.image)
        await pullImages([input.image], { runtime: active.runtime, auth: deps.registryAuth, op, step: 'pull' })
        steps.begin('apply')
        await apply(input.image)
        try {
          await active.runtime.apply(project, { mask, onOutput: (line) => op.log(line) })
          steps.begin('health')
          await active.runtime.waitHealthy(input.shop, {
            timeoutMs: healthTimeoutMs,
            failOnUnhealthy: true,
            onChange: (containers) => op.step('health', 'running', containersNote(containers)),
          })
        } catch (error) {
          const failure = toAppError(error)
          op.step('health', 'failed', failure.message)
          const service = template.manifest.image.service
          const lines = await active.runtime
            .logs(input.shop, { service, tail: 15 }, mask)
            .then((found) => found.map((l) => l.text).join('\n'))
            .catch(() => '')
          steps.enter('rollback')
          const previous = current.metadata.image
          await apply(previous)
          await active.runtime.apply(project, { mask, onOutput: (line) => op.log(line) })
          await active.runtime.waitHealthy(input.shop, { timeoutMs: healthTimeoutMs })
          op.step('rollback', 'done', previous ?? { key: 'templateImage' })
          throw new AppError(
            'update_rolled_back',
            `${input.image} did not become healthy (${failure.message}); the shop runs ${previous ?? "the template's image"} again.${lines ? `\nLast lines of ${service}:\n${lines}` : ''}`,
            { details: { image: input.image, previous: previous ?? '', reason: failure.message, service, lastLines: lines } },
          )
        }
        steps.skip('rollback')
        await active.store.clearFailure(input.shop)
      })
      return { url: shopUrl(record!.metadata.domain, routeOf(record!.metadata)), login: null, seconds: (Date.now() - context.startedAt) / 1000 }
    },
    failedAt: (failure, current) => (failure.code === 'update_rolled_back' ? 'health' : current),
    async settle(failure, step) {
      // A rolled-back update left the shop as it was: nothing to record as broken.
      if (engine && record && failure.code !== 'update_rolled_back') await engine.store.recordFailure(input.shop, { operation: 'update', step }, failure)
    },
  })
}
