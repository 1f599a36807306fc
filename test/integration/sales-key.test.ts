// A sales key as Team enrols it, on the test bed's real sshd: sshd leaves it nothing but the gate. A shell, a
// command such as `docker ps`, a stream-local forward to the Docker socket, TCP forwards, a pty and SFTP are each
// refused or replaced by the forced command, with ssh2 (as the app connects) and with OpenSSH's own clients. The
// admin key on the same login still does all of it. The gate itself is another module: a stand-in at its path
// records what sshd ran, so the tests can tell the forced command ran and the asked-for command did not.
import { execFile, spawn } from 'node:child_process'
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createConnection } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import ssh2 from 'ssh2'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { openHostSession, type HostSession } from '../../src/main/host/host-session'
import { fingerprintOf, parseAuthorizedKeys } from '../../src/main/team/authorized-keys'
import { generateEd25519 } from '../../src/main/team/key-pair'
import { addTeamKey, listTeamKeys, ownFingerprint, setTeamKeyRole } from '../../src/main/team/team-keys'
import { key, testbedProfile } from './support/hosts'

const run = promisify(execFile)
const info = inject('testbed')
const user = info.ssh.teamUser
const home = `/home/${user}`
const sshDir = join(home, '.ssh')
const file = join(sshDir, 'authorized_keys')
const gateDir = join(home, '.shopmanager', 'gate')
const adminKey = key(info.ssh.keys.ed25519)
const adminPublic = readFileSync(`${info.ssh.keys.ed25519}.pub`, 'utf8').trim()
const sales = generateEd25519('Sina Sales [sales] shop-manager')
const salesFingerprint = fingerprintOf(sales.public.split(' ')[1]!)

/** Connects with ssh2 as the app does, the host key checked against the test bed's. */
function connect(privateKey: string): Promise<ssh2.Client> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client()
    client.once('ready', () => resolve(client))
    client.once('error', reject)
    client.connect({
      host: info.ssh.host,
      port: info.ssh.port,
      username: user,
      privateKey,
      readyTimeout: 10_000,
      hostVerifier: (hostKey: Buffer) => fingerprintOf(hostKey.toString('base64')) === info.ssh.hostKeyFingerprint,
    })
  })
}

interface Ran {
  code: number | null
  stdout: string
}

function collect(channel: ssh2.ClientChannel): Promise<Ran> {
  return new Promise((resolve) => {
    let stdout = ''
    let code: number | null = null
    channel.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    channel.stderr.on('data', () => {})
    channel.on('exit', (c: number | null) => (code = c))
    channel.on('close', () => resolve({ code, stdout }))
  })
}

function exec(client: ssh2.Client, command: string): Promise<Ran> {
  return new Promise((resolve, reject) => client.exec(command, (error, channel) => (error ? reject(error) : resolve(collect(channel)))))
}

/** A shell without a pty: the line typed into it would create the file if a shell read it. */
function shell(client: ssh2.Client, typed: string): Promise<Ran> {
  return new Promise((resolve, reject) =>
    client.shell(false, (error, channel) => {
      if (error) return reject(error)
      const done = collect(channel)
      channel.end(typed)
      resolve(done)
    }),
  )
}

const outcome = <T>(promise: Promise<T>) =>
  promise.then(
    (value) => ({ ok: true as const, value }),
    (error: Error) => ({ ok: false as const, error }),
  )

function streamLocal(client: ssh2.Client, socketPath: string): Promise<ssh2.ClientChannel> {
  return new Promise((resolve, reject) => client.openssh_forwardOutStreamLocal(socketPath, (error, channel) => (error ? reject(error) : resolve(channel))))
}

function tcp(client: ssh2.Client, port: number): Promise<ssh2.ClientChannel> {
  return new Promise((resolve, reject) => client.forwardOut('127.0.0.1', 0, '127.0.0.1', port, (error, channel) => (error ? reject(error) : resolve(channel))))
}

function listen(client: ssh2.Client): Promise<number> {
  return new Promise((resolve, reject) => client.forwardIn('127.0.0.1', 0, (error, port) => (error ? reject(error) : resolve(port))))
}

function sftpList(client: ssh2.Client, path: string): Promise<string[]> {
  return new Promise((resolve, reject) =>
    client.sftp((error, sftp) => {
      if (error) return reject(error)
      sftp.readdir(path, (e, list) => (e ? reject(e) : resolve(list.map((entry) => entry.filename))))
    }),
  )
}

