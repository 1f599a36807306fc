// The vault against the real gnome-keyring of the test bed (Secret Service on a private D-Bus).
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { Keychain } from '../../src/main/vault/keychain'
import { useKeyringEnv } from '../testbed/testbed'

describe('Keychain on gnome-keyring', () => {
  const service = `Shop-Manager-test-${randomUUID()}`
  const account = 'host/prod-1/ssh-key'
  const secret = `-----BEGIN OPENSSH PRIVATE KEY-----\n${randomUUID()}\n-----END OPENSSH PRIVATE KEY-----\n`
  let keychain: Keychain

  beforeAll(() => {
    useKeyringEnv(inject('testbed'))
    keychain = new Keychain({ service })
  })

  afterAll(async () => {
    for (const name of await keychain.list()) await keychain.delete(name)
  })

  it('stores, lists, overwrites and deletes a secret', async () => {
    expect(await keychain.get(account)).toBeNull()
    await keychain.set(account, secret)
    expect(await keychain.get(account)).toBe(secret)
    expect(await keychain.list()).toEqual([account])

    await keychain.set(account, 'second value')
    expect(await keychain.get(account)).toBe('second value')
    expect(await keychain.list()).toEqual([account])

    expect(await keychain.delete(account)).toBe(true)
    expect(await keychain.get(account)).toBeNull()
    expect(await keychain.delete(account)).toBe(false)
    expect(await keychain.list()).toEqual([])
  })

  it('lists account names and never the secrets', async () => {
    await keychain.set('dns/hetzner-token', secret)
    await keychain.set('host/prod-2/passphrase', 'correct horse')
    const listed = await keychain.list()
    expect(listed).toEqual(['dns/hetzner-token', 'host/prod-2/passphrase'])
    expect(JSON.stringify(listed)).not.toContain(secret)
    expect(JSON.stringify(listed)).not.toContain('correct horse')
  })

  it('keeps entries of another service apart', async () => {
    const other = new Keychain({ service: `${service}-other` })
    await keychain.set('shared-name', 'mine')
    expect(await other.get('shared-name')).toBeNull()
    expect(await other.list()).toEqual([])
    expect(await other.delete('shared-name')).toBe(false)
    expect(await keychain.get('shared-name')).toBe('mine')
  })

  it('reads a secret written by another process (the entry really is in the keyring)', async () => {
    await keychain.set('host/prod-3/ssh-key', secret)
    const { execFileSync } = await import('node:child_process')
    const read = execFileSync(
      process.execPath,
      [
        '-e',
        `require('keytar').getPassword(process.argv[1], process.argv[2]).then((p) => process.stdout.write(p ?? '<null>'))`,
        service,
        'host/prod-3/ssh-key',
      ],
      { env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: inject('testbed').keyring.dbusAddress }, encoding: 'utf8' },
    )
    expect(read).toBe(secret)
  })
})
