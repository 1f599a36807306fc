// The shop store on a host: the shop directories under the base directory, read with one command each and written
// over SFTP (or this machine's file system for the local host), and the per-shop lock on the host's clock.
import { posix } from 'node:path'
import type { BackupManifest } from '@shared/backups'
import { AppError } from '@shared/errors'
import type { ShopFailure } from '@shared/shops'
import { shopNameProblem } from '@shared/shop-rules'
import type { HostSession } from '../../host/host-session'
import { withHostLock } from '../../locks/host-lock'
import { BACKUP_MANIFEST, BACKUPS_DIR, COMPOSE_FILE, ENV_FILE, FAILURE_FILE, LOCK_DIR, METADATA_FILE, parseEnvFile, shopDirectory } from '../host-layout'
import type { HostCapacity, ShopDirectory, ShopFile, ShopPresence, ShopRecord, ShopStore } from '../shop-store'
import { parseJsonObject, shopRecordFrom } from '../shop-record-file'
import { reserveDirectory, sftpCall, writeShopFiles } from '../../host/remote-files'
import { serialise } from './serialise'

/** A lock older than this (on the host's clock) was left by a laptop that crashed or lost its connection. */
const STALE_LOCK_SECONDS = 15 * 60

/** A backup folder without a manifest, or an upload, untouched this long was left by a laptop that stopped half-way. */
const HALF_WRITTEN_GRACE_MINUTES = 6 * 60

/** Printed after the last shop: a listing without it was cut short and is not taken for the whole list. */
const LIST_END = '#shopmanager-list-end'

/**
 * One command lists every shop directory with its metadata and failure record, so a refresh costs the same
 * for 1 or 100 shops. Only shell builtins run per shop (no process per file). A directory is a shop when it
 * holds a compose file, or the record of a create that failed before writing one. Exit 3: no base directory.
 */
const LIST_SHOP_DIRS = `cd "$1" 2>/dev/null || { [ -e "$1" ] && exit 4; exit 3; }
slurp() { [ -f "$1" ] || return 0; while IFS= read -r l || [ -n "$l" ]; do printf '%s ' "$l"; done < "$1"; }
for d in */; do
  [ -d "$d" ] || continue
  d=\${d%/}
  [ -f "$d/${COMPOSE_FILE}" ] || [ -f "$d/compose.yaml" ] || [ -f "$d/${FAILURE_FILE}" ] || continue
  printf '%s\\t' "$d"; slurp "$d/${METADATA_FILE}"; printf '\\t'; slurp "$d/${FAILURE_FILE}"; printf '\\n'
done
echo '${LIST_END}'`

/** The listing's lines as shop directories; throws when the listing did not end as the script ends it. */
export function parseShopListing(stdout: string): ShopDirectory[] {
  const lines = stdout.split('\n')
  if (!lines.includes(LIST_END)) {
    throw new AppError('connection_lost', 'The list of shops on the host was cut short; the last known list stays.', { say: { key: 'listCut' } })
  }
  return (
    lines
      .filter((line) => line.includes('\t'))
      // The host's own stacks (traefik) live beside the shops under reserved names.
      .filter((line) => shopNameProblem(line.slice(0, line.indexOf('\t'))) !== 'reserved')
      .map((line) => {
        const [name = '', json = '', failure = ''] = line.split('\t', 3)
        return { name, metadata: parseJsonObject(json), failure: parseJsonObject(failure) }
      })
  )
}

export class HostStore implements ShopStore {
  constructor(private readonly session: HostSession) {}

  get baseDir(): string {
    return this.session.profile.baseDir
  }

  dir(shop: string): string {
    return shopDirectory(this.baseDir, shop)
  }

  reserve(shop: string): Promise<boolean> {
    return reserveDirectory(this.session, this.dir(shop))
  }

  async removeDir(dir: string): Promise<void> {
    const removed = await this.session.exec(['rm', '-rf', '--', dir], { timeoutMs: 60_000 })
    if (removed.code !== 0) throw new AppError('internal', `${dir} could not be removed: ${removed.stderr.trim()}`)
  }

  async makeDir(dir: string): Promise<void> {
    const made = await this.session.exec(['mkdir', '-p', '--', dir], { timeoutMs: 10_000 })
    if (made.code !== 0) throw new AppError('internal', `Could not create ${dir}: ${made.stderr.trim()}`)
  }

  async makeNewDir(dir: string): Promise<boolean> {
    // mkdir without -p fails on a folder that is there: whether it was, the exit status says, in any language.
    const made = await this.session.exec(
      ['sh', '-c', 'mkdir -p -- "$2" || exit 3; mkdir -- "$1" && exit 0; [ -d "$1" ] && exit 5; exit 4', 'sh', dir, posix.dirname(dir)],
      {
        timeoutMs: 10_000,
      },
    )
    if (made.code === 0) return true
    if (made.code === 5) return false
    throw new AppError('internal', `Could not create ${dir}: ${made.stderr.trim() || `exit ${made.code}`}`)
  }

