// Turns Hetzner's answers and network failures into errors a salesperson or admin can act on, and says which of
// them are retried: exactly those Hetzner's own SDK (hcloud-go) retries — the codes conflict, rate_limit_exceeded,
// bad_gateway and timeout, a 502/504 without Hetzner's error body, and network timeouts. Nothing else.
import { AppError, type ErrorCode, type ErrorSay, type FieldIssue } from '@shared/errors'
import { invalidFieldsSchema, type Action } from './hetzner-schema'
import { availableNow, clockTime, describeWait, msUntilAvailable, waitSeconds, type RateLimit } from './rate-limit'

export interface ApiFailure {
  status: number
  /** Hetzner's error code; null when the body was not Hetzner's error JSON (a proxy's error page, say). */
  code: string | null
  message: string | null
  details: unknown
  correlationId: string | null
}

export type Failure = { kind: 'api'; api: ApiFailure } | { kind: 'network'; timedOut: boolean }

/** What a call was about, for messages: `what` reads "the record set shop1/A in example.com". */
export interface Subject {
  what: string
  zone?: string
}

const RETRIED_CODES = new Set(['conflict', 'rate_limit_exceeded', 'bad_gateway', 'timeout'])

export function isRetried(failure: Failure): boolean {
  if (failure.kind === 'network') return failure.timedOut
  if (failure.api.code !== null) return RETRIED_CODES.has(failure.api.code)
  return failure.api.status === 502 || failure.api.status === 504
}

const capital = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1)

function facts(api: ApiFailure): Record<string, string> {
  return {
    status: String(api.status),
    ...(api.code ? { hetznerCode: api.code } : {}),
    ...(api.correlationId ? { correlationId: api.correlationId } : {}),
  }
}

function fieldIssues(details: unknown): FieldIssue[] {
  const parsed = invalidFieldsSchema.safeParse(details)
  if (!parsed.success) return []
  return parsed.data.fields.map((field) => ({ path: field.name, message: field.messages.join('; ') || 'invalid' }))
}

/** Before a change of several writes: the bucket has too few requests left and refills too slowly to wait. */
export function budgetError(rate: RateLimit, needed: number, now: number): AppError {
  const left = Math.floor(availableNow(rate, now))
  return new AppError(
    'rate_limited',
    `This change needs ${needed} requests to Hetzner's API, but only ${left} of the project's limit of ${rate.limit} are left right now. ` +
      `It refills by itself: try again in about ${describeWait(msUntilAvailable(rate, needed, now))}; the full quota is back at ${clockTime(rate.resetAt)}. No record was changed.`,
    {
      details: { resetAt: new Date(rate.resetAt).toISOString(), limit: String(rate.limit), remaining: String(left) },
      say: {
        key: 'hetznerBudget',
        values: { needed, left, limit: rate.limit, seconds: waitSeconds(msUntilAvailable(rate, needed, now)), at: clockTime(rate.resetAt) },
      },
    },
  )
}

export function rateLimitedError(rate: RateLimit | null, now: number, extra: Record<string, string> = {}): AppError {
  if (!rate) {
    return new AppError('rate_limited', "Hetzner's API request limit for this project is used up. It refills by itself; try again in a few minutes.", {
      details: extra,
      say: { key: 'hetznerQuotaUsed' },
    })
  }
  const next = msUntilAvailable(rate, 1, now)
  return new AppError(
    'rate_limited',
    `Hetzner's limit of ${rate.limit} API requests for this project is used up. It refills by itself: try again in about ` +
      `${describeWait(next)}; the full quota is back at ${clockTime(rate.resetAt)}.`,
    {
      details: { ...extra, resetAt: new Date(rate.resetAt).toISOString(), limit: String(rate.limit), remaining: String(rate.remaining) },
      say: { key: 'hetznerRateLimited', values: { seconds: waitSeconds(next), at: clockTime(rate.resetAt) } },
    },
  )
}

