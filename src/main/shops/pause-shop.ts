// Freezes a shop for a consistent copy of its volumes (clone, backup) and brings it back. Pausing through the
// Engine API takes milliseconds. Only the services that can write to the copied volumes are paused: a service
// that mounts them read-only (nginx serving static files) or not at all keeps answering, so Traefik, which routes
// only to healthy containers, keeps the shop reachable (its requests to a paused service simply wait).
//
// Docker reports a paused container unhealthy and calls it healthy again only at its next probe, one health-check
// interval after the unpause (30 s for the b2xproc template). Waiting for that would add up to an interval to every
// clone and backup, so a service counts as back once it runs again and is not failing as the overview sees it
// (listProjectContainers shows such a container as being checked, not unhealthy).
import type Docker from 'dockerode'
import type { HostSession } from '../host/host-session'
import type { StepNote } from '@shared/operations'
import { listProjectContainers } from './discovery'
import { describeContainers } from './status'

export interface PausedShop {
  /** How many running containers were paused (0: none writes to the volumes, or the shop was not running). */
  paused: number
  /** Service → image, as the shop ran. */
  images: Record<string, string>
  /** Unpauses and checks each service is back; says how it went, for the progress. `onUnpaused` marks the moment the freeze ended. */
  resume(onUnpaused?: () => void): Promise<StepNote>
}

type Inspected = Awaited<ReturnType<Docker.Container['inspect']>>

/** Does the container mount one of `volumes` writable? Without a list, every container counts. */
function writes(info: Inspected, volumes: ReadonlySet<string> | null): boolean {
  if (!volumes) return true
  return (info.Mounts ?? []).some((m) => m.Type === 'volume' && m.Name !== undefined && volumes.has(m.Name) && m.RW)
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
      if (frozen.length === 0) return { key: inspected.some(({ c }) => c.state === 'running') ? 'keptRunning' : 'notRunning' }
      await Promise.all(frozen.map((c) => session.docker.getContainer(c.id).unpause()))
      onUnpaused?.()
      const listed = (await listProjectContainers(session.docker, shop)).get(shop) ?? []
      const behind = frozen
        .map((c) => listed.find((l) => l.id === c.id) ?? { ...c, state: 'missing', health: null })
        .filter((c) => c.state !== 'running' || c.health === 'unhealthy')
      return behind.length === 0 ? { key: 'runningAgain' } : { key: 'notYetHealthy', values: { services: describeContainers(behind) } }
    },
  }
}
