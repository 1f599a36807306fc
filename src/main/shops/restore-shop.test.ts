import { describe, expect, it } from 'vitest'
import { AppError } from '@shared/errors'
import type { HelperHandler } from '../engine/fake/fake-runtime'
import { fakeLifecycle, type FakeLifecycle } from '../engine/fake/fake-lifecycle'
import { UNPACK } from './backup-archives'
import { shopVolumes } from './shop-record'
import { startRestore, type RestoreInput } from './restore-shop'

const ID = '2026-01-01T00-00-00Z'

/** An unpack fills the (new) volume with the archive's files, as on the host. */
const restoring: HelperHandler = async (_image, run, runtime) => {
  if (run.script !== UNPACK) return
  const volume = runtime.volumes.get(run.mounts.find((m) => m.target === '/to')!.source)!
  volume.files = new Map([['orders.csv', 'from the backup']])
  run.onProgress?.({ done: 3, total: 3 })
}

async function withBackup(role: 'admin' | 'sales' = 'admin'): Promise<FakeLifecycle> {
  const life = fakeLifecycle({ role })
  await life.plantShop('alt')
  life.host.runtime.volumes.get('alt_data')!.files.set('orders.csv', 'today')
  await life.plantBackup('alt', ID)
  life.host.runtime.helper = restoring
  return life
}

function restore(life: FakeLifecycle, change: Partial<RestoreInput> = {}) {
  return startRestore({ hostId: life.host.hostId, shop: 'alt', backupId: ID, confirm: 'alt', ...change }, life.deps)
}

/** The volume the shop's compose file names, and what the shop's data says there. */
async function current(life: FakeLifecycle): Promise<{ volume: string; orders: string | undefined }> {
  const [data] = shopVolumes(await life.host.store.read('alt'), 'alt')
  return { volume: data!.volume, orders: life.host.runtime.volumes.get(data!.volume)?.files.get('orders.csv') }
}

const volumeNames = (life: FakeLifecycle): string[] => [...life.host.runtime.volumes.keys()].sort()

/** As it was before the restore: its own volume with today's data, running, nothing left over. */
async function expectUnchanged(life: FakeLifecycle): Promise<void> {
  expect(await current(life)).toEqual({ volume: 'alt_data', orders: 'today' })
  expect(volumeNames(life)).toEqual(['alt_data'])
  expect(life.host.runtime.containersOf('alt')).toMatchObject([{ state: 'running' }])
}

