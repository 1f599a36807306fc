// Creating a shop, as one operation: validate, reserve its directory, write its files, start it, wait until
// healthy. Every step is reported; a failure leaves the host in a state the overview shows truthfully.
import { toAppError } from '@shared/errors'
import { createSteps, type OperationSnapshot } from '@shared/operations'
import type { HostSession } from '../host/host-session'
import { writeShopFiles } from '../host/remote-files'
import type { OperationHandle } from '../operations/operation-registry'
import { generateSecrets, resolveParams } from '../templates/parameters'
import { renderShop } from '../templates/render'
import { launchOperation, type ShopOperationDeps } from './shop-operation'
import { publishStep, reserveShop, settleFailure, startNewShop, stepper, type PublishName } from './reserve-shop'
import { newShopMetadata, shopDir, shopFiles } from './shop-record'

export interface CreateShopInput {
  hostId: string
  name: string
  description: string
  templateId: string
  domain: string
  params: Record<string, unknown>
  image?: string
  start: boolean
}

export interface CreateShopDeps extends ShopOperationDeps {
  certResolver: string | null
  now?: () => Date
  publishName?: PublishName
}

export function startCreateShop(input: CreateShopInput, deps: CreateShopDeps): OperationSnapshot {
  return launchOperation(deps, 'create', { hostId: input.hostId, shop: input.name }, createSteps, (op) => runCreate(input, deps, op))
}

async function runCreate(input: CreateShopInput, deps: CreateShopDeps, op: OperationHandle): Promise<void> {
  const now = deps.now ?? (() => new Date())
  const started = now().getTime()
  const steps = stepper(op)
  let session: HostSession | undefined
  let reserved: string | undefined
  try {
    steps.begin('validate')
    const template = await deps.template(input.templateId)
    const params = resolveParams(template.manifest, input.params)
    const secrets = generateSecrets(template.manifest)
    const rendered = renderShop(template, { name: input.name, domain: input.domain, params, secrets, certResolver: deps.certResolver, ...(input.image ? { image: input.image } : {}) })
    session = await deps.session(input.hostId)
    const dir = shopDir(session, input.name)
    steps.cancelled()

    steps.begin('reserve', dir)
    await reserveShop(session, dir, input.name, Object.keys(template.compose.volumes ?? {}).map((key) => `${input.name}_${key}`))
    reserved = dir
    steps.cancelled()

    steps.begin('write')
    const metadata = newShopMetadata({ template: template.id, description: input.description, domain: input.domain, params, image: input.image, createdBy: deps.user }, now())
    await writeShopFiles(session, dir, shopFiles(rendered, metadata))
    steps.cancelled()
    await publishStep(op, steps, input.domain, deps.publishName)
    steps.cancelled()
    if (!input.start) {
      steps.skip('start', { key: 'notStarted' })
      op.step('health', 'skipped')
      op.step('done', 'done')
      op.succeed({ url: `https://${input.domain}`, login: null, seconds: (now().getTime() - started) / 1000 })
      return
    }

    await startNewShop(session, op, steps, { dir, name: input.name, domain: input.domain, template, secrets, startedAt: started })
  } catch (error) {
    const failure = toAppError(error)
    if (session && reserved) await settleFailure(session, reserved, failure, { operation: 'create', step: steps.current })
    op.fail(failure, steps.current)
  }
}
