// An HTTP agent whose sockets are SSH channels to the host's Docker socket, so dockerode speaks the Engine
// API through the host's one persistent connection. Keep-alive reuses channels between calls.
import { Agent, type AgentOptions, type ClientRequestArgs } from 'node:http'
import { inspect } from 'node:util'
import type { Duplex } from 'node:stream'
import type { OperationOptions } from './ssh-types'

export type OpenStream = (options: OperationOptions) => Promise<Duplex>

type SocketLike = Duplex & {
  setKeepAlive?: () => void
  setNoDelay?: () => void
  setTimeout?: (ms: number, callback?: () => void) => void
  ref?: () => void
  unref?: () => void
}

/** Gives an SSH channel the few net.Socket methods Node's HTTP client calls, with a real idle timeout. */
function asSocket(stream: Duplex): Duplex {
  const socket = stream as SocketLike
  let timer: NodeJS.Timeout | undefined
  let idleMs = 0
  const arm = (): void => {
    clearTimeout(timer)
    if (idleMs > 0) timer = setTimeout(() => socket.emit('timeout'), idleMs).unref()
  }
  socket.on('data', arm)
  socket.once('close', () => clearTimeout(timer))
  socket.setKeepAlive = () => undefined
  socket.setNoDelay = () => undefined
  socket.ref = () => undefined
  socket.unref = () => undefined
  let onTimeout: (() => void) | undefined
  socket.setTimeout = (ms, callback) => {
    idleMs = ms
    // Like net.Socket: a new callback replaces the previous one instead of piling up listeners.
    if (onTimeout) socket.removeListener('timeout', onTimeout)
    onTimeout = ms > 0 ? callback : undefined
    if (onTimeout) socket.once('timeout', onTimeout)
    arm()
  }
  return socket
}

export class DockerTunnelAgent extends Agent {
  private closed = false

  constructor(
    private readonly open: OpenStream,
    options: AgentOptions = {},
  ) {
    // Idle channels are closed after a while so they do not hold sshd sessions forever.
    super({ keepAlive: true, maxSockets: 4, maxFreeSockets: 4, timeout: 30_000, ...options })
  }

  /**
   * docker-modem runs util.inspect(options, {depth: null}) on every request, debug on or off; without this the
   * agent's whole SSH connection is walked each time (~1.3 ms per call, ~6 ms with an event stream open).
   */
  [inspect.custom](): string {
    return 'DockerTunnelAgent'
  }

  /**
   * Ends the idle keep-alive channels and keeps no more: each one counts as open work on the SSH session, which a
   * closed connection waits for before it says goodbye, so an idle pool would hold it (and the process) open.
   */
  close(): void {
    this.closed = true
    for (const sockets of Object.values(this.freeSockets)) for (const socket of sockets ?? []) socket.destroy()
  }

  /** Node's hook: false and the socket is destroyed instead of kept (its types say void; Node reads a boolean). */
  override keepSocketAlive(socket: Duplex): boolean {
    return !this.closed && (super.keepSocketAlive(socket) as unknown as boolean)
  }

  override createConnection(_options: ClientRequestArgs, callback?: (error: Error | null, socket: Duplex) => void): Duplex | null | undefined {
    this.open({ timeoutMs: 10_000 }).then(
      (stream) => callback?.(null, asSocket(stream)),
      (error: Error) => callback?.(error, undefined as unknown as Duplex),
    )
    return undefined
  }
}
