// Every lifecycle action's effect, checked on the engine and on the host's files; roles enforced in main.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { AppError } from '../../src/shared/errors'
import { openHostSession, type HostSession } from '../../src/main/host/host-session'
import { OperationRegistry } from '../../src/main/operations/operation-registry'
import { OperationRunner } from '../../src/main/operations/operation-runner'
import { startCreateShop } from '../../src/main/shops/create-shop'
import { runShopAction } from '../../src/main/shops/shop-actions'
import { TemplateService } from '../../src/main/templates/template-service'
import { key, testbedProfile } from './support/hosts'
import { composeEngine } from '../../src/main/engine/compose/compose-engine'

const info = inject('testbed')
const env = { ...process.env, DOCKER_HOST: info.dockerHost }
const docker = (...args: string[]) => execFileSync('docker', args, { env, encoding: 'utf8' }).trim()
const baseDir = join(info.ssh.baseDir, `actions-${process.pid}`)
const shop = 'aktion'
const states = () => docker('ps', '-a', '--filter', `label=com.docker.compose.project=${shop}`, '--format', '{{.State}}').split('\n').filter(Boolean)
const volume = () => docker('volume', 'ls', '-q', '--filter', `name=${shop}_data`)

describe('shop lifecycle on the test bed', () => {
  let admin: HostSession
  let sales: HostSession

  beforeAll(async () => {
    mkdirSync(baseDir, { recursive: true })
    execFileSync('chown', [`${info.ssh.user}:`, baseDir])
    if (!docker('network', 'ls', '-q', '--filter', 'name=^proxy$')) docker('network', 'create', 'proxy')
    admin = openHostSession(testbedProfile(info, { baseDir, role: 'admin' }), { privateKey: key(info.ssh.keys.ed25519) })
    sales = openHostSession(testbedProfile(info, { id: 'sales', baseDir, role: 'sales' }), { privateKey: key(info.ssh.keys.ed25519) })
    const operations = new OperationRegistry(() => undefined)
    const templates = new TemplateService(resolve(import.meta.dirname, '../../templates'), () => null)
    const op = startCreateShop(
      { hostId: 'testbed', name: shop, description: '', templateId: 'busybox', domain: `${shop}.shops.test`, params: {}, start: true },
      {
        engine: async () => composeEngine(admin),
        template: (id) => templates.get(id),
        runner: new OperationRunner(operations),
        user: 'anna',
        certResolver: null,
      },
    ).snapshot
    const deadline = Date.now() + 60_000
    while (operations.get(op.id)?.status === 'running' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    if (operations.get(op.id)?.status !== 'succeeded') throw new Error(`setup: create failed: ${JSON.stringify(operations.get(op.id)?.error)}`)
  })
  afterAll(() => {
    admin?.close()
    sales?.close()
    try {
      execFileSync('docker-compose', ['-p', shop, 'down', '-v', '-t', '1'], { cwd: join(baseDir, shop), env, stdio: 'ignore' })
    } catch {
      // already deleted
    }
    rmSync(baseDir, { recursive: true, force: true })
  })

  const act = (session: HostSession, action: Parameters<typeof runShopAction>[1]['action'], confirm?: string) =>
    runShopAction(composeEngine(session), { shop, action, confirm, user: 'anna' })

  it('lets sales restart but not stop, remove or delete, refused in the main process', async () => {
    const started = docker('inspect', '-f', '{{.State.StartedAt}}', docker('ps', '-q', '--filter', `label=com.docker.compose.project=${shop}`))
    await act(sales, 'restart')
    expect(docker('inspect', '-f', '{{.State.StartedAt}}', docker('ps', '-q', '--filter', `label=com.docker.compose.project=${shop}`))).not.toBe(started)
    for (const action of ['stop', 'remove', 'delete'] as const) {
      const error = await act(sales, action, shop).then(
        () => null,
        (e: unknown) => e as AppError,
      )
      expect(error?.code).toBe('forbidden')
    }
    expect(states()).toEqual(['running'])
  })

  it('stops and starts', async () => {
    await act(admin, 'stop')
    expect(states()).toEqual(['exited'])
    await act(sales, 'start')
    expect(states()).toEqual(['running'])
  })

  it('serialises two actions on one shop: the second waits for the first', async () => {
    await Promise.all([act(admin, 'stop'), act(admin, 'start')])
    expect(states()).toEqual(['running'])
  })

  it('tells a second laptop that another action is running', async () => {
    // Bernd's laptop holds the shop's lock on the host, as any action of his would.
    const laptop = openHostSession(testbedProfile(info, { id: 'bernds-laptop', baseDir, role: 'admin' }), { privateKey: key(info.ssh.keys.ed25519) })
    const bernd = composeEngine(laptop)
    await bernd.store.withLock(shop, 'bernd', async () => {
      const error = await act(admin, 'stop').then(
        () => null,
        (e: unknown) => e as AppError,
      )
      expect(error).toMatchObject({ code: 'busy', message: expect.stringContaining('bernd') })
    })
    laptop.close()
    expect(existsSync(join(baseDir, shop, '.shopmanager-lock'))).toBe(false)
    expect(states()).toEqual(['running'])
  })

  it('removes containers but keeps the data and the directory', async () => {
    await act(admin, 'remove')
    expect(states()).toEqual([])
    expect(volume()).toBe(`${shop}_data`)
    expect(existsSync(join(baseDir, shop, 'docker-compose.yml'))).toBe(true)
  })

  it('deletes only with the name typed, then containers, volumes and directory are gone', async () => {
    await act(admin, 'start')
    const wrong = await act(admin, 'delete', 'aktio').then(
      () => null,
      (e: unknown) => e as AppError,
    )
    expect(wrong?.code).toBe('invalid_input')
    expect(states()).toEqual(['running'])
    await act(admin, 'delete', shop)
    expect(states()).toEqual([])
    expect(volume()).toBe('')
    expect(existsSync(join(baseDir, shop))).toBe(false)
  })
})
