import ssh2 from 'ssh2'
import { describe, expect, it } from 'vitest'
import { HostProfiles } from '../host/host-profiles'
import { Keychain } from '../vault/keychain'
import { memoryKeytar } from '../vault/memory-keytar'
import { IDENTITY_ACCOUNT, IdentityService } from './identity'
import { fingerprintOf } from './authorized-keys'

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

function setup() {
  const keytar = memoryKeytar()
  const data = new Map<string, unknown>()
  const store = { get: (k: string) => data.get(k), set: (k: string, v: unknown) => void data.set(k, v) }
  const keychain = new Keychain({ load: async () => keytar })
  const identity = new IdentityService(store, keychain)
  const profiles = new HostProfiles(store, keychain, {
    localBaseDir: '/tmp/none',
    localDockerSocket: '/nonexistent.sock',
    identityKey: () => identity.privateKey(),
  })
  return { keytar, data, identity, profiles }
}

const base = { name: 'Demo', address: 'demo.example.com', user: 'deploy' }

describe('a host profile that logs in as this installation', () => {
  it("gets the identity's private key from the keychain for its session, and keeps no key of its own", async () => {
    const { keytar, data, identity, profiles } = setup()
    const pasted = ssh2.utils.generateKeyPairSync('ed25519').private
    const keyed = await profiles.save({ ...base, auth: { kind: 'key', privateKey: pasted } })
    expect(keytar.entries.has(`host:${keyed.id}:private-key`)).toBe(true)
    await identity.generate('Anna', 'sales')
    const switched = await profiles.save({ ...base, id: keyed.id, auth: { kind: 'identity' } })
    expect(switched.auth).toEqual({ kind: 'identity' })
    expect(keytar.entries.has(`host:${keyed.id}:private-key`)).toBe(false)
    const secrets = await profiles.secrets(switched)
    expect(secrets).toEqual({ privateKey: await identity.privateKey() })
    expect(JSON.stringify([...data])).not.toContain('PRIVATE KEY')
  })

  it('without an identity fails with words that send the user to Settings', async () => {
    const { profiles } = setup()
    const profile = await profiles.save({ ...base, auth: { kind: 'identity' } })
    await expect(profiles.secrets(profile)).rejects.toMatchObject({ code: 'key_invalid', say: { key: 'identityMissing' } })
    const bare = new HostProfiles({ get: () => undefined, set: () => undefined }, new Keychain({ load: async () => memoryKeytar() }), {
      localBaseDir: '/tmp/none',
      localDockerSocket: '/nonexistent.sock',
    })
    await expect(bare.secrets(profile)).rejects.toMatchObject({ say: { key: 'identityMissing' } })
  })
})
