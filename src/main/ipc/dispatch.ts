// Turns a raw IPC call into an envelope: checks the channel, parses the input, runs the handler, catches.
// Free of Electron so the same path serves Electron's ipcMain and the end-to-end test bridge.
import type { z } from 'zod'
import { isInvokeChannel, type InvokeChannel } from '@shared/channels'
import { invokeContract, type InvokeOutput, type InvokeParsedInput } from '@shared/contract'
import { AppError, type Envelope, type FieldIssue } from '@shared/errors'
import type { HostRole } from '@shared/hosts'

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

/** The role a host gives the key of the profile a host id names (it may have to ask it); null when there is no such profile. */
export type RoleOf = (hostId: string) => HostRole | null | Promise<HostRole | null>

/**
 * The role a channel declares in the contract, checked before its handler runs, so no handler can forget: an admin
 * channel is refused for a sales profile (and for an input that names no host). A friendly message; the refusal that
 * counts is the host's.
 */
async function checkChannelRole(channel: InvokeChannel, input: unknown, roleOf: RoleOf): Promise<void> {
  const declared = invokeContract[channel].role as 'anyone' | 'admin' | ((input: unknown) => 'anyone' | 'admin')
  const needed = typeof declared === 'function' ? declared(input) : declared
  if (needed === 'anyone') return
  const hostId = (input as { hostId?: unknown } | undefined)?.hostId
  const role = typeof hostId === 'string' ? await roleOf(hostId) : null
  if (role === null) throw new AppError('not_found', 'This host profile no longer exists.', { say: { key: 'noProfile' } })
  if (role !== 'admin') throw new AppError('forbidden', `Only an admin may do this (${channel}) on this host.`, { say: { key: 'adminOnly' } })
}

export function createDispatch(handlers: InvokeHandlers, roleOf: RoleOf, logger?: DispatchLogger): Dispatch {
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
      await checkChannelRole(channel, parsed.data, roleOf)
      const handler = handlers[channel] as (input: unknown) => unknown
      return { ok: true, value: await handler(parsed.data) }
    } catch (error) {
      return toErrorEnvelope(error, logger, channel)
    }
  }
}
