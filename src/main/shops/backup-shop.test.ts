import { posix } from 'node:path'
import { describe, expect, it } from 'vitest'
import { AppError } from '@shared/errors'
import type { HelperHandler } from '../engine/fake/fake-runtime'
import { fakeLifecycle, type FakeLifecycle } from '../engine/fake/fake-lifecycle'
import { ARCHIVE, CHECKSUMS } from './backup-archives'
import { startBackup } from './backup-shop'

const SHA = 'cd'.repeat(64)

/** Archives print their size, the checksum run prints a sum per archive, as on the host. */
const archiving: HelperHandler = async (_image, run) => {
  if (run.script === ARCHIVE) {
    run.onProgress?.({ done: 4, total: 4 })
    run.onLine?.('size 4096')
  }
  if (run.script === CHECKSUMS) run.onLine?.(`${SHA}  data.tar`)
}

async function withShop(role: 'admin' | 'sales' = 'admin', keep = 3): Promise<FakeLifecycle> {
  const life = fakeLifecycle({ role })
  life.deps.keep = keep
  await life.plantShop('alt')
  life.host.runtime.helper = archiving
  return life
}

const backupsDir = (life: FakeLifecycle): string => posix.join(life.host.store.dir('alt'), 'backups')

describe('back up a shop', () => {
  it('writes a manifest with the sizes and checksums the helpers reported and the images the shop ran', async () => {
    const life = await withShop()
    const final = await startBackup({ hostId: life.host.hostId, shop: 'alt' }, life.deps).done
    expect(final.status).toBe('succeeded')
    const [manifest, ...others] = await life.host.store.backups('alt')
    expect(others).toEqual([])
    expect(manifest).toMatchObject({ id: final.result?.backupId, shop: 'alt', template: 'busybox', createdBy: 'anna', images: { web: 'shopmgr/busybox:test' } })
    expect(manifest?.volumes).toEqual([{ key: 'data', volume: 'alt_data', file: 'data.tar', bytes: 4096, sha512: SHA }])
    // Frozen for the archive only, running again afterwards.
    expect(life.host.runtime.freezes).toEqual([{ shop: 'alt', paused: ['web'] }])
    expect(life.host.runtime.pausedServices('alt')).toEqual([])
  })

  it('removes the half-written backup when the checksums cannot be had, so no listing offers it', async () => {
    const life = await withShop()
    life.host.runtime.helper = async (image, run, runtime) => {
      if (run.script === CHECKSUMS) throw new AppError('internal', 'Checksumming the archives failed: sha512sum: data.tar: I/O error')
      await archiving(image, run, runtime)
    }
    const final = await startBackup({ hostId: life.host.hostId, shop: 'alt' }, life.deps).done
    expect(final).toMatchObject({ status: 'failed', error: { step: 'manifest' } })
    expect(life.host.store.entriesIn(backupsDir(life))).toEqual([])
    expect(await life.host.store.backups('alt')).toEqual([])
    expect(life.host.runtime.containersOf('alt')).toMatchObject([{ state: 'running' }])
  })

  it('keeps the newest backups it is told to, the new one among them, and spares one another laptop is still writing', async () => {
    const life = await withShop('admin', 2)
    for (const id of ['2020-01-01T00-00-00Z', '2020-01-02T00-00-00Z', '2020-01-03T00-00-00Z']) await life.plantBackup('alt', id)
    await life.plantBackup('alt', '2020-01-04T00-00-00Z', { complete: false })
    const final = await startBackup({ hostId: life.host.hostId, shop: 'alt' }, life.deps).done
    expect(final.status).toBe('succeeded')
    expect((await life.host.store.backups('alt')).map((b) => b.id)).toEqual([final.result?.backupId, '2020-01-03T00-00-00Z'])
    expect(life.host.store.exists(posix.join(backupsDir(life), '2020-01-04T00-00-00Z', 'data.tar'))).toBe(true)
  })

  it('keeps exactly as many as it is told, counting the new one', async () => {
    const life = await withShop('admin', 2)
    for (const id of ['2020-01-01T00-00-00Z', '2020-01-02T00-00-00Z']) await life.plantBackup('alt', id)
    const final = await startBackup({ hostId: life.host.hostId, shop: 'alt' }, life.deps).done
    expect((await life.host.store.backups('alt')).map((b) => b.id)).toEqual([final.result?.backupId, '2020-01-02T00-00-00Z'])
  })

  it('a finished backup stays a success when another laptop holds the shop’s lock at the prune', async () => {
    const life = await withShop('admin', 2)
    const gate = life.host.store.faults.hold('writeFiles')
    const started = startBackup({ hostId: life.host.hostId, shop: 'alt' }, life.deps)
    await gate.reached
    life.host.store.holdElsewhere('alt', 'bob')
    gate.open()
    const final = await started.done
    expect(final.status).toBe('succeeded')
    expect((await life.host.store.backups('alt')).map((b) => b.id)).toEqual([final.result?.backupId])
  })

  it('is refused for the sales role before anything is frozen or written', async () => {
    const life = await withShop('sales')
    const final = await startBackup({ hostId: life.host.hostId, shop: 'alt' }, life.deps).done
    expect(final).toMatchObject({ status: 'failed', error: { code: 'forbidden', step: 'validate' } })
    expect(life.host.runtime.freezes).toEqual([])
    expect(life.host.store.exists(backupsDir(life))).toBe(false)
  })
})
