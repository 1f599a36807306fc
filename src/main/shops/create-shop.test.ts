import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createSteps } from '@shared/operations'
import { FAILURE_FILE } from '../engine/host-layout'
import { fakeLifecycle, type FakeLifecycle } from '../engine/fake/fake-lifecycle'
import { manifestSchema } from '../templates/manifest'
import { loadTemplate } from '../templates/template-loader'
import { startCreateShop, type CreateShopInput } from './create-shop'

function create(life: FakeLifecycle, change: Partial<CreateShopInput> = {}, publish = true) {
  const input: CreateShopInput = {
    hostId: life.host.hostId,
    name: 'neu',
    description: 'Neuer Shop',
    templateId: 'busybox',
    domain: 'neu.shops.example',
    params: {},
    start: true,
    ...change,
  }
  return startCreateShop(input, { ...life.deps, ...(publish ? { publishName: async () => ({ key: 'dnsWritten' as const }) } : {}) })
}

/** Everything the host holds, to compare before and after. */
function hostState(life: FakeLifecycle): unknown {
  return { files: [...life.host.store.files], volumes: [...life.host.runtime.volumes.keys()], containers: structuredClone([...life.host.runtime.projects]) }
}

describe('create a shop', () => {
  it('runs every step, leaves a running shop and answers with its URL and login', async () => {
    const life = fakeLifecycle()
    const final = await create(life).done
    expect(final.status).toBe('succeeded')
    expect(final.steps.map((s) => [s.id, s.status])).toEqual(createSteps.map((id) => [id, 'done']))
    expect(final.result).toMatchObject({ url: 'https://neu.shops.example', login: { user: 'admin', passwordSecretId: 'admin_password' } })
    const record = await life.host.store.read('neu')
    expect(record.metadata).toMatchObject({ template: 'busybox', domain: 'neu.shops.example', createdBy: 'anna' })
    expect(record.secrets['admin_password']).toMatch(/^[A-Za-z0-9]{20}$/)
    expect(life.host.runtime.containersOf('neu')).toMatchObject([{ service: 'web', state: 'running', health: 'healthy' }])
    expect(life.host.store.failureOf('neu')).toBeNull()
    expect(life.finished).toEqual([life.host.hostId])
  })

  it('refuses a taken name at reserve and leaves the shop that has it alone', async () => {
    const life = fakeLifecycle()
    await life.plantShop('neu', { domain: 'alt.shops.example' })
    const before = hostState(life)
    const final = await create(life).done
    expect(final).toMatchObject({ status: 'failed', error: { code: 'invalid_input', step: 'reserve', say: { key: 'nameTaken' } } })
    expect(hostState(life)).toEqual(before)
    expect((await life.host.store.read('neu')).metadata.domain).toBe('alt.shops.example')
  })

  it('of two creates of one name at the same moment exactly one gets it', async () => {
    const life = fakeLifecycle()
    const finals = await Promise.all([create(life).done, create(life, { description: 'Zweiter' }).done])
    expect(finals.map((f) => f.status).sort()).toEqual(['failed', 'succeeded'])
    expect(finals.find((f) => f.status === 'failed')?.error).toMatchObject({ step: 'reserve', say: { key: 'nameTaken' } })
    expect(life.host.runtime.containersOf('neu')).toHaveLength(1)
    expect(life.host.store.failureOf('neu')).toBeNull()
  })

  it('refuses a name whose volume is left from an earlier shop, gives the directory back and keeps that data', async () => {
    const life = fakeLifecycle()
    life.host.runtime.addVolume('neu_data', 'neu', 'data', { 'orders.csv': 'old orders' })
    const final = await create(life).done
    expect(final).toMatchObject({
      status: 'failed',
      error: { code: 'invalid_input', step: 'reserve', say: { key: 'volumeExists', values: { name: 'neu_data' } } },
    })
    expect(life.host.store.exists(life.host.store.dir('neu'))).toBe(false)
    expect(life.host.runtime.volumes.get('neu_data')?.files.get('orders.csv')).toBe('old orders')
    expect(await life.host.store.list()).toEqual([])
  })

  it('a cancel before start removes the directory and records no failure', async () => {
    const life = fakeLifecycle()
    const writing = life.host.store.faults.hold('writeFiles')
    const started = create(life)
    await writing.reached
    expect(life.registry.cancel(started.snapshot.id)).toBe(true)
    writing.open()
    const final = await started.done
    expect(final.status).toBe('cancelled')
    expect(life.host.store.exists(life.host.store.dir('neu'))).toBe(false)
    expect(life.host.store.written.filter((p) => p.endsWith(FAILURE_FILE))).toEqual([])
    expect(life.host.runtime.containersOf('neu')).toEqual([])
    expect(await life.host.store.list()).toEqual([])
  })

  it('no longer offers cancel once the shop is being started', async () => {
    const life = fakeLifecycle()
    const applying = life.host.runtime.faults.hold('apply')
    const started = create(life)
    await applying.reached
    expect(life.registry.get(started.snapshot.id)?.cancellable).toBe(false)
    expect(life.registry.cancel(started.snapshot.id)).toBe(false)
    applying.open()
    expect((await started.done).status).toBe('succeeded')
  })

  it('a shop that never gets healthy fails at health, recorded once on the host as a failed create', async () => {
    const life = fakeLifecycle()
    life.host.runtime.health = () => 'starting'
    const final = await create(life).done
    expect(final).toMatchObject({ status: 'failed', error: { code: 'timeout', step: 'health' } })
    expect(life.host.store.failureOf('neu')).toMatchObject({ operation: 'create', step: 'health', message: final.error?.message })
    expect(life.host.store.written.filter((p) => p.endsWith(FAILURE_FILE))).toHaveLength(1)
    // The shop stays, so every overview shows it red with the step: its files and volume are not taken away.
    expect(await life.host.store.list()).toMatchObject([{ name: 'neu', failure: { operation: 'create', step: 'health' } }])
    expect(life.host.runtime.volumes.has('neu_data')).toBe(true)
  })

  it('a failed start records the failure at start, and the shop is listed with it', async () => {
    const life = fakeLifecycle()
    life.host.runtime.faults.failOn('apply', new Error('port is already allocated'))
    const final = await create(life).done
    expect(final).toMatchObject({ status: 'failed', error: { code: 'internal', step: 'start', message: 'port is already allocated' } })
    expect(life.host.store.failureOf('neu')).toMatchObject({ operation: 'create', step: 'start', message: 'port is already allocated' })
  })

  it('a full disk while writing fails at write with disk_full and starts nothing', async () => {
    const life = fakeLifecycle()
    life.host.store.diskFull = true
    const final = await create(life).done
    expect(final).toMatchObject({ status: 'failed', error: { code: 'disk_full', step: 'write' } })
    expect(life.host.runtime.containersOf('neu')).toEqual([])
    // Not even the failure record fits: a directory no overview lists would block the name for good, so it goes.
    expect(life.host.store.exists(life.host.store.dir('neu'))).toBe(false)
    life.host.store.diskFull = false
    expect((await create(life).done).status).toBe('succeeded')
  })

  it('with start off writes the shop and skips start and health', async () => {
    const life = fakeLifecycle()
    const final = await create(life, { start: false }, false).done
    expect(final.status).toBe('succeeded')
    expect(final.steps.filter((s) => s.status === 'skipped').map((s) => s.id)).toEqual(['dns', 'start', 'health'])
    expect(final.result).toMatchObject({ url: 'https://neu.shops.example', login: null })
    expect(life.host.runtime.containersOf('neu')).toEqual([])
    expect(await life.host.store.presence('neu')).toBe('compose')
  })
})