/** An error answer from the API as a sentence; `rate` is the rate limit that answer reported. */
export function apiError(api: ApiFailure, subject: Subject, rate: RateLimit | null, now: number): AppError {
  const details = facts(api)
  const what = subject.what
  const make = (code: ErrorCode, message: string, fields?: FieldIssue[], say?: ErrorSay): AppError =>
    new AppError(code, message, { details, ...(fields && fields.length > 0 ? { fields } : {}), ...(say ? { say } : {}) })
  switch (api.code ?? statusCode(api.status)) {
    case 'unauthorized':
      return make(
        'auth_failed',
        'Hetzner rejected the DNS API token: it is wrong, expired or was deleted. Create an API token (Read & Write) for the project in Hetzner Console and enter it in the DNS settings.',
        undefined,
        { key: 'hetznerToken' },
      )
    case 'token_readonly':
      return make(
        'forbidden',
        'The Hetzner API token is read-only: it can read DNS records but not change them. Create a token with Read & Write permission in Hetzner Console and enter it in the DNS settings.',
        undefined,
        { key: 'hetznerReadOnly' },
      )
    case 'forbidden':
      return make('forbidden', `The Hetzner API token may not access ${what}.`)
    case 'maintenance':
      return make('dns_failed', "Hetzner's API is down for maintenance; try again later.", undefined, { key: 'hetznerDown' })
    case 'resource_limit_exceeded':
      return make('forbidden', `The Hetzner project has reached one of its limits, so ${what} cannot be changed.${quoted(api.message)}`)
    case 'not_found':
      return make('not_found', `${capital(what)} does not exist in this Hetzner project.`)
    case 'uniqueness_error':
      return make('invalid_input', `${capital(what)} already exists at Hetzner.`)
    case 'conflict':
      return make('busy', `${capital(what)} was being changed by someone else at the same moment; try again.`)
    case 'invalid_input': {
      const fields = fieldIssues(api.details)
      const list = fields.map((field) => `${field.path}: ${field.message}`).join('; ')
      return make('invalid_input', `Hetzner did not accept ${what}${list ? ` (${list})` : quoted(api.message, ':')}.`, fields)
    }
    case 'incorrect_zone_mode':
      return make(
        'invalid_input',
        `${subject.zone ? `The zone ${subject.zone}` : 'This zone'} is a secondary zone: its records come from another name server and cannot be changed through Hetzner.`,
        undefined,
        { key: 'secondaryZone', values: { zone: subject.zone ?? '—' } },
      )
    case 'locked':
      return make('busy', `Hetzner is still applying another change to ${subject.zone ? `the zone ${subject.zone}` : what}; try again in a moment.`)
    case 'protected':
      return make('forbidden', `${capital(what)} is protected against changes in Hetzner Console; remove the protection there first.`)
    case 'rate_limit_exceeded':
      return rateLimitedError(rate, now, details)
    case 'json_error':
      return make('internal', 'Hetzner could not read the request the app sent (json_error). This is a bug in the app.')
    case 'bad_gateway':
      return make('connection_lost', "Hetzner's API could not be reached behind its gateway (502); try again in a moment.")
    case 'timeout':
      return make('timeout', `Hetzner's API timed out while working on ${what}; try again in a moment.`)
    case 'unavailable':
      return make('dns_failed', "Hetzner's API is unavailable at the moment; try again in a few minutes.", undefined, { key: 'hetznerDown' })
    case 'server_error':
      return make('dns_failed', `Hetzner's API had an internal error while working on ${what}; try again later.${quoted(api.message)}`)
    default:
      return make('internal', `Hetzner's API answered ${api.status} for ${what}.${quoted(api.message)}`)
  }
}

/** The documented code a status stands for when the body did not say (a proxy's page, a bare status). */
function statusCode(status: number): string {
  const byStatus: Record<number, string> = {
    400: 'json_error',
    401: 'unauthorized',
    403: 'forbidden',
    404: 'not_found',
    409: 'conflict',
    422: 'invalid_input',
    423: 'locked',
    429: 'rate_limit_exceeded',
    502: 'bad_gateway',
    503: 'unavailable',
    504: 'timeout',
  }
  return byStatus[status] ?? (status >= 500 ? 'server_error' : `status_${status}`)
}

function quoted(message: string | null, lead = ''): string {
  return message ? `${lead} Hetzner says: "${message.slice(0, 200)}"` : ''
}

