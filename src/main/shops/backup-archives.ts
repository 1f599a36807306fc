// The archives of a backup on the host: the scripts a helper container runs to write, checksum, check and unpack
// them. Nothing goes through the laptop.
import { AppError } from '@shared/errors'
import type { BackupManifest } from '@shared/backups'
import type { ShopRuntime } from '../engine/shop-runtime'

/** Archives /from into /to/$NAME.tar with progress, then prints `size <bytes>`. Checksums come after the resume. */
export const ARCHIVE = `echo "total $(du -sk /from | cut -f1)"
(while sleep 0.5; do echo "copied $(du -sk "/to/$NAME.tar" | cut -f1)"; done) &
reporter=$!
cd /from && tar --numeric-owner -cf "/to/$NAME.tar" .
status=$?
kill "$reporter" 2>/dev/null
[ $status -eq 0 ] || exit $status
echo "size $(stat -c %s "/to/$NAME.tar")"`

/** sha512 of every archive (faster than sha256 on 64-bit hosts), one `<sum>  <file>` line each. */
export const CHECKSUMS = 'cd /from && sha512sum *.tar'

/** Empties /to and unpacks /from/$NAME.tar into it, with progress. */
const UNPACK = `set -e
echo "total $(du -sk "/from/$NAME.tar" | cut -f1)"
find /to -mindepth 1 -maxdepth 1 -exec rm -rf {} +
(while sleep 0.5; do echo "copied $(du -sk /to | cut -f1)"; done) &
reporter=$!
cd /to && tar --numeric-owner -xf "/from/$NAME.tar"
kill "$reporter" 2>/dev/null
echo "copied $(du -sk "/from/$NAME.tar" | cut -f1)"`

const sumsOf = (manifest: Pick<BackupManifest, 'volumes'>): string => manifest.volumes.map((v) => `${v.sha512}  ${v.file}`).join('\n')

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

/** Checks every archive of a backup against its manifest, on the host, before anything is overwritten. */
export async function verifyArchives(runtime: ShopRuntime, image: string, dir: string, manifest: BackupManifest, signal?: AbortSignal): Promise<void> {
  const failed = await checkArchives(runtime, image, dir, manifest, signal)
  if (!failed) return
  const which = failed.join(', ')
  throw new AppError('invalid_input', `The backup ${manifest.id} is damaged (${which} does not match its checksum). Nothing was restored.`, {
    say: { key: 'backupDamaged', values: { id: manifest.id, which } },
  })
}

/** Empties `volume` and unpacks the archive of `key` from the backup folder `dir` into it. */
export function unpackArchive(
  runtime: ShopRuntime,
  image: string,
  dir: string,
  key: string,
  volume: string,
  onProgress: (p: { done: number; total: number }) => void,
  signal?: AbortSignal,
): Promise<void> {
  return runtime.runHelper(image, {
    mounts: [
      { source: dir, target: '/from', readOnly: true },
      { source: volume, target: '/to' },
    ],
    script: UNPACK,
    env: { NAME: key },
    what: `Restoring ${volume}`,
    onProgress,
    ...(signal ? { signal } : {}),
  })
}
