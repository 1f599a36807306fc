// The shapes of Hetzner Cloud DNS API answers (HETZNER.md), checked on arrival so a changed API fails loudly here
// and not three calls later. Fields the app does not use are optional, so additions on Hetzner's side are harmless.
import { z } from 'zod'

export const recordTypes = ['A', 'AAAA', 'CAA', 'CNAME', 'DS', 'HINFO', 'HTTPS', 'MX', 'NS', 'PTR', 'RP', 'SOA', 'SRV', 'SVCB', 'TLSA', 'TXT'] as const
export type RecordType = (typeof recordTypes)[number]

export const TTL_MIN = 60
export const TTL_MAX = 2_147_483_647

export const zoneSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  ttl: z.number().int(),
  mode: z.enum(['primary', 'secondary']),
  status: z.enum(['ok', 'updating', 'error']),
  record_count: z.number().int().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  protection: z.object({ delete: z.boolean() }).optional(),
  created: z.string().optional(),
})
export type Zone = z.infer<typeof zoneSchema>

export const recordSchema = z.object({ value: z.string(), comment: z.string().nullable().optional() })
export type DnsRecord = z.infer<typeof recordSchema>

export const rrsetSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(recordTypes),
  ttl: z.number().int().nullable(),
  records: z.array(recordSchema),
  labels: z.record(z.string(), z.string()).optional(),
  protection: z.object({ change: z.boolean() }).optional(),
  zone: z.number().int().optional(),
})
export type RRSet = z.infer<typeof rrsetSchema>

export const actionSchema = z.object({
  id: z.number().int(),
  command: z.string(),
  status: z.enum(['running', 'success', 'error']),
  progress: z.number().optional(),
  started: z.string().optional(),
  finished: z.string().nullable().optional(),
  resources: z.array(z.object({ id: z.number(), type: z.string() })).optional(),
  error: z.object({ code: z.string(), message: z.string() }).nullable().optional(),
})
export type Action = z.infer<typeof actionSchema>

const paginationSchema = z.object({
  page: z.number().int(),
  per_page: z.number().int(),
  previous_page: z.number().int().nullable(),
  next_page: z.number().int().nullable(),
  last_page: z.number().int().nullable(),
  total_entries: z.number().int().nullable(),
})
const metaSchema = z.object({ pagination: paginationSchema })

export const zoneListSchema = z.object({ zones: z.array(zoneSchema), meta: metaSchema })
export const zoneAnswerSchema = z.object({ zone: zoneSchema })
export const rrsetListSchema = z.object({ rrsets: z.array(rrsetSchema), meta: metaSchema })
export const rrsetAnswerSchema = z.object({ rrset: rrsetSchema })
export const rrsetCreatedSchema = z.object({ rrset: rrsetSchema, action: actionSchema })
export const actionAnswerSchema = z.object({ action: actionSchema })

export const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
})

/** `details` of `invalid_input`: which request fields were wrong and why. */
export const invalidFieldsSchema = z.object({
  fields: z.array(z.object({ name: z.string(), messages: z.array(z.string()) })),
})
