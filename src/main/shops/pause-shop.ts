// Freezes a shop for a consistent copy of its volumes (clone, backup) and brings it back. Pausing through the
// Engine API takes milliseconds. Only the services that can write to the copied volumes are paused: a service
// that mounts them read-only (nginx serving static files) or not at all keeps answering, so Traefik, which routes
// only to healthy containers, keeps the shop reachable (its requests to a paused service simply wait).
//
// Docker reports a paused container unhealthy and calls it healthy again only at its next probe, one health-check
// interval after the unpause (30 s for the b2xproc template). Waiting for that would add up to an interval to every
// clone and backup, so a service counts as back once it runs again and no probe has failed: the last probe before
// the pause passed and the failing streak is 0.
import type Docker from 'dockerode'
import type { HostSession } from '../host/host-session'
import { listProjectContainers } from './discovery'

export interface PausedShop {
  /** How many running containers were paused (0: none writes to the volumes, or the shop was not running). */
  paused: number
  /** Service → image, as the shop ran. */
  images: Record<string, string>
  /** Unpauses and checks each service is back; says how it went, for the progress. `onUnpaused` marks the moment the freeze ended. */
  resume(onUnpaused?: () => void): Promise<string>
}

type Inspected = Awaited<ReturnType<Docker.Container['inspect']>>

/** Does the container mount one of `volumes` writable? Without a list, every container counts. */
function writes(info: Inspected, volumes: ReadonlySet<string> | null): boolean {
  if (!volumes) return true
  return (info.Mounts ?? []).some((m) => m.Type === 'volume' && m.Name !== undefined && volumes.has(m.Name) && m.RW)
}

/** Running, and healthy or (right after an unpause) with no failed probe since the last one passed. */
function back(info: Inspected): boolean {
  if (!info.State.Running || info.State.Paused) return false
  const health = info.State.Health
  if (!health || health.Status === 'healthy') return true
  const last = health.Log?.at(-1)
  return health.Status === 'unhealthy' && health.FailingStreak === 0 && last?.ExitCode === 0
}

export async function pauseShop(session: HostSession, shop: string, volumes?: readonly string[]): Promise<PausedShop> {
  const containers = (await listProjectContainers(session.docker, shop)).get(shop) ?? []
  const inspected = await Promise.all(containers.map(async (c) => ({ c, info: await session.docker.getContainer(c.id).inspect() })))
  const images = Object.fromEntries(inspected.map(({ c, info }) => [c.service, info.Config.Image] as const))
  const wanted = volumes ? new Set(volumes) : null
  const frozen = inspected.filter(({ c, info }) => c.state === 'running' && writes(info, wanted)).map(({ c }) => c)
  await Promise.all(frozen.map((c) => session.docker.getContainer(c.id).pause()))
  return {
    paused: frozen.length,
    images,
    async resume(onUnpaused) {
      if (frozen.length === 0) return inspected.some(({ c }) => c.state === 'running') ? 'kept running' : 'not running'
      await Promise.all(frozen.map((c) => session.docker.getContainer(c.id).unpause()))
      onUnpaused?.()
      const after = await Promise.all(frozen.map(async (c) => ({ c, info: await session.docker.getContainer(c.id).inspect() })))
      const behind = after.filter(({ info }) => !back(info)).map(({ c, info }) => `${c.service} ${info.State.Health?.Status ?? info.State.Status}`)
      return behind.length === 0 ? 'running again' : `running again, not yet healthy: ${behind.join(', ')}`
    },
  }
}
