// The host profiles the app knows, as the Hosts page changes them: a changed key, address or trusted host key takes
// effect on a fresh session; a removed host leaves no session and no connection state behind. A connection file
// carries a profile (without secrets) from an admin's laptop to a salesperson's.
import { connectionExport, hostInputOf, parseConnectionFile, sameLogin, type ConnectionExport } from '@shared/connection-file'
import { AppError } from '@shared/errors'
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

  exportConnection(hostId: string): ConnectionExport {
    return connectionExport(this.profiles.get(hostId))
  }

  /** A new sales profile that logs in with this installation's identity, its host key pinned from the file. */
  async importConnection(text: string): Promise<HostProfile> {
    const file = parseConnectionFile(text)
    const existing = this.profiles.list().find((p) => p.kind === 'ssh' && sameLogin(p, file))
    // One value for the login: "@" in a locale text would start a vue-i18n link.
    const login = `${file.user}@${file.address}:${file.port}`
    if (existing)
      throw new AppError('invalid_input', `There is a host profile for ${login} already ("${existing.name}").`, {
        say: { key: 'hostExists', values: { name: existing.name, login } },
      })
    const saved = await this.profiles.save(hostInputOf(file))
    return this.trust(saved.id, file.hostKey)
  }

  async remove(hostId: string): Promise<void> {
    this.pool.drop(hostId)
    await this.profiles.remove(hostId)
    this.connections.forget(hostId)
  }
}
