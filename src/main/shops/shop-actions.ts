// Start, restart, stop, remove and delete a shop, with the seed's meaning; one action per shop at a time,
// on this laptop (queued) and across laptops (a lock directory on the host: the second is told who holds it).
import { posix } from 'node:path'
import { AppError } from '@shared/errors'
import { salesActions, type ShopAction } from '@shared/shops'
import type { HostSession } from '../host/host-session'
import { runCompose } from './compose'

const LOCK = '.shopmanager-lock'
const STALE_LOCK_MS = 15 * 60_000

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

const queues = new Map<string, Promise<unknown>>()

/** Runs actions on one shop one after another on this laptop. */
function serialise<T>(key: string, run: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve()
  const next = previous.catch(() => undefined).then(run)
  queues.set(key, next)
  void next.finally(() => {
    if (queues.get(key) === next) queues.delete(key)
  }).catch(() => undefined)
  return next
}

async function withHostLock<T>(session: HostSession, dir: string, user: string, run: () => Promise<T>): Promise<T> {
  const lock = posix.join(dir, LOCK)
  const take = await session.exec(
    ['sh', '-c', 'mkdir "$1" 2>/dev/null && printf "%s %s" "$2" "$(date +%s)" > "$1/owner" && echo taken || cat "$1/owner" 2>/dev/null', 'sh', lock, user],
    { timeoutMs: 10_000 },
  )
  const answer = take.stdout.trim()
  if (answer !== 'taken') {
    const [owner = 'someone', since = '0'] = answer.split(' ')
    if (Date.now() - Number(since) * 1000 < STALE_LOCK_MS) {
      throw new AppError('busy', `${owner} is running another action on this shop right now. Try again in a moment.`)
    }
    // A lock left behind by a crashed laptop: take it over.
    await session.exec(['sh', '-c', 'printf "%s %s" "$2" "$(date +%s)" > "$1/owner"', 'sh', lock, user], { timeoutMs: 10_000 })
  }
  try {
    return await run()
  } finally {
    await session.exec(['rm', '-rf', '--', lock], { timeoutMs: 10_000 }).catch(() => undefined)
  }
}

export function checkRole(role: 'sales' | 'admin', action: ShopAction): void {
  if (role !== 'admin' && !salesActions.includes(action)) {
    throw new AppError('forbidden', `Only an admin may ${action} shops on this host.`)
  }
}

export async function runShopAction(session: HostSession, request: ShopActionRequest): Promise<void> {
  const { shop, action } = request
  checkRole(session.profile.role, action)
  if (action === 'delete' && request.confirm !== shop) {
    throw new AppError('invalid_input', `To delete, type the shop's name "${shop}".`, { fields: [{ path: 'confirm', message: 'does not match' }] })
  }
  const dir = posix.join(session.profile.baseDir, shop)
  return serialise(`${session.profile.id}/${shop}`, async () => {
    const exists = await session.exec(['test', '-f', posix.join(dir, 'docker-compose.yml')], { timeoutMs: 10_000 })
    if (exists.code === 1) throw new AppError('not_found', `There is no shop "${shop}" on this host.`)
    // Anything but "true" or "false" is a failure of the check itself, not an answer.
    if (exists.code !== 0) throw new AppError('internal', `Could not check ${dir} on the host (exit ${exists.code}): ${exists.stderr.trim()}`)
    await withHostLock(session, dir, request.user, async () => {
      const args = action === 'delete' ? ['down', '--volumes', '--remove-orphans'] : composeArgs[action]
      const result = await runCompose(session, dir, shop, args, { timeoutMs: 5 * 60_000 })
      if (result.code !== 0) throw new AppError('internal', `compose ${args[0]} failed: ${result.stderr.trim().split('\n').slice(-2).join(' ')}`)
    })
    if (action === 'delete') {
      const removed = await session.exec(['rm', '-rf', '--', dir], { timeoutMs: 60_000 })
      if (removed.code !== 0) throw new AppError('internal', `The containers and volumes are gone, but ${dir} could not be removed: ${removed.stderr.trim()}`)
    }
  })
}
