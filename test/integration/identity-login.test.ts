// This installation's identity as a host login, against the real sshd and keyring: without an identity the host
// says where to make one; with it (and its public key enrolled) the app connects, and sshd refuses it once the key
// is withdrawn. The private key stays in the keychain: not in the settings file, not in anything the renderer gets.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Envelope } from '../../src/shared/errors'
import type { ProbeResult } from '../../src/shared/hosts'
import type { TeamKey } from '../../src/shared/team'
import { createAppDispatch } from '../../src/main/services'
import { appServices } from './support/app-services'
import { teamLogin } from './support/team-login'

const info = inject('testbed')

describe("this installation's identity logs in", () => {
  const app = appServices(info, 'identity-login')
  const dispatch = createAppDispatch(app.services)
  const login = teamLogin(info)
  let hostId = ''

  beforeAll(async () => {
    hostId = await app.addTestbedHost({ name: 'Identität', user: info.ssh.teamUser, auth: { kind: 'identity' }, baseDir: info.ssh.baseDir })
  })
  afterAll(async () => {
    login.restore()
    await app.close()
  })

  it('without an identity, connecting is refused with words that send the user to Settings', async () => {
    const result = await dispatch('hosts:test', { hostId })
    expect(result).toMatchObject({ ok: false, error: { code: 'key_invalid', say: { key: 'identityMissing' } } })
  })

  it('with the identity enrolled on the host, the profile connects and the Team list knows the key as its own', async () => {
    const identity = await app.services.identity.generate('Ida Iversen', 'sales')
    login.enrol(identity.publicKey)
    const probe = (await dispatch('hosts:test', { hostId })) as Envelope<ProbeResult>
    expect(probe.ok ? probe.value.checks.find((c) => c.id === 'docker') : probe.error).toMatchObject({ ok: true, code: 'docker.ok' })
    const session = await app.services.sessions.session(hostId)
    expect((await session.exec(['id', '-un'])).stdout.trim()).toBe(info.ssh.teamUser)
    const team = (await dispatch('team:list', { hostId })) as Envelope<TeamKey[]>
    expect(team.ok && team.value.filter((k) => k.own).map((k) => k.fingerprint)).toEqual([identity.fingerprint])
  })

  it('keeps the private key in the keychain only', async () => {
    const privateKey = await app.services.identity.privateKey()
    expect(privateKey).toContain('OPENSSH PRIVATE KEY')
    expect(await app.services.profiles.secrets(app.services.profiles.get(hostId))).toEqual({ privateKey })
    const body = privateKey.split('\n')[1]!
    expect(readFileSync(join(app.dataDir, 'settings.json'), 'utf8')).not.toContain(body)
    for (const channel of ['hosts:list', 'identity:get', 'connection:list'] as const)
      expect(JSON.stringify(await dispatch(channel, undefined))).not.toContain(body)
  })

  it('is refused by sshd once its public key is withdrawn: the app really logs in with that key', async () => {
    const identity = app.services.identity.get()!
    login.withdraw(identity.publicKey)
    app.services.sessions.drop(hostId)
    expect(await dispatch('hosts:test', { hostId })).toMatchObject({ ok: false, error: { code: 'auth_failed' } })
  })
})
