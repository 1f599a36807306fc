// One persistent SSH connection per host, shared by every feature: TCP_NODELAY, keep-alive, a bound on
// channels, timeouts and cancel on every operation, reconnect with capped backoff, draining on recycle, and
// everything on a session that died failing at once instead of waiting for a channel that never answers.
import { EventEmitter } from 'node:events'
import type { Socket } from 'node:net'
import { Duplex } from 'node:stream'
import type { Client, ClientChannel, SFTPWrapper } from 'ssh2'
import { AppError } from '@shared/errors'
import { ChannelLimiter } from './channel-limiter'
import { commandLine } from './shell-quote'
import { collectWithPid, commandLost, guardSftp, openExecChannel, SessionLoss, withDeadline, withPidReport } from './ssh-exec'
import { sshHandshake } from './ssh-handshake'
import { connectionClosed, connectionDropped, sshError } from './ssh-errors'
import {
  defaultSshOptions,
  type ExecOptions,
  type ExecResult,
  type OperationOptions,
  type RequestChannel,
  type SshConnectionEvents,
  type SshConnectionOptions,
  type SshState,
  type SshTarget,
} from './ssh-types'

/** Errors after which retrying the same credentials cannot help: stop reconnecting and tell the user. */
const FATAL = new Set(['host_key_changed', 'host_key_unknown', 'auth_failed', 'passphrase_required', 'passphrase_wrong', 'key_invalid'])

interface Session {
  client: Client
  socket: Socket
  active: number
  draining: boolean
  /** Declared once when the session dies; every wait on the session races it. */
  loss: SessionLoss
  /** Long-lived channels (Docker sockets) and what gives back their slot; ended with the session. */
  streams: Map<ClientChannel, () => void>
  /** The session's SFTP channel, shared; forgotten when it or the session closes. */
  sftp?: Promise<SFTPWrapper>
}

export class SshConnection extends EventEmitter<SshConnectionEvents> {
  private session: Session | null = null
  private pending: Promise<Session> | null = null
  private stateValue: SshState = 'idle'
  private lastError: AppError | undefined
  private attempt = 0
  private retryTimer: NodeJS.Timeout | undefined
  private readonly limiter: ChannelLimiter
  private forwards = 0
  private readonly options: SshConnectionOptions

  constructor(
    private readonly target: SshTarget,
    options: Partial<SshConnectionOptions> = {},
  ) {
    super()
    this.options = { ...defaultSshOptions, ...options }
    this.limiter = new ChannelLimiter(this.options.maxChannels)
  }

  get state(): SshState {
    return this.stateValue
  }

  get error(): AppError | undefined {
    return this.lastError
  }

  /** Sessions (commands) open now; sshd's MaxSessions counts these. */
  get channelsInUse(): number {
    return this.limiter.inUse
  }

  /** Socket forwards (Docker API) open now; not sessions, so not bounded by MaxSessions. */
  get forwardsOpen(): number {
    return this.forwards
  }

  /** Connects if needed; concurrent callers share one attempt. */
  async connect(): Promise<void> {
    await this.ready()
  }

