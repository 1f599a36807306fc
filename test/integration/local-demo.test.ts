// The demo on a laptop with no server: the built-in "Local Docker" host (here the test bed's engine stands in for the
// laptop's) with nothing set up — no Traefik, no DNS, no base directory yet; the shop needs no proxy network. A shop is created,
// answers on its own loopback port as http://<name>.localhost:<port>, keeps that port across a restart and an edit;
// a second shop and a clone get ports of their own; deleting a shop frees its port.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import Conf from 'conf'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { CreateResult, OperationSnapshot } from '../../src/shared/operations'
import { LOCAL_HOST_ID } from '../../src/main/host/host-profiles'
import { createHandlers, createServices, type Services } from '../../src/main/services'
import { isFreeOnLoopback } from '../../src/main/shops/shop-routing'
import { Keychain } from '../../src/main/vault/keychain'
import { useKeyringEnv } from '../testbed/testbed'

const info = inject('testbed')
const root = resolve(import.meta.dirname, '../..')
const env = { ...process.env, DOCKER_HOST: info.dockerHost }
const docker = (...args: string[]) => execFileSync('docker', args, { env, encoding: 'utf8' }).trim()
const suffix = String(process.pid).slice(-4)
const names = { first: `demo${suffix}a`, second: `demo${suffix}b`, clone: `demo${suffix}c`, after: `demo${suffix}d` }

/** GET / on 127.0.0.1:<port> with the shop's name as the browser sends it: status and body. */
function get(port: number, host: string): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers: { Host: `${host}:${port}` }, timeout: 5000 }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => done({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', fail)
    req.end()
  })
}

const portOf = (url: string): number => Number(new URL(url).port)

