// The gate on a host with 100 shops of 2 containers: the sales overview (a sales key, every read through the gate)
// beside the admin's (the same app code through the Docker API), the time from a container's change to each
// overview, and a tally of forbidden and hostile requests a sales key tries, each of which the host must refuse
// while nothing on it changes.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import ssh2 from 'ssh2'
import { parseGateLine, type GateLine } from '../src/shared/gate-protocol'
import type { ShopOverview } from '../src/shared/shops'
import { composeEngine } from '../src/main/engine/compose/compose-engine'
import { gateEngine } from '../src/main/engine/gate/gate-engine'
import { askGate } from '../src/main/engine/gate/host-answer'
import type { HostLifecycle } from '../src/main/engine/host-lifecycle'
import type { ShopEngine } from '../src/main/engine/shop-engine'
import { PROJECT_LABEL } from '../src/main/engine/host-layout'
import { openHostSession, type HostSession } from '../src/main/host/host-session'
import { HostOverviewWatcher } from '../src/main/shops/host-overview'
import { OverviewCache } from '../src/main/shops/overview-cache'
import { ShopOverviewWatcher } from '../src/main/shops/shop-overview'
import { key, testbedProfile } from '../test/integration/support/hosts'
import { forbiddenRequests, installTestGate, type TestGate } from '../test/integration/support/test-gate'
import { followDeaths, type ContainerDeaths } from './support/container-deaths'
import { median, percentile, result, sample, table, testbed } from './support/figures'
import { createFleet, type Fleet } from './support/fleet'
import { dirPrefix, startBench } from './support/leftovers'
import { ShownLights } from './support/shown-lights'

const info = testbed()
await startBench('gate', info, 400)
const SHOPS = 100
const REFRESHES = 15
const CHANGES = 10
const CHANGE_TIMEOUT_MS = 10_000
const began = performance.now()
const progress = (text: string): void => void process.stderr.write(`gate: +${((performance.now() - began) / 1000).toFixed(0)} s ${text}\n`)

interface Overview {
  gated: boolean
  refresh(): Promise<ShopOverview>
  stop(): Promise<void>
}

/** The overview as the app keeps it for a host: the watcher its engine calls for, publishing to `lights`. */
async function overviewOf(session: HostSession, cacheDir: string, lights: ShownLights): Promise<Overview> {
  const hello = await askGate(session)
  const cache = new OverviewCache(cacheDir)
  const watcher = hello
    ? new HostOverviewWatcher(gateEngine(session, hello) as ShopEngine & { host: HostLifecycle }, cache, lights.publish)
    : new ShopOverviewWatcher(composeEngine(session), cache, lights.publish)
  const overview = await watcher.start()
  if (overview.shops.length !== SHOPS) throw new Error(`${session.profile.name} shows ${overview.shops.length} shops, expected ${SHOPS}`)
  return { gated: hello !== null, refresh: () => watcher.refresh(), stop: () => watcher.stop() }
}

function connect(privateKey: string): Promise<ssh2.Client> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client()
    client.once('ready', () => resolve(client))
    client.once('error', reject)
    client.connect({ host: info.ssh.host, port: info.ssh.port, username: info.ssh.teamUser, privateKey, readyTimeout: 10_000 })
  })
}

/** One request on its own channel; refused = exactly one line, an error the host calls forbidden or invalid input. */
function gateRefuses(client: ssh2.Client, command: string): Promise<boolean> {
  return new Promise((resolve) => {
    client.exec(command, (error, stream) => {
      if (error) return resolve(true)
      let out = ''
      stream.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')))
      stream.stderr.resume()
      stream.on('close', () => {
        const lines = out.split('\n').filter(Boolean)
        const line: GateLine | null = lines.length === 1 ? parseGateLine(lines[0]!) : null
        resolve(line?.type === 'error' && ['forbidden', 'invalid_input'].includes(line.code))
      })
    })
  })
}

/** What sshd must not open for the key: refused = the channel never opens (a shell is the gate, which refuses it). */
function sshdRefusals(client: ssh2.Client): Array<[string, () => Promise<boolean>]> {
  const fails = (open: (done: (error: Error | undefined) => void) => void) => () =>
    new Promise<boolean>((resolve) => open((error) => resolve(error !== undefined)))
  return [
    [
      'shell',
      () =>
        new Promise<boolean>((resolve) =>
          client.shell(false, (error, stream) => {
            if (error) return resolve(true)
            let out = ''
            stream.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')))
            stream.on('close', () => resolve(parseGateLine(out.trim())?.type === 'error'))
            stream.end()
          }),
        ),
    ],
    ['sftp', fails((done) => client.sftp((error) => done(error)))],
    ['Docker socket forward', fails((done) => client.openssh_forwardOutStreamLocal(info.dockerSocket, (error, s) => (s?.close(), done(error))))],
    ['TCP forward', fails((done) => client.forwardOut('127.0.0.1', 0, info.ssh.host, info.ssh.port, (error, s) => (s?.close(), done(error))))],
  ]
}

