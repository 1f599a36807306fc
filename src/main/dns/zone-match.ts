// Which zone a full domain name belongs to and what its record is called there: the longest zone suffix wins,
// `@` is the apex, and case, a trailing dot and IDN (punycode) are normalised the way Hetzner stores names.
import { domainToASCII } from 'node:url'
import { AppError, type ErrorSay } from '@shared/errors'
import { isValidDomain } from '@shared/shop-rules'

export interface ZoneLike {
  name: string
  mode: 'primary' | 'secondary'
}

export interface RecordLocation<Z extends ZoneLike = ZoneLike> {
  zone: Z
  /** Relative to the zone, lower case, punycode: `shop1`, `*.shops`, `@`. */
  name: string
  /** The full name, normalised. */
  domain: string
}

const LABEL = /^(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)$/

function invalid(path: string, message: string, say?: ErrorSay): AppError {
  return new AppError('invalid_input', message, { fields: [{ path, message }], ...(say ? { say } : {}) })
}

/** `Shop1.Müller.de.` → `shop1.xn--mller-kva.de`; a leading `*.` (wildcard) is kept. */
export function normaliseRecordDomain(input: string): string {
  const trimmed = input.trim().replace(/\.$/, '')
  const wildcard = trimmed.startsWith('*.')
  const host = domainToASCII((wildcard ? trimmed.slice(2) : trimmed).toLowerCase())
  if (!host || !isValidDomain(host)) throw invalid('domain', `"${input}" is not a valid domain name.`)
  return wildcard ? `*.${host}` : host
}

/** A record name relative to its zone, as Hetzner wants it: `@` for the apex, lower case, punycode, no dot at the end. */
export function normaliseRecordName(input: string): string {
  const trimmed = input.trim().replace(/\.$/, '').toLowerCase()
  if (trimmed === '' || trimmed === '@') return '@'
  const labels = trimmed.split('.')
  const wildcard = labels[0] === '*'
  const rest = wildcard ? labels.slice(1) : labels
  const ascii = rest.map((label) => (/^[\x21-\x7e]*$/.test(label) ? label : domainToASCII(label)))
  if (ascii.some((label) => !LABEL.test(label))) {
    throw invalid('name', `"${input}" is not a valid record name.`)
  }
  return [...(wildcard ? ['*'] : []), ...ascii].join('.')
}

/** The zone holding `domain` and the record name there; a name outside every zone or in a secondary zone is refused. */
export function locateInZones<Z extends ZoneLike>(input: string, zones: readonly Z[]): RecordLocation<Z> {
  const domain = normaliseRecordDomain(input)
  let best: { zone: Z; zoneName: string } | null = null
  for (const zone of zones) {
    const zoneName = zone.name.toLowerCase().replace(/\.$/, '')
    if (domain !== zoneName && !domain.endsWith(`.${zoneName}`)) continue
    if (!best || zoneName.length > best.zoneName.length) best = { zone, zoneName }
  }
  if (!best) {
    const names = zones.map((zone) => zone.name)
    const known = names.length === 0 ? 'it has no DNS zones' : `its zones: ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}`
    throw invalid(
      'domain',
      `${domain} is not in any DNS zone of this Hetzner project (${known}). Use a domain under one of them, or add its zone in Hetzner Console.`,
      {
        key: 'noZone',
        values: { domain, zones: names.length === 0 ? '—' : `${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}` },
      },
    )
  }
  if (best.zone.mode === 'secondary') {
    throw invalid(
      'domain',
      `${domain} belongs to ${best.zoneName}, a secondary zone at Hetzner: its records come from another name server, so they cannot be written here. Change the record at the primary name server.`,
      { key: 'secondaryZone', values: { zone: best.zoneName } },
    )
  }
  const name = domain === best.zoneName ? '@' : domain.slice(0, -(best.zoneName.length + 1))
  return { zone: best.zone, name, domain }
}

/** Whether a certificate and record for `wildcard` (`*.shops.example.com`) cover `domain`: exactly one label more. */
export function coveredByWildcard(domain: string, wildcard: string): boolean {
  const name = normaliseRecordDomain(domain)
  const pattern = normaliseRecordDomain(wildcard)
  if (!pattern.startsWith('*.') || name.startsWith('*.')) return false
  const base = pattern.slice(2)
  if (!name.endsWith(`.${base}`)) return false
  return !name.slice(0, -(base.length + 1)).includes('.')
}
