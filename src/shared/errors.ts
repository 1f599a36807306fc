// Errors that cross the IPC bridge: a stable code the UI can act on, plus a human message.
export const errorCodes = [
  'invalid_input',
  'forbidden_sender',
  'unknown_channel',
  'not_found',
  'keychain_unavailable',
  'host_unreachable',
  'host_key_unknown',
  'host_key_changed',
  'auth_failed',
  'passphrase_required',
  'passphrase_wrong',
  'key_invalid',
  'connection_lost',
  'docker_unavailable',
  'docker_permission_denied',
  'compose_missing',
  'template_invalid',
  'forbidden',
  'busy',
  'timeout',
  'cancelled',
  'update_rolled_back',
  'restore_rolled_back',
  'rate_limited',
  'dns_failed',
  'disk_full',
  'no_room',
  'registry_failed',
  'internal',
] as const

export type ErrorCode = (typeof errorCodes)[number]

export interface FieldIssue {
  path: string
  message: string
}

/**
 * What an error says in words the renderer has in every language (`errorSay.<key>` with the values put in); the
 * English `message` stays for logs, for tests and for errors that have no such words yet.
 */
export const errorSayKeys = [
  'nameTaken',
  'volumeExists',
  'noShop',
  'neverCreated',
  'busy',
  'adminOnly',
  'confirmDelete',
  'confirmRestore',
  'backupDamaged',
  'imageNotPulled',
  'registryDenied',
  'registryNoCredentials',
  'imageNotFound',
  'registryUnreachable',
  'registryCertificate',
  'helperImageMissing',
  'composeFailed',
  'notHealthy',
  'healthTimeout',
  'cancelled',
  'sshRefused',
  'hostNotResolved',
  'hostSilent',
  'hostUnreachable',
  'connectionDropped',
  'connectionClosed',
  'keyRejected',
  'dnsOldRecord',
  'hetznerToken',
  'hetznerReadOnly',
  'hetznerNoToken',
  'hetznerDown',
  'hetznerRateLimited',
  'hetznerQuotaUsed',
  'hetznerBudget',
  'hetznerUnreachable',
  'hetznerNotResolved',
  'hetznerDropped',
  'hetznerSilent',
  'hetznerActionFailed',
  'hetznerCancelled',
  'noZone',
  'secondaryZone',
  'keysBusy',
  'notPublicKey',
  'ownKey',
  'ownKeyRole',
  'templateFileOutside',
  'templateFileCompose',
  'templateFileSecrets',
  'templateBuildContext',
  'templateImportNoFolder',
  'keyGone',
  'identityExists',
  'identityMissing',
  'notConnectionFile',
  'connectionFileVersion',
  'connectionFileNoHostKey',
  'connectionFileDamaged',
  'connectionFileLocal',
  'exportNeedsHostKey',
  'hostExists',
  'draftDeployed',
  'draftHost',
  'draftGone',
  'notDraftsFile',
  'noAgent',
  'keyMissing',
  'notBackupFolder',
  'backupIncomplete',
  'backupThere',
  'uploadDamaged',
  'noService',
  'noContainers',
  'noRecord',
  'composeMissing',
  'droppedMidway',
  'pauseFailed',
  'dockerMissing',
  'dockerDenied',
  'dockerNoAnswer',
  'listCut',
  'listFailed',
  'localTransfer',
  'diskFull',
  'writeFailed',
  'noProfile',
  'noBackup',
  'dnsDeleteFailed',
  'notLoginSecret',
  'noVolumeToRestore',
  'pauseUnguarded',
  'gateForbidden',
  'gateUnknownOp',
  'gateBadRequest',
  'gateNotProtocol',
  'gateTemplateMissing',
  'keyRevoked',
  'gateBroken',
  'jobFailed',
  'noRoomDisk',
  'noRoomMemory',
  'noLoopbackPort',
] as const
export type ErrorSayKey = (typeof errorSayKeys)[number]

export interface ErrorSay {
  key: ErrorSayKey
  values?: Record<string, string | number>
}

export function isErrorSay(value: unknown): value is ErrorSay {
  if (!value || typeof value !== 'object') return false
  const { key, values } = value as { key?: unknown; values?: unknown }
  if (typeof key !== 'string' || !(errorSayKeys as readonly string[]).includes(key)) return false
  return (
    values === undefined ||
    (typeof values === 'object' && values !== null && Object.values(values).every((v) => typeof v === 'string' || typeof v === 'number'))
  )
}

export interface ErrorPayload {
  code: ErrorCode
  message: string
  fields?: FieldIssue[]
  /** Plain facts the UI may show, e.g. the fingerprint of an unknown host key. Never secrets. */
  details?: Record<string, string>
  say?: ErrorSay
}

export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ErrorPayload }

/** Thrown by services for failures the user should read; anything else becomes `internal`. */
export class AppError extends Error {
  readonly code: ErrorCode
  readonly fields?: FieldIssue[]
  readonly details?: Record<string, string>
  readonly say?: ErrorSay

  constructor(code: ErrorCode, message: string, extra: { fields?: FieldIssue[]; details?: Record<string, string>; say?: ErrorSay } = {}) {
    super(message)
    this.name = 'AppError'
    this.code = code
    if (extra.fields) this.fields = extra.fields
    if (extra.details) this.details = extra.details
    if (extra.say) this.say = extra.say
  }

  toPayload(): ErrorPayload {
    return {
      code: this.code,
      message: this.message,
      ...(this.fields ? { fields: this.fields } : {}),
      ...(this.details ? { details: this.details } : {}),
      ...(this.say ? { say: this.say } : {}),
    }
  }
}

/** A long operation stopped at the user's request. */
export function cancelledError(): AppError {
  return new AppError('cancelled', 'The operation was cancelled.', { say: { key: 'cancelled' } })
}

/** Anything thrown, as an AppError: itself, or `internal` with its message. */
export function toAppError(error: unknown): AppError {
  return error instanceof AppError ? error : new AppError('internal', error instanceof Error ? error.message : String(error))
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
    return new AppError(code, message, {
      ...(Array.isArray(p.fields) ? { fields: p.fields } : {}),
      ...(p.details && typeof p.details === 'object' ? { details: p.details } : {}),
      ...(isErrorSay(p.say) ? { say: p.say } : {}),
    })
  }
  return new AppError('internal', 'Unknown error')
}

export function unwrapEnvelope<T>(envelope: Envelope<T>): T {
  if (envelope && typeof envelope === 'object' && envelope.ok === true) return envelope.value
  throw errorFromPayload(envelope && typeof envelope === 'object' && envelope.ok === false ? envelope.error : undefined)
}