/** The first bytes a channel sends, or '' when it closes first. */
function firstBytes(channel: ssh2.ClientChannel, send = ''): Promise<string> {
  return new Promise((resolve) => {
    let got = ''
    channel.on('data', (chunk: Buffer) => {
      got += chunk.toString()
      if (got.length >= 8) {
        resolve(got)
        channel.close()
      }
    })
    channel.on('close', () => resolve(got))
    if (send) channel.write(send)
  })
}

describe('a sales key enrolled by Team, on the real sshd', () => {
  const clients: ssh2.Client[] = []
  let admin: HostSession
  let marks: string
  let record: string

  const open = async (privateKey: string) => {
    const client = await connect(privateKey)
    clients.push(client)
    return client
  }
  const recorded = () => (existsSync(record) ? readFileSync(record, 'utf8') : '')

  beforeAll(async () => {
    rmSync(join(home, '.shopmanager'), { recursive: true, force: true })
    mkdirSync(sshDir, { recursive: true, mode: 0o700 })
    writeFileSync(file, `${adminPublic}\n`, { mode: 0o600 })
    marks = mkdtempSync(join(tmpdir(), 'sales-key-'))
    chmodSync(marks, 0o777)
    record = join(marks, 'forced-commands.log')
    // The stand-in records its arguments and the command the client asked for, then ends as a refusing gate would.
    mkdirSync(gateDir, { recursive: true })
    writeFileSync(join(gateDir, 'shopmgr-gate'), `#!/bin/sh\nprintf '%s|%s\\n' "$*" "$SSH_ORIGINAL_COMMAND" >> '${record}'\nexit 3\n`, { mode: 0o755 })
    for (const path of [sshDir, file, join(home, '.shopmanager'), gateDir, join(gateDir, 'shopmgr-gate')])
      chownSync(path, statSync(home).uid, statSync(home).gid)
    admin = openHostSession(testbedProfile(info, { id: 'sales-key-admin', user }), { privateKey: adminKey })
    await addTeamKey(admin, sales.public, 'sales')
  })
  afterAll(() => {
    for (const client of clients) client.end()
    admin?.close()
    rmSync(sshDir, { recursive: true, force: true })
    rmSync(join(home, '.shopmanager'), { recursive: true, force: true })
    rmSync(marks, { recursive: true, force: true })
  })

  it('writes the sales line with restrict and the gate for this very key, and lists it as sales', async () => {
    const text = readFileSync(file, 'utf8')
    expect(text).toBe(`${adminPublic}\nrestrict,command="${gateDir}/shopmgr-gate --role=sales --key=${salesFingerprint}" ${sales.public.trim()}\n`)
    const keys = await listTeamKeys(admin, ownFingerprint(adminKey))
    expect(keys.map((k) => [k.role, k.own, k.person])).toEqual([
      ['admin', true, null],
      ['sales', false, 'Sina Sales'],
    ])
  })

  it('runs the gate instead of any command: `docker ps` and a file-creating command do not run', async () => {
    const client = await open(sales.private)
    const dockerPs = await exec(client, `DOCKER_HOST=${info.dockerHost} docker ps`)
    expect(dockerPs).toEqual({ code: 3, stdout: '' })
    const mark = join(marks, 'made-by-exec')
    expect((await exec(client, `touch ${mark}`)).code).toBe(3)
    expect(existsSync(mark)).toBe(false)
    expect(recorded()).toContain(`--role=sales --key=${salesFingerprint}|DOCKER_HOST=${info.dockerHost} docker ps\n`)
    expect(recorded()).toContain(`--role=sales --key=${salesFingerprint}|touch ${mark}\n`)
  })

  it('gives no shell: a shell request runs the gate, and a line typed into it is never read by a shell', async () => {
    const client = await open(sales.private)
    const mark = join(marks, 'made-by-shell')
    expect((await shell(client, `touch ${mark}\nexit 0\n`)).code).toBe(3)
    expect(existsSync(mark)).toBe(false)
    expect(recorded()).toContain(`--role=sales --key=${salesFingerprint}|\n`)
  })

  it('gives no pty', async () => {
    const client = await open(sales.private)
    const result = await outcome(
      new Promise((resolve, reject) => client.shell({ term: 'xterm' }, (error, channel) => (error ? reject(error) : resolve(channel)))),
    )
    expect(result.ok).toBe(false)
  })

  it('refuses a stream-local forward to the Docker socket, and TCP forwards either way', async () => {
    const client = await open(sales.private)
    // sshd answers a refused stream-local forward with a plain "open failed": its log says it was the key's
    // restriction (and the admin test below opens the same socket on the same login).
    const refusals = () =>
      readFileSync(join(info.dir, 'sshd.log'), 'utf8')
        .split('\n')
        .filter((l) => l.includes(`refused streamlocal port forward`)).length
    const before = refusals()
    const socket = await outcome(streamLocal(client, info.dockerSocket))
    expect(socket.ok).toBe(false)
    await expect.poll(refusals, { timeout: 5_000 }).toBe(before + 1)
    // SSH_OPEN_ADMINISTRATIVELY_PROHIBITED (RFC 4254 5.1): sshd's word for a TCP forward the key may not open.
    const prohibited = 1
    const local = await outcome(tcp(client, info.ssh.port))
    expect(local.ok ? 'opened' : (local.error as Error & { reason?: number }).reason).toBe(prohibited)
    const remote = await outcome(listen(client))
    expect(remote.ok).toBe(false)
  })

  it('gives no SFTP: the subsystem request runs the gate instead, and no directory is listed', async () => {
    const client = await open(sales.private)
    const listing = await outcome(sftpList(client, home))
    expect(listing.ok).toBe(false)
    expect(recorded()).toMatch(new RegExp(`--role=sales --key=${salesFingerprint.replace(/[+/]/g, '\\$&')}\\|\\S*sftp`))
  })

  it('the admin key on the same login still does all of it', async () => {
    const client = await open(adminKey)
    const mark = join(marks, 'made-by-admin')
    expect((await exec(client, `touch ${mark}`)).code).toBe(0)
    expect(existsSync(mark)).toBe(true)
    expect((await exec(client, `DOCKER_HOST=${info.dockerHost} docker ps --format '{{.ID}}'`)).code).toBe(0)
    expect(await firstBytes(await streamLocal(client, info.dockerSocket), 'GET /_ping HTTP/1.0\r\n\r\n')).toMatch(/^HTTP\/1\.[01] 200/)
    expect(await firstBytes(await tcp(client, info.ssh.port))).toMatch(/^SSH-2\.0-/)
    expect(await listen(client)).toBeGreaterThan(0)
    expect(await sftpList(client, home)).toContain('.ssh')
    const shellMark = join(marks, 'made-by-admin-shell')
    expect((await shell(client, `touch ${shellMark}\nexit 0\n`)).code).toBe(0)
    expect(existsSync(shellMark)).toBe(true)
  })

  it('made admin by Team, the same key can do all; made sales again, it cannot', async () => {
    const own = ownFingerprint(adminKey)
    await setTeamKeyRole(admin, salesFingerprint, 'admin', own)
    expect(parseAuthorizedKeys(readFileSync(file, 'utf8')).map((k) => k.role)).toEqual(['admin', 'admin'])
    const promoted = await open(sales.private)
    const mark = join(marks, 'made-after-promotion')
    expect((await exec(promoted, `touch ${mark}`)).code).toBe(0)
    expect(existsSync(mark)).toBe(true)
    await setTeamKeyRole(admin, salesFingerprint, 'sales', own)
    expect(readFileSync(file, 'utf8')).toBe(
      `${adminPublic}\nrestrict,command="${gateDir}/shopmgr-gate --role=sales --key=${salesFingerprint}" ${sales.public.trim()}\n`,
    )
    const demoted = await open(sales.private)
    expect((await outcome(streamLocal(demoted, info.dockerSocket))).ok).toBe(false)
    await expect(setTeamKeyRole(admin, own!, 'sales', own)).rejects.toMatchObject({ code: 'invalid_input', say: { key: 'ownKeyRole' } })
  })
})

