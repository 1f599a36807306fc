// Who may log in to a host, as the Team dialog asks: the keys in the login's authorized_keys, with this laptop's own
// key recognised, added and revoked on the host's live session.
import type { HostRole } from '@shared/hosts'
import type { ShopAuditEntry } from '@shared/gate-audit'
import type { TeamKey } from '@shared/team'
import type { HostProfiles } from '../host/host-profiles'
import type { SessionPool } from '../host/session-pool'
import { readShopAudit } from './shop-audit'
import { addTeamKey, listTeamKeys, ownFingerprint, revokeTeamKey, setTeamKeyRole } from './team-keys'

export class TeamService {
  constructor(
    private readonly sessions: SessionPool,
    private readonly profiles: HostProfiles,
  ) {}

  /** The fingerprint of the key this app logs in to the host with (null with an SSH agent). */
  async ownKeyFingerprint(hostId: string): Promise<string | null> {
    const secrets = await this.profiles.secrets(this.profiles.get(hostId))
    return ownFingerprint(secrets.privateKey ?? null, secrets.passphrase)
  }

  async list(hostId: string): Promise<TeamKey[]> {
    return listTeamKeys(await this.sessions.session(hostId), await this.ownKeyFingerprint(hostId))
  }

  async add(hostId: string, publicKey: string, role: HostRole): Promise<null> {
    await addTeamKey(await this.sessions.session(hostId), publicKey, role)
    return null
  }

  async setRole(hostId: string, fingerprint: string, role: HostRole): Promise<{ endedSessions: number }> {
    return setTeamKeyRole(await this.sessions.session(hostId), fingerprint, role, await this.ownKeyFingerprint(hostId))
  }

  /** The gate's audit lines for one shop: who asked what, when, and how it ended. */
  async audit(hostId: string, shop: string): Promise<ShopAuditEntry[]> {
    return readShopAudit(await this.sessions.session(hostId), shop)
  }

  async revoke(hostId: string, fingerprint: string, confirmOwn: boolean): Promise<{ endedSessions: number }> {
    return revokeTeamKey(await this.sessions.session(hostId), fingerprint, await this.ownKeyFingerprint(hostId), confirmOwn)
  }
}
