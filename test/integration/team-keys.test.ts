// Team access on the test bed: enrol a second key (it can connect), revoke it (it cannot, and its open session
// ends); every other line of authorized_keys stays byte for byte; the admin's own key needs a confirmation.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { openHostSession, type HostSession } from '../../src/main/host/host-session'
import { generateEd25519 } from '../../src/main/team/key-pair'
import { addTeamKey, listTeamKeys, ownFingerprint, revokeTeamKey } from '../../src/main/team/team-keys'
import { key, testbedProfile } from './support/hosts'

const info = inject('testbed')
const home = `/home/${info.ssh.teamUser}`
const file = join(home, '.ssh', 'authorized_keys')
const adminKey = key(info.ssh.keys.ed25519)
const adminPublic = readFileSync(`${info.ssh.keys.ed25519}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ')
// Lines an admin or another tool may have: a comment, options with a quoted list, a blank line.
const original = `# keys for the shop host\nno-X11-forwarding,from="127.0.0.1,::1" ${adminPublic} Admin Person [admin] shop-manager\n\n# backup robot\n`

describe('team keys on the test bed', () => {
  const sessions: HostSession[] = []
  const open = (privateKey: string, id: string) => {
    const session = openHostSession(testbedProfile(info, { id, user: info.ssh.teamUser }), { privateKey })
    sessions.push(session)
    return session
  }
  const fresh = generateEd25519('Bea Berger [sales] shop-manager')

  beforeAll(() => {
    mkdirSync(join(home, '.ssh'), { recursive: true })
    writeFileSync(file, original)
    execFileSync('chown', ['-R', `${info.ssh.teamUser}:`, join(home, '.ssh')])
  })
  afterAll(() => {
    for (const session of sessions) session.close()
    rmSync(join(home, '.ssh'), { recursive: true, force: true })
  })

  it('lists the keys with person and role, and marks the one this app logs in with', async () => {
    const admin = open(adminKey, 'admin')
    const keys = await listTeamKeys(admin, ownFingerprint(adminKey))
    expect(keys).toEqual([expect.objectContaining({ type: 'ssh-ed25519', person: 'Admin Person', role: 'admin', own: true })])
  })

  it('enrols a second key: it can connect; the file keeps every other byte', async () => {
    const admin = open(adminKey, 'admin')
    await addTeamKey(admin, fresh.public)
    const text = readFileSync(file, 'utf8')
    expect(text.startsWith(original)).toBe(true)
    expect(text.slice(original.length)).toBe(`${fresh.public.trim()}\n`)
    const bea = open(fresh.private, 'bea')
    expect((await bea.exec(['true'])).code).toBe(0)
    expect((await listTeamKeys(admin, null)).map((k) => k.person)).toEqual(['Admin Person', 'Bea Berger'])
  })

  it('revokes it: new connections are refused and its open session ends', async () => {
    const admin = open(adminKey, 'admin')
    const bea = open(fresh.private, 'bea-open')
    expect((await bea.exec(['true'])).code).toBe(0)
    const target = (await listTeamKeys(admin, null)).find((k) => k.person === 'Bea Berger')!
    const { endedSessions } = await revokeTeamKey(admin, target.fingerprint, ownFingerprint(adminKey), false)
    expect(endedSessions).toBeGreaterThanOrEqual(1)
    await expect.poll(() => bea.state, { timeout: 10_000 }).not.toBe('connected')
    await expect(open(fresh.private, 'bea-again').exec(['true'])).rejects.toMatchObject({ code: 'auth_failed' })
    expect(readFileSync(file, 'utf8')).toBe(original)
    expect(readdirSync(join(home, '.ssh')).filter((f) => f.startsWith('authorized_keys.bak-')).length).toBeGreaterThanOrEqual(2)
    expect(existsSync(join(home, '.ssh', '.shopmanager-lock'))).toBe(false)
  })

  it('refuses to revoke the admin\'s own key without a confirmation', async () => {
    const admin = open(adminKey, 'admin')
    const own = ownFingerprint(adminKey)!
    await expect(revokeTeamKey(admin, own, own, false)).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('Confirm') })
    expect(readFileSync(file, 'utf8')).toBe(original)
  })
})
