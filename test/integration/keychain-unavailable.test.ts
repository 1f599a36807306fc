// Without a reachable Secret Service the vault says so plainly. Its own file: vitest runs each file in a
// fresh process, and libsecret binds to the first bus address it sees.
import { describe, expect, it } from 'vitest'
import { Keychain } from '../../src/main/vault/keychain'

describe('Keychain without a Secret Service', () => {
  it('reports keychain_unavailable when no D-Bus session bus answers', async () => {
    process.env.DBUS_SESSION_BUS_ADDRESS = 'unix:path=/nonexistent/shopmgr-no-bus'
    const keychain = new Keychain({ service: 'Shop-Manager-test-unavailable' })
    const error = await keychain.set('acct', 'hunter2').catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'keychain_unavailable', message: expect.stringContaining('keychain is not available') })
    expect((error as Error).message).not.toContain('hunter2')
    await expect(keychain.list()).rejects.toMatchObject({ code: 'keychain_unavailable' })
  })
})
