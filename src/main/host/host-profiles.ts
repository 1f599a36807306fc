// Host profiles: the non-secret part in the settings store, private keys and passphrases in the keychain.
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import ssh2 from 'ssh2'
import { AppError } from '@shared/errors'
import { hostInputSchema, type HostProfile, type HostRole } from '@shared/hosts'
import type { z } from 'zod'
import type { KeyValueStore } from '../settings/settings-service'
import type { Keychain } from '../vault/keychain'
import type { SshSecrets } from './host-session'
import { keyError } from './ssh-errors'

type HostInput = z.input<typeof hostInputSchema>

const KEY = 'hosts'
export const LOCAL_HOST_ID = 'local'

const keyAccount = (id: string): string => `host:${id}:private-key`
const passphraseAccount = (id: string): string => `host:${id}:passphrase`
/** The host's Hetzner DNS token (written by host setup), in the keychain. */
export const dnsTokenAccount = (id: string): string => `host:${id}:dns-token`

export interface HostProfilesOptions {
  /** Where the built-in "Local Docker" host keeps its shops. */
  localBaseDir: string
  /** The local Docker socket; the built-in host exists only where it does. */
  localDockerSocket?: string
  /** The user's ssh-agent, for hosts that use it. */
  agentSocket?: string | undefined
  /**
   * This installation's private key (Settings → identity), read from the keychain when a session opens, for hosts
   * that log in as this installation; it is handed to the SSH session and to nothing else.
   */
  identityKey?: () => Promise<string>
}

const noIdentity = (): AppError =>
  new AppError('key_invalid', 'This installation has no key yet: create one under Settings.', { say: { key: 'identityMissing' } })

function slug(name: string): string {
  const base =
    name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'host'
  return `${base}-${randomBytes(3).toString('hex')}`
}

export class HostProfiles {
  private readonly localSocket: string

  constructor(
    private readonly store: KeyValueStore,
    private readonly keychain: Keychain,
    private readonly options: HostProfilesOptions,
  ) {
    this.localSocket = options.localDockerSocket ?? '/var/run/docker.sock'
  }

  list(): HostProfile[] {
    const saved = this.saved()
    return existsSync(this.localSocket) ? [this.localProfile(), ...saved] : saved
  }

  get(id: string): HostProfile {
    const profile = this.list().find((p) => p.id === id)
    if (!profile) throw new AppError('not_found', `There is no host "${id}".`)
    return profile
  }

  /** Creates or updates a profile; a new key is checked (and its passphrase tried) before anything is stored. */
  async save(raw: HostInput): Promise<HostProfile> {
    // Callers in main (tests, setup) may pass what the form would; defaults are filled in the same way.
    const input = hostInputSchema.parse(raw)
    if (input.id === LOCAL_HOST_ID) throw new AppError('invalid_input', 'The built-in local host cannot be edited.')
    const existing = input.id ? this.saved().find((p) => p.id === input.id) : undefined
    if (input.id && !existing) throw new AppError('not_found', `There is no host "${input.id}".`)
    const id = existing?.id ?? slug(input.name)
    const auth = input.auth
    let hasPassphrase = existing?.auth.kind === 'key' ? existing.auth.hasPassphrase : false
    if (auth.kind === 'key') {
      if (auth.privateKey) {
        const parsed = ssh2.utils.parseKey(auth.privateKey, auth.passphrase)
        if (parsed instanceof Error) throw keyError(parsed.message, Boolean(auth.passphrase))
        await this.keychain.set(keyAccount(id), auth.privateKey)
        hasPassphrase = Boolean(auth.passphrase)
        if (auth.passphrase) await this.keychain.set(passphraseAccount(id), auth.passphrase)
        else await this.keychain.delete(passphraseAccount(id))
      } else if (!existing || existing.auth.kind !== 'key') {
        throw new AppError('invalid_input', 'Choose the private key for this host.', { fields: [{ path: 'auth.privateKey', message: 'required' }] })
      }
    } else {
      await this.forgetSecrets(id)
    }
    // A different address is a different server: its host key must be confirmed again.
    const sameServer = existing && existing.address === input.address && existing.port === input.port
    const profile: HostProfile = {
      id,
      name: input.name,
      kind: 'ssh',
      address: input.address,
      port: input.port,
      user: input.user,
      auth: auth.kind === 'key' ? { kind: 'key', hasPassphrase } : { kind: auth.kind },
      dockerSocket: input.dockerSocket,
      baseDir: input.baseDir,
      // The role is the host's to say (learnRole, once connected); a save of the form never changes it.
      role: existing?.role ?? input.role,
      shopDomain: input.shopDomain,
      domainMode: input.domainMode,
      hostKey: sameServer ? existing.hostKey : null,
    }
    this.write([...this.saved().filter((p) => p.id !== id), profile])
    return profile
  }

