// Onboarding against the real sshd and keyring: an admin's laptop exports a connection file for the test bed; a
// salesperson's laptop (another data folder, another keychain) imports it, logs in with its identity and connects
// without being asked to trust the host key, because the file pinned it. A file with another fingerprint is refused
// as a changed host key; the same login cannot be imported twice; a sales profile cannot export.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { ConnectionExport } from '../../src/shared/connection-file'
import type { Envelope } from '../../src/shared/errors'
import type { HostProfile, ProbeResult } from '../../src/shared/hosts'
import { createAppDispatch } from '../../src/main/services'
import { appServices } from './support/app-services'
import { teamLogin } from './support/team-login'

const info = inject('testbed')
const adminPublic = readFileSync(`${info.ssh.keys.ed25519}.pub`, 'utf8')
const value = <T>(envelope: Envelope<unknown>): T => {
  if (!envelope.ok) throw new Error(`refused: ${JSON.stringify(envelope.error)}`)
  return envelope.value as T
}

describe('connection file from an admin laptop to a sales laptop', () => {
  const admin = appServices(info, 'connfile-admin')
  const sales = appServices(info, 'connfile-sales')
  const asAdmin = createAppDispatch(admin.services)
  const asSales = createAppDispatch(sales.services)
  const login = teamLogin(info)
  let adminHostId = ''
  let exported: ConnectionExport

  beforeAll(async () => {
    login.enrol(adminPublic)
    adminHostId = await admin.addTestbedHost({
      name: 'Hetzner Demo',
      user: info.ssh.teamUser,
      baseDir: info.ssh.baseDir,
      shopDomain: 'demo.shops.test',
      domainMode: 'wildcard',
    })
    const identity = await sales.services.identity.generate('Sina Sales', 'sales')
    login.enrol(identity.publicKey)
  })
  afterAll(async () => {
    login.restore()
    await admin.close()
    await sales.close()
  })

  it('the admin exports the host: where it is and its pinned key, no secret', async () => {
    exported = value<ConnectionExport>(await asAdmin('hosts:exportConnection', { hostId: adminHostId }))
    expect(exported.fileName).toBe('hetzner-demo.shop-manager-connection.json')
    expect(JSON.parse(exported.json)).toEqual({
      format: 'shop-manager-connection',
      version: 1,
      name: 'Hetzner Demo',
      address: info.ssh.host,
      port: info.ssh.port,
      user: info.ssh.teamUser,
      hostKey: info.ssh.hostKeyFingerprint,
      shopDomain: 'demo.shops.test',
      domainMode: 'wildcard',
      baseDir: info.ssh.baseDir,
      dockerSocket: info.dockerSocket,
    })
    const adminKey = readFileSync(info.ssh.keys.ed25519, 'utf8')
    expect(exported.json).not.toContain(adminKey.split('\n')[1]!)
    expect(exported.json).not.toContain('PRIVATE')
  })

  it('the sales laptop imports it and connects with its identity, the pinned host key accepted without asking', async () => {
    const profile = value<HostProfile>(await asSales('hosts:importConnection', { text: exported.json }))
    expect(profile).toMatchObject({ auth: { kind: 'identity' }, role: 'sales', hostKey: info.ssh.hostKeyFingerprint, user: info.ssh.teamUser })
    const probe = value<ProbeResult>(await asSales('hosts:test', { hostId: profile.id }))
    expect(probe.checks.find((c) => c.id === 'docker')).toMatchObject({ ok: true })
    const session = await sales.services.sessions.session(profile.id)
    expect((await session.exec(['id', '-un'])).stdout.trim()).toBe(info.ssh.teamUser)
    expect(sales.services.connections.list().find((c) => c.hostId === profile.id)?.state).toBe('connected')
  })

  it('refuses the same login a second time; the role is the host’s answer, not the imported profile’s', async () => {
    expect(await asSales('hosts:importConnection', { text: exported.json })).toMatchObject({
      ok: false,
      error: {
        code: 'invalid_input',
        say: { key: 'hostExists', values: { name: 'Hetzner Demo', login: `${info.ssh.teamUser}@${info.ssh.host}:${info.ssh.port}` } },
      },
    })
    // This identity was enrolled without the gate (a shell login): the host says admin, and the app follows it —
    // a sales key behind the gate is refused there (test/integration/sales-gate.test.ts).
    const salesHost = sales.services.hosts.list().find((h) => h.kind === 'ssh')!
    expect(salesHost.role).toBe('admin')
    expect(await asSales('hosts:exportConnection', { hostId: salesHost.id })).toMatchObject({ ok: true })
  })

  it('a file naming another host key is refused as a changed host key, not trusted', async () => {
    const salesHost = sales.services.hosts.list().find((h) => h.kind === 'ssh')!
    value(await asSales('hosts:remove', { hostId: salesHost.id }))
    const forged = `SHA256:${createHash('sha256').update('another server').digest('base64').replace(/=+$/, '')}`
    const text = JSON.stringify({ ...JSON.parse(exported.json), hostKey: forged })
    const profile = value<HostProfile>(await asSales('hosts:importConnection', { text }))
    expect(profile.hostKey).toBe(forged)
    expect(await asSales('hosts:test', { hostId: profile.id })).toMatchObject({
      ok: false,
      error: { code: 'host_key_changed', details: { fingerprint: info.ssh.hostKeyFingerprint, pinned: forged } },
    })
    // The refusal stays: the profile still pins the file's key, nothing was trusted on the way.
    expect(sales.services.profiles.get(profile.id).hostKey).toBe(forged)
  })
})
