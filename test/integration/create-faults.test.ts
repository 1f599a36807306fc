// A create that goes wrong: cancelled while safe, the SSH connection dropped during `compose up`, a shop that
// cannot start. The host is left as the overview says, and nothing is lost.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { AppError } from '../../src/shared/errors'
import type { HostSession } from '../../src/main/host/host-session'
import { discoverShops } from '../../src/main/shops/discovery'
import { runShopAction } from '../../src/main/shops/shop-actions'
import { shopBed, type ShopBed } from './support/shop-bed'
import { restartSshd } from './support/testbed-control'
import { composeEngine } from '../../src/main/engine/compose/compose-engine'

const info = inject('testbed')
let attempt = 0

describe('create faults on the test bed', () => {
  let bed: ShopBed
  let session: HostSession

  beforeAll(() => {
    bed = shopBed(info, 'faults')
    session = bed.session()
  })
  afterAll(() => bed?.cleanup())

  it('cancelled while writing files: no directory, no container, no volume', async () => {
    const name = `abbruch${++attempt}`
    bed.onSnapshot = (s) => {
      if (s.shop === name && s.steps.find((x) => x.id === 'write')?.status === 'running') bed.operations.cancel(s.id)
    }
    const done = await bed.finished(bed.create(session, { name }).id)
    bed.onSnapshot = null
    expect(done).toMatchObject({ status: 'cancelled', error: { code: 'cancelled', step: 'write' } })
    expect(existsSync(join(bed.baseDir, name))).toBe(false)
    expect(bed.docker('ps', '-aq', '--filter', `label=com.docker.compose.project=${name}`)).toBe('')
    expect(bed.docker('volume', 'ls', '-q', '--filter', `name=${name}_`)).toBe('')
  })

  it('is not cancellable once containers are being created', async () => {
    const name = `spaet${++attempt}`
    let refused: boolean | undefined
    bed.onSnapshot = (s) => {
      if (s.shop === name && refused === undefined && s.steps.find((x) => x.id === 'start')?.status === 'running') refused = !bed.operations.cancel(s.id)
    }
    const done = await bed.finished(bed.create(session, { name }).id)
    bed.onSnapshot = null
    expect(refused).toBe(true)
    expect(done.status).toBe('succeeded')
  })

  it('recovers when the SSH connection drops in the middle of compose up, and reports the real end state', async () => {
    const name = `abriss${++attempt}`
    let dropped: Promise<void> | undefined
    bed.onSnapshot = (s) => {
      if (s.shop === name && !dropped && s.steps.find((x) => x.id === 'start')?.status === 'running') dropped = restartSshd(1)
    }
    const done = await bed.finished(bed.create(session, { name }).id, 120_000)
    bed.onSnapshot = null
    await dropped
    expect(done.error).toBeUndefined()
    expect(done.status).toBe('succeeded')
    // It really was cut off during up, and said so.
    expect(done.log.join('\n')).toMatch(/connection dropped/i)
    expect(bed.docker('inspect', '-f', '{{.State.Health.Status}}', bed.container(name))).toBe('healthy')
    const shop = (await discoverShops(composeEngine(session))).find((s) => s.name === name)
    expect(shop).toMatchObject({ light: 'green', failure: null })
  })

  it('a shop that cannot start stays on the host, red, with the step and the message; Start retries', async () => {
    const name = `kaputt${++attempt}`
    // The image is on the host when the create pulls, and gone when `compose up` needs it (as if pruned in between):
    // compose then looks for it at a registry that does not have it, and `up` fails.
    const image = 'shopmgr/does-not-exist:start'
    bed.docker('tag', info.image, image)
    let untagged = false
    bed.onSnapshot = (s) => {
      if (untagged || s.steps.find((step) => step.id === 'start')?.status !== 'running') return
      untagged = true
      bed.docker('rmi', image)
    }
    const done = await bed.finished(bed.create(session, { name, image }).id)
    bed.onSnapshot = null
    expect(done.error).toMatchObject({ step: 'start' })
    expect(done.status).toBe('failed')
    const record = JSON.parse(readFileSync(join(bed.baseDir, name, 'failure.json'), 'utf8')) as Record<string, string>
    expect(record).toMatchObject({ operation: 'create', step: 'start' })
    const shop = (await discoverShops(composeEngine(session))).find((s) => s.name === name)
    expect(shop?.light).toBe('red')
    expect(shop?.failure).toMatchObject({ operation: 'create', step: 'start', message: expect.stringContaining('compose up failed') })
    // The record keeps the error's words, so every laptop says it in its own language.
    expect(shop?.failure?.say).toMatchObject({ key: 'composeFailed', values: { output: expect.stringContaining('does-not-exist') } })
    expect(done.error?.say?.key).toBe('composeFailed')
    expect(shop?.reason).toMatch(/^start: /)
    // Nothing was deleted: the files and the volume stay for a retry.
    expect(existsSync(join(bed.baseDir, name, 'docker-compose.yml'))).toBe(true)
    // Start retries and fails the same way while the image cannot start; the record stays.
    await expect(runShopAction(composeEngine(session), { shop: name, action: 'start', user: 'anna' })).rejects.toThrow(/compose up failed/)
    expect(existsSync(join(bed.baseDir, name, 'failure.json'))).toBe(true)
  })

  it('an image that cannot be pulled is refused at the pull step, before a directory exists', async () => {
    const name = `ohnebild${++attempt}`
    const done = await bed.finished(bed.create(session, { name, image: '127.0.0.1:9/shopmgr/does-not-exist:1' }).id)
    expect(done.error).toMatchObject({ step: 'pull', code: 'invalid_input', say: { key: 'registryUnreachable', values: { registry: '127.0.0.1:9' } } })
    expect(existsSync(join(bed.baseDir, name))).toBe(false)
  })

  it('a shop whose create failed before its files were written is still listed, red, with the record', async () => {
    const name = `halb${++attempt}`
    const dir = join(bed.baseDir, name)
    mkdirSync(dir)
    execFileSync('chown', [`${info.ssh.user}:`, dir])
    await composeEngine(session).store.recordFailure(name, { operation: 'create', step: 'write' }, new AppError('internal', 'No space left on device'))
    const shop = (await discoverShops(composeEngine(session))).find((s) => s.name === name)
    expect(shop).toMatchObject({ light: 'red', reason: 'write: No space left on device', failure: { step: 'write' }, containers: [] })
  })
})
