// An authorized_keys file as lines: keys are found by fingerprint, each line's options are read to tell the role the
// file gives that key, and every line not touched stays byte for byte (comments, options, blank lines, other tools'
// entries).
import { createHash } from 'node:crypto'
import type { HostRole } from '@shared/hosts'
import type { TeamRole } from '@shared/team'

const KEY_TYPES = /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com)$/

/** One option of a key line, as sshd reads it: `name` or `name="value"` (a `\"` inside stands for a quote). */
export interface KeyOption {
  name: string
  value: string | null
}

export interface KeyLine {
  index: number
  options: KeyOption[]
  type: string
  base64: string
  comment: string
  fingerprint: string
  /** What sshd lets this key do, read from the options (the comment's `[role]` tag is only a label). */
  role: TeamRole
}

export function fingerprintOf(base64: string): string {
  return `SHA256:${createHash('sha256').update(Buffer.from(base64, 'base64')).digest('base64').replace(/=+$/, '')}`
}

/** The options field: split at commas outside quotes; sshd's only escape inside quotes is `\"`. */
export function parseOptions(field: string): KeyOption[] {
  const options: KeyOption[] = []
  let at = 0
  while (at < field.length) {
    const name = /^[A-Za-z0-9-]+/.exec(field.slice(at))?.[0] ?? ''
    at += name.length
    let value: string | null = null
    if (field.startsWith('="', at)) {
      at += 2
      value = ''
      while (at < field.length && field[at] !== '"') {
        if (field[at] === '\\' && field[at + 1] === '"') at++
        value += field[at]
        at++
      }
      at++
    }
    options.push({ name: name.toLowerCase(), value })
    // Anything else up to the next comma is not an option sshd would accept: it is kept, never interpreted.
    while (at < field.length && field[at] !== ',') at++
    at++
  }
  return options
}

/** Where the options field ends: the first whitespace outside quotes. */
function optionsEnd(trimmed: string): number {
  let quoted = false
  for (let i = 0; i < trimmed.length; i++) {
    const char = trimmed[i]!
    if (char === '\\' && quoted && trimmed[i + 1] === '"') {
      i++
      continue
    }
    if (char === '"') quoted = !quoted
    else if (/\s/.test(char) && !quoted) return i
  }
  return trimmed.length
}

/** Splits a line into options, type, key and comment; options may hold quoted spaces. */
function parseLine(line: string, index: number): KeyLine | null {
  const trimmed = line.trim()
  if (!trimmed || trimmed.startsWith('#')) return null
  const firstWord = trimmed.split(/\s/, 1)[0]!
  let optionsField = ''
  let rest = trimmed
  if (!KEY_TYPES.test(firstWord)) {
    const end = optionsEnd(trimmed)
    optionsField = trimmed.slice(0, end)
    rest = trimmed.slice(end).trimStart()
  }
  const match = /^(\S+)\s+(\S+)(?:\s+(.*))?$/.exec(rest)
  if (!match || !KEY_TYPES.test(match[1]!)) return null
  const type = match[1]!
  const base64 = match[2]!
  const options = parseOptions(optionsField)
  const fingerprint = fingerprintOf(base64)
  return { index, options, type, base64, comment: (match[3] ?? '').trim(), fingerprint, role: roleOf(options, fingerprint) }
}

export function parseAuthorizedKeys(text: string): KeyLine[] {
  return text.split('\n').flatMap((line, index) => parseLine(line, index) ?? [])
}

/** The program the gate's wrapper is, under the host's gate directory (the layout host setup installs). */
export const GATE_PROGRAM = 'shopmgr-gate'

/** Options that undo a part of `restrict` again, or hand the key something besides the gate. */
const LOOSENING = new Set(['agent-forwarding', 'port-forwarding', 'x11-forwarding', 'pty', 'user-rc', 'permitopen', 'permitlisten', 'environment', 'tunnel'])
const GATE_COMMAND = /^(?:'(\/[^']*)'|(\/\S*)) --role=sales --key=(SHA256:[A-Za-z0-9+/]{43})$/

/**
 * sales: `restrict`, nothing that loosens it, and the gate as forced command with this very key's fingerprint;
 * admin: no forced command (the login can do all); anything else (someone else's forced command, a gate line
 * without `restrict` or for another key) is "other": the app neither trusts nor denies it.
 */
