// A stand-in for Hetzner's Cloud DNS API on 127.0.0.1 (../../../../shared/HETZNER.md): bearer auth with a
// read-write and a read-only token, zones and record sets with Hetzner's validation and pagination, asynchronous
// actions, the rate limit with its three headers, injectable faults, and a log of every call. A client sees
// nothing but a different base URL.
import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { DnsState, HttpError, type EmulatedRRSet, type EmulatedZone } from './dns-state'

export interface EmulatorCall {
  method: string
  /** Below /v1, decoded: `/zones/example.com/rrsets/*.shops/A`. */
  path: string
  /** The query string as sent, with its `?`, or ''. */
  query: string
  /** The request target exactly as sent, still encoded. */
  target: string
  /** The answer's status; 0 for a dropped connection, null while in flight. */
  status: number | null
}

export interface FaultMatch {
  method?: string
  /** Exact decoded path below /v1, or a pattern for it. */
  path: string | RegExp
  /** How many matching requests it hits (default 1). */
  times?: number
}

export interface StatusFault extends FaultMatch {
  status: number
  /** Defaults to the code Hetzner documents for the status (500 server_error, 409 conflict, 423 locked, …). */
  code?: string
  message?: string
  /** Answer like a proxy in front of the API: an HTML page, no error JSON. */
  html?: boolean
}

type Fault = { match: FaultMatch; left: number } & (
  { kind: 'status'; fault: StatusFault } | { kind: 'drop'; afterChange: boolean } | { kind: 'stall'; ms: number }
)

const DEFAULT_CODES: Record<number, string> = {
  400: 'json_error',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  422: 'invalid_input',
  423: 'locked',
  429: 'rate_limit_exceeded',
  500: 'server_error',
  502: 'bad_gateway',
  503: 'unavailable',
  504: 'timeout',
}

/** Hetzner's bucket: `limit` requests, refilled by `perSecond`; Reset says when it is full again. */
class TokenBucket {
  private tokens: number
  private at = Date.now()
  constructor(
    readonly limit: number,
    readonly perSecond: number,
  ) {
    this.tokens = limit
  }

  take(): boolean {
    this.refill()
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }

  headers(): Record<string, string> {
    this.refill()
    const reset = Date.now() / 1000 + (this.limit - this.tokens) / this.perSecond
    return { 'RateLimit-Limit': String(this.limit), 'RateLimit-Remaining': String(Math.floor(this.tokens)), 'RateLimit-Reset': String(Math.ceil(reset)) }
  }

  private refill(): void {
    const now = Date.now()
    this.tokens = Math.min(this.limit, this.tokens + ((now - this.at) / 1000) * this.perSecond)
    this.at = now
  }
}

export class HetznerEmulator {
  /** Base URL to give the client, e.g. http://127.0.0.1:41234/v1. */
  readonly url: string
  readonly tokens = { readWrite: randomBytes(32).toString('hex'), readOnly: randomBytes(32).toString('hex') }
  /** Added before every answer. */
  latencyMs = 0
  readonly calls: EmulatorCall[] = []
  private readonly state = new DnsState({ actionPolls: 0, allowWildcards: true, deleteStatus: 201 })
  private faults: Fault[] = []
  private bucket = new TokenBucket(3600, 1)

