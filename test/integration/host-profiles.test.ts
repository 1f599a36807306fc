// Host profiles against the real keychain and sshd: secrets only in the keyring, never in the store file.
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Conf from 'conf'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { AppError } from '../../src/shared/errors'
import { hostInputSchema } from '../../src/shared/hosts'
import { ConnectionRegistry } from '../../src/main/connection/connection-registry'
import { EventBus } from '../../src/main/events'
import { dnsTokenAccount, HostProfiles } from '../../src/main/host/host-profiles'
import { HostService } from '../../src/main/host/host-service'
import { SessionPool } from '../../src/main/host/session-pool'
import { EnginePool } from '../../src/main/engine/engine-pool'
import { Keychain } from '../../src/main/vault/keychain'
import { useKeyringEnv } from '../testbed/testbed'
import { key } from './support/hosts'

const info = inject('testbed')

describe('host profiles with the real keychain', () => {
  const dir = mkdtempSync(join(tmpdir(), 'smhosts-'))
  const store = new Conf({ cwd: dir, configName: 'settings' })
  let keychain: Keychain
  let profiles: HostProfiles
  let hosts: HostService
  let pool: SessionPool
  let engines: EnginePool
  const privateKey = key(info.ssh.keys.ed25519Passphrase)

  beforeAll(() => {
    useKeyringEnv(info)
    keychain = new Keychain({ service: `Shop-Manager-hosts-${randomUUID()}` })
    profiles = new HostProfiles(store, keychain, { localBaseDir: join(dir, 'local'), localDockerSocket: info.dockerSocket })
    const events = new EventBus()
    const connections = new ConnectionRegistry(events)
    pool = new SessionPool(profiles, connections)
    engines = new EnginePool(pool)
    hosts = new HostService(profiles, pool, connections)
  })
  afterAll(async () => {
    pool.closeAll()
    for (const account of await keychain.list()) await keychain.delete(account)
  })

  const input = (passphrase?: string) =>
    hostInputSchema.parse({
      name: 'Hetzner Demo',
      address: info.ssh.host,
      port: info.ssh.port,
      user: info.ssh.user,
      auth: { kind: 'key', privateKey, ...(passphrase ? { passphrase } : {}) },
      dockerSocket: info.dockerSocket,
      baseDir: info.ssh.baseDir,
    })

  it('refuses a wrong passphrase before storing anything', async () => {
    const error = await profiles.save(input('battery staple')).catch((e: unknown) => e)
    expect((error as AppError).code).toBe('passphrase_wrong')
    expect(profiles.list().filter((p) => p.kind === 'ssh')).toEqual([])
    expect(await keychain.list()).toEqual([])
  })

  it('keeps the key and passphrase in the keychain only', async () => {
    const profile = await profiles.save(input(info.ssh.passphrase))
    expect(profile).toMatchObject({ kind: 'ssh', auth: { kind: 'key', hasPassphrase: true }, hostKey: null })
    expect((await keychain.list()).sort()).toEqual([`host:${profile.id}:passphrase`, `host:${profile.id}:private-key`])
    const file = readFileSync(join(dir, 'settings.json'), 'utf8')
    expect(file).not.toContain('PRIVATE KEY')
    expect(file).not.toContain(info.ssh.passphrase)
    expect(JSON.stringify(profiles.list())).not.toContain(info.ssh.passphrase)
  })

  it('asks to trust the host key, pins it, then connects with the stored secrets', async () => {
    const [profile] = profiles.list().filter((p) => p.kind === 'ssh')
    const error = (await engines.probe(profile!.id).catch((e: unknown) => e)) as AppError
    expect(error.code).toBe('host_key_unknown')
    expect(error.details?.['fingerprint']).toBe(info.ssh.hostKeyFingerprint)
    expect(error.message).not.toContain(info.ssh.passphrase)
    hosts.trust(profile!.id, error.details!['fingerprint']!)
    const probe = await engines.probe(profile!.id)
    expect(probe.checks.find((c) => c.id === 'docker')?.ok).toBe(true)
  })

  it('forgets the trusted key when the address changes, and removes secrets with the host', async () => {
    const [profile] = profiles.list().filter((p) => p.kind === 'ssh')
    const moved = await hosts.save({ ...input(), id: profile!.id, address: 'localhost', auth: { kind: 'key' } })
    expect(moved.hostKey).toBeNull()
    expect(moved.auth).toEqual({ kind: 'key', hasPassphrase: true })
    await hosts.remove(profile!.id)
    expect(await keychain.list()).toEqual([])
    expect(profiles.list().map((p) => p.id)).toEqual(['local'])
  })

  it('removing a host also removes its Hetzner DNS token from the keychain, and only its own', async () => {
    const first = await profiles.save(input(info.ssh.passphrase))
    const second = await profiles.save({ ...input(info.ssh.passphrase), name: 'Zweiter Host' })
    // As host setup stores it.
    await keychain.set(`host:${first.id}:dns-token`, 'hetzner-token-of-the-first-host')
    await keychain.set(dnsTokenAccount(second.id), 'hetzner-token-of-the-second-host')
    await hosts.remove(first.id)
    expect(await keychain.get(`host:${first.id}:dns-token`)).toBeNull()
    expect((await keychain.list()).filter((a) => a.startsWith(`host:${first.id}:`))).toEqual([])
    expect(await keychain.get(dnsTokenAccount(second.id))).toBe('hetzner-token-of-the-second-host')
    await hosts.remove(second.id)
    expect(await keychain.list()).toEqual([])
  })
})