describe('create with a one-off job', () => {
  const jobTemplate = () => loadTemplate(resolve(import.meta.dirname, '../../../test/fixtures/templates/busybox-job'), 'busybox-job', 'custom')
  const withJob = (life: FakeLifecycle) => ({ ...life, deps: { ...life.deps, template: () => jobTemplate() } })

  it('is healthy once the job exited 0 and the web runs: the job shows done, green', async () => {
    const life = fakeLifecycle()
    const final = await create(withJob(life), { templateId: 'busybox-job' }).done
    expect(final.status).toBe('succeeded')
    expect(life.host.runtime.containersOf('neu').map((c) => [c.service, c.state, c.exitCode ?? null])).toEqual([
      ['init', 'exited', 0],
      ['web', 'running', null],
    ])
    const shops = await life.host.runtime.containers('neu')
    expect(shops.get('neu')!.map((c) => [c.service, c.light])).toEqual([
      ['init', 'green'],
      ['web', 'green'],
    ])
  })

  it('fails at the health step when the job failed, with its exit code and last lines', async () => {
    const life = fakeLifecycle()
    life.host.runtime.failJob('neu', 'init', 3, 'migration failed')
    const final = await create(withJob(life), { templateId: 'busybox-job' }).done
    expect(final).toMatchObject({
      status: 'failed',
      error: { step: 'health', say: { key: 'jobFailed', values: { service: 'init', code: 3, lines: 'init: ERROR migration failed' } } },
    })
  })
})