  /** Runs argv on the host (quoted, never a string built from input) and collects its output. */
  async exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const command = commandLine(withPidReport(argv), options.env)
    return this.withChannel(options, (session) => {
      let opened: { channel: ClientChannel; run: ReturnType<typeof collectWithPid> } | undefined
      let stopped = false
      // Without a terminal, closing the channel leaves a quiet command running on the host: end it by pid.
      const stop = ({ channel, run }: NonNullable<typeof opened>): void => {
        channel.close()
        const pid = run.pid()
        if (pid) void this.exec(['kill', '-TERM', pid], { timeoutMs: 5000 }).catch(() => undefined)
      }
      const opening = openExecChannel(session.client, command, (channel) => ({ channel, run: collectWithPid(channel, options) }))
      opening.then(
        (channel) => {
          opened = channel
          if (stopped) stop(channel)
        },
        () => undefined,
      )
      const result = opening.then(
        ({ run }) => run.result,
        (error: Error) => Promise.reject(this.channelError(error)),
      )
      return {
        // A dead session rejects at once, with the pid if the command had started: it may still run there.
        result: session.loss.race(result, () => commandLost(opened?.run.pid() ?? null)),
        close: () => {
          stopped = true
          if (opened) stop(opened)
        },
      }
    })
  }

  /** A stream to a Unix socket on the host (the Docker socket), through sshd's stream-local forwarding. */
  openUnixSocket(path: string, options: OperationOptions = {}): Promise<Duplex> {
    return this.openStream(options, path, false, (client, callback) => client.openssh_forwardOutStreamLocal(path, callback))
  }

  /** A command's stdin/stdout as one stream, e.g. `docker system dial-stdio` where forwarding is forbidden. */
  openExecStream(argv: readonly string[], options: ExecOptions = {}): Promise<Duplex> {
    const command = commandLine(argv, options.env)
    return this.openStream(options, undefined, true, (client, callback) => {
      openExecChannel(client, command).then(
        (channel) => callback(undefined, channel),
        (error: Error) => callback(error, undefined as unknown as ClientChannel),
      )
    })
  }

  /**
   * A channel whose command string is a request for the host's forced command (the gate), sent as it is: no shell
   * reads it, so it is not quoted, and no pid report wraps it. Its stdout is the stream; `exited` the exit status
   * (null when the channel closed without one), listened for as the channel opens: a quick answer's status can come
   * in the same read as the open.
   */
  openRequestChannel(command: string, options: OperationOptions = {}): Promise<RequestChannel> {
    const attach = (channel: ClientChannel): RequestChannel => {
      const exited = new Promise<number | null>((resolve) => {
        channel.once('exit', (code: number | null) => resolve(typeof code === 'number' ? code : null))
        channel.once('close', () => resolve(null))
      })
      return Object.assign(channel, { exited })
    }
    return this.openStream(options, undefined, true, (client, callback) => {
      openExecChannel(client, command, attach).then(
        (channel) => callback(undefined, channel),
        (error: Error) => callback(error, undefined as unknown as ClientChannel),
      )
    }) as Promise<RequestChannel>
  }

  /**
   * A long-lived channel. A command stream is a session and holds a slot until it closes; a socket forward is
   * not a session for sshd, so idle Docker keep-alive sockets and event streams never starve commands.
   */
  private async openStream(
    options: OperationOptions,
    socketPath: string | undefined,
    isSession: boolean,
    open: (client: Client, callback: (error: Error | undefined, channel: ClientChannel) => void) => void,
  ): Promise<Duplex> {
    const release = isSession
      ? await this.limiter.acquire(options.signal, options.timeoutMs)
      : (() => {
          this.forwards++
          let done = false
          return () => {
            if (!done) this.forwards--
            done = true
          }
        })()
    let session: Session | undefined
    try {
      session = await withDeadline(this.ready(), options)
      const active = session
      active.active++
      const opening = new Promise<ClientChannel>((resolve, reject) => {
        open(active.client, (error, channel) => (error ? reject(error) : resolve(channel)))
      })
      // A channel that opens after its caller stopped waiting (timeout, cancel, dead session) is closed.
      const discard = (): void =>
        void opening.then(
          (channel) => channel.close(),
          () => undefined,
        )
      const stream = await withDeadline(
        active.loss.race(opening, undefined, (channel) => channel.close()),
        options,
        discard,
      )
      let settled = false
      const settle = (): void => {
        if (settled) return
        settled = true
        active.streams.delete(stream)
        release()
        this.finish(active)
      }
      active.streams.set(stream, settle)
      stream.once('close', settle)
      return stream
    } catch (error) {
      release()
      if (session) this.finish(session)
      throw this.channelError(error as Error, socketPath)
    }
  }

  /**
   * The host's SFTP subsystem, opened once per session and shared. Its calls fail with connection_lost the
   * moment the session dies; the next call here opens a new one on the next session.
   */
  async sftp(options: OperationOptions = {}): Promise<SFTPWrapper> {
    const session = await withDeadline(this.ready(), options)
    session.sftp ??= this.openSftp(session)
    return withDeadline(session.sftp, options)
  }

  private openSftp(session: Session): Promise<SFTPWrapper> {
    const opening = new Promise<SFTPWrapper>((resolve, reject) => {
      session.client.sftp((error, sftp) => (error ? reject(this.channelError(error)) : resolve(sftp)))
    })
    const forget = (): void => {
      if (session.sftp === shared) session.sftp = undefined
    }
    const shared = session.loss
      .race(opening, undefined, (sftp) => sftp.end())
      .then(
        (sftp) => {
          sftp.once('close', forget)
          sftp.on('error', forget)
          return guardSftp(sftp, session.loss)
        },
        (error: unknown) => {
          // A failed open is not kept: the next caller tries again.
          forget()
          throw error
        },
      )
    return shared
  }

  /**
   * Opens a fresh session for new work and lets the old one finish what it is doing before it is closed,
   * e.g. after the user changed the key or a long-lived session degraded.
   */
  async recycle(): Promise<void> {
    const old = this.session
    this.session = null
    await this.ready()
    if (old) {
      old.draining = true
      if (old.active === 0) this.endSession(old)
    }
  }

  /**
   * Stops reconnecting; open channels may finish before the session ends, for at most the connect timeout: a
   * channel that never ends (a stream nobody closes) must not hold the connection, and the process, open.
   */
  close(): void {
    clearTimeout(this.retryTimer)
    this.setState('closed')
    const session = this.session
    this.session = null
    if (session) {
      session.draining = true
      if (session.active === 0) this.endSession(session)
      else setTimeout(() => this.endSession(session), this.options.connectTimeoutMs).unref()
    }
  }

  private async withChannel<T>(options: OperationOptions, open: (session: Session) => { result: Promise<T>; close: () => void }): Promise<T> {
    const release = await this.limiter.acquire(options.signal, options.timeoutMs)
    let session: Session | undefined
    try {
      session = await withDeadline(this.ready(), options)
      session.active++
      const { result, close } = open(session)
      return await withDeadline(result, options, close)
    } finally {
      release()
      if (session) this.finish(session)
    }
  }

  private finish(session: Session): void {
    session.active--
    if (session.draining && session.active === 0) this.endSession(session)
  }

  /** Says goodbye; a host that does not answer (frozen) cannot hold the socket open past the connect timeout. */
  private endSession(session: Session): void {
    session.client.end()
    setTimeout(() => session.socket.destroy(), this.options.connectTimeoutMs).unref()
  }

  private channelError(error: Error, socketPath?: string): AppError {
    if (error instanceof AppError) return error
    if (socketPath && /open failed|administratively prohibited|connect failed/i.test(error.message)) {
      return new AppError(
        'docker_unavailable',
        `The host refused a connection to ${socketPath}: the socket is missing, not accessible for this user, or sshd forbids stream-local forwarding.`,
      )
    }
    return sshError(error, this.target, this.options.connectTimeoutMs)
  }

  private ready(): Promise<Session> {
    if (this.session && !this.session.draining) return Promise.resolve(this.session)
    // Closed is closed: a call that comes late (a stream's last re-read, a kill after a cancel) must not open the
    // connection again and hold the process (or the laptop's login) open behind the closed session's back.
    if (this.stateValue === 'closed') return Promise.reject(connectionClosed(this.target))
    if (this.stateValue === 'failed' && this.lastError && FATAL.has(this.lastError.code)) {
      return Promise.reject(this.lastError)
    }
    this.pending ??= this.open().finally(() => {
      this.pending = null
    })
    return this.pending
  }

  private async open(): Promise<Session> {
    clearTimeout(this.retryTimer)
    this.setState(this.attempt > 0 ? 'reconnecting' : 'connecting')
    try {
      const { client, socket } = await sshHandshake(this.target, this.options)
      const session: Session = { client, socket, active: 0, draining: false, loss: new SessionLoss(), streams: new Map() }
      const reconnected = this.attempt > 0 || this.lastError !== undefined
      this.session = session
      this.attempt = 0
      this.lastError = undefined
      // ssh2 reports a dead session in any of these (keep-alive timeout as 'error'); each one ends it.
      const lost = (): void => this.lose(session)
      client.on('close', lost).on('end', lost).on('error', lost)
      if (socket.destroyed) lost()
      this.setState('connected')
      if (reconnected) this.emit('reconnected')
      return session
    } catch (error) {
      const appError = error as AppError
      this.lastError = appError
      if (FATAL.has(appError.code)) this.setState('failed', appError)
      else this.scheduleReconnect(appError)
      throw appError
    }
  }

  /**
   * Ends a session that died: every channel and channel-open on it fails now with connection_lost, its streams
   * end, its SFTP channel is forgotten, and nothing waits for ssh2 to notice any of that by itself.
   */
  private lose(session: Session): void {
    const error = connectionDropped(this.target)
    if (!session.loss.declare(error)) return
    session.socket.destroy()
    session.sftp = undefined
    for (const [stream, settle] of [...session.streams]) {
      settle()
      // ssh2's destroy() of a channel only sends a close the dead host never answers: the HTTP agent would
      // hand the idle socket to the next Docker call, which then waits for good. Destroyed for real, it is
      // skipped, and ssh2 emits its 'close' when it cleans up the session's channels.
      Duplex.prototype.destroy.call(stream)
    }
    if (this.session !== session) return
    this.session = null
    if (this.stateValue === 'closed') return
    this.lastError = error
    this.scheduleReconnect(error)
  }

  private scheduleReconnect(error: AppError): void {
    if (this.stateValue === 'closed') return
    this.setState('reconnecting', error)
    const delay = Math.min(this.options.backoffMaxMs, this.options.backoffInitialMs * 2 ** this.attempt)
    this.attempt++
    clearTimeout(this.retryTimer)
    // Jitter keeps a room full of laptops from reconnecting in lockstep after a server restart.
    this.retryTimer = setTimeout(() => void this.ready().catch(() => undefined), delay * (0.8 + Math.random() * 0.4))
    this.retryTimer.unref()
  }

  private setState(state: SshState, error?: AppError): void {
    if (this.stateValue === state && !error) return
    this.stateValue = state
    this.emit('state', state, error)
  }
}
