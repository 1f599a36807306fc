// Host-key fingerprints as OpenSSH prints them ("SHA256:<base64 without padding>"), and the pinning decision.
import { createHash } from 'node:crypto'

export function sha256Fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`
}

export type HostKeyVerdict = { kind: 'trusted' } | { kind: 'unknown'; fingerprint: string } | { kind: 'changed'; fingerprint: string; pinned: string }

/** A host key is trusted only if it matches the pinned one; an unpinned host must be confirmed by the user. */
export function judgeHostKey(key: Buffer, pinned: string | null): HostKeyVerdict {
  const fingerprint = sha256Fingerprint(key)
  if (pinned === null) return { kind: 'unknown', fingerprint }
  return fingerprint === pinned ? { kind: 'trusted' } : { kind: 'changed', fingerprint, pinned }
}
