// The Docker Engine API of a host session: dockerode on the session's tunnel agent (or the local socket), one
// client per session. Errors of the transport are said in the app's words here, once for every caller.
import Docker from 'dockerode'
import { AppError } from '@shared/errors'
import type { HostSession } from '../../host/host-session'

const clients = new WeakMap<HostSession, Docker>()

export function dockerOf(session: HostSession): Docker {
  let docker = clients.get(session)
  if (!docker) {
    docker = session.dockerAgent
      ? new Docker({ socketPath: session.profile.dockerSocket, agent: session.dockerAgent } as Docker.DockerOptions)
      : new Docker({ socketPath: session.profile.dockerSocket })
    clients.set(session, docker)
  }
  return docker
}

const droppedCodes = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED'])

/**
 * A Docker call that failed because the way to the engine broke (the SSH connection dropped mid-call: Node's HTTP
 * client reports "socket hang up") becomes `connection_lost` with words; AppErrors and the engine's own answers
 * (statusCode) stay as they are.
 */
export function dockerTransportError(error: unknown, what: string): unknown {
  if (error instanceof AppError) return error
  const e = error as NodeJS.ErrnoException & { statusCode?: number }
  if (e?.statusCode) return error
  if (droppedCodes.has(e?.code ?? '') || /socket hang up|aborted|ended by the other party/i.test(e?.message ?? '')) {
    return new AppError('connection_lost', `The connection to the host dropped while ${what}.`, { say: { key: 'droppedMidway' } })
  }
  return error
}
