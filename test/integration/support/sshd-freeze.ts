// Freezes the test bed's sshd process(es) serving one SSH connection, as a host that stops answering without
// closing anything would (a hung VM, a dead route): the TCP connection stays open, nothing comes back.
import { readFileSync, readdirSync, readlinkSync } from 'node:fs'
import { join } from 'node:path'

/** Inodes of the TCP sockets on 127.0.0.1:`serverPort` whose peer is 127.0.0.1:`clientPort` (server side). */
function serverSocketInodes(serverPort: number, clientPort: number): Set<string> {
  const hex = (port: number): string => port.toString(16).toUpperCase().padStart(4, '0')
  const inodes = new Set<string>()
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string
    try {
      text = readFileSync(table, 'utf8')
    } catch {
      continue
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/)
      const [local, remote, inode] = [fields[1], fields[2], fields[9]]
      if (!local || !remote || !inode || inode === '0') continue
      if (local.endsWith(`:${hex(serverPort)}`) && remote.endsWith(`:${hex(clientPort)}`)) inodes.add(inode)
    }
  }
  return inodes
}

/**
 * Every process but this one that holds the server's end of the connection: sshd's per-connection monitor
 * and its unprivileged child (named `sshd` or, from OpenSSH 9.8, `sshd-session`; the name is not relied on).
 * The listening sshd (`listenerPid`) is never one of them, so new connections are still accepted.
 */
export function sshdServing(serverPort: number, clientPort: number, listenerPid: number): number[] {
  const wanted = new Set([...serverSocketInodes(serverPort, clientPort)].map((inode) => `socket:[${inode}]`))
  if (wanted.size === 0) throw new Error(`no TCP connection 127.0.0.1:${clientPort} -> :${serverPort} found`)
  const pids: number[] = []
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry)
    if (!Number.isInteger(pid) || pid === process.pid || pid === listenerPid) continue
    let fds: string[]
    try {
      fds = readdirSync(join('/proc', entry, 'fd'))
    } catch {
      continue
    }
    for (const fd of fds) {
      let target: string
      try {
        target = readlinkSync(join('/proc', entry, 'fd', fd))
      } catch {
        continue
      }
      if (wanted.has(target)) {
        pids.push(pid)
        break
      }
    }
  }
  if (pids.length === 0) throw new Error(`no process holds the server side of 127.0.0.1:${clientPort} -> :${serverPort}`)
  return pids
}

/** SIGSTOPs the processes; the returned function SIGCONTs them (safe to call more than once, or if they died). */
export function freeze(pids: readonly number[]): () => void {
  for (const pid of pids) process.kill(pid, 'SIGSTOP')
  let thawed = false
  return () => {
    if (thawed) return
    thawed = true
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGCONT')
      } catch {
        // gone already
      }
    }
  }
}
