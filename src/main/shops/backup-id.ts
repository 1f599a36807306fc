// A backup's id and its folder: the time to the millisecond and a few random hex digits, so two backups in one
// millisecond differ, and the folder made exclusively, so two laptops never write into one even then.
import { randomBytes } from 'node:crypto'
import { AppError } from '@shared/errors'
import { backupDirectory } from '../engine/host-layout'
import type { ShopStore } from '../engine/shop-store'

/**
 * 2026-11-22T23:15:00.123Z → 2026-11-22T23-15-00-123Z-3f9a: safe as a folder name, and in time order as plain
 * text (byte order, `LC_ALL=C sort` and localeCompare agree) together with the ids made before it, which end at
 * the second (2026-11-22T23-15-00Z); one of those sorts after the new ids of its own second.
 */
export function backupId(date: Date, random: string = randomBytes(2).toString('hex')): string {
  return `${date.toISOString().replace(/Z$/, '').replace(/[:.]/g, '-')}Z-${random}`
}

/** Tries before giving up: each takes a fresh random part, so a second clash means something else is wrong. */
const ATTEMPTS = 5

/**
 * Picks the id of a new backup of the shop in `shopDir` and creates its folder; an id whose folder exists already
 * (another backup of the same millisecond that drew the same digits) is never shared but passed over.
 */
export async function reserveBackupId(
  store: Pick<ShopStore, 'makeNewDir'>,
  shopDir: string,
  now: () => Date = () => new Date(),
  random?: () => string,
): Promise<string> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const id = backupId(now(), random?.())
    if (await store.makeNewDir(backupDirectory(shopDir, id))) return id
  }
  throw new AppError('internal', `No free backup folder in ${shopDir} after ${ATTEMPTS} tries.`)
}
