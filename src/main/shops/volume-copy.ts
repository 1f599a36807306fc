// The scripts a helper container runs to copy a volume into another on the host, with the bytes copied reported
// twice a second, and the copy of a shop's volumes as a step of an operation.
import type { ShopRuntime } from '../engine/shop-runtime'

// Numeric owners: the helper's /etc/passwd is not the shop's (postgres is uid 999 in its image, nobody here).
const TAR_PIPE = '(cd /from && tar --numeric-owner -cf - .) | (cd /to && tar --numeric-owner -xf -)'

/**
 * Prints `total <KiB>`, then `copied <KiB>` every half second from a reporter beside the pipe, and ends the
 * moment the pipe does (no poll interval added to the copy).
 */
const COPY_WITH_PROGRESS = `set -o pipefail
echo "total $(du -sk /from | cut -f1)"
(while sleep 0.5; do echo "copied $(du -sk /to | cut -f1)"; done) &
reporter=$!
${TAR_PIPE}
status=$?
kill "$reporter" 2>/dev/null
echo "copied $(du -sk /to | cut -f1)"
exit $status`

/** The plain pipe, for the benchmark's baseline. */
export const RAW_COPY = TAR_PIPE

export interface CopyOptions {
  signal?: AbortSignal
  onProgress?: (progress: { done: number; total: number }) => void
}

/** Copies volume `from` into volume `to` on the host with a helper container. */
export function copyVolume(runtime: ShopRuntime, image: string, from: string, to: string, options: CopyOptions = {}): Promise<void> {
  return runtime.runHelper(image, {
    ...options,
    mounts: [
      { source: from, target: '/from', readOnly: true },
      { source: to, target: '/to' },
    ],
    script: COPY_WITH_PROGRESS,
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
