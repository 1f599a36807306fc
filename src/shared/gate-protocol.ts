// The gate's protocol, one source for the laptop's client and the gate on the host: a sales key's SSH channel
// carries one request (`shopmgr-gate-v1 <base64url(JSON)>` as the exec command) and answers with NDJSON lines.
// Every field is checked with the app's own rules, so what the wizard accepts the host accepts, and nothing else.
// The last line is always one `result` or one `error` (exit status 0 or 1). watch and follow stream `event` lines
// until the client closes the channel or sends EOF (then `result` null); create and clone stream `progress` lines
// and run to their end even if the channel goes; a revoked key ends any stream with the `keyRevoked` error.
import { z } from 'zod'
import { cloneShopSchema, createShopSchema, imageReference, logsRequestSchema, secretIdField, shopName } from './contract'
import type { DomainCheckResult } from './domain-check'
import { AppError, type FieldIssue } from './errors'
import type { DomainMode } from './hosts'
import type { OperationSnapshot } from './operations'
import { isValidDomain, shopNameProblem } from './shop-rules'
import type { LogLine, ShopOverview, ShopSummary } from './shops'
import type { TemplateSummary } from './templates'

/** The gate's version: hello answers it; host setup installs a gate folder of this name. */
export const GATE_VERSION = '1.0.0'

/** The exec command's first word; a later, incompatible protocol gets a new word beside this one. */
export const GATE_COMMAND = 'shopmgr-gate-v1'

/** A command longer than this is refused before it is decoded (the largest honest request is a few KB). */
export const MAX_GATE_COMMAND = 16 * 1024

/** What a salesperson may ask the host. */
export const gateOps = ['hello', 'list', 'watch', 'create', 'start', 'restart', 'logs', 'follow', 'clone', 'revealLogin', 'domainCheck'] as const
export type GateOp = (typeof gateOps)[number]

/** What only an admin may do: named, so the refusal says "not for you" rather than "unknown". */
export const adminOnlyOps = [
  'stop',
  'remove',
  'delete',
  'edit',
  'update',
  'backup',
  'backups',
  'restore',
  'restoreNew',
  'download',
  'upload',
  'team',
  'setup',
  'publish',
  'revealSecret',
] as const

/** A new shop's name: the app's create field, then the wizard's name rule (no reserved name, no leading digit). */
const newShopName = createShopSchema.shape.name.refine((name) => shopNameProblem(name) === null, 'not an allowed shop name')
const shopDomain = createShopSchema.shape.domain.refine(isValidDomain, 'not a valid domain')
/** The app's template id, but never `.` or `..`: on the host it names a folder below the templates folder. */
const templateId = createShopSchema.shape.templateId.refine((id) => !id.startsWith('.'), 'not a template id')

/**
 * An existing shop: the app's field, and never a reserved name — the host's own stacks (traefik) live beside the
 * shops under those names, and a sales key has no business with their logs, files or containers.
 */
const existingShop = shopName.refine((name) => shopNameProblem(name) === null, 'not a shop name')

const shopRequest = <Op extends string>(op: Op) => z.object({ op: z.literal(op), shop: existingShop }).strict()

export const gateRequestSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('hello') }).strict(),
  z.object({ op: z.literal('list') }).strict(),
  z.object({ op: z.literal('watch') }).strict(),
  z
    .object({
      op: z.literal('create'),
      name: newShopName,
      description: createShopSchema.shape.description,
      templateId,
      domain: shopDomain,
      params: createShopSchema.shape.params,
      image: imageReference.min(1).optional(),
      start: createShopSchema.shape.start,
    })
    .strict(),
  shopRequest('start'),
  shopRequest('restart'),
  z.object({ op: z.literal('logs'), shop: existingShop, service: logsRequestSchema.shape.service, tail: logsRequestSchema.shape.tail }).strict(),
  z.object({ op: z.literal('follow'), shop: existingShop, service: logsRequestSchema.shape.service, tail: logsRequestSchema.shape.tail }).strict(),
  z
    .object({
      op: z.literal('clone'),
      source: existingShop,
      name: newShopName,
      domain: shopDomain,
      description: cloneShopSchema.shape.description,
    })
    .strict(),
  z.object({ op: z.literal('revealLogin'), shop: existingShop, secretId: secretIdField }).strict(),
  z.object({ op: z.literal('domainCheck'), domain: z.string().trim().min(1).max(300) }).strict(),
])

export type GateRequest = z.output<typeof gateRequestSchema>
export type GateRequestInput = z.input<typeof gateRequestSchema>

function toBase64Url(text: string): string {
  let binary = ''
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function fromBase64Url(text: string): string {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'))
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0))
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
}

/** The exec command for a request, checked first: the laptop never sends what the host would refuse as malformed. */
export function encodeGateRequest(request: GateRequestInput): string {
  const parsed = gateRequestSchema.parse(request)
  const command = `${GATE_COMMAND} ${toBase64Url(JSON.stringify(parsed))}`
  if (command.length > MAX_GATE_COMMAND) throw new Error(`The request is larger than ${MAX_GATE_COMMAND} bytes.`)
  return command
}

const badRequest = (reason: string, fields?: FieldIssue[]): AppError =>
  new AppError('invalid_input', `The host refused a malformed request (${reason}).`, {
    say: { key: 'gateBadRequest', values: { reason } },
    ...(fields ? { fields } : {}),
  })

/** A command that is no request of the protocol at all: a shell, `docker ps`, an scp. */
function notProtocol(): AppError {
  return new AppError('forbidden', 'This key may only send Shop-Manager requests to this host: no shell, no commands.', { say: { key: 'gateNotProtocol' } })
}

const BASE64URL = /^[A-Za-z0-9_-]+$/