let fleet: Fleet | undefined
let gate: TestGate | undefined
let direct: ContainerDeaths | undefined
const cacheDir = mkdtempSync(join(tmpdir(), `${dirPrefix('gate')}cache-`))
try {
  progress(`creating ${SHOPS} shops`)
  fleet = await createFleet(info, SHOPS, 'gate', 'hundred')
  const shops = fleet
  gate = installTestGate(info, { baseDir: shops.baseDir })
  const salesLights = new ShownLights(CHANGE_TIMEOUT_MS)
  const adminLights = new ShownLights(CHANGE_TIMEOUT_MS)
  const salesSession = openHostSession(
    testbedProfile(info, { id: 'sales', name: 'sales key', user: info.ssh.teamUser, baseDir: shops.baseDir, role: 'sales' }),
    {
      privateKey: gate.sales.private,
    },
  )
  const adminSession = openHostSession(testbedProfile(info, { id: 'admin', name: 'admin key', baseDir: shops.baseDir }), {
    privateKey: key(info.ssh.keys.ed25519),
  })
  const sales = await overviewOf(salesSession, cacheDir, salesLights)
  const admin = await overviewOf(adminSession, cacheDir, adminLights)
  if (!sales.gated || admin.gated) throw new Error('the sales key must reach the gate, the admin key the shell')

  progress('refreshes')
  // Turn about, so a busy moment of the machine falls on both alike.
  const salesRefresh: number[] = []
  const adminRefresh: number[] = []
  for (let round = 0; round < 3; round++) {
    salesRefresh.push(...(await sample(REFRESHES / 3, () => sales.refresh(), round === 0 ? 3 : 0)))
    adminRefresh.push(...(await sample(REFRESHES / 3, () => admin.refresh(), round === 0 ? 3 : 0)))
  }
  // What a refresh through the gate cost as a request on its own channel (a new session and gate start-up each).
  const lifecycle = gateEngine(salesSession, (await askGate(salesSession))!).host!
  const gateList = await sample(5, () => lifecycle.shops(), 1)

  progress('container changes')
  const salesChange: number[] = []
  const adminChange: number[] = []
  const stopToSales: number[] = []
  const stopToAdmin: number[] = []
  direct = await followDeaths(shops.docker, CHANGE_TIMEOUT_MS)
  for (const shop of shops.shops.slice(0, CHANGES)) {
    const died = direct.died(`${shop}_worker_1`)
    const salesShown = salesLights.until(shop, 'red', 'the sales overview')
    const adminShown = adminLights.until(shop, 'red', 'the admin overview')
    const start = performance.now()
    await shops.docker.getContainer(`${shop}_worker_1`).stop({ t: 0 })
    const [diedAt, salesAt, adminAt] = await Promise.all([died, salesShown, adminShown])
    salesChange.push(salesAt - diedAt)
    adminChange.push(adminAt - diedAt)
    stopToSales.push(salesAt - start)
    stopToAdmin.push(adminAt - start)
    progress(
      `${shop}: die event +${(diedAt - start).toFixed(0)} ms, sales overview +${(salesAt - start).toFixed(0)} ms, admin +${(adminAt - start).toFixed(0)} ms`,
    )
  }
  await sales.stop()
  await admin.stop()
  salesSession.close()
  adminSession.close()

  progress('forbidden and hostile requests')
  const hostState = async (): Promise<string> =>
    JSON.stringify({
      dirs: readdirSync(shops.baseDir).sort(),
      containers: (await shops.docker.listContainers({ all: true, filters: { label: [PROJECT_LABEL] } })).map((c) => `${c.Names.join()} ${c.State}`).sort(),
    })
  const before = await hostState()
  const client = await connect(gate.sales.private)
  const attempts: Array<[string, () => Promise<boolean>]> = [
    ...shops.shops
      .slice(CHANGES, CHANGES + 3)
      .flatMap((shop) => forbiddenRequests(shop).map(([command, op]): [string, () => Promise<boolean>] => [op, () => gateRefuses(client, command)])),
    ...sshdRefusals(client),
  ]
  const notRefused: string[] = []
  for (const [what, attempt] of attempts) if (!(await attempt())) notRefused.push(what)
  client.end()
  // A refusal that changed something on the host is no refusal: the run fails.
  if ((await hostState()) !== before) throw new Error(`the host changed during the forbidden requests:\n${before}\n${await hostState()}`)

  console.log(`The gate: a sales key's overview beside an admin key's, ${SHOPS} shops x 2 containers`)
  table(
    ['figure', 'sales (gate)', 'goal', 'baseline: admin (Docker API)'],
    [
      ['full refresh, median ms', median(salesRefresh), `<= ${(1.5 * median(adminRefresh)).toFixed(1)} (1.5 x admin)`, median(adminRefresh)],
      ['full refresh, p90 ms', percentile(salesRefresh, 90), '', percentile(adminRefresh, 90)],
      ['list as a request of its own, median ms', median(gateList), '', ''],
      ['container change (stop begun) -> overview, median ms', median(stopToSales), '<= 250', median(stopToAdmin)],
      ['container change (stop begun) -> overview, max ms', Math.max(...stopToSales), '', Math.max(...stopToAdmin)],
      ['die event -> overview, median ms', median(salesChange), '', median(adminChange)],
      ['forbidden and hostile requests refused', `${attempts.length - notRefused.length} of ${attempts.length}`, 'all', ''],
    ],
  )
  console.log('refresh: sales asks on its open watch channel; a request of its own opens a channel and starts the gate')
  console.log(
    "container change: from the start of the stop (as bench:overview) to the store showing the shop red; die event: from Docker's own event on the host's socket",
  )
  if (notRefused.length > 0) console.log(`not refused: ${notRefused.join(', ')}`)
  result('gate', {
    attempts: attempts.length,
    refused: attempts.length - notRefused.length,
    sales_refresh_ms: median(salesRefresh),
    admin_refresh_ms: median(adminRefresh),
    event_to_store_ms: median(stopToSales),
  })
} finally {
  direct?.stop()
  gate?.remove()
  await fleet?.remove()
  rmSync(cacheDir, { recursive: true, force: true })
}
