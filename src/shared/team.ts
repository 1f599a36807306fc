// Team access: the people whose keys may log in to a host, read from the login user's authorized_keys.
import type { HostRole } from './hosts'

export interface TeamKey {
  /** SHA256 fingerprint, as ssh-keygen -l shows it. */
  fingerprint: string
  type: string
  comment: string
  /** From a Shop-Manager comment ("Anna Schmidt [sales] shop-manager"); null for other keys. */
  person: string | null
  role: HostRole | null
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
