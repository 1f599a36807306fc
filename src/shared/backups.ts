// Backups of a shop's volumes on its host: <base>/<shop>/backups/<id>/ with one tar per volume and a manifest.
export const backupSteps = ['validate', 'pause', 'archive', 'resume', 'manifest', 'done'] as const
export type BackupStep = (typeof backupSteps)[number]
export const restoreSteps = ['validate', 'verify', 'stop', 'restore', 'start', 'health', 'done'] as const
export type RestoreStep = (typeof restoreSteps)[number]

export interface BackupVolume {
  /** The volume's key in the compose file (e.g. `data`). */
  key: string
  volume: string
  file: string
  bytes: number
  sha512: string
}

export interface BackupManifest {
  /** The backup's folder name: its UTC time, e.g. 2026-11-22T23-15-00Z. */
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
