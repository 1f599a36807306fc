// What a benchmark leaves on the test bed, and clearing it. Everything bench <name> makes is named after it: its
// shops (and so their containers, volumes and networks) start with `bench<name>`, its directories under the
// host's base directory and the temp folder with `bench-<name>-`. A run first clears what an earlier one left
// (killed before its `finally`), and clears again when stopped by SIGINT or SIGTERM or its own deadline.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Docker from 'dockerode'
import type { TestbedInfo } from '../../test/testbed/testbed'

/** The prefix of every shop, container, volume and network of this benchmark. */
export const shopPrefix = (bench: string): string => `bench${bench}`
/** The prefix of every directory of this benchmark (host base directory, temp folder). */
export const dirPrefix = (bench: string): string => `bench-${bench}-`

export interface Cleared {
  containers: number
  volumes: number
  networks: number
  dirs: number
}

function clearDirs(parent: string, prefix: string): number {
  let entries: string[]
  try {
    entries = readdirSync(parent).filter((name) => name.startsWith(prefix))
  } catch {
    return 0
  }
  for (const name of entries) rmSync(join(parent, name), { recursive: true, force: true })
  return entries.length
}

export async function clearLeftovers(info: TestbedInfo | null, bench: string): Promise<Cleared> {
  const cleared: Cleared = { containers: 0, volumes: 0, networks: 0, dirs: clearDirs(tmpdir(), dirPrefix(bench)) }
  if (!info) return cleared
  const ours = (name: string | undefined): boolean => !!name && name.replace(/^\//, '').startsWith(shopPrefix(bench))
  const project = (labels: Record<string, string> | null | undefined): string | undefined => labels?.['com.docker.compose.project']
  const docker = new Docker({ socketPath: info.dockerSocket })
  // Containers first (a shop's, or a helper's that mounts one of its volumes), then what they held on to.
  const containers = (await docker.listContainers({ all: true })).filter(
    (c) => c.Names.some(ours) || ours(project(c.Labels)) || c.Mounts.some((m) => ours(m.Name)),
  )
  await Promise.all(
    containers.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  )
  const volumes = ((await docker.listVolumes()).Volumes ?? []).filter((v) => ours(v.Name) || ours(project(v.Labels)))
  await Promise.all(
    volumes.map((v) =>
      docker
        .getVolume(v.Name)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  )
  const networks = (await docker.listNetworks()).filter((n) => ours(n.Name) || ours(project(n.Labels)))
  await Promise.all(
    networks.map((n) =>
      docker
        .getNetwork(n.Id)
        .remove()
        .catch(() => undefined),
    ),
  )
  cleared.containers = containers.length
  cleared.volumes = volumes.length
  cleared.networks = networks.length
  cleared.dirs += clearDirs(info.ssh.baseDir, dirPrefix(bench))
  return cleared
}

/** The pid of a run of this benchmark that is still going (its cleanup, say), from its pid file. */
function runningPid(file: string, bench: string): number | null {
  let pid: number
  try {
    pid = Number(readFileSync(file, 'utf8').trim())
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return null
    // Not a reused pid: the process runs this very benchmark.
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`bench/${bench}.ts`) ? pid : null
  } catch {
    return null
  }
}

/**
 * A run clears everything of its name, so two at once would take each other's containers away: this one waits
 * (a stopped run may still be cleaning up) and then claims the name with a pid file of its own.
 */
async function waitForEarlierRun(bench: string): Promise<void> {
  const file = join(tmpdir(), `bench-${bench}.pid`)
  for (let waited = 0, pid = runningPid(file, bench); pid !== null; pid = runningPid(file, bench)) {
    if (waited === 0) process.stderr.write(`${bench}: waiting for the run still going (pid ${pid})\n`)
    if (waited >= 60_000) throw new Error(`bench ${bench} is already running (pid ${pid}); run benchmarks one at a time`)
    await new Promise((resolve) => setTimeout(resolve, 500))
    waited += 500
  }
  writeFileSync(file, String(process.pid))
  process.on('exit', () => {
    if (runningPid(file, bench) === null) rmSync(file, { force: true })
  })
}

const described = (c: Cleared): string => `${c.containers} containers, ${c.volumes} volumes, ${c.networks} networks, ${c.dirs} directories`

/**
 * Call first in every benchmark: clears an earlier run's leftovers, then makes sure this run clears its own when
 * it is stopped (SIGINT, SIGTERM) or gives up after `seconds`, since its `finally` blocks do not run then.
 */
export async function startBench(bench: string, info: TestbedInfo | null, seconds: number): Promise<void> {
  await waitForEarlierRun(bench)
  const earlier = await clearLeftovers(info, bench)
  if (Object.values(earlier).some((n) => n > 0)) process.stderr.write(`${bench}: removed an earlier run's leftovers: ${described(earlier)}\n`)
  let stopping = false
  const stop = async (why: string, code: number): Promise<void> => {
    if (stopping) return
    stopping = true
    process.stderr.write(`${bench}: ${why}, cleaning up\n`)
    // The benchmark's own code is still running and fails as its containers go: that must not end the
    // process before the cleanup has.
    process.on('uncaughtException', () => undefined)
    process.on('unhandledRejection', () => undefined)
    try {
      // Until a pass finds nothing: containers whose creation was under way at one pass are there by the next.
      let total = 0
      for (let pass = 0; pass < 10; pass++) {
        const cleared = await clearLeftovers(info, bench)
        total += cleared.containers
        if (cleared.containers === 0) break
      }
      process.stderr.write(`${bench}: removed ${total} containers\n`)
    } catch (error) {
      process.stderr.write(`${bench}: cleanup failed (the next run clears it): ${String(error)}\n`)
    }
    process.exit(code)
  }
  // `on`, not `once`: a signal to the process group reaches this process twice (directly and relayed by tsx),
  // and the second must not end it in the middle of the cleanup.
  process.on('SIGINT', () => void stop('interrupted', 130))
  process.on('SIGTERM', () => void stop('terminated', 143))
  setTimeout(() => void stop(`gave up after ${seconds} s`, 2), seconds * 1000).unref()
}
