import { describe, expect, it } from 'vitest'
import { AppError } from '@shared/errors'
import type { HelperHandler } from '../engine/fake/fake-runtime'
import { fakeLifecycle, type FakeLifecycle } from '../engine/fake/fake-lifecycle'
import { startCloneShop } from './clone-shop'
import { withVolumeNames } from './shop-record'

/** A helper that copies /from into /to as the real script would, noting who was paused and who held the lock. */
function copying(life: FakeLifecycle, seen: Array<{ pass: string | undefined; paused: string[]; lock: string | undefined }>): HelperHandler {
  return async (_image, run, runtime) => {
    seen.push({ pass: run.env?.['PASS'], paused: runtime.pausedServices('alt'), lock: life.host.store.lockHolder('alt') })
    const from = runtime.volumes.get(run.mounts.find((m) => m.target === '/from')!.source)!
    const to = runtime.volumes.get(run.mounts.find((m) => m.target === '/to')!.source)!
    for (const [path, content] of from.files) to.files.set(path, content)
    run.onProgress?.({ done: 10, total: 10 })
  }
}

async function withSource(): Promise<FakeLifecycle> {
  const life = fakeLifecycle()
  await life.plantShop('alt')
  life.host.runtime.volumes.get('alt_data')!.files.set('orders.csv', 'order 1')
  return life
}

function clone(life: FakeLifecycle) {
  return startCloneShop({ hostId: life.host.hostId, source: 'alt', name: 'kopie', domain: 'kopie.shops.example', description: 'Kopie' }, life.deps)
}

describe('clone a shop', () => {
  it('copies from the volumes the source’s compose file names: a restored source’s next generation', async () => {
    const life = await withSource()
    const record = await life.host.store.read('alt')
    await life.host.store.writeFiles(record.dir, [
      { path: 'docker-compose.yml', content: withVolumeNames(record.compose, { data: 'alt_data_g2' }), mode: 0o644 },
    ])
    await life.host.runtime.createVolume('alt_data_g2', 'alt', 'data')
    life.host.runtime.volumes.get('alt_data_g2')!.files.set('orders.csv', 'restored')
    life.host.runtime.helper = copying(life, [])
    expect((await clone(life).done).status).toBe('succeeded')
    expect(life.host.runtime.volumes.get('kopie_data')?.files.get('orders.csv')).toBe('restored')
  })

  it('copies the data first while the source runs, then the changes with it frozen, under its lock, and starts the clone', async () => {
    const life = await withSource()
    const seen: Array<{ pass: string | undefined; paused: string[]; lock: string | undefined }> = []
    life.host.runtime.helper = copying(life, seen)
    const final = await clone(life).done
    expect(final.status).toBe('succeeded')
    expect(seen).toEqual([
      { pass: 'first', paused: [], lock: 'anna' },
      { pass: 'final', paused: ['web'], lock: 'anna' },
    ])
    // Both passes in one helper container, made before the pause and removed after: under the pause only a script runs.
    expect(life.host.runtime.helperRuns.map((r) => r.box)).toEqual([1, 1])
    expect(life.host.runtime.openBoxes).toBe(0)
    // The snapshot between the passes lives in the clone's own directory.
    expect(life.host.runtime.helperRuns.map((r) => r.run.mounts.find((m) => m.target === '/state')?.source)).toEqual([
      life.host.store.dir('kopie'),
      life.host.store.dir('kopie'),
    ])
    expect(final.steps.slice(0, 6).map((s) => `${s.id}:${s.status}`)).toEqual([
      'validate:done',
      'reserve:done',
      'copy:done',
      'pause:done',
      'changes:done',
      'resume:done',
    ])
    expect(life.host.runtime.pausedServices('alt')).toEqual([])
    expect(life.host.runtime.containersOf('alt')).toMatchObject([{ state: 'running' }])
    expect(life.host.store.lockHolder('alt')).toBeUndefined()
    expect(life.host.runtime.volumes.get('kopie_data')?.files.get('orders.csv')).toBe('order 1')
    expect((await life.host.store.read('kopie')).metadata).toMatchObject({ clonedFrom: 'alt', domain: 'kopie.shops.example' })
    expect(life.host.runtime.containersOf('kopie')).toMatchObject([{ state: 'running', health: 'healthy' }])
  })

  it('resumes the source when the copy of the changes fails, and records the failed clone', async () => {
    const life = await withSource()
    life.host.runtime.helper = async (_image, run) => {
      if (run.env?.['PASS'] === 'final') throw new AppError('internal', 'Copying alt_data to kopie_data failed: tar: write error')
    }
    const final = await clone(life).done
    expect(final).toMatchObject({ status: 'failed', error: { step: 'changes', message: expect.stringContaining('tar: write error') } })
    expect(final.steps.find((s) => s.id === 'resume')?.status).toBe('done')
    expect(life.host.runtime.pausedServices('alt')).toEqual([])
    expect(life.host.runtime.containersOf('alt')).toMatchObject([{ state: 'running' }])
    expect(life.host.store.failureOf('kopie')).toMatchObject({ operation: 'clone', step: 'changes' })
    expect(life.host.store.lockHolder('alt')).toBeUndefined()
    expect(life.host.runtime.openBoxes).toBe(0)
  })

  it('a cancel during the copy removes the volumes made for the clone and its directory, and resumes the source', async () => {
    const life = await withSource()
    const copying = life.host.runtime.faults.hold('runHelper')
    const started = clone(life)
    await copying.reached
    expect(life.host.runtime.volumes.has('kopie_data')).toBe(true)
    expect(life.registry.cancel(started.snapshot.id)).toBe(true)
    copying.open()
    const final = await started.done
    expect(final.status).toBe('cancelled')
    expect(life.host.runtime.volumes.has('kopie_data')).toBe(false)
    expect(life.host.store.exists(life.host.store.dir('kopie'))).toBe(false)
    expect(life.host.runtime.pausedServices('alt')).toEqual([])
    expect(life.host.runtime.volumes.get('alt_data')?.files.get('orders.csv')).toBe('order 1')
    expect(life.host.runtime.openBoxes).toBe(0)
  })

  it('fails busy, touching nothing of the source, while another laptop holds its lock', async () => {
    const life = await withSource()
    life.host.store.holdElsewhere('alt', 'bob')
    const final = await clone(life).done
    expect(final).toMatchObject({ status: 'failed', error: { code: 'busy', say: { key: 'busy', values: { owner: 'bob' } } } })
    expect(life.host.runtime.freezes).toEqual([])
    expect(life.host.runtime.helperRuns).toEqual([])
    expect(life.host.runtime.volumes.has('kopie_data')).toBe(false)
  })
})
