// Checks a shop domain as a customer's phone would meet it: resolve A/AAAA through the chosen resolvers, compare
// with the host's addresses, open TLS with the name as SNI, read the certificate, ask for the page.
import { Resolver } from 'node:dns/promises'
import { isIP } from 'node:net'
import { request } from 'node:https'
import { checkServerIdentity, connect, rootCertificates, type PeerCertificate } from 'node:tls'
import type { DomainCheckCode, DomainCheckResult, DomainVerdict } from '@shared/domain-check'
import { normaliseDomain } from './domain-name'

export interface DomainCheckOptions {
  /** The host's public addresses the name should point to. */
  expected: readonly string[]
  /** DNS servers as `ip` or `ip:port`; the system's when empty. */
  resolvers?: readonly string[]
  /** HTTPS port (tests use a high one). */
  port?: number
  /** Extra CA certificates to trust, PEM (a company CA; tests use their own). */
  ca?: readonly string[]
  timeoutMs?: number
}

/** Traefik serves this self-signed certificate until its resolver has one for the name. */
const TRAEFIK_DEFAULT = 'TRAEFIK DEFAULT CERT'

const verdicts: Record<DomainCheckCode, DomainVerdict> = {
  ok: 'ok',
  no_address: 'error',
  dns_failed: 'error',
  other_server: 'error',
  partly_other_server: 'warning',
  unreachable: 'error',
  cert_pending: 'warning',
  cert_wrong_name: 'error',
  cert_expired: 'error',
  cert_untrusted: 'error',
  http_error: 'warning',
}

async function resolveAddresses(domain: string, options: DomainCheckOptions): Promise<string[] | { failed: string }> {
  const resolver = new Resolver({ timeout: Math.min(options.timeoutMs ?? 5000, 5000), tries: 2 })
  if (options.resolvers?.length) resolver.setServers([...options.resolvers])
  const lookup = async (run: () => Promise<string[]>): Promise<string[] | { failed: string }> => {
    try {
      return await run()
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      // No such name or no record of this type: an answer, not a failure.
      if (code === 'ENOTFOUND' || code === 'ENODATA') return []
      return { failed: code ?? (error as Error).message }
    }
  }
  const [v4, v6] = await Promise.all([lookup(() => resolver.resolve4(domain)), lookup(() => resolver.resolve6(domain))])
  if (!Array.isArray(v4)) return v4
  if (!Array.isArray(v6)) return v6
  return [...v4, ...v6]
}

interface TlsFacts {
  certificate: PeerCertificate
  chainError: string | null
}

function tlsHandshake(address: string, domain: string, options: DomainCheckOptions): Promise<TlsFacts> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: address,
      port: options.port ?? 443,
      servername: domain,
      ca: options.ca?.length ? [...rootCertificates, ...options.ca] : undefined,
      // We want to see the certificate even when it is wrong, and say what is wrong with it.
      rejectUnauthorized: false,
      timeout: options.timeoutMs ?? 8000,
    })
    socket.once('secureConnect', () => {
      const certificate = socket.getPeerCertificate()
      const chainError = socket.authorized ? null : String(socket.authorizationError ?? 'unknown')
      socket.end()
      resolve({ certificate, chainError })
    })
    socket.once('timeout', () => {
      socket.destroy()
      reject(new Error('timed out'))
    })
    socket.once('error', reject)
  })
}

function httpStatus(address: string, domain: string, options: DomainCheckOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: address,
        port: options.port ?? 443,
        servername: domain,
        headers: { host: domain, 'user-agent': 'Shop-Manager domain check' },
        path: '/',
        method: 'GET',
        rejectUnauthorized: false,
        timeout: options.timeoutMs ?? 8000,
        agent: false,
      },
      (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      },
    )
    req.once('timeout', () => req.destroy(new Error('timed out')))
    req.once('error', reject)
    req.end()
  })
}

function certificateNames(certificate: PeerCertificate): string[] {
  return (certificate.subjectaltname ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.startsWith('DNS:'))
    .map((entry) => entry.slice(4))
}

const field = (value: string | string[] | undefined): string | null => (Array.isArray(value) ? (value[0] ?? null) : (value ?? null))

export async function checkDomain(input: string, options: DomainCheckOptions): Promise<DomainCheckResult> {
  const domain = normaliseDomain(input)
  const expected = [...options.expected]
  const result = (code: DomainCheckCode, params: Record<string, string>, extra: Partial<DomainCheckResult> = {}): DomainCheckResult => ({
    domain,
    verdict: verdicts[code],
    code,
    params: { domain, ...params },
    dns: { addresses: [], expected },
    tls: null,
    httpStatus: null,
    checkedAt: new Date().toISOString(),
    ...extra,
  })

  const resolved = await resolveAddresses(domain, options)
  if (!Array.isArray(resolved)) return result('dns_failed', { reason: resolved.failed })
  const dns = { addresses: resolved, expected }
  if (resolved.length === 0) return result('no_address', { expected: expected.join(', ') }, { dns })
  const ours = resolved.filter((a) => expected.includes(a))
  const foreign = resolved.filter((a) => !expected.includes(a))
  if (ours.length === 0) return result('other_server', { addresses: foreign.join(', '), expected: expected.join(', ') }, { dns })

  const address = ours[0]!
  let facts: TlsFacts
  try {
    facts = await tlsHandshake(address, domain, options)
  } catch (error) {
    return result('unreachable', { address, reason: (error as NodeJS.ErrnoException).code ?? (error as Error).message }, { dns })
  }
  const { certificate } = facts
  const validTo = certificate.valid_to ? new Date(certificate.valid_to) : null
  const tls = {
    subject: field(certificate.subject?.CN),
    issuer: field(certificate.issuer?.O) ?? field(certificate.issuer?.CN),
    validTo: validTo?.toISOString() ?? null,
    daysLeft: validTo ? Math.floor((validTo.getTime() - Date.now()) / 86_400_000) : null,
    names: certificateNames(certificate),
  }
  const withTls = { dns, tls }
  if (tls.subject === TRAEFIK_DEFAULT) return result('cert_pending', {}, withTls)
  if (checkServerIdentity(domain, certificate)) return result('cert_wrong_name', { names: tls.names.join(', ') || (tls.subject ?? '?') }, withTls)
  if (facts.chainError === 'CERT_HAS_EXPIRED') return result('cert_expired', { validTo: tls.validTo ?? '?' }, withTls)
  if (facts.chainError) return result('cert_untrusted', { issuer: tls.issuer ?? '?', reason: facts.chainError }, withTls)

  let status: number
  try {
    status = await httpStatus(address, domain, options)
  } catch (error) {
    return result('unreachable', { address, reason: (error as Error).message }, withTls)
  }
  const done = { ...withTls, httpStatus: status }
  if (status >= 400) return result('http_error', { status: String(status) }, done)
  if (foreign.length > 0) return result('partly_other_server', { addresses: foreign.join(', ') }, done)
  return result('ok', { issuer: tls.issuer ?? '?', days: String(tls.daysLeft ?? '?') }, done)
}

/** The host's own addresses: the profile's address if it is an IP, else what it resolves to. */
export async function hostAddresses(address: string, resolvers: readonly string[] = []): Promise<string[]> {
  const bare = address.replace(/^\[|\]$/g, '')
  if (isIP(bare)) return [bare]
  const resolved = await resolveAddresses(bare.toLowerCase(), { expected: [], resolvers })
  return Array.isArray(resolved) ? resolved : []
}
