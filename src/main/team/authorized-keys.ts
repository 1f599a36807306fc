// An authorized_keys file as lines: keys are found by fingerprint, and every line not touched stays byte for
// byte (comments, options, blank lines, other tools' entries).
import { createHash } from 'node:crypto'
import type { HostRole } from '@shared/hosts'

const KEY_TYPES = /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com)$/

export interface KeyLine {
  index: number
  type: string
  base64: string
  comment: string
  fingerprint: string
}

export function fingerprintOf(base64: string): string {
  return `SHA256:${createHash('sha256').update(Buffer.from(base64, 'base64')).digest('base64').replace(/=+$/, '')}`
}

/** Splits a line into options, type, key and comment; options may hold quoted spaces. */
function parseLine(line: string, index: number): KeyLine | null {
  const trimmed = line.trim()
  if (!trimmed || trimmed.startsWith('#')) return null
  const fields: string[] = []
  let current = ''
  let quoted = false
  for (const char of trimmed) {
    if (char === '"') quoted = !quoted
    if (/\s/.test(char) && !quoted) {
      if (current) fields.push(current)
      current = ''
      if (fields.length >= 3 && KEY_TYPES.test(fields[fields.length - 2] ?? '')) break
      continue
    }
    current += char
  }
  if (current) fields.push(current)
  const at = fields.findIndex((f) => KEY_TYPES.test(f))
  if (at < 0 || !fields[at + 1]) return null
  const type = fields[at]!
  const base64 = fields[at + 1]!
  const afterKey = trimmed.indexOf(base64) + base64.length
  return { index, type, base64, comment: trimmed.slice(afterKey).trim(), fingerprint: fingerprintOf(base64) }
}

export function parseAuthorizedKeys(text: string): KeyLine[] {
  return text.split('\n').flatMap((line, index) => parseLine(line, index) ?? [])
}

const COMMENT = /^(.+) \[(sales|admin)\] shop-manager$/

export function personOf(comment: string): { person: string; role: HostRole } | null {
  const match = COMMENT.exec(comment)
  return match ? { person: match[1]!, role: match[2] as HostRole } : null
}

export function teamComment(person: string, role: HostRole): string {
  return `${person.replace(/[\r\n[\]]/g, ' ').trim()} [${role}] shop-manager`
}

/** Adds a line at the end (after a newline if the file lacks one); a key already there is not added twice. */
export function withKey(text: string, line: string): string {
  const key = parseLine(line, 0)
  if (!key) throw new Error('not a public key line')
  if (parseAuthorizedKeys(text).some((k) => k.fingerprint === key.fingerprint)) return text
  const base = text.length === 0 || text.endsWith('\n') ? text : `${text}\n`
  return `${base}${line.trim()}\n`
}

/** Removes every line holding the key; all other bytes stay. */
export function withoutKey(text: string, fingerprint: string): string {
  const drop = new Set(
    parseAuthorizedKeys(text)
      .filter((k) => k.fingerprint === fingerprint)
      .map((k) => k.index),
  )
  return text
    .split('\n')
    .filter((_, index) => !drop.has(index))
    .join('\n')
}
