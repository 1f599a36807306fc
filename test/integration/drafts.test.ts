// Drafts: usable with the host unreachable (the app says offline), deployed once it is back, kept when the name
// was taken meanwhile; a truncated store file is moved aside and reported, never silently lost.
import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Conf from 'conf'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { OperationSnapshot } from '../../src/shared/operations'
import { DraftStore } from '../../src/main/drafts/draft-store'
import type { Services } from '../../src/main/services'
import { appServices, type AppServices } from './support/app-services'
import { shopBed, type ShopBed } from './support/shop-bed'
import { restartSshd } from './support/testbed-control'

const info = inject('testbed')

describe('drafts', () => {
  let app: AppServices
  let services: Services
  let handlers: AppServices['handlers']
  let bed: ShopBed
  let hostId: string

  const finished = async (snapshot: OperationSnapshot) => {
    await expect.poll(() => services.operations.get(snapshot.id)?.status, { timeout: 90_000, interval: 100 }).not.toBe('running')
    return services.operations.get(snapshot.id)!
  }

  beforeAll(async () => {
    bed = shopBed(info, 'drafts')
    app = appServices(info, 'drafts')
    ;({ services, handlers } = app)
    hostId = await app.addTestbedHost({ baseDir: bed.baseDir })
    await services.engines.probe(hostId)
  })
  afterAll(async () => {
    await app?.close()
    bed?.cleanup()
  })

  it('works with the host down, which the app reports as offline, and deploys once it is back', async () => {
    bed.track('entwurf')
    const down = restartSshd(6)
    await expect.poll(() => services.connections.list().find((c) => c.hostId === hostId)?.state, { timeout: 10_000, interval: 100 }).toBe('offline')
    const draft = await handlers['drafts:save']({
      hostId,
      name: 'Entwurf',
      description: 'Messe',
      templateId: 'busybox',
      domain: 'entwurf.shops.test',
      params: { greeting: 'Hallo' },
      notes: 'Kunde ruft an',
    } as never)
    expect(draft).toMatchObject({ name: 'entwurf', deployed: null })
    const copy = await handlers['drafts:duplicate']({ id: draft.id })
    await handlers['drafts:save']({ id: copy.id, name: 'entwurfb', notes: 'zweite Idee' } as never)
    await handlers['drafts:remove']({ id: copy.id })
    expect((await handlers['drafts:list'](undefined as never)).drafts.map((d) => d.name)).toEqual(['entwurf'])
    // Deploying while the host is down fails and keeps the draft.
    const early = await finished(await handlers['drafts:deploy']({ id: draft.id }))
    expect(early.status).toBe('failed')
    expect(services.drafts.get(draft.id).deployed).toBeNull()
    await down
    await expect.poll(() => services.connections.list().find((c) => c.hostId === hostId)?.state, { timeout: 30_000, interval: 200 }).toBe('connected')
    const done = await finished(await handlers['drafts:deploy']({ id: draft.id }))
    expect(done.error).toBeUndefined()
    expect(services.drafts.get(draft.id).deployed).toMatchObject({ hostId, shop: 'entwurf' })
    expect(bed.docker('exec', bed.container('entwurf'), 'wget', '-q', '-O', '-', 'http://127.0.0.1:8080/')).toContain('Hallo – entwurf')
  })

  it('keeps the draft when its name was taken meanwhile', async () => {
    bed.track('vergeben')
    const taken = await bed.finished(bed.create(bed.session(), { name: 'vergeben' }).id)
    expect(taken.status).toBe('succeeded')
    const draft = await handlers['drafts:save']({ hostId, name: 'vergeben', templateId: 'busybox', domain: 'vergeben.shops.test' } as never)
    const done = await finished(await handlers['drafts:deploy']({ id: draft.id }))
    expect(done.error).toMatchObject({ step: 'reserve', message: expect.stringContaining('already exists') })
    expect(services.drafts.get(draft.id).deployed).toBeNull()
  })

  it('exports and imports drafts as a file, as new drafts', async () => {
    const { drafts } = await handlers['drafts:list'](undefined as never)
    const file = JSON.stringify(await handlers['drafts:export']({ ids: drafts.map((d) => d.id) }))
    const imported = await handlers['drafts:import']({ content: file })
    expect(imported.map((d) => d.name)).toEqual(drafts.map((d) => d.name))
    expect(imported.every((d) => !drafts.some((o) => o.id === d.id) && d.deployed === null)).toBe(true)
    expect(() => handlers['drafts:import']({ content: '{"format":"other"}' })).toThrow(/not a Shop-Manager drafts file/)
  })

  it('moves a truncated store file aside, reports it, and starts empty', () => {
    const dir = mkdtempSync(join(tmpdir(), 'drafts-broken-'))
    const path = join(dir, 'drafts.json')
    const open = () => new Conf({ cwd: dir, configName: 'drafts', clearInvalidConfig: false })
    new DraftStore(open, path).save({ name: 'wichtig', notes: 'nicht verlieren' })
    const full = readFileSync(path, 'utf8')
    truncateSync(path, Math.floor(full.length / 2))
    const half = readFileSync(path, 'utf8')
    const store = new DraftStore(open, path)
    const { drafts, recovered } = store.list()
    expect(drafts).toEqual([])
    expect(recovered).toMatchObject({ movedTo: expect.stringContaining('drafts.json.corrupt-') })
    expect(readFileSync(recovered!.movedTo, 'utf8')).toBe(half)
    // The next draft goes to a fresh file; the moved one stays for a person to rescue.
    store.save({ name: 'neu' })
    expect(existsSync(recovered!.movedTo)).toBe(true)
    writeFileSync(path, '{"drafts": "kaputt"}')
    expect(new DraftStore(open, path).list().recovered?.reason).toContain('not in the expected form')
    rmSync(dir, { recursive: true, force: true })
  })
})
