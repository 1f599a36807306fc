// The SSH connection's vocabulary, apart from its implementation so the exec and handshake modules need not
// import the connection that imports them.
import type { Readable } from 'node:stream'
import type { ClientChannel } from 'ssh2'
import type { AppError } from '@shared/errors'
import type { Endpoint } from './ssh-errors'

export interface SshTarget extends Endpoint {
  username: string
  privateKey?: string | Buffer
  passphrase?: string
  /** Path of the user's ssh-agent socket, when the host uses the agent instead of a stored key. */
  agent?: string
  /** SHA256 fingerprint the user confirmed; null means the first connect must ask. */
  pinnedHostKey: string | null
}

export interface SshConnectionOptions {
  connectTimeoutMs: number
  /** A session that answers none of keepaliveCountMax pings sent this far apart is declared dead. */
  keepaliveIntervalMs: number
  keepaliveCountMax: number
  /** Below sshd's MaxSessions (10 by default). */
  maxChannels: number
  backoffInitialMs: number
  backoffMaxMs: number
}

export const defaultSshOptions: SshConnectionOptions = {
  connectTimeoutMs: 8000,
  keepaliveIntervalMs: 5000,
  keepaliveCountMax: 3,
  maxChannels: 8,
  backoffInitialMs: 250,
  backoffMaxMs: 15_000,
}

export type SshState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'closed'

export interface OperationOptions {
  timeoutMs?: number
  signal?: AbortSignal
}

export interface ExecOptions extends OperationOptions {
  env?: Record<string, string>
  /** Written and ended at once; a stream is piped in for as long as it lasts (a guard fed a heartbeat). */
  stdin?: string | Buffer | Readable
  onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void
}

export interface ExecResult {
  code: number | null
  stdout: string
  stderr: string
}

export interface SshConnectionEvents {
  state: [state: SshState, error?: AppError]
  /** A new session is up after a drop: anything derived from the host must be re-read. */
  reconnected: []
}

/** A request's channel (to a forced command such as the gate): its stdout, and its exit status once known. */
export type RequestChannel = ClientChannel & { exited: Promise<number | null> }
