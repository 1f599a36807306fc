// The laptop's side of the gate against the gate's own request handling, in memory: the same lifecycle calls a sales
// laptop makes (overview, create, start, logs, clone, the login password) go through the client, the protocol and
// the gate to a fake host; what a sales key may not do is refused by the host's code, not only by the laptop's.
import { Duplex, PassThrough, Writable } from 'node:stream'
import { describe, expect, it, vi } from 'vitest'
import { AppError } from '@shared/errors'
import { createSteps } from '@shared/operations'
import type { ShopOverview } from '@shared/shops'
import { GateClient, type GateChannel } from '../main/engine/gate/gate-client'
import { GateLifecycle } from '../main/engine/gate/gate-lifecycle'
import type { HostLifecycle } from '../main/engine/host-lifecycle'
import type { ShopEngine } from '../main/engine/shop-engine'
import type { ShopRuntime } from '../main/engine/shop-runtime'
import type { ShopStore } from '../main/engine/shop-store'
import { startCloneShop } from '../main/shops/clone-shop'
import { startCreateShop } from '../main/shops/create-shop'
import { HostOverviewWatcher } from '../main/shops/host-overview'
import { OverviewCache } from '../main/shops/overview-cache'
import { runShopAction } from '../main/shops/shop-actions'
import { readLogs } from '../main/shops/shop-logs'
import { revealLoginPassword } from '../main/shops/shop-secrets'
import { gateBed, type GateBed } from './gate-bed'
import { handleGateCommand } from './gate-request'

/** Each request on a channel of its own, served by the gate's handler on the bed's fake host. */
function laptopOf(bed: GateBed): { client: GateClient; requests: string[] } {
  const requests: string[] = []
  const client = new GateClient(async (command) => {
    requests.push(command)
    const out = new PassThrough()
    const closed = new AbortController()
    const inputs = new Set<(line: string) => void>()
    // What the laptop writes on the channel reaches the gate as lines.
    const input = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) inputs.forEach((listener) => listener(line))
        done()
      },
    })
    let exit!: (code: number | null) => void
    const exited = new Promise<number | null>((resolve) => (exit = resolve))
    const deps = {
      ...bed.deps,
      channelClosed: closed.signal,
      write: (line: unknown) => void out.write(`${JSON.stringify(line)}\n`),
      onInput: (listener: (line: string) => void) => {
        inputs.add(listener)
        return () => void inputs.delete(listener)
      },
    }
    void handleGateCommand(command, deps).then((outcome) => {
      out.end()
      exit(outcome.exitCode)
    })
    return Object.assign(Duplex.from({ readable: out, writable: input }), { close: () => closed.abort(), exited }) as unknown as GateChannel
  }, 'testhost')
  return { client, requests }
}

const refusing = <T extends object>(): T =>
  new Proxy({} as T, {
    get: (_t, key) => (key === 'then' ? undefined : () => Promise.reject(new Error(`the laptop reached ${String(key)}`))),
  })

async function salesLaptop(): Promise<{ bed: GateBed; engine: ShopEngine; requests: string[] }> {
  const bed = gateBed()
  const { client, requests } = laptopOf(bed)
  const hello = await client.request({ op: 'hello' })
  const engine: ShopEngine = {
    hostId: 'laptop-profile',
    role: hello.role,
    runtime: refusing<ShopRuntime>(),
    store: refusing<ShopStore>(),
    host: new GateLifecycle(client, hello, 'laptop-profile'),
    onReconnected: () => () => undefined,
  }
  return { bed, engine, requests }
}

const create = (engine: ShopEngine, bed: GateBed, name = 'neu') =>
  startCreateShop(
    { hostId: 'laptop-profile', name, description: 'Vorführung', templateId: 'busybox', domain: `${name}.shops.example`, params: {}, start: true },
    { ...bed.life.deps, engine: async () => engine, certResolver: null },
  )

