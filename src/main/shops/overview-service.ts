// The shops overview of every host: one watcher per host, started on first ask, dropped with the host's session.
import type { ShopOverview } from '@shared/shops'
import type { ShopEngine } from '../engine/shop-engine'
import { HostOverviewWatcher } from './host-overview'
import type { OverviewCache } from './overview-cache'
import { ShopOverviewWatcher } from './shop-overview'

type Watcher = Pick<ShopOverviewWatcher, 'current' | 'start' | 'refresh' | 'stop'>

/** A host that runs the lifecycle itself sends its overview; otherwise this side builds it from the runtime. */
function watcherFor(engine: ShopEngine, cache: OverviewCache, publish: (overview: ShopOverview) => void): Watcher {
  const { host } = engine
  return host ? new HostOverviewWatcher({ ...engine, host }, cache, publish) : new ShopOverviewWatcher(engine, cache, publish)
}

export class OverviewService {
  private readonly watchers = new Map<string, { engine: ShopEngine; watcher: Watcher }>()

  constructor(
    private readonly engine: (hostId: string) => Promise<ShopEngine>,
    private readonly cache: OverviewCache,
    private readonly publish: (overview: ShopOverview) => void,
  ) {}

  /** The host's shops: the cached list at once, then live; every change is pushed. */
  async overview(hostId: string): Promise<ShopOverview> {
    const engine = await this.engine(hostId)
    const live = this.watchers.get(hostId)
    // A new session (new key, new address, trusted anew) means a new engine: the old watcher goes with the old session.
    if (live && live.engine === engine) return live.watcher.current
    live?.watcher.stop()
    const watcher = watcherFor(engine, this.cache, this.publish)
    this.watchers.set(hostId, { engine, watcher })
    return watcher.start()
  }

  async refresh(hostId: string): Promise<ShopOverview> {
    const live = this.watchers.get(hostId)
    if (!live || live.engine !== (await this.engine(hostId))) return this.overview(hostId)
    return live.watcher.refresh()
  }

  /** Stops following a host (its session is gone or the profile removed). */
  forget(hostId: string): void {
    this.watchers.get(hostId)?.watcher.stop()
    this.watchers.delete(hostId)
  }

  stopAll(): void {
    for (const id of [...this.watchers.keys()]) this.forget(id)
  }
}
