import { describe, expect, it } from 'vitest'
import { AppError } from '../../shared/errors'
import { Keychain, type KeytarApi } from './keychain'

function memoryKeytar(): KeytarApi & { entries: Map<string, string> } {
  const entries = new Map<string, string>()
  const key = (service: string, account: string) => `${service}\u0000${account}`
  return {
    entries,
    getPassword: async (s, a) => entries.get(key(s, a)) ?? null,
    setPassword: async (s, a, p) => void entries.set(key(s, a), p),
    deletePassword: async (s, a) => entries.delete(key(s, a)),
    findCredentials: async (s) =>
      [...entries].filter(([k]) => k.startsWith(`${s}\u0000`)).map(([k, password]) => ({ account: k.slice(s.length + 1), password })),
  }
}

function keychain() {
  const fake = memoryKeytar()
  return { fake, chain: new Keychain({ service: 'unit', load: async () => fake }) }
}

describe('Keychain account names', () => {
  it.each([
    ['empty', ''],
    ['too long', 'a'.repeat(201)],
    ['newline', 'host/prod\nkey'],
    ['NUL', 'a\u0000b'],
    ['DEL', 'a\u007fb'],
  ])('rejects a name that is %s, before touching the keychain', async (_, account) => {
    const { fake, chain } = keychain()
    await expect(chain.set(account, 'hunter2')).rejects.toMatchObject({ code: 'invalid_input' })
    await expect(chain.get(account)).rejects.toBeInstanceOf(AppError)
    await expect(chain.delete(account)).rejects.toMatchObject({ code: 'invalid_input' })
    expect(fake.entries.size).toBe(0)
  })

  it('accepts 200 characters, slashes, spaces and non-ASCII letters', async () => {
    const { chain } = keychain()
    for (const account of ['a'.repeat(200), 'host/Kunde Müller/ssh-key', 'dns:hetzner']) {
      await chain.set(account, 's')
      expect(await chain.get(account)).toBe('s')
    }
  })

  it('keeps the secret out of the error when the keychain fails', async () => {
    const chain = new Keychain({
      service: 'unit',
      load: async () => ({ ...memoryKeytar(), setPassword: async (_s, _a, p) => Promise.reject(new Error(`refused ${p}`)) }),
    })
    const error = await chain.set('acct', 'hunter2').catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'keychain_unavailable' })
    expect((error as Error).message).not.toContain('hunter2')
  })
})
