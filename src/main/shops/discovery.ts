// Finds the shops on a host: shop directories under the base directory plus one container list, grouped by
// compose project. A directory without containers is a (red) shop; containers without a directory are not.
import type Docker from 'dockerode'
import { isErrorSay } from '@shared/errors'
import type { ShopContainer, ShopFailure, ShopParamValue, ShopSummary } from '@shared/shops'
import { shopNameProblem } from '@shared/shop-rules'
import type { HostSession } from '../host/host-session'
import { containerLight, healthFromStatus, shopLight, shopReason } from './status'

export const PROJECT_LABEL = 'com.docker.compose.project'
const SERVICE_LABEL = 'com.docker.compose.service'
export const METADATA_FILE = 'shop.json'
export const FAILURE_FILE = 'failure.json'

export interface ShopDirectory {
  name: string
  metadata: Record<string, unknown> | null
  failure?: Record<string, unknown> | null
}

/**
 * One command lists every shop directory with its metadata and failure record, so a refresh costs the same
 * for 1 or 100 shops. Only shell builtins run per shop (no process per file). A directory is a shop when it
 * holds a compose file, or the record of a create that failed before writing one.
 */
const LIST_SHOP_DIRS = `cd "$1" 2>/dev/null || exit 3
slurp() { [ -f "$1" ] || return 0; while IFS= read -r l || [ -n "$l" ]; do printf '%s ' "$l"; done < "$1"; }
for d in */; do
  d=\${d%/}
  [ -f "$d/docker-compose.yml" ] || [ -f "$d/compose.yaml" ] || [ -f "$d/${FAILURE_FILE}" ] || continue
  printf '%s\\t' "$d"; slurp "$d/${METADATA_FILE}"; printf '\\t'; slurp "$d/${FAILURE_FILE}"; printf '\\n'
done`

export async function readShopDirectories(session: HostSession, options: { timeoutMs?: number } = {}): Promise<ShopDirectory[]> {
  const result = await session.exec(['sh', '-c', LIST_SHOP_DIRS, 'sh', session.profile.baseDir], { timeoutMs: options.timeoutMs ?? 15_000 })
  if (result.code === 3) return []
  return result.stdout
    .split('\n')
    .filter((line) => line.includes('\t'))
    // The host's own stacks (traefik) live beside the shops under reserved names.
    .filter((line) => shopNameProblem(line.slice(0, line.indexOf('\t'))) !== 'reserved')
    .map((line) => {
      const [name = '', json = '', failure = ''] = line.split('\t', 3)
      return { name, metadata: parseMetadata(json), failure: parseMetadata(failure) }
    })
}

function parseMetadata(json: string): Record<string, unknown> | null {
  if (!json.trim()) return null
  try {
    const value: unknown = JSON.parse(json)
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null
  } catch {
    return null
  }
}

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

const text = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 ? value : null)

function params(value: unknown): Record<string, ShopParamValue> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {}
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => typeof v === 'string' || typeof v === 'boolean' || (Array.isArray(v) && v.every((x) => typeof x === 'string'))),
  ) as Record<string, ShopParamValue>
}

function failureOf(record: Record<string, unknown> | null | undefined): ShopFailure | null {
  if (!record) return null
  const operation = record['operation']
  return {
    operation: operation === 'clone' || operation === 'edit' ? operation : 'create',
    step: text(record['step']) ?? 'unknown',
    message: text(record['message']) ?? '',
    ...(isErrorSay(record['say']) ? { say: record['say'] } : {}),
    at: text(record['at']) ?? '',
  }
}

export function buildShop(hostId: string, dir: ShopDirectory, containers: ShopContainer[]): ShopSummary {
  const meta = dir.metadata ?? {}
  const sorted = [...containers].sort((a, b) => a.service.localeCompare(b.service))
  const light = shopLight(sorted)
  // A recorded failure explains a shop that is not green; once every container is healthy it is history.
  const failure = light === 'green' ? null : failureOf(dir.failure)
  return {
    name: dir.name,
    hostId,
    domain: text(meta['domain']),
    template: text(meta['template']),
    description: text(meta['description']),
    createdAt: text(meta['createdAt']),
    createdBy: text(meta['createdBy']),
    light,
    reason: failure ? `${failure.step}: ${failure.message}` : shopReason(sorted),
    params: params(meta['params']),
    image: text(meta['image']),
    clonedFrom: text(meta['clonedFrom']),
    failure,
    containers: sorted,
  }
}

/** Containers of compose projects, grouped by project name. */
export async function listProjectContainers(docker: Docker, project?: string): Promise<Map<string, ShopContainer[]>> {
  const label = project ? `${PROJECT_LABEL}=${project}` : PROJECT_LABEL
  const list = await docker.listContainers({ all: true, filters: { label: [label] } })
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

export async function discoverShops(session: HostSession): Promise<ShopSummary[]> {
  const [dirs, containers] = await Promise.all([readShopDirectories(session), listProjectContainers(session.docker)])
  return dirs.map((dir) => buildShop(session.profile.id, dir, containers.get(dir.name) ?? [])).sort((a, b) => a.name.localeCompare(b.name))
}
