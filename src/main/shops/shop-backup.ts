// Backups of a shop on its host: every named volume archived by a helper container into
// <base>/<shop>/backups/<id>/ (the shop paused only meanwhile), checksummed, with a manifest; the last N kept.
// Restore checks every archive's checksum (sha512) before it overwrites anything.
import { posix } from 'node:path'
import { AppError, toAppError } from '@shared/errors'
import { backupSteps, restoreSteps, type BackupManifest, type BackupVolume } from '@shared/backups'
import type { OperationSnapshot } from '@shared/operations'
import type { HostSession } from '../host/host-session'
import { writeShopFiles } from '../host/remote-files'
import type { OperationHandle } from '../operations/operation-registry'
import { bringUp } from './bring-up'
import { launchOperation, type ShopOperationDeps } from './shop-operation'
import { runCompose } from './compose'
import { pauseShop } from './pause-shop'
import { stepper } from './reserve-shop'
import { secretMasker } from './secret-mask'
import { checkRole } from './shop-actions'
import { withShopLock } from './shop-lock'
import { readShopRecord, shopVolumes } from './shop-record'
import { runHelper, volumeExists } from './volume-copy'

export interface BackupDeps extends ShopOperationDeps {
  helperImage: string
  /** How many backups per shop to keep (the oldest go). */
  keep: number
}

const BACKUPS = 'backups'
const MANIFEST = 'manifest.json'

/** Archives /from into /to/$NAME.tar with progress, then prints `size <bytes>`. Checksums come after the resume. */
const ARCHIVE = `echo "total $(du -sk /from | cut -f1)"
(while sleep 0.5; do echo "copied $(du -sk "/to/$NAME.tar" | cut -f1)"; done) &
reporter=$!
cd /from && tar --numeric-owner -cf "/to/$NAME.tar" .
status=$?
kill "$reporter" 2>/dev/null
[ $status -eq 0 ] || exit $status
echo "size $(stat -c %s "/to/$NAME.tar")"`

/** sha512 of every archive (faster than sha256 on 64-bit hosts), one `<sum>  <file>` line each. */
const CHECKSUMS = 'cd /from && sha512sum *.tar'

/** Empties /to and unpacks /from/$NAME.tar into it, with progress. */
const UNPACK = `set -e
echo "total $(du -sk "/from/$NAME.tar" | cut -f1)"
find /to -mindepth 1 -maxdepth 1 -exec rm -rf {} +
(while sleep 0.5; do echo "copied $(du -sk /to | cut -f1)"; done) &
reporter=$!
cd /to && tar --numeric-owner -xf "/from/$NAME.tar"
kill "$reporter" 2>/dev/null
echo "copied $(du -sk "/from/$NAME.tar" | cut -f1)"`

/** Checks every archive of a backup against its manifest, on the host, before anything is overwritten. */
export async function verifyArchives(session: HostSession, helperImage: string, dir: string, manifest: BackupManifest): Promise<void> {
  const failed: string[] = []
  try {
    await runHelper(session.docker, helperImage, {
      binds: [`${dir}:/from:ro`],
      script: 'cd /from && printf "%s\\n" "$SUMS" | sha512sum -c -',
      env: { SUMS: manifest.volumes.map((v) => `${v.sha512}  ${v.file}`).join('\n') },
      what: 'Checking the archives',
      onLine: (line) => void (/FAILED/.test(line) && failed.push(line.split(':')[0] ?? line)),
    })
  } catch (error) {
    const which = failed.length > 0 ? failed.join(', ') : (error as Error).message
    throw new AppError('invalid_input', `The backup ${manifest.id} is damaged (${which} does not match its checksum). Nothing was restored.`, {
      say: { key: 'backupDamaged', values: { id: manifest.id, which } },
    })
  }
}

/** Empties `volume` and unpacks the archive of `key` from the backup folder `dir` into it. */
export function unpackArchive(session: HostSession, helperImage: string, dir: string, key: string, volume: string, onProgress: (p: { done: number; total: number }) => void): Promise<void> {
  return runHelper(session.docker, helperImage, { binds: [`${dir}:/from:ro`, `${volume}:/to`], script: UNPACK, env: { NAME: key }, what: `Restoring ${volume}`, onProgress })
}

export const backupDir = (shopDirectory: string, id: string): string => posix.join(shopDirectory, BACKUPS, id)

