// One host as the shop lifecycle sees it: its runtime (the engine) and its store (the files), with who logs in.
import type { HostRole } from '@shared/hosts'
import type { HostLifecycle } from './host-lifecycle'
import type { ShopRuntime } from './shop-runtime'
import type { ShopStore } from './shop-store'

export interface ShopEngine {
  readonly hostId: string
  /** The role this profile logs in with; the host enforces it, the lifecycle checks it for a friendly message. */
  readonly role: HostRole
  readonly runtime: ShopRuntime
  readonly store: ShopStore
  /** Set when the host runs the lifecycle itself (a sales key behind the gate): then only this is offered. */
  readonly host?: HostLifecycle
  /** Calls `listener` after the connection came back from a drop: anything derived from the host must be re-read. */
  onReconnected(listener: () => void): () => void
}
