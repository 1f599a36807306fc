// Clone: a new shop with every volume's data copied on the host; the source's data untouched and the source
// back in the state it was in.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { HostSession } from '../../src/main/host/host-session'
import { startCloneShop, type CloneShopInput } from '../../src/main/shops/clone-shop'
import { discoverShops } from '../../src/main/shops/discovery'
import { runShopAction } from '../../src/main/shops/shop-actions'
import { shopBed, type ShopBed } from './support/shop-bed'
import { composeEngine } from '../../src/main/engine/compose/compose-engine'
import { keepAliveTiming } from '../../src/main/engine/compose/pause-guard'
import { cuttableLink } from './support/cuttable-link'

const info = inject('testbed')
const source = 'vorlage'
let attempt = 0

describe('cloning a shop on the test bed', () => {
  let bed: ShopBed
  let session: HostSession
  const clone = (input: Partial<CloneShopInput> & { name: string }) => {
    bed.track(input.name)
    return startCloneShop(
      { hostId: 'testbed', source, domain: `${input.name}.shops.test`, description: 'Kopie', ...input },
      {
        engine: async () => composeEngine(session),
        template: (id) => bed.templates.get(id),
        runner: bed.runner,
        user: 'carla',
        certResolver: null,
        helperImage: info.image,
      },
    ).snapshot
  }
  const read = (project: string, file: string) => bed.docker('exec', bed.container(project), 'cat', `/srv/data/${file}`)

  beforeAll(async () => {
    bed = shopBed(info, 'clone')
    session = bed.session()
    const done = await bed.finished(bed.create(session, { name: source, params: { greeting: 'Original' } }).id)
    if (done.status !== 'succeeded') throw new Error(`setup: ${JSON.stringify(done.error)}`)
    // Data worth copying: a marker, a file of 3 MB, a file owned by another user.
    bed.docker(
      'exec',
      bed.container(source),
      'sh',
      '-c',
      'echo quelle > /srv/data/marker && dd if=/dev/urandom of=/srv/data/blob bs=1M count=3 2>/dev/null && touch /srv/data/owned && chown 999:999 /srv/data/owned',
    )
  })
  afterAll(() => bed?.cleanup())

  it('copies every volume, reports bytes per step, starts the clone healthy and resumes the source', async () => {
    const name = `kopie${++attempt}`
    const sourceWeb = bed.container(source)
    const done = await bed.finished(clone({ name }).id)
    expect(done.error).toBeUndefined()
    expect(done.status).toBe('succeeded')
    expect(done.steps.map((s) => `${s.id}:${s.status}`)).toEqual([
      'validate:done',
      'reserve:done',
      'copy:done',
      'pause:done',
      'changes:done',
      'resume:done',
      'write:done',
      'dns:skipped',
      'start:done',
      'health:done',
      'done:done',
    ])
    // Progress went out with bytes while copying.
    const copying = bed.snapshots
      .filter((s) => s.id === done.id)
      .map((s) => s.steps.find((x) => x.id === 'copy')?.progress)
      .filter(Boolean)
    expect(copying.length).toBeGreaterThan(0)
    expect(copying.at(-1)!.total).toBeGreaterThan(3 * 1024 * 1024)
    expect(copying.at(-1)!.done).toBe(copying.at(-1)!.total)

    expect(read(name, 'marker')).toBe('quelle')
    expect(bed.docker('exec', bed.container(name), 'md5sum', '/srv/data/blob').split(' ')[0]).toBe(
      bed.docker('exec', sourceWeb, 'md5sum', '/srv/data/blob').split(' ')[0],
    )
    expect(bed.docker('exec', bed.container(name), 'stat', '-c', '%u:%g', '/srv/data/owned')).toBe('999:999')
    // The source is the same container, running and healthy again, its data untouched by the clone.
    expect(bed.container(source)).toBe(sourceWeb)
    expect(bed.docker('inspect', '-f', '{{.State.Status}}', sourceWeb)).toBe('running')
    await expect
      .poll(() => bed.docker('inspect', '-f', '{{.State.Status}} {{.State.Health.Status}}', sourceWeb), { timeout: 10_000, interval: 200 })
      .toBe('running healthy')
    bed.docker('exec', bed.container(name), 'sh', '-c', 'echo kopie > /srv/data/marker')
    expect(read(source, 'marker')).toBe('quelle')

    // Its own domain and shop name, new secrets where the manifest says so (busybox: admin password).
    expect(bed.docker('exec', bed.container(name), 'wget', '-q', '-O', '-', 'http://127.0.0.1:8080/')).toContain(`Original – ${name}`)
    expect(bed.secret(name)).not.toBe(bed.secret(source))
    const metadata = JSON.parse(readFileSync(join(bed.baseDir, name, 'shop.json'), 'utf8')) as Record<string, unknown>
    expect(metadata).toMatchObject({ clonedFrom: source, domain: `${name}.shops.test`, createdBy: 'carla', params: { greeting: 'Original' } })
    expect((await discoverShops(composeEngine(session))).find((s) => s.name === name)).toMatchObject({ light: 'green', clonedFrom: source })
  })

  it('leaves a stopped source stopped', async () => {
    const name = `kalt${++attempt}`
    await runShopAction(composeEngine(session), { shop: source, action: 'stop', user: 'carla' })
    try {
      const done = await bed.finished(clone({ name }).id)
      expect(done.error).toBeUndefined()
      expect(done.steps.find((s) => s.id === 'pause')?.note).toEqual({ key: 'notRunning' })
      expect(read(name, 'marker')).toBe('quelle')
      expect(bed.docker('inspect', '-f', '{{.State.Status}}', bed.container(source))).toBe('exited')
    } finally {
      await runShopAction(composeEngine(session), { shop: source, action: 'start', user: 'carla' })
    }
  })

  it('refuses a taken name and a volume left by an earlier shop, copying nothing', async () => {
    const taken = await bed.finished(clone({ name: source }).id)
    expect(taken.error).toMatchObject({ step: 'reserve', message: expect.stringContaining('already exists') })
    const name = `rest${++attempt}`
    bed.docker('volume', 'create', `${name}_data`)
    const leftover = await bed.finished(clone({ name }).id)
    expect(leftover.error).toMatchObject({ step: 'reserve', message: expect.stringContaining(`${name}_data`) })
    expect(bed.docker('run', '--rm', '-v', `${name}_data:/d`, info.image, 'ls', '-A', '/d')).toBe('')
    expect(bed.docker('inspect', '-f', '{{.State.Status}}', bed.container(source))).toBe('running')
  })

  it("a copy that fails is the copy's failure: the source runs again, and Delete clears what is left", async () => {
    const name = `bruch${++attempt}`
    bed.track(name)
    const done = await bed.finished(
      startCloneShop(
        { hostId: 'testbed', source, domain: `${name}.shops.test`, description: '', name },
        {
          engine: async () => composeEngine(session),
          template: (id) => bed.templates.get(id),
          runner: bed.runner,
          user: 'carla',
          certResolver: null,
          helperImage: '127.0.0.1:9/no/helper:1',
        },
      ).snapshot.id,
    )
    expect(done.error).toMatchObject({ step: 'copy' })
    // The first pass failed while the source ran: it was never paused.
    expect(done.steps.filter((s) => s.id === 'pause' || s.id === 'resume').map((s) => s.status)).toEqual(['pending', 'pending'])
    expect(bed.docker('inspect', '-f', '{{.State.Status}}', bed.container(source))).toBe('running')
    const listed = (await discoverShops(composeEngine(session))).find((s) => s.name === name)
    expect(listed).toMatchObject({ light: 'red', failure: { operation: 'clone', step: 'copy' } })
    await expect(runShopAction(composeEngine(session), { shop: name, action: 'start', user: 'carla' })).rejects.toThrow(/never completely created/)
    await runShopAction(composeEngine(session), { shop: name, action: 'delete', confirm: name, user: 'carla' })
    expect(bed.docker('volume', 'ls', '-q', '--filter', `name=${name}_`)).toBe('')
    expect((await discoverShops(composeEngine(session))).find((s) => s.name === name)).toBeUndefined()
  })

  it('is a consistent point in time: what the source wrote up to the pause is in the clone, what it wrote after is not', async () => {
    const name = `punkt${++attempt}`
    const sourceWeb = bed.container(source)
    const write = (script: string): string => bed.docker('exec', sourceWeb, 'sh', '-c', script)
    write('echo frueh > /srv/data/frueh && echo frueh > /srv/data/geaendert && echo weg > /srv/data/geloescht')
    const seen = new Set<string>()
    bed.onSnapshot = (s) => {
      if (s.shop !== name) return
      const status = (step: string) => s.steps.find((x) => x.id === step)?.status
      // While the first pass runs, and between it and the pause: a new file, a changed one, a deleted one.
      if (status('copy') === 'running' && !seen.has('copy')) {
        seen.add('copy')
        write('echo waehrend > /srv/data/waehrend')
      }
      if (status('pause') === 'running' && !seen.has('pause')) {
        seen.add('pause')
        write('echo vor-pause > /srv/data/vor-pause && echo neu > /srv/data/geaendert && rm /srv/data/geloescht')
      }
      if (status('resume') === 'done' && !seen.has('resume')) {
        seen.add('resume')
        write('echo danach > /srv/data/danach')
      }
    }
    const done = await bed.finished(clone({ name }).id)
    bed.onSnapshot = null
    expect(done.error).toBeUndefined()
    expect([...seen]).toEqual(['copy', 'pause', 'resume'])
    expect(bed.docker('exec', bed.container(name), 'ls', '/srv/data').split('\n').sort()).toEqual(
      ['blob', 'frueh', 'geaendert', 'marker', 'owned', 'vor-pause', 'waehrend'].sort(),
    )
    expect(read(name, 'geaendert')).toBe('neu')
    // The snapshot between the passes stays out of the clone's directory.
    expect(readdirSync(join(bed.baseDir, name)).filter((f) => f.endsWith('.snar'))).toEqual([])
    write('rm -f /srv/data/frueh /srv/data/geaendert /srv/data/waehrend /srv/data/vor-pause /srv/data/danach')
  })

  it('cancelled during the copy: the source runs again and the clone leaves nothing behind', async () => {
    const name = `halt${++attempt}`
    bed.onSnapshot = (s) => {
      if (s.shop === name && s.steps.find((x) => x.id === 'copy')?.status === 'running') bed.operations.cancel(s.id)
    }
    const done = await bed.finished(clone({ name }).id)
    bed.onSnapshot = null
    expect(done.status).toBe('cancelled')
    expect(bed.docker('volume', 'ls', '-q', '--filter', `name=${name}_`)).toBe('')
    expect(bed.docker('ps', '-aq', '--filter', 'label=shopmanager.helper')).toBe('')
    expect(bed.docker('inspect', '-f', '{{.State.Status}}', bed.container(source))).toBe('running')
    expect(read(source, 'marker')).toBe('quelle')
  })

  it('a connection cut during the final pass: the source runs again within the connection timeout, the clone is failed and marked, the source data is unchanged', async () => {
    const name = `schnitt${++attempt}`
    bed.track(name)
    const link = await cuttableLink(info.ssh.port)
    const cutOff = bed.session({ port: link.port })
    const sourceWeb = bed.container(source)
    const sums = () => bed.docker('exec', sourceWeb, 'sh', '-c', 'cd /srv/data && md5sum * | sort')
    const before = sums()
    let cutAt = 0
    bed.onSnapshot = (s) => {
      if (cutAt || s.shop !== name || s.steps.find((x) => x.id === 'changes')?.status !== 'running') return
      cutAt = Date.now()
      link.cut()
      // Back after a moment, as a laptop's network comes back: the app can then clean up the clone.
      setTimeout(() => link.restore(), 3000)
    }
    try {
      const started = startCloneShop(
        { hostId: 'testbed', source, domain: `${name}.shops.test`, description: '', name },
        {
          engine: async () => composeEngine(cutOff),
          template: (id) => bed.templates.get(id),
          runner: bed.runner,
          user: 'carla',
          certResolver: null,
          helperImage: info.image,
        },
      ).snapshot
      await expect.poll(() => cutAt, { timeout: 30_000, interval: 20 }).toBeGreaterThan(0)
      await expect.poll(() => bed.docker('inspect', '-f', '{{.State.Status}}', sourceWeb), { timeout: 20_000, interval: 100 }).toBe('running')
      expect(Date.now() - cutAt).toBeLessThan(keepAliveTiming.deadAfterMs + 5000)
      const done = await bed.finished(started.id)
      bed.onSnapshot = null
      expect(done.status).toBe('failed')
      expect(done.error).toMatchObject({ step: 'changes' })
      // Clearly marked on the host for every laptop (red, with the step), and Delete clears it.
      const listed = (await discoverShops(composeEngine(session))).find((s) => s.name === name)
      expect(listed).toMatchObject({ light: 'red', failure: { operation: 'clone', step: 'changes' } })
      await runShopAction(composeEngine(session), { shop: name, action: 'delete', confirm: name, user: 'carla' })
      expect(existsSync(join(bed.baseDir, name))).toBe(false)
      expect(bed.docker('volume', 'ls', '-q', '--filter', `name=${name}_`)).toBe('')
      // The helper container of the copy ended with the connection: none is left holding a volume.
      expect(bed.docker('ps', '-aq', '--filter', 'label=shopmanager.helper')).toBe('')
      expect(sums()).toBe(before)
      expect(bed.container(source)).toBe(sourceWeb)
    } finally {
      bed.onSnapshot = null
      cutOff.close()
      await link.close()
    }
  })
})
