// Creating a shop, as one operation: validate, reserve its directory, write its files, publish its name, start it,
// wait until healthy. Every step is reported; a failure leaves the host in a state the overview shows truthfully.
import { createSteps, type CreateStep } from '@shared/operations'
import type { HostCreate } from '../engine/host-lifecycle'
import { volumeName } from '../engine/host-layout'
import type { ShopEngine } from '../engine/shop-engine'
import type { StartedOperation } from '../operations/operation-runner'
import { generateSecrets, resolveParams } from '../templates/parameters'
import { renderShop } from '../templates/render'
import { followHostOperation } from './host-operation'
import { publishStep, type PublishName } from './publish-step'
import { pullImages } from './pull-step'
import { reserveShop, settleNewShop } from './reserve-shop'
import type { LifecycleDeps } from './shop-lifecycle'
import { newShopMetadata, shopFiles } from './shop-record'
import { checkHostRoom } from './host-room'
import { startNewShop } from './start-new-shop'
import { routedShop, shopUrl, traefikRouting, type ShopRouting } from './shop-routing'

/** What the wizard asks, on the host it names (a gated host gets the same fields: HostCreate). */
export interface CreateShopInput extends HostCreate {
  hostId: string
}

export interface CreateShopDeps extends LifecycleDeps {
  certResolver: string | null
  now?: () => Date
  publishName?: PublishName
  /** How the host's shops are reached (its kind says); Traefik where not given. */
  routing?: ShopRouting
}

export function startCreateShop(input: CreateShopInput, deps: CreateShopDeps): StartedOperation {
  const now = deps.now ?? (() => new Date())
  let engine: ShopEngine | undefined
  let reserved = false
  return deps.runner.start<CreateStep>({
    kind: 'create',
    hostId: input.hostId,
    shop: input.name,
    steps: createSteps,
    async run(context) {
      const { steps } = context
      steps.begin('validate')
      const host = (await deps.engine(input.hostId)).host
      // A sales key's host renders its own installed template and creates the shop; this side follows it.
      if (host) return followHostOperation(context, (run) => host.create(input, run))
      const template = await deps.template(input.templateId)
      const params = resolveParams(template.manifest, input.params)
      const secrets = generateSecrets(template.manifest)
      engine = await deps.engine(input.hostId)
      const route = await (deps.routing ?? traefikRouting).assign(engine, input.name)
      const rendered = routedShop(
        renderShop(template, {
          name: input.name,
          domain: input.domain,
          params,
          secrets,
          certResolver: deps.certResolver,
          ...(input.image ? { image: input.image } : {}),
        }),
        template.manifest.entry,
        route,
      )
      await checkHostRoom(engine, template)

      // A missing image or a refused login is found before a file is written.
      steps.begin('pull', rendered.images.join(', '))
      await pullImages(rendered.images, { runtime: engine.runtime, auth: deps.registryAuth, op: context.op, step: 'pull', signal: context.signal })

      steps.begin('reserve', engine.store.dir(input.name))
      const dir = await reserveShop(
        engine,
        input.name,
        Object.keys(template.compose.volumes ?? {}).map((key) => volumeName(input.name, key)),
      )
      reserved = true

      steps.begin('write')
      const metadata = newShopMetadata(
        { template: template.id, description: input.description, domain: input.domain, params, image: input.image, createdBy: deps.user, ...route },
        now(),
      )
      await engine.store.writeFiles(dir, shopFiles(rendered, metadata))
      await publishStep(context, rendered.hosts, deps.publishName)
      if (!input.start) {
        steps.skip('start', { key: 'notStarted' })
        steps.skip('health')
        return { url: shopUrl(input.domain, route), login: null, seconds: (now().getTime() - context.startedAt) / 1000 }
      }
      return startNewShop(engine, context, { name: input.name, domain: input.domain, route, template, secrets, params })
    },
    async settle(failure, step) {
      if (engine && reserved) await settleNewShop(engine, input.name, failure, { operation: 'create', step })
    },
  })
}
