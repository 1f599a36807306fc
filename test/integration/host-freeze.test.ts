// A host that stops answering without closing anything (sshd frozen with SIGSTOP, as a hung VM or a dead route
// would look): the connection must be declared dead within its keep-alive budget, everything on it must fail
// at once with connection_lost, and new work must run on the next connection.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { SFTPWrapper } from 'ssh2'
import { afterEach, describe, expect, inject, it } from 'vitest'
import { AppError } from '../../src/shared/errors'
import { SshConnection } from '../../src/main/host/ssh-connection'
import type { SshConnectionOptions } from '../../src/main/host/ssh-types'
import { key } from './support/hosts'
import { freeze, sshdServing } from './support/sshd-freeze'

const info = inject('testbed')
const keepalive = { keepaliveIntervalMs: 500, keepaliveCountMax: 3 }
/** ssh2 gives up after keepaliveCountMax + 1 unanswered intervals; the rest is slack for a loaded machine. */
const budgetMs = keepalive.keepaliveIntervalMs * (keepalive.keepaliveCountMax + 1) + 2500
/** Far beyond the budget: an operation must never wait for its own timeout to learn that the connection died. */
const longTimeoutMs = 600_000

const connections: SshConnection[] = []
const thaws: Array<() => void> = []
afterEach(() => {
  for (const thaw of thaws.splice(0)) thaw()
  for (const connection of connections.splice(0)) connection.close()
})

function connect(options: Partial<SshConnectionOptions> = {}): SshConnection {
  const connection = new SshConnection(
    { host: info.ssh.host, port: info.ssh.port, username: info.ssh.user, privateKey: key(info.ssh.keys.ed25519), pinnedHostKey: info.ssh.hostKeyFingerprint },
    { ...keepalive, connectTimeoutMs: 3000, backoffInitialMs: 100, backoffMaxMs: 500, ...options },
  )
  connections.push(connection)
  return connection
}

/** The sshd processes serving this connection's current session, found by the client port sshd reports. */
async function serving(connection: SshConnection): Promise<number[]> {
  const { stdout } = await connection.exec(['sh', '-c', 'echo "$SSH_CONNECTION"'])
  const clientPort = Number(stdout.trim().split(' ')[1])
  const listener = Number(readFileSync(join(info.dir, 'sshd.pid'), 'utf8').trim())
  return sshdServing(info.ssh.port, clientPort, listener)
}

function freezeSession(pids: number[]): void {
  thaws.push(freeze(pids))
}

/** How the promise settled, or 'pending' if it had not after ms: a hang fails the test with a clear message. */
async function settledWithin(promise: Promise<unknown>, ms: number): Promise<AppError | 'resolved' | 'pending'> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<'pending'>((resolve) => (timer = setTimeout(() => resolve('pending'), ms)))
  try {
    return await Promise.race([
      promise.then(
        () => 'resolved' as const,
        (error: unknown) => (error instanceof AppError ? error : new AppError('internal', `not an AppError: ${String(error)}`)),
      ),
      late,
    ])
  } finally {
    clearTimeout(timer)
  }
}

function outputSeen(text: string): { options: { onOutput: (chunk: string) => void }; seen: Promise<void> } {
  let seen!: () => void
  const promise = new Promise<void>((resolve) => (seen = resolve))
  let all = ''
  return {
    options: {
      onOutput: (chunk) => {
        all += chunk
        if (all.includes(text)) seen()
      },
    },
    seen: promise,
  }
}

