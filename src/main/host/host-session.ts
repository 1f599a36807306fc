// A connected host: a command runner and a way to the Docker socket, over SSH or on this machine. Nothing here
// speaks the Docker API itself: the engine (engine/compose/) builds its client on `dockerAgent`.
import { EventEmitter } from 'node:events'
import { mkdirSync } from 'node:fs'
import type { Agent } from 'node:http'
import type { HostProfile } from '@shared/hosts'
import { AppError } from '@shared/errors'
import { DockerTunnelAgent } from './docker-agent'
import { execLocal } from './local-shell'
import { SshConnection } from './ssh-connection'
import type { ExecOptions, ExecResult, SshConnectionOptions, SshState } from './ssh-types'

export interface HostSessionEvents {
  state: [state: SshState, error?: AppError]
  reconnected: []
}

export interface HostSession extends EventEmitter<HostSessionEvents> {
  readonly profile: HostProfile
  readonly state: SshState
  /** An HTTP agent whose sockets reach the host's Docker socket; null on this machine (the socket is local). */
  readonly dockerAgent: Agent | null
  /** Runs argv on the host with DOCKER_HOST pointing at the profile's socket. */
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>
  /** The SSH connection, for SFTP and tests; null for the local host. */
  readonly ssh: SshConnection | null
  close(): void
}

export interface SshSecrets {
  privateKey?: string
  passphrase?: string
  agent?: string
}

function dockerEnv(profile: HostProfile): Record<string, string> {
  return { DOCKER_HOST: `unix://${profile.dockerSocket}` }
}

class SshHostSession extends EventEmitter<HostSessionEvents> implements HostSession {
  readonly dockerAgent: DockerTunnelAgent
  readonly ssh: SshConnection
  private dialStdio = false

  constructor(
    readonly profile: HostProfile,
    secrets: SshSecrets,
    options: Partial<SshConnectionOptions>,
  ) {
    super()
    this.ssh = new SshConnection(
      {
        host: profile.address,
        port: profile.port,
        username: profile.user,
        pinnedHostKey: profile.hostKey,
        ...(secrets.privateKey ? { privateKey: secrets.privateKey } : {}),
        ...(secrets.passphrase ? { passphrase: secrets.passphrase } : {}),
        ...(secrets.agent ? { agent: secrets.agent } : {}),
      },
      options,
    )
    this.ssh.on('state', (state, error) => this.emit('state', state, error))
    this.ssh.on('reconnected', () => this.emit('reconnected'))
    this.dockerAgent = new DockerTunnelAgent((opts) => this.openDockerStream(opts))
  }

  get state(): SshState {
    return this.ssh.state
  }

  exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    return this.ssh.exec(argv, { ...options, env: { ...dockerEnv(this.profile), ...options.env } })
  }

  close(): void {
    this.ssh.close()
    this.dockerAgent.close()
  }

  /**
   * Stream-local forwarding first (fast); where sshd forbids it, `docker system dial-stdio` over exec,
   * which needs the docker CLI on the host but no sshd setting.
   */
  private async openDockerStream(options: ExecOptions) {
    if (!this.dialStdio) {
      try {
        return await this.ssh.openUnixSocket(this.profile.dockerSocket, options)
      } catch (error) {
        if (!(error instanceof AppError && error.code === 'docker_unavailable') || !(await this.canDialStdio())) throw error
        this.dialStdio = true
      }
    }
    return this.ssh.openExecStream(['docker', 'system', 'dial-stdio'], { ...options, env: dockerEnv(this.profile) })
  }

  private async canDialStdio(): Promise<boolean> {
    const probe = await this.exec(['sh', '-c', 'test -S "$1" && test -r "$1" && test -w "$1" && command -v docker', 'sh', this.profile.dockerSocket], {
      timeoutMs: 10_000,
    })
    return probe.code === 0
  }
}

class LocalHostSession extends EventEmitter<HostSessionEvents> implements HostSession {
  readonly dockerAgent = null
  readonly ssh = null
  readonly state: SshState = 'connected'

  constructor(readonly profile: HostProfile) {
    super()
    // The local host's base directory is a folder of the app's own (defaultLocalBaseDir): nobody sets it up, so a
    // first shop on a fresh laptop would find no directory to be reserved in.
    mkdirSync(profile.baseDir, { recursive: true, mode: 0o750 })
  }

  exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    return execLocal(argv, { ...options, env: { ...dockerEnv(this.profile), ...options.env } })
  }

  close(): void {}
}

export function openHostSession(profile: HostProfile, secrets: SshSecrets = {}, options: Partial<SshConnectionOptions> = {}): HostSession {
  return profile.kind === 'local' ? new LocalHostSession(profile) : new SshHostSession(profile, secrets, options)
}
