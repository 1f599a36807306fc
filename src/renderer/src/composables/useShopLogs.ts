// A shop's logs for the logs panel: the last N lines once, or followed live until stopped. Only one follow is open
// at a time; a newer request supersedes an older one, and leaving (unmount, window closed) stops it in main.
import { onScopeDispose, ref, shallowRef } from 'vue'
import type { LogBatch, LogLine } from '@shared/shops'
import { call, onEvent } from '../api'
import type { ErrorLike } from './useErrorText'
import { appendCapped, formatLogLine } from '../lib/log-text'

/** Lines kept in memory; older ones are dropped while following. */
export const MAX_LOG_LINES = 20_000

export interface LogEntry {
  id: number
  line: LogLine
  /** The line as shown, copied and saved: `time service | text`. */
  text: string
}

export interface LogQuery {
  hostId: string
  shop: string
  /** One service, or the whole shop when absent. */
  service?: string
  tail: number
}

export function useShopLogs() {
  const entries = shallowRef<LogEntry[]>([])
  const loading = ref(false)
  /** A follow is open in main. */
  const following = ref(false)
  /** Why the last load or follow failed, or why a follow ended that was not stopped here. */
  const error = ref<ErrorLike | null>(null)
  /** A follow ended by itself (shop stopped, containers gone). */
  const ended = ref(false)
  /** More lines arrived than are kept. */
  const capped = ref(false)

  let nextId = 0
  let streamId: string | null = null
  /** Bumped by every load, follow and stop: an answer for an older one is dropped. */
  let generation = 0
  /** While a follow is being opened, its batches may overtake the answer that names its stream. */
  let early: LogBatch[] | null = null

  function append(lines: readonly LogLine[]): void {
    const more = lines.map((line) => ({ id: nextId++, line, text: formatLogLine(line) }))
    if (entries.value.length + more.length > MAX_LOG_LINES) capped.value = true
    entries.value = appendCapped(entries.value, more, MAX_LOG_LINES)
  }

  function apply(batch: LogBatch): void {
    if (batch.lines.length > 0) append(batch.lines)
    if (batch.ended) {
      streamId = null
      following.value = false
      ended.value = true
      if (batch.error) error.value = batch.error
    }
  }

  const unsubscribe = onEvent('logs:lines', (batch) => {
    if (batch.streamId === streamId) apply(batch)
    else early?.push(batch)
  })

  function release(id: string): void {
    void call('logs:stop', { streamId: id }).catch(() => undefined)
  }

  /** Stops a follow, keeping the lines shown. */
  function stop(): void {
    generation++
    early = null
    following.value = false
    loading.value = false
    if (streamId) release(streamId)
    streamId = null
  }

  function reset(): number {
    stop()
    entries.value = []
    capped.value = false
    error.value = null
    ended.value = false
    loading.value = true
    return generation
  }

  const request = (query: LogQuery) => ({ hostId: query.hostId, shop: query.shop, tail: query.tail, ...(query.service ? { service: query.service } : {}) })
  const asError = (e: unknown): ErrorLike =>
    e && typeof e === 'object' && 'code' in e && 'message' in e
      ? { code: String(e.code), message: String(e.message) }
      : { code: 'internal', message: String(e) }

  async function load(query: LogQuery): Promise<void> {
    const mine = reset()
    try {
      const lines = await call('shops:logs', request(query))
      if (mine === generation) append(lines)
    } catch (e) {
      if (mine === generation) error.value = asError(e)
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  async function follow(query: LogQuery): Promise<void> {
    const mine = reset()
    early = []
    following.value = true
    try {
      const { streamId: id } = await call('logs:follow', request(query))
      if (mine !== generation) return release(id)
      streamId = id
      const overtaken = early ?? []
      early = null
      for (const batch of overtaken) if (batch.streamId === id) apply(batch)
    } catch (e) {
      if (mine === generation) {
        early = null
        following.value = false
        error.value = asError(e)
      }
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  // Leaving the page, or the window closing, ends the follow in main as well.
  const onPageHide = (): void => stop()
  window.addEventListener('pagehide', onPageHide)
  onScopeDispose(() => {
    window.removeEventListener('pagehide', onPageHide)
    unsubscribe()
    stop()
  })

  return { entries, loading, following, error, ended, capped, load, follow, stop }
}