describe('a host that freezes under an open connection', () => {
  it('is declared dead within keepaliveIntervalMs × keepaliveCountMax of its last word', async () => {
    const options = { keepaliveIntervalMs: 2000, keepaliveCountMax: 2 }
    const limitMs = options.keepaliveIntervalMs * options.keepaliveCountMax
    const connection = connect(options)
    const pids = await serving(connection)
    const dropped = new Promise<number>((resolve) => connection.on('state', (state) => state === 'reconnecting' && resolve(performance.now())))
    // The host has just answered (ssh2 counts its keep-alives afresh from such a reply); then it freezes.
    await connection.exec(['true'])
    freezeSession(pids)
    const frozenAt = performance.now()
    const droppedAt = await Promise.race([dropped, new Promise<null>((resolve) => setTimeout(() => resolve(null), limitMs * 3).unref())])
    expect(droppedAt).not.toBeNull()
    expect(droppedAt! - frozenAt).toBeLessThan(limitMs + 1000)
  })

  it('fails running commands and a channel being opened with connection_lost within the keep-alive budget, then runs new ones', async () => {
    const connection = connect()
    const pids = await serving(connection)
    const longRun = outputSeen('started')
    const long = connection.exec(['sh', '-c', 'echo started; exec sleep 60'], { timeoutMs: longTimeoutMs, ...longRun.options })
    const quickRun = outputSeen('started')
    const quick = connection.exec(['sh', '-c', 'echo started; sleep 1; echo done'], { timeoutMs: longTimeoutMs, ...quickRun.options })
    await Promise.all([longRun.seen, quickRun.seen])

    freezeSession(pids)
    const frozenAt = performance.now()
    // Opened after the freeze: its channel-open request is never answered.
    const opening = connection.exec(['echo', 'opening'], { timeoutMs: longTimeoutMs })
    const [longOutcome, quickOutcome, openingOutcome] = await Promise.all([long, quick, opening].map((p) => settledWithin(p, budgetMs)))
    const elapsed = performance.now() - frozenAt

    expect(longOutcome).toBeInstanceOf(AppError)
    expect((longOutcome as AppError).code).toBe('connection_lost')
    // The command may still be running on the host: its pid lets a caller find it again after the reconnect.
    expect((longOutcome as AppError).details?.['pid']).toMatch(/^\d+$/)
    expect(quickOutcome).toBeInstanceOf(AppError)
    expect((quickOutcome as AppError).code).toBe('connection_lost')
    expect(openingOutcome).toBeInstanceOf(AppError)
    expect((openingOutcome as AppError).code).toBe('connection_lost')
    expect(elapsed).toBeLessThan(budgetMs)
    expect(connection.channelsInUse).toBe(0)

    // The old sshd is still frozen; the next command runs on a new connection.
    const after = await connection.exec(['echo', 'after the drop'], { timeoutMs: 10_000 })
    expect(after.stdout.trim()).toBe('after the drop')
    expect(connection.state).toBe('connected')
    // The pid is the command's on the host, still running there: a caller can wait for it, or end it.
    const pid = String((longOutcome as AppError).details?.['pid'])
    expect((await connection.exec(['sh', '-c', 'ps -o args= -p "$1"', 'sh', pid])).stdout.trim()).toBe('sleep 60')
    expect((await connection.exec(['kill', '-TERM', pid])).code).toBe(0)
  })

  it('ends Docker streams on the frozen session, gives back their slots, and opens new ones afterwards', async () => {
    const connection = connect()
    const pids = await serving(connection)
    // Idle, as a keep-alive socket waits in the HTTP agent: nobody reads it.
    const forward = await connection.openUnixSocket(info.dockerSocket)
    const stdio = await connection.openExecStream(['cat'])
    const ended = [forward, stdio].map((stream) => new Promise<void>((resolve) => stream.once('close', () => resolve())))
    expect(connection.channelsInUse).toBe(1)
    freezeSession(pids)
    const opening = connection.openUnixSocket(info.dockerSocket, { timeoutMs: longTimeoutMs })
    opening.catch(() => undefined) // judged below; not unhandled if an assertion before fails
    expect(await Promise.all(ended.map((closed) => settledWithin(closed, budgetMs)))).toEqual(['resolved', 'resolved'])
    const outcome = await settledWithin(opening, budgetMs)
    expect(outcome).toBeInstanceOf(AppError)
    expect((outcome as AppError).code).toBe('connection_lost')
    expect(connection.forwardsOpen).toBe(0)
    expect(connection.channelsInUse).toBe(0)

    const fresh = await connection.openUnixSocket(info.dockerSocket, { timeoutMs: 10_000 })
    const reply = new Promise<string>((resolve) => fresh.once('data', (chunk: Buffer) => resolve(chunk.toString('utf8'))))
    fresh.write('GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n')
    expect(await reply).toMatch(/^HTTP\/1\.1 200/)
    fresh.destroy()
  })

  it('fails an SFTP write on the frozen session with connection_lost and opens a new SFTP session afterwards', async () => {
    const connection = connect()
    const sftp = await connection.sftp()
    const pids = await serving(connection)
    const path = join(info.ssh.baseDir, `freeze-${process.pid}.bin`)
    freezeSession(pids)
    const write = new Promise<void>((resolve, reject) => sftp.writeFile(path, Buffer.alloc(4 * 1024 * 1024, 7), (error) => (error ? reject(error) : resolve())))
    const outcome = await settledWithin(write, budgetMs)
    expect(outcome).toBeInstanceOf(AppError)
    expect((outcome as AppError).code).toBe('connection_lost')

    const fresh: SFTPWrapper = await connection.sftp({ timeoutMs: 10_000 })
    expect(fresh).not.toBe(sftp)
    await new Promise<void>((resolve, reject) => fresh.writeFile(path, 'after the drop', (error) => (error ? reject(error) : resolve())))
    const back = await new Promise<string>((resolve, reject) => fresh.readFile(path, 'utf8', (error, data) => (error ? reject(error) : resolve(String(data)))))
    expect(back).toBe('after the drop')
    await new Promise<void>((resolve) => fresh.unlink(path, () => resolve()))
  })
})
