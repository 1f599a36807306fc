import { describe, expect, it } from 'vitest'
import { AppError } from '@shared/errors'
import { actionError, apiError, isRetried, networkError, withoutSecret, type ApiFailure } from './hetzner-errors'
import { clockTime } from './rate-limit'

const subject = { what: 'the record set shop1/A in example.com', zone: 'example.com' }
const now = 1_800_000_000_000
const failure = (status: number, code: string | null, extra: Partial<ApiFailure> = {}): ApiFailure => ({
  status,
  code,
  message: null,
  details: null,
  correlationId: 'c0ffee',
  ...extra,
})
const map = (f: ApiFailure): AppError => apiError(f, subject, null, now)

describe('apiError', () => {
  it('tells apart a wrong token and a read-only one', () => {
    const wrong = map(failure(401, 'unauthorized'))
    expect(wrong.code).toBe('auth_failed')
    expect(wrong.message).toMatch(/rejected the DNS API token: it is wrong, expired or was deleted/)
    const readOnly = map(failure(401, 'token_readonly'))
    expect(readOnly.code).toBe('forbidden')
    expect(readOnly.message).toMatch(/read-only.*Read & Write/)
  })

  it('turns invalid_input details.fields into fields', () => {
    const error = map(
      failure(422, 'invalid_input', {
        message: 'invalid input in fields',
        details: { fields: [{ name: 'records', messages: ['"x" is not an IPv4 address', 'values must be distinct'] }] },
      }),
    )
    expect(error.code).toBe('invalid_input')
    expect(error.fields).toEqual([{ path: 'records', message: '"x" is not an IPv4 address; values must be distinct' }])
    expect(error.message).toBe('Hetzner did not accept the record set shop1/A in example.com (records: "x" is not an IPv4 address; values must be distinct).')
  })

  it('explains the other documented codes in the words of the subject', () => {
    const cases: Array<[number, string, string, RegExp]> = [
      [403, 'forbidden', 'forbidden', /may not access the record set shop1\/A/],
      [403, 'maintenance', 'dns_failed', /maintenance/],
      [403, 'resource_limit_exceeded', 'forbidden', /reached one of its limits/],
      [404, 'not_found', 'not_found', /^The record set shop1\/A in example\.com does not exist in this Hetzner project\.$/],
      [409, 'uniqueness_error', 'invalid_input', /already exists/],
      [409, 'conflict', 'busy', /changed by someone else/],
      [422, 'incorrect_zone_mode', 'invalid_input', /example\.com is a secondary zone/],
      [423, 'locked', 'busy', /still applying another change to the zone example\.com/],
      [423, 'protected', 'forbidden', /protected against changes/],
      [400, 'json_error', 'internal', /bug in the app/],
      [500, 'server_error', 'dns_failed', /internal error/],
      [502, 'bad_gateway', 'connection_lost', /gateway/],
      [503, 'unavailable', 'dns_failed', /unavailable/],
      [504, 'timeout', 'timeout', /timed out/],
    ]
    for (const [status, code, appCode, message] of cases) {
      const error = map(failure(status, code))
      expect([code, error.code]).toEqual([code, appCode])
      expect(error.message).toMatch(message)
      expect(error.details).toMatchObject({ status: String(status), hetznerCode: code, correlationId: 'c0ffee' })
    }
  })

  it('falls back to the status when the body is not Hetzner JSON', () => {
    expect(map(failure(502, null)).code).toBe('connection_lost')
    expect(map(failure(401, null)).code).toBe('auth_failed')
    expect(map(failure(418, null)).message).toMatch(/answered 418/)
  })

  it('gives the rate limit reset time from the headers', () => {
    const rate = { limit: 4, remaining: 0, resetAt: now + 60_000, seenAt: now }
    const error = apiError(failure(429, 'rate_limit_exceeded'), subject, rate, now)
    expect(error.code).toBe('rate_limited')
    expect(error.message).toContain(`the full quota is back at ${clockTime(now + 60_000)}`)
    expect(error.message).toMatch(/limit of 4 API requests .* used up.*try again in about 15 seconds/)
    expect(error.details?.['resetAt']).toBe(new Date(now + 60_000).toISOString())
  })
})

describe('isRetried, as in Hetzner’s SDK', () => {
  it('retries conflict, rate_limit_exceeded, bad_gateway, timeout and bare 502/504', () => {
    for (const code of ['conflict', 'rate_limit_exceeded', 'bad_gateway', 'timeout']) expect(isRetried({ kind: 'api', api: failure(500, code) })).toBe(true)
    expect(isRetried({ kind: 'api', api: failure(502, null) })).toBe(true)
    expect(isRetried({ kind: 'api', api: failure(504, null) })).toBe(true)
    expect(isRetried({ kind: 'network', timedOut: true })).toBe(true)
  })

  it('does not retry the rest', () => {
    for (const code of ['server_error', 'unavailable', 'locked', 'uniqueness_error', 'invalid_input', 'unauthorized', 'not_found']) {
      expect(isRetried({ kind: 'api', api: failure(500, code) })).toBe(false)
    }
    expect(isRetried({ kind: 'api', api: failure(500, null) })).toBe(false)
    expect(isRetried({ kind: 'api', api: failure(503, null) })).toBe(false)
    expect(isRetried({ kind: 'network', timedOut: false })).toBe(false)
  })
})

describe('network errors and actions', () => {
  it('says a dropped write may or may not have happened', () => {
    const post = networkError(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }), {
      timedOut: false,
      timeoutMs: 15000,
      host: 'api.hetzner.cloud',
      method: 'POST',
    })
    expect(post.code).toBe('connection_lost')
    expect(post.message).toMatch(/dropped before it answered\. A change sent with it may or may not have been made/)
    const get = networkError(Object.assign(new Error('x'), { code: 'ENOTFOUND' }), {
      timedOut: false,
      timeoutMs: 15000,
      host: 'api.hetzner.cloud',
      method: 'GET',
    })
    expect(get.message).toBe('The address api.hetzner.cloud could not be resolved: is this computer online?')
    expect(networkError(new Error('x'), { timedOut: true, timeoutMs: 15000, host: 'h', method: 'GET' }).message).toMatch(/did not answer within 15 s\.$/)
  })

  it("reports a failed action with Hetzner's message", () => {
    const error = actionError(
      { id: 7, command: 'create_rrset', status: 'error', error: { code: 'action_failed', message: 'Zone could not be updated' } },
      'the record set shop1/A in example.com',
    )
    expect(error.message).toBe('Hetzner could not complete the change to the record set shop1/A in example.com: Zone could not be updated')
    expect(error.details).toMatchObject({ actionId: '7', hetznerCode: 'action_failed' })
  })

  it('never lets the token through', () => {
    const token = 'tok3n-secret'
    const error = withoutSecret(
      new AppError('internal', `echo ${token}`, { details: { header: `Bearer ${token}` }, fields: [{ path: 'x', message: token }] }),
      token,
    )
    expect(JSON.stringify(error.toPayload())).not.toContain(token)
    expect(error.message).toBe('echo [token]')
  })
})
