// Turns what ssh2 and the socket report into errors a salesperson or admin can act on.
import { AppError } from '@shared/errors'

export interface Endpoint {
  host: string
  port: number
}

const where = (e: Endpoint): string => `${e.host}:${e.port}`

/** A host that does not answer in time, before or during the handshake. */
const silent = (endpoint: Endpoint, timeoutMs: number, message: string): AppError =>
  new AppError('host_unreachable', message, { say: { key: 'hostSilent', values: { where: where(endpoint), seconds: Math.round(timeoutMs / 1000) } } })

/** A session that was up (or getting there) and is gone: closed, reset, or silent past its keep-alive. */
export function connectionDropped(endpoint: Endpoint): AppError {
  return new AppError('connection_lost', `The connection to ${where(endpoint)} was dropped.`, {
    say: { key: 'connectionDropped', values: { where: where(endpoint) } },
  })
}

/** The app closed this connection (the host was removed or changed): nothing more goes over it. */
export function connectionClosed(endpoint: Endpoint): AppError {
  return new AppError('connection_lost', `The connection to ${where(endpoint)} was closed.`, {
    say: { key: 'connectionClosed', values: { where: where(endpoint) } },
  })
}

export function socketError(error: NodeJS.ErrnoException, endpoint: Endpoint, timeoutMs: number): AppError {
  switch (error.code) {
    case 'ECONNREFUSED':
      return new AppError('host_unreachable', `${where(endpoint)} refused the connection: no SSH server listens on that port.`, {
        say: { key: 'sshRefused', values: { where: where(endpoint) } },
      })
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new AppError('host_unreachable', `The address ${endpoint.host} could not be resolved. Check the host name and the network.`, {
        say: { key: 'hostNotResolved', values: { host: endpoint.host } },
      })
    case 'ETIMEDOUT':
      return silent(endpoint, timeoutMs, `${where(endpoint)} did not answer within ${Math.round(timeoutMs / 1000)} s.`)
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new AppError('host_unreachable', `${where(endpoint)} is not reachable from this network.`, {
        say: { key: 'hostUnreachable', values: { where: where(endpoint) } },
      })
    case 'ECONNRESET':
    case 'EPIPE':
      return connectionDropped(endpoint)
    default:
      return new AppError('host_unreachable', `Could not connect to ${where(endpoint)} (${error.code ?? error.message}).`)
  }
}

/** ssh2 marks its errors with `level`; the message text distinguishes the rest. */
export function sshError(error: Error & { level?: string }, endpoint: Endpoint, timeoutMs: number): AppError {
  if (error instanceof AppError) return error
  if (error.level === 'client-authentication') {
    return new AppError('auth_failed', `${where(endpoint)} rejected the login: the key is not authorised for this user.`, {
      say: { key: 'keyRejected', values: { where: where(endpoint) } },
    })
  }
  if (error.level === 'client-timeout') {
    return silent(endpoint, timeoutMs, `${where(endpoint)} did not complete the SSH handshake within ${Math.round(timeoutMs / 1000)} s.`)
  }
  if ((error as NodeJS.ErrnoException).code) return socketError(error as NodeJS.ErrnoException, endpoint, timeoutMs)
  return new AppError('connection_lost', `SSH connection to ${where(endpoint)} failed: ${error.message}`)
}

/** ssh2's key parser answers with an Error whose text says what is wrong with the key. */
export function keyError(message: string, hasPassphrase: boolean): AppError {
  if (/no passphrase/i.test(message)) return new AppError('passphrase_required', 'The private key is protected by a passphrase; please enter it.')
  if (/passphrase|decrypt|bad decrypt|integrity/i.test(message) && hasPassphrase) {
    return new AppError('passphrase_wrong', 'The passphrase does not unlock the private key.')
  }
  return new AppError('key_invalid', 'The private key could not be read. Use an OpenSSH or PEM key (ed25519 or RSA).')
}
