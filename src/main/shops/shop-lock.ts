// One change to a shop at a time: queued on this laptop, and across laptops a lock directory on the host (the
// second laptop is told who holds it). Actions, edit and the source side of a clone all take it.
import { posix } from 'node:path'
import { AppError } from '@shared/errors'
import type { HostSession } from '../host/host-session'

const LOCK = '.shopmanager-lock'
const STALE_LOCK_MS = 15 * 60_000

const queues = new Map<string, Promise<unknown>>()

/** Runs changes to one shop one after another on this laptop. */
function serialise<T>(key: string, run: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve()
  const next = previous.catch(() => undefined).then(run)
  queues.set(key, next)
  void next
    .finally(() => {
      if (queues.get(key) === next) queues.delete(key)
    })
    .catch(() => undefined)
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
      throw new AppError('busy', `${owner} is running another action on this shop right now. Try again in a moment.`, { say: { key: 'busy', values: { owner } } })
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

/**
 * Checks the shop exists, then runs `run` holding both locks. `run` learns whether the shop has its compose
 * file: a create or clone that failed before writing it leaves only its failure record, and such a shop can
 * still be deleted.
 */
export function withShopLock<T>(session: HostSession, shop: string, user: string, run: (files: { compose: boolean }) => Promise<T>): Promise<T> {
  const dir = posix.join(session.profile.baseDir, shop)
  return serialise(`${session.profile.id}/${shop}`, async () => {
    const exists = await session.exec(['sh', '-c', 'if [ -f "$1/docker-compose.yml" ]; then echo compose; elif [ -f "$1/failure.json" ]; then echo failure; else echo none; fi', 'sh', dir], {
      timeoutMs: 10_000,
    })
    // Anything but an answer is a failure of the check itself.
    if (exists.code !== 0) throw new AppError('internal', `Could not check ${dir} on the host (exit ${exists.code}): ${exists.stderr.trim()}`)
    const found = exists.stdout.trim()
    if (found === 'none') throw new AppError('not_found', `There is no shop "${shop}" on this host.`, { say: { key: 'noShop', values: { shop } } })
    return withHostLock(session, dir, user, () => run({ compose: found === 'compose' }))
  })
}