/** OpenSSH's ssh and sftp clients, where the machine has them. */
const openssh = existsSync('/usr/bin/ssh') && existsSync('/usr/bin/sftp')

describe.runIf(openssh)('the same sales key with OpenSSH’s ssh and sftp clients', () => {
  let admin: HostSession
  let dir: string
  let keyFile: string
  let adminKeyFile: string
  let knownHosts: string

  const sshArgs = (identity: string) => [
    '-F',
    '/dev/null',
    '-i',
    identity,
    '-p',
    String(info.ssh.port),
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'BatchMode=yes',
    '-o',
    `UserKnownHostsFile=${knownHosts}`,
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'ExitOnForwardFailure=yes',
    '-o',
    'ConnectTimeout=10',
  ]
  const ssh = (identity: string, ...args: string[]) =>
    run('ssh', [...sshArgs(identity), ...args], { timeout: 20_000 }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }),
    )

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sales-openssh-'))
    chmodSync(dir, 0o777)
    keyFile = join(dir, 'id_sales')
    writeFileSync(keyFile, sales.private, { mode: 0o600 })
    adminKeyFile = join(dir, 'id_admin')
    writeFileSync(adminKeyFile, adminKey, { mode: 0o600 })
    knownHosts = join(dir, 'known_hosts')
    writeFileSync(knownHosts, `[${info.ssh.host}]:${info.ssh.port} ${info.ssh.hostKeyPublic}\n`)
    mkdirSync(sshDir, { recursive: true, mode: 0o700 })
    writeFileSync(file, `${adminPublic}\n`, { mode: 0o600 })
    chownSync(sshDir, statSync(home).uid, statSync(home).gid)
    chownSync(file, statSync(home).uid, statSync(home).gid)
    admin = openHostSession(testbedProfile(info, { id: 'sales-openssh-admin', user }), { privateKey: adminKey })
    await addTeamKey(admin, sales.public, 'sales')
  })
  afterAll(() => {
    admin?.close()
    rmSync(sshDir, { recursive: true, force: true })
    rmSync(dir, { recursive: true, force: true })
  })

  const target = `${user}@${info.ssh.host}`

  it('ssh host touch …: the forced command runs instead (the gate is not installed here: 127), the file is not made', async () => {
    const mark = join(dir, 'made-by-ssh')
    const result = await ssh(keyFile, target, `touch ${mark}`)
    expect(result.code).toBe(127)
    expect(result.stderr).toContain(`${gateDir}/shopmgr-gate`)
    expect(existsSync(mark)).toBe(false)
    expect((await ssh(adminKeyFile, target, `touch ${mark}`)).code).toBe(0)
    expect(existsSync(mark)).toBe(true)
  })

  it('ssh -t (a pty) is refused; ssh -W (a TCP forward) is refused', async () => {
    const pty = await ssh(keyFile, '-tt', target, 'true')
    expect(pty.stderr).toMatch(/PTY allocation request failed/i)
    const forward = await ssh(keyFile, '-W', `127.0.0.1:${info.ssh.port}`, target)
    expect(forward.code).not.toBe(0)
    expect(forward.stderr).toMatch(/administratively prohibited|open failed/i)
    const adminForward = await run(
      'sh',
      [
        '-c',
        `ssh ${sshArgs(adminKeyFile)
          .map((a) => `'${a}'`)
          .join(' ')} -W 127.0.0.1:${info.ssh.port} ${target} </dev/null | head -c 7`,
      ],
      {
        timeout: 20_000,
      },
    )
    expect(adminForward.stdout).toBe('SSH-2.0')
  })

  it('ssh -L to the Docker socket: the forward opens nothing (refused by sshd); the admin’s answers /_ping', async () => {
    const tryForward = async (identity: string) => {
      const local = join(dir, `docker-${identity.endsWith('admin') ? 'admin' : 'sales'}.sock`)
      const child = spawn('ssh', [...sshArgs(identity), '-N', '-L', `${local}:${info.dockerSocket}`, target], { stdio: ['ignore', 'ignore', 'pipe'] })
      let stderr = ''
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
      try {
        await expect.poll(() => existsSync(local), { timeout: 10_000 }).toBe(true)
        const answer = await new Promise<string>((resolve) => {
          let got = ''
          const socket = createConnection(local, () => socket.write('GET /_ping HTTP/1.0\r\n\r\n'))
          socket.on('data', (chunk) => (got += chunk.toString()))
          socket.on('close', () => resolve(got))
          socket.on('error', () => resolve(got))
        })
        await new Promise((resolve) => setTimeout(resolve, 200))
        return { answer, stderr }
      } finally {
        child.kill()
      }
    }
    const refused = await tryForward(keyFile)
    expect(refused.answer).toBe('')
    expect(refused.stderr).toMatch(/administratively prohibited|open failed/i)
    expect((await tryForward(adminKeyFile)).answer).toMatch(/^HTTP\/1\.[01] 200/)
  })

  it('sftp finds no SFTP server; the admin’s lists the home directory', async () => {
    const sftp = (identity: string) =>
      run(
        'sftp',
        [
          '-F',
          '/dev/null',
          '-i',
          identity,
          '-P',
          String(info.ssh.port),
          '-o',
          'BatchMode=yes',
          '-o',
          `UserKnownHostsFile=${knownHosts}`,
          '-o',
          'IdentitiesOnly=yes',
          '-b',
          '-',
          target,
        ],
        {
          timeout: 20_000,
        },
      )
    const child = sftp(keyFile)
    child.child.stdin?.end('ls -a\n')
    const refused = await child.then(
      () => ({ code: 0 }),
      (e: { code?: number }) => ({ code: e.code ?? -1 }),
    )
    expect(refused.code).not.toBe(0)
    const allowed = sftp(adminKeyFile)
    allowed.child.stdin?.end('ls -a\n')
    expect((await allowed).stdout).toContain('.ssh')
  })
})
