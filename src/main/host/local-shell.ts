// Runs commands on this machine, for the built-in "Local Docker" host; same contract as SshConnection.exec.
import { spawn } from 'node:child_process'
import { Readable } from 'node:stream'
import { AppError, cancelledError } from '@shared/errors'
import type { ExecOptions, ExecResult } from './ssh-types'

export function execLocal(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  const [command, ...args] = argv
  if (!command) return Promise.reject(new Error('empty command'))
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8')
      options.onOutput?.(chunk.toString('utf8'), 'stdout')
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8')
      options.onOutput?.(chunk.toString('utf8'), 'stderr')
    })
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.name === 'AbortError') reject(cancelledError())
      // A missing program behaves like a shell's "command not found" so callers handle both alike.
      else if (error.code === 'ENOENT') resolve({ code: 127, stdout, stderr: `${command}: not found` })
      else reject(error)
    })
    child.on('close', (code, signal) => {
      if (signal === 'SIGTERM' && options.timeoutMs) reject(new AppError('timeout', `${command} took longer than ${Math.round(options.timeoutMs / 1000)} s.`))
      else resolve({ code, stdout, stderr })
    })
    const input = options.stdin
    if (input instanceof Readable) input.pipe(child.stdin)
    else if (input !== undefined) child.stdin.end(input)
    else child.stdin.end()
  })
}
