// The archives of a backup on the host: the scripts a helper container runs to write them (checksummed while they
// are written), to unpack them (checked while they are unpacked) and to check an uploaded backup. Nothing goes
// through the laptop.
//
// Why GNU tar, sha512 and no compression: the first archive is written while the shop runs, with GNU tar's
// snapshot file (--listed-incremental); during the pause a second, incremental archive takes only what changed
// since the first began, so the pause does not grow with the data. sha512 runs at 600+ MB/s on one 64-bit core
// (faster than sha256 without SHA extensions), ahead of the disk; it streams beside tar through `tee`, so the data
// is read once. Shop data is mostly already compressed (images, database pages): gzip would run at a fraction of
// the disk's speed for little gain, and zstd is not in a stock image; the archives stay plain tar.
import { AppError } from '@shared/errors'
import { backupArchives, volumeArchives, type BackupManifest, type BackupVolume } from '@shared/backups'
import type { ShopRuntime } from '../engine/shop-runtime'
import { tarWarnings } from './volume-copy'

/**
 * Archives /from into /to/$FILE with the snapshot $SNAR: PASS=first while the shop runs (progress reported, files
 * that change meanwhile are the final pass's), PASS=final during the pause (only what changed since the first
 * began; the snapshot goes). Prints `sha512 <hex>` and `size <bytes>`. POSIX sh: dash has no pipefail, so each
 * part of the pipe leaves its status in a file.
 */
export const ARCHIVE = `cd /from || exit 1
if [ "$PASS" = first ]; then
  echo "total $(du -sk . | cut -f1)"
  (while sleep 0.5; do echo "copied $(du -sk "/to/$FILE" | cut -f1)"; done) &
  reporter=$!
fi
sum=$( { tar --numeric-owner --listed-incremental="$SNAR" ${tarWarnings} -cf - . ; echo $? >/tmp/tar.status; } \\
  | { tee "/to/$FILE"; echo $? >/tmp/tee.status; } | sha512sum )
[ -n "$reporter" ] && kill "$reporter" 2>/dev/null
tar=$(cat /tmp/tar.status); written=$(cat /tmp/tee.status)
[ "$written" -eq 0 ] || exit 5
# GNU tar: 1 = some files changed while read; the final pass, under the pause, takes them.
[ "$tar" -eq 0 ] || { [ "$PASS" = first ] && [ "$tar" -eq 1 ]; } || exit "$tar"
[ "$PASS" = final ] && rm -f "$SNAR"
echo "sha512 \${sum%% *}"
echo "size $(stat -c %s "/to/$FILE")"`

/**
 * Unpacks the archives listed in $ARCHIVES (`<sha512> <file>` lines, in order) from /from into the empty volume
 * /to, each checked while it is read: tar reads through a FIFO that `tee` fills from the file, sha512sum takes the
 * other copy. Exit 3 names a file whose checksum differs; the caller discards the volume.
 */
export const UNPACK = `cd /to || exit 1
total=0
for file in $(printf '%s\\n' "$ARCHIVES" | cut -d' ' -f2); do total=$((total + $(du -sk "/from/$file" | cut -f1))); done
echo "total $total"
(while sleep 0.5; do echo "copied $(du -sk /to | cut -f1)"; done) &
reporter=$!
status=0
printf '%s\\n' "$ARCHIVES" > /tmp/archives
while read -r sha file; do
  rm -f /tmp/unpack && mkfifo /tmp/unpack || { status=1; break; }
  tar --numeric-owner --listed-incremental=/dev/null -xf /tmp/unpack & untar=$!
  sum=$(tee -p /tmp/unpack < "/from/$file" | sha512sum)
  wait "$untar" || { echo "unpack failed: $file"; status=4; break; }
  [ "\${sum%% *}" = "$sha" ] || { echo "damaged: $file"; status=3; break; }
done < /tmp/archives
kill "$reporter" 2>/dev/null
[ $status -eq 0 ] && echo "copied $total"
exit $status`

const sumsOf = (manifest: Pick<BackupManifest, 'volumes'>): string =>
  backupArchives(manifest)
    .map((a) => `${a.sha512}  ${a.file}`)
    .join('\n')

/** Checks every archive in `dir` against the manifest's checksums on the host; resolves to the files that do not match. */
export async function checkArchives(
  runtime: ShopRuntime,
  image: string,
  dir: string,
  manifest: Pick<BackupManifest, 'volumes'>,
  signal?: AbortSignal,
): Promise<string[] | null> {
  const failed: string[] = []
  try {
    await runtime.runHelper(image, {
      mounts: [{ source: dir, target: '/from', readOnly: true }],
      script: 'cd /from && printf "%s\\n" "$SUMS" | sha512sum -c -',
      env: { SUMS: sumsOf(manifest) },
      what: 'Checking the archives',
      ...(signal ? { signal } : {}),
      onLine: (line) => void (/FAILED/.test(line) && failed.push(line.split(':')[0] ?? line)),
    })
    return null
  } catch (error) {
    if (error instanceof AppError && (error.code === 'cancelled' || error.code === 'connection_lost')) throw error
    return failed.length > 0 ? failed : [(error as Error).message]
  }
}

export function damagedBackup(id: string, which: string): AppError {
  return new AppError('invalid_input', `The backup ${id} is damaged (${which} does not match its checksum). Nothing was restored.`, {
    say: { key: 'backupDamaged', values: { id, which } },
  })
}

/**
 * Unpacks a volume's archives from the backup folder `dir` into the new, empty `volume`, checking each against the
 * manifest while it streams: a damaged archive fails with `backupDamaged`, and the caller discards the volume.
 */
export async function unpackArchives(
  runtime: ShopRuntime,
  image: string,
  dir: string,
  backup: { id: string; volume: BackupVolume },
  target: string,
  onProgress: (p: { done: number; total: number }) => void,
  signal?: AbortSignal,
): Promise<void> {
  let damaged: string | null = null
  try {
    await runtime.runHelper(image, {
      mounts: [
        { source: dir, target: '/from', readOnly: true },
        { source: target, target: '/to' },
      ],
      script: UNPACK,
      env: {
        ARCHIVES: volumeArchives(backup.volume)
          .map((a) => `${a.sha512} ${a.file}`)
          .join('\n'),
      },
      what: `Restoring ${target}`,
      onProgress,
      onLine: (line) => void (line.startsWith('damaged: ') && (damaged = line.slice('damaged: '.length))),
      ...(signal ? { signal } : {}),
    })
  } catch (error) {
    if (damaged) throw damagedBackup(backup.id, damaged)
    throw error
  }
}
