// A shop's logs, whole or one service: the last N lines, or followed live. Secret values from the shop's env file
// are replaced by ••• in main, before a line reaches the renderer (and so any saved file).
import { randomUUID } from 'node:crypto'
import type { AppError } from '@shared/errors'
import type { LogBatch, LogLine } from '@shared/shops'
import type { ShopEngine } from '../engine/shop-engine'
import type { LogSink, LogsQuery } from '../engine/shop-runtime'
import { secretMasker } from './secret-mask'

export interface ShopLogsQuery extends LogsQuery {
  shop: string
}

/** Without the secrets nothing could be masked: the store's error stops the read, rather than risk a secret. */
async function shopMasker(engine: ShopEngine, shop: string): Promise<(text: string) => string> {
  return secretMasker(Object.values(await engine.store.secrets(shop)))
}

export async function readLogs(engine: ShopEngine, query: ShopLogsQuery): Promise<LogLine[]> {
  const { shop, ...rest } = query
  // A sales key's host masks the secrets itself: they never reach this laptop.
  if (engine.host) return engine.host.logs(shop, rest)
  return engine.runtime.logs(shop, rest, await shopMasker(engine, shop))
}

/** Live logs: lines are batched and pushed as `logs:lines` until stopped or the containers end. */
export class LogFollowers {
  private readonly streams = new Map<string, () => void>()

  constructor(private readonly emit: (batch: LogBatch) => void) {}

  get open(): number {
    return this.streams.size
  }

  async follow(engine: ShopEngine, query: ShopLogsQuery): Promise<string> {
    const { shop, ...rest } = query
    const streamId = randomUUID()
    const sink: LogSink = {
      lines: (lines) => this.emit({ streamId, lines }),
      end: (error?: AppError) => {
        this.streams.delete(streamId)
        this.emit({ streamId, lines: [], ended: true, ...(error ? { error: { code: error.code, message: error.message } } : {}) })
      },
    }
    const stop = engine.host
      ? await engine.host.followLogs(shop, rest, sink)
      : await engine.runtime.followLogs(shop, rest, await shopMasker(engine, shop), sink)
    this.streams.set(streamId, stop)
    return streamId
  }

  stop(streamId: string): boolean {
    const stop = this.streams.get(streamId)
    stop?.()
    return Boolean(stop)
  }

  stopAll(): void {
    for (const stop of [...this.streams.values()]) stop()
  }
}
