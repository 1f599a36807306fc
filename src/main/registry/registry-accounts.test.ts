import { describe, expect, it } from 'vitest'
import { Keychain } from '../vault/keychain'
import { memoryKeytar } from '../vault/memory-keytar'
import { RegistryAccounts, registryPasswordAccount } from './registry-accounts'

function accounts() {
  const data = new Map<string, unknown>()
  const keytar = memoryKeytar()
  const store = { get: (key: string) => data.get(key), set: (key: string, value: unknown) => void data.set(key, value) }
  return { registries: new RegistryAccounts(store, new Keychain({ load: async () => keytar })), data, keytar }
}

describe('RegistryAccounts', () => {
  it('keeps the password in the keychain only, and gives a pull the credentials of the image’s registry', async () => {
    const { registries, data, keytar } = accounts()
    await registries.save({ host: 'Registry.Example.com:5000', username: 'ci', password: 'geheim' })
    expect(JSON.stringify(data.get('registries'))).not.toContain('geheim')
    expect(keytar.entries.get(registryPasswordAccount('registry.example.com:5000'))).toBe('geheim')
    expect(await registries.pullAuth('registry.example.com:5000/acme/shop:2.0')).toEqual({
      username: 'ci',
      password: 'geheim',
      serveraddress: 'registry.example.com:5000',
    })
    // Another registry's image is pulled anonymously: these credentials are not sent there.
    expect(await registries.pullAuth('ghcr.io/acme/shop:2.0')).toBeNull()
  })

  it('files Docker Hub’s aliases under docker.io, as its image names do', async () => {
    const { registries } = accounts()
    await registries.save({ host: 'index.docker.io', username: 'anna', password: 'token' })
    expect(registries.list()).toEqual([{ host: 'docker.io', username: 'anna', ca: null }])
    expect(await registries.pullAuth('prestashop/prestashop:8.2')).toMatchObject({ username: 'anna', serveraddress: 'https://index.docker.io/v1/' })
  })

  it('keeps the stored password when saved again without one, and wants one for a new registry', async () => {
    const { registries } = accounts()
    await expect(registries.save({ host: 'ghcr.io', username: 'anna' })).rejects.toMatchObject({ code: 'invalid_input' })
    await registries.save({ host: 'ghcr.io', username: 'anna', password: 'eins' })
    await registries.save({ host: 'ghcr.io', username: 'bea', ca: '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----' })
    expect((await registries.access('ghcr.io/acme/shop')).credentials).toEqual({ username: 'bea', password: 'eins' })
  })

  it('removes the entry and its password', async () => {
    const { registries, keytar } = accounts()
    await registries.save({ host: 'ghcr.io', username: 'anna', password: 'eins' })
    await registries.remove('ghcr.io')
    expect(registries.list()).toEqual([])
    expect(keytar.entries.size).toBe(0)
  })
})
