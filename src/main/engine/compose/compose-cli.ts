// Runs compose on the host in a shop's directory: `docker compose` (v2) or `docker-compose` (v1), as detected
// once per session. The only place that builds a compose command line.
import { AppError } from '@shared/errors'
import type { HostSession } from '../../host/host-session'
import type { ExecOptions, ExecResult } from '../../host/ssh-types'

export type ComposeVariant = 'v2' | 'v1'

/** `docker compose` (v2) where the plugin exists, else `docker-compose` (v1), else null. */
export async function detectCompose(session: HostSession): Promise<{ variant: ComposeVariant; version: string } | null> {
  const v2 = await session.exec(['docker', 'compose', 'version', '--short'], { timeoutMs: 15_000 })
  if (v2.code === 0 && v2.stdout.trim()) return { variant: 'v2', version: v2.stdout.trim() }
  const v1 = await session.exec(['docker-compose', 'version', '--short'], { timeoutMs: 15_000 })
  if (v1.code === 0 && v1.stdout.trim()) return { variant: 'v1', version: v1.stdout.trim() }
  return null
}

const variants = new WeakMap<HostSession, Promise<string[]>>()

/** The compose command for this host, detected once per session. */
export function composeCommand(session: HostSession): Promise<string[]> {
  let command = variants.get(session)
  if (!command) {
    command = detectCompose(session).then((found) => {
      if (!found)
        throw new AppError('compose_missing', 'Neither `docker compose` nor `docker-compose` is installed on the host.', { say: { key: 'composeMissing' } })
      return found.variant === 'v2' ? ['docker', 'compose'] : ['docker-compose']
    })
    command.catch(() => variants.delete(session))
    variants.set(session, command)
  }
  return command
}

/** `cd <dir> && <compose> -p <project> <args>`, every part an argument of its own. */
export async function runCompose(session: HostSession, dir: string, project: string, args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  const compose = await composeCommand(session)
  return session.exec(['sh', '-c', 'cd "$1" && shift && exec "$@"', 'sh', dir, ...compose, '--ansi', 'never', '-p', project, ...args], options)
}

/** The last lines compose printed to stderr, for a message. */
export function composeTail(result: ExecResult, lines = 2): string {
  return result.stderr.trim().split('\n').slice(-lines).join(' ')
}
