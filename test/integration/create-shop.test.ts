// Creating shops on the test bed: healthy and answering, files as promised, one winner for one name.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { OperationSnapshot } from '../../src/shared/operations'
import { openHostSession, type HostSession } from '../../src/main/host/host-session'
import { OperationRegistry } from '../../src/main/operations/operation-registry'
import { OperationRunner } from '../../src/main/operations/operation-runner'
import { startCreateShop, type CreateShopInput } from '../../src/main/shops/create-shop'
import { discoverShops } from '../../src/main/shops/discovery'
import { TemplateService } from '../../src/main/templates/template-service'
import { key, testbedProfile } from './support/hosts'
import { composeEngine } from '../../src/main/engine/compose/compose-engine'

const info = inject('testbed')
const env = { ...process.env, DOCKER_HOST: info.dockerHost }
const docker = (...args: string[]) => execFileSync('docker', args, { env, encoding: 'utf8' }).trim()
const baseDir = join(info.ssh.baseDir, `create-${process.pid}`)
const twins: string[] = []

describe('creating a shop on the test bed', () => {
  let session: HostSession
  const snapshots: OperationSnapshot[] = []
  const operations = new OperationRegistry((s) => snapshots.push(s))
  const templates = new TemplateService(resolve(import.meta.dirname, '../../templates'), () => null)

  beforeAll(() => {
    mkdirSync(baseDir, { recursive: true })
    execFileSync('chown', [`${info.ssh.user}:`, baseDir])
    if (!docker('network', 'ls', '-q', '--filter', 'name=^proxy$')) docker('network', 'create', 'proxy')
    session = openHostSession(testbedProfile(info, { baseDir }), { privateKey: key(info.ssh.keys.ed25519) })
  })
  afterAll(() => {
    for (const name of ['hansen', 'listig', ...twins]) {
      try {
        execFileSync('docker-compose', ['-p', name, 'down', '-v', '-t', '1'], { cwd: join(baseDir, name), env, stdio: 'ignore' })
      } catch {
        // not created
      }
    }
    session?.close()
    rmSync(baseDir, { recursive: true, force: true })
  })

  const create = (input: Partial<CreateShopInput> & { name: string }) =>
    startCreateShop(
      { hostId: 'testbed', description: 'Kunde Hansen', templateId: 'busybox', domain: `${input.name}.shops.test`, params: {}, start: true, ...input },
      {
        engine: async () => composeEngine(session),
        template: (id) => templates.get(id),
        runner: new OperationRunner(operations),
        user: 'anna',
        certResolver: 'letsencrypt',
      },
    ).snapshot
  const finished = async (id: string): Promise<OperationSnapshot> => {
    await expect.poll(() => operations.get(id)?.status, { timeout: 60_000, interval: 50 }).not.toBe('running')
    return operations.get(id)!
  }

  it('goes from Create to healthy, and the entry service answers HTTP', async () => {
    const started = create({ name: 'hansen', params: { greeting: 'Moin' } })
    const done = await finished(started.id)
    expect(done.error).toBeUndefined()
    expect(done.status).toBe('succeeded')
    expect(done.steps.map((s) => `${s.id}:${s.status}`)).toEqual([
      'validate:done',
      'pull:done',
      'reserve:done',
      'write:done',
      'dns:skipped',
      'start:done',
      'health:done',
      'done:done',
    ])
    expect(done.result).toMatchObject({ url: 'https://hansen.shops.test', login: { passwordSecretId: 'admin_password' } })
    const web = docker('ps', '-q', '--filter', 'label=com.docker.compose.project=hansen', '--filter', 'label=com.docker.compose.service=web')
    expect(docker('exec', web, 'wget', '-q', '-O', '-', 'http://127.0.0.1:8080/')).toContain('Moin – hansen')
    // Progress went out as it happened, step by step.
    expect(snapshots.filter((s) => s.id === started.id).length).toBeGreaterThan(6)
  })

  it('writes the compose file, the metadata and a 0600 secrets file, and no secret anywhere else', async () => {
    const dir = join(baseDir, 'hansen')
    const secrets = readFileSync(join(dir, '.env'), 'utf8')
    const password = /SHOP_SECRET_ADMIN_PASSWORD=(\w+)/.exec(secrets)![1]!
    expect(statSync(join(dir, '.env')).mode & 0o777).toBe(0o600)
    expect(readFileSync(join(dir, 'docker-compose.yml'), 'utf8')).not.toContain(password)
    const metadata = JSON.parse(readFileSync(join(dir, 'shop.json'), 'utf8')) as Record<string, unknown>
    expect(metadata).toMatchObject({ template: 'busybox', description: 'Kunde Hansen', domain: 'hansen.shops.test', createdBy: 'anna' })
    expect(JSON.stringify(metadata)).not.toContain(password)
    const snapshot = operations.list().find((s) => s.shop === 'hansen')!
    expect(JSON.stringify(snapshot)).not.toContain(password)
    // The overview shows it as a shop, green.
    const shop = (await discoverShops(composeEngine(session))).find((s) => s.name === 'hansen')
    expect(shop).toMatchObject({ light: 'green', template: 'busybox', createdBy: 'anna' })
  })

  let attempt = 0
  it('gives a name to exactly one of two creates at the same moment', async () => {
    // A name of its own per attempt, so a retry does not meet the first attempt's shop.
    const name = `zwilling${++attempt}`
    twins.push(name)
    const [a, b] = [create({ name }), create({ name })]
    const results = await Promise.all([finished(a.id), finished(b.id)])
    expect(results.map((r) => r.status + (r.error ? `: ${r.error.step}: ${r.error.message}` : '')).sort()).toEqual([
      `failed: reserve: A shop named "${name}" already exists on this host.`,
      'succeeded',
    ])
    const loser = results.find((r) => r.status === 'failed')!
    expect(loser.error).toMatchObject({ step: 'reserve', message: expect.stringContaining('already exists') })
    expect(docker('ps', '-q', '--filter', `label=com.docker.compose.project=${name}`).split('\n')).toHaveLength(1)
  })

  it('refuses a name that is taken, before touching anything', async () => {
    const done = await finished(create({ name: 'hansen' }).id)
    expect(done.error).toMatchObject({ step: 'reserve', code: 'invalid_input' })
    expect(readFileSync(join(baseDir, 'hansen', 'shop.json'), 'utf8')).toContain('Kunde Hansen')
  })

  it('refuses a hostile domain at validation, writing nothing', async () => {
    const done = await finished(create({ name: 'boese', domain: 'boese.shops.test`) || Host(`evil.test' }).id)
    expect(done.error).toMatchObject({ step: 'validate', code: 'invalid_input' })
    expect(() => statSync(join(baseDir, 'boese'))).toThrow()
  })

  it('reads the host’s free disk and memory, and refuses a template that needs more before writing anything', async () => {
    const room = await composeEngine(session).store.capacity()
    const df = execFileSync('df', ['-Pk', baseDir], { encoding: 'utf8' }).trim().split('\n').at(-1)!.split(/\s+/)
    // The same filesystem as df on this machine says, give or take what was written meanwhile.
    expect(Math.abs(room.diskFreeBytes - Number(df[3]) * 1024)).toBeLessThan(512 * 2 ** 20)
    expect(room.memoryAvailableBytes).toBeGreaterThan(16 * 2 ** 20)
    const busybox = await templates.get('busybox')
    const huge = { ...busybox, manifest: { ...busybox.manifest, needs: { disk: room.diskFreeBytes * 4 } } }
    const started = startCreateShop(
      { hostId: 'testbed', name: 'riesig', description: '', templateId: 'busybox', domain: 'riesig.shops.test', params: {}, start: true },
      { engine: async () => composeEngine(session), template: async () => huge, runner: new OperationRunner(operations), user: 'anna', certResolver: null },
    )
    const done = await started.done
    expect(done.error).toMatchObject({ step: 'validate', code: 'no_room', say: { key: 'noRoomDisk' } })
    expect(() => statSync(join(baseDir, 'riesig'))).toThrow()
  })

  it('keeps a hostile description as typed: a quote, backticks, $( ), ${ } and a new line break out of nothing', async () => {
    const marker = join(baseDir, 'pwned')
    const description = `Kunde "Listig" \`touch ${marker}\` $(touch ${marker})\nzweite Zeile \${SHOP_SECRET_ADMIN_PASSWORD} '; rm -rf /`
    const done = await finished(create({ name: 'listig', description }).id)
    expect(done.error).toBeUndefined()
    expect(JSON.parse(readFileSync(join(baseDir, 'listig', 'shop.json'), 'utf8')).description).toBe(description)
    expect((await discoverShops(composeEngine(session))).find((s) => s.name === 'listig')).toMatchObject({ description, light: 'green' })
    // Nothing of it ran on the host, and the compose file (which compose interpolates) does not carry it.
    expect(() => statSync(marker)).toThrow()
    expect(readFileSync(join(baseDir, 'listig', 'docker-compose.yml'), 'utf8')).not.toContain('Listig')
  })
})
