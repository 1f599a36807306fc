// Which processes the session script ends, on /proc fixtures shaped like OpenSSH 9.8+'s tree (sshd-session)
// and older ones (sshd): found by their place in the tree, compared with our own session, never by a name.
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { LOGIN_SESSIONS_SCRIPT } from './login-sessions'

interface Proc {
  pid: number
  ppid: number
  uid: number
  name: string
  env?: Record<string, string>
}

const OURS = '127.0.0.1 50000 127.0.0.1 22'
const roots: string[] = []

function procTree(procs: Proc[]): string {
  const root = mkdtempSync(join(tmpdir(), 'proc-'))
  roots.push(root)
  for (const p of procs) {
    mkdirSync(join(root, String(p.pid)))
    writeFileSync(
      join(root, String(p.pid), 'status'),
      `Name:\t${p.name}\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t${p.pid}\nNgid:\t0\nPid:\t${p.pid}\nPPid:\t${p.ppid}\nTracerPid:\t0\nUid:\t${p.uid}\t${p.uid}\t${p.uid}\t${p.uid}\nGid:\t${p.uid}\t${p.uid}\t${p.uid}\t${p.uid}\n`,
    )
    // A session process is not dumpable: its environment cannot be read by the login user (no file here).
    if (p.env)
      writeFileSync(
        join(root, String(p.pid), 'environ'),
        Object.entries(p.env)
          .map(([k, v]) => `${k}=${v}\0`)
          .join(''),
      )
  }
  return root
}

function listed(root: string, start: number, connection = OURS): Promise<number[]> {
  return new Promise((done, fail) => {
    execFile(
      'sh',
      ['-c', LOGIN_SESSIONS_SCRIPT, 'sh', root, String(start), 'list'],
      { env: { PATH: process.env['PATH'] ?? '', SSH_CONNECTION: connection } },
      (error, stdout) =>
        error
          ? fail(error)
          : done(
              stdout
                .split('\n')
                .filter(Boolean)
                .map(Number)
                .sort((a, b) => a - b),
            ),
    )
  })
}

/** A host with one listener; `name` is what this OpenSSH calls its per-connection processes. */
function host(name: string, listener = 'sshd'): Proc[] {
  const shell = (pid: number, ppid: number, conn: string): Proc => ({ pid, ppid, uid: 1000, name: 'bash', env: { SSH_CONNECTION: conn, HOME: '/home/shop' } })
  return [
    { pid: 1, ppid: 0, uid: 0, name: 'systemd' },
    { pid: 100, ppid: 1, uid: 0, name: listener },
    // Our connection: monitor, session process, the login shell running the script.
    { pid: 200, ppid: 100, uid: 0, name },
    { pid: 201, ppid: 200, uid: 1000, name },
    shell(202, 201, OURS),
    { pid: 203, ppid: 202, uid: 1000, name: 'sh', env: { SSH_CONNECTION: OURS } },
    // Another laptop of the same login, idle: no shell below its session process.
    { pid: 300, ppid: 100, uid: 0, name },
    { pid: 301, ppid: 300, uid: 1000, name },
    // Another one running a command.
    { pid: 400, ppid: 100, uid: 0, name },
    { pid: 401, ppid: 400, uid: 1000, name },
    shell(402, 401, '127.0.0.1 50002 127.0.0.1 22'),
    // Another user's connection.
    { pid: 500, ppid: 100, uid: 0, name },
    { pid: 501, ppid: 500, uid: 1001, name },
    // A container running as the same uid, under its shim; and a user service manager.
    { pid: 600, ppid: 1, uid: 0, name: 'containerd-shim' },
    { pid: 601, ppid: 600, uid: 1000, name },
    { pid: 700, ppid: 1, uid: 1000, name: 'systemd' },
  ]
}

afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true })
})

describe("the login's other connections", () => {
  it("OpenSSH 9.8+ (sshd-session): the same login's other connections, idle or busy; not ours, not other users', not a container", async () => {
    expect(await listed(procTree(host('sshd-session')), 203)).toEqual([301, 401])
  })

  it('older OpenSSH (sshd), and a listener and sessions called anything at all', async () => {
    expect(await listed(procTree(host('sshd')), 203)).toEqual([301, 401])
    expect(await listed(procTree(host('ssh-worker', 'my-listener')), 203)).toEqual([301, 401])
  })

  it("started from a login shell that exec'd the script directly", async () => {
    expect(await listed(procTree(host('sshd-session')), 202)).toEqual([301, 401])
  })

  it("a root login (no separate session process): other root connections, not other users' monitors", async () => {
    const conn = (pid: number, c: string): Proc => ({ pid, ppid: pid - 1, uid: 0, name: 'bash', env: { SSH_CONNECTION: c } })
    const tree: Proc[] = [
      { pid: 1, ppid: 0, uid: 0, name: 'systemd' },
      { pid: 100, ppid: 1, uid: 0, name: 'sshd' },
      { pid: 200, ppid: 100, uid: 0, name: 'sshd-session' },
      conn(201, OURS),
      { pid: 300, ppid: 100, uid: 0, name: 'sshd-session' },
      { pid: 500, ppid: 100, uid: 0, name: 'sshd-session' },
      { pid: 501, ppid: 500, uid: 1001, name: 'sshd-session' },
    ]
    expect(await listed(procTree(tree), 201)).toEqual([300])
  })

  it('ends nothing when it cannot find its own connection', async () => {
    expect(await listed(procTree(host('sshd-session')), 203, '')).toEqual([])
  })
})
