// A host in memory: the fake runtime reads its compose files from the fake store, as compose reads the shop's
// directory; the role is the test's to choose.
import type { HostRole } from '@shared/hosts'
import { posix } from 'node:path'
import { COMPOSE_FILE } from '../host-layout'
import type { ShopEngine } from '../shop-engine'
import { FakeRuntime } from './fake-runtime'
import { FakeStore } from './fake-store'

export interface FakeEngineOptions {
  hostId?: string
  role?: HostRole
  baseDir?: string
  now?: () => number
}

export class FakeEngine implements ShopEngine {
  readonly hostId: string
  role: HostRole
  readonly store: FakeStore
  readonly runtime: FakeRuntime
  private readonly listeners = new Set<() => void>()

  constructor(options: FakeEngineOptions = {}) {
    this.hostId = options.hostId ?? 'fake-host'
    this.role = options.role ?? 'admin'
    this.store = new FakeStore(options.baseDir, options.now)
    this.runtime = new FakeRuntime((dir) => this.store.fileAt(posix.join(dir, COMPOSE_FILE)) ?? null)
  }

  onReconnected(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => void this.listeners.delete(listener)
  }

  /** The connection came back after a drop. */
  reconnect(): void {
    for (const listener of [...this.listeners]) listener()
  }
}

export function fakeEngine(options: FakeEngineOptions = {}): FakeEngine {
  return new FakeEngine(options)
}
