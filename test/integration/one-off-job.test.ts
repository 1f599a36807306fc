// A template with a one-off job on the test bed's real compose: the job prepares the data and exits 0, the web
// waits for it (depends_on: service_completed_successfully) and serves what it wrote, and the overview calls the
// exited job green; a job that fails fails the create with its exit code and last lines, its secret masked.
import { execFileSync } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { OperationSnapshot } from '../../src/shared/operations'
import { composeEngine } from '../../src/main/engine/compose/compose-engine'
import { openHostSession, type HostSession } from '../../src/main/host/host-session'
import { OperationRegistry } from '../../src/main/operations/operation-registry'
import { OperationRunner } from '../../src/main/operations/operation-runner'
import { startCreateShop } from '../../src/main/shops/create-shop'
import { startUpdateShop } from '../../src/main/shops/update-shop'
import { discoverShops } from '../../src/main/shops/discovery'
import { loadTemplate } from '../../src/main/templates/template-loader'
import { testbedBaseDir, testbedDocker } from '../support/testbed-dir'
import { key, testbedProfile } from './support/hosts'

const info = inject('testbed')
const { docker, env } = testbedDocker(info)
const fixture = resolve(import.meta.dirname, '../fixtures/templates/busybox-job')

describe('a one-off job on the test bed', () => {
  let session: HostSession
  let baseDir = ''
  const operations = new OperationRegistry(() => undefined)

  beforeAll(() => {
    baseDir = testbedBaseDir(info, 'job')
    session = openHostSession(testbedProfile(info, { baseDir }), { privateKey: key(info.ssh.keys.ed25519) })
  })
  afterAll(() => {
    for (const name of ['vorbereitet', 'kaputt']) {
      try {
        execFileSync('docker-compose', ['-p', name, 'down', '-v', '-t', '1'], { cwd: join(baseDir, name), env, stdio: 'ignore' })
      } catch {
        // not created
      }
    }
    session?.close()
    rmSync(baseDir, { recursive: true, force: true })
  })

  const create = async (name: string, initExit: '0' | '3'): Promise<OperationSnapshot> => {
    const started = startCreateShop(
      { hostId: 'testbed', name, description: '', templateId: 'busybox-job', domain: `${name}.shops.test`, params: { init_exit: initExit }, start: true },
      {
        engine: async () => composeEngine(session),
        template: () => loadTemplate(fixture, 'busybox-job', 'custom'),
        runner: new OperationRunner(operations),
        user: 'anna',
        certResolver: null,
      },
    )
    return started.done
  }

  it('runs the job before the web, which serves what it wrote; the done job is green', async () => {
    const done = await create('vorbereitet', '0')
    expect(done.error).toBeUndefined()
    expect(done.status).toBe('succeeded')
    const web = docker('ps', '-q', '--filter', 'label=com.docker.compose.project=vorbereitet', '--filter', 'label=com.docker.compose.service=web')
    expect(docker('exec', web, 'wget', '-q', '-O', '-', 'http://127.0.0.1:8080/')).toContain('prepared by init – vorbereitet')
    const shop = (await discoverShops(composeEngine(session))).find((s) => s.name === 'vorbereitet')!
    expect(shop.light).toBe('green')
    expect(shop.containers.map((c) => [c.service, c.state, c.light, c.job ?? false])).toEqual(
      expect.arrayContaining([
        ['init', 'exited', 'green', true],
        ['web', 'running', 'green', false],
      ]),
    )
  })

  it('an image update of the shop with its job done becomes healthy: the finished job counts as done, not as stopped', async () => {
    const { private: priv } = info.registry
    const image = `${priv.host}/${priv.repository}:${priv.tags.at(-1)}`
    const started = startUpdateShop(
      { hostId: 'testbed', shop: 'vorbereitet', image },
      {
        engine: async () => composeEngine(session),
        template: () => loadTemplate(fixture, 'busybox-job', 'custom'),
        runner: new OperationRunner(operations),
        user: 'anna',
        registryAuth: async () => ({ username: priv.username, password: priv.password, serveraddress: priv.host }),
        certResolver: null,
      },
    )
    const done = await started.done
    expect(done.error).toBeUndefined()
    expect(done.status).toBe('succeeded')
    const web = docker('ps', '-q', '--filter', 'label=com.docker.compose.project=vorbereitet', '--filter', 'label=com.docker.compose.service=web')
    expect(docker('inspect', '-f', '{{index .Config.Labels "shopmgr.testbed.tag"}}', web)).toBe(priv.tags.at(-1))
    expect(docker('exec', web, 'wget', '-q', '-O', '-', 'http://127.0.0.1:8080/')).toContain('prepared by init – vorbereitet')
  })

  it('a failed job fails the create with its exit code and last lines, the password masked', async () => {
    const done = await create('kaputt', '3')
    expect(done.status).toBe('failed')
    expect(done.error).toMatchObject({ say: { key: 'jobFailed', values: { service: 'init', code: 3 } } })
    const lines = String((done.error!.say!.values as Record<string, unknown>)['lines'])
    expect(lines).toContain('migration failed, admin password')
    const password = /SHOP_SECRET_ADMIN_PASSWORD=(\w+)/.exec(readFileSync(join(baseDir, 'kaputt', '.env'), 'utf8'))![1]!
    expect(lines).not.toContain(password)
    // The web never started: it waits for the job's success.
    expect(
      docker(
        'ps',
        '-q',
        '--filter',
        'label=com.docker.compose.project=kaputt',
        '--filter',
        'label=com.docker.compose.service=web',
        '--filter',
        'status=running',
      ),
    ).toBe('')
  })
})
