// Checks what a host needs for shops and says what to do about anything missing.
import type { ProbeCheck, ProbeResult } from '@shared/hosts'
import { AppError } from '@shared/errors'
import type { HostSession } from './host-session'

export type ComposeVariant = 'v2' | 'v1'

/** `docker compose` (v2) where the plugin exists, else `docker-compose` (v1), else null. */
export async function detectCompose(session: HostSession): Promise<{ variant: ComposeVariant; version: string } | null> {
  const v2 = await session.exec(['docker', 'compose', 'version', '--short'], { timeoutMs: 15_000 })
  if (v2.code === 0 && v2.stdout.trim()) return { variant: 'v2', version: v2.stdout.trim() }
  const v1 = await session.exec(['docker-compose', 'version', '--short'], { timeoutMs: 15_000 })
  if (v1.code === 0 && v1.stdout.trim()) return { variant: 'v1', version: v1.stdout.trim() }
  return null
}

/** Why the Docker socket cannot be used: missing, or not accessible to this user. */
async function explainSocket(session: HostSession): Promise<AppError> {
  const socket = session.profile.dockerSocket
  const result = await session.exec(
    ['sh', '-c', 'if ! test -S "$1"; then echo missing; elif ! test -r "$1" -a -w "$1"; then echo denied; else echo ok; fi', 'sh', socket],
    { timeoutMs: 10_000 },
  )
  const verdict = result.stdout.trim()
  if (verdict === 'missing') return new AppError('docker_unavailable', `There is no Docker socket at ${socket} on the host. Is Docker installed and running?`)
  if (verdict === 'denied') {
    return new AppError(
      'docker_permission_denied',
      `The user ${session.profile.user} may not use ${socket}. Add the user to the docker group (sudo usermod -aG docker ${session.profile.user}) and reconnect.`,
    )
  }
  return new AppError('docker_unavailable', `The Docker socket ${socket} exists but the Engine does not answer through the SSH connection.`)
}

export async function dockerVersion(session: HostSession): Promise<{ version: string; apiVersion: string }> {
  try {
    const info = await session.docker.version()
    return { version: info.Version, apiVersion: info.ApiVersion }
  } catch (error) {
    if (error instanceof AppError && !['docker_unavailable'].includes(error.code)) throw error
    if (session.ssh === null) {
      throw new AppError('docker_unavailable', `Docker does not answer on ${session.profile.dockerSocket} on this machine. Is Docker running?`)
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
    checks.push({ id: 'docker', ok: true, detail: `Docker ${docker.version} (API ${docker.apiVersion})` })
  } catch (error) {
    if (!(error instanceof AppError)) throw error
    if (['host_key_unknown', 'host_key_changed', 'auth_failed', 'host_unreachable', 'passphrase_required', 'passphrase_wrong', 'key_invalid'].includes(error.code)) throw error
    checks.push({ id: 'docker', ok: false, detail: error.message, fix: error.message })
  }

  const compose = await detectCompose(session)
  checks.push(
    compose
      ? { id: 'compose', ok: true, detail: compose.variant === 'v2' ? `docker compose ${compose.version}` : `docker-compose ${compose.version} (v1)` }
      : {
          id: 'compose',
          ok: false,
          detail: 'Neither `docker compose` nor `docker-compose` is installed.',
          fix: 'Install the Docker Compose plugin (apt-get install docker-compose-plugin) on the host.',
        },
  )

  const dir = await session.exec(
    ['sh', '-c', 'if ! test -d "$1"; then echo missing; elif ! test -w "$1"; then echo readonly; else echo ok; fi', 'sh', profile.baseDir],
    { timeoutMs: 10_000 },
  )
  const dirState = dir.stdout.trim()
  checks.push(
    dirState === 'ok'
      ? { id: 'baseDir', ok: true, detail: `${profile.baseDir} is writable` }
      : {
          id: 'baseDir',
          ok: false,
          detail: dirState === 'missing' ? `${profile.baseDir} does not exist` : `${profile.baseDir} is not writable for ${profile.user}`,
          fix: `sudo mkdir -p ${profile.baseDir} && sudo chown ${profile.user} ${profile.baseDir}`,
        },
  )

  if (docker) {
    const networks = await session.docker.listNetworks({ filters: { name: ['proxy'] } })
    const present = networks.some((n) => n.Name === 'proxy')
    checks.push(
      present
        ? { id: 'proxyNetwork', ok: true, detail: 'Network "proxy" exists' }
        : { id: 'proxyNetwork', ok: false, detail: 'Network "proxy" is missing', fix: 'Set up the host (Traefik stack), or run: docker network create proxy' },
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
