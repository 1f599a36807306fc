// The renderer's only door to the main process: typed calls that return values or throw AppError.
import type { EventChannel, InvokeChannel } from '@shared/channels'
import type { EventPayload, InvokeInput, InvokeOutput } from '@shared/contract'
import { unwrapEnvelope } from '@shared/errors'

export async function call<C extends InvokeChannel>(channel: C, input?: InvokeInput<C>): Promise<InvokeOutput<C>> {
  const invoke = window.api.invoke as (channel: C, input?: InvokeInput<C>) => ReturnType<typeof window.api.invoke<C>>
  return unwrapEnvelope(await invoke(channel, input))
}

export function onEvent<E extends EventChannel>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
  return window.api.on(event, listener)
}
