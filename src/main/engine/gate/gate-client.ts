// The laptop's end of the gate: one request per SSH channel (the exec command is the request; sshd hands it to
// the key's forced command), its NDJSON answer read line by line. Progress and stream events go to the caller;
// the result line resolves; an error line is the host's refusal or failure, with its own words (say), as an AppError.
import { createInterface } from 'node:readline'
import { AppError, cancelledError, isErrorSay, type ErrorCode } from '@shared/errors'
import { encodeGateRequest, parseGateLine, type GateLine, type GateOp, type GateRequestInput, type GateResults } from '@shared/gate-protocol'
import type { Readable } from 'node:stream'
import type { OperationOptions } from '../../host/ssh-types'

/** A request's channel as the client needs it: the answer's lines, a way to end it, its exit status. */
export type GateChannel = Readable & { write(text: string): boolean; close(): void; exited: Promise<number | null> }

/** Opens the channel that carries one request (over SSH: an exec channel whose command is the request). */
export type OpenGateChannel = (command: string, options: OperationOptions) => Promise<GateChannel>

export interface GateCall {
  /** Every progress and event line as it comes. */
  onLine?: (line: Extract<GateLine, { type: 'progress' | 'event' }>) => void
  /** Ends the request: the channel closes, and the gate ends what it was doing for it. */
  signal?: AbortSignal
  /** Called once the channel is open, with a way to write a line on it (a watch's refresh). */
  onOpen?: (send: (line: string) => void) => void
  /** For the channel to open (not for a stream's whole life). */
  timeoutMs?: number
}

/** The exit status of a shell that found no such command: the key logs in without a gate (an admin key). */
const NOT_FOUND = 127

export class NotGatedError extends AppError {
  constructor(target: string) {
    super('not_found', `${target} answers this key with a shell, not with Shop-Manager's gate: it is not a sales key there.`)
  }
}

/** The host's refusal or failure in its own words; a say key this app version does not know is left out. */
function hostError(line: Extract<GateLine, { type: 'error' }>): AppError {
  return new AppError(line.code as ErrorCode, line.message, {
    ...(isErrorSay(line.say) ? { say: line.say } : {}),
    ...(line.fields ? { fields: line.fields } : {}),
  })
}

function brokenGate(target: string, why: string): AppError {
  return new AppError('internal', `The gate on ${target} gave no usable answer (${why}).`, { say: { key: 'gateBroken', values: { host: target } } })
}

export class GateClient {
  constructor(
    private readonly open: OpenGateChannel,
    private readonly target: string,
  ) {}

  async request<Op extends GateOp>(request: GateRequestInput & { op: Op }, call: GateCall = {}): Promise<GateResults[Op]> {
    const command = encodeGateRequest(request)
    const channel = await this.open(command, { ...(call.signal ? { signal: call.signal } : {}), timeoutMs: call.timeoutMs ?? 15_000 })
    const close = (): void => void channel.close()
    call.signal?.addEventListener('abort', close, { once: true })
    // The gate reads the channel's end as the client going away; a line written before that is a request on the
    // open stream (only a watch reads them).
    call.onOpen?.((line) => void channel.write(`${line}\n`))
    let result: { value: unknown } | null = null
    let failure: AppError | null = null
    let lines = 0
    try {
      const reader = createInterface({ input: channel, crlfDelay: Infinity })
      for await (const text of reader) {
        if (text.trim() === '') continue
        lines++
        const line = parseGateLine(text)
        if (!line) {
          failure = brokenGate(this.target, `line ${lines} is not the protocol`)
          break
        }
        if (line.type === 'result') result = { value: line.value }
        else if (line.type === 'error') failure = hostError(line)
        else call.onLine?.(line)
        if (result || failure) break
      }
      if (call.signal?.aborted) throw cancelledError()
      if (failure) throw failure
      if (result) return result.value as GateResults[Op]
      const status = await channel.exited
      if (lines === 0 && status === NOT_FOUND) throw new NotGatedError(this.target)
      throw brokenGate(this.target, status === null ? 'the channel closed' : `exit ${status} without an answer`)
    } finally {
      call.signal?.removeEventListener('abort', close)
      close()
    }
  }
}
