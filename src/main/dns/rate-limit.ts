// Hetzner's rate limit as its headers describe it: a bucket of `RateLimit-Limit` requests that refills steadily
// and is full again at `RateLimit-Reset` (UNIX seconds). From one answer the refill rate follows, so the client
// can tell how long until the next request (or the next n) would be accepted.

export interface RateLimit {
  limit: number
  remaining: number
  /** When the bucket is full again, ms since the epoch. */
  resetAt: number
  /** When these headers arrived, ms since the epoch. */
  seenAt: number
}

type HeaderValue = string | string[] | undefined

function header(headers: Record<string, HeaderValue>, name: string): number | null {
  const raw = headers[name]
  const text = Array.isArray(raw) ? raw[0] : raw
  if (text === undefined || text.trim() === '') return null
  const value = Number(text)
  return Number.isFinite(value) ? value : null
}

/** The three headers, or null when an answer lacks them (a proxy's error page, say). Header names in lower case. */
export function readRateLimit(headers: Record<string, HeaderValue>, now: number): RateLimit | null {
  const limit = header(headers, 'ratelimit-limit')
  const remaining = header(headers, 'ratelimit-remaining')
  const reset = header(headers, 'ratelimit-reset')
  if (limit === null || remaining === null || reset === null || limit <= 0) return null
  return { limit, remaining: Math.max(0, Math.min(limit, remaining)), resetAt: reset * 1000, seenAt: now }
}

/** Requests per ms the bucket gains, or null when the answer came from a full bucket (no rate to read). */
function refillPerMs(rate: RateLimit): number | null {
  const missing = rate.limit - rate.remaining
  const window = rate.resetAt - rate.seenAt
  if (missing <= 0 || window <= 0) return null
  return missing / window
}

/** Requests the bucket holds now: what the last answer said plus what has flowed back since. */
export function availableNow(rate: RateLimit, now: number): number {
  const perMs = refillPerMs(rate)
  if (perMs === null) return rate.remaining
  return Math.min(rate.limit, rate.remaining + Math.max(0, now - rate.seenAt) * perMs)
}

/** How long until `calls` requests would be accepted: 0 if now, Infinity if never (more than the bucket holds). */
export function msUntilAvailable(rate: RateLimit, calls: number, now: number): number {
  if (calls > rate.limit) return Number.POSITIVE_INFINITY
  const perMs = refillPerMs(rate)
  const available = availableNow(rate, now)
  if (perMs === null || available >= calls) return 0
  return Math.ceil((calls - available) / perMs)
}

/** A wait in whole seconds, at least one. */
export function waitSeconds(ms: number): number {
  return Math.max(1, Math.round(ms / 1000))
}

export function describeWait(ms: number): string {
  const seconds = waitSeconds(ms)
  if (seconds < 90) return `${seconds} second${seconds === 1 ? '' : 's'}`
  const minutes = Math.round(seconds / 60)
  if (minutes < 90) return `${minutes} minutes`
  return `${Math.round(minutes / 60)} hours`
}

export function clockTime(at: number): string {
  return new Date(at).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false })
}
