// The host connection against the real test bed: host keys, keys and passphrases, unreachable ports.
import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, inject, it } from 'vitest'
import { AppError } from '../../src/shared/errors'
import { openHostSession, type HostSession } from '../../src/main/host/host-session'
import { key, testbedProfile } from './support/hosts'
import { dockerOf } from '../../src/main/engine/compose/docker-client'

const info = inject('testbed')
const sessions: HostSession[] = []
const servers: Server[] = []

afterEach(() => {
  for (const session of sessions.splice(0)) session.close()
  for (const server of servers.splice(0)) server.close()
})

function open(...args: Parameters<typeof openHostSession>): HostSession {
  const session = openHostSession(...args)
  sessions.push(session)
  return session
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(AppError)
    return error as AppError
  }
  throw new Error('expected the call to fail')
}

async function listen(server: Server): Promise<number> {
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as { port: number }).port
}

describe('SSH host connection on the test bed', () => {
  it('reaches Docker through a stream-local forward with a pinned ed25519 key', async () => {
    const session = open(testbedProfile(info), { privateKey: key(info.ssh.keys.ed25519) })
    const version = await dockerOf(session).version()
    expect(version.ApiVersion).toMatch(/^1\.\d+$/)
    const containers = await dockerOf(session).listContainers({ all: true })
    expect(Array.isArray(containers)).toBe(true)
    expect(session.state).toBe('connected')
  })

  it('stays closed after close(): a late command or Docker call is refused and opens no connection again', async () => {
    // This worker's connections to sshd, by local port (earlier tests' sessions may still be open).
    const ours = (): string[] =>
      execFileSync('ss', ['-tnpH', 'state', 'established', `dport = :${info.ssh.port}`], { encoding: 'utf8' })
        .split('\n')
        .filter((l) => l.includes(`pid=${process.pid},`))
        .map((l) => l.trim().split(/\s+/)[2]!)
    const before = new Set(ours())
    const session = open(testbedProfile(info), { privateKey: key(info.ssh.keys.ed25519) })
    await session.exec(['true'])
    // A Docker call leaves an idle keep-alive channel in the agent's pool: closing must not wait for it.
    await dockerOf(session).version()
    const mine = ours().filter((port) => !before.has(port))
    expect(mine).toHaveLength(1)
    session.close()
    expect(await failure(session.exec(['true']))).toMatchObject({ code: 'connection_lost', say: { key: 'connectionClosed' } })
    await expect(dockerOf(session).version()).rejects.toThrow()
    expect(session.ssh!.state).toBe('closed')
    // Nothing of this session is left open towards sshd (closing ends it once sshd has said goodbye), and no new one.
    await expect.poll(() => ours().filter((port) => !before.has(port)), { timeout: 5000, interval: 100 }).toEqual([])
  })

  it('gets the exit status of quick commands, even when it arrives in the same read as the open', async () => {
    // Before listeners were attached inside the open callback, about 1 in 10 of these lost its exit status.
    const session = open(testbedProfile(info), { privateKey: key(info.ssh.keys.ed25519) })
    const codes: Array<number | null> = []
    for (let i = 0; i < 150; i++) {
      const results = await Promise.all([session.exec(['true']), session.exec(['sh', '-c', 'exit 3'])])
      codes.push(...results.map((r) => r.code))
    }
    expect(codes.filter((code, i) => code !== (i % 2 ? 3 : 0))).toEqual([])
  })

  it('authenticates with an RSA key and with a passphrase-protected key', async () => {
    const rsa = open(testbedProfile(info), { privateKey: key(info.ssh.keys.rsa) })
    expect((await rsa.exec(['id', '-un'])).stdout.trim()).toBe(info.ssh.user)
    const locked = open(testbedProfile(info), { privateKey: key(info.ssh.keys.ed25519Passphrase), passphrase: info.ssh.passphrase })
    expect((await locked.exec(['id', '-un'])).stdout.trim()).toBe(info.ssh.user)
  })

  it('asks to trust an unknown host key and shows its fingerprint', async () => {
    const session = open(testbedProfile(info, { hostKey: null }), { privateKey: key(info.ssh.keys.ed25519) })
    const error = await failure(session.ssh!.connect())
    expect(error.code).toBe('host_key_unknown')
    expect(error.details?.['fingerprint']).toBe(info.ssh.hostKeyFingerprint)
  })

  it('refuses a changed host key and says so plainly, without retrying', async () => {
    const pinned = 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
    const session = open(testbedProfile(info, { hostKey: pinned }), { privateKey: key(info.ssh.keys.ed25519) })
    const error = await failure(dockerOf(session).version())
    expect(error.code).toBe('host_key_changed')
    expect(error.message).toMatch(/host key .* has changed/i)
    expect(error.message).toContain(info.ssh.hostKeyFingerprint)
    expect(session.state).toBe('failed')
    // A second call fails the same way at once instead of dialling again.
    expect((await failure(session.exec(['true']))).code).toBe('host_key_changed')
  })

  it('reports a key the server does not accept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smkey-'))
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'id')])
    const session = open(testbedProfile(info), { privateKey: key(join(dir, 'id')) })
    expect((await failure(session.ssh!.connect())).code).toBe('auth_failed')
  })

  it('tells a missing passphrase from a wrong one', async () => {
    const missing = open(testbedProfile(info), { privateKey: key(info.ssh.keys.ed25519Passphrase) })
    expect((await failure(missing.ssh!.connect())).code).toBe('passphrase_required')
    const wrong = open(testbedProfile(info), { privateKey: key(info.ssh.keys.ed25519Passphrase), passphrase: 'battery staple' })
    expect((await failure(wrong.ssh!.connect())).code).toBe('passphrase_wrong')
  })

  it('reports a closed port at once', async () => {
    const port = await listen(createServer())
    servers.pop()!.close()
    const session = open(testbedProfile(info, { port }), { privateKey: key(info.ssh.keys.ed25519) }, { connectTimeoutMs: 3000 })
    const started = performance.now()
    const error = await failure(session.ssh!.connect())
    expect(error.code).toBe('host_unreachable')
    expect(error.message).toMatch(/refused/)
    expect(performance.now() - started).toBeLessThan(1000)
  })

  it('reports a server that hangs up right after its greeting at once, instead of waiting for good', async () => {
    // Like an sshd that is killed or restarted, or drops the connection under MaxStartups, mid-handshake.
    const port = await listen(
      createServer((socket) => {
        socket.write('SSH-2.0-OpenSSH_9.2\r\n')
        socket.once('data', () => socket.destroy())
      }),
    )
    const session = open(testbedProfile(info, { port }), { privateKey: key(info.ssh.keys.ed25519) }, { connectTimeoutMs: 60_000 })
    const started = performance.now()
    const error = await failure(session.ssh!.connect())
    expect(error.code).toBe('connection_lost')
    expect(performance.now() - started).toBeLessThan(2000)
  })

  it('gives up on a silent server within the connect timeout', async () => {
    // Accepts TCP but never speaks SSH, like a host behind a black-holing firewall.
    const port = await listen(createServer(() => undefined))
    const session = open(testbedProfile(info, { port }), { privateKey: key(info.ssh.keys.ed25519) }, { connectTimeoutMs: 1500 })
    const started = performance.now()
    const error = await failure(session.ssh!.connect())
    expect(error.code).toBe('host_unreachable')
    expect(performance.now() - started).toBeLessThan(1500 + 1000)
  })
})
