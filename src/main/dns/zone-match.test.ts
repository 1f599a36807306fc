import { describe, expect, it } from 'vitest'
import { AppError } from '@shared/errors'
import { coveredByWildcard, locateInZones, normaliseRecordDomain, normaliseRecordName } from './zone-match'

const zones = [
  { name: 'example.com', mode: 'primary' as const },
  { name: 'shops.example.com', mode: 'primary' as const },
  { name: 'xn--bckerei-mller-bfb28a.de', mode: 'primary' as const },
  { name: 'partner.net', mode: 'secondary' as const },
]

function refusal(run: () => unknown): AppError {
  try {
    run()
  } catch (error) {
    if (error instanceof AppError) return error
    throw error
  }
  throw new Error('expected a refusal')
}

describe('locateInZones', () => {
  it('picks the longest zone suffix and the relative name', () => {
    expect(locateInZones('shop1.shops.example.com', zones)).toMatchObject({ zone: { name: 'shops.example.com' }, name: 'shop1' })
    expect(locateInZones('shop1.example.com', zones)).toMatchObject({ zone: { name: 'example.com' }, name: 'shop1' })
    expect(locateInZones('a.b.example.com', zones)).toMatchObject({ zone: { name: 'example.com' }, name: 'a.b' })
  })

  it('names the apex @ and keeps a wildcard label', () => {
    expect(locateInZones('example.com', zones).name).toBe('@')
    expect(locateInZones('*.shops.example.com', zones)).toMatchObject({ zone: { name: 'shops.example.com' }, name: '*' })
    expect(locateInZones('*.shops.example.com', zones.slice(0, 1))).toMatchObject({ zone: { name: 'example.com' }, name: '*.shops' })
  })

  it('normalises case, a trailing dot and IDN before matching', () => {
    expect(locateInZones('SHOP1.Example.COM.', zones)).toMatchObject({ name: 'shop1', domain: 'shop1.example.com' })
    expect(locateInZones('Laden.Bäckerei-Müller.de', zones)).toMatchObject({ zone: { name: 'xn--bckerei-mller-bfb28a.de' }, name: 'laden' })
    expect(locateInZones('café.example.com', zones).name).toBe('xn--caf-dma')
  })

  it('does not take a zone that is only a string suffix, not a label suffix', () => {
    const error = refusal(() => locateInZones('shop.myexample.com', zones))
    expect(error.code).toBe('invalid_input')
    expect(error.message).toMatch(/shop\.myexample\.com is not in any DNS zone of this Hetzner project \(its zones: example\.com/)
    expect(error.fields?.[0]?.path).toBe('domain')
  })

  it('says so when the project has no zones at all', () => {
    expect(refusal(() => locateInZones('shop.example.com', [])).message).toMatch(/it has no DNS zones/)
  })

  it('refuses a name in a secondary zone with the reason', () => {
    const error = refusal(() => locateInZones('shop.partner.net', zones))
    expect(error.code).toBe('invalid_input')
    expect(error.message).toMatch(/partner\.net, a secondary zone.*cannot be written/)
  })

  it('refuses what is not a domain', () => {
    for (const bad of ['', 'localhost', 'a..example.com', 'shop_1 .example.com', '-x.example.com']) {
      expect(refusal(() => locateInZones(bad, zones)).message).toMatch(/not a valid domain name/)
    }
  })
})

describe('record names', () => {
  it('normalises relative names the way Hetzner stores them', () => {
    expect(normaliseRecordName('Shop1')).toBe('shop1')
    expect(normaliseRecordName('@')).toBe('@')
    expect(normaliseRecordName('')).toBe('@')
    expect(normaliseRecordName('*.Shops.')).toBe('*.shops')
    expect(normaliseRecordName('_acme-challenge.shops')).toBe('_acme-challenge.shops')
    expect(normaliseRecordName('Café')).toBe('xn--caf-dma')
    expect(() => normaliseRecordName('a b')).toThrow(/not a valid record name/)
    expect(() => normaliseRecordName('shop.*')).toThrow(/not a valid record name/)
  })

  it('normalises full names and keeps a leading wildcard', () => {
    expect(normaliseRecordDomain('*.Shops.Example.com.')).toBe('*.shops.example.com')
    expect(() => normaliseRecordDomain('shops.*.example.com')).toThrow(/not a valid domain/)
  })
})

describe('coveredByWildcard', () => {
  it('covers exactly one label below the wildcard, as a wildcard certificate does', () => {
    expect(coveredByWildcard('kunde1.shops.example.com', '*.shops.example.com')).toBe(true)
    expect(coveredByWildcard('KUNDE1.shops.example.com.', '*.Shops.example.com')).toBe(true)
    expect(coveredByWildcard('a.kunde1.shops.example.com', '*.shops.example.com')).toBe(false)
    expect(coveredByWildcard('shops.example.com', '*.shops.example.com')).toBe(false)
    expect(coveredByWildcard('kunde1.example.com', '*.shops.example.com')).toBe(false)
    expect(coveredByWildcard('kunde1.shops.example.com', 'shops.example.com')).toBe(false)
  })
})
