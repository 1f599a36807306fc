// The domain check (the seed's "Prüfen" button): where a name points and what a browser would see there.
export const domainCheckCodes = [
  'ok',
  'no_address',
  'dns_failed',
  'other_server',
  'partly_other_server',
  'unreachable',
  'cert_pending',
  'cert_wrong_name',
  'cert_expired',
  'cert_untrusted',
  'http_error',
] as const
export type DomainCheckCode = (typeof domainCheckCodes)[number]

export type DomainVerdict = 'ok' | 'warning' | 'error'

export interface DomainCheckResult {
  /** The name as checked: lower case, no trailing dot, punycode for IDN. */
  domain: string
  verdict: DomainVerdict
  /** What the UI words for the salesperson, with `params` filled in. */
  code: DomainCheckCode
  params: Record<string, string>
  dns: { addresses: string[]; expected: string[] }
  tls: {
    subject: string | null
    issuer: string | null
    validTo: string | null
    daysLeft: number | null
    names: string[]
  } | null
  httpStatus: number | null
  checkedAt: string
}
