// Running commands over an SSH channel: opening with retry, collecting output, deadlines, cancel, and failing
// at once what still waits on a session that died.
import { EventEmitter } from 'node:events'
import { Readable } from 'node:stream'
import type { Client, ClientChannel, SFTPWrapper } from 'ssh2'
import { AppError, cancelledError } from '@shared/errors'
import type { ExecOptions, ExecResult, OperationOptions } from './ssh-types'

/**
 * sshd frees a session slot a moment after the channel closes, so a new channel opened right after another
 * closed can be refused although fewer than MaxSessions are open: retry briefly before giving up.
 */
export async function openExecChannel<T = ClientChannel>(client: Client, command: string, attach?: (channel: ClientChannel) => T, attempts = 6): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await new Promise<T>((resolve, reject) => {
        // A quick command's output, exit status and close can arrive in the same read as the open: whoever
        // listens must attach here, synchronously, not after a promise tick (the exit event would be gone).
        client.exec(command, (error, channel) => (error ? reject(error) : resolve(attach ? attach(channel) : (channel as T))))
      })
    } catch (error) {
      if (attempt >= attempts || !/open failed|open failure/i.test((error as Error).message)) throw error
      await new Promise((resolve) => setTimeout(resolve, 10 * 2 ** attempt))
    }
  }
}

/** Runs argv through `sh -c 'echo $$; exec "$@"'`: the first output line is the pid the command then has. */
export function withPidReport(argv: readonly string[]): string[] {
  return ['sh', '-c', 'echo $$; exec "$@"', 'sh', ...argv]
}

/**
 * Collects a command's output; the pid line from withPidReport is kept apart and never shown as output.
 * A channel that closes without an exit status lost its connection: that rejects with `connection_lost`, the
 * pid in its details, because the command may still be running on the host.
 */
export function collectWithPid(channel: ClientChannel, options: ExecOptions): { result: Promise<ExecResult>; pid: () => string | null } {
  let pid: string | null = null
  let head = ''
  const result = new Promise<ExecResult>((resolve, reject) => {
    let stdout = ''
    let stderr = ''
    let code: number | null = null
    let exited = false
    channel.on('data', (chunk: Buffer) => {
      let text = chunk.toString('utf8')
      if (pid === null) {
        head += text
        const newline = head.indexOf('\n')
        if (newline < 0) return
        pid = head.slice(0, newline).trim()
        text = head.slice(newline + 1)
        if (!text) return
      }
      stdout += text
      options.onOutput?.(text, 'stdout')
    })
    channel.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8')
      stderr += text
      options.onOutput?.(text, 'stderr')
    })
    channel.on('exit', (exitCode: number | null) => {
      exited = true
      code = exitCode
    })
    channel.on('close', () => {
      if (exited || options.signal?.aborted) return resolve({ code, stdout, stderr })
      reject(commandLost(pid))
    })
    const input = options.stdin
    if (input instanceof Readable) input.pipe(channel)
    else if (input !== undefined) channel.end(input)
    else channel.end()
  })
  return { result, pid: () => pid }
}

/** A command whose connection dropped; its pid (when known) lets a caller find it on the host afterwards. */
export function commandLost(pid: string | null): AppError {
  return new AppError('connection_lost', 'The connection dropped while a command ran on the host; it may still be running there.', {
    ...(pid ? { details: { pid } } : {}),
  })
}

/**
 * The death of one SSH session, declared once (keep-alive timeout, close, error, end). Whatever still waits
 * on the session races it, so nothing waits for ssh2 to notice, for an event a dead channel never emits, or
 * for its own timeout.
 */
export class SessionLoss {
  private reason: AppError | undefined
  private readonly waiting = new Set<() => void>()

  /** The error the session died with; undefined while it lives. */
  get error(): AppError | undefined {
    return this.reason
  }

  /** Declares the session dead; true the first time. */
  declare(error: AppError): boolean {
    if (this.reason) return false
    this.reason = error
    const waiting = [...this.waiting]
    this.waiting.clear()
    for (const notify of waiting) notify()
    return true
  }

  /** Runs `notify` once when the session dies (at once if it has); returns a function that stops listening. */
  onLost(notify: () => void): () => void {
    if (this.reason) {
      notify()
      return () => undefined
    }
    this.waiting.add(notify)
    return () => this.waiting.delete(notify)
  }

  /**
   * Settles like `promise`, or rejects with `error()` (the session's error by default) the moment the session
   * dies. A value that still arrives after that goes to `discard` (a channel to close), not to nobody.
   */
  race<T>(promise: Promise<T>, error: () => AppError = () => this.reason!, discard?: (value: T) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let lost = false
      const stop = this.onLost(() => {
        lost = true
        reject(error())
      })
      promise.then(
        (value) => {
          stop()
          if (lost) discard?.(value)
          else resolve(value)
        },
        (failure: unknown) => {
          stop()
          reject(failure)
        },
      )
    })
  }
}

/**
 * The SFTP channel as its users know it, but every call with a callback gets connection_lost the moment the
 * session dies (ssh2 answers a dead channel's requests late, or never for a write stuck behind a full window).
 * Event-emitter methods pass through untouched, so listeners stay removable.
 */
export function guardSftp(sftp: SFTPWrapper, loss: SessionLoss): SFTPWrapper {
  return new Proxy(sftp, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target)
      if (typeof value !== 'function' || property in EventEmitter.prototype) return value
      return (...args: unknown[]) => {
        const callback = args.at(-1)
        if (typeof callback !== 'function') return Reflect.apply(value, target, args)
        let done = false
        const finish = (...result: unknown[]): void => {
          if (done) return
          done = true
          stop()
          Reflect.apply(callback, undefined, result)
        }
        const stop = loss.onLost(() => queueMicrotask(() => finish(loss.error)))
        if (loss.error) return undefined
        args[args.length - 1] = (...result: unknown[]) => finish(...(result[0] && loss.error ? [loss.error] : result))
        return Reflect.apply(value, target, args)
      }
    },
  })
}

/** Rejects on timeout or abort, running `cancel` so the remote side is not left working. */
export function withDeadline<T>(promise: Promise<T>, options: OperationOptions, cancel?: () => void): Promise<T> {
  const { timeoutMs, signal } = options
  if (!timeoutMs && !signal) return promise
  return new Promise<T>((resolve, reject) => {
    const fail = (error: AppError): void => {
      cleanup()
      cancel?.()
      reject(error)
    }
    const timer = timeoutMs
      ? setTimeout(() => fail(new AppError('timeout', `The operation took longer than ${Math.round(timeoutMs / 1000)} s.`)), timeoutMs)
      : undefined
    const onAbort = (): void => fail(cancelledError())
    if (signal?.aborted) return onAbort()
    signal?.addEventListener('abort', onAbort, { once: true })
    const cleanup = (): void => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
    }
    promise.then(
      (value) => {
        cleanup()
        resolve(value)
      },
      (error: unknown) => {
        cleanup()
        reject(error)
      },
    )
  })
}
