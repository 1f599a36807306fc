// Finds the shops on a host: the store's shop directories plus one container list from the runtime, grouped by
// shop. A directory without containers is a (red) shop; containers without a directory are not.
import { isErrorSay } from '@shared/errors'
import { operationKinds, type OperationKind } from '@shared/operations'
import type { ShopContainer, ShopFailure, ShopParamValue, ShopSummary } from '@shared/shops'
import type { ShopEngine } from '../engine/shop-engine'
import { shopLight, shopReason } from '../engine/shop-status'
import type { ShopDirectory } from '../engine/shop-store'
import { routeOf } from './shop-routing'

const text = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 ? value : null)

function params(value: unknown): Record<string, ShopParamValue> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {}
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => typeof v === 'string' || typeof v === 'boolean' || (Array.isArray(v) && v.every((x) => typeof x === 'string'))),
  ) as Record<string, ShopParamValue>
}

/** A failure record as written by any operation; one whose operation this app does not know says so instead of guessing. */
export function failureOf(record: Record<string, unknown> | null | undefined): ShopFailure | null {
  if (!record) return null
  const operation = record['operation']
  return {
    operation: typeof operation === 'string' && (operationKinds as readonly string[]).includes(operation) ? (operation as OperationKind) : 'unknown',
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
    ...routeOf(meta),
    failure,
    containers: sorted,
  }
}

export async function discoverShops(engine: ShopEngine): Promise<ShopSummary[]> {
  const [dirs, containers] = await Promise.all([engine.store.list(), engine.runtime.containers()])
  return dirs.map((dir) => buildShop(engine.hostId, dir, containers.get(dir.name) ?? [])).sort((a, b) => a.name.localeCompare(b.name))
}
