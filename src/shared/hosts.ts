// Host profiles: where shops run and how the app reaches them. Secrets are never part of these types.
import { z } from 'zod'

export const hostRoles = ['sales', 'admin'] as const
export type HostRole = (typeof hostRoles)[number]

/** DNS host name or IPv4/IPv6 literal; no scheme, no path. */
const addressSchema = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(/^(\[?[0-9a-fA-F:]+\]?|[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)$/, 'not a host name or IP address')

export const absolutePath = z
  .string()
  .trim()
  .min(2)
  .max(400)
  .regex(/^\/[^\0\n]*$/, 'must be an absolute path')
  .refine((p) => !p.split('/').includes('..'), 'must not contain ..')

/**
 * How shops on a host get their names: `wildcard` (one `*.<shop domain>` record and a wildcard certificate,
 * no DNS call per shop), `per-shop` (an A/AAAA record per shop at Hetzner, created and removed with it),
 * `external` (nothing written; the customer's own domain, checked with the domain check).
 */
/** An SSH key's SHA256 fingerprint as OpenSSH prints it: `SHA256:` and 43 base64 characters. */
export const sshFingerprint = z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'not an SSH SHA256 fingerprint')

export const domainModes = ['wildcard', 'per-shop', 'external'] as const
export type DomainMode = (typeof domainModes)[number]

/**
 * How the app logs in: a private key pasted for this host (`key`), the user's ssh-agent (`agent`), or this
 * installation's own key pair from Settings → identity (`identity`); the private keys stay in the keychain.
 */
export const hostAuthSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('key'), hasPassphrase: z.boolean() }),
  z.object({ kind: z.literal('agent') }),
  z.object({ kind: z.literal('identity') }),
])
export type HostAuth = z.infer<typeof hostAuthSchema>
export type HostAuthKind = HostAuth['kind']

/** A new profile logs in as this installation once it has an identity: nothing to paste, nothing to lose. */
export function defaultAuthKind(hasIdentity: boolean): HostAuthKind {
  return hasIdentity ? 'identity' : 'key'
}

export interface HostProfile {
  id: string
  name: string
  /** `local` talks to a Docker socket on this machine; `ssh` to a remote host. */
  kind: 'ssh' | 'local'
  address: string
  port: number
  user: string
  auth: HostAuth
  dockerSocket: string
  baseDir: string
  role: HostRole
  /** Domain shops get by default: `<shop>.<shopDomain>`. */
  shopDomain: string | null
  domainMode: DomainMode
  /** SHA256 fingerprint the user confirmed; null until the first connection is trusted. */
  hostKey: string | null
}

/** What the Hosts form sends. A new private key or passphrase travels once, to the keychain. */
export const hostInputSchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9-]{1,64}$/)
      .optional(),
    name: z.string().trim().min(1).max(80),
    address: addressSchema,
    port: z.number().int().min(1).max(65535).default(22),
    user: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9._-]+$/, 'not a valid user name'),
    auth: z.discriminatedUnion('kind', [
      z.object({
        kind: z.literal('key'),
        /** Omitted when editing a host whose stored key stays. */
        privateKey: z.string().min(1).max(20_000).optional(),
        passphrase: z.string().max(1000).optional(),
      }),
      z.object({ kind: z.literal('agent') }),
      z.object({ kind: z.literal('identity') }),
    ]),
    dockerSocket: absolutePath.default('/var/run/docker.sock'),
    baseDir: absolutePath.default('/opt/docker'),
    role: z.enum(hostRoles).default('sales'),
    shopDomain: z
      .string()
      .trim()
      .toLowerCase()
      .max(200)
      .regex(/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'not a domain')
      .nullable()
      .default(null),
    domainMode: z.enum(domainModes).default('external'),
  })
  .strict()
export type HostInput = z.input<typeof hostInputSchema>

export const probeCodes = [
  'docker.ok',
  'docker.missing',
  'docker.denied',
  'docker.noAnswer',
  'compose.v2',
  'compose.v1',
  'compose.missing',
  'baseDir.ok',
  'baseDir.missing',
  'baseDir.readonly',
  'proxyNetwork.ok',
  'proxyNetwork.missing',
  'gate.sales',
] as const
export type ProbeCode = (typeof probeCodes)[number]

export interface ProbeCheck {
  id: 'docker' | 'compose' | 'baseDir' | 'proxyNetwork' | 'gate'
  ok: boolean
  /** What was found; the UI words it from `code` and `params` in the user's language. */
  code: ProbeCode
  params: Record<string, string>
  /** The same in English, for logs, e.g. "Docker 20.10.24 (API 1.41)". */
  detail: string
  /** What to do about it when not ok (English; the UI has its own words per code). */
  fix?: string
}

export interface ProbeResult {
  hostId: string
  checkedAt: string
  dockerVersion: string | null
  apiVersion: string | null
  compose: 'v2' | 'v1' | null
  checks: ProbeCheck[]
}

/** What a host has left for new shops: free space under its base directory, memory not in use, its load. */
export interface HostCapacity {
  diskFreeBytes: number
  memoryAvailableBytes: number
  /** The 1-minute load average, beside the number of CPUs it is shared by. */
  load1: number
  cpus: number
}
