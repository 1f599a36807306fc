// The host's lifecycle through the gate: each call one request on its own channel. Streams (the overview, a
// followed log) stay open until stopped; a created or cloned shop's progress is the host's own operation, passed on.
import { toAppError } from '@shared/errors'
import { WATCH_REFRESH, type GateHello } from '@shared/gate-protocol'
import type { OperationSnapshot } from '@shared/operations'
import type { ShopSummary } from '@shared/shops'
import type { HostClone, HostCreate, HostLifecycle, HostRun, ShopsWatch } from '../host-lifecycle'
import type { LogSink, LogsQuery } from '../shop-runtime'
import type { GateClient } from './gate-client'

/** A stream that ends by itself this soon after it began is not retried at once (a host that refuses it). */
const LIVE_TIMEOUT_MS = 15_000
/** How long a refresh on the open watch may take before it is asked as a request of its own. */
const REFRESH_TIMEOUT_MS = 10_000

export class GateLifecycle implements HostLifecycle {
  constructor(
    private readonly gate: GateClient,
    readonly hello: GateHello,
    /** This laptop's id of the host: the gate calls its host "gate", the overview must say which profile. */
    private readonly hostId: string,
  ) {}

  private own(shops: ShopSummary[]): ShopSummary[] {
    return shops.map((shop) => ({ ...shop, hostId: this.hostId }))
  }

  get templates(): GateHello['templates'] {
    return this.hello.templates
  }

  async shops(): Promise<ShopSummary[]> {
    return this.own(await this.gate.request({ op: 'list' }))
  }

  watch(onShops: (shops: ShopSummary[]) => void, onEnd: (error?: Error) => void): ShopsWatch {
    const stop = new AbortController()
    let send: ((line: string) => void) | null = null
    let asked = 0
    const waiting = new Map<number, { resolve: (shops: ShopSummary[]) => void; reject: (error: Error) => void }>()
    const endWaiting = (error: Error): void => {
      send = null
      for (const { reject } of waiting.values()) reject(error)
      waiting.clear()
    }
    this.gate
      .request(
        { op: 'watch' },
        {
          signal: stop.signal,
          timeoutMs: LIVE_TIMEOUT_MS,
          onOpen: (write) => (send = write),
          onLine: (line) => {
            if (line.type !== 'event' || !('overview' in line.event)) return
            const shops = this.own(line.event.overview.shops)
            onShops(shops)
            const refresh = line.event.refresh
            if (refresh === undefined) return
            waiting.get(refresh)?.resolve(shops)
            waiting.delete(refresh)
          },
        },
      )
      .then(
        () => {
          endWaiting(new Error('the watch ended'))
          if (!stop.signal.aborted) onEnd()
        },
        (error: Error) => {
          endWaiting(error)
          if (!stop.signal.aborted) onEnd(error)
        },
      )
    return {
      stop: () => {
        endWaiting(new Error('the watch was stopped'))
        stop.abort()
      },
      refresh: () =>
        new Promise<ShopSummary[]>((resolve, reject) => {
          if (!send) return reject(new Error('the watch is not open'))
          const n = ++asked
          // A stream that went quiet (a connection not yet known dead) must not hold the refresh: the caller asks anew.
          const timer = setTimeout(() => {
            waiting.delete(n)
            reject(new Error('the watch did not answer the refresh'))
          }, REFRESH_TIMEOUT_MS)
          const done =
            <T>(settle: (value: T) => void) =>
            (value: T) => {
              clearTimeout(timer)
              settle(value)
            }
          waiting.set(n, { resolve: done(resolve), reject: done(reject) })
          send(`${WATCH_REFRESH} ${n}`)
        }),
    }
  }

  private followed(request: Parameters<GateClient['request']>[0], run: HostRun): Promise<OperationSnapshot> {
    return this.gate.request(request, {
      signal: run.signal,
      onLine: (line) => {
        if (line.type === 'progress') run.onProgress(line.operation)
      },
    }) as Promise<OperationSnapshot>
  }

  create(input: HostCreate, run: HostRun): Promise<OperationSnapshot> {
    return this.followed(
      {
        op: 'create',
        name: input.name,
        description: input.description,
        templateId: input.templateId,
        domain: input.domain,
        params: input.params as Record<string, string | string[] | boolean>,
        ...(input.image ? { image: input.image } : {}),
        start: input.start,
      },
      run,
    )
  }

  clone(input: HostClone, run: HostRun): Promise<OperationSnapshot> {
    return this.followed({ op: 'clone', source: input.source, name: input.name, domain: input.domain, description: input.description }, run)
  }

  async control(shop: string, action: 'start' | 'restart'): Promise<void> {
    await this.gate.request({ op: action, shop })
  }

  logs(shop: string, query: LogsQuery) {
    return this.gate.request({ op: 'logs', shop, tail: query.tail, ...(query.service ? { service: query.service } : {}) })
  }

  async followLogs(shop: string, query: LogsQuery, sink: LogSink): Promise<() => void> {
    const stop = new AbortController()
    this.gate
      .request(
        { op: 'follow', shop, tail: query.tail, ...(query.service ? { service: query.service } : {}) },
        {
          signal: stop.signal,
          onLine: (line) => {
            if (line.type === 'event' && 'lines' in line.event) sink.lines(line.event.lines)
          },
        },
      )
      .then(
        () => !stop.signal.aborted && sink.end(),
        (error: unknown) => !stop.signal.aborted && sink.end(toAppError(error)),
      )
    return () => stop.abort()
  }

  async revealLogin(shop: string, secretId: string): Promise<string> {
    return (await this.gate.request({ op: 'revealLogin', shop, secretId })).password
  }

  checkDomain(domain: string) {
    return this.gate.request({ op: 'domainCheck', domain })
  }
}
