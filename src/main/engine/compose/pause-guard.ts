// The host's own guard over a pause: laptops lose their connection, and a shop must not stay frozen because of
// it. Before the writers are paused, a shell on the host starts that waits for a heartbeat line on its stdin. When
// the connection goes, sshd closes that stdin (or, on a link that just hangs, the heartbeats stop): the host then
// unpauses the containers itself, within the connection's own keep-alive budget. `done` ends the guard quietly
// after the app has unpaused them.
import { PassThrough } from 'node:stream'
import { AppError } from '@shared/errors'
import type { HostSession } from '../../host/host-session'
import { defaultSshOptions } from '../../host/ssh-types'

/**
 * $1: seconds without a line after which the laptop counts as gone; the rest: the containers to unpause then.
 * One line at a time through `read` in a child shell under `timeout`, as dash's `read` has no timeout of its own.
 */
const GUARD = `trap '' HUP PIPE
deadline=$1; shift
echo armed
while line=$(timeout "$deadline" sh -c 'IFS= read -r l && printf %s "$l"'); do
  [ "$line" = done ] && exit 0
done
docker unpause "$@" >/dev/null 2>&1
echo unpaused`

export interface PauseGuard {
  /** The app has unpaused: the guard ends without touching anything. */
  release(): Promise<void>
  /** The app could not unpause everything: the host does it now. */
  handOver(): Promise<void>
}

export interface GuardTiming {
  heartbeatMs: number
  /** Silence after which the host unpauses. */
  deadAfterMs: number
}

/** A session's keep-alive budget: the laptop declares the host dead after as long. */
export const keepAliveTiming: GuardTiming = {
  heartbeatMs: defaultSshOptions.keepaliveIntervalMs,
  deadAfterMs: defaultSshOptions.keepaliveIntervalMs * defaultSshOptions.keepaliveCountMax,
}

/** Starts the guard for `containers` on the host and resolves once it is armed (before anything is paused). */
export async function guardPause(session: HostSession, containers: readonly string[], timing: GuardTiming = keepAliveTiming): Promise<PauseGuard> {
  const stdin = new PassThrough()
  let armed: () => void = () => undefined
  const ready = new Promise<void>((resolve) => (armed = resolve))
  const ended = session.exec(['sh', '-c', GUARD, 'sh', String(Math.ceil(timing.deadAfterMs / 1000)), ...containers], {
    stdin,
    onOutput: (chunk, stream) => void (stream === 'stdout' && chunk.includes('armed') && armed()),
  })
  const heartbeat = setInterval(() => stdin.write('alive\n'), timing.heartbeatMs)
  const stop = (): void => {
    clearInterval(heartbeat)
    stdin.end()
  }
  const failed = ended.then(
    (result) => {
      throw new AppError('internal', `The host could not guard the pause (exit ${result.code}): ${result.stderr.trim() || 'no output'}. Nothing was paused.`, {
        say: { key: 'pauseUnguarded', values: { reason: result.stderr.trim() || `exit ${result.code}` } },
      })
    },
    (error: unknown) => {
      throw error
    },
  )
  try {
    await Promise.race([ready, failed])
  } catch (error) {
    stop()
    throw error
  }
  failed.catch(() => undefined)
  return {
    async release() {
      clearInterval(heartbeat)
      stdin.end('done\n')
      await ended.catch(() => undefined)
    },
    async handOver() {
      stop()
      await ended.catch(() => undefined)
    },
  }
}
