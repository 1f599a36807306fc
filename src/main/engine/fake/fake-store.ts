// A host's shop directory in memory for unit tests: files in a map, reads and listings parsed as the host store
// parses them, a reserve that only one caller wins, failure records and backups with manifests, a lock that really
// serialises (and can be held by "another laptop"), and a full disk on request.
import { readFile, writeFile } from 'node:fs/promises'
import { posix } from 'node:path'
import type { BackupManifest } from '@shared/backups'
import { AppError } from '@shared/errors'
import type { ShopFailure } from '@shared/shops'
import { shopNameProblem } from '@shared/shop-rules'
import { BACKUP_MANIFEST, BACKUPS_DIR, COMPOSE_FILE, ENV_FILE, FAILURE_FILE, METADATA_FILE, parseEnvFile, shopDirectory } from '../host-layout'
import type { HostCapacity, ShopDirectory, ShopFile, ShopPresence, ShopRecord, ShopStore } from '../shop-store'
import { parseJsonObject, shopRecordFrom } from '../shop-record-file'
import { FaultPoints } from './fault-points'

export type StorePoint = Exclude<keyof ShopStore, 'baseDir' | 'dir'>

/** A half-written backup younger than this may be another laptop's work in progress (as on the host). */
const HALF_WRITTEN_GRACE_MS = 6 * 60 * 60_000

export class FakeStore implements ShopStore {
  readonly faults = new FaultPoints<StorePoint>()
  /** Every file on the "host", by absolute path. */
  readonly files = new Map<string, { content: string; mode: number }>()
  /** Every directory, with the time it was made on the store's clock. */
  readonly dirs = new Map<string, number>()
  /** Every file written, by absolute path, in order (a record written twice shows twice). */
  readonly written: string[] = []
  /** While true, every write fails as a full disk does, and nothing is written. */
  diskFull = false
  /** What capacity() answers. */
  room: HostCapacity = { diskFreeBytes: 50 * 2 ** 30, memoryAvailableBytes: 8 * 2 ** 30, load1: 0.5, cpus: 4 }
  private readonly held = new Map<string, string>()
  private readonly elsewhere = new Map<string, string>()
  private readonly queues = new Map<string, Promise<unknown>>()

  constructor(
    readonly baseDir = '/srv/shops',
    private readonly now: () => number = () => Date.now(),
  ) {
    this.dirs.set(baseDir, now())
  }

  dir(shop: string): string {
    return shopDirectory(this.baseDir, shop)
  }

  /** A file's content, or undefined. */
  fileAt(path: string): string | undefined {
    return this.files.get(path)?.content
  }

  exists(path: string): boolean {
    return this.dirs.has(path) || this.files.has(path)
  }

  /** Paths below `dir` (files and directories), relative to it, sorted. */
  entriesIn(dir: string): string[] {
    const prefix = `${dir}/`
    return [...this.dirs.keys(), ...this.files.keys()]
      .filter((p) => p.startsWith(prefix))
      .map((p) => p.slice(prefix.length))
      .sort()
  }

  /** Who holds the shop's lock: an operation of this laptop, another laptop, or nobody. */
  lockHolder(shop: string): string | undefined {
    return this.held.get(shop) ?? this.elsewhere.get(shop)
  }

  /** Another laptop takes the shop's lock (until `releaseElsewhere`): every withLock on it fails `busy`. */
  holdElsewhere(shop: string, holder: string): void {
    this.elsewhere.set(shop, holder)
  }

  releaseElsewhere(shop: string): void {
    this.elsewhere.delete(shop)
  }

  async reserve(shop: string): Promise<boolean> {
    await this.faults.pass('reserve')
    const dir = this.dir(shop)
    if (this.exists(dir)) return false
    this.dirs.set(dir, this.now())
    return true
  }

  async removeDir(dir: string): Promise<void> {
    await this.faults.pass('removeDir')
    const prefix = `${dir}/`
    for (const map of [this.files, this.dirs] as Array<Map<string, unknown>>) {
      for (const path of [...map.keys()]) if (path === dir || path.startsWith(prefix)) map.delete(path)
    }
  }

  async writeFiles(dir: string, files: readonly ShopFile[]): Promise<void> {
    await this.faults.pass('writeFiles')
    if (this.diskFull) {
      throw new AppError('disk_full', `The disk that holds ${dir} on the host is full (0 KiB free); nothing was written.`, {
        say: { key: 'diskFull', values: { dir, free: 0 } },
      })
    }
    for (const file of files) {
      const path = posix.join(dir, file.path)
      this.makeDirs(posix.dirname(path))
      this.files.set(path, { content: file.content, mode: file.mode })
      this.written.push(path)
    }
  }

