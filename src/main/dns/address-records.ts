// What it takes to make one name's A/AAAA record sets say exactly what is wanted. The plan is pure, so "same
// value: no write" is decided, and tested, without a network.
import { isIPv4, isIPv6 } from 'node:net'
import { AppError, type FieldIssue } from '@shared/errors'
import { TTL_MAX, TTL_MIN, type RRSet } from './hetzner-schema'

export type AddressType = 'A' | 'AAAA'

/** Per family: an address to point at, null to have none, left out to leave that family alone. */
export interface AddressTargets {
  ipv4?: string | null
  ipv6?: string | null
}

export type AddressStep =
  | { kind: 'create'; type: AddressType; value: string; ttl?: number | null }
  | { kind: 'set_records'; type: AddressType; value: string }
  | { kind: 'change_ttl'; type: AddressType; ttl: number | null }
  | { kind: 'delete'; type: AddressType }

/** One spelling per address (`2001:DB8:0::1` and `2001:db8::1` are the same), or null when it is none. */
export function canonicalAddress(type: AddressType, value: string): string | null {
  const text = value.trim()
  if (type === 'A') return isIPv4(text) ? text : null
  if (!isIPv6(text) || text.includes('%')) return null
  return new URL(`http://[${text}]`).hostname.slice(1, -1)
}

/** The wanted address per record type, canonical; refuses what is not an address before anything is sent. */
export function wantedAddresses(targets: AddressTargets): Map<AddressType, string | null> {
  const wanted = new Map<AddressType, string | null>()
  const fields: FieldIssue[] = []
  for (const [key, type, family] of [
    ['ipv4', 'A', 'IPv4'],
    ['ipv6', 'AAAA', 'IPv6'],
  ] as const) {
    const value = targets[key]
    if (value === undefined) continue
    if (value === null) {
      wanted.set(type, null)
      continue
    }
    const canonical = canonicalAddress(type, value)
    if (canonical === null) fields.push({ path: key, message: `"${value}" is not an ${family} address` })
    else wanted.set(type, canonical)
  }
  if (fields.length > 0) throw new AppError('invalid_input', `${fields.map((f) => f.message).join('; ')}.`, { fields })
  return wanted
}

export function checkTtl(ttl: number | null): void {
  if (ttl === null || (Number.isInteger(ttl) && ttl >= TTL_MIN && ttl <= TTL_MAX)) return
  const message = `The TTL must be a whole number of seconds from ${TTL_MIN} to ${TTL_MAX}.`
  throw new AppError('invalid_input', message, { fields: [{ path: 'ttl', message }] })
}

/**
 * The writes that turn `existing` (the record sets of one name) into `wanted`; none when it already matches.
 * `ttl` undefined leaves the TTL alone; null means the zone's default.
 */
export function planAddressRecords(existing: readonly RRSet[], wanted: ReadonlyMap<AddressType, string | null>, ttl?: number | null): AddressStep[] {
  const steps: AddressStep[] = []
  for (const [type, value] of wanted) {
    const current = existing.find((rrset) => rrset.type === type)
    if (value === null) {
      if (current) steps.push({ kind: 'delete', type })
      continue
    }
    if (!current) {
      steps.push({ kind: 'create', type, value, ...(ttl !== undefined ? { ttl } : {}) })
      continue
    }
    const values = current.records.map((record) => canonicalAddress(type, record.value) ?? record.value)
    if (values.length !== 1 || values[0] !== value) steps.push({ kind: 'set_records', type, value })
    if (ttl !== undefined && current.ttl !== ttl) steps.push({ kind: 'change_ttl', type, ttl })
  }
  return steps
}
