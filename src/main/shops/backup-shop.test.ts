import { posix } from 'node:path'
import { describe, expect, it } from 'vitest'
import { AppError } from '@shared/errors'
import type { HelperHandler } from '../engine/fake/fake-runtime'
import { fakeLifecycle, type FakeLifecycle } from '../engine/fake/fake-lifecycle'
import { ARCHIVE } from './backup-archives'
import { startBackup } from './backup-shop'

const CRC = '3158254215'
const CHANGES_CRC = '41976'

/** Each archive prints its checksum and size as it ends, as on the host; the first with progress. */
const archiving: HelperHandler = async (_image, run) => {
  if (run.script !== ARCHIVE) return
  const first = run.env?.['PASS'] === 'first'
  if (first) run.onProgress?.({ done: 4, total: 4 })
  run.onLine?.(`crc ${first ? CRC : CHANGES_CRC}`)
  run.onLine?.(`size ${first ? 4096 : 10240}`)
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
    expect(manifest).toMatchObject({
      id: final.result?.backupId,
      shop: 'alt',
      template: 'busybox',
      createdBy: 'anna',
      images: { web: '198.18.0.1:5443/shopmgr/busybox:test' },
    })
    expect(manifest?.volumes).toEqual([
      {
        key: 'data',
        volume: 'alt_data',
        file: 'data.tar',
        bytes: 4096,
        crc: CRC,
        changes: { file: 'data.changes.tar', bytes: 10240, crc: CHANGES_CRC },
      },
    ])
    // The first archive while the shop runs, the changes during the pause only, running again afterwards.
    expect(life.host.runtime.helperRuns.map((r) => [r.run.env?.['PASS'], r.run.env?.['FILE'], r.pausedThen, r.box])).toEqual([
      ['first', 'data.tar', [], 1],
      ['final', 'data.changes.tar', ['web'], 1],
    ])
    // One helper container for both archives, made before the pause, gone afterwards.
    expect(life.host.runtime.openBoxes).toBe(0)
    expect(life.host.runtime.freezes).toEqual([{ shop: 'alt', paused: ['web'] }])
    expect(life.host.runtime.pausedServices('alt')).toEqual([])
    expect(final.steps.map((s) => `${s.id}:${s.status}`)).toEqual([
      'validate:done',
      'archive:done',
      'pause:done',
      'changes:done',
      'resume:done',
      'manifest:done',
      'done:done',
    ])
  })

  it('fails when an archive reports no checksum, and leaves no backup', async () => {
    const life = await withShop()
    life.host.runtime.helper = async (_image, run) => run.onLine?.('size 4096')
    const final = await startBackup({ hostId: life.host.hostId, shop: 'alt' }, life.deps).done
    expect(final).toMatchObject({ status: 'failed', error: { step: 'archive' } })
    expect(life.host.store.entriesIn(backupsDir(life))).toEqual([])
    expect(life.host.runtime.freezes).toEqual([])
  })

  it('removes the half-written backup when the archive of the changes fails, so no listing offers it, and resumes the shop', async () => {
    const life = await withShop()
    life.host.runtime.helper = async (image, run, runtime) => {
      if (run.env?.['PASS'] === 'final')
        throw new AppError('internal', 'Archiving alt_data failed (exit 5): tee: /to/data.changes.tar: No space left on device')
      await archiving(image, run, runtime)
    }
    const final = await startBackup({ hostId: life.host.hostId, shop: 'alt' }, life.deps).done
    expect(final).toMatchObject({ status: 'failed', error: { step: 'changes' } })
    expect(life.host.runtime.pausedServices('alt')).toEqual([])
    expect(life.host.store.entriesIn(backupsDir(life))).toEqual([])
    expect(await life.host.store.backups('alt')).toEqual([])
    expect(life.host.runtime.containersOf('alt')).toMatchObject([{ state: 'running' }])
    expect(life.host.runtime.openBoxes).toBe(0)
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

  it('prunes under the shop’s lock, and a finished backup stays a success when its prune fails', async () => {
    const life = await withShop('admin', 2)
    const gate = life.host.store.faults.hold('pruneBackups')
    const started = startBackup({ hostId: life.host.hostId, shop: 'alt' }, life.deps)
    await gate.reached
    // Another action on the shop waits for the backup's lock, prune included.
    let other = false
    const waiting = life.host.store.withLock('alt', 'anna', async () => void (other = true))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(other).toBe(false)
    life.host.store.faults.failOn('pruneBackups', new AppError('internal', 'rm: cannot remove: Permission denied'))
    gate.open()
    const final = await started.done
    await waiting
    expect(other).toBe(true)
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
