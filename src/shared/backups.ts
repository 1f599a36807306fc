// Backups of a shop's volumes on its host: <base>/<shop>/backups/<id>/ with the archives of each volume and a manifest.
export const backupSteps = ['validate', 'archive', 'pause', 'changes', 'resume', 'manifest', 'done'] as const
export type BackupStep = (typeof backupSteps)[number]
/** Restore: unpacked (and checked) into new volumes while the shop runs on, switched, and undone unless healthy. */
export const restoreSteps = ['validate', 'restore', 'start', 'health', 'putBack', 'cleanup', 'done'] as const
export type RestoreStep = (typeof restoreSteps)[number]

/**
 * One archive file of a backup with its size and checksum, computed while it was written: the POSIX CRC-32 of
 * `cksum` (decimal, as cksum prints it); backups made before carry a BLAKE2b-512 or a sha512 (hex).
 */
export interface BackupArchive {
  file: string
  bytes: number
  crc?: string
  blake2b?: string
  sha512?: string
}

/** The coreutils programs that compute the checksums, each printing the sum as its first field. */
export type ChecksumTool = 'cksum' | 'b2sum' | 'sha512sum'

/** The checksum of an archive and the coreutils program that computes it. */
export function archiveChecksum(archive: BackupArchive): { tool: ChecksumTool; sum: string } {
  if (archive.crc) return { tool: 'cksum', sum: archive.crc }
  if (archive.blake2b) return { tool: 'b2sum', sum: archive.blake2b }
  return { tool: 'sha512sum', sum: archive.sha512 ?? '' }
}

export interface BackupVolume extends BackupArchive {
  /** The volume's key in the compose file (e.g. `data`). */
  key: string
  volume: string
  /**
   * GNU tar's incremental archive of what changed in the volume while `file` was written (the shop ran on), taken
   * during the pause; unpacked after `file`. Backups made before the pause was this short have none.
   */
  changes?: BackupArchive
}

export interface BackupManifest {
  /** The backup's folder name: its UTC time to the millisecond and a random part, e.g. 2026-11-22T23-15-00-123Z-3f9a (older: 2026-11-22T23-15-00Z). */
  id: string
  shop: string
  template: string
  domain: string
  createdAt: string
  createdBy: string
  volumes: BackupVolume[]
  /** Service → image the shop ran when backed up. */
  images: Record<string, string>
}

/** A volume's archives in the order they are unpacked. */
export function volumeArchives(volume: BackupVolume): BackupArchive[] {
  return volume.changes ? [volume, volume.changes] : [volume]
}

/** Every archive file of a backup. */
export function backupArchives(manifest: Pick<BackupManifest, 'volumes'>): BackupArchive[] {
  return manifest.volumes.flatMap(volumeArchives)
}
