// What the user is told when a host is not ready for shops, and how the connection survives sshd restarts.
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'
import Docker from 'dockerode'
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest'
import { openHostSession, type HostSession } from '../../src/main/host/host-session'
import { probeHost } from '../../src/main/engine/compose/probe'
import { key, testbedProfile } from './support/hosts'
import { restartSshd } from './support/testbed-control'
import { dockerOf } from '../../src/main/engine/compose/docker-client'

const info = inject('testbed')
const sessions: HostSession[] = []
afterEach(() => {
  for (const session of sessions.splice(0)) session.close()
})

function open(overrides: Parameters<typeof testbedProfile>[1] = {}, options = {}): HostSession {
  const session = openHostSession(testbedProfile(info, overrides), { privateKey: key(info.ssh.keys.ed25519) }, options)
  sessions.push(session)
  return session
}

const check = (result: Awaited<ReturnType<typeof probeHost>>, id: string) => result.checks.find((c) => c.id === id)

describe('host probe on the test bed', () => {
  let denied: Server
  let deniedDir: string

  afterAll(() => {
    denied?.close()
    if (deniedDir) rmSync(deniedDir, { recursive: true, force: true })
  })

  it('reports a healthy host with compose v1 and what is missing', async () => {
    const result = await probeHost(open())
    expect(result.apiVersion).toMatch(/^1\.\d+$/)
    expect(result.compose).toBe('v1')
    expect(check(result, 'docker')).toMatchObject({ ok: true })
    expect(check(result, 'compose')).toMatchObject({ ok: true, detail: expect.stringContaining('docker-compose') })
    expect(check(result, 'baseDir')).toMatchObject({ ok: true })
    expect(check(result, 'proxyNetwork')?.ok).toBe(
      execFileSync('docker', ['network', 'ls', '-q', '--filter', 'name=^proxy$'], {
        env: { ...process.env, DOCKER_HOST: info.dockerHost },
        encoding: 'utf8',
      }).trim() !== '',
    )
  })

  it('says when the Docker socket is missing', async () => {
    const result = await probeHost(open({ dockerSocket: '/run/no-such-docker.sock' }))
    expect(check(result, 'docker')).toMatchObject({ ok: false, detail: expect.stringMatching(/no Docker socket at \/run\/no-such-docker\.sock/) })
  })

  it('says when the user may not use the Docker socket, and how to fix it', async () => {
    deniedDir = mkdtempSync(join(info.dir, 'denied-'))
    chmodSync(deniedDir, 0o755)
    const socket = join(deniedDir, 'docker.sock')
    denied = createServer()
    await new Promise<void>((resolve) => denied.listen(socket, resolve))
    chmodSync(socket, 0o600) // root only
    const result = await probeHost(open({ dockerSocket: socket }))
    expect(check(result, 'docker')).toMatchObject({ ok: false, detail: expect.stringMatching(/may not use .*usermod -aG docker/) })
  })

  it('says when the base directory is missing', async () => {
    const result = await probeHost(open({ baseDir: '/opt/does-not-exist' }))
    expect(check(result, 'baseDir')).toMatchObject({ ok: false, detail: '/opt/does-not-exist does not exist', fix: expect.stringContaining('mkdir -p') })
  })

  it('says when the host has no compose', async () => {
    const result = await probeHost(open({ user: info.ssh.bareUser }))
    expect(result.compose).toBeNull()
    expect(check(result, 'compose')).toMatchObject({ ok: false, fix: expect.stringContaining('docker-compose-plugin') })
  })

  it('falls back to docker system dial-stdio where sshd forbids socket forwarding', async () => {
    // A container of this test's own, so the list must show something known, not merely be a list.
    const name = `shopmgr-dialstdio-${process.pid}`
    const local = new Docker({ socketPath: info.dockerSocket })
    await local.createContainer({ name, Image: info.image, Cmd: ['sleep', '300'], Labels: { 'shopmgr.test': 'dial-stdio' } }).then((c) => c.start())
    try {
      const session = open({ user: info.ssh.noForwardingUser })
      const version = await dockerOf(session).version()
      expect(version.ApiVersion).toMatch(/^1\.\d+$/)
      const listed = await dockerOf(session).listContainers({ filters: { label: ['shopmgr.test=dial-stdio'] } })
      expect(listed.map((c) => c.Names)).toEqual([[`/${name}`]])
      // Through a `docker system dial-stdio` command stream (a session, kept open by the HTTP agent for reuse),
      // not a forward: sshd refuses those for this user.
      expect(session.ssh!.channelsInUse).toBeGreaterThan(0)
      expect(session.ssh!.forwardsOpen).toBe(0)
    } finally {
      await local.getContainer(name).remove({ force: true })
    }
  })
})

describe('reconnecting after sshd restarts', () => {
  it('reconnects by itself and serves Docker calls again', async () => {
    const session = open({}, { backoffInitialMs: 100, backoffMaxMs: 1000, keepaliveIntervalMs: 500, keepaliveCountMax: 2 })
    await dockerOf(session).listContainers()
    const states: string[] = []
    session.on('state', (state) => states.push(state))
    const reconnected = new Promise<void>((resolve) => session.once('reconnected', resolve))
    await restartSshd(1)
    await reconnected
    expect(states).toContain('reconnecting')
    expect(states.at(-1)).toBe('connected')
    expect(Array.isArray(await dockerOf(session).listContainers())).toBe(true)
  })
})
