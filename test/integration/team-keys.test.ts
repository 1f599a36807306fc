// Team access on the test bed: enrol a second key (it can connect), revoke it (it cannot, and its open session
// ends); every other line of authorized_keys stays byte for byte; the admin's own key needs a confirmation.
import { execFileSync, spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { openHostSession, type HostSession } from '../../src/main/host/host-session'
import { generateEd25519 } from '../../src/main/team/key-pair'
import { addTeamKey, KEYS_LOCK_STALE_SECONDS, listTeamKeys, ownFingerprint, revokeTeamKey } from '../../src/main/team/team-keys'
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
    await addTeamKey(admin, fresh.public, 'admin')
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

  it("refuses to revoke the admin's own key without a confirmation", async () => {
    const admin = open(adminKey, 'admin')
    const own = ownFingerprint(adminKey)!
    await expect(revokeTeamKey(admin, own, own, false)).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('Confirm') })
    expect(readFileSync(file, 'utf8')).toBe(original)
  })
})

describe('team keys: the lock and the sessions of a newer sshd', () => {
  const sessions: HostSession[] = []
  const lock = join(home, '.ssh', '.shopmanager-lock')
  const open = (privateKey: string, id: string, port = info.ssh.port) => {
    const session = openHostSession(testbedProfile(info, { id, user: info.ssh.teamUser, port }), { privateKey })
    sessions.push(session)
    return session
  }
  const chownSsh = () => execFileSync('chown', ['-R', `${info.ssh.teamUser}:`, join(home, '.ssh')])
  const leaveLock = (owner: string) => {
    mkdirSync(lock)
    writeFileSync(join(lock, 'owner'), owner)
    chownSsh()
  }
  const hostNow = () => Number(execFileSync('date', ['+%s'], { encoding: 'utf8' }).trim())

  beforeAll(() => {
    mkdirSync(join(home, '.ssh'), { recursive: true })
    writeFileSync(file, original)
    chownSsh()
  })
  afterAll(() => {
    for (const session of sessions) session.close()
    rmSync(join(home, '.ssh'), { recursive: true, force: true })
  })

  it('a lock left by a crashed laptop, older than the limit, is taken over; a fresh one says busy with its owner', async () => {
    const admin = open(adminKey, 'admin-lock')
    const other = generateEd25519('Cora Cruz [sales] shop-manager')
    leaveLock(`deadbeef\n${hostNow() - 30}\nbob@laptop\n`)
    await expect(addTeamKey(admin, other.public, 'admin')).rejects.toMatchObject({
      code: 'busy',
      say: { key: 'keysBusy' },
      message: expect.stringContaining('bob@laptop'),
    })
    // An older laptop's lock (an empty directory) is busy too while young.
    rmSync(lock, { recursive: true })
    leaveLock('')
    await expect(addTeamKey(admin, other.public, 'admin')).rejects.toMatchObject({ code: 'busy' })
    rmSync(lock, { recursive: true })
    leaveLock(`deadbeef\n${hostNow() - KEYS_LOCK_STALE_SECONDS - 5}\nbob@laptop\n`)
    await addTeamKey(admin, other.public, 'admin')
    expect(readFileSync(file, 'utf8')).toContain(other.public.trim())
    expect(existsSync(lock)).toBe(false)
    expect(readdirSync(join(home, '.ssh')).filter((f) => f.startsWith('.shopmanager-lock'))).toEqual([])
  })

  it('revoking ends the other sessions of an sshd whose processes are not called sshd (OpenSSH 9.8+: sshd-session)', async () => {
    // The test bed's own sshd binary under another name and port: every process of it is called sshd-session.
    const bin = mkdtempSync(join(tmpdir(), 'sshd-renamed-'))
    const renamed = join(bin, 'sshd-session')
    copyFileSync('/usr/sbin/sshd', renamed)
    execFileSync('chmod', ['755', renamed])
    const port = info.ssh.port + 17
    const pidFile = join(bin, 'sshd.pid')
    spawn(renamed, ['-f', join(info.dir, 'ssh', 'sshd_config'), '-o', `Port=${port}`, '-o', `PidFile=${pidFile}`, '-E', join(bin, 'sshd.log')], {
      stdio: 'ignore',
    }).unref()
    try {
      await expect.poll(() => existsSync(pidFile), { timeout: 10_000 }).toBe(true)
      const listener = readFileSync(pidFile, 'utf8').trim()
      expect(readFileSync(`/proc/${listener}/status`, 'utf8')).toMatch(/^Name:\s*sshd-session$/m)
      const dana = generateEd25519('Dana Dorn [sales] shop-manager')
      const admin = open(adminKey, 'admin-renamed', port)
      await addTeamKey(admin, dana.public, 'admin')
      const danaSession = open(dana.private, 'dana', port)
      expect((await danaSession.exec(['true'])).code).toBe(0)
      const target = (await listTeamKeys(admin, null)).find((k) => k.person === 'Dana Dorn')!
      const { endedSessions } = await revokeTeamKey(admin, target.fingerprint, ownFingerprint(adminKey), false)
      expect(endedSessions).toBeGreaterThanOrEqual(1)
      await expect.poll(() => danaSession.state, { timeout: 10_000 }).not.toBe('connected')
      // The admin's own connection, which asked, is still there and still works.
      expect(admin.state).toBe('connected')
      expect((await admin.exec(['true'])).code).toBe(0)
    } finally {
      if (existsSync(pidFile)) execFileSync('kill', [readFileSync(pidFile, 'utf8').trim()])
      rmSync(bin, { recursive: true, force: true })
    }
  })
})
