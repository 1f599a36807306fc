// The steps create and clone share: claiming a name on the host, walking through the steps of an operation,
// starting the new shop until healthy, and leaving the host truthful when it fails.
import { AppError, cancelledError } from '@shared/errors'
import type { StepMessage, StepNote } from '@shared/operations'
import type { HostSession } from '../host/host-session'
import { reserveDirectory } from '../host/remote-files'
import type { OperationHandle } from '../operations/operation-registry'
import type { Template } from '../templates/template-loader'
import { bringUp } from './bring-up'
import { secretMasker } from './secret-mask'
import { containersNote } from './status'
import { clearFailure, recordFailure } from './shop-record'
import { assertVolumesFree } from './volume-copy'

/**
 * Claims `dir` atomically (a taken name fails here, even when two laptops press Create at once) and makes sure
 * no volume of that name exists yet; returns with the empty directory reserved.
 */
export async function reserveShop(session: HostSession, dir: string, name: string, volumes: readonly string[]): Promise<void> {
  if (!(await reserveDirectory(session, dir))) {
    throw new AppError('invalid_input', `A shop named "${name}" already exists on this host.`, { fields: [{ path: 'name', message: 'taken' }], say: { key: 'nameTaken', values: { name } } })
  }
  try {
    await assertVolumesFree(session, volumes)
  } catch (error) {
    await session.exec(['rmdir', '--', dir], { timeoutMs: 10_000 }).catch(() => undefined)
    throw error
  }
}

/** Moves an operation from step to step; `cancelled()` throws once the user has cancelled. */
export function stepper(op: OperationHandle) {
  let current = 'validate'
  let currentSkipped = false
  return {
    get current(): string {
      return current
    },
    begin(next: string, message?: StepMessage): void {
      if (current !== next && !currentSkipped) op.step(current, 'done')
      current = next
      currentSkipped = false
      op.step(next, 'running', message)
    },
    /** Marks the previous step done and `next` skipped (nothing to do there), with why. */
    skip(next: string, message?: StepMessage): void {
      if (current !== next && !currentSkipped) op.step(current, 'done')
      current = next
      currentSkipped = true
      op.step(next, 'skipped', message)
    },
    /** Moves on without marking the previous step done (it reported for itself). */
    enter(next: string): void {
      current = next
      currentSkipped = false
      op.step(next, 'running')
    },
    cancelled(): void {
      if (op.signal.aborted) throw cancelledError()
    },
  }
}

/**
 * A cancel only comes before anything of the shop runs: what the operation made (its directory, half-copied
 * volumes) goes. Any other failure stays on the host, recorded, so every overview shows the shop red with the
 * step and the message; no volume is deleted.
 */
export async function settleFailure(
  session: HostSession,
  dir: string,
  failure: AppError,
  record: { operation: 'create' | 'clone'; step: string; createdVolumes?: readonly string[] },
): Promise<void> {
  if (failure.code === 'cancelled') {
    for (const volume of record.createdVolumes ?? []) await session.docker.getVolume(volume).remove().catch(() => undefined)
    await session.exec(['rm', '-rf', '--', dir], { timeoutMs: 30_000 }).catch(() => undefined)
    return
  }
  await recordFailure(session, dir, { operation: record.operation, step: record.step }, failure)
}

/**
 * The last steps of a new shop: no cancel from here on (stopping half-way would leave stray containers),
 * `up -d`, healthy, the failure record cleared, done with the URL and the admin login.
 */
export async function startNewShop(
  session: HostSession,
  op: OperationHandle,
  steps: ReturnType<typeof stepper>,
  shop: { dir: string; name: string; domain: string; template: Template; secrets: Record<string, string>; startedAt: number },
): Promise<void> {
  op.setCancellable(false)
  steps.begin('start')
  await bringUp(session, shop.dir, shop.name, {
    healthTimeoutMs: shop.template.manifest.healthTimeoutSeconds * 1000,
    mask: secretMasker(shop.secrets),
    onOutput: (line) => op.log(line),
    onStarted: () => steps.begin('health'),
    onContainers: (containers) => op.step('health', 'running', containersNote(containers)),
  })
  op.step('health', 'done')
  await clearFailure(session, shop.dir)
  op.step('done', 'done')
  op.succeed({ url: `https://${shop.domain}`, login: loginOf(shop.template), seconds: (Date.now() - shop.startedAt) / 1000 })
}


export function loginOf(template: Template): { user: string; passwordSecretId: string } | null {
  const login = template.manifest.secrets.find((s) => s.login)
  return login ? { user: 'admin', passwordSecretId: login.id } : null
}

/** Publishes the shop's name at Hetzner where the host's domain mode says so; a skipped step otherwise. */
export async function publishStep(op: OperationHandle, steps: ReturnType<typeof stepper>, domain: string, publish: PublishName | undefined): Promise<void> {
  steps.begin('dns', domain)
  const said = publish ? await publish(domain, op.signal) : null
  if (said === null) steps.skip('dns', { key: 'dnsNothing' })
  else op.step('dns', 'running', said)
}

/** Makes a shop's name resolve to its host; null when the name is not the app's to write. */
export type PublishName = (domain: string, signal: AbortSignal) => Promise<StepNote | null>
