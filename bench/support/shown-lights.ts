// What an overview's store shows, as the UI mirrors it: a benchmark publishes every overview here and waits for a
// shop's light, with the time it was first shown.
import type { ShopOverview } from '../../src/shared/shops'

export class ShownLights {
  private latest: ShopOverview | null = null
  private readonly waiters = new Set<() => void>()

  constructor(private readonly timeoutMs: number) {}

  readonly publish = (overview: ShopOverview): void => {
    this.latest = overview
    for (const wake of this.waiters) wake()
  }

  private light(shop: string): string | undefined {
    return this.latest?.shops.find((s) => s.name === shop)?.light
  }

  /** Resolves with performance.now() when `shop` is first shown `light`; asked before the change. */
  until(shop: string, light: 'red' | 'green', what: string): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const check = (): void => {
        if (this.light(shop) !== light) return
        this.waiters.delete(check)
        clearTimeout(timer)
        resolve(performance.now())
      }
      const timer = setTimeout(() => {
        this.waiters.delete(check)
        reject(new Error(`${what} did not show ${shop} ${light} within ${this.timeoutMs} ms (light: ${this.light(shop) ?? 'not listed'})`))
      }, this.timeoutMs)
      this.waiters.add(check)
    })
  }
}
