// Docker's log stream as lines: the 8-byte frame header of non-TTY containers (stream, size) is taken apart,
// each line split from its RFC 3339 timestamp.
import type { LogLine } from '@shared/shops'

/** True when the buffer starts with a Docker stream frame header (1 = stdout, 2 = stderr). */
function isFramed(buffer: Buffer): boolean {
  return buffer.length >= 8 && (buffer[0] === 1 || buffer[0] === 2) && buffer[1] === 0 && buffer[2] === 0 && buffer[3] === 0
}

/** Splits a whole (non-following) log buffer into text per stream. */
export function demuxLogs(buffer: Buffer): { stream: LogLine['stream']; text: string }[] {
  if (!isFramed(buffer)) return [{ stream: 'stdout', text: buffer.toString('utf8') }]
  const parts: { stream: LogLine['stream']; text: string }[] = []
  let offset = 0
  while (offset + 8 <= buffer.length) {
    const size = buffer.readUInt32BE(offset + 4)
    parts.push({ stream: buffer[offset] === 2 ? 'stderr' : 'stdout', text: buffer.toString('utf8', offset + 8, Math.min(buffer.length, offset + 8 + size)) })
    offset += 8 + size
  }
  return parts
}

/** "2026-11-22T10:00:00.123456789Z message" → time and text. */
export function parseLogLine(service: string, stream: LogLine['stream'], raw: string): LogLine {
  const space = raw.indexOf(' ')
  const stamp = space > 0 ? raw.slice(0, space) : ''
  if (/^\d{4}-\d\d-\d\dT/.test(stamp)) return { service, stream, time: fixedNanos(stamp), text: raw.slice(space + 1) }
  return { service, stream, time: '', text: raw }
}

/** Docker drops trailing zeros of the fraction; nine digits make timestamps sort as text. */
function fixedNanos(stamp: string): string {
  return stamp.replace(/(?:\.(\d+))?Z$/, (_m, fraction: string | undefined) => `.${(fraction ?? '').padEnd(9, '0').slice(0, 9)}Z`)
}

/** Lines from text that may end in the middle of a line: returns the complete ones and the rest. */
export function splitLines(pending: string, chunk: string): { lines: string[]; rest: string } {
  const parts = (pending + chunk).split('\n')
  const rest = parts.pop() ?? ''
  return { lines: parts.map((l) => l.replace(/\r$/, '')), rest }
}

/** Merges lines of several containers by time, keeping the last `tail`. */
export function mergeByTime(groups: LogLine[][], tail: number): LogLine[] {
  return groups
    .flat()
    .map((line, index) => ({ line, index }))
    .sort((a, b) => (a.line.time === b.line.time ? a.index - b.index : a.line.time < b.line.time ? -1 : 1))
    .slice(-tail)
    .map(({ line }) => line)
}
