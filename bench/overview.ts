// The shop overview on a host with 100 shops of 2 containers: one full refresh, Docker calls per refresh, and
// the time from a container's change to the overview showing it; beside a per-shop baseline and a plain
// subscriber to Docker's events on the local socket, both from the same run.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ShopOverview } from '../src/shared/shops'
import { openHostSession } from '../src/main/host/host-session'
import { listProjectContainers } from '../src/main/engine/compose/containers'
import { composeEngine } from '../src/main/engine/compose/compose-engine'
import { OverviewCache } from '../src/main/shops/overview-cache'
import { ShopOverviewWatcher } from '../src/main/shops/shop-overview'
import { key, testbedProfile } from '../test/integration/support/hosts'
import { median, percentile, result, sample, table, testbed } from './support/figures'
import { createFleet, type Fleet } from './support/fleet'
import { dirPrefix, startBench } from './support/leftovers'
import { followDeaths, type ContainerDeaths } from './support/container-deaths'
import { ShownLights } from './support/shown-lights'
import { dockerOf } from '../src/main/engine/compose/docker-client'

const info = testbed()
// Creating the 200 containers alone took 122 s on a loaded machine (load 26), and removing them takes as long again.
await startBench('overview', info, 400)
const SHOPS = 100
const REFRESHES = 15
const CHANGES = 10
const began = performance.now()
const progress = (text: string): void => void process.stderr.write(`overview: +${((performance.now() - began) / 1000).toFixed(0)} s ${text}\n`)
/** A change the overview never shows fails the run with its name, instead of waiting for the deadline. */
const CHANGE_TIMEOUT_MS = 10_000

async function measure(fleet: Fleet, publish: (o: ShopOverview) => void = () => undefined) {
  const session = openHostSession(testbedProfile(info, { baseDir: fleet.baseDir }), { privateKey: key(info.ssh.keys.ed25519) })
  const cacheDir = mkdtempSync(join(tmpdir(), `${dirPrefix('overview')}cache-`))
  const watcher = new ShopOverviewWatcher(composeEngine(session), new OverviewCache(cacheDir), publish)
  await watcher.start()
  if (watcher.current.shops.length !== fleet.shops.length)
    throw new Error(`overview shows ${watcher.current.shops.length} shops, expected ${fleet.shops.length}`)
  const before = watcher.apiCalls
  const refresh = await sample(REFRESHES, () => watcher.refresh())
  const callsPerRefresh = (watcher.apiCalls - before) / (REFRESHES + 3)
  return { session, watcher, refresh, callsPerRefresh, cleanup: () => rmSync(cacheDir, { recursive: true, force: true }) }
}

let small: Fleet | undefined
let large: Fleet | undefined
let direct: ContainerDeaths | undefined
try {
  progress('creating 10 shops')
  small = await createFleet(info, 10, 'overview', 'ten')
  progress('measuring 10 shops')
  const ten = await measure(small)
  await ten.watcher.stop()
  ten.session.close()
  ten.cleanup()
  await small.remove()
  small = undefined

  progress(`creating ${SHOPS} shops`)
  large = await createFleet(info, SHOPS, 'overview', 'hundred')
  progress(`measuring ${SHOPS} shops`)
  const fleet = large
  const lights = new ShownLights(CHANGE_TIMEOUT_MS)
  const hundred = await measure(fleet, lights.publish)
  progress('baseline')
  // Baseline: the naive way, one container list per shop through the same connection.
  const naive = await sample(
    5,
    async () => {
      for (const shop of fleet.shops) await listProjectContainers(dockerOf(hundred.session), shop)
    },
    1,
  )

  progress('container changes')
  // A container stops; how long until the overview (the store the UI mirrors) shows that shop red.
  const eventToStore: number[] = []
  // The same stops, seen by the plain subscriber beside the app's watcher.
  const directEvent: number[] = []
  direct = await followDeaths(fleet.docker, CHANGE_TIMEOUT_MS)
  for (const shop of fleet.shops.slice(0, CHANGES)) {
    const worker = fleet.docker.getContainer(`${shop}_worker_1`)
    const died = direct.died(`${shop}_worker_1`)
    const shown = lights.until(shop, 'red', 'the overview')
    const start = performance.now()
    // A manual stop: with restart: unless-stopped, a kill would be restarted at once.
    await worker.stop({ t: 0 })
    const [shownAt, diedAt] = await Promise.all([shown, died])
    eventToStore.push(shownAt - start)
    directEvent.push(diedAt - start)
    progress(`${shop}: overview ${(shownAt - start).toFixed(1)} ms, die event ${(diedAt - start).toFixed(1)} ms`)
  }
  await hundred.watcher.stop()
  hundred.session.close()
  hundred.cleanup()

  console.log(`Shop overview through the app's SSH connection, ${SHOPS} shops x 2 containers`)
  table(
    ['figure', 'app', 'goal', 'baseline'],
    [
      ['full refresh, median ms (10 shops)', median(ten.refresh), '', ''],
      ['full refresh, median ms (100 shops)', median(hundred.refresh), '<= 100', `${median(naive).toFixed(1)} (one list per shop)`],
      ['full refresh, p90 ms (100 shops)', percentile(hundred.refresh, 90), '', ''],
      ['host calls per refresh (10 shops)', ten.callsPerRefresh, 'constant', ''],
      ['host calls per refresh (100 shops)', hundred.callsPerRefresh, 'constant', `${SHOPS} (one list per shop)`],
      [
        'container change -> overview, median ms',
        median(eventToStore),
        `<= ${(median(directEvent) + 50).toFixed(1)} (direct + 50)`,
        `${median(directEvent).toFixed(1)} (die event, local socket)`,
      ],
      ['container change -> overview, max ms', Math.max(...eventToStore), '', `${Math.max(...directEvent).toFixed(1)} (die event, local socket)`],
      ['overview minus die event, median ms', median(eventToStore.map((t, i) => t - directEvent[i]!)), '<= 50', ''],
    ],
  )
  console.log('host calls per refresh: 1 Docker container list + 1 command listing the shop directories')
  console.log("container change: from the start of the stop; direct: a plain subscriber to Docker's events on the local socket, for the same stops")
  result('overview', {
    refresh_ms: median(hundred.refresh),
    api_calls: hundred.callsPerRefresh,
    event_to_store_ms: median(eventToStore),
    direct_event_ms: median(directEvent),
    shops: SHOPS,
  })
} finally {
  direct?.stop()
  await small?.remove()
  await large?.remove()
}