  async remove(id: string): Promise<void> {
    this.get(id)
    if (id === LOCAL_HOST_ID) throw new AppError('invalid_input', 'The built-in local host cannot be removed.')
    await this.forgetSecrets(id)
    // The DNS token belongs to the host too: it must not stay in the keychain after the host is gone.
    await this.keychain.delete(dnsTokenAccount(id))
    this.write(this.saved().filter((p) => p.id !== id))
  }

  /**
   * The role the host gave this profile's key (its gate answered, or a shell did): what the app shows and the
   * dispatcher checks follow the host, never a role typed into the profile.
   */
  learnRole(id: string, role: HostRole): void {
    const saved = this.saved()
    if (!saved.some((p) => p.id === id && p.role !== role)) return
    this.write(saved.map((p) => (p.id === id ? { ...p, role } : p)))
  }

  /** Pins the fingerprint the user confirmed after comparing it with the server's. */
  trustHostKey(id: string, fingerprint: string): HostProfile {
    const profile = this.saved().find((p) => p.id === id)
    if (!profile) throw new AppError('not_found', `There is no host "${id}".`)
    const next = { ...profile, hostKey: fingerprint }
    this.write(this.saved().map((p) => (p.id === id ? next : p)))
    return next
  }

  async secrets(profile: HostProfile): Promise<SshSecrets> {
    if (profile.kind === 'local') return {}
    if (profile.auth.kind === 'agent') {
      if (!this.options.agentSocket) throw new AppError('auth_failed', 'No ssh-agent is running (SSH_AUTH_SOCK is not set).', { say: { key: 'noAgent' } })
      return { agent: this.options.agentSocket }
    }
    if (profile.auth.kind === 'identity') {
      if (!this.options.identityKey) throw noIdentity()
      return { privateKey: await this.options.identityKey() }
    }
    const privateKey = await this.keychain.get(keyAccount(profile.id))
    if (!privateKey)
      throw new AppError('key_invalid', `The private key for "${profile.name}" is missing from the keychain. Edit the host and choose it again.`, {
        say: { key: 'keyMissing', values: { host: profile.name } },
      })
    const passphrase = profile.auth.hasPassphrase ? await this.keychain.get(passphraseAccount(profile.id)) : null
    return { privateKey, ...(passphrase ? { passphrase } : {}) }
  }

  private async forgetSecrets(id: string): Promise<void> {
    await this.keychain.delete(keyAccount(id))
    await this.keychain.delete(passphraseAccount(id))
  }

  private localProfile(): HostProfile {
    return {
      id: LOCAL_HOST_ID,
      name: 'Local Docker',
      kind: 'local',
      address: 'localhost',
      port: 0,
      user: '',
      auth: { kind: 'agent' },
      dockerSocket: this.localSocket,
      baseDir: this.options.localBaseDir,
      role: 'admin',
      shopDomain: 'localhost',
      domainMode: 'external',
      hostKey: null,
    }
  }

  private saved(): HostProfile[] {
    const value = this.store.get(KEY)
    // Profiles saved before a field existed get its default.
    return Array.isArray(value) ? (value as HostProfile[]).map((p) => ({ ...p, domainMode: p.domainMode ?? 'external' })) : []
  }

  private write(profiles: HostProfile[]): void {
    this.store.set(KEY, profiles)
  }
}

export function defaultLocalBaseDir(dataDir: string): string {
  return join(dataDir, 'local-shops')
}
