// Finds the shops on a host: shop directories under the base directory plus one container list, grouped by
// compose project. A directory without containers is a (red) shop; containers without a directory are not.
import type Docker from 'dockerode'
import type { ShopContainer, ShopSummary } from '@shared/shops'
import type { HostSession } from '../host/host-session'
import { containerLight, healthFromStatus, shopLight, shopReason } from './status'

export const PROJECT_LABEL = 'com.docker.compose.project'
const SERVICE_LABEL = 'com.docker.compose.service'
export const METADATA_FILE = 'shop.json'

export interface ShopDirectory {
  name: string
  metadata: Record<string, unknown> | null
}

/**
 * One command lists every shop directory with its metadata, so a refresh costs the same for 1 or 100 shops.
 * A directory is a shop when it holds a compose file.
 */
const LIST_SHOP_DIRS = `cd "$1" 2>/dev/null || exit 3
for d in */; do
  d=\${d%/}
  [ -f "$d/docker-compose.yml" ] || [ -f "$d/compose.yaml" ] || continue
  printf '%s\\t' "$d"
  if [ -f "$d/${METADATA_FILE}" ]; then tr '\\n\\t' '  ' < "$d/${METADATA_FILE}"; fi
  printf '\\n'
done`

export async function readShopDirectories(session: HostSession, options: { timeoutMs?: number } = {}): Promise<ShopDirectory[]> {
  const result = await session.exec(['sh', '-c', LIST_SHOP_DIRS, 'sh', session.profile.baseDir], { timeoutMs: options.timeoutMs ?? 15_000 })
  if (result.code === 3) return []
  return result.stdout
    .split('\n')
    .filter((line) => line.includes('\t'))
    .map((line) => {
      const [name = '', json = ''] = line.split('\t', 2)
      return { name, metadata: parseMetadata(json) }
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

export function buildShop(hostId: string, dir: ShopDirectory, containers: ShopContainer[]): ShopSummary {
  const meta = dir.metadata ?? {}
  const sorted = [...containers].sort((a, b) => a.service.localeCompare(b.service))
  return {
    name: dir.name,
    hostId,
    domain: text(meta['domain']),
    template: text(meta['template']),
    description: text(meta['description']),
    createdAt: text(meta['createdAt']),
    createdBy: text(meta['createdBy']),
    light: shopLight(sorted),
    reason: shopReason(sorted),
    containers: sorted,
  }
}

/** Containers of compose projects, grouped by project name. */
export async function listProjectContainers(docker: Docker, project?: string): Promise<Map<string, ShopContainer[]>> {
  const label = project ? `${PROJECT_LABEL}=${project}` : PROJECT_LABEL
  const list = await docker.listContainers({ all: true, filters: { label: [label] } })
  const byProject = new Map<string, ShopContainer[]>()
  for (const info of list) {
    const name = info.Labels[PROJECT_LABEL]
    if (!name) continue
    const group = byProject.get(name) ?? []
    group.push(toShopContainer(info))
    byProject.set(name, group)
  }
  return byProject
}

export async function discoverShops(session: HostSession): Promise<ShopSummary[]> {
  const [dirs, containers] = await Promise.all([readShopDirectories(session), listProjectContainers(session.docker)])
  return dirs.map((dir) => buildShop(session.profile.id, dir, containers.get(dir.name) ?? [])).sort((a, b) => a.name.localeCompare(b.name))
}