describe('a sales laptop through the gate', () => {
  it('creates a shop the host renders from its own template, each host step shown here, and sees it in the overview', async () => {
    const { bed, engine } = await salesLaptop()
    const final = await create(engine, bed).done
    expect(final.status).toBe('succeeded')
    // The host writes no DNS (it holds no Hetzner token): wildcard hosts need none, and the step says so.
    expect(final.steps.map((s) => [s.id, s.status])).toEqual(createSteps.map((id) => [id, id === 'dns' ? 'skipped' : 'done']))
    expect(final.result).toMatchObject({ url: 'https://neu.shops.example', login: { passwordSecretId: 'admin_password' } })
    expect(bed.life.host.runtime.containersOf('neu')).toMatchObject([{ state: 'running', health: 'healthy' }])
    const shops = await engine.host!.shops()
    expect(shops.map((s) => [s.name, s.hostId, s.light])).toEqual([['neu', 'laptop-profile', 'green']])
  })

  it('the live overview: pushed by the host on every change, refreshed on the open stream without a new request', async () => {
    const { bed, engine, requests } = await salesLaptop()
    await bed.life.plantShop('mueller')
    const shown: ShopOverview[] = []
    const watcher = new HostOverviewWatcher(engine as ShopEngine & { host: HostLifecycle }, new OverviewCache('/nonexistent/cache'), (o) => void shown.push(o))
    await watcher.start()
    expect(watcher.current.shops.map((s) => [s.name, s.hostId, s.light])).toEqual([['mueller', 'laptop-profile', 'green']])
    const asked = requests.length
    await bed.life.plantShop('schmidt')
    const refreshed = await watcher.refresh()
    expect(refreshed.shops.map((s) => s.name)).toEqual(['mueller', 'schmidt'])
    expect(requests.length).toBe(asked)
    bed.life.host.runtime.setHealth('mueller', 'web', 'unhealthy')
    await vi.waitFor(() => expect(shown.at(-1)!.shops.find((s) => s.name === 'mueller')!.light).toBe('red'))
    await watcher.stop()
  })

  it('starts, reads masked logs and the login password through the host, never the store', async () => {
    const { bed, engine } = await salesLaptop()
    await create(engine, bed).done
    const password = await revealLoginPassword(engine, bed.life.template, 'neu', 'admin_password')
    expect(password).toBe((await bed.life.host.store.read('neu')).secrets['admin_password'])
    await bed.life.host.runtime.control({ name: 'neu', dir: bed.life.host.store.dir('neu') }, 'stop')
    await runShopAction(engine, { shop: 'neu', action: 'start', user: 'bea' })
    expect(bed.life.host.runtime.containersOf('neu').map((c) => c.state)).toEqual(['running'])
    bed.life.host.runtime.print('neu', 'web', `admin password is ${password}`)
    const lines = await readLogs(engine, { shop: 'neu', tail: 10 })
    expect(lines.at(-1)?.text).toMatch(/^admin password is \S+$/)
    expect(lines.map((l) => l.text).join('\n')).not.toContain(password)
  })

  it('clones through the host, the copy its operation, followed here', async () => {
    const { bed, engine } = await salesLaptop()
    await create(engine, bed, 'quelle').done
    const final = await startCloneShop(
      { hostId: 'laptop-profile', source: 'quelle', name: 'kopie', domain: 'kopie.shops.example', description: 'Kopie' },
      { ...bed.life.deps, engine: async () => engine, helperImage: 'busybox:stable' },
    ).done
    expect(final.status).toBe('succeeded')
    expect(bed.life.host.runtime.containersOf('kopie')).toMatchObject([{ state: 'running' }])
  })

  it('a failure on the host shows at the host’s step with the host’s words', async () => {
    const { bed, engine } = await salesLaptop()
    await create(engine, bed, 'doppelt').done
    const final = await create(engine, bed, 'doppelt').done
    expect(final).toMatchObject({ status: 'failed', error: { step: 'reserve', say: { key: 'nameTaken' } } })
  })

  it('what a sales key may not do is refused by the host even when the laptop is bypassed', async () => {
    const { bed, engine } = await salesLaptop()
    await create(engine, bed).done
    // The app refuses first, for a friendly message…
    await expect(runShopAction(engine, { shop: 'neu', action: 'stop', user: 'bea' })).rejects.toMatchObject({ code: 'forbidden' })
    // …and a forged request straight to the host is refused there.
    const refused = await bed.send(`shopmgr-gate-v1 ${Buffer.from(JSON.stringify({ op: 'stop', shop: 'neu' })).toString('base64url')}`)
    expect(refused.outcome).toBe('refused')
    expect(bed.lines.at(-1)).toMatchObject({ type: 'error', code: 'forbidden', say: { key: 'gateForbidden', values: { op: 'stop' } } })
    expect(bed.life.host.runtime.containersOf('neu').map((c) => c.state)).toEqual(['running'])
  })

  it('an unknown answer is a broken gate, and a shell’s "not found" is not a gate at all', async () => {
    const silent = new GateClient(async () => {
      const out = new PassThrough()
      out.end()
      return Object.assign(out, { close: () => undefined, exited: Promise.resolve(127) }) as unknown as GateChannel
    }, 'shellhost')
    await expect(silent.request({ op: 'hello' })).rejects.toMatchObject({ name: 'AppError', code: 'not_found' })
    const noisy = new GateClient(async () => {
      const out = new PassThrough()
      out.end('Welcome to Ubuntu\n')
      return Object.assign(out, { close: () => undefined, exited: Promise.resolve(0) }) as unknown as GateChannel
    }, 'noisyhost')
    const error = await noisy.request({ op: 'hello' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AppError)
    expect(error).toMatchObject({ say: { key: 'gateBroken' } })
  })
})
