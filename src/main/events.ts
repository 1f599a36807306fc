// A typed in-process event bus: services publish, the IPC layer (or the test bridge) forwards to windows.
import type { EventChannel } from '@shared/channels'
import type { EventPayload } from '@shared/contract'

type Listener<E extends EventChannel> = (payload: EventPayload<E>) => void
type AnyListener = (event: EventChannel, payload: unknown) => void

export class EventBus {
  private readonly listeners = new Map<EventChannel, Set<Listener<EventChannel>>>()
  private readonly wildcard = new Set<AnyListener>()

  emit<E extends EventChannel>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners.get(event) ?? []) listener(payload)
    for (const listener of this.wildcard) listener(event, payload)
  }

  on<E extends EventChannel>(event: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(event)
    if (!set) this.listeners.set(event, (set = new Set()))
    set.add(listener as Listener<EventChannel>)
    return () => set.delete(listener as Listener<EventChannel>)
  }

  /** Every event, for forwarding across a process boundary. */
  onAny(listener: AnyListener): () => void {
    this.wildcard.add(listener)
    return () => this.wildcard.delete(listener)
  }
}
