// The store port: the host's files of a shop (its directory, shop.json, .env, failure.json, backups/) and the
// lock that keeps one change to a shop at a time. Reached over SSH (SFTP and commands) or on this machine.
import type { AppError } from '@shared/errors'
import type { BackupManifest } from '@shared/backups'
import type { ShopFailure, ShopParamValue } from '@shared/shops'
import type { ShopFile } from '../host/remote-files'
import type { HostCapacity } from '@shared/hosts'

export interface ShopMetadata {
  template: string
  description: string
  domain: string
  params: Record<string, ShopParamValue>
  image?: string
  createdBy: string
  createdAt: string
  clonedFrom?: string
  /** Set when the shop was made from a backup of `clonedFrom`: the backup's id. */
  fromBackup?: string
  editedBy?: string
  editedAt?: string
  /** The loopback port the shop's entry is published on, where no Traefik routes it (Local Docker): its address stays. */
  loopbackPort?: number
}

export interface ShopRecord {
  dir: string
  metadata: ShopMetadata
  /** Secret id → value, from the .env file. */
  secrets: Record<string, string>
  /** The rendered docker-compose.yml as it is on the host. */
  compose: string
}

export type { ShopFile } from '../host/remote-files'

/** A shop directory as listed: its metadata and failure record as far as they parse. */
export interface ShopDirectory {
  name: string
  metadata: Record<string, unknown> | null
  failure?: Record<string, unknown> | null
}

/** Which of its files a shop has: its compose file, only the record of a failed create, or nothing at all. */
export type ShopPresence = 'compose' | 'failure' | 'none'

export interface TransferProgress {
  done: number
  total: number
  file: string
}

export type { HostCapacity }

export interface ShopStore {
  readonly baseDir: string
  /** Free disk under the base directory and available memory, as the host's kernel says them now. */
  capacity(): Promise<HostCapacity>
  /** The shop's directory on the host. */
  dir(shop: string): string
  /** Creates the shop's directory, false when it exists: of two laptops creating one name, exactly one gets it. */
  reserve(shop: string): Promise<boolean>
  /** Removes a directory and all it holds (a shop's, or a backup's). */
  removeDir(dir: string): Promise<void>
  /** Writes files into `dir`; each appears whole or not at all. */
  writeFiles(dir: string, files: readonly ShopFile[]): Promise<void>
  makeDir(dir: string): Promise<void>
  /** Creates `dir` (its parent as needed), false when it exists: of two callers creating one folder, exactly one gets it. */
  makeNewDir(dir: string): Promise<boolean>
  /** Renames a directory into place; fails if the target exists. */
  rename(from: string, to: string): Promise<void>
  /** Metadata, secrets and compose file of a shop. */
  read(shop: string): Promise<ShopRecord>
  /** Every shop directory under the base directory; fails rather than answer with a partial list. */
  list(): Promise<ShopDirectory[]>
  presence(shop: string): Promise<ShopPresence>
  /** The generated secrets from the shop's `.env` (empty when it has none). */
  secrets(shop: string): Promise<Record<string, string>>
  /** Best effort: resolves to whether the record could be written (a full disk may refuse even that). */
  recordFailure(shop: string, where: Pick<ShopFailure, 'operation' | 'step'>, error: AppError): Promise<boolean>
  clearFailure(shop: string): Promise<void>
  /** The shop's complete backups, newest first. */
  backups(shop: string): Promise<BackupManifest[]>
  /**
   * Keeps the newest `keep` complete backups and every one in `spare`; a folder still being written (no manifest yet)
   * or uploaded (`.upload-*`) is left alone while anything in it changed in the last hours. Only while holding the
   * shop's lock (`withLock`), so it never runs beside another laptop's change to the shop.
   */
  pruneBackups(shop: string, keep: number, spare: readonly string[]): Promise<void>
  /**
   * Runs `run` holding the shop's lock on the host; `busy` when another laptop holds it, `not_found` when there is
   * no such shop. `run` learns whether the shop has its compose file or only the record of a create that failed.
   */
  withLock<T>(shop: string, owner: string, run: (presence: Exclude<ShopPresence, 'none'>) => Promise<T>): Promise<T>
  /** Copies a file of the host to this machine and back, with progress (backup download and upload). */
  download(remote: string, local: string, onProgress: (moved: number) => void): Promise<void>
  upload(local: string, remote: string, onProgress: (moved: number) => void): Promise<void>
}
