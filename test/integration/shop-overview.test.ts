// Discovery and live updates of the shop overview against the real test bed (sshd + dockerd + compose v1).
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { ShopOverview } from '../../src/shared/shops'
import { openHostSession, type HostSession } from '../../src/main/host/host-session'
import { OverviewCache } from '../../src/main/shops/overview-cache'
import { ShopOverviewWatcher } from '../../src/main/shops/shop-overview'
import { key, testbedProfile } from './support/hosts'
import { restartSshd } from './support/testbed-control'
import { outOfBandShops } from '../support/out-of-band-shop'
import { composeEngine } from '../../src/main/engine/compose/compose-engine'

const info = inject('testbed')
const shops = outOfBandShops(info)
const { compose } = shops
const createShopOutOfBand = (baseDir: string, name: string): string => shops.create(baseDir, name)

describe('shop overview on the test bed', () => {
  let baseDir: string
  let session: HostSession
  let watcher: ShopOverviewWatcher
  const published: ShopOverview[] = []

  beforeAll(() => {
    baseDir = join(info.ssh.baseDir, `overview-${process.pid}`)
    mkdirSync(baseDir, { recursive: true })
    execFileSync('chown', [`${info.ssh.user}:`, baseDir])
    createShopOutOfBand(baseDir, 'alpha')
    mkdirSync(join(baseDir, 'beta'))
    writeFileSync(join(baseDir, 'beta', 'docker-compose.yml'), 'services: {}\n')
    // A compose project elsewhere: not a shop.
    const stray = mkdtempSync(join(tmpdir(), 'stray-'))
    writeFileSync(join(stray, 'docker-compose.yml'), `services:\n  s:\n    image: ${info.image}\n    command: ["sleep", "3600"]\n`)
    shops.track(stray, 'strayproject')
    compose(stray, '-p', 'strayproject', 'up', '-d')
    session = openHostSession(testbedProfile(info, { baseDir }), { privateKey: key(info.ssh.keys.ed25519) }, { backoffInitialMs: 100, backoffMaxMs: 1000 })
    watcher = new ShopOverviewWatcher(composeEngine(session), new OverviewCache(mkdtempSync(join(tmpdir(), 'cache-'))), (o) => published.push(o))
  })

  afterAll(() => {
    watcher?.stop()
    session?.close()
    shops.removeAll()
    rmSync(baseDir, { recursive: true, force: true })
  })

  const shop = (name: string) => watcher.current.shops.find((s) => s.name === name)

  it('lists shop directories with their containers, and nothing else', async () => {
    await watcher.start()
    expect(watcher.current.shops.map((s) => s.name)).toEqual(['alpha', 'beta'])
    expect(shop('alpha')).toMatchObject({ template: 'busybox', domain: 'alpha.shops.test', createdBy: 'anna', description: 'Demo\nshop' })
    expect(shop('alpha')!.containers.map((c) => c.service)).toEqual(['web', 'worker'])
    // beta has a directory but no containers: it shows, red.
    expect(shop('beta')).toMatchObject({ light: 'red', reason: 'no containers', containers: [] })
  })

  it('turns green once the health check passes, driven by Docker events', async () => {
    await expect.poll(() => shop('alpha')?.light, { timeout: 15_000, interval: 50 }).toBe('green')
  })

  it('turns red when a container is stopped from the command line, without a reload', async () => {
    const before = watcher.apiCalls
    compose(join(baseDir, 'alpha'), '-p', 'alpha', 'stop', '-t', '1', 'worker')
    await expect.poll(() => shop('alpha')?.light, { timeout: 10_000, interval: 20 }).toBe('red')
    expect(shop('alpha')!.reason).toBe('worker: exited')
    // Events, not a full re-read: a handful of calls, not one per shop.
    expect(watcher.apiCalls - before).toBeLessThanOrEqual(4)
  })

  it('picks up a shop created later', async () => {
    createShopOutOfBand(baseDir, 'gamma')
    await expect.poll(() => shop('gamma')?.containers.length, { timeout: 15_000, interval: 50 }).toBe(2)
  })

  it('is right again after sshd restarts, including a change made while the host was unreachable', async () => {
    await expect.poll(() => shop('gamma')?.light, { timeout: 15_000, interval: 50 }).toBe('green')
    const restart = restartSshd(2)
    await new Promise((resolve) => setTimeout(resolve, 500))
    compose(join(baseDir, 'gamma'), '-p', 'gamma', 'stop', '-t', '1', 'web')
    await restart
    await expect.poll(() => shop('gamma')?.light, { timeout: 15_000, interval: 50 }).toBe('red')
    expect(shop('gamma')!.reason).toBe('web: exited')
    expect(session.state).toBe('connected')
  })

  it('keeps the last known list, marked cached, when the host cannot be read', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'cache-'))
    const cache = new OverviewCache(cacheDir)
    await cache.save(watcher.current)
    const offline = openHostSession(testbedProfile(info, { baseDir, port: 1 }), { privateKey: key(info.ssh.keys.ed25519) }, { connectTimeoutMs: 1000 })
    const shown: ShopOverview[] = []
    const cold = new ShopOverviewWatcher(composeEngine(offline), cache, (o) => shown.push(o))
    await cold.start()
    cold.stop()
    offline.close()
    expect(shown[0]).toMatchObject({ cached: true })
    expect(shown[0]!.shops.map((s) => s.name)).toContain('alpha')
    expect(cold.current).toMatchObject({ cached: true, error: { code: 'host_unreachable' } })
    expect(cold.current.shops.map((s) => s.name)).toContain('alpha')
  })
})
