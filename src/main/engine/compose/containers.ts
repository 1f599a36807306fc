// A compose project's containers as the overview shows them: Docker's list, grouped by project, with health.
import type Docker from 'dockerode'
import type { ShopContainer } from '@shared/shops'
import { containerLight, healthFromStatus } from '../shop-status'
import { PROJECT_LABEL, projectFilter, SERVICE_LABEL } from '../host-layout'

export function toShopContainer(info: Docker.ContainerInfo): ShopContainer {
  const health = healthFromStatus(info.Status)
  return {
    id: info.Id,
    service: info.Labels[SERVICE_LABEL] ?? info.Names[0]?.replace(/^\//, '') ?? info.Id.slice(0, 12),
    state: info.State,
    health,
    status: info.Status,
    created: new Date(info.Created * 1000).toISOString(),
    light: containerLight({ state: info.State, health }),
  }
}

/** Containers of compose projects, grouped by project name. */
export async function listProjectContainers(docker: Docker, project?: string): Promise<Map<string, ShopContainer[]>> {
  const list = await docker.listContainers({ all: true, filters: { label: [projectFilter(project)] } })
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
