// Claiming a new shop's name on the host, and giving it back when the operation that claimed it is cancelled.
import { AppError } from '@shared/errors'
import type { ShopEngine } from '../engine/shop-engine'

/**
 * Claims the shop's directory atomically (a taken name fails here, even when two laptops press Create at once) and
 * makes sure no volume of the names it will use exists yet; returns the empty directory reserved.
 */
export async function reserveShop(engine: ShopEngine, name: string, volumes: readonly string[]): Promise<string> {
  const dir = engine.store.dir(name)
  if (!(await engine.store.reserve(name))) {
    throw new AppError('invalid_input', `A shop named "${name}" already exists on this host.`, {
      fields: [{ path: 'name', message: 'taken' }],
      say: { key: 'nameTaken', values: { name } },
    })
  }
  try {
    for (const volume of volumes) {
      // A new shop must never pick up an old shop's data because the volume names match.
      if (await engine.runtime.volumeExists(volume)) {
        throw new AppError('invalid_input', `A volume named "${volume}" already exists on this host (data of an earlier shop?). Choose another name.`, {
          fields: [{ path: 'name', message: 'taken' }],
          say: { key: 'volumeExists', values: { name: volume } },
        })
      }
    }
  } catch (error) {
    await engine.store.removeDir(dir).catch(() => undefined)
    throw error
  }
  return dir
}

/**
 * A cancel comes only before anything of the new shop runs: what the operation made (its directory, half-filled
 * volumes) goes. Any other failure stays on the host, recorded, so every overview shows the shop red with the step
 * and the message; no volume is deleted — unless the record itself cannot be written.
 */
/** How long a failure that was the connection's waits for the host to answer again before giving up on the record. */
const RECORD_ATTEMPTS = 6
const RECORD_PAUSE_MS = 2000

/**
 * Writes the failure record; when the failure was the connection dropping, tries again for a while (the session
 * reconnects by itself), so a network that comes back within the connection timeout leaves the shop marked red
 * for every laptop instead of as a bare directory.
 */
async function recordOnceBack(
  engine: ShopEngine,
  name: string,
  where: { operation: 'create' | 'clone' | 'restore'; step: string },
  failure: AppError,
): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    if (await engine.store.recordFailure(name, where, failure)) return true
    if (failure.code !== 'connection_lost' || attempt >= RECORD_ATTEMPTS) return false
    await new Promise((resolve) => setTimeout(resolve, RECORD_PAUSE_MS))
  }
}

export async function settleNewShop(
  engine: ShopEngine,
  name: string,
  failure: AppError,
  record: { operation: 'create' | 'clone' | 'restore'; step: string; createdVolumes?: readonly string[] },
): Promise<void> {
  if (failure.code !== 'cancelled' && (await recordOnceBack(engine, name, { operation: record.operation, step: record.step }, failure))) return
  // Cancelled, or not even the record could be written (a full disk): a directory no overview lists would block the
  // name for good, so what the operation made goes, and the user has the failure from the operation itself.
  for (const volume of record.createdVolumes ?? []) await engine.runtime.removeVolume(volume).catch(() => undefined)
  await engine.store.removeDir(engine.store.dir(name)).catch(() => undefined)
}
