// The gate's audit log on the host: one JSON line per request (who, what, on which shop, how it ended), appended by
// the gate and read by the admin's shop page ("wer hat was wann"). Lines the parser does not know are skipped.
import { z } from 'zod'

export const gateAuditOutcomes = ['ok', 'refused', 'failed'] as const
export type GateAuditOutcome = (typeof gateAuditOutcomes)[number]

export const gateAuditLineSchema = z
  .object({
    time: z.iso.datetime(),
    /** The key's SHA256 fingerprint, as the forced command names it. */
    key: z.string().max(100),
    role: z.string().max(20),
    /** The op asked for; for a command that is no request, its first word (`docker`, `sh`, or empty). */
    op: z.string().max(60),
    shop: z.string().max(60).nullable(),
    outcome: z.enum(gateAuditOutcomes),
    /** The error code of a refusal or failure. */
    code: z.string().max(40).nullable(),
    /** How long the request ran, in milliseconds (a followed log: as long as it was followed). */
    ms: z.number().int().min(0),
  })
  .strict()
export type GateAuditLine = z.output<typeof gateAuditLineSchema>

/** An audit line as the admin's shop page shows it: with the key's person, as authorized_keys names them now. */
export interface ShopAuditEntry extends GateAuditLine {
  /** null when the key is no longer enrolled (revoked): the fingerprint is all that is left. */
  person: string | null
}

export function formatAuditLine(line: GateAuditLine): string {
  return `${JSON.stringify(gateAuditLineSchema.parse(line))}\n`
}

/** Every well-formed line of an audit log, oldest first; `shop` keeps only that shop's. */
export function parseAuditLog(text: string, shop?: string): GateAuditLine[] {
  const lines: GateAuditLine[] = []
  for (const raw of text.split('\n')) {
    if (!raw.trim()) continue
    let value: unknown
    try {
      value = JSON.parse(raw)
    } catch {
      continue
    }
    const parsed = gateAuditLineSchema.safeParse(value)
    if (parsed.success && (shop === undefined || parsed.data.shop === shop)) lines.push(parsed.data)
  }
  return lines
}
