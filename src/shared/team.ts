// Team access: the people whose keys may log in to a host, read from the login user's authorized_keys.
import type { HostRole } from './hosts'

/** A key's role as the host's authorized_keys gives it; `other`: a forced command that is not the gate's. */
export const teamRoles = ['sales', 'admin', 'other'] as const
export type TeamRole = (typeof teamRoles)[number]

export interface TeamKey {
  /** SHA256 fingerprint, as ssh-keygen -l shows it. */
  fingerprint: string
  type: string
  comment: string
  /** From a Shop-Manager comment ("Anna Schmidt [sales] shop-manager"); null for other keys. */
  person: string | null
  /** What sshd lets this key do, read from the line's options (not from the comment's label). */
  role: TeamRole
  /** The key this app logs in with to this host: revoking it needs an explicit confirmation. */
  own: boolean
}

export interface Identity {
  person: string
  role: HostRole
  /** The OpenSSH public key line to hand to an admin. */
  publicKey: string
  fingerprint: string
}
