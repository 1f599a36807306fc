// Start, restart, stop, remove and delete a shop, with the seed's meaning; one action per shop at a time, on this
// laptop (queued) and across laptops (the shop's lock on the host: the second is told who holds it). Delete takes
// the shop's own DNS records along (per-shop mode: its domain and its routes' host names), read before the files go.
import { AppError } from '@shared/errors'
import type { ShopAction } from '@shared/shops'
import type { ShopEngine } from '../engine/shop-engine'
import { checkRole } from './shop-role'
import { recordHostNames } from './shop-record'

export interface ShopActionRequest {
  shop: string
  action: ShopAction
  /** Delete only: the shop's name, typed by the user. */
  confirm?: string | undefined
  user: string
  /** Removes the shop's own DNS record after a delete (per-shop hosts); resolves to whether one was removed. */
  unpublish?: (domain: string) => Promise<boolean>
}

export async function runShopAction(engine: ShopEngine, request: ShopActionRequest): Promise<void> {
  const { shop, action } = request
  checkRole(engine.role, action)
  // A sales key's host starts and restarts itself (checkRole let nothing else through; the host refuses it anyway).
  if (engine.host) return engine.host.control(shop, action === 'restart' ? 'restart' : 'start')
  if (action === 'delete' && request.confirm !== shop) {
    throw new AppError('invalid_input', `To delete, type the shop's name "${shop}".`, {
      fields: [{ path: 'confirm', message: 'does not match' }],
      say: { key: 'confirmDelete', values: { shop } },
    })
  }
  const dir = engine.store.dir(shop)
  // Its domain and the routes' own host names, as its compose file says (read before the files go).
  const names =
    action === 'delete' && request.unpublish
      ? await engine.store.read(shop).then(
          (r) => recordHostNames(r),
          () => [],
        )
      : []
  await engine.store.withLock(shop, request.user, async (presence) => {
    if (presence === 'failure') return settleUnwritten(engine, shop, action)
    await engine.runtime.control({ name: shop, dir }, action)
    // A start that worked answers the last failure: the shop is no longer "failed at …".
    if (action === 'start' || action === 'restart') await engine.store.clearFailure(shop)
    if (action === 'delete') await removeDirectory(engine, dir, 'The containers and volumes are gone')
  })
  // Every name is tried, so one that Hetzner refuses leaves no other behind; the first refusal is said.
  let failed: { domain: string; reason: string } | null = null
  for (const domain of request.unpublish ? names : []) {
    await request.unpublish!(domain).catch((error: unknown) => void (failed ??= { domain, reason: (error as Error).message }))
  }
  if (failed) {
    const { domain, reason } = failed
    throw new AppError('dns_failed', `The shop is deleted, but its DNS record ${domain} could not be removed: ${reason}`, {
      say: { key: 'dnsDeleteFailed', values: { domain, reason } },
    })
  }
}

async function removeDirectory(engine: ShopEngine, dir: string, before: string): Promise<void> {
  await engine.store.removeDir(dir).catch((error: Error) => {
    throw new AppError('internal', `${before}, but ${error.message}`)
  })
}

/**
 * A shop whose create or clone failed before its files were written has no containers, maybe volumes the
 * operation made (labelled with its name), and its failure record: Delete takes those away, Remove has
 * nothing to do, and there is nothing to start.
 */
async function settleUnwritten(engine: ShopEngine, shop: string, action: ShopAction): Promise<void> {
  if (action === 'remove') return
  if (action !== 'delete') {
    throw new AppError('invalid_input', `The shop "${shop}" was never completely created, so there is nothing to ${action}. Delete it and create it again.`, {
      say: { key: 'neverCreated', values: { shop } },
    })
  }
  for (const volume of await engine.runtime.shopVolumes(shop)) await engine.runtime.removeVolume(volume.name)
  await removeDirectory(engine, engine.store.dir(shop), 'Its volumes are gone')
}
