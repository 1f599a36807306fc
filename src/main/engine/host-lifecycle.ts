// The shop lifecycle run by the host itself, for a login that may not touch the engine or the files (a sales key
// behind the gate): the host does each step, and this laptop follows. An engine whose `host` is set offers only
// these; its runtime and store refuse everything (the host would, too).
import type { DomainCheckResult } from '@shared/domain-check'
import type { OperationSnapshot } from '@shared/operations'
import type { LogLine, ShopSummary } from '@shared/shops'
import type { TemplateSummary } from '@shared/templates'
import type { LogSink, LogsQuery } from './shop-runtime'

export interface HostCreate {
  name: string
  description: string
  templateId: string
  domain: string
  params: Record<string, unknown>
  image?: string | undefined
  start: boolean
}

export interface HostClone {
  source: string
  name: string
  domain: string
  description: string
}

export interface HostRun {
  /** Each snapshot of the host's operation as it moves. */
  onProgress: (snapshot: OperationSnapshot) => void
  /** Closes the request; the host cancels its operation where that is safe. */
  signal: AbortSignal
}

/** A running watch of the host's shops. */
export interface ShopsWatch {
  stop(): void
  /**
   * A full read on the open stream, also passed to `onShops` in the stream's order; rejects if the stream is not
   * open (yet or any more): the caller reads the list on its own then.
   */
  refresh(): Promise<ShopSummary[]>
}

export interface HostLifecycle {
  /** The templates an admin installed on the host: all a sales key may create from. */
  readonly templates: readonly TemplateSummary[]
  shops(): Promise<ShopSummary[]>
  /** Calls `onShops` with the whole list on every change; `onEnd` when the stream ended by itself. */
  watch(onShops: (shops: ShopSummary[]) => void, onEnd: (error?: Error) => void): ShopsWatch
  create(input: HostCreate, run: HostRun): Promise<OperationSnapshot>
  clone(input: HostClone, run: HostRun): Promise<OperationSnapshot>
  control(shop: string, action: 'start' | 'restart'): Promise<void>
  logs(shop: string, query: LogsQuery): Promise<LogLine[]>
  followLogs(shop: string, query: LogsQuery, sink: LogSink): Promise<() => void>
  revealLogin(shop: string, secretId: string): Promise<string>
  checkDomain(domain: string): Promise<DomainCheckResult>
}