/** 0.2 s, 15 s: short deadlines (tests, a tight setting) must not read "0 s". */
function seconds(ms: number): string {
  return ms >= 10_000 ? `${Math.round(ms / 1000)} s` : `${Number((ms / 1000).toFixed(1))} s`
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT'])

export function isNetworkTimeout(error: unknown): boolean {
  const e = error as { code?: unknown; name?: unknown }
  return e?.name === 'TimeoutError' || (typeof e?.code === 'string' && TIMEOUT_CODES.has(e.code))
}

const MAYBE_APPLIED = ' A change sent with it may or may not have been made; trying again is safe, the app reads the records first.'

/** A request that got no answer. Never quotes the underlying message: it could echo request headers. */
export function networkError(error: unknown, context: { timedOut: boolean; timeoutMs: number; host: string; method: string }): AppError {
  const maybe = context.method === 'GET' ? '' : MAYBE_APPLIED
  if (context.timedOut) {
    return new AppError('timeout', `Hetzner's API (${context.host}) did not answer within ${seconds(context.timeoutMs)}.${maybe}`, {
      say: { key: 'hetznerSilent', values: { host: context.host, seconds: seconds(context.timeoutMs) } },
    })
  }
  const code = String((error as { code?: unknown })?.code ?? (error as Error)?.name ?? 'unknown')
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new AppError('connection_lost', `The address ${context.host} could not be resolved: is this computer online?`, {
        say: { key: 'hetznerNotResolved', values: { host: context.host } },
      })
    case 'ECONNREFUSED':
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return new AppError('connection_lost', `Hetzner's API (${context.host}) cannot be reached from this network.`, {
        say: { key: 'hetznerUnreachable', values: { host: context.host } },
      })
    case 'UND_ERR_SOCKET':
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_CLOSED':
      return new AppError('connection_lost', `The connection to Hetzner's API dropped before it answered.${maybe}`, { say: { key: 'hetznerDropped' } })
    default:
      return new AppError('connection_lost', `Could not talk to Hetzner's API (${context.host}, ${code}).${maybe}`)
  }
}

export function cancelledError(method: string): AppError {
  return method === 'GET'
    ? new AppError('cancelled', 'Cancelled.', { say: { key: 'cancelled' } })
    : new AppError('cancelled', 'Cancelled; a change already sent to Hetzner may still be applied.', { say: { key: 'hetznerCancelled' } })
}

/** An action Hetzner finished with an error; its own message says what went wrong. */
export function actionError(action: Action, what: string): AppError {
  const reason = action.error?.message ?? 'no reason given'
  return new AppError('dns_failed', `Hetzner could not complete the change to ${what}: ${reason}`, {
    say: { key: 'hetznerActionFailed', values: { reason } },
    details: { actionId: String(action.id), command: action.command, ...(action.error ? { hetznerCode: action.error.code } : {}) },
  })
}

export function actionTimeoutError(action: Action, what: string, timeoutMs: number): AppError {
  return new AppError('timeout', `Hetzner had not finished the change to ${what} after ${seconds(timeoutMs)}. It may still complete; look again in a moment.`, {
    details: { actionId: String(action.id), command: action.command },
  })
}

/** Defence in depth: whatever text came back, the token never leaves in an error. */
export function withoutSecret(error: AppError, secret: string): AppError {
  if (!secret) return error
  const clean = (text: string): string => text.split(secret).join('[token]')
  const dirty =
    error.message.includes(secret) ||
    Object.values(error.details ?? {}).some((v) => v.includes(secret)) ||
    (error.fields ?? []).some((f) => f.message.includes(secret) || f.path.includes(secret)) ||
    Object.values(error.say?.values ?? {}).some((v) => String(v).includes(secret))
  if (!dirty) return error
  const say = error.say
  return new AppError(error.code, clean(error.message), {
    ...(error.fields ? { fields: error.fields.map((f) => ({ path: clean(f.path), message: clean(f.message) })) } : {}),
    ...(error.details ? { details: Object.fromEntries(Object.entries(error.details).map(([k, v]) => [k, clean(v)])) } : {}),
    ...(say
      ? {
          say: {
            key: say.key,
            ...(say.values ? { values: Object.fromEntries(Object.entries(say.values).map(([k, v]) => [k, typeof v === 'string' ? clean(v) : v])) } : {}),
          },
        }
      : {}),
  })
}
