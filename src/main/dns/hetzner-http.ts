// HTTP to Hetzner's Cloud API over one keep-alive undici Agent: the token read (from the keychain) for each request
// and never put in a message, a deadline and cancel on every request, exactly the retries Hetzner's SDK makes, and
// the rate limit the answers report, waited out when that is short.
import { setTimeout as delay } from 'node:timers/promises'
import { Agent, request, type Dispatcher } from 'undici'
import type { z } from 'zod'
import { AppError } from '@shared/errors'
import {
  apiError,
  budgetError,
  cancelledError,
  isNetworkTimeout,
  isRetried,
  networkError,
  withoutSecret,
  type ApiFailure,
  type Failure,
  type Subject,
} from './hetzner-errors'
import { errorBodySchema } from './hetzner-schema'
import { msUntilAvailable, readRateLimit, type RateLimit } from './rate-limit'

export const HETZNER_API = 'https://api.hetzner.cloud/v1'

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>

export interface HetznerHttpOptions {
  /** Default https://api.hetzner.cloud/v1; tests point it at the emulator. */
  baseUrl?: string
  /** Read for every request, so a token changed in the settings applies at once; never logged, never in a message. */
  token: () => Promise<string>
  dispatcher?: Dispatcher
  /** Deadline of one HTTP request, answer and body (default 15 s). */
  timeoutMs?: number
  sleep?: Sleep
  /** Retries of a failure Hetzner's SDK retries; 5 like the SDK. */
  maxRetries?: number
  /** First retry delay; doubles per retry with jitter like the SDK's, up to 10 s (the SDK allows 60 s). */
  retryBaseMs?: number
  /** Longest wait for the rate limit to refill before a call fails with the reset time instead (default 10 s). */
  maxRateLimitWaitMs?: number
  /** Diagnostics, one entry per answer with Hetzner's correlation id; never the token. */
  log?: (entry: RequestLogEntry) => void
}

export interface RequestLogEntry {
  method: string
  path: string
  status: number | 'no answer'
  ms: number
  attempt: number
  correlationId: string | null
}

export interface HttpCall<T> {
  method: 'GET' | 'POST' | 'DELETE'
  /** Below the base URL, every segment encoded with pathSegment. */
  path: string
  query?: Record<string, string | number | undefined>
  body?: unknown
  schema: z.ZodType<T>
  subject: Subject
  signal?: AbortSignal | undefined
}