describe('create on a host without room for the template', () => {
  const needing = (needs: string) => async () => {
    const template = await loadTemplate(resolve(import.meta.dirname, '../../../templates/busybox'), 'busybox', 'bundled')
    return { ...template, manifest: { ...template.manifest, needs: manifestSchema.shape.needs.parse(JSON.parse(needs)) } }
  }

  it('refuses before anything is written, saying what is free and what the shop needs', async () => {
    const life = fakeLifecycle()
    life.host.store.room = { ...life.host.store.room, diskFreeBytes: 1.2 * 2 ** 30 }
    const before = hostState(life)
    const final = await create({ ...life, deps: { ...life.deps, template: needing('{"disk":"2G"}') } }).done
    expect(final).toMatchObject({
      status: 'failed',
      error: { code: 'no_room', step: 'validate', say: { key: 'noRoomDisk', values: { freeBytes: 1.2 * 2 ** 30, needBytes: 2e9 } } },
    })
    expect(hostState(life)).toEqual(before)
    life.host.store.room = { ...life.host.store.room, diskFreeBytes: 100 * 2 ** 30, memoryAvailableBytes: 256 * 2 ** 20 }
    const memory = await create({ ...life, deps: { ...life.deps, template: needing('{"memory":"512M"}') } }).done
    expect(memory).toMatchObject({ status: 'failed', error: { say: { key: 'noRoomMemory', values: { needBytes: 512e6 } } } })
  })

  it('goes ahead where the room is there', async () => {
    const life = fakeLifecycle()
    const final = await create({ ...life, deps: { ...life.deps, template: needing('{"disk":"2G","memory":"512M"}') } }).done
    expect(final.status).toBe('succeeded')
  })
})

describe('create with an image from a private registry', () => {
  const image = 'registry.example.com:5000/acme/shop:2.0'
  const privately = (life: FakeLifecycle) => {
    life.host.runtime.privateImages.set(image, 'geheim')
    return create(life, { image })
  }

  it('pulls with this laptop’s credentials for that registry before a file is written, the layers as progress', async () => {
    const life = fakeLifecycle()
    life.logins.set('registry.example.com:5000', { username: 'ci', password: 'geheim' })
    const final = await privately(life).done
    expect(final.status).toBe('succeeded')
    expect(life.host.runtime.pulls).toEqual([{ image, auth: { username: 'ci', password: 'geheim', serveraddress: 'registry.example.com:5000' } }])
    const pulled = life.published.map((s) => s.steps.find((step) => step.id === 'pull')!).filter((step) => step.progress)
    expect(pulled.at(-1)).toMatchObject({ progress: { done: 1024, total: 1024 }, note: { key: 'layers', values: { done: 2, total: 2 } } })
    // The pull is over before the shop's directory exists.
    const reserveStarted = life.published.findIndex((s) => s.steps.find((step) => step.id === 'reserve')?.status === 'running')
    expect(life.published.findIndex((s) => s.steps.find((step) => step.id === 'pull')?.progress)).toBeLessThan(reserveStarted)
  })

  it('without credentials for it: refused at the pull step, saying where to add them; nothing on the host', async () => {
    const life = fakeLifecycle()
    const before = hostState(life)
    const final = await privately(life).done
    expect(final).toMatchObject({
      status: 'failed',
      error: { code: 'invalid_input', step: 'pull', say: { key: 'registryNoCredentials', values: { registry: 'registry.example.com:5000', image } } },
    })
    expect(hostState(life)).toEqual(before)
  })

  it('with the wrong password: the registry refused them, which is said as such', async () => {
    const life = fakeLifecycle()
    life.logins.set('registry.example.com:5000', { username: 'ci', password: 'falsch' })
    const final = await privately(life).done
    expect(final.error).toMatchObject({ step: 'pull', say: { key: 'registryDenied' } })
    expect(life.host.store.files.size).toBe(0)
  })
})