describe('restore a backup into its shop', () => {
  it('unpacks into the next generation while the shop runs on, switches to it, and removes the old volume once healthy', async () => {
    const life = await withBackup()
    const final = await restore(life).done
    expect(final).toMatchObject({ status: 'succeeded', result: { backupId: ID, url: 'https://alt.shops.example' } })
    expect(await current(life)).toEqual({ volume: 'alt_data_g2', orders: 'from the backup' })
    expect(volumeNames(life)).toEqual(['alt_data_g2'])
    // Never stopped: it ran on its own data during the unpack.
    expect(life.host.runtime.actions).toEqual([])
    expect(life.host.runtime.helperRuns.map((r) => r.run.mounts.find((m) => m.target === '/to')?.source)).toEqual(['alt_data_g2'])
    expect(life.host.runtime.containersOf('alt')).toMatchObject([{ state: 'running', health: 'healthy' }])
    expect(final.steps.map((s) => `${s.id}:${s.status}`)).toEqual([
      'validate:done',
      'restore:done',
      'start:done',
      'health:done',
      'putBack:skipped',
      'cleanup:done',
      'done:done',
    ])
  })

  it('counts generations on: a second restore goes to _g3, and the volume keeps its key for compose', async () => {
    const life = await withBackup()
    expect((await restore(life).done).status).toBe('succeeded')
    expect((await restore(life).done).status).toBe('succeeded')
    expect(await current(life)).toEqual({ volume: 'alt_data_g3', orders: 'from the backup' })
    expect(life.host.runtime.volumes.get('alt_data_g3')).toMatchObject({ shop: 'alt', key: 'data' })
    expect(volumeNames(life)).toEqual(['alt_data_g3'])
  })

  it('never reuses a volume a cut-off restore left behind', async () => {
    const life = await withBackup()
    await life.host.runtime.createVolume('alt_data_g2', 'alt', 'data')
    expect((await restore(life).done).status).toBe('succeeded')
    expect((await current(life)).volume).toBe('alt_data_g3')
  })

  it('changes nothing when an archive is damaged: the new volume goes, the shop runs on its data', async () => {
    const life = await withBackup()
    life.host.runtime.helper = async (_image, run) => {
      run.onLine?.('damaged: data.tar')
      throw new AppError('internal', 'Restoring alt_data_g2 failed (exit 3)')
    }
    const final = await restore(life).done
    expect(final).toMatchObject({
      status: 'failed',
      error: { code: 'invalid_input', step: 'restore', say: { key: 'backupDamaged', values: { which: 'data.tar' } } },
    })
    expect(life.host.runtime.actions).toEqual([])
    await expectUnchanged(life)
  })

  it('a shop that does not get healthy on the backup runs on its old data again, and the new volume goes', async () => {
    const life = await withBackup()
    // Unhealthy when started on the restored volume, healthy when started on the old one again.
    let starts = 0
    life.host.runtime.health = () => (++starts === 1 ? 'unhealthy' : 'healthy')
    const final = await restore(life).done
    expect(final).toMatchObject({ status: 'failed', error: { code: 'restore_rolled_back', step: 'health' } })
    expect(final.steps.find((s) => s.id === 'putBack')).toMatchObject({ status: 'done', note: { key: 'previousData' } })
    await expectUnchanged(life)
    // Nothing is broken: no failure record.
    expect(life.host.store.failureOf('alt')).toBeNull()
  })

  it('honours a cancel in the middle of unpacking: the old data stays, the new volume goes', async () => {
    const life = await withBackup()
    const unpacking = life.host.runtime.faults.hold('runHelper')
    const started = restore(life)
    await unpacking.reached
    expect(life.registry.cancel(started.snapshot.id)).toBe(true)
    unpacking.open()
    const final = await started.done
    expect(final.status).toBe('cancelled')
    await expectUnchanged(life)
  })

  it('honours a cancel while it waits for health: back to the old data', async () => {
    const life = await withBackup()
    const waiting = life.host.runtime.faults.hold('waitHealthy')
    const started = restore(life)
    await waiting.reached
    expect(life.registry.cancel(started.snapshot.id)).toBe(true)
    waiting.open()
    const final = await started.done
    expect(final.status).toBe('cancelled')
    await expectUnchanged(life)
  })

  it('a failure after the switch puts the old volumes back too (the apply of the new ones failed)', async () => {
    const life = await withBackup()
    life.host.runtime.faults.failOn('apply', new AppError('internal', 'compose up failed: no space left on device'), 1)
    const final = await restore(life).done
    expect(final).toMatchObject({ status: 'failed', error: { step: 'start' } })
    await expectUnchanged(life)
    expect(life.host.store.failureOf('alt')).toBeNull()
  })

  it('records the failure on the host when even putting the old data back fails', async () => {
    const life = await withBackup()
    life.host.runtime.faults.failOn('apply', new AppError('connection_lost', 'The connection dropped'))
    const final = await restore(life).done
    expect(final).toMatchObject({ status: 'failed', error: { code: 'connection_lost', step: 'start' } })
    expect(life.host.store.failureOf('alt')).toMatchObject({ operation: 'restore', step: 'start' })
  })

  it('is refused for the sales role', async () => {
    const life = await withBackup('sales')
    const final = await restore(life).done
    expect(final).toMatchObject({ status: 'failed', error: { code: 'forbidden', step: 'validate' } })
    expect(life.host.runtime.helperRuns).toEqual([])
    await expectUnchanged(life)
  })

  it('is refused when the typed name does not match the shop', async () => {
    const life = await withBackup()
    const final = await restore(life, { confirm: 'alt ' }).done
    expect(final).toMatchObject({ status: 'failed', error: { code: 'invalid_input', step: 'validate', fields: [{ path: 'confirm' }] } })
    await expectUnchanged(life)
  })

  it('says so when there is no such backup', async () => {
    const life = await withBackup()
    const final = await restore(life, { backupId: '2025-01-01T00-00-00Z' }).done
    expect(final).toMatchObject({ status: 'failed', error: { code: 'not_found', say: { key: 'noBackup' } } })
  })

  it('a restore refused before anything changed records nothing', async () => {
    const life = await withBackup()
    expect((await restore(life, { confirm: 'falsch' }).done).status).toBe('failed')
    expect(life.host.store.failureOf('alt')).toBeNull()
  })
})
