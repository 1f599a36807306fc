// The requests that stream: watch (the overview on every change), follow (a shop's log), create and clone (the
// operation's progress). Each runs until it ends by itself, the channel closes, or the key is revoked: the key is
// re-checked every ~300 ms, and a revoked key ends the stream with `keyRevoked`.
import { AppError, errorFromPayload, toAppError } from '@shared/errors'
import { parseWatchInput, type GateRequest } from '@shared/gate-protocol'
import type { OperationSnapshot } from '@shared/operations'
import { OperationRegistry } from '../main/operations/operation-registry'
import { OperationRunner, type StartedOperation } from '../main/operations/operation-runner'
import { startCloneShop } from '../main/shops/clone-shop'
import { startCreateShop } from '../main/shops/create-shop'
import { OverviewCache } from '../main/shops/overview-cache'
import { ShopOverviewWatcher } from '../main/shops/shop-overview'
import { LogFollowers } from '../main/shops/shop-logs'
import { resolveParams } from '../main/templates/parameters'
import type { GateDeps } from './gate-deps'
import { watchKey } from './key-watch'

export function keyRevokedError(): AppError {
  return new AppError('forbidden', "This key's access to the host has been revoked.", { say: { key: 'keyRevoked' } })
}

/** The gate answers for this one request only: the overview is read fresh, nothing is kept on the host's disk. */
class NoOverviewCache extends OverviewCache {
  constructor() {
    super('/nonexistent')
  }
  override async load(): Promise<null> {
    return null
  }
  override async save(): Promise<void> {}
}

/**
 * Runs `start`'s stream until it calls `finish`, the channel closes (resolves) or the key goes (rejects with
 * keyRevoked). The function `start` returns stops the stream, once, however it ended; `emit` writes nothing after
 * the end, so the result or error line is always the last.
 */
function untilEnd(deps: GateDeps, start: (finish: (error?: AppError) => void, emit: GateDeps['write']) => Promise<() => void>): Promise<void> {
  if (deps.channelClosed.aborted) return Promise.resolve()
  return new Promise((resolve, reject) => {
    let stop: (() => void) | null = null
    let done = false
    const finish = (error?: AppError): void => {
      if (done) return
      done = true
      stopKey()
      deps.channelClosed.removeEventListener('abort', onClosed)
      stop?.()
      if (error) reject(error)
      else resolve()
    }
    const onClosed = (): void => finish()
    const stopKey = watchKey(deps.keyPresent, () => finish(keyRevokedError()), deps.keyCheckMs)
    deps.channelClosed.addEventListener('abort', onClosed, { once: true })
    const emit: GateDeps['write'] = (line) => {
      if (!done) deps.write(line)
    }
    start(finish, emit).then(
      (stopStream) => {
        stop = stopStream
        if (done) stopStream()
      },
      (error: unknown) => finish(toAppError(error)),
    )
  })
}

const MAX_QUEUED_REFRESHES = 4

/**
 * The overview now and on every change; a `refresh <n>` line from the client is a full read answered with its
 * number. Refreshes are answered in the order asked, one read at a time; any other line is ignored.
 */
export async function watchShops(deps: GateDeps): Promise<null> {
  await untilEnd(deps, async (finish, emit) => {
    const watcher = new ShopOverviewWatcher(deps.engine, new NoOverviewCache(), (overview) => emit({ type: 'event', event: { overview } }))
    let answered: Promise<void> = Promise.resolve()
    let waiting = 0
    let stopped = false
    const offInput = deps.onInput((line) => {
      const refresh = parseWatchInput(line)
      if (refresh === null) return
      // A client waits for its answer before it asks again; one that piles up reads is not served.
      if (++waiting > MAX_QUEUED_REFRESHES) return finish(new AppError('invalid_input', `More than ${MAX_QUEUED_REFRESHES} refreshes asked at once.`))
      answered = answered.then(async () => {
        if (stopped) return
        const overview = await watcher.refresh({ publish: false })
        waiting--
        emit({ type: 'event', event: { overview, refresh } })
      })
    })
    await watcher.start()
    return () => {
      stopped = true
      offInput()
      void watcher.stop()
    }
  })
  return null
}

export async function followLogs(request: Extract<GateRequest, { op: 'follow' }>, deps: GateDeps): Promise<null> {
  await untilEnd(deps, async (finish, emit) => {
    const followers = new LogFollowers((batch) => {
      if (batch.lines.length > 0) emit({ type: 'event', event: { lines: batch.lines } })
      if (batch.ended) finish(batch.error ? errorFromPayload(batch.error) : undefined)
    })
    const streamId = await followers.follow(deps.engine, { shop: request.shop, service: request.service, tail: request.tail })
    return () => void followers.stop(streamId)
  })
  return null
}

type NewShopRequest = Extract<GateRequest, { op: 'create' | 'clone' }>

/**
 * Create or clone as the app runs them, progress streamed as each snapshot changes. The operation is not tied to
 * the channel (a dropped laptop does not leave a half-made shop); a revoked key cancels it where cancel is offered.
 */
export async function runNewShop(request: NewShopRequest, deps: GateDeps): Promise<OperationSnapshot> {
  let revoked = false
  const registry = new OperationRegistry((snapshot) => {
    if (!revoked) deps.write({ type: 'progress', operation: snapshot })
  })
  const lifecycle = {
    engine: async () => deps.engine,
    template: (id: string) => deps.templates.get(id),
    runner: new OperationRunner(registry),
    user: deps.user,
    // The host pulls anonymously: a private image of an installed template is on the host since its install.
    registryAuth: async () => null,
    certResolver: deps.config.certResolver,
  }
  let started: StartedOperation
  if (request.op === 'create') {
    // The template is the host's and the parameters are checked against it before any operation starts.
    const template = await deps.templates.get(request.templateId)
    resolveParams(template.manifest, request.params)
    started = startCreateShop(
      {
        hostId: deps.engine.hostId,
        name: request.name,
        description: request.description,
        templateId: request.templateId,
        domain: request.domain,
        params: request.params,
        image: request.image,
        start: request.start,
      },
      lifecycle,
    )
  } else {
    started = startCloneShop(
      { hostId: deps.engine.hostId, source: request.source, name: request.name, domain: request.domain, description: request.description },
      { ...lifecycle, helperImage: deps.config.helperImage },
    )
  }
  const stopKey = watchKey(
    deps.keyPresent,
    () => {
      revoked = true
      registry.cancel(started.snapshot.id)
    },
    deps.keyCheckMs,
  )
  const final = await started.done.finally(stopKey)
  if (revoked) throw keyRevokedError()
  return final
}
