import { describe, expect, it } from 'vitest'
import { backoffMs, pathSegment } from './hetzner-http'

describe('pathSegment', () => {
  it('encodes what record names may hold, the wildcard star included', () => {
    expect(pathSegment('*.shops')).toBe('%2A.shops')
    expect(pathSegment('@')).toBe('%40')
    expect(pathSegment('_acme-challenge')).toBe('_acme-challenge')
    expect(pathSegment(1234)).toBe('1234')
    expect(pathSegment('a/b')).toBe('a%2Fb')
  })
})

describe('backoffMs', () => {
  it('doubles from the base with jitter above it, capped at 10 s', () => {
    for (let i = 0; i < 50; i++) {
      expect(backoffMs(0, 1000)).toBe(1000)
      const second = backoffMs(1, 1000)
      expect(second).toBeGreaterThanOrEqual(1000)
      expect(second).toBeLessThanOrEqual(2000)
      expect(backoffMs(8, 1000)).toBeLessThanOrEqual(10_000)
    }
  })
})
