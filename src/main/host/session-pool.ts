// The live session of every host: opened on first use and shared by every feature, reporting its connection state;
// dropped when its profile changes so the next use starts clean.
import type { HostProfile } from '@shared/hosts'
import type { ConnectionRegistry } from '../connection/connection-registry'
import type { HostProfiles } from './host-profiles'
import { openHostSession, type HostSession } from './host-session'
import type { SshConnectionOptions, SshState } from './ssh-types'

const stateNames: Record<SshState, 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'offline' | 'error'> = {
  idle: 'idle',
  connecting: 'connecting',
  connected: 'connected',
  reconnecting: 'reconnecting',
  failed: 'error',
  closed: 'idle',
}

export class SessionPool {
  /** The session being opened or open, per host: two callers at once share one (and one SSH connection). */
  private readonly live = new Map<string, Promise<HostSession>>()
  private readonly dropListeners = new Set<(hostId: string) => void>()

  constructor(
    private readonly profiles: HostProfiles,
    private readonly connections: ConnectionRegistry,
    private readonly sshOptions: Partial<SshConnectionOptions> = {},
  ) {}

  list(): HostProfile[] {
    return this.profiles.list()
  }

  profile(hostId: string): HostProfile {
    return this.profiles.get(hostId)
  }

  /** The session for a host, opened on first use and shared by every feature afterwards. */
  session(hostId: string): Promise<HostSession> {
    let session = this.live.get(hostId)
    if (!session) {
      session = this.open(hostId)
      this.live.set(hostId, session)
      // A profile or keychain that failed leaves nothing behind: the next call tries again.
      session.catch(() => {
        if (this.live.get(hostId) === session) this.live.delete(hostId)
      })
    }
    return session
  }

  /** Closes the host's session (its open channels may finish); the next use opens a new one. */
  drop(hostId: string): void {
    const session = this.live.get(hostId)
    if (!session) return
    this.live.delete(hostId)
    void session.then(
      (s) => s.close(),
      () => undefined,
    )
    for (const listener of this.dropListeners) listener(hostId)
  }

  onDrop(listener: (hostId: string) => void): () => void {
    this.dropListeners.add(listener)
    return () => void this.dropListeners.delete(listener)
  }

  closeAll(): void {
    for (const id of [...this.live.keys()]) this.drop(id)
  }

  private async open(hostId: string): Promise<HostSession> {
    const profile = this.profiles.get(hostId)
    const secrets = await this.profiles.secrets(profile)
    const session = openHostSession(profile, secrets, this.sshOptions)
    session.on('state', (state, error) => {
      this.connections.set(hostId, error && state === 'reconnecting' ? 'offline' : stateNames[state], error?.message)
    })
    if (profile.kind === 'local') this.connections.set(hostId, 'connected')
    return session
  }
}