describe('a shop on Local Docker, with nothing set up', () => {
  let dataDir: string
  let services: Services
  let handlers: ReturnType<typeof createHandlers>
  let baseDir: string

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'local-demo-'))
    useKeyringEnv(info)
    services = createServices({
      store: new Conf({ cwd: dataDir, configName: 'settings' }),
      keychain: new Keychain({ service: `Shop-Manager local-demo ${process.pid}` }),
      bundledTemplatesDir: join(root, 'templates'),
      traefikDir: join(root, 'traefik'),
      openDrafts: () => new Conf({ cwd: dataDir, configName: 'drafts', clearInvalidConfig: false }),
      draftsPath: join(dataDir, 'drafts.json'),
      userName: 'vertrieb',
      // The test bed's engine is the laptop's own Docker here.
      localDockerSocket: info.dockerSocket,
      appInfo: { name: 'Shop-Manager', version: 'test', platform: process.platform, dataDir },
    })
    // The clone's helper: the test bed reaches no public registry.
    services.settings.update({ helperImage: info.image })
    handlers = createHandlers(services)
    baseDir = services.profiles.get(LOCAL_HOST_ID).baseDir
  })
  afterAll(() => {
    for (const name of Object.values(names)) {
      if (!existsSync(join(baseDir, name))) continue
      execFileSync('docker-compose', ['-p', name, 'down', '-v', '-t', '1'], { cwd: join(baseDir, name), env, stdio: 'ignore' })
    }
    services?.overview.stopAll()
    services?.sessions.closeAll()
    rmSync(dataDir, { recursive: true, force: true })
  })

  const finished = async (snapshot: OperationSnapshot): Promise<OperationSnapshot> => {
    await expect.poll(() => services.operations.get(snapshot.id)?.status, { timeout: 90_000, interval: 100 }).not.toBe('running')
    const done = services.operations.get(snapshot.id)!
    expect(done.error).toBeUndefined()
    expect(done.status).toBe('succeeded')
    return done
  }
  const create = async (name: string, greeting: string): Promise<CreateResult> => {
    const started = await handlers['shops:create']({
      hostId: LOCAL_HOST_ID,
      name,
      description: 'Vorführung',
      templateId: 'busybox',
      domain: `${name}.localhost`,
      params: { greeting },
      start: true,
    })
    return (await finished(started)).result as CreateResult
  }
  let firstPort = 0

  it('creates the shop without a proxy network, DNS or certificate, and it answers on http://<name>.localhost:<port>', async () => {
    const started = await handlers['shops:create']({
      hostId: LOCAL_HOST_ID,
      name: names.first,
      description: 'Vorführung',
      templateId: 'busybox',
      domain: `${names.first}.localhost`,
      params: { greeting: 'Moin' },
      start: true,
    })
    const done = await finished(started)
    expect(done.steps.find((s) => s.id === 'dns')).toMatchObject({ status: 'skipped' })
    const url = (done.result as CreateResult).url
    expect(url).toMatch(new RegExp(`^http://${names.first}\\.localhost:\\d+$`))
    firstPort = portOf(url)
    expect((await get(firstPort, `${names.first}.localhost`)).body).toContain(`Moin – ${names.first}`)
    // Published on loopback only; the record keeps the port.
    const web = docker('ps', '-q', '--filter', `label=com.docker.compose.project=${names.first}`)
    expect(docker('port', web)).toBe(`8080/tcp -> 127.0.0.1:${firstPort}`)
    expect(JSON.parse(readFileSync(join(baseDir, names.first, 'shop.json'), 'utf8'))).toMatchObject({ loopbackPort: firstPort })
    expect(readFileSync(join(baseDir, names.first, 'docker-compose.yml'), 'utf8')).not.toMatch(/proxy|traefik/)
  })

  it('keeps its port across a restart and an edit', async () => {
    await handlers['shops:action']({ hostId: LOCAL_HOST_ID, shop: names.first, action: 'restart' })
    await expect.poll(async () => (await get(firstPort, `${names.first}.localhost`).catch(() => ({ body: '' }))).body, { timeout: 30_000 }).toContain('Moin')
    const edited = await finished(
      await handlers['shops:edit']({
        hostId: LOCAL_HOST_ID,
        shop: names.first,
        description: 'Vorführung',
        domain: `${names.first}.localhost`,
        params: { greeting: 'Servus' },
        image: null,
      }),
    )
    expect((edited.result as CreateResult).url).toBe(`http://${names.first}.localhost:${firstPort}`)
    await expect
      .poll(async () => (await get(firstPort, `${names.first}.localhost`).catch(() => ({ body: '' }))).body, { timeout: 30_000 })
      .toContain(`Servus – ${names.first}`)
  })

  it('gives a second shop and a clone ports of their own; each answers with its own page', async () => {
    const second = await create(names.second, 'Hallo')
    const secondPort = portOf(second.url)
    expect(secondPort).not.toBe(firstPort)
    const cloned = await finished(
      await handlers['shops:clone']({
        hostId: LOCAL_HOST_ID,
        source: names.second,
        name: names.clone,
        domain: `${names.clone}.localhost`,
        description: 'Kopie',
      }),
    )
    const clonePort = portOf((cloned.result as CreateResult).url)
    expect(new Set([firstPort, secondPort, clonePort]).size).toBe(3)
    expect((await get(secondPort, `${names.second}.localhost`)).body).toContain(`Hallo – ${names.second}`)
    expect((await get(clonePort, `${names.clone}.localhost`)).body).toContain(`Hallo – ${names.clone}`)
    expect((await get(firstPort, `${names.first}.localhost`)).body).toContain(`Servus – ${names.first}`)
  })

  it('frees the port of a deleted shop: nothing answers there, and the next new shop may have it', async () => {
    await handlers['shops:action']({ hostId: LOCAL_HOST_ID, shop: names.first, action: 'delete', confirm: names.first })
    expect(existsSync(join(baseDir, names.first))).toBe(false)
    await expect(get(firstPort, `${names.first}.localhost`)).rejects.toMatchObject({ code: 'ECONNREFUSED' })
    expect(await isFreeOnLoopback(firstPort)).toBe(true)
    const after = await create(names.after, 'Neu')
    expect(portOf(after.url)).toBe(firstPort)
    expect((await get(firstPort, `${names.after}.localhost`)).body).toContain(`Neu – ${names.after}`)
  })
})