/** 2026-11-22T23:15:00.123Z → 2026-11-22T23-15-00Z: sortable and safe as a folder name. */
export function backupId(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-')
}

const backupsDir = (dir: string): string => posix.join(dir, BACKUPS)

export async function listBackups(session: HostSession, shop: string): Promise<BackupManifest[]> {
  const record = await readShopRecord(session, shop)
  const result = await session.exec(['sh', '-c', 'cd "$1" 2>/dev/null || exit 0; for m in */manifest.json; do [ -f "$m" ] && cat "$m" && printf "\\036"; done', 'sh', backupsDir(record.dir)], {
    timeoutMs: 15_000,
  })
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

export function startBackup(input: { hostId: string; shop: string }, deps: BackupDeps): OperationSnapshot {
  return launchOperation(deps, 'backup', input, backupSteps, (op) => runBackup(input, deps, op))
}

async function runBackup(input: { hostId: string; shop: string }, deps: BackupDeps, op: OperationHandle): Promise<void> {
  const started = Date.now()
  const steps = stepper(op)
  let cleanup: (() => Promise<void>) | undefined
  try {
    steps.begin('validate')
    const session = await deps.session(input.hostId)
    checkRole(session.profile.role, 'edit')
    const record = await readShopRecord(session, input.shop)
    const volumes = shopVolumes(record, input.shop)
    const id = backupId(new Date())
    const dir = posix.join(backupsDir(record.dir), id)
    const made = await session.exec(['mkdir', '-p', '--', dir], { timeoutMs: 10_000 })
    if (made.code !== 0) throw new AppError('internal', `Could not create ${dir}: ${made.stderr.trim()}`)
    cleanup = async () => void (await session.exec(['rm', '-rf', '--', dir], { timeoutMs: 60_000 }).catch(() => undefined))
    const archived: BackupVolume[] = []
    let images: Record<string, string> = {}

    await withShopLock(session, input.shop, deps.user, async () => {
      steps.begin('pause')
      const paused = await pauseShop(session, input.shop, volumes.map((v) => v.volume))
      const unpaused = (): void => op.step('resume', 'running', { key: 'unpaused' })
      images = paused.images
      op.step('pause', 'done', paused.paused > 0 ? { key: 'paused', values: { count: paused.paused } } : { key: 'notRunning' })
      try {
        steps.enter('archive')
        const totals = new Map<string, { done: number; total: number }>()
        for (const { key, volume } of volumes) {
          steps.cancelled()
          let bytes = 0
          await runHelper(session.docker, deps.helperImage, {
            binds: [`${volume}:/from:ro`, `${dir}:/to`],
            script: ARCHIVE,
            env: { NAME: key },
            what: `Archiving ${volume}`,
            signal: op.signal,
            onLine: (line) => {
              const [word, value = ''] = line.split(' ')
              if (word === 'size') bytes = Number(value)
            },
            onProgress: (progress) => {
              totals.set(key, progress)
              const sum = [...totals.values()].reduce((a, b) => ({ done: a.done + b.done, total: a.total + b.total }), { done: 0, total: 0 })
              op.progress('archive', sum, volume)
            },
          })
          archived.push({ key, volume, file: `${key}.tar`, bytes, sha512: '' })
        }
        op.step('archive', 'done', { key: 'volumes', values: { count: archived.length } })
      } catch (error) {
        // Back as it was; the failure stays the archive's.
        op.step('resume', 'done', await paused.resume(unpaused))
        throw error
      }
      steps.enter('resume')
      op.step('resume', 'done', await paused.resume(unpaused))
    })

    steps.begin('manifest', id)
    // The shop runs again already: checksums need only the archives.
    const sums = new Map<string, string>()
    await runHelper(session.docker, deps.helperImage, {
      binds: [`${dir}:/from:ro`],
      script: CHECKSUMS,
      what: 'Checksumming the archives',
      onLine: (line) => {
        const [sum = '', file = ''] = line.split(/\s+/)
        if (/^[0-9a-f]{128}$/.test(sum)) sums.set(file, sum)
      },
    })
    for (const volume of archived) {
      const sum = sums.get(volume.file)
      if (!sum) throw new AppError('internal', `No checksum for ${volume.file}.`)
      volume.sha512 = sum
    }
    const manifest: BackupManifest = {
      id,
      shop: input.shop,
      template: record.metadata.template,
      domain: record.metadata.domain,
      createdAt: new Date().toISOString(),
      createdBy: deps.user,
      volumes: archived,
      images,
    }
    await writeShopFiles(session, dir, [{ path: MANIFEST, content: `${JSON.stringify(manifest, null, 2)}\n`, mode: 0o644 }])
    cleanup = undefined
    await pruneBackups(session, backupsDir(record.dir), deps.keep)
    op.step('manifest', 'done', id)
    op.step('done', 'done')
    op.succeed({ url: '', login: null, seconds: (Date.now() - started) / 1000, backupId: id })
  } catch (error) {
    // A half-written backup is no backup: it goes, so a listing never offers it.
    await cleanup?.()
    op.fail(toAppError(error), steps.current)
  }
}

/** Keeps the newest `keep` backups that have a manifest; older ones and half-written leftovers go. */
async function pruneBackups(session: HostSession, dir: string, keep: number): Promise<void> {
  const script = `cd "$1" || exit 0
ls -1 | sort -r | { n=0; while read -r b; do
  if [ -f "$b/manifest.json" ] && [ $n -lt "$2" ]; then n=$((n+1)); else rm -rf -- "$b"; fi
done; }`
  await session.exec(['sh', '-c', script, 'sh', dir, String(Math.max(1, keep))], { timeoutMs: 60_000 })
}

export interface RestoreInput {
  hostId: string
  shop: string
  backupId: string
  /** The shop's name, typed by the user: restoring replaces its data. */
  confirm: string
}

export function startRestore(input: RestoreInput, deps: BackupDeps): OperationSnapshot {
  return launchOperation(deps, 'restore', input, restoreSteps, (op) => runRestore(input, deps, op))
}

async function runRestore(input: RestoreInput, deps: BackupDeps, op: OperationHandle): Promise<void> {
  const started = Date.now()
  const steps = stepper(op)
  try {
    steps.begin('validate')
    const session = await deps.session(input.hostId)
    checkRole(session.profile.role, 'edit')
    if (input.confirm !== input.shop) {
      throw new AppError('invalid_input', `To restore, type the shop's name "${input.shop}".`, {
        fields: [{ path: 'confirm', message: 'does not match' }],
        say: { key: 'confirmRestore', values: { shop: input.shop } },
      })
    }
    const record = await readShopRecord(session, input.shop)
    const manifest = (await listBackups(session, input.shop)).find((b) => b.id === input.backupId)
    if (!manifest) throw new AppError('not_found', `There is no backup "${input.backupId}" of "${input.shop}".`)
    const dir = posix.join(backupsDir(record.dir), manifest.id)
    const template = await deps.template(record.metadata.template)

    await withShopLock(session, input.shop, deps.user, async () => {
      steps.begin('verify')
      await verifyArchives(session, deps.helperImage, dir, manifest)

      steps.begin('stop')
      const stopped = await runCompose(session, record.dir, input.shop, ['stop'], { timeoutMs: 5 * 60_000 })
      if (stopped.code !== 0) throw new AppError('internal', `compose stop failed: ${stopped.stderr.trim().split('\n').slice(-2).join(' ')}`)

      steps.begin('restore')
      // By key into this shop's own volumes: an uploaded backup may come from another shop.
      const own = new Map(shopVolumes(record, input.shop).map((v) => [v.key, v.volume]))
      for (const archived of manifest.volumes) {
        const volume = own.get(archived.key)
        if (!volume) throw new AppError('invalid_input', `The shop "${input.shop}" has no volume "${archived.key}" to restore into.`)
        if (!(await volumeExists(session.docker, volume))) {
          await session.docker.createVolume({ Name: volume, Labels: { 'com.docker.compose.project': input.shop, 'com.docker.compose.volume': archived.key } })
        }
        await unpackArchive(session, deps.helperImage, dir, archived.key, volume, (progress) => op.progress('restore', progress, volume))
      }

      steps.begin('start')
      await bringUp(session, record.dir, input.shop, {
        healthTimeoutMs: template.manifest.healthTimeoutSeconds * 1000,
        mask: secretMasker(record.secrets),
        onOutput: (line) => op.log(line),
        onStarted: () => steps.begin('health'),
      })
    })
    op.step('health', 'done')
    op.step('done', 'done')
    op.succeed({ url: `https://${record.metadata.domain}`, login: null, seconds: (Date.now() - started) / 1000, backupId: input.backupId })
  } catch (error) {
    op.fail(toAppError(error), steps.current)
  }
}
