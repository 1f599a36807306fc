// Whether a host has room for one more shop of a template, as its manifest's `needs` says: checked before anything
// is written, so a full host refuses in plain words instead of failing half-way or swapping.
import { AppError } from '@shared/errors'
import type { ShopEngine } from '../engine/shop-engine'
import type { Template } from '../templates/template-loader'

const gb = (bytes: number): string => `${(bytes / 1e9).toFixed(1)} GB`

export async function checkHostRoom(engine: ShopEngine, template: Template): Promise<void> {
  const { memory, disk } = template.manifest.needs
  if (memory === undefined && disk === undefined) return
  const room = await engine.store.capacity()
  if (disk !== undefined && room.diskFreeBytes < disk)
    throw new AppError('no_room', `The host has ${gb(room.diskFreeBytes)} free under its base directory; the shop needs ${gb(disk)}.`, {
      say: { key: 'noRoomDisk', values: { freeBytes: room.diskFreeBytes, needBytes: disk } },
    })
  if (memory !== undefined && room.memoryAvailableBytes < memory)
    throw new AppError('no_room', `The host has ${gb(room.memoryAvailableBytes)} of memory available; the shop needs ${gb(memory)}.`, {
      say: { key: 'noRoomMemory', values: { freeBytes: room.memoryAvailableBytes, needBytes: memory } },
    })
}
