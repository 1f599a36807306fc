// The archives of a backup on the host: the scripts a helper container runs to write them (checksummed while they
// are written), to unpack them (checked while they are unpacked) and to check an uploaded backup. Nothing goes
// through the laptop.
//
// Why GNU tar, CRC-32 and no compression: the first archive is written while the shop runs, with GNU tar's
// snapshot file (--listed-incremental); during the pause a second, incremental archive takes only what changed
// since the first began, so the pause does not grow with the data. The checksum is there to tell a damaged archive
// (a failing disk, a truncated or garbled copy), not a forged one: whoever can write a host's backup folder is root
// there anyway. coreutils' `cksum` (POSIX CRC-32, with the carry-less multiply of today's CPUs: about 3 GB/s on one
// core here) with the archive's byte count does that, as gzip's and zip's CRC-32 do, and costs nothing beside tar;
// BLAKE2b-512 (b2sum, the fastest cryptographic hash in a stock image) ran at 690 MB/s, slower than tar reads the
// page cache, and made a backup of 1 GB about a second longer on the 2-core test bed. Backups made with b2sum or
// sha512 still check. The sum streams beside tar without a pipe between them: tar writes the file itself (as a
// plain `tar -cf` would) and `tail -f` hands each block to cksum from the page cache as it is written; a restore
// sums the file while tar reads it. Shop data is mostly compressed already (images, database pages): gzip would
// run at a fraction of the disk's speed for little gain, and zstd is not in a stock image; the archives stay plain
// tar.
import { AppError } from '@shared/errors'
import { archiveChecksum, backupArchives, volumeArchives, type BackupArchive, type BackupManifest, type BackupVolume } from '@shared/backups'
import type { ShopRuntime } from '../engine/shop-runtime'
import { tarWarnings } from './volume-copy'

/**
 * Archives /from into /to/$FILE with the snapshot $SNAR: PASS=first while the shop runs (progress reported, files
 * that change meanwhile are the final pass's), PASS=final during the pause (only what changed since the first
 * began; the snapshot goes). Prints `crc <cksum's CRC>` and `size <bytes>`. POSIX sh (dash in the default image).
 */
export const ARCHIVE = `cd /from || exit 1
if [ "$PASS" = first ]; then
  echo "total $(du -sk . | cut -f1)"
  (while sleep 0.5; do echo "copied $(du -sk "/to/$FILE" | cut -f1)"; done) &
  reporter=$!
fi
: > "/to/$FILE" || exit 5
tar --numeric-owner --listed-incremental="$SNAR" ${tarWarnings} -cf "/to/$FILE" . &
writer=$!
# Every block as tar writes it, from the page cache; tail ends once tar has and the file is read to its end. A
# foreground pipe, not $(…): only while it waits for one does dash reap the finished tar that tail watches for.
tail -s 0.05 -c +1 -f --pid=$writer "/to/$FILE" | cksum > /tmp/sum
wait $writer
tar=$?
read -r sum rest < /tmp/sum
[ -n "$reporter" ] && kill "$reporter" 2>/dev/null
# GNU tar: 1 = some files changed while read; the final pass, under the pause, takes them.
[ "$tar" -eq 0 ] || { [ "$PASS" = first ] && [ "$tar" -eq 1 ]; } || exit "$tar"
[ "$PASS" = final ] && rm -f "$SNAR"
echo "crc $sum"
echo "size $(stat -c %s "/to/$FILE")"`

/**
 * Unpacks the archives listed in $ARCHIVES (`<tool> <sum> <file>` lines, in order) from /from into the empty volume
 * /to, each summed while tar reads it (the second reader finds the blocks in the page cache). Exit 3 names a file
 * whose checksum differs; the caller discards the volume.
 */
export const UNPACK = `cd /to || exit 1
printf '%s\\n' "$ARCHIVES" > /tmp/archives
total=0
while read -r tool sum file; do total=$((total + $(du -sk "/from/$file" | cut -f1))); done < /tmp/archives
echo "total $total"
(while sleep 0.5; do echo "copied $(du -sk /to | cut -f1)"; done) &
reporter=$!
status=0
while read -r tool sha file; do
  "$tool" < "/from/$file" > /tmp/sum & hasher=$!
  tar --numeric-owner --listed-incremental=/dev/null -xf "/from/$file" || { echo "unpack failed: $file"; status=4; }
  wait "$hasher"
  [ $status -eq 0 ] || break
  read -r sum rest < /tmp/sum
  [ "$sum" = "$sha" ] || { echo "damaged: $file"; status=3; break; }
done < /tmp/archives
kill "$reporter" 2>/dev/null
[ $status -eq 0 ] && echo "copied $total"
exit $status`

/** `<tool> <sum> <file>` lines, one per archive, in order: what UNPACK and CHECK read. */
const checksumLines = (archives: readonly BackupArchive[]): string =>
  archives.map((a) => `${archiveChecksum(a).tool} ${archiveChecksum(a).sum} ${a.file}`).join('\n')

/** Sums every archive listed in $ARCHIVES in /from; prints `<file>: FAILED` for each that differs, exit 1 then. */
const CHECK = `cd /from || exit 1
printf '%s\\n' "$ARCHIVES" > /tmp/archives
status=0
while read -r tool sum file; do
  got=$("$tool" < "$file") || got=
  [ "\${got%% *}" = "$sum" ] || { echo "$file: FAILED"; status=1; }
done < /tmp/archives
exit $status`

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
      script: CHECK,
      env: { ARCHIVES: checksumLines(backupArchives(manifest)) },
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
        ARCHIVES: checksumLines(volumeArchives(backup.volume)),
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
