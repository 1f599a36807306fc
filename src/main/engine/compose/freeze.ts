// Freezes a shop for a consistent copy of its volumes (clone, backup) and brings it back. Pausing through the
// Engine API takes milliseconds; a guard on the host unpauses by itself should the connection drop meanwhile. Only the services that can write to the copied volumes are paused: a service
// that mounts them read-only (nginx serving static files) or not at all keeps answering, so Traefik, which routes
// only to healthy containers, keeps the shop reachable (its requests to a paused service simply wait).
//
// Docker reports a paused container unhealthy and calls it healthy again only at its next probe, one health-check
// interval after the unpause (30 s for the b2xproc template). Waiting for that would add up to an interval to every
// clone and backup, so a service counts as back once it runs again and is not failing as the overview sees it
// (listProjectContainers shows such a container as being checked, not unhealthy).
import type Docker from 'dockerode'
import { AppError } from '@shared/errors'
import type { ShopContainer } from '@shared/shops'
import type { FrozenShop } from '../shop-runtime'
import { describeContainers } from '../shop-status'
import { listProjectContainers } from './containers'
import type { PauseGuard } from './pause-guard'

type Inspected = Awaited<ReturnType<Docker.Container['inspect']>>

/** Does the container mount one of `volumes` writable? Without a list, every container counts. */
function writes(info: Inspected, volumes: ReadonlySet<string> | null): boolean {
  if (!volumes) return true
  return (info.Mounts ?? []).some((m) => m.Type === 'volume' && m.Name !== undefined && volumes.has(m.Name) && m.RW)
}

/** Pauses every container given; if one cannot be paused, those already paused are unpaused again before it fails. */
async function pauseAll(docker: Docker, containers: readonly ShopContainer[]): Promise<void> {
  const results = await Promise.allSettled(containers.map((c) => docker.getContainer(c.id).pause()))
  const failed = results.findIndex((r) => r.status === 'rejected')
  if (failed < 0) return
  await Promise.allSettled(containers.filter((_, i) => results[i]!.status === 'fulfilled').map((c) => docker.getContainer(c.id).unpause()))
  const reason = ((results[failed] as PromiseRejectedResult).reason as Error)?.message ?? 'unknown'
  throw new AppError('internal', `The service ${containers[failed]!.service} could not be paused for the copy (${reason}); nothing stays paused.`, {
    say: { key: 'pauseFailed', values: { service: containers[failed]!.service, reason } },
  })
}

/** Starts the host's guard over a pause of these containers (see pause-guard.ts). */
export type GuardStarter = (containers: readonly string[]) => Promise<PauseGuard>

/** Unpauses a container; one the host's guard already unpaused (its heartbeat came late) is back as wanted. */
async function unpause(docker: Docker, id: string): Promise<void> {
  try {
    await docker.getContainer(id).unpause()
  } catch (error) {
    if (!/is not paused/.test((error as Error).message)) throw error
  }
}

export async function freezeShop(docker: Docker, shop: string, volumes: readonly string[] | undefined, guard: GuardStarter): Promise<FrozenShop> {
  const containers = (await listProjectContainers(docker, shop)).get(shop) ?? []
  const inspected = await Promise.all(containers.map(async (c) => ({ c, info: await docker.getContainer(c.id).inspect() })))
  const images = Object.fromEntries(inspected.map(({ c, info }) => [c.service, info.Config.Image] as const))
  const wanted = volumes ? new Set(volumes) : null
  const frozen = inspected.filter(({ c, info }) => c.state === 'running' && writes(info, wanted)).map(({ c }) => c)
  // Armed before the first pause: from then on, a dropped connection never leaves the shop frozen.
  const guarding = frozen.length > 0 ? await guard(frozen.map((c) => c.id)) : null
  try {
    await pauseAll(docker, frozen)
  } catch (error) {
    await guarding?.release()
    throw error
  }
  return {
    paused: frozen.length,
    images,
    async resume(onUnpaused) {
      if (frozen.length === 0) return { key: inspected.some(({ c }) => c.state === 'running') ? 'keptRunning' : 'notRunning' }
      try {
        await Promise.all(frozen.map((c) => unpause(docker, c.id)))
      } catch (error) {
        await guarding?.handOver()
        throw error
      }
      await guarding?.release()
      onUnpaused?.()
      const listed = (await listProjectContainers(docker, shop)).get(shop) ?? []
      const behind = frozen
        .map((c) => listed.find((l) => l.id === c.id) ?? { ...c, state: 'missing', health: null })
        .filter((c) => c.state !== 'running' || c.health === 'unhealthy')
      return behind.length === 0 ? { key: 'runningAgain' } : { key: 'notYetHealthy', values: { services: describeContainers(behind) } }
    },
  }
}
