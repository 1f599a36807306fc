import { describe, expect, it } from 'vitest'
import { AppError } from '@shared/errors'
import type { HelperHandler } from '../engine/fake/fake-runtime'
import { fakeLifecycle, type FakeLifecycle } from '../engine/fake/fake-lifecycle'
import { startRestore, type RestoreInput } from './restore-shop'

const ID = '2026-01-01T00-00-00Z'
const isCheck = (script: string): boolean => script.includes('sha512sum -c')

/** The check passes; an unpack replaces the volume's files with the archive's. */
const restoring: HelperHandler = async (_image, run, runtime) => {
  if (isCheck(run.script)) return
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

const data = (life: FakeLifecycle): string | undefined => life.host.runtime.volumes.get('alt_data')?.files.get('orders.csv')

describe('restore a backup into its shop', () => {
  it('replaces the data and starts the shop again', async () => {
    const life = await withBackup()
    const final = await restore(life).done
    expect(final).toMatchObject({ status: 'succeeded', result: { backupId: ID, url: 'https://alt.shops.example' } })
    expect(data(life)).toBe('from the backup')
    expect(life.host.runtime.actions).toEqual([{ shop: 'alt', action: 'stop' }])
    expect(life.host.runtime.containersOf('alt')).toMatchObject([{ state: 'running', health: 'healthy' }])
  })

  it('changes nothing when an archive is damaged: the shop is not stopped, nothing unpacked', async () => {
    const life = await withBackup()
    life.host.runtime.helper = async (_image, run) => {
      run.onLine?.('data.tar: FAILED')
      throw new AppError('internal', 'Checking the archives failed (exit 1)')
    }
    const final = await restore(life).done
    expect(final).toMatchObject({
      status: 'failed',
      error: { code: 'invalid_input', step: 'verify', say: { key: 'backupDamaged', values: { which: 'data.tar' } } },
    })
    expect(life.host.runtime.actions).toEqual([])
    expect(life.host.runtime.helperRuns.map((r) => isCheck(r.run.script))).toEqual([true])
    expect(data(life)).toBe('today')
    expect(life.host.runtime.containersOf('alt')).toMatchObject([{ state: 'running' }])
  })

  it('honours a cancel during the check and leaves the shop running with its data', async () => {
    const life = await withBackup()
    const checking = life.host.runtime.faults.hold('runHelper')
    const started = restore(life)
    await checking.reached
    expect(life.registry.cancel(started.snapshot.id)).toBe(true)
    checking.open()
    const final = await started.done
    expect(final.status).toBe('cancelled')
    expect(life.host.runtime.actions).toEqual([])
    expect(data(life)).toBe('today')
  })

  it('no longer offers cancel from the stop on', async () => {
    const life = await withBackup()
    const stopping = life.host.runtime.faults.hold('control')
    const started = restore(life)
    await stopping.reached
    expect(life.registry.get(started.snapshot.id)).toMatchObject({ cancellable: false })
    expect(life.registry.cancel(started.snapshot.id)).toBe(false)
    stopping.open()
    expect((await started.done).status).toBe('succeeded')
  })

  it('is refused for the sales role', async () => {
    const life = await withBackup('sales')
    const final = await restore(life).done
    expect(final).toMatchObject({ status: 'failed', error: { code: 'forbidden', step: 'validate' } })
    expect(life.host.runtime.helperRuns).toEqual([])
    expect(data(life)).toBe('today')
  })

  it('is refused when the typed name does not match the shop', async () => {
    const life = await withBackup()
    const final = await restore(life, { confirm: 'alt ' }).done
    expect(final).toMatchObject({ status: 'failed', error: { code: 'invalid_input', step: 'validate', fields: [{ path: 'confirm' }] } })
    expect(life.host.runtime.actions).toEqual([])
    expect(data(life)).toBe('today')
  })

  it('says so when there is no such backup', async () => {
    const life = await withBackup()
    const final = await restore(life, { backupId: '2025-01-01T00-00-00Z' }).done
    expect(final).toMatchObject({ status: 'failed', error: { code: 'not_found', say: { key: 'noBackup' } } })
  })

  it('a restore that fails after the shop was stopped is recorded on the host, so every laptop sees why it is down', async () => {
    const life = await withBackup()
    life.host.runtime.helper = async (_image, run) => {
      if (isCheck(run.script)) return
      throw new AppError('internal', 'Restoring alt_data failed (exit 2): tar: short read')
    }
    const final = await restore(life).done
    expect(final).toMatchObject({ status: 'failed', error: { step: 'restore' } })
    expect(life.host.store.failureOf('alt')).toMatchObject({ operation: 'restore', step: 'restore', message: expect.stringContaining('short read') })
  })

  it('a restore refused before the stop records nothing', async () => {
    const life = await withBackup()
    expect((await restore(life, { confirm: 'falsch' }).done).status).toBe('failed')
    expect(life.host.store.failureOf('alt')).toBeNull()
  })
})