/** The first word of a command, for the audit line of a refused one (never the rest: it may be anything). */
export function commandWord(command: string | undefined): string {
  return (command ?? '').trim().split(/\s+/, 1)[0]!.slice(0, 40)
}

/**
 * What a refused command seemed to ask, for its audit line only: the op it names (cut to 40 characters; `malformed`
 * when it names none), the shop where it names a valid one; a command that is not the protocol by its first word.
 */
export function refusedAs(command: string | undefined): { op: string; shop: string | null } {
  const word = commandWord(command)
  if (word !== GATE_COMMAND || !command) return { op: word, shop: null }
  if (command.length > MAX_GATE_COMMAND) return { op: 'malformed', shop: null }
  try {
    const value = JSON.parse(fromBase64Url(command.slice(GATE_COMMAND.length + 1))) as Record<string, unknown>
    const op = typeof value.op === 'string' && value.op.length > 0 ? value.op.slice(0, 40) : 'malformed'
    const named = value.shop ?? value.name
    return { op, shop: shopName.safeParse(named).success ? (named as string) : null }
  } catch {
    return { op: 'malformed', shop: null }
  }
}

/**
 * The request a command carries, or a refusal: not the protocol (`forbidden`), an op that is not for a sales key
 * (`forbidden`), or malformed — bad base64, bad JSON, too large, wrong types, fields the op does not have (`invalid_input`).
 */
export function decodeGateRequest(command: string | undefined): GateRequest {
  if (command === undefined || command.length === 0) throw notProtocol()
  if (command.length > MAX_GATE_COMMAND) throw badRequest(`larger than ${MAX_GATE_COMMAND} bytes`)
  const space = command.indexOf(' ')
  if (space < 0 || command.slice(0, space) !== GATE_COMMAND) throw notProtocol()
  const payload = command.slice(space + 1)
  if (!BASE64URL.test(payload)) throw badRequest('not base64url')
  let value: unknown
  try {
    value = JSON.parse(fromBase64Url(payload))
  } catch {
    throw badRequest('not JSON')
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw badRequest('not a JSON object')
  const op = (value as { op?: unknown }).op
  if (typeof op !== 'string') throw badRequest('no op')
  if ((adminOnlyOps as readonly string[]).includes(op)) {
    throw new AppError('forbidden', `A sales key may not ${op} on this host.`, { say: { key: 'gateForbidden', values: { op } } })
  }
  if (!(gateOps as readonly string[]).includes(op)) {
    const shown = op.slice(0, 40)
    throw new AppError('forbidden', `The host does not know the request "${shown}".`, { say: { key: 'gateUnknownOp', values: { op: shown } } })
  }
  const parsed = gateRequestSchema.safeParse(value)
  if (!parsed.success) {
    const fields = parsed.error.issues.slice(0, 10).map((issue) => ({ path: issue.path.join('.') || '(request)', message: issue.message }))
    throw badRequest(fields.map((f) => f.path).join(', '), fields)
  }
  return parsed.data
}

/** The shop a request is about, for the audit line. */
export function requestShop(request: GateRequest): string | null {
  if ('shop' in request) return request.shop
  if ('name' in request) return request.name
  return null
}

// ------------------------------------------------------------------------------------------------- answers

export interface GateHello {
  role: 'sales'
  key: string
  gateVersion: string
  shopDomain: string | null
  domainMode: DomainMode
  /** The templates an admin installed on the host: what the create wizard offers a sales key. */
  templates: TemplateSummary[]
}

/** What each op's `result` line carries. */
export interface GateResults {
  hello: GateHello
  list: ShopSummary[]
  watch: null
  create: OperationSnapshot
  start: null
  restart: null
  logs: LogLine[]
  follow: null
  clone: OperationSnapshot
  revealLogin: { password: string }
  domainCheck: DomainCheckResult
}

/**
 * What a stream's `event` lines carry: the whole overview on every change (watch), or new log lines (follow). An
 * overview read because the client asked for it on the open watch channel carries the number it asked with.
 */
export type GateEvent = { overview: ShopOverview; refresh?: number } | { lines: LogLine[] }

/**
 * The one thing a client may write on an open watch channel: `refresh <n>` and a newline, for a full read answered
 * as an overview event with `refresh: n`. A refresh costs no new channel (no SSH session, no gate start-up).
 */
export const WATCH_REFRESH = 'refresh'

/** The longest input line the gate reads on a watch channel; a longer one ends the stream. */
export const MAX_WATCH_INPUT = 64

/** The number of a `refresh <n>` line, or null for any other line. */
export function parseWatchInput(line: string): number | null {
  const match = /^refresh ([1-9][0-9]{0,8})$/.exec(line)
  return match ? Number(match[1]) : null
}

export const gateErrorLineSchema = z
  .object({
    type: z.literal('error'),
    code: z.string().max(40),
    message: z.string().max(4000),
    say: z.object({ key: z.string().max(60), values: z.record(z.string(), z.union([z.string(), z.number()])).optional() }).optional(),
    fields: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .strict()

export const gateLineSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('progress'), operation: z.custom<OperationSnapshot>((v) => typeof v === 'object' && v !== null) }).strict(),
  z.object({ type: z.literal('event'), event: z.custom<GateEvent>((v) => typeof v === 'object' && v !== null) }).strict(),
  z.object({ type: z.literal('result'), value: z.unknown() }).strict(),
  gateErrorLineSchema,
])
export type GateLine = z.output<typeof gateLineSchema>
export type GateErrorLine = z.output<typeof gateErrorLineSchema>

/** One line of the gate's output, or null for a line that is not one (the client treats that as a broken gate). */
export function parseGateLine(text: string): GateLine | null {
  try {
    const parsed = gateLineSchema.safeParse(JSON.parse(text))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}
