// The host profiles the app knows, as the Hosts page changes them: a changed key, address or trusted host key takes
// effect on a fresh session; a removed host leaves no session and no connection state behind.
import type { HostProfile } from '@shared/hosts'
import type { ConnectionRegistry } from '../connection/connection-registry'
import type { HostProfiles } from './host-profiles'
import type { SessionPool } from './session-pool'

export class HostService {
  constructor(
    private readonly profiles: HostProfiles,
    private readonly pool: SessionPool,
    private readonly connections: ConnectionRegistry,
  ) {}

  list(): HostProfile[] {
    return this.profiles.list()
  }

  async save(input: Parameters<HostProfiles['save']>[0]): Promise<HostProfile> {
    const profile = await this.profiles.save(input)
    this.pool.drop(profile.id)
    return profile
  }

  trust(hostId: string, fingerprint: string): HostProfile {
    const profile = this.profiles.trustHostKey(hostId, fingerprint)
    this.pool.drop(hostId)
    return profile
  }

  async remove(hostId: string): Promise<void> {
    this.pool.drop(hostId)
    await this.profiles.remove(hostId)
    this.connections.forget(hostId)
  }
}
