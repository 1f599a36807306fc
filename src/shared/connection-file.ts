// The connection file: what a salesperson's laptop needs to reach a host, exported by an admin and imported once.
// It names the host and pins its key; it carries no secret, because the laptop logs in with its own identity.
import { z } from 'zod'
import { AppError } from './errors'
import { hostInputSchema, sshFingerprint, type HostInput, type HostProfile } from './hosts'

export const CONNECTION_FILE_FORMAT = 'shop-manager-connection'
export const CONNECTION_FILE_VERSION = 1

const host = hostInputSchema.shape

/** One schema for both directions: export parses what it wrote, so a field it may not carry cannot slip in. */
export const connectionFileSchema = z.object({
  format: z.literal(CONNECTION_FILE_FORMAT),
  version: z.literal(CONNECTION_FILE_VERSION),
  name: host.name,
  address: host.address,
  port: host.port,
  user: host.user,
  /** The host key the admin confirmed; the importing laptop pins it instead of asking to trust. */
  hostKey: sshFingerprint,
  shopDomain: host.shopDomain,
  domainMode: host.domainMode,
  baseDir: host.baseDir,
  dockerSocket: host.dockerSocket,
})
export type ConnectionFile = z.output<typeof connectionFileSchema>

/** What `hosts:exportConnection` answers: the text to show, download and put in a QR code. */
export interface ConnectionExport {
  json: string
  fileName: string
}

/** The file for a profile; unknown properties (a secret a profile object might carry) are dropped by the schema. */
export function connectionFileOf(profile: HostProfile): ConnectionFile {
  if (profile.kind !== 'ssh')
    throw new AppError('invalid_input', 'The built-in local host has no address another laptop could reach.', { say: { key: 'connectionFileLocal' } })
  if (!profile.hostKey)
    throw new AppError('invalid_input', `Connect to "${profile.name}" and confirm its host key first: the connection file pins it.`, {
      say: { key: 'exportNeedsHostKey', values: { host: profile.name } },
    })
  return connectionFileSchema.parse({
    format: CONNECTION_FILE_FORMAT,
    version: CONNECTION_FILE_VERSION,
    name: profile.name,
    address: profile.address,
    port: profile.port,
    user: profile.user,
    hostKey: profile.hostKey,
    shopDomain: profile.shopDomain,
    domainMode: profile.domainMode,
    baseDir: profile.baseDir,
    dockerSocket: profile.dockerSocket,
  })
}

export function connectionExport(profile: HostProfile): ConnectionExport {
  const file = connectionFileOf(profile)
  const base =
    file.name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'host'
  return { json: `${JSON.stringify(file, null, 2)}\n`, fileName: `${base}.shop-manager-connection.json` }
}

const notConnectionFile = () => new AppError('invalid_input', 'This is not a Shop-Manager connection file.', { say: { key: 'notConnectionFile' } })

/** Reads a pasted or picked file; every refusal says what is wrong in the user's words. */
export function parseConnectionFile(text: string): ConnectionFile {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    throw notConnectionFile()
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw) || (raw as { format?: unknown }).format !== CONNECTION_FILE_FORMAT) throw notConnectionFile()
  const { version, hostKey } = raw as { version?: unknown; hostKey?: unknown }
  if (version !== CONNECTION_FILE_VERSION) {
    const seen = typeof version === 'number' || typeof version === 'string' ? String(version).slice(0, 20) : '?'
    throw new AppError('invalid_input', `This connection file has version ${seen}; this app reads version ${CONNECTION_FILE_VERSION}.`, {
      say: { key: 'connectionFileVersion', values: { version: seen, supported: CONNECTION_FILE_VERSION } },
    })
  }
  // Without the host key the first connection would have to be trusted blindly: the file exists to avoid that.
  if (hostKey === undefined || hostKey === null || hostKey === '')
    throw new AppError('invalid_input', 'The connection file has no host-key fingerprint; ask the admin to export it again.', {
      say: { key: 'connectionFileNoHostKey' },
    })
  const parsed = connectionFileSchema.safeParse(raw)
  if (!parsed.success) {
    const field = parsed.error.issues.map((i) => i.path.join('.')).find(Boolean) ?? '?'
    throw new AppError('invalid_input', `The connection file is damaged: "${field}" is not valid.`, {
      say: { key: 'connectionFileDamaged', values: { field } },
      fields: parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(file)', message: i.message })),
    })
  }
  return parsed.data
}

/** The profile an imported file makes: this installation's identity logs in, as a salesperson. */
export function hostInputOf(file: ConnectionFile): HostInput {
  return {
    name: file.name,
    address: file.address,
    port: file.port,
    user: file.user,
    auth: { kind: 'identity' },
    dockerSocket: file.dockerSocket,
    baseDir: file.baseDir,
    role: 'sales',
    shopDomain: file.shopDomain,
    domainMode: file.domainMode,
  }
}

/** The same login on the same server: address (case-insensitive), port and user. */
export function sameLogin(a: { address: string; port: number; user: string }, b: { address: string; port: number; user: string }): boolean {
  return a.address.toLowerCase() === b.address.toLowerCase() && a.port === b.port && a.user === b.user
}
