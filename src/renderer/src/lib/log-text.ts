// Log lines as the logs panel shows, copies and saves them: `time service | text`.
import type { LogLine } from '@shared/shops'

/** Docker's RFC 3339 time with nanoseconds, cut to milliseconds. */
export function formatLogTime(time: string): string {
  return time.replace(/(\.\d{3})\d+/, '$1')
}

export function formatLogLine(line: LogLine): string {
  return `${formatLogTime(line.time)} ${line.service} | ${line.text}`
}

export interface Segment {
  text: string
  match: boolean
}

/** Splits a line into the parts that match the search (case-insensitive) and the parts between. */
export function highlight(text: string, needle: string): Segment[] {
  if (!needle) return [{ text, match: false }]
  const lower = text.toLowerCase()
  const wanted = needle.toLowerCase()
  const segments: Segment[] = []
  let from = 0
  for (let at = lower.indexOf(wanted); at !== -1; at = lower.indexOf(wanted, from)) {
    if (at > from) segments.push({ text: text.slice(from, at), match: false })
    segments.push({ text: text.slice(at, at + wanted.length), match: true })
    from = at + wanted.length
  }
  if (from < text.length) segments.push({ text: text.slice(from), match: false })
  return segments
}

export function matches(text: string, needle: string): boolean {
  return !needle || text.toLowerCase().includes(needle.toLowerCase())
}

const pad = (n: number): string => String(n).padStart(2, '0')

/** `<shop>-logs-<yyyy-mm-dd-hhmm>.txt`, in local time. */
export function logFileName(shop: string, now: Date): string {
  const stamp = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}`
  return `${shop}-logs-${stamp}.txt`
}

/** Appends and keeps only the newest `max` entries. */
export function appendCapped<T>(current: readonly T[], more: readonly T[], max: number): T[] {
  if (more.length === 0) return current.length > max ? current.slice(-max) : [...current]
  const all = current.concat(more)
  return all.length > max ? all.slice(all.length - max) : all
}