  async rename(from: string, to: string): Promise<void> {
    const moved = await this.session.exec(['mv', '-T', '--', from, to], { timeoutMs: 10_000 })
    if (moved.code !== 0) throw new AppError('internal', `Could not move ${from} to ${to}: ${moved.stderr.trim()}`)
  }

  writeFiles(dir: string, files: readonly ShopFile[]): Promise<void> {
    return writeShopFiles(this.session, dir, files)
  }

  async read(shop: string): Promise<ShopRecord> {
    const dir = this.dir(shop)
    const result = await this.session.exec(
      ['sh', '-c', `cat -- "$1/${METADATA_FILE}" && printf "\\036" && cat -- "$1/${ENV_FILE}" && printf "\\036" && cat -- "$1/${COMPOSE_FILE}"`, 'sh', dir],
      { timeoutMs: 15_000 },
    )
    if (result.code !== 0) {
      throw new AppError('not_found', `The shop "${shop}" has no complete record on this host (${result.stderr.trim() || `exit ${result.code}`}).`, {
        say: { key: 'noRecord', values: { shop } },
      })
    }
    const [json = '', env = '', compose = ''] = result.stdout.split('\u001e')
    return shopRecordFrom(dir, { metadata: json, env, compose })
  }

  async list(): Promise<ShopDirectory[]> {
    const result = await this.session.exec(['sh', '-c', LIST_SHOP_DIRS, 'sh', this.baseDir], { timeoutMs: 15_000 })
    if (result.code === 3) return []
    if (result.code !== 0) {
      throw new AppError('internal', `The shop directories in ${this.baseDir} could not be read (exit ${result.code}): ${result.stderr.trim()}`, {
        say: { key: 'listFailed', values: { dir: this.baseDir } },
      })
    }
    return parseShopListing(result.stdout)
  }

  async capacity(): Promise<HostCapacity> {
    // POSIX df in 1024-byte blocks (the 4th field: available), the kernel's own estimate of usable memory, the load.
    const read = await this.session.exec(
      ['sh', '-c', 'df -Pk -- "$1" | tail -n 1; grep MemAvailable /proc/meminfo; cat /proc/loadavg; nproc', 'sh', this.baseDir],
      { timeoutMs: 10_000 },
    )
    const [df = '', mem = '', loadavg = '', nproc = ''] = read.stdout.trim().split('\n')
    const facts = {
      diskFreeBytes: Number(df.trim().split(/\s+/)[3]) * 1024,
      memoryAvailableBytes: Number(/MemAvailable:\s+(\d+)\s+kB/.exec(mem)?.[1]) * 1024,
      load1: Number(loadavg.split(' ')[0]),
      cpus: Number(nproc.trim()),
    }
    if (read.code !== 0 || !Object.values(facts).every(Number.isFinite))
      throw new AppError('internal', `Could not read the host's free disk, memory and load (exit ${read.code}): ${read.stderr.trim() || read.stdout.trim()}`)
    return facts
  }

  async presence(shop: string): Promise<ShopPresence> {
    const dir = this.dir(shop)
    const found = await this.session.exec(
      ['sh', '-c', `if [ -f "$1/${COMPOSE_FILE}" ]; then echo compose; elif [ -f "$1/${FAILURE_FILE}" ]; then echo failure; else echo none; fi`, 'sh', dir],
      {
        timeoutMs: 10_000,
      },
    )
    const answer = found.stdout.trim()
    // Anything but one of the three answers is a failure of the check itself, never "no shop".
    if (found.code !== 0 || !['compose', 'failure', 'none'].includes(answer)) {
      throw new AppError('internal', `Could not check ${dir} on the host (exit ${found.code}): ${found.stderr.trim()}`)
    }
    return answer as ShopPresence
  }

  async secrets(shop: string): Promise<Record<string, string>> {
    const env = await this.session.exec(['cat', '--', posix.join(this.dir(shop), ENV_FILE)], { timeoutMs: 10_000 })
    if (env.code !== 0) {
      if (env.stderr.includes('No such file')) return {}
      throw new AppError('internal', `The shop's secrets could not be read: ${env.stderr.trim()}`)
    }
    return parseEnvFile(env.stdout).secrets
  }

  /**
   * Records on the host which operation failed at which step and why: the error's message, and its words where it
   * has them, so every laptop says it in its own language. Best effort: the operation already failed; a second
   * failure must not hide the first.
   */
  async recordFailure(shop: string, where: Pick<ShopFailure, 'operation' | 'step'>, error: AppError): Promise<boolean> {
    const failure: Omit<ShopFailure, 'at'> = { ...where, message: error.message, ...(error.say ? { say: error.say } : {}) }
    const content = `${JSON.stringify({ ...failure, at: new Date().toISOString() }, null, 2)}\n`
    return this.writeFiles(this.dir(shop), [{ path: FAILURE_FILE, content, mode: 0o644 }]).then(
      () => true,
      () => false,
    )
  }

