// The shop runtime on a host with compose: `docker compose` (or v1's `docker-compose`) in the shop's directory for
// what compose does, the Engine API through the session's tunnel for everything else.
import type { Readable } from 'node:stream'
import { AppError } from '@shared/errors'
import { failedJob } from '../shop-status'
import type { HostSession } from '../../host/host-session'
import { PROJECT_LABEL, projectFilter, volumeLabels, VOLUME_LABEL } from '../host-layout'
import type {
  ApplyOptions,
  FrozenShop,
  HealthOptions,
  HelperBox,
  HelperMount,
  HelperRun,
  LogSink,
  LogsQuery,
  PullOptions,
  RuntimeAction,
  RuntimeVolume,
  ShopProject,
  ShopRuntime,
} from '../shop-runtime'
import { composeUp } from './apply'
import { composeCommand, composeTail, runCompose } from './compose-cli'
import { followContainerLogs, readContainerLogs } from './container-logs'
import { containerEventsEnded, listProjectContainers, readContainerEvent } from './containers'
import { dockerOf, dockerTransportError } from './docker-client'
import { freezeShop } from './freeze'
import { guardPause } from './pause-guard'
import { openHelper, runHelper, volumeExists } from './helper-container'
import { pullImage } from './image-pull'
import { explainSocket } from './probe'
import { jobFailure, waitHealthy } from './wait-healthy'

const actionArgs: Record<RuntimeAction, string[]> = {
  start: ['up', '-d'],
  restart: ['restart'],
  stop: ['stop'],
  // Containers and networks go; the named volumes (the data) and the shop directory stay.
  remove: ['down'],
  delete: ['down', '--volumes', '--remove-orphans'],
}

export class ComposeRuntime implements ShopRuntime {
  constructor(private readonly session: HostSession) {}

  private get docker() {
    return dockerOf(this.session)
  }

  /**
   * A Docker call, its failure said in the app's words: a socket the login may not use or that is missing is
   * explained as the probe explains it (not a generic sentence), a dropped tunnel as a dropped connection.
   */
  private async call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run()
    } catch (error) {
      if (error instanceof AppError && error.code === 'docker_unavailable') throw await explainSocket(this.session).catch(() => error)
      throw dockerTransportError(error, what)
    }
  }

  /**
   * `up`; where it failed because a one-off job did (`depends_on: service_completed_successfully`), the error is the
   * job's, with its last lines, rather than compose's one line about it.
   */
  async apply(project: ShopProject, options: ApplyOptions = {}): Promise<void> {
    try {
      await composeUp(this.session, project, options)
    } catch (error) {
      const job = failedJob((await listProjectContainers(this.docker, project.name).catch(() => null))?.get(project.name) ?? [])
      if (job) throw await jobFailure(this.docker, project.name, job, options.mask ?? ((text) => text))
      throw error
    }
  }

  async control(project: ShopProject, action: RuntimeAction): Promise<void> {
    const args = actionArgs[action]
    const result = await runCompose(this.session, project.dir, project.name, args, { timeoutMs: 5 * 60_000 })
    if (result.code !== 0)
      throw new AppError('internal', `compose ${args[0]} failed: ${composeTail(result)}`, {
        say: { key: 'composeFailed', values: { output: composeTail(result) } },
      })
  }

  containers(shop?: string) {
    return this.call('reading the containers', () => listProjectContainers(this.docker, shop))
  }

  async watch(onChange: (shops: string[]) => void, onEnd: () => void): Promise<() => void> {
    const docker = this.docker
    const stream = (await this.call('following the containers', () =>
      docker.getEvents({ filters: { type: ['container'], label: [PROJECT_LABEL] } }),
    )) as unknown as Readable
    let buffered = ''
    let stopped = false
    stream.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8')
      let newline: number
      const changed = new Set<string>()
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline)
        buffered = buffered.slice(newline + 1)
        try {
          const project = readContainerEvent(docker, line)
          if (project) changed.add(project)
        } catch {
          // A partial or foreign line: the next full read corrects anything missed.
        }
      }
      if (changed.size > 0) onChange([...changed])
    })
    stream.on('error', () => undefined)
    stream.once('close', () => {
      if (stopped) return
      containerEventsEnded(docker)
      onEnd()
    })
    return () => {
      stopped = true
      // Now, not on 'close': by then a new watch of this session may have seen a die.
      containerEventsEnded(docker)
      stream.destroy()
    }
  }

  waitHealthy(shop: string, options: HealthOptions) {
    return waitHealthy(this.docker, shop, options)
  }

  logs(shop: string, query: LogsQuery, mask: (text: string) => string) {
    return this.call('reading logs', () => readContainerLogs(this.docker, shop, query, mask))
  }

  followLogs(shop: string, query: LogsQuery, mask: (text: string) => string, sink: LogSink) {
    return this.call('following logs', () => followContainerLogs(this.docker, shop, query, mask, sink))
  }

  pullImage(image: string, options?: PullOptions): Promise<void> {
    return this.call('pulling an image', () => pullImage(this.docker, image, options))
  }

  freeze(shop: string, volumes?: readonly string[]): Promise<FrozenShop> {
    return this.call('pausing the shop', () => freezeShop(this.docker, shop, volumes, (ids) => guardPause(this.session, ids)))
  }

  volumeExists(name: string): Promise<boolean> {
    return this.call('checking a volume', () => volumeExists(this.docker, name))
  }

  async createVolume(name: string, shop: string, key: string): Promise<void> {
    await this.call('creating a volume', () => this.docker.createVolume({ Name: name, Labels: volumeLabels(shop, key) }))
  }

  async removeVolume(name: string): Promise<void> {
    await this.call('removing a volume', () => this.docker.getVolume(name).remove())
  }

  async shopVolumes(shop: string): Promise<RuntimeVolume[]> {
    const { Volumes } = await this.call('listing volumes', () => this.docker.listVolumes({ filters: { label: [projectFilter(shop)] } }))
    return (Volumes ?? []).map((v) => ({ name: v.Name, key: v.Labels?.[VOLUME_LABEL] ?? null }))
  }

  runHelper(image: string, run: HelperRun): Promise<void> {
    return this.call(run.what, () => runHelper(this.docker, image, run))
  }

  openHelper(image: string, mounts: readonly HelperMount[], what: string): Promise<HelperBox> {
    return this.call(what, () => openHelper(this.docker, image, mounts, what))
  }

  async bootCommand(project: ShopProject): Promise<string[]> {
    return [...(await composeCommand(this.session)), '-p', project.name, 'up', '-d']
  }

  async hasNetwork(name: string): Promise<boolean> {
    const networks = await this.call('listing networks', () => this.docker.listNetworks({ filters: { name: [name] } }))
    return networks.some((n) => n.Name === name)
  }

  async createNetwork(name: string): Promise<void> {
    await this.call('creating a network', () => this.docker.createNetwork({ Name: name, Driver: 'bridge', Labels: { 'shopmanager.network': name } }))
  }
}
