// Checks what a host needs for shops and says what to do about anything missing.
import type { ProbeCheck, ProbeCode, ProbeResult } from '@shared/hosts'
import { AppError } from '@shared/errors'
import type { HostSession } from '../../host/host-session'
import { detectCompose } from './compose-cli'
import { dockerOf } from './docker-client'

const problemWords: Partial<Record<ProbeCode, 'dockerMissing' | 'dockerDenied' | 'dockerNoAnswer'>> = {
  'docker.missing': 'dockerMissing',
  'docker.denied': 'dockerDenied',
  'docker.noAnswer': 'dockerNoAnswer',
}

/** An AppError that also carries the probe's code, so the Hosts page can word it in the user's language. */
class DockerProblem extends AppError {
  constructor(
    code: 'docker_unavailable' | 'docker_permission_denied',
    message: string,
    readonly probeCode: ProbeCode,
    readonly params: Record<string, string>,
  ) {
    super(code, message, { say: { key: problemWords[probeCode] ?? 'dockerNoAnswer', values: params } })
  }
}

/** Why the Docker socket cannot be used: missing, or not accessible to this user. */
export async function explainSocket(session: HostSession): Promise<DockerProblem> {
  const socket = session.profile.dockerSocket
  const result = await session.exec(
    ['sh', '-c', 'if ! test -S "$1"; then echo missing; elif ! test -r "$1" -a -w "$1"; then echo denied; else echo ok; fi', 'sh', socket],
    { timeoutMs: 10_000 },
  )
  const verdict = result.stdout.trim()
  const { user } = session.profile
  if (verdict === 'missing') {
    return new DockerProblem('docker_unavailable', `There is no Docker socket at ${socket} on the host. Is Docker installed and running?`, 'docker.missing', {
      socket,
    })
  }
  if (verdict === 'denied') {
    return new DockerProblem(
      'docker_permission_denied',
      `The user ${user} may not use ${socket}. Add the user to the docker group (sudo usermod -aG docker ${user}) and reconnect.`,
      'docker.denied',
      { socket, user },
    )
  }
  return new DockerProblem(
    'docker_unavailable',
    `The Docker socket ${socket} exists but the Engine does not answer through the SSH connection.`,
    'docker.noAnswer',
    { socket },
  )
}

export async function dockerVersion(session: HostSession): Promise<{ version: string; apiVersion: string }> {
  try {
    const info = await dockerOf(session).version()
    return { version: info.Version, apiVersion: info.ApiVersion }
  } catch (error) {
    if (error instanceof AppError && !['docker_unavailable'].includes(error.code)) throw error
    if (session.ssh === null) {
      const socket = session.profile.dockerSocket
      throw new DockerProblem('docker_unavailable', `Docker does not answer on ${socket} on this machine. Is Docker running?`, 'docker.noAnswer', { socket })
    }
    throw await explainSocket(session)
  }
}

export async function probeHost(session: HostSession, now: () => Date = () => new Date()): Promise<ProbeResult> {
  const { profile } = session
  const checks: ProbeCheck[] = []
  let docker: { version: string; apiVersion: string } | null = null
  try {
    docker = await dockerVersion(session)
    checks.push({
      id: 'docker',
      ok: true,
      code: 'docker.ok',
      params: { version: docker.version, api: docker.apiVersion },
      detail: `Docker ${docker.version} (API ${docker.apiVersion})`,
    })
  } catch (error) {
    if (!(error instanceof DockerProblem)) throw error
    checks.push({ id: 'docker', ok: false, code: error.probeCode, params: error.params, detail: error.message, fix: error.message })
  }

  const compose = await detectCompose(session)
  checks.push(
    compose
      ? {
          id: 'compose',
          ok: true,
          code: compose.variant === 'v2' ? 'compose.v2' : 'compose.v1',
          params: { version: compose.version },
          detail: compose.variant === 'v2' ? `docker compose ${compose.version}` : `docker-compose ${compose.version} (v1)`,
        }
      : {
          id: 'compose',
          ok: false,
          code: 'compose.missing',
          params: {},
          detail: 'Neither `docker compose` nor `docker-compose` is installed.',
          fix: 'Install the Docker Compose plugin (apt-get install docker-compose-plugin) on the host.',
        },
  )

  const dir = await session.exec(
    ['sh', '-c', 'if ! test -d "$1"; then echo missing; elif ! test -w "$1"; then echo readonly; else echo ok; fi', 'sh', profile.baseDir],
    { timeoutMs: 10_000 },
  )
  const dirState = dir.stdout.trim()
  const dirParams = { dir: profile.baseDir, user: profile.user }
  checks.push(
    dirState === 'ok'
      ? { id: 'baseDir', ok: true, code: 'baseDir.ok', params: dirParams, detail: `${profile.baseDir} is writable` }
      : {
          id: 'baseDir',
          ok: false,
          code: dirState === 'missing' ? 'baseDir.missing' : 'baseDir.readonly',
          params: dirParams,
          detail: dirState === 'missing' ? `${profile.baseDir} does not exist` : `${profile.baseDir} is not writable for ${profile.user}`,
          fix: `sudo mkdir -p ${profile.baseDir} && sudo chown ${profile.user} ${profile.baseDir}`,
        },
  )

  if (docker) {
    const networks = await dockerOf(session).listNetworks({ filters: { name: ['proxy'] } })
    const present = networks.some((n) => n.Name === 'proxy')
    checks.push(
      present
        ? { id: 'proxyNetwork', ok: true, code: 'proxyNetwork.ok', params: {}, detail: 'Network "proxy" exists' }
        : {
            id: 'proxyNetwork',
            ok: false,
            code: 'proxyNetwork.missing',
            params: {},
            detail: 'Network "proxy" is missing',
            fix: 'Set up the host (Traefik stack), or run: docker network create proxy',
          },
    )
  }

  return {
    hostId: profile.id,
    checkedAt: now().toISOString(),
    dockerVersion: docker?.version ?? null,
    apiVersion: docker?.apiVersion ?? null,
    compose: compose?.variant ?? null,
    checks,
  }
}
