import ssh2 from 'ssh2'
import { describe, expect, it } from 'vitest'
import { Keychain, type KeytarApi } from '../vault/keychain'
import { IDENTITY_ACCOUNT, IdentityService } from './identity'
import { fingerprintOf } from './authorized-keys'

function memoryKeytar(): KeytarApi & { entries: Map<string, string> } {
  const entries = new Map<string, string>()
  return {
    entries,
    getPassword: async (_s, a) => entries.get(a) ?? null,
    setPassword: async (_s, a, p) => void entries.set(a, p),
    deletePassword: async (_s, a) => entries.delete(a),
    findCredentials: async () => [...entries].map(([account, password]) => ({ account, password })),
  }
}

describe('IdentityService', () => {
  it('makes an ed25519 pair: private key only in the keychain, public key with person and role', async () => {
    const keytar = memoryKeytar()
    const store = new Map<string, unknown>()
    const identity = new IdentityService({ get: (k) => store.get(k), set: (k, v) => void store.set(k, v) }, new Keychain({ load: async () => keytar }))
    const made = await identity.generate('Anna Schmidt', 'sales')
    expect(made.publicKey).toMatch(/^ssh-ed25519 [A-Za-z0-9+/=]+ Anna Schmidt \[sales\] shop-manager$/)
    expect(made.fingerprint).toBe(fingerprintOf(made.publicKey.split(' ')[1]!))
    const privateKey = keytar.entries.get(IDENTITY_ACCOUNT)!
    expect(ssh2.utils.parseKey(privateKey)).not.toBeInstanceOf(Error)
    expect(JSON.stringify([...store])).not.toContain('PRIVATE KEY')
    expect(identity.get()).toEqual(made)
    await expect(identity.generate('Anna Schmidt', 'sales')).rejects.toMatchObject({ code: 'invalid_input' })
    expect((await identity.generate('Anna Schmidt', 'admin', true)).fingerprint).not.toBe(made.fingerprint)
  })
})
