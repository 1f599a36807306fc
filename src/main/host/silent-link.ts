// Declares an SSH session's socket dead when the host has sent nothing for too long.
import type { Socket } from 'node:net'
import type { SshConnectionOptions } from './ssh-types'

/**
 * ssh2 gives up only after keepaliveCountMax + 1 unanswered intervals (20 s with the defaults), and only while
 * its socket still counts as writable. A live sshd answers every keep-alive within one interval, so a session
 * that has sent nothing at all for keepaliveCountMax intervals (at least two, so one late answer is not a
 * drop) is dead: its socket is destroyed, which makes ssh2 close the session and every channel on it.
 *
 * The verdict waits for one turn of the event loop: after the process itself was busy for longer than the limit
 * (a long synchronous call), Node runs due timers before it reads the sockets, so the host's answers are already
 * there, unread; destroying the socket then would call a live session dead.
 */
export function dropWhenSilent(socket: Socket, options: Pick<SshConnectionOptions, 'keepaliveIntervalMs' | 'keepaliveCountMax'>): void {
  if (!(options.keepaliveIntervalMs > 0)) return
  const limitMs = options.keepaliveIntervalMs * Math.max(2, options.keepaliveCountMax)
  let heard = performance.now()
  let timer: NodeJS.Timeout | undefined
  const silentMs = (): number => performance.now() - heard
  const check = (): void => {
    if (silentMs() < limitMs) timer = setTimeout(check, limitMs - silentMs()).unref()
    else
      setImmediate(() => {
        if (silentMs() >= limitMs) socket.destroy()
        else check()
      })
  }
  socket.on('data', () => (heard = performance.now()))
  socket.once('close', () => clearTimeout(timer))
  timer = setTimeout(check, limitMs).unref()
}
