// Byte counts as people read them: decimal units (as disks and Docker report them), one decimal at most.
const units = ['B', 'kB', 'MB', 'GB', 'TB'] as const

export function formatBytes(bytes: number, locale: string): string {
  let value = Math.max(0, bytes)
  let unit = 0
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000
    unit++
  }
  const digits = unit === 0 ? 0 : 1
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value)} ${units[unit]}`
}

/** "12.3 MB / 100 MB" */
export function formatByteProgress(progress: { done: number; total: number }, locale: string): string {
  return `${formatBytes(progress.done, locale)} / ${formatBytes(progress.total, locale)}`
}

/** 0–100 for a progress bar; an unknown total reads as not started. */
export function percent(progress: { done: number; total: number }): number {
  if (progress.total <= 0) return 0
  return Math.min(100, Math.max(0, (progress.done / progress.total) * 100))
}
