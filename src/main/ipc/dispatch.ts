// Turns a raw IPC call into an envelope: checks the channel, parses the input, runs the handler, catches.
// Free of Electron so the same path serves Electron's ipcMain and the end-to-end test bridge.
import type { z } from 'zod'
import { isInvokeChannel, type InvokeChannel } from '@shared/channels'
import { invokeContract, type InvokeOutput, type InvokeParsedInput } from '@shared/contract'
import { AppError, type Envelope, type FieldIssue } from '@shared/errors'

export type InvokeHandlers = {
  [C in InvokeChannel]: (input: InvokeParsedInput<C>) => Promise<InvokeOutput<C>> | InvokeOutput<C>
}

export interface DispatchLogger {
  error(message: string, detail?: unknown): void
}

export type Dispatch = (channel: string, rawInput: unknown) => Promise<Envelope<unknown>>

function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.join('.') || '(input)', message: issue.message }))
}

export function toErrorEnvelope(error: unknown, logger?: DispatchLogger, channel?: string): Envelope<never> {
  if (error instanceof AppError) return { ok: false, error: error.toPayload() }
  // Unexpected failures keep their detail in the main-process log only; the renderer gets a generic message.
  logger?.error(`IPC handler ${channel ?? '?'} failed`, error)
  return { ok: false, error: { code: 'internal', message: 'An unexpected error occurred in the app.' } }
}

export function createDispatch(handlers: InvokeHandlers, logger?: DispatchLogger): Dispatch {
  return async (channel, rawInput) => {
    if (!isInvokeChannel(channel)) {
      return { ok: false, error: { code: 'unknown_channel', message: `Unknown channel: ${String(channel).slice(0, 80)}` } }
    }
    const parsed = invokeContract[channel].input.safeParse(rawInput)
    if (!parsed.success) {
      const fields = fieldIssues(parsed.error)
      return { ok: false, error: { code: 'invalid_input', message: `Invalid input for ${channel}`, fields } }
    }
    try {
      const handler = handlers[channel] as (input: unknown) => unknown
      return { ok: true, value: await handler(parsed.data) }
    } catch (error) {
      return toErrorEnvelope(error, logger, channel)
    }
  }
}
