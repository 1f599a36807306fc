// Freezes a shop for a consistent copy of its volumes (clone, backup) and brings it back. Pausing through the
// Engine API takes milliseconds; Docker marks a paused container unhealthy, so "back" means healthy again.
import type { HostSession } from '../host/host-session'
import { listProjectContainers } from './discovery'
import { waitHealthy } from './wait-healthy'

export interface PausedShop {
  /** How many running containers were paused (0: it was not running and stays so). */
  paused: number
  /** Service → image, as the shop ran. */
  images: Record<string, string>
  /**
   * Unpauses and waits until healthy again; says how it went, for the progress. Docker reports a paused container
   * unhealthy and says healthy again only at its next probe (one health-check interval after the unpause), and
   * Traefik routes only to healthy containers: `onUnpaused` marks where the freeze ended and that wait begins.
   */
  resume(onUnpaused?: () => void): Promise<string>
}

const BACK_WITHIN_MS = 60_000

export async function pauseShop(session: HostSession, shop: string): Promise<PausedShop> {
  const containers = (await listProjectContainers(session.docker, shop)).get(shop) ?? []
  const images = Object.fromEntries(await Promise.all(containers.map(async (c) => [c.service, (await session.docker.getContainer(c.id).inspect()).Config.Image] as const)))
  const running = containers.filter((c) => c.state === 'running')
  await Promise.all(running.map((c) => session.docker.getContainer(c.id).pause()))
  return {
    paused: running.length,
    images,
    async resume(onUnpaused) {
      if (running.length === 0) return 'not running'
      await Promise.all(running.map((c) => session.docker.getContainer(c.id).unpause()))
      onUnpaused?.()
      try {
        await waitHealthy(session, shop, { timeoutMs: BACK_WITHIN_MS, pollMs: 250 })
        return 'running again'
      } catch (error) {
        return `running again, not yet healthy: ${(error as Error).message}`
      }
    },
  }
}
