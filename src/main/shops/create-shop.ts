// Creating a shop, as one operation: validate, reserve its directory, write its files, start it, wait until
// healthy. Every step is reported; a failure leaves the host in a state the overview shows truthfully.
import { createSteps, type OperationSnapshot } from '@shared/operations'
import type { HostSession } from '../host/host-session'
import { writeShopFiles } from '../host/remote-files'
import type { OperationHandle, OperationRegistry } from '../operations/operation-registry'
import { generateSecrets, resolveParams } from '../templates/parameters'
import { renderShop } from '../templates/render'
import type { Template } from '../templates/template-loader'
import { bringUp } from './bring-up'
import { secretMasker } from './secret-mask'
import { asAppError, reserveShop, settleFailure, stepper } from './reserve-shop'
import { clearFailure, shopDir, shopFiles, type ShopMetadata } from './shop-record'

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

export interface CreateShopDeps {
  session: (hostId: string) => Promise<HostSession>
  template: (id: string) => Promise<Template>
  operations: OperationRegistry
  /** Who is creating: shown as "created by" on the shop. */
  user: string
  certResolver: string | null
  now?: () => Date
  /** Called once the operation has ended, however it ended (the overview re-reads the host). */
  onFinished?: (hostId: string) => void
}

export function startCreateShop(input: CreateShopInput, deps: CreateShopDeps): OperationSnapshot {
  const op = deps.operations.start('create', input.hostId, input.name, createSteps)
  void runCreate(input, deps, op).finally(() => deps.onFinished?.(input.hostId))
  return deps.operations.get(op.id)!
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
    const mask = secretMasker(secrets)
    session = await deps.session(input.hostId)
    const dir = shopDir(session, input.name)
    steps.cancelled()

    steps.begin('reserve', dir)
    await reserveShop(session, dir, input.name, Object.keys(template.compose.volumes ?? {}).map((key) => `${input.name}_${key}`))
    reserved = dir
    steps.cancelled()

    steps.begin('write')
    const metadata: ShopMetadata = {
      template: template.id,
      description: input.description,
      domain: input.domain,
      params,
      ...(input.image ? { image: input.image } : {}),
      createdBy: deps.user,
      createdAt: now().toISOString(),
    }
    await writeShopFiles(session, dir, shopFiles(rendered, metadata))
    steps.cancelled()
    if (!input.start) {
      op.step('write', 'done')
      for (const skipped of ['start', 'health']) op.step(skipped, 'skipped')
      op.step('done', 'done')
      op.succeed({ url: `https://${input.domain}`, login: null, seconds: (now().getTime() - started) / 1000 })
      return
    }

    // Once containers are being created, stopping half-way would leave strays: no cancel from here on.
    op.setCancellable(false)
    steps.begin('start')
    await bringUp(session, dir, input.name, {
      healthTimeoutMs: template.manifest.healthTimeoutSeconds * 1000,
      mask,
      onOutput: (line) => op.log(line),
      onStarted: () => steps.begin('health'),
      onContainers: (containers) => op.step('health', 'running', describeContainers(containers)),
    })
    op.step('health', 'done')
    await clearFailure(session, dir)
    op.step('done', 'done')
    op.succeed({ url: `https://${input.domain}`, login: loginOf(template), seconds: (now().getTime() - started) / 1000 })
  } catch (error) {
    const failure = asAppError(error)
    if (session && reserved) await settleFailure(session, reserved, failure, { operation: 'create', step: steps.current })
    op.fail(failure, steps.current)
  }
}

export function describeContainers(containers: readonly { service: string; health: string | null; state: string }[]): string {
  return containers.map((c) => `${c.service}: ${c.health ?? c.state}`).join(', ')
}

export function loginOf(template: Template): { user: string; passwordSecretId: string } | null {
  const login = template.manifest.secrets.find((s) => s.login)
  return login ? { user: 'admin', passwordSecretId: login.id } : null
}
