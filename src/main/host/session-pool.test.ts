import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConnectionRegistry } from '../connection/connection-registry'
import { EventBus } from '../events'
import type { KeyValueStore } from '../settings/settings-service'
import { Keychain } from '../vault/keychain'
import { HostProfiles } from './host-profiles'
import { SessionPool } from './session-pool'

function pool(): { pool: SessionPool; dropped: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'pool-'))
  // The built-in local host exists where its socket does; a plain file stands in (nothing connects to it here).
  const socket = join(dir, 'docker.sock')
  writeFileSync(socket, '')
  const data = new Map<string, unknown>()
  const store: KeyValueStore = { get: (key) => data.get(key), set: (key, value) => void data.set(key, value) }
  const profiles = new HostProfiles(store, new Keychain({ load: () => Promise.reject(new Error('no keychain in unit tests')) }), {
    localBaseDir: dir,
    localDockerSocket: socket,
  })
  const sessions = new SessionPool(profiles, new ConnectionRegistry(new EventBus()))
  const dropped: string[] = []
  sessions.onDrop((id) => dropped.push(id))
  return { pool: sessions, dropped }
}

describe('session pool', () => {
  it('two callers asking for one host at the same moment share one session', async () => {
    const { pool: sessions } = pool()
    const [a, b] = await Promise.all([sessions.session('local'), sessions.session('local')])
    expect(a).toBe(b)
    expect(await sessions.session('local')).toBe(a)
  })

  it('a dropped host gets a new session on next use, and its listeners hear of the drop', async () => {
    const { pool: sessions, dropped } = pool()
    const first = await sessions.session('local')
    sessions.drop('local')
    expect(dropped).toEqual(['local'])
    expect(await sessions.session('local')).not.toBe(first)
  })

  it('a profile that cannot be opened leaves nothing behind: the next call asks again', async () => {
    const { pool: sessions } = pool()
    await expect(sessions.session('nope')).rejects.toMatchObject({ code: 'not_found' })
    await expect(sessions.session('nope')).rejects.toMatchObject({ code: 'not_found' })
  })
})
