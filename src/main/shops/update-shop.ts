// Safe update: a new app image is pulled first, applied with `up -d` and must become healthy within the
// template's timeout; if it does not, the previous image is put back on its own and the user is told what
// happened, with the failing service's last log lines.
import type { Readable } from 'node:stream'
import { AppError, toAppError } from '@shared/errors'
import { updateSteps, type OperationSnapshot } from '@shared/operations'
import type { HostSession } from '../host/host-session'
import { writeShopFiles } from '../host/remote-files'
import type { OperationHandle } from '../operations/operation-registry'
import { resolveParams } from '../templates/parameters'
import { renderShop } from '../templates/render'
import { bringUp } from './bring-up'
import { launchOperation, type ShopOperationDeps } from './shop-operation'
import { stepper } from './reserve-shop'
import { secretMasker } from './secret-mask'
import { containersNote } from './status'
import { checkRole } from './shop-actions'
import { withShopLock } from './shop-lock'
import { readLogs } from './shop-logs'
import { clearFailure, readShopRecord, recordFailure, shopFiles, type ShopMetadata, type ShopRecord } from './shop-record'

export interface UpdateShopInput {
  hostId: string
  shop: string
  image: string
}

export interface UpdateShopDeps extends ShopOperationDeps {
  certResolver: string | null
}

async function pullImage(session: HostSession, image: string): Promise<void> {
  try {
    await session.docker.getImage(image).inspect()
    return
  } catch {
    // not on the host yet
  }
  try {
    const stream = (await session.docker.pull(image)) as Readable
    await new Promise<void>((resolve, reject) => session.docker.modem.followProgress(stream, (error: Error | null) => (error ? reject(error) : resolve())))
  } catch (error) {
    const reason = (error as Error).message
    throw new AppError('invalid_input', `The image "${image}" could not be pulled: ${reason}. Nothing was changed.`, {
      fields: [{ path: 'image', message: 'cannot be pulled' }],
      say: { key: 'imageNotPulled', values: { image, reason } },
    })
  }
}

export function startUpdateShop(input: UpdateShopInput, deps: UpdateShopDeps): OperationSnapshot {
  return launchOperation(deps, 'update', input, updateSteps, (op) => runUpdate(input, deps, op))
}

async function runUpdate(input: UpdateShopInput, deps: UpdateShopDeps, op: OperationHandle): Promise<void> {
  const started = Date.now()
  const steps = stepper(op)
  op.setCancellable(false)
  let session: HostSession | undefined
  let record: ShopRecord | undefined
  try {
    steps.begin('validate')
    session = await deps.session(input.hostId)
    checkRole(session.profile.role, 'edit')
    const active = session
    await withShopLock(active, input.shop, deps.user, async () => {
      record = await readShopRecord(active, input.shop)
      const template = await deps.template(record.metadata.template)
      if (!template.manifest.image) throw new AppError('invalid_input', `The template "${template.id}" has no service whose image may be changed.`)
      const params = resolveParams(template.manifest, record.metadata.params)
      const mask = secretMasker(record.secrets)
      const apply = (image: string | undefined): Promise<void> => {
        const rendered = renderShop(template, { name: input.shop, domain: record!.metadata.domain, params, secrets: record!.secrets, certResolver: deps.certResolver, ...(image ? { image } : {}) })
        const { image: _old, ...rest } = record!.metadata
        const metadata: ShopMetadata = { ...rest, ...(image ? { image } : {}), editedBy: deps.user, editedAt: new Date().toISOString() }
        return writeShopFiles(active, record!.dir, shopFiles(rendered, metadata))
      }
      const up = () =>
        bringUp(active, record!.dir, input.shop, {
          healthTimeoutMs: template.manifest.healthTimeoutSeconds * 1000,
          failOnUnhealthy: true,
          mask,
          onOutput: (line) => op.log(line),
          onStarted: () => steps.begin('health'),
          onContainers: (containers) => op.step('health', 'running', containersNote(containers)),
        })

      steps.begin('pull', input.image)
      await pullImage(active, input.image)
      steps.begin('apply')
      await apply(input.image)
      try {
        await up()
      } catch (error) {
        const failure = toAppError(error)
        op.step('health', 'failed', failure.message)
        const lines = await lastLines(active, input.shop, template.manifest.image.service)
        steps.enter('rollback')
        const previous = record.metadata.image
        await apply(previous)
        await bringUp(active, record.dir, input.shop, { healthTimeoutMs: template.manifest.healthTimeoutSeconds * 1000, mask, onOutput: (line) => op.log(line) })
        op.step('rollback', 'done', previous ?? { key: 'templateImage' })
        const service = template.manifest.image.service
        throw new AppError(
          'update_rolled_back',
          `${input.image} did not become healthy (${failure.message}); the shop runs ${previous ?? "the template's image"} again.${lines ? `\nLast lines of ${service}:\n${lines}` : ''}`,
          { details: { image: input.image, previous: previous ?? '', reason: failure.message, service, lastLines: lines } },
        )
      }
      op.step('health', 'done')
      op.step('rollback', 'skipped')
      await clearFailure(active, record.dir)
    })
    op.step('done', 'done')
    op.succeed({ url: `https://${record!.metadata.domain}`, login: null, seconds: (Date.now() - started) / 1000 })
  } catch (error) {
    const failure = toAppError(error)
    // A rolled-back update left the shop as it was: nothing to record as broken.
    if (session && record && failure.code !== 'update_rolled_back') await recordFailure(session, record.dir, { operation: 'edit', step: steps.current }, failure)
    op.fail(failure, failure.code === 'update_rolled_back' ? 'health' : steps.current)
  }
}

async function lastLines(session: HostSession, shop: string, service: string): Promise<string> {
  try {
    return (await readLogs(session, { shop, service, tail: 15 })).map((l) => l.text).join('\n')
  } catch {
    return ''
  }
}
