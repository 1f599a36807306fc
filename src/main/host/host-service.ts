// The hosts the app knows and their live sessions: connects on demand, reports connection state, probes,
// and keeps one shop-overview watcher per host.
import { AppError } from '@shared/errors'
import type { HostProfile, ProbeResult } from '@shared/hosts'
import type { ShopOverview } from '@shared/shops'
import type { ConnectionRegistry } from '../connection/connection-registry'
import type { EventBus } from '../events'
import { OverviewCache } from '../shops/overview-cache'
import { ShopOverviewWatcher } from '../shops/shop-overview'
import { ownFingerprint } from '../team/team-keys'
import type { HostProfiles } from './host-profiles'
import { openHostSession, type HostSession } from './host-session'
import { probeHost } from './probe'
import type { SshConnectionOptions, SshState } from './ssh-connection'

interface Live {
  session: HostSession
  watcher: ShopOverviewWatcher | null
}

const stateNames: Record<SshState, 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'offline' | 'error'> = {
  idle: 'idle',
  connecting: 'connecting',
  connected: 'connected',
  reconnecting: 'reconnecting',
  failed: 'error',
  closed: 'idle',
}

export class HostService {
  private readonly live = new Map<string, Live>()

  constructor(
    private readonly profiles: HostProfiles,
    private readonly connections: ConnectionRegistry,
    private readonly events: EventBus,
    private readonly cache: OverviewCache,
    private readonly sshOptions: Partial<SshConnectionOptions> = {},
  ) {}

  list(): HostProfile[] {
    return this.profiles.list()
  }

  /** The session for a host, opened on first use and shared by every feature afterwards. */
  async session(hostId: string): Promise<HostSession> {
    const existing = this.live.get(hostId)
    if (existing) return existing.session
    const profile = this.profiles.get(hostId)
    const secrets = await this.profiles.secrets(profile)
    const session = openHostSession(profile, secrets, this.sshOptions)
    session.on('state', (state, error) => {
      this.connections.set(hostId, error && state === 'reconnecting' ? 'offline' : stateNames[state], error?.message)
    })
    this.live.set(hostId, { session, watcher: null })
    if (profile.kind === 'local') this.connections.set(hostId, 'connected')
    return session
  }

  /** The fingerprint of the key this app logs in to the host with (null with an SSH agent). */
  async ownKeyFingerprint(hostId: string): Promise<string | null> {
    const secrets = await this.profiles.secrets(this.profiles.get(hostId))
    return ownFingerprint(secrets.privateKey ?? null, secrets.passphrase)
  }

  /** Connects (first time: the user must confirm the host key) and checks what shops need. */
  async test(hostId: string): Promise<ProbeResult> {
    const session = await this.session(hostId)
    try {
      if (session.ssh) await session.ssh.connect()
      return await probeHost(session)
    } catch (error) {
      // A host whose key is not trusted keeps no session: the next attempt starts clean with the new pin.
      if (error instanceof AppError && ['host_key_unknown', 'host_key_changed', 'auth_failed', 'passphrase_wrong', 'passphrase_required', 'key_invalid'].includes(error.code)) {
        this.drop(hostId)
      }
      throw error
    }
  }

  async save(input: Parameters<HostProfiles['save']>[0]): Promise<HostProfile> {
    const profile = await this.profiles.save(input)
    // A new key or address takes effect on a fresh session.
    this.drop(profile.id)
    return profile
  }

  trust(hostId: string, fingerprint: string): HostProfile {
    const profile = this.profiles.trustHostKey(hostId, fingerprint)
    this.drop(hostId)
    return profile
  }

  async remove(hostId: string): Promise<void> {
    this.drop(hostId)
    await this.profiles.remove(hostId)
    this.connections.forget(hostId)
  }

  /** The host's shops: the cached list at once, then live; every change is pushed as `shops:overview`. */
  async overview(hostId: string): Promise<ShopOverview> {
    const live = this.live.get(hostId)
    if (live?.watcher) return live.watcher.current
    const session = await this.session(hostId)
    const watcher = new ShopOverviewWatcher(session, this.cache, (overview) => this.events.emit('shops:overview', overview))
    this.live.get(hostId)!.watcher = watcher
    return watcher.start()
  }

  async refresh(hostId: string): Promise<ShopOverview> {
    const live = this.live.get(hostId)
    if (!live?.watcher) return this.overview(hostId)
    return live.watcher.refresh()
  }

  closeAll(): void {
    for (const id of [...this.live.keys()]) this.drop(id)
  }

  private drop(hostId: string): void {
    const live = this.live.get(hostId)
    if (!live) return
    live.watcher?.stop()
    live.session.close()
    this.live.delete(hostId)
  }
}
