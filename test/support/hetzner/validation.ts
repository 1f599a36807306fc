// The emulator's input rules for record sets (HETZNER.md "Model"): what Hetzner answers with
// `422 invalid_input` and `details.fields`.
import { isIPv4, isIPv6 } from 'node:net'

export const recordTypes = ['A', 'AAAA', 'CAA', 'CNAME', 'DS', 'HINFO', 'HTTPS', 'MX', 'NS', 'PTR', 'RP', 'SOA', 'SRV', 'SVCB', 'TLSA', 'TXT'] as const
export type EmulatedRecordType = (typeof recordTypes)[number]

export interface FieldError {
  name: string
  messages: string[]
}

export interface EmulatedRecord {
  value: string
  comment: string | null
}

const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/

/** Relative, lower case, no trailing dot, `@` for the apex; `*` as first label only when wildcards are allowed. */
export function nameProblems(name: unknown, allowWildcards: boolean): string[] {
  if (typeof name !== 'string' || name === '') return ['is required']
  if (name === '@') return []
  if (name !== name.toLowerCase()) return ['must be lower case']
  if (name.endsWith('.')) return ['must be relative, without a trailing dot']
  const labels = name.split('.')
  const rest = labels[0] === '*' ? labels.slice(1) : labels
  if (labels[0] === '*' && !allowWildcards) return ['wildcard names are not allowed']
  if (rest.some((label) => !LABEL.test(label))) return ['is not a valid record name']
  if (name.length > 253) return ['is too long']
  return []
}

export function typeProblems(type: unknown): string[] {
  return typeof type === 'string' && (recordTypes as readonly string[]).includes(type) ? [] : [`must be one of ${recordTypes.join(', ')}`]
}

/** 60…2147483647 or null (the zone's default). */
export function ttlProblems(ttl: unknown): string[] {
  if (ttl === null) return []
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 60 || ttl > 2_147_483_647) return ['must be an integer from 60 to 2147483647, or null']
  return []
}

function valueProblem(type: EmulatedRecordType, value: string): string | null {
  switch (type) {
    case 'A':
      return isIPv4(value) ? null : `"${value}" is not an IPv4 address`
    case 'AAAA':
      return isIPv6(value) ? null : `"${value}" is not an IPv6 address`
    case 'TXT':
      return /^"[^]*"$/.test(value) ? null : 'TXT values must be quoted strings'
    default:
      return null
  }
}

/** Non-empty, `{value, comment?}` each, distinct values, values fitting the type. */
export function readRecords(type: EmulatedRecordType, records: unknown): { records: EmulatedRecord[]; problems: string[] } {
  if (!Array.isArray(records) || records.length === 0) return { records: [], problems: ['must be a non-empty list'] }
  const problems: string[] = []
  const read: EmulatedRecord[] = []
  for (const [index, record] of records.entries()) {
    const value = (record as { value?: unknown })?.value
    const comment = (record as { comment?: unknown })?.comment
    if (typeof value !== 'string' || value.trim() === '') {
      problems.push(`record ${index}: value is required`)
      continue
    }
    if (comment !== undefined && comment !== null && typeof comment !== 'string') problems.push(`record ${index}: comment must be a string`)
    const problem = valueProblem(type, value)
    if (problem) problems.push(problem)
    read.push({ value, comment: typeof comment === 'string' ? comment : null })
  }
  const values = read.map((r) => r.value)
  if (new Set(values).size !== values.length) problems.push('values must be distinct')
  return { records: read, problems }
}

export function labelProblems(labels: unknown): string[] {
  if (labels === undefined) return []
  if (!labels || typeof labels !== 'object' || Array.isArray(labels)) return ['must be an object']
  return Object.values(labels).every((v) => typeof v === 'string') ? [] : ['values must be strings']
}

/** Collects `[name, problems]` pairs into Hetzner's `details.fields`. */
export function fieldErrors(entries: ReadonlyArray<readonly [string, string[]]>): FieldError[] {
  return entries.filter(([, messages]) => messages.length > 0).map(([name, messages]) => ({ name, messages }))
}
