// The last known connection state of every host, so the status bar and later the overview can show it.
import type { ConnectionState, ConnectionStateName } from '@shared/settings'
import type { EventBus } from '../events'

export class ConnectionRegistry {
  private readonly states = new Map<string, ConnectionState>()

  constructor(
    private readonly events: EventBus,
    private readonly now: () => Date = () => new Date(),
  ) {}

  list(): ConnectionState[] {
    return [...this.states.values()]
  }

  get(hostId: string): ConnectionState {
    return this.states.get(hostId) ?? { hostId, state: 'idle', since: this.now().toISOString() }
  }

  set(hostId: string, state: ConnectionStateName, message?: string): ConnectionState {
    const previous = this.states.get(hostId)
    if (previous && previous.state === state && previous.message === message) return previous
    const next: ConnectionState = { hostId, state, since: this.now().toISOString(), ...(message ? { message } : {}) }
    this.states.set(hostId, next)
    this.events.emit('connection:changed', next)
    return next
  }

  forget(hostId: string): void {
    this.states.delete(hostId)
  }
}
