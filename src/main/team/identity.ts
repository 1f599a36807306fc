// This installation's own SSH identity: an ed25519 key pair made here, the private key only in the keychain,
// the public key with a comment naming the person and role, for an admin to enrol.
import { AppError } from '@shared/errors'
import type { HostRole } from '@shared/hosts'
import type { Identity } from '@shared/team'
import type { KeyValueStore } from '../settings/settings-service'
import type { Keychain } from '../vault/keychain'
import { fingerprintOf, teamComment } from './authorized-keys'
import { generateEd25519 } from './key-pair'

export const IDENTITY_ACCOUNT = 'identity:private-key'
const KEY = 'identity'

export class IdentityService {
  constructor(
    private readonly store: KeyValueStore,
    private readonly keychain: Keychain,
  ) {}

  get(): Identity | null {
    const value = this.store.get(KEY) as Identity | undefined
    return value && typeof value.publicKey === 'string' ? value : null
  }

  /** Makes a new key pair; an existing one is replaced only when asked (hosts that trust it lose it). */
  async generate(person: string, role: HostRole, replace = false): Promise<Identity> {
    if (this.get() && !replace)
      throw new AppError('invalid_input', 'This installation has a key already; replacing it locks it out of every host that has it.', {
        say: { key: 'identityExists' },
      })
    const comment = teamComment(person, role)
    const pair = generateEd25519(comment)
    const base64 = pair.public.split(' ')[1] ?? ''
    await this.keychain.set(IDENTITY_ACCOUNT, pair.private)
    const identity: Identity = { person, role, publicKey: pair.public.trim(), fingerprint: fingerprintOf(base64) }
    this.store.set(KEY, identity)
    return identity
  }

  /** The private key, for a host profile that logs in as this installation. */
  async privateKey(): Promise<string> {
    const key = await this.keychain.get(IDENTITY_ACCOUNT)
    // key_invalid, as for a host's own key missing from the keychain: the login cannot even be tried.
    if (!key) throw new AppError('key_invalid', 'This installation has no key yet: create one under Settings.', { say: { key: 'identityMissing' } })
    return key
  }
}