  async makeDir(dir: string): Promise<void> {
    await this.faults.pass('makeDir')
    if (this.diskFull) throw new AppError('internal', `Could not create ${dir}: mkdir: cannot create directory '${dir}': No space left on device`)
    this.makeDirs(dir)
  }

  async makeNewDir(dir: string): Promise<boolean> {
    await this.faults.pass('makeNewDir')
    if (this.diskFull) throw new AppError('internal', `Could not create ${dir}: mkdir: cannot create directory '${dir}': No space left on device`)
    if (this.exists(dir)) return false
    this.makeDirs(dir)
    return true
  }

  async rename(from: string, to: string): Promise<void> {
    await this.faults.pass('rename')
    if (!this.exists(from) || this.exists(to))
      throw new AppError('internal', `Could not move ${from} to ${to}: ${this.exists(to) ? 'Directory not empty' : 'No such file or directory'}`)
    const prefix = `${from}/`
    for (const map of [this.files, this.dirs] as Array<Map<string, unknown>>) {
      for (const [path, value] of [...map]) {
        if (path !== from && !path.startsWith(prefix)) continue
        map.delete(path)
        map.set(to + path.slice(from.length), value)
      }
    }
  }

  async read(shop: string): Promise<ShopRecord> {
    await this.faults.pass('read')
    const dir = this.dir(shop)
    const [json, env, compose] = [METADATA_FILE, ENV_FILE, COMPOSE_FILE].map((f) => this.fileAt(posix.join(dir, f)))
    if (json === undefined || env === undefined || compose === undefined) {
      throw new AppError('not_found', `The shop "${shop}" has no complete record on this host (No such file or directory).`, {
        say: { key: 'noRecord', values: { shop } },
      })
    }
    return shopRecordFrom(dir, { metadata: json, env, compose })
  }

  async list(): Promise<ShopDirectory[]> {
    await this.faults.pass('list')
    return [...this.dirs.keys()]
      .filter((path) => posix.dirname(path) === this.baseDir && path !== this.baseDir)
      .map((path) => posix.basename(path))
      .filter((name) => shopNameProblem(name) !== 'reserved' && this.presenceOf(name) !== 'none')
      .sort()
      .map((name) => ({
        name,
        metadata: parseJsonObject(this.fileAt(posix.join(this.dir(name), METADATA_FILE))),
        failure: parseJsonObject(this.fileAt(posix.join(this.dir(name), FAILURE_FILE))),
      }))
  }

  async capacity(): Promise<HostCapacity> {
    await this.faults.pass('capacity')
    return { ...this.room, diskFreeBytes: this.diskFull ? 0 : this.room.diskFreeBytes }
  }

  async presence(shop: string): Promise<ShopPresence> {
    await this.faults.pass('presence')
    return this.presenceOf(shop)
  }

  async secrets(shop: string): Promise<Record<string, string>> {
    await this.faults.pass('secrets')
    const env = this.fileAt(posix.join(this.dir(shop), ENV_FILE))
    return env === undefined ? {} : parseEnvFile(env).secrets
  }

  /** Best effort, as on the host: a second failure must not hide the first. */
  async recordFailure(shop: string, where: Pick<ShopFailure, 'operation' | 'step'>, error: AppError): Promise<boolean> {
    const failure: ShopFailure = { ...where, message: error.message, ...(error.say ? { say: error.say } : {}), at: new Date(this.now()).toISOString() }
    return this.faults
      .pass('recordFailure')
      .then(() => this.writeFiles(this.dir(shop), [{ path: FAILURE_FILE, content: `${JSON.stringify(failure, null, 2)}\n`, mode: 0o644 }]))
      .then(
        () => true,
        () => false,
      )
  }

  /** The failure record of a shop as written, or null. */
  failureOf(shop: string): ShopFailure | null {
    return parseJsonObject(this.fileAt(posix.join(this.dir(shop), FAILURE_FILE))) as ShopFailure | null
  }

  async clearFailure(shop: string): Promise<void> {
    await this.faults.pass('clearFailure').catch(() => undefined)
    this.files.delete(posix.join(this.dir(shop), FAILURE_FILE))
  }

