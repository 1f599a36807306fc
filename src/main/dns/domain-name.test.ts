import { describe, expect, it } from 'vitest'
import { normaliseDomain } from './domain-name'

describe('normaliseDomain', () => {
  it('lower-cases, drops the trailing dot and writes IDN as punycode', () => {
    expect(normaliseDomain(' Shop.Example.COM. ')).toBe('shop.example.com')
    expect(normaliseDomain('bäckerei-müller.de')).toBe('xn--bckerei-mller-bfb28a.de')
  })
  it('refuses what is not a host name', () => {
    for (const bad of ['', 'localhost', 'a..b', 'shop.example.com`) || Host(`x', '-a.example.com', 'a.123']) {
      expect(() => normaliseDomain(bad)).toThrow(/not a valid domain/)
    }
  })
})
