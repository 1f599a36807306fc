// Errors that cross the IPC bridge: a stable code the UI can act on, plus a human message.
export const errorCodes = [
  'invalid_input',
  'forbidden_sender',
  'unknown_channel',
  'not_found',
  'keychain_unavailable',
  'internal',
] as const

export type ErrorCode = (typeof errorCodes)[number]

export interface FieldIssue {
  path: string
  message: string
}

export interface ErrorPayload {
  code: ErrorCode
  message: string
  fields?: FieldIssue[]
}

export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ErrorPayload }

/** Thrown by services for failures the user should read; anything else becomes `internal`. */
export class AppError extends Error {
  readonly code: ErrorCode
  readonly fields?: FieldIssue[]

  constructor(code: ErrorCode, message: string, fields?: FieldIssue[]) {
    super(message)
    this.name = 'AppError'
    this.code = code
    if (fields) this.fields = fields
  }

  toPayload(): ErrorPayload {
    return this.fields ? { code: this.code, message: this.message, fields: this.fields } : { code: this.code, message: this.message }
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (errorCodes as readonly string[]).includes(value)
}

/** Rebuilds the typed error on the receiving side; a malformed payload still yields a usable error. */
export function errorFromPayload(payload: unknown): AppError {
  if (payload && typeof payload === 'object') {
    const p = payload as Partial<ErrorPayload>
    const code = isErrorCode(p.code) ? p.code : 'internal'
    const message = typeof p.message === 'string' ? p.message : 'Unknown error'
    return new AppError(code, message, Array.isArray(p.fields) ? p.fields : undefined)
  }
  return new AppError('internal', 'Unknown error')
}

export function unwrapEnvelope<T>(envelope: Envelope<T>): T {
  if (envelope && typeof envelope === 'object' && envelope.ok === true) return envelope.value
  throw errorFromPayload(envelope && typeof envelope === 'object' && envelope.ok === false ? envelope.error : undefined)
}
