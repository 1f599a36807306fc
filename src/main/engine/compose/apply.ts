// `compose up -d` of a shop. A connection dropped while compose runs kills it on the host; once the session is
// back, `up -d` runs again (it only does what is missing), after the first run's process has ended.
import { AppError } from '@shared/errors'
import type { HostSession } from '../../host/host-session'
import type { ApplyOptions, ShopProject } from '../shop-runtime'
import { runCompose } from './compose-cli'

const RECONNECT_WAIT_MS = 90_000

export function isConnectionTrouble(error: unknown): error is AppError {
  return error instanceof AppError && (error.code === 'connection_lost' || error.code === 'host_unreachable')
}

export async function composeUp(session: HostSession, project: ShopProject, options: ApplyOptions = {}): Promise<void> {
  const mask = options.mask ?? ((text: string) => text)
  const attempts = options.attempts ?? 3
  const args = ['up', '-d', '--remove-orphans', ...(options.forceRecreate ? ['--force-recreate'] : [])]
  for (let attempt = 1; ; attempt++) {
    try {
      const up = await runCompose(session, project.dir, project.name, args, {
        timeoutMs: 10 * 60_000,
        onOutput: (chunk) =>
          chunk
            .split('\n')
            .filter((l) => l.trim())
            .forEach((line) => options.onOutput?.(mask(line))),
      })
      if (up.code === 0) return
      const output = mask(up.stderr.trim().split('\n').slice(-3).join(' '))
      throw new AppError('internal', `compose up failed: ${output}`, { say: { key: 'composeFailed', values: { output } } })
    } catch (error) {
      if (!isConnectionTrouble(error) || attempt >= attempts) throw error
      options.onOutput?.(`— ${error.message} Running compose up again once the connection is back (attempt ${attempt + 1} of ${attempts}).`)
      await reconnected(session, RECONNECT_WAIT_MS)
      // Two compose runs on one project at once fight over container names: let the first one finish.
      const pid = error.details?.['pid']
      if (pid) await waitForProcess(session, pid)
    }
  }
}

/** The session reconnects by itself, with backoff; until then a command fails at once. Ask until one runs. */
async function reconnected(session: HostSession, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs
  for (;;) {
    try {
      await session.exec(['true'], { timeoutMs: 10_000 })
      return
    } catch (error) {
      if (!isConnectionTrouble(error) || Date.now() > deadline) throw error
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
  }
}

async function waitForProcess(session: HostSession, pid: string): Promise<void> {
  await session.exec(['sh', '-c', 'while kill -0 "$1" 2>/dev/null; do sleep 0.2; done', 'sh', pid], { timeoutMs: 5 * 60_000 })
}
