// Keeps one host's shop list true: a full read on start and after every reconnect, then the runtime's stream of
// container changes (no polling). Publishes every change and caches the list on disk.
import { toAppError } from '@shared/errors'
import type { ShopOverview, ShopSummary } from '@shared/shops'
import type { ShopEngine } from '../engine/shop-engine'
import { buildShop, discoverShops } from './discovery'
import type { OverviewCache } from './overview-cache'

export interface ShopOverviewOptions {
  now?: () => Date
}

export class ShopOverviewWatcher {
  private overview: ShopOverview
  private stopWatch: (() => void) | null = null
  private readonly pendingProjects = new Set<string>()
  /** The re-read of changed shops on its way, if any. */
  private reading: Promise<void> | null = null
  private stopped = false
  private readonly now: () => Date
  private readonly offReconnected: () => void
  /** Engine calls made, for the benchmark's "calls per refresh". */
  apiCalls = 0

  constructor(
    private readonly engine: ShopEngine,
    private readonly cache: OverviewCache,
    private readonly publish: (overview: ShopOverview) => void,
    options: ShopOverviewOptions = {},
  ) {
    this.now = options.now ?? (() => new Date())
    this.overview = { hostId: engine.hostId, shops: [], readAt: new Date(0).toISOString(), cached: true }
    this.offReconnected = engine.onReconnected(() => void this.resync())
  }

  get current(): ShopOverview {
    return this.overview
  }

  /** Shows the cached list at once, then reads the host and starts following its changes. */
  async start(): Promise<ShopOverview> {
    const cached = await this.cache.load(this.engine.hostId)
    if (cached) this.set(cached)
    await this.resync()
    return this.overview
  }

  /**
   * Resolves once the re-read on its way, if any, has landed. A session is closed after that: a call that opens
   * its channel after the close would open the connection again.
   */
  stop(): Promise<void> {
    this.stopped = true
    this.pendingProjects.clear()
    this.offReconnected()
    this.stopWatch?.()
    this.stopWatch = null
    return this.reading ?? Promise.resolve()
  }

  /**
   * A full read; on failure the last known list stays, marked cached, with the reason. `publish: false` for a
   * caller that hands the answer on itself (the gate answering a client's refresh).
   */
  async refresh(options: { publish?: boolean } = {}): Promise<ShopOverview> {
    try {
      this.apiCalls += 2
      const shops = await discoverShops(this.engine)
      this.set({ hostId: this.engine.hostId, shops, readAt: this.now().toISOString(), cached: false }, options.publish)
      void this.cache.save(this.overview).catch(() => undefined)
    } catch (error) {
      const e = toAppError(error)
      this.set({ ...this.overview, cached: true, error: { code: e.code, message: e.message, ...(e.say ? { say: e.say } : {}) } }, options.publish)
    }
    return this.overview
  }

  private async resync(): Promise<void> {
    if (this.stopped) return
    // Subscribe first, then read: a change between the two shows up as an event rather than being lost.
    await this.subscribe().catch(() => undefined)
    await this.refresh()
  }

  private async subscribe(): Promise<void> {
    this.stopWatch?.()
    this.stopWatch = null
    this.apiCalls++
    let current: (() => void) | null = null
    const stop = await this.engine.runtime.watch(
      (projects) => this.onChange(projects),
      () => {
        if (this.stopWatch !== current) return
        this.stopWatch = null
        // The stream ended without a reconnect (e.g. dockerd restarted): follow again and re-read.
        if (!this.stopped) setTimeout(() => void this.resync(), 1000).unref()
      },
    )
    if (this.stopped) return stop()
    current = stop
    this.stopWatch = stop
  }

  /**
   * The first event is read at once (no wait for more); the events that come while a read is on its way are read
   * together right after it. So a burst costs a read or two, and two re-reads never overlap (an older one could land last).
   */
  private onChange(projects: string[]): void {
    for (const project of projects) this.pendingProjects.add(project)
    this.reading ??= this.readChanged().finally(() => (this.reading = null))
  }

  private async readChanged(): Promise<void> {
    while (this.pendingProjects.size > 0 && !this.stopped) await this.flush()
  }

  /** Re-reads only the projects that changed: one container list per burst, not per shop. */
  private async flush(): Promise<void> {
    const projects = [...this.pendingProjects]
    this.pendingProjects.clear()
    const known = new Set(this.overview.shops.map((s) => s.name))
    if (projects.some((p) => !known.has(p))) {
      // A new project may be a new shop directory: read the directories too.
      await this.refresh()
      return
    }
    try {
      this.apiCalls++
      const containers = await this.engine.runtime.containers(projects.length === 1 ? projects[0] : undefined)
      const shops = this.overview.shops.map((shop): ShopSummary =>
        projects.includes(shop.name)
          ? buildShop(
              shop.hostId,
              { name: shop.name, metadata: metadataOf(shop), failure: shop.failure ? { ...shop.failure } : null },
              containers.get(shop.name) ?? [],
            )
          : shop,
      )
      this.set({ ...this.overview, shops, readAt: this.now().toISOString(), cached: false })
      void this.cache.save(this.overview).catch(() => undefined)
    } catch {
      await this.refresh()
    }
  }

  private set(overview: ShopOverview, publish = true): void {
    this.overview = overview
    if (publish) this.publish(overview)
  }
}

/** What the host's files said about a shop, kept while only its containers change. */
function metadataOf(shop: ShopSummary): Record<string, unknown> {
  return {
    domain: shop.domain,
    template: shop.template,
    description: shop.description,
    createdAt: shop.createdAt,
    createdBy: shop.createdBy,
    params: shop.params,
    image: shop.image,
    clonedFrom: shop.clonedFrom,
    loopbackPort: shop.loopbackPort,
  }
}
