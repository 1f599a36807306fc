// Runs compose on the host in a shop's directory: `docker compose` (v2) or `docker-compose` (v1), as probed.
import { AppError } from '@shared/errors'
import type { HostSession } from '../host/host-session'
import { detectCompose } from '../host/probe'
import type { ExecOptions, ExecResult } from '../host/ssh-connection'

const variants = new WeakMap<HostSession, Promise<string[]>>()

/** The compose command for this host, detected once per session. */
export function composeCommand(session: HostSession): Promise<string[]> {
  let command = variants.get(session)
  if (!command) {
    command = detectCompose(session).then((found) => {
      if (!found) throw new AppError('compose_missing', 'Neither `docker compose` nor `docker-compose` is installed on the host.')
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