/** encodeURIComponent plus the characters it leaves alone, `*` of wildcard names among them. */
export function pathSegment(value: string | number): string {
  return encodeURIComponent(String(value)).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

const RETRY_CAP_MS = 10_000

/** The SDK's backoff: base·2^n, capped, with full jitter above the base. */
export function backoffMs(retries: number, baseMs: number): number {
  const ceiling = Math.min(RETRY_CAP_MS, baseMs * 2 ** retries)
  return baseMs + Math.random() * Math.max(0, ceiling - baseMs)
}

type Attempt<T> = { ok: true; value: T } | { ok: false; failure: Failure; error: AppError }

export class HetznerHttp {
  private readonly baseUrl: string
  private readonly host: string
  private readonly dispatcher: Dispatcher
  private readonly ownsDispatcher: boolean
  private readonly timeoutMs: number
  private readonly sleep: Sleep
  private readonly maxRetries: number
  private readonly retryBaseMs: number
  private readonly maxRateLimitWaitMs: number
  private rate: RateLimit | null = null
  private lastToken = ''

  constructor(private readonly options: HetznerHttpOptions) {
    this.baseUrl = (options.baseUrl ?? HETZNER_API).replace(/\/+$/, '')
    this.host = new URL(this.baseUrl).host
    this.ownsDispatcher = !options.dispatcher
    this.dispatcher = options.dispatcher ?? new Agent({ keepAliveTimeout: 30_000, connections: 4, connect: { timeout: 10_000 } })
    this.timeoutMs = options.timeoutMs ?? 15_000
    this.sleep = options.sleep ?? ((ms, signal) => delay(ms, undefined, { signal }))
    this.maxRetries = options.maxRetries ?? 5
    this.retryBaseMs = options.retryBaseMs ?? 1000
    this.maxRateLimitWaitMs = options.maxRateLimitWaitMs ?? 10_000
  }

  /** The rate limit the last answer reported, if any did. */
  get rateLimit(): RateLimit | null {
    return this.rate
  }

  async call<T>(call: HttpCall<T>): Promise<T> {
    try {
      return await this.withRetries(call)
    } catch (error) {
      throw error instanceof AppError ? this.scrub(error) : error
    }
  }

  /** An error built from what Hetzner answered (an action's message, say), with the token taken out. */
  scrub(error: AppError): AppError {
    return withoutSecret(error, this.lastToken)
  }

  /**
   * Before a series of `calls` writes: waits if the rate limit refills them soon, fails before the first write
   * otherwise, so a change is not left half made (A written, AAAA refused).
   */
  async ensureBudget(calls: number, signal?: AbortSignal): Promise<void> {
    if (!this.rate) return
    const wait = msUntilAvailable(this.rate, calls, Date.now())
    if (wait === 0) return
    if (wait > this.maxRateLimitWaitMs) throw budgetError(this.rate, calls, Date.now())
    await this.pause(wait, signal, 'GET')
  }

  /** Waits `ms` unless `signal` ends first (then `cancelled`). */
  async pause(ms: number, signal: AbortSignal | undefined, method: string): Promise<void> {
    if (signal?.aborted) throw cancelledError(method)
    await this.sleep(ms, signal).catch(() => undefined)
    if (signal?.aborted) throw cancelledError(method)
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close()
  }

  private async withRetries<T>(call: HttpCall<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      if (call.signal?.aborted) throw cancelledError(call.method)
      const result = await this.attempt(call, attempt)
      if (result.ok) return result.value
      if (attempt >= this.maxRetries || !isRetried(result.failure)) throw result.error
      let wait = backoffMs(attempt, this.retryBaseMs)
      if (result.failure.kind === 'api' && result.failure.api.status === 429 && this.rate) {
        const refill = msUntilAvailable(this.rate, 1, Date.now())
        if (refill > this.maxRateLimitWaitMs) throw result.error
        wait = Math.max(wait, refill)
      }
      await this.pause(wait, call.signal, call.method)
    }
  }

  private async attempt<T>(call: HttpCall<T>, attempt: number): Promise<Attempt<T>> {
    const token = await this.readToken()
    const timeout = AbortSignal.timeout(this.timeoutMs)
    const signal = call.signal ? AbortSignal.any([call.signal, timeout]) : timeout
    const started = performance.now()
    let status: number
    let headers: Record<string, string | string[] | undefined>
    let text: string
    try {
      const response = await request(this.url(call), {
        dispatcher: this.dispatcher,
        method: call.method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          'user-agent': 'shop-manager',
          ...(call.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}),
        signal,
      })
      status = response.statusCode
      headers = response.headers
      text = await response.body.text()
    } catch (error) {
      if (call.signal?.aborted) throw cancelledError(call.method)
      const timedOut = timeout.aborted || isNetworkTimeout(error)
      this.options.log?.({ method: call.method, path: call.path, status: 'no answer', ms: performance.now() - started, attempt, correlationId: null })
      return {
        ok: false,
        failure: { kind: 'network', timedOut },
        error: networkError(error, { timedOut, timeoutMs: this.timeoutMs, host: this.host, method: call.method }),
      }
    }
    const now = Date.now()
    this.rate = readRateLimit(headers, now) ?? this.rate
    const correlationId = first(headers['x-correlation-id'])
    this.options.log?.({ method: call.method, path: call.path, status, ms: performance.now() - started, attempt, correlationId })
    if (status >= 200 && status < 300) {
      const parsed = call.schema.safeParse(parseJson(text))
      if (!parsed.success) {
        throw new AppError('internal', `Hetzner's API answered about ${call.subject.what} in a form this app does not know.`, {
          details: { status: String(status), ...(correlationId ? { correlationId } : {}) },
        })
      }
      return { ok: true, value: parsed.data }
    }
    const api = readFailure(status, first(headers['content-type']), text, correlationId)
    return { ok: false, failure: { kind: 'api', api }, error: apiError(api, call.subject, this.rate, now) }
  }

  private url(call: HttpCall<unknown>): string {
    const query = new URLSearchParams()
    for (const [key, value] of Object.entries(call.query ?? {})) if (value !== undefined) query.set(key, String(value))
    const search = query.toString()
    return `${this.baseUrl}${call.path}${search ? `?${search}` : ''}`
  }

  private async readToken(): Promise<string> {
    let token: string
    try {
      token = (await this.options.token()).trim()
    } catch (error) {
      if (error instanceof AppError) throw error
      throw new AppError('keychain_unavailable', 'The Hetzner API token could not be read from the keychain.')
    }
    if (!token) {
      throw new AppError('auth_failed', 'No Hetzner API token is stored. Create one (Read & Write) in Hetzner Console and enter it in the DNS settings.', {
        say: { key: 'hetznerNoToken' },
      })
    }
    // A header cannot carry it, and undici's complaint would be vaguer than this.
    if (!/^[\x21-\x7e]+$/.test(token)) {
      throw new AppError(
        'auth_failed',
        'The stored Hetzner API token contains characters a token cannot have (a space or line break from copying?). Enter it again.',
      )
    }
    this.lastToken = token
    return token
  }
}

function first(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function readFailure(status: number, contentType: string | null, text: string, correlationId: string | null): ApiFailure {
  const body = contentType?.startsWith('application/json') ? errorBodySchema.safeParse(parseJson(text)) : null
  if (body?.success) {
    const { code, message, details } = body.data.error
    return { status, code, message, details, correlationId }
  }
  return { status, code: null, message: null, details: null, correlationId }
}