  async backups(shop: string): Promise<BackupManifest[]> {
    await this.faults.pass('backups')
    return this.backupIds(shop)
      .flatMap((id) => {
        const manifest = parseJsonObject(this.fileAt(posix.join(this.dir(shop), BACKUPS_DIR, id, BACKUP_MANIFEST)))
        return manifest ? [manifest as unknown as BackupManifest] : []
      })
      .sort((a, b) => b.id.localeCompare(a.id))
  }

  async pruneBackups(shop: string, keep: number, spare: readonly string[]): Promise<void> {
    await this.faults.pass('pruneBackups')
    // As on the host: only under the shop's lock (here: this laptop's, since another laptop's would have refused it).
    if (!this.held.has(shop)) throw new AppError('internal', `The old backups of ${shop} could not be pruned: no one holds the shop's lock`)
    const root = posix.join(this.dir(shop), BACKUPS_DIR)
    const idle = (dir: string): boolean => this.now() - (this.dirs.get(dir) ?? 0) > HALF_WRITTEN_GRACE_MS
    for (const name of this.folders(root).filter((n) => n.startsWith('.upload-'))) {
      if (idle(posix.join(root, name))) await this.removeDir(posix.join(root, name))
    }
    // As the port says: the newest `keep` complete backups stay, a spared one among them; a spared one never goes.
    let kept = 0
    for (const id of this.backupIds(shop).sort().reverse()) {
      const dir = posix.join(root, id)
      const complete = this.files.has(posix.join(dir, BACKUP_MANIFEST))
      if (complete && (kept < Math.max(1, keep) || spare.includes(id))) kept++
      else if (spare.includes(id)) continue
      else if (complete || idle(dir)) await this.removeDir(dir)
    }
  }

  /** Queued on this laptop; `busy` while another laptop holds it; `not_found` without the shop. */
  withLock<T>(shop: string, owner: string, run: (presence: Exclude<ShopPresence, 'none'>) => Promise<T>): Promise<T> {
    const previous = this.queues.get(shop) ?? Promise.resolve()
    const next = previous
      .catch(() => undefined)
      .then(async () => {
        await this.faults.pass('withLock')
        const presence = this.presenceOf(shop)
        if (presence === 'none') throw new AppError('not_found', `There is no shop "${shop}" on this host.`, { say: { key: 'noShop', values: { shop } } })
        const other = this.elsewhere.get(shop)
        if (other)
          throw new AppError('busy', `${other} is running another action on this shop right now. Try again in a moment.`, {
            say: { key: 'busy', values: { owner: other } },
          })
        this.held.set(shop, owner)
        try {
          return await run(presence)
        } finally {
          this.held.delete(shop)
        }
      })
    this.queues.set(shop, next)
    void next
      .finally(() => {
        if (this.queues.get(shop) === next) this.queues.delete(shop)
      })
      .catch(() => undefined)
    return next
  }

  /** Copies a host file to this machine's disk. */
  async download(remote: string, local: string, onProgress: (moved: number) => void): Promise<void> {
    await this.faults.pass('download')
    const content = this.fileAt(remote)
    if (content === undefined) throw new AppError('not_found', `${remote}: No such file`)
    await writeFile(local, content)
    onProgress(Buffer.byteLength(content))
  }

  /** Copies a file of this machine's disk to the host. */
  async upload(local: string, remote: string, onProgress: (moved: number) => void): Promise<void> {
    await this.faults.pass('upload')
    const content = await readFile(local, 'utf8')
    await this.writeFiles(posix.dirname(remote), [{ path: posix.basename(remote), content, mode: 0o644 }])
    onProgress(Buffer.byteLength(content))
  }

  private presenceOf(shop: string): ShopPresence {
    const dir = this.dir(shop)
    if (this.files.has(posix.join(dir, COMPOSE_FILE))) return 'compose'
    return this.files.has(posix.join(dir, FAILURE_FILE)) ? 'failure' : 'none'
  }

  /** The backup folders as the host lists them: not the hidden uploads (`.upload-*`). */
  private backupIds(shop: string): string[] {
    return this.folders(posix.join(this.dir(shop), BACKUPS_DIR)).filter((name) => !name.startsWith('.'))
  }

  private folders(root: string): string[] {
    return [...this.dirs.keys()].filter((p) => posix.dirname(p) === root).map((p) => posix.basename(p))
  }

  private makeDirs(dir: string): void {
    for (let at = dir; at !== '/' && at !== '.' && !this.dirs.has(at); at = posix.dirname(at)) this.dirs.set(at, this.now())
  }
}
