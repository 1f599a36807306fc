// The shops overview of a host that runs the lifecycle itself (a sales key behind the gate): the host sends the
// whole list on every change, this side shows it and caches it. The same face as ShopOverviewWatcher.
import { toAppError } from '@shared/errors'
import type { ShopOverview, ShopSummary } from '@shared/shops'
import type { HostLifecycle, ShopsWatch } from '../engine/host-lifecycle'
import type { ShopEngine } from '../engine/shop-engine'
import type { OverviewCache } from './overview-cache'

/** After a stream that ended by itself, the next try waits this long (a host that keeps refusing is not hammered). */
const RETRY_MS = 1000

export class HostOverviewWatcher {
  private overview: ShopOverview
  private watching: ShopsWatch | null = null
  private stopped = false
  /** Counts the host's pushed lists: a read that was asked before the latest one is older than it. */
  private pushed = 0
  private readonly offReconnected: () => void

  constructor(
    private readonly engine: ShopEngine & { host: HostLifecycle },
    private readonly cache: OverviewCache,
    private readonly publish: (overview: ShopOverview) => void,
  ) {
    this.overview = { hostId: engine.hostId, shops: [], readAt: new Date(0).toISOString(), cached: true }
    this.offReconnected = engine.onReconnected(() => void this.resync())
  }

  get current(): ShopOverview {
    return this.overview
  }

  async start(): Promise<ShopOverview> {
    const cached = await this.cache.load(this.engine.hostId)
    if (cached) this.set(cached)
    await this.resync()
    return this.overview
  }

  async refresh(): Promise<ShopOverview> {
    const asked = this.pushed
    try {
      // On the open stream the host answers at once (and in order with its changes); else one request of its own.
      if (this.watching) {
        const answered = await this.watching.refresh().then(
          () => true,
          () => false,
        )
        if (answered) return this.overview
      }
      const shops = await this.engine.host.shops()
      // A pushed list that came while this read was on its way is newer (a container stopped meanwhile): it stays.
      if (this.pushed === asked) this.show(shops)
    } catch (error) {
      const e = toAppError(error)
      this.set({ ...this.overview, cached: true, error: { code: e.code, message: e.message, ...(e.say ? { say: e.say } : {}) } })
    }
    return this.overview
  }

  stop(): Promise<void> {
    this.stopped = true
    this.offReconnected()
    this.watching?.stop()
    this.watching = null
    return Promise.resolve()
  }

  private async resync(): Promise<void> {
    if (this.stopped) return
    this.subscribe()
    await this.refresh()
  }

  private subscribe(): void {
    this.watching?.stop()
    const watch = this.engine.host.watch(
      (shops) => {
        this.pushed++
        this.show(shops)
      },
      () => {
        if (this.watching !== watch) return
        this.watching = null
        // The host ended the stream (a revoked key is told by refresh; a restarted gate is followed again).
        if (!this.stopped) setTimeout(() => void this.resync(), RETRY_MS).unref()
      },
    )
    this.watching = watch
  }

  private show(shops: ShopSummary[]): void {
    this.set({ hostId: this.engine.hostId, shops, readAt: new Date().toISOString(), cached: false })
    void this.cache.save(this.overview).catch(() => undefined)
  }

  private set(overview: ShopOverview): void {
    if (this.stopped) return
    this.overview = overview
    this.publish(overview)
  }
}
