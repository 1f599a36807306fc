import { describe, expect, it } from 'vitest'
import { describeWait, msUntilAvailable, readRateLimit } from './rate-limit'

const now = 1_800_000_000_000

describe('rate limit headers', () => {
  it('reads the three headers, reset in UNIX seconds', () => {
    expect(readRateLimit({ 'ratelimit-limit': '3600', 'ratelimit-remaining': '12', 'ratelimit-reset': '1800003588' }, now)).toEqual({
      limit: 3600,
      remaining: 12,
      resetAt: 1_800_003_588_000,
      seenAt: now,
    })
    expect(readRateLimit({ 'ratelimit-limit': '3600' }, now)).toBeNull()
    expect(readRateLimit({ 'ratelimit-limit': 'x', 'ratelimit-remaining': '1', 'ratelimit-reset': '1' }, now)).toBeNull()
  })

  it("derives Hetzner's refill of one request per second from an empty bucket", () => {
    const empty = { limit: 3600, remaining: 0, resetAt: now + 3_600_000, seenAt: now }
    expect(msUntilAvailable(empty, 1, now)).toBe(1000)
    expect(msUntilAvailable(empty, 1, now + 1000)).toBe(0)
    expect(msUntilAvailable(empty, 4, now + 1000)).toBe(3000)
  })

  it('says a small bucket with a reset a minute away takes long to refill', () => {
    const small = { limit: 4, remaining: 0, resetAt: now + 60_000, seenAt: now }
    expect(msUntilAvailable(small, 1, now)).toBe(15_000)
    expect(msUntilAvailable(small, 5, now)).toBe(Number.POSITIVE_INFINITY)
  })

  it('has nothing to wait for with enough left or a full bucket', () => {
    expect(msUntilAvailable({ limit: 3600, remaining: 3600, resetAt: now, seenAt: now }, 10, now)).toBe(0)
    expect(msUntilAvailable({ limit: 3600, remaining: 5, resetAt: now + 3_595_000, seenAt: now }, 5, now)).toBe(0)
  })

  it('describes waits in words', () => {
    expect(describeWait(1000)).toBe('1 second')
    expect(describeWait(45_000)).toBe('45 seconds')
    expect(describeWait(60 * 60_000)).toBe('60 minutes')
  })
})