  async clearFailure(shop: string): Promise<void> {
    await this.session.exec(['rm', '-f', '--', posix.join(this.dir(shop), FAILURE_FILE)], { timeoutMs: 10_000 }).catch(() => undefined)
  }

  async backups(shop: string): Promise<BackupManifest[]> {
    const dir = posix.join(this.dir(shop), BACKUPS_DIR)
    const result = await this.session.exec(
      ['sh', '-c', 'cd "$1" 2>/dev/null || exit 0; for m in */manifest.json; do [ -f "$m" ] || continue; cat "$m" || exit 4; printf "\\036"; done', 'sh', dir],
      {
        timeoutMs: 15_000,
      },
    )
    if (result.code !== 0) throw new AppError('internal', `The backups in ${dir} could not be read: ${result.stderr.trim()}`)
    return result.stdout
      .split('\u001e')
      .filter((part) => part.trim())
      .flatMap((part) => {
        try {
          return [JSON.parse(part) as BackupManifest]
        } catch {
          return []
        }
      })
      .sort((a, b) => b.id.localeCompare(a.id))
  }

  /**
   * Walks the folders newest first in byte order (for backup ids the same as localeCompare's): the newest `keep` with a manifest stay, a
   * spared one always (and counts). A folder without a manifest, and an upload (`.upload-*`), goes only when nothing
   * in it changed for six hours: younger, it may be a backup or upload in progress on this laptop or another.
   * Refused unless someone holds the shop's lock, so it never runs beside a change to the shop.
   */
  async pruneBackups(shop: string, keep: number, spare: readonly string[]): Promise<void> {
    const script = `[ -d "$1" ] || { echo "no one holds the shop's lock" >&2; exit 5; }
cd "$2" 2>/dev/null || exit 0
keep=$3; shift 3
idle() { [ -z "$(find "$1" -mmin -${HALF_WRITTEN_GRACE_MINUTES} -print 2>/dev/null | head -n 1)" ]; }
for u in .upload-*; do [ -d "$u" ] && idle "$u" && rm -rf -- "$u"; done
ls -1 | LC_ALL=C sort -r | { n=0; while read -r b; do
  spared=
  for s in "$@"; do [ "$b" = "$s" ] && spared=1; done
  if [ -n "$spared" ]; then [ -f "$b/${BACKUP_MANIFEST}" ] && n=$((n+1))
  elif [ -f "$b/${BACKUP_MANIFEST}" ]; then
    if [ $n -lt "$keep" ]; then n=$((n+1)); else rm -rf -- "$b"; fi
  elif idle "$b"; then rm -rf -- "$b"; fi
done; }`
    const dir = this.dir(shop)
    const pruned = await this.session.exec(
      ['sh', '-c', script, 'sh', posix.join(dir, LOCK_DIR), posix.join(dir, BACKUPS_DIR), String(Math.max(1, keep)), ...spare],
      { timeoutMs: 60_000 },
    )
    if (pruned.code !== 0) throw new AppError('internal', `The old backups in ${dir} could not be pruned: ${pruned.stderr.trim() || `exit ${pruned.code}`}`)
  }

  /** Queued on this laptop, and across laptops the lock directory on the host: the second is told who holds it. */
  withLock<T>(shop: string, owner: string, run: (presence: Exclude<ShopPresence, 'none'>) => Promise<T>): Promise<T> {
    return serialise(`${this.session.profile.id}/${shop}`, async () => {
      // The lock lives in the shop's directory: a shop that is not there is said so, not reported as a lock failure.
      const presence = await this.presence(shop)
      if (presence === 'none') throw new AppError('not_found', `There is no shop "${shop}" on this host.`, { say: { key: 'noShop', values: { shop } } })
      return withHostLock(this.session, posix.join(this.dir(shop), LOCK_DIR), owner, () => run(presence), {
        staleAfterSeconds: STALE_LOCK_SECONDS,
        busy: (holder) =>
          new AppError('busy', `${holder} is running another action on this shop right now. Try again in a moment.`, {
            say: { key: 'busy', values: { owner: holder } },
          }),
      })
    })
  }

  async download(remote: string, local: string, onProgress: (moved: number) => void): Promise<void> {
    const sftp = await this.sftp()
    await sftpCall<void>((done) => sftp.fastGet(remote, local, { concurrency: 16, chunkSize: 256 * 1024, step: (moved) => onProgress(moved) }, (e) => done(e)))
  }

  async upload(local: string, remote: string, onProgress: (moved: number) => void): Promise<void> {
    const sftp = await this.sftp()
    await sftpCall<void>((done) => sftp.fastPut(local, remote, { concurrency: 16, chunkSize: 256 * 1024, step: (moved) => onProgress(moved) }, (e) => done(e)))
  }

  private sftp() {
    if (!this.session.ssh)
      throw new AppError('invalid_input', 'Backups of the local host are in its folder already; there is nothing to transfer.', {
        say: { key: 'localTransfer' },
      })
    return this.session.ssh.sftp({ timeoutMs: 15_000 })
  }
}
