// Start, restart, stop, remove and delete a shop, with the seed's meaning; one action per shop at a time,
// on this laptop (queued) and across laptops (a lock directory on the host: the second is told who holds it).
import { posix } from 'node:path'
import { AppError } from '@shared/errors'
import { salesActions, type ShopAction } from '@shared/shops'
import type { HostSession } from '../host/host-session'
import { runCompose } from './compose'
import { withShopLock } from './shop-lock'
import { clearFailure } from './shop-record'

const composeArgs: Record<Exclude<ShopAction, 'delete'>, string[]> = {
  start: ['up', '-d'],
  restart: ['restart'],
  stop: ['stop'],
  // Containers and networks go; the named volumes (the data) and the shop directory stay.
  remove: ['down'],
}

export interface ShopActionRequest {
  shop: string
  action: ShopAction
  /** Delete only: the shop's name, typed by the user. */
  confirm?: string | undefined
  user: string
}

export function checkRole(role: 'sales' | 'admin', action: ShopAction | 'edit'): void {
  if (role !== 'admin' && !(salesActions as readonly string[]).includes(action)) {
    throw new AppError('forbidden', `Only an admin may ${action} shops on this host.`, { say: { key: 'adminOnly' } })
  }
}

export async function runShopAction(session: HostSession, request: ShopActionRequest): Promise<void> {
  const { shop, action } = request
  checkRole(session.profile.role, action)
  if (action === 'delete' && request.confirm !== shop) {
    throw new AppError('invalid_input', `To delete, type the shop's name "${shop}".`, { fields: [{ path: 'confirm', message: 'does not match' }], say: { key: 'confirmDelete', values: { shop } } })
  }
  const dir = posix.join(session.profile.baseDir, shop)
  await withShopLock(session, shop, request.user, async ({ compose }) => {
    if (!compose) return settleUnwritten(session, dir, shop, action)
    const args = action === 'delete' ? ['down', '--volumes', '--remove-orphans'] : composeArgs[action]
    const result = await runCompose(session, dir, shop, args, { timeoutMs: 5 * 60_000 })
    if (result.code !== 0) throw new AppError('internal', `compose ${args[0]} failed: ${result.stderr.trim().split('\n').slice(-2).join(' ')}`)
    // A start that worked answers the last failure: the shop is no longer "failed at …".
    if (action === 'start' || action === 'restart') await clearFailure(session, dir)
    if (action === 'delete') await removeDirectory(session, dir, 'The containers and volumes are gone')
  })
}

async function removeDirectory(session: HostSession, dir: string, before: string): Promise<void> {
  const removed = await session.exec(['rm', '-rf', '--', dir], { timeoutMs: 60_000 })
  if (removed.code !== 0) throw new AppError('internal', `${before}, but ${dir} could not be removed: ${removed.stderr.trim()}`)
}

/**
 * A shop whose create or clone failed before its files were written has no containers, maybe volumes the
 * operation made (labelled with its name), and its failure record: Delete takes those away, Remove has
 * nothing to do, and there is nothing to start.
 */
async function settleUnwritten(session: HostSession, dir: string, shop: string, action: ShopAction): Promise<void> {
  if (action === 'remove') return
  if (action !== 'delete') {
    throw new AppError('invalid_input', `The shop "${shop}" was never completely created, so there is nothing to ${action}. Delete it and create it again.`, {
      say: { key: 'neverCreated', values: { shop } },
    })
  }
  const { Volumes } = await session.docker.listVolumes({ filters: { label: [`com.docker.compose.project=${shop}`] } })
  for (const volume of Volumes ?? []) await session.docker.getVolume(volume.Name).remove()
  await removeDirectory(session, dir, 'Its volumes are gone')
}