  private constructor(private readonly server: Server) {
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`
  }

  static async start(): Promise<HetznerEmulator> {
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const emulator = new HetznerEmulator(server)
    server.on('request', (req, res) => void emulator.handle(req, res))
    return emulator
  }

  /** Polls of an action that still answer `running` (0: the first poll sees it finished). */
  get actionPolls(): number {
    return this.state.options.actionPolls
  }
  set actionPolls(polls: number) {
    this.state.options.actionPolls = polls
  }

  set allowWildcards(allow: boolean) {
    this.state.options.allowWildcards = allow
  }

  /** 200 or 201 for DELETE (unconfirmed which one Hetzner sends). */
  set deleteStatus(status: number) {
    this.state.options.deleteStatus = status
  }

  addZone(name: string, options: { mode?: 'primary' | 'secondary'; ttl?: number } = {}): EmulatedZone {
    return this.state.addZone(name, options)
  }

  putRRSet(zone: string, rrset: Parameters<DnsState['putRRSet']>[1]): void {
    this.state.putRRSet(zone, rrset)
  }

  /** The record set as stored now (a copy), or undefined. */
  rrset(zone: string, name: string, type: string): EmulatedRRSet | undefined {
    return this.state.rrset(zone, name, type)
  }

  /** The next `times` actions end in `error` (and their change is undone). */
  failActions(times: number, error: { code?: string; message?: string } = {}): void {
    this.state.failActions(times, { code: error.code ?? 'action_failed', message: error.message ?? 'Action failed' })
  }

  /** A small bucket lets a test run into 429; the default is Hetzner's 3600 per hour, one back per second. */
  setRateLimit(limit: number, perSecond: number): void {
    this.bucket = new TokenBucket(limit, perSecond)
  }

  fail(fault: StatusFault): void {
    this.faults.push({ match: fault, left: fault.times ?? 1, kind: 'status', fault })
  }

  /** Closes the connection without an answer; with `afterChange` only once the request was carried out (the answer is lost). */
  drop(match: FaultMatch & { afterChange?: boolean }): void {
    this.faults.push({ match, left: match.times ?? 1, kind: 'drop', afterChange: match.afterChange ?? false })
  }

  /** Answers `ms` late (the request is still carried out). */
  stall(match: FaultMatch & { ms: number }): void {
    this.faults.push({ match, left: match.times ?? 1, kind: 'stall', ms: match.ms })
  }

  clearFaults(): void {
    this.faults = []
  }

  resetCalls(): void {
    this.calls.length = 0
  }

  /** Calls that could change something (anything but GET). */
  get writes(): EmulatorCall[] {
    return this.calls.filter((call) => call.method !== 'GET')
  }

  async close(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.on('error', () => undefined)
    const method = req.method ?? 'GET'
    const url = new URL(req.url ?? '/', 'http://emulator')
    const below = url.pathname.startsWith('/v1/') ? url.pathname.slice(3) : null
    const segments = below === null ? null : decodeSegments(below)
    const call: EmulatorCall = { method, path: segments ? `/${segments.join('/')}` : url.pathname, query: url.search, target: req.url ?? '', status: null }
    this.calls.push(call)
    const raw = await readBody(req)
    if (this.latencyMs > 0) await sleep(this.latencyMs)

    const fault = this.takeFault(method, call.path)
    if (fault?.kind === 'drop') {
      if (fault.afterChange && segments) this.carryOut(req, method, segments, url.searchParams, raw)
      call.status = 0
      req.socket.destroy()
      return
    }
    if (fault?.kind === 'stall') await sleep(fault.ms)
    if (fault?.kind === 'status') {
      const { status, code, message, html } = fault.fault
      if (html) return this.send(res, call, status, `<html><body><h1>${status}</h1></body></html>`, 'text/html')
      return this.sendError(res, call, new HttpError(status, code ?? DEFAULT_CODES[status] ?? 'server_error', message ?? 'injected fault'))
    }

    try {
      if (segments === null) throw new HttpError(404, 'not_found', 'not found')
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
      const kind = token === this.tokens.readWrite ? 'rw' : token === this.tokens.readOnly ? 'ro' : null
      if (!kind) throw new HttpError(401, 'unauthorized', 'unable to authenticate')
      if (!this.bucket.take()) throw new HttpError(429, 'rate_limit_exceeded', `limit of ${this.bucket.limit} requests reached`)
      if (kind === 'ro' && method !== 'GET') throw new HttpError(401, 'token_readonly', 'The token you are using is read-only.')
      const body = parseBody(raw)
      const answer = this.state.route(method, segments, url.searchParams, body)
      this.send(res, call, answer.status, JSON.stringify(answer.body))
    } catch (error) {
      if (error instanceof HttpError) this.sendError(res, call, error)
      else this.sendError(res, call, new HttpError(500, 'server_error', 'emulator failure'))
    }
  }

  /** The request's effect without its answer, for an answer lost on the way back. */
  private carryOut(req: IncomingMessage, method: string, segments: string[], query: URLSearchParams, raw: string): void {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
    if (token !== this.tokens.readWrite) return
    try {
      this.state.route(method, segments, query, parseBody(raw))
    } catch {
      // Refused anyway: nothing happened.
    }
  }

  private takeFault(method: string, path: string): Fault | undefined {
    const fault = this.faults.find(
      (f) =>
        f.left > 0 && (!f.match.method || f.match.method === method) && (typeof f.match.path === 'string' ? f.match.path === path : f.match.path.test(path)),
    )
    if (fault) fault.left--
    return fault
  }

  private sendError(res: ServerResponse, call: EmulatorCall, error: HttpError): void {
    this.send(res, call, error.status, JSON.stringify({ error: { code: error.code, message: error.message, details: error.details } }))
  }

  private send(res: ServerResponse, call: EmulatorCall, status: number, body: string, type = 'application/json'): void {
    call.status = status
    if (res.destroyed) return
    res.writeHead(status, { 'Content-Type': type, 'X-Correlation-Id': randomBytes(8).toString('hex'), ...this.bucket.headers() })
    res.end(body)
  }
}

/** The path's segments decoded, or null when it is not below /v1 or not validly encoded. */
function decodeSegments(below: string): string[] | null {
  try {
    return below.split('/').filter(Boolean).map(decodeURIComponent)
  } catch {
    return null
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

function parseBody(raw: string): unknown {
  if (raw.trim() === '') return undefined
  try {
    return JSON.parse(raw)
  } catch {
    throw new HttpError(400, 'json_error', 'request body is not valid JSON')
  }
}
