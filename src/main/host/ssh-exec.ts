// Running commands over an SSH channel: opening with retry, collecting output, deadlines and cancel.
import type { Client, ClientChannel } from 'ssh2'
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
      reject(
        new AppError('connection_lost', 'The connection dropped while a command ran on the host; it may still be running there.', {
          ...(pid ? { details: { pid } } : {}),
        }),
      )
    })
    if (options.stdin !== undefined) channel.end(options.stdin)
    else channel.end()
  })
  return { result, pid: () => pid }
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
    const timer = timeoutMs ? setTimeout(() => fail(new AppError('timeout', `The operation took longer than ${Math.round(timeoutMs / 1000)} s.`)), timeoutMs) : undefined
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
