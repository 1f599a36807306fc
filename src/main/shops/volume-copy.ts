// The scripts a helper container runs to copy a volume into another on the host, in two passes around the pause:
// the first while the shop runs (with the bytes copied reported twice a second), the final one, under the pause,
// only what changed since the first began (GNU tar's snapshot file), so the pause does not grow with the data.
import type { HelperMount } from '../engine/shop-runtime'
import type { HelperBoxes } from './helper-boxes'

/** A first pass reads files the shop is writing: tar says so and exits 1; the final pass takes them. */
export const tarWarnings = '--warning=no-file-changed --warning=no-file-removed --warning=no-file-shrank'

/** First or final pass of a copy around a pause. */
export type CopyPass = 'first' | 'final'

/**
 * Copies /from into /to with the snapshot $SNAR. Extracting with `--listed-incremental=/dev/null` also removes
 * what the shop deleted between the passes. Numeric owners: the helper's /etc/passwd is not the shop's (postgres
 * is uid 999 in its image, nobody here). POSIX sh (dash has no pipefail): the creating tar leaves its status in
 * a file.
 */
const COPY = `cd /from || exit 1
if [ "$PASS" = first ]; then
  echo "total $(du -sk . | cut -f1)"
  (while sleep 0.5; do echo "copied $(du -sk /to | cut -f1)"; done) &
  reporter=$!
fi
{ tar --numeric-owner --listed-incremental="$SNAR" ${tarWarnings} -cf - . ; echo $? >/tmp/tar.status; } \\
  | (cd /to && tar --numeric-owner --listed-incremental=/dev/null -xf -)
unpacked=$?
[ -n "$reporter" ] && kill "$reporter" 2>/dev/null
tar=$(cat /tmp/tar.status)
[ $unpacked -eq 0 ] || exit 6
[ "$tar" -eq 0 ] || { [ "$PASS" = first ] && [ "$tar" -eq 1 ]; } || exit "$tar"
[ "$PASS" = final ] && rm -f "$SNAR"
echo "copied $(du -sk /to | cut -f1)"`

/** The plain pipe, for the benchmark's baseline. */
export const RAW_COPY = '(cd /from && tar --numeric-owner -cf - .) | (cd /to && tar --numeric-owner -xf -)'

export interface CopyOptions {
  pass: CopyPass
  /** A directory on the host for the snapshot between the passes (the new shop's own). */
  stateDir: string
  /** Names the snapshot file, unique per volume within `stateDir`. */
  key: string
  signal?: AbortSignal
  onProgress?: (progress: { done: number; total: number }) => void
}

/** The snapshot file between two passes, in a host directory mounted at /state. */
export function snapshotMount(stateDir: string, key: string): { mount: HelperMount; path: string } {
  return { mount: { source: stateDir, target: '/state' }, path: `/state/.${key}.snar` }
}

/** Copies volume `from` into volume `to` on the host in the helper box of the volume's key: one pass of two. */
export function copyVolume(boxes: HelperBoxes, from: string, to: string, options: CopyOptions): Promise<void> {
  const snapshot = snapshotMount(options.stateDir, options.key)
  const mounts = [{ source: from, target: '/from', readOnly: true }, { source: to, target: '/to' }, snapshot.mount]
  return boxes.run(options.key, mounts, {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    script: COPY,
    env: { PASS: options.pass, SNAR: snapshot.path },
    what: `Copying ${from} to ${to}`,
  })
}

/** Sums the progress of several volumes copied one after another. */
export function progressSum(): (key: string, progress: { done: number; total: number }) => { done: number; total: number } {
  const totals = new Map<string, { done: number; total: number }>()
  return (key, progress) => {
    totals.set(key, progress)
    return [...totals.values()].reduce((a, b) => ({ done: a.done + b.done, total: a.total + b.total }), { done: 0, total: 0 })
  }
}