function roleOf(options: KeyOption[], fingerprint: string): TeamRole {
  const commands = options.filter((o) => o.name === 'command')
  if (commands.length === 0) return 'admin'
  const gate = commands.length === 1 ? GATE_COMMAND.exec(commands[0]!.value ?? '') : null
  const program = gate ? (gate[1] ?? gate[2] ?? '') : ''
  const restricted = options.some((o) => o.name === 'restrict') && !options.some((o) => LOOSENING.has(o.name))
  return gate && program.endsWith(`/${GATE_PROGRAM}`) && gate[3] === fingerprint && restricted ? 'sales' : 'other'
}

const COMMENT = /^(.+) \[(sales|admin)\] shop-manager$/

export function personOf(comment: string): { person: string; role: HostRole } | null {
  const match = COMMENT.exec(comment)
  return match ? { person: match[1]!, role: match[2] as HostRole } : null
}

export function teamComment(person: string, role: HostRole): string {
  return `${person.replace(/[\r\n[\]]/g, ' ').trim()} [${role}] shop-manager`
}

/** The gate's wrapper path as sh reads it in a forced command: bare when safe, else in single quotes. */
function shellWord(path: string): string {
  return /^[\w./-]+$/.test(path) ? path : `'${path}'`
}

/**
 * The options that leave a sales key nothing but the gate: `restrict` (no port, stream-local, agent or X11
 * forwarding, no pty, no ~/.ssh/rc) and the gate as forced command with the role and the key fixed. sshd runs the
 * command with the login's shell, and the forced command also replaces any subsystem (sftp).
 */
export function salesOptions(gateDir: string, fingerprint: string): string {
  // A path sshd or sh would read differently than written is refused rather than escaped into something unclear.
  const unclear = [...gateDir].some((char) => char === '"' || char === "'" || char === '\\' || char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f)
  if (!gateDir.startsWith('/') || unclear) {
    throw new Error(`gate directory ${JSON.stringify(gateDir)} cannot be written into a forced command`)
  }
  return `restrict,command="${shellWord(`${gateDir}/${GATE_PROGRAM}`)} --role=sales --key=${fingerprint}"`
}

/** Options an admin may have put on a line that say nothing about the role: they stay when the role changes. */
const NEUTRAL = new Set(['from', 'expiry-time', 'verify-required'])

function optionText(option: KeyOption): string {
  return option.value === null ? option.name : `${option.name}="${option.value.replace(/"/g, '\\"')}"`
}

/** The line for a key in a role: the role's options, the neutral options it had, its key and its comment. */
function lineFor(key: Omit<KeyLine, 'index' | 'role'>, role: HostRole, gateDir: string, comment = key.comment): string {
  const kept = key.options.filter((o) => NEUTRAL.has(o.name)).map(optionText)
  const options = role === 'sales' ? [salesOptions(gateDir, key.fingerprint), ...kept] : kept
  return [options.join(','), key.type, key.base64, comment].filter(Boolean).join(' ')
}

/**
 * Adds a key in a role at the end (after a newline if the file lacks one), with its comment as pasted; a key
 * already there is not added twice. An admin key is the pasted line as it is.
 */
export function withKey(text: string, publicKeyLine: string, role: HostRole, gateDir: string): string {
  const key = parseLine(publicKeyLine, 0)
  if (!key) throw new Error('not a public key line')
  if (parseAuthorizedKeys(text).some((k) => k.fingerprint === key.fingerprint)) return text
  const base = text.length === 0 || text.endsWith('\n') ? text : `${text}\n`
  return `${base}${lineFor({ ...key, options: [] }, role, gateDir)}\n`
}

/** Rewrites the lines holding the key for a role; all other bytes stay, and so does a line already in that role. */
export function withRole(text: string, fingerprint: string, role: HostRole, gateDir: string): string {
  const keys = new Map(parseAuthorizedKeys(text).map((k) => [k.index, k]))
  return text
    .split('\n')
    .map((line, index) => {
      const key = keys.get(index)
      if (!key || key.fingerprint !== fingerprint || key.role === role) return line
      // A Shop-Manager label follows the role, so the file read by hand says the same.
      const who = personOf(key.comment)
      return lineFor(key, role, gateDir, who ? teamComment(who.person, role) : key.comment)
    })
    .join('\n')
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
