// Creating a shop, as one operation: validate, reserve its directory, write its files, start it, wait until
// healthy. Every step is reported; a failure leaves the host in a state the overview shows truthfully.
import { posix } from 'node:path'
import { AppError } from '@shared/errors'
import { createSteps, type OperationSnapshot } from '@shared/operations'
import type { HostSession } from '../host/host-session'
import { reserveDirectory, writeShopFiles } from '../host/remote-files'
import type { OperationHandle, OperationRegistry } from '../operations/operation-registry'
import { generateSecrets, resolveParams } from '../templates/parameters'
import { renderShop } from '../templates/render'
import type { Template } from '../templates/template-loader'
import { runCompose } from './compose'
import { METADATA_FILE } from './discovery'
import { waitHealthy } from './wait-healthy'

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
}

/** Masks generated secrets in compose output before it reaches the UI. */
function masker(secrets: Record<string, string>): (line: string) => string {
  const values = Object.values(secrets).filter((v) => v.length >= 6)
  return (line) => values.reduce((text, value) => text.split(value).join('•••'), line)
}

export function startCreateShop(input: CreateShopInput, deps: CreateShopDeps): OperationSnapshot {
  const op = deps.operations.start('create', input.hostId, input.name, createSteps)
  void runCreate(input, deps, op)
  return deps.operations.get(op.id)!
}

async function runCreate(input: CreateShopInput, deps: CreateShopDeps, op: OperationHandle): Promise<void> {
  const now = deps.now ?? (() => new Date())
  const started = now().getTime()
  let step: string = 'validate'
  const begin = (next: string, message?: string): void => {
    if (step !== next) op.step(step, 'done')
    step = next
    op.step(next, 'running', message)
  }
  const cancelled = (): void => {
    if (op.signal.aborted) throw new AppError('cancelled', 'The operation was cancelled.')
  }
  try {
    begin('validate')
    const template = await deps.template(input.templateId)
    const params = resolveParams(template.manifest, input.params)
    const secrets = generateSecrets(template.manifest)
    const rendered = renderShop(template, { name: input.name, domain: input.domain, params, secrets, certResolver: deps.certResolver, ...(input.image ? { image: input.image } : {}) })
    const mask = masker(secrets)
    const session = await deps.session(input.hostId)
    const dir = posix.join(session.profile.baseDir, input.name)
    cancelled()

    begin('reserve', dir)
    if (!(await reserveDirectory(session, dir))) {
      throw new AppError('invalid_input', `A shop named "${input.name}" already exists on this host.`, { fields: [{ path: 'name', message: 'taken' }] })
    }
    cancelled()

    begin('write')
    const metadata = {
      template: template.id,
      description: input.description,
      domain: input.domain,
      params,
      ...(input.image ? { image: input.image } : {}),
      createdBy: deps.user,
      createdAt: now().toISOString(),
    }
    await writeShopFiles(session, dir, [
      ...Object.entries(rendered.files).map(([path, content]) => ({ path, content, mode: 0o644 })),
      { path: '.env', content: rendered.env, mode: 0o600 },
      { path: 'docker-compose.yml', content: rendered.compose, mode: 0o644 },
      { path: METADATA_FILE, content: `${JSON.stringify(metadata, null, 2)}\n`, mode: 0o644 },
    ])
    cancelled()
    if (!input.start) {
      op.step('write', 'done')
      for (const skipped of ['start', 'health']) op.step(skipped, 'skipped')
      op.step('done', 'done')
      op.succeed({ url: `https://${input.domain}`, login: null, seconds: (now().getTime() - started) / 1000 })
      return
    }

    begin('start')
    // Once containers are being created, stopping half-way would leave strays: no cancel from here on.
    op.setCancellable(false)
    const up = await runCompose(session, dir, input.name, ['up', '-d'], {
      timeoutMs: 10 * 60_000,
      onOutput: (chunk) => chunk.split('\n').filter((l) => l.trim()).forEach((line) => op.log(mask(line))),
    })
    if (up.code !== 0) throw new AppError('internal', `compose up failed: ${mask(up.stderr.trim().split('\n').slice(-3).join(' '))}`)

    begin('health')
    await waitHealthy(session, input.name, {
      timeoutMs: template.manifest.healthTimeoutSeconds * 1000,
      onChange: (containers) => op.step('health', 'running', containers.map((c) => `${c.service}: ${c.health ?? c.state}`).join(', ')),
    })
    op.step('health', 'done')
    op.step('done', 'done')
    const login = template.manifest.secrets.find((s) => s.login)
    op.succeed({
      url: `https://${input.domain}`,
      login: login ? { user: 'admin', passwordSecretId: login.id } : null,
      seconds: (now().getTime() - started) / 1000,
    })
  } catch (error) {
    op.fail(error instanceof AppError ? error : new AppError('internal', (error as Error).message), step)
  }
}
