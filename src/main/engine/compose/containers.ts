// A compose project's containers as the overview shows them: Docker's list, grouped by project, with health.
import type Docker from 'dockerode'
import type { ShopContainer } from '@shared/shops'
import { containerLight, healthFromStatus } from '../shop-status'
import { JOB_LABEL, PROJECT_LABEL, projectFilter, SERVICE_LABEL } from '../host-layout'

export function toShopContainer(info: Docker.ContainerInfo): ShopContainer {
  const health = healthFromStatus(info.Status)
  const job = info.Labels[JOB_LABEL] === 'true'
  const exited = /^Exited \((\d+)\)/.exec(info.Status)
  const exitCode = info.State === 'exited' && exited ? Number(exited[1]) : undefined
  return {
    id: info.Id,
    service: info.Labels[SERVICE_LABEL] ?? info.Names[0]?.replace(/^\//, '') ?? info.Id.slice(0, 12),
    state: info.State,
    health,
    status: info.Status,
    created: new Date(info.Created * 1000).toISOString(),
    light: containerLight({ state: info.State, health, job, exitCode }),
    ...(job ? { job } : {}),
    ...(exitCode !== undefined ? { exitCode } : {}),
  }
}

interface ContainerEvent {
  id?: string
  /** "die", "start", or with details after a colon: "health_status: healthy", "exec_start: wget ...". */
  Action?: string
  Actor?: { Attributes?: Record<string, string> }
}

/**
 * Events after which Docker lists a container as before: health probes (exec_*, every interval), a signal
 * (`kill`; the `die` that may follow is the change), reading or copying. A re-read on them only costs calls.
 */
const unlisted = new Set(['kill', 'attach', 'detach', 'resize', 'top', 'commit', 'copy', 'export', 'archive-path', 'extract-to-dir'])

/**
 * Containers whose `die` Docker has announced but may still list as running: its list says exited only once it
 * has torn down the container's network and mounts (65-95 ms after the event on the test bed), and when a
 * container exits by itself no later event says so. Exit codes by container id, per Docker client (one per
 * session), from the `die` until Docker lists the container stopped, it starts anew or its events end.
 */
const dying = new WeakMap<Docker, Map<string, string>>()

/** One line of Docker's container events: the shop whose list it changed, or null. Throws on a partial line. */
export function readContainerEvent(docker: Docker, line: string): string | null {
  const event = JSON.parse(line) as ContainerEvent
  const project = event.Actor?.Attributes?.[PROJECT_LABEL]
  const action = event.Action?.split(':')[0] ?? ''
  if (!project || unlisted.has(action) || action.startsWith('exec_')) return null
  if (event.id && action === 'die') {
    const known = dying.get(docker) ?? new Map<string, string>()
    known.set(event.id, event.Actor?.Attributes?.['exitCode'] ?? '')
    dying.set(docker, known)
  }
  if (event.id && (action === 'start' || action === 'destroy')) dying.get(docker)?.delete(event.id)
  return project
}

/** The events are no longer followed: a start after a die would go unseen, so Docker's list is the truth again. */
export function containerEventsEnded(docker: Docker): void {
  dying.delete(docker)
}

/** Docker's word from the event over its list's late one; the list's own text once it has caught up. */
function withDeath(docker: Docker, info: Docker.ContainerInfo): Docker.ContainerInfo {
  const exitCode = dying.get(docker)?.get(info.Id)
  if (exitCode === undefined) return info
  if (info.State !== 'running') {
    dying.get(docker)?.delete(info.Id)
    return info
  }
  return { ...info, State: 'exited', Status: exitCode ? `Exited (${exitCode})` : 'Exited' }
}

/** Containers of compose projects, grouped by project name. */
export async function listProjectContainers(docker: Docker, project?: string): Promise<Map<string, ShopContainer[]>> {
  const listed = await docker.listContainers({ all: true, filters: { label: [projectFilter(project)] } })
  const list = listed.map((info) => withDeath(docker, info))
  const byProject = new Map<string, ShopContainer[]>()
  const containers = await Promise.all(list.map((info) => recheckUnhealthy(docker, toShopContainer(info))))
  for (const [i, info] of list.entries()) {
    const name = info.Labels[PROJECT_LABEL]
    if (!name) continue
    const group = byProject.get(name) ?? []
    group.push(containers[i]!)
    byProject.set(name, group)
  }
  return byProject
}

/**
 * Docker reports a paused container unhealthy, and after the unpause still does until its next probe (up to one
 * health-check interval, 30 s for b2xproc), though no probe failed. Such a container is shown as being checked
 * (yellow), not as failing (red): only a container whose probes failed is unhealthy. One inspect, for the rare
 * container that lists as unhealthy.
 */
async function recheckUnhealthy(docker: Docker, container: ShopContainer): Promise<ShopContainer> {
  if (container.health !== 'unhealthy' || container.state !== 'running') return container
  try {
    const health = (await docker.getContainer(container.id).inspect()).State.Health
    if (!health || health.FailingStreak > 0) return container
    return { ...container, health: 'starting', light: containerLight({ state: container.state, health: 'starting' }) }
  } catch {
    return container
  }
}
