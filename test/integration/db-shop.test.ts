// A shop with a real database on the test bed (the pg-shop fixture: PostgreSQL 15, an init job, an app that reads
// and writes it over the shop network, the web entry): created healthy with its seeded rows, cloned with the rows
// of the moment of the copy and a database of its own, backed up and restored to the rows it had.
import { spawnSync } from 'node:child_process'
import { resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { HostSession } from '../../src/main/host/host-session'
import { composeEngine } from '../../src/main/engine/compose/compose-engine'
import { startBackup, type BackupDeps } from '../../src/main/shops/backup-shop'
import { startCloneShop } from '../../src/main/shops/clone-shop'
import { startRestore } from '../../src/main/shops/restore-shop'
import { startUpdateShop } from '../../src/main/shops/update-shop'
import { TemplateService } from '../../src/main/templates/template-service'
import { shopBed, type ShopBed } from './support/shop-bed'
import { testbedDocker } from '../support/testbed-dir'

const info = inject('testbed')
const fixtures = resolve(import.meta.dirname, '../fixtures/templates')
const source = 'laden'
const seeded = ['1 Apfel', '2 Birne', '3 Kirsche']

describe('a shop with a PostgreSQL database on the test bed', () => {
  let bed: ShopBed
  let session: HostSession
  /** The rows as the entry serves them: web → app → PostgreSQL, over the shop network. */
  const rows = (shop: string) => bed.docker('exec', bed.container(shop, 'web'), 'wget', '-q', '-O', '-', 'http://127.0.0.1:8080/cgi-bin/items').split('\n')
  const add = (shop: string, name: string) =>
    bed.docker('exec', bed.container(shop, 'web'), 'wget', '-q', '-O', '-', `http://app:8080/cgi-bin/add?name=${encodeURIComponent(name)}`)
  const sql = (shop: string, query: string) => bed.docker('exec', bed.container(shop, 'db'), 'psql', '-h', '/tmp', '-U', 'shop', '-XAtq', '-c', query)
  const states = (shop: string) =>
    ['db', 'init', 'app', 'web'].map((service) =>
      bed.docker(
        'inspect',
        '-f',
        `${service} {{.State.Status}} {{.State.ExitCode}} {{if .State.Health}}{{.State.Health.Status}}{{end}}`,
        bed.container(shop, service),
      ),
    )
  const deps = (): BackupDeps => ({
    engine: async () => composeEngine(session),
    template: (id) => bed.templates.get(id),
    runner: bed.runner,
    user: 'eva',
    helperImage: info.image,
    keep: 2,
  })

  beforeAll(async () => {
    bed = shopBed(info, 'dbshop')
    bed.templates = new TemplateService(resolve(import.meta.dirname, '../../templates'), () => fixtures)
    session = bed.session()
  })
  afterAll(() => bed?.cleanup())

  it('creates every service healthy, the job done, and the entry serves the seeded rows from the database', async () => {
    const done = await bed.finished(bed.create(session, { name: source, templateId: 'pg-shop' }).id, 120_000)
    expect(done.error).toBeUndefined()
    expect(done.status).toBe('succeeded')
    expect(states(source)).toEqual(['db running 0 healthy', 'init exited 0', 'app running 0 healthy', 'web running 0 healthy'])
    expect(rows(source)).toEqual(seeded)
    expect(bed.docker('logs', bed.container(source, 'init'))).toContain('seeded 3 items')
    // The web's volumes are read-only there; the job wrote them.
    expect(bed.docker('exec', bed.container(source, 'web'), 'wget', '-q', '-O', '-', 'http://127.0.0.1:8080/static/index.html')).toBe(`<h1>${source}</h1>`)
    expect(bed.docker('exec', bed.container(source, 'web'), 'sh', '-c', 'touch /srv/web/media/x 2>&1 || true')).toContain('Read-only file system')
    // The network needs the password: the app logs in with it, a login without one is refused.
    expect(() => bed.docker('exec', bed.container(source, 'app'), 'env', '-u', 'PGPASSWORD', 'psql', '-XAtqw', '-c', 'select 1')).toThrow(/password/)
  })

  it("clones: the source's rows of the moment of the copy, a database of its own, both intact", async () => {
    add(source, 'Dattel')
    const before = rows(source)
    expect(before).toEqual([...seeded, '4 Dattel'])
    const name = 'ableger'
    bed.track(name)
    const done = await bed.finished(
      startCloneShop(
        { hostId: 'testbed', source, name, domain: `${name}.shops.test`, description: 'Kopie' },
        {
          engine: async () => composeEngine(session),
          template: (id) => bed.templates.get(id),
          runner: bed.runner,
          user: 'carla',
          certResolver: null,
          helperImage: info.image,
        },
      ).snapshot.id,
      120_000,
    )
    expect(done.error).toBeUndefined()
    expect(done.status).toBe('succeeded')
    expect(states(name)).toEqual(['db running 0 healthy', 'init exited 0', 'app running 0 healthy', 'web running 0 healthy'])
    expect(rows(name)).toEqual(before)
    // The clone's job found the table full and seeded nothing.
    expect(bed.docker('logs', bed.container(name, 'init'))).toContain('seeded 4 items')

    // Each writes to its own database. (Ids are not asserted: a server that starts from data not shut down
    // cleanly skips up to 32 values of a sequence, as PostgreSQL logs sequences ahead.)
    expect(add(name, 'Erdbeere')).toMatch(/^\d+$/)
    expect(rows(name).slice(0, -1)).toEqual(before)
    expect(rows(name).at(-1)).toMatch(/^\d+ Erdbeere$/)
    expect(rows(source)).toEqual(before)
    expect(add(source, 'Feige')).toMatch(/^\d+$/)
    expect(rows(source).at(-1)).toMatch(/^\d+ Feige$/)
    expect(rows(name)).not.toContainEqual(expect.stringContaining('Feige'))

    // Both databases pass amcheck (heap and btree); the clone's server log says how it found the copied data.
    for (const shop of [source, name]) {
      sql(shop, 'create extension if not exists amcheck')
      expect(bed.docker('exec', bed.container(shop, 'db'), 'pg_amcheck', '-h', '/tmp', '-U', 'shop', '--heapallindexed', 'shop')).toBe('')
    }
    // PostgreSQL logs to stderr. Starting from the copy (taken while the source was paused, like a power cut) it
    // logs: "database system was interrupted; last known up at …", "database system was not properly shut down;
    // automatic recovery in progress", "redo starts at 0/1920488", "invalid record length at 0/19470E8: wanted 24,
    // got 0" (the end of the WAL), "redo done at …", an end-of-recovery checkpoint, then "ready to accept connections".
    const log = spawnSync('docker', ['logs', bed.container(name, 'db')], { env: testbedDocker(info).env, encoding: 'utf8' }).stderr
    expect(log).toContain('database system was not properly shut down; automatic recovery in progress')
    expect(log).toMatch(/redo done at/)
    expect(log).toContain('database system is ready to accept connections')
    expect(log).not.toMatch(/PANIC|FATAL: .*(corrupt|invalid)/)
  })

  it('backs up, a row is added, restores: the row is gone, the earlier rows there', async () => {
    const before = rows(source)
    const backedUp = await bed.finished(startBackup({ hostId: 'testbed', shop: source }, deps()).snapshot.id, 120_000)
    expect(backedUp.error).toBeUndefined()
    expect(add(source, 'Granatapfel')).toMatch(/^\d+$/)
    expect(rows(source).slice(0, -1)).toEqual(before)
    expect(rows(source).at(-1)).toMatch(/^\d+ Granatapfel$/)
    const restored = await bed.finished(
      startRestore({ hostId: 'testbed', shop: source, backupId: backedUp.result!.backupId!, confirm: source }, deps()).snapshot.id,
      120_000,
    )
    expect(restored.error).toBeUndefined()
    expect(rows(source)).toEqual(before)
    expect(states(source).filter((s) => !s.startsWith('init'))).toEqual(['db running 0 healthy', 'app running 0 healthy', 'web running 0 healthy'])
  })
  it('rolls an app update whose health check fails back, the database untouched', async () => {
    const before = rows(source)
    const db = bed.docker('inspect', '-f', '{{.Id}} {{.State.StartedAt}}', bed.container(source, 'db'))
    const broken = `${info.pg.appRepository}:${info.pg.brokenTag}`
    const done = await bed.finished(
      startUpdateShop(
        { hostId: 'testbed', shop: source, image: broken },
        { engine: async () => composeEngine(session), template: (id) => bed.templates.get(id), runner: bed.runner, user: 'dora', certResolver: null },
      ).snapshot.id,
      190_000,
    )
    expect(done.status).toBe('failed')
    expect(done.error).toMatchObject({ code: 'update_rolled_back', step: 'health', details: { image: broken, service: 'app' } })
    expect(done.steps.find((s) => s.id === 'rollback')?.status).toBe('done')
    expect(bed.docker('inspect', '-f', '{{.Config.Image}}', bed.container(source, 'app'))).toBe(`${info.pg.appRepository}:1.0`)
    // The database's container was neither recreated nor restarted, and serves the same rows.
    expect(bed.docker('inspect', '-f', '{{.Id}} {{.State.StartedAt}}', bed.container(source, 'db'))).toBe(db)
    expect(rows(source)).toEqual(before)
    expect(states(source).filter((s) => !s.startsWith('init'))).toEqual(['db running 0 healthy', 'app running 0 healthy', 'web running 0 healthy'])
    sql(source, 'create extension if not exists amcheck')
    expect(bed.docker('exec', bed.container(source, 'db'), 'pg_amcheck', '-h', '/tmp', '-U', 'shop', '--heapallindexed', 'shop')).toBe('')
  }, 200_000)
})
