import { describe, expect, it } from 'vitest'
import { canonicalAddress, checkTtl, planAddressRecords, wantedAddresses } from './address-records'
import type { RRSet } from './hetzner-schema'

const rrset = (type: 'A' | 'AAAA', values: string[], ttl: number | null = null): RRSet => ({
  id: `shop1/${type}`,
  name: 'shop1',
  type,
  ttl,
  records: values.map((value) => ({ value, comment: null })),
})

describe('planAddressRecords', () => {
  it('creates what is missing', () => {
    expect(planAddressRecords([], wantedAddresses({ ipv4: '203.0.113.7' }), 300)).toEqual([{ kind: 'create', type: 'A', value: '203.0.113.7', ttl: 300 }])
    expect(planAddressRecords([], wantedAddresses({ ipv4: '203.0.113.7' }))).toEqual([{ kind: 'create', type: 'A', value: '203.0.113.7' }])
  })

  it('writes nothing when the records already say it, however the address is spelled', () => {
    expect(planAddressRecords([rrset('A', ['203.0.113.7'], 300)], wantedAddresses({ ipv4: '203.0.113.7' }), 300)).toEqual([])
    expect(planAddressRecords([rrset('AAAA', ['2001:db8::1'])], wantedAddresses({ ipv6: '2001:DB8:0:0::1' }))).toEqual([])
  })

  it('replaces another value and changes only a TTL that differs', () => {
    expect(planAddressRecords([rrset('A', ['198.51.100.1'], 300)], wantedAddresses({ ipv4: '203.0.113.7' }), 300)).toEqual([
      { kind: 'set_records', type: 'A', value: '203.0.113.7' },
    ])
    expect(planAddressRecords([rrset('A', ['203.0.113.7'], 300)], wantedAddresses({ ipv4: '203.0.113.7' }), 60)).toEqual([
      { kind: 'change_ttl', type: 'A', ttl: 60 },
    ])
    expect(planAddressRecords([rrset('A', ['203.0.113.7'], 300)], wantedAddresses({ ipv4: '203.0.113.7' }))).toEqual([])
  })

  it('reduces several addresses to the one wanted', () => {
    expect(planAddressRecords([rrset('A', ['203.0.113.7', '198.51.100.1'])], wantedAddresses({ ipv4: '203.0.113.7' }))).toEqual([
      { kind: 'set_records', type: 'A', value: '203.0.113.7' },
    ])
  })

  it('deletes a family set to null and leaves an omitted one alone', () => {
    const existing = [rrset('A', ['203.0.113.7']), rrset('AAAA', ['2001:db8::1'])]
    expect(planAddressRecords(existing, wantedAddresses({ ipv4: '203.0.113.7', ipv6: null }))).toEqual([{ kind: 'delete', type: 'AAAA' }])
    expect(planAddressRecords(existing, wantedAddresses({ ipv4: '203.0.113.7' }))).toEqual([])
    expect(planAddressRecords([], wantedAddresses({ ipv6: null }))).toEqual([])
  })
})

describe('address and TTL checks', () => {
  it('refuses what is not an address of the family, naming the field', () => {
    expect(() => wantedAddresses({ ipv4: '2001:db8::1' })).toThrow(/not an IPv4 address/)
    expect(() => wantedAddresses({ ipv6: 'fe80::1%eth0' })).toThrow(/not an IPv6 address/)
    try {
      wantedAddresses({ ipv4: '300.1.1.1', ipv6: 'nope' })
      expect.unreachable()
    } catch (error) {
      expect((error as { fields: unknown }).fields).toEqual([
        { path: 'ipv4', message: '"300.1.1.1" is not an IPv4 address' },
        { path: 'ipv6', message: '"nope" is not an IPv6 address' },
      ])
    }
  })

  it('spells IPv6 one way', () => {
    expect(canonicalAddress('AAAA', '2001:0DB8:0000::0001')).toBe('2001:db8::1')
    expect(canonicalAddress('A', '203.0.113.7')).toBe('203.0.113.7')
    expect(canonicalAddress('A', '203.0.113')).toBeNull()
  })

  it('accepts Hetzner TTLs only', () => {
    expect(() => checkTtl(60)).not.toThrow()
    expect(() => checkTtl(null)).not.toThrow()
    expect(() => checkTtl(59)).toThrow(/from 60/)
    expect(() => checkTtl(2_147_483_648)).toThrow(/from 60/)
    expect(() => checkTtl(120.5)).toThrow(/whole number/)
  })
})
