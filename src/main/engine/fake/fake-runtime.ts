// An engine in memory for unit tests of the shop lifecycle: shops as projects with containers whose state and
// health the test scripts, volumes, images, a freeze that records what it paused, and helper runs handed to a
// handler the test sets (the fake does not interpret scripts).
import { parse } from 'yaml'
import { AppError, cancelledError } from '@shared/errors'
import type { StepNote } from '@shared/operations'
import type { LogLine, ShopContainer } from '@shared/shops'
import { JOB_LABEL, volumeName } from '../host-layout'
import { containerLight, failedJob, jobFailedError, notHealthyError, shopLight, shopReason } from '../shop-status'
import type {
  ApplyOptions,
  FrozenShop,
  HealthOptions,
  HelperBox,
  HelperMount,
  HelperRun,
  LogSink,
  LogsQuery,
  PullAuth,
  PullOptions,
  RuntimeAction,
  RuntimeVolume,
  ShopProject,
  ShopRuntime,
} from '../shop-runtime'
import { parseImageRef } from '@shared/image-ref'
import { registryFailure } from '../../registry/registry-errors'
import { FaultPoints } from './fault-points'

export type RuntimePoint = keyof ShopRuntime | 'resume'

export interface FakeContainer {
  id: string
  service: string
  image: string
  state: string
  health: string | null
  /** Volumes the service mounts writable. */
  writes: string[]
  /** A one-off job (JOB_LABEL): it has run to its end when apply returns, with `exitCode`. */
  job?: boolean
  exitCode?: number
}

export interface FakeVolume {
  name: string
  shop: string
  key: string
  /** What a helper handler put in it, by path. */
  files: Map<string, string>
}

/** The health a container gets when it (re)starts; 'starting' never becomes healthy, null has no check. */
export type HealthScript = (container: { shop: string; service: string; image: string }) => 'healthy' | 'unhealthy' | 'starting' | null

export type HelperHandler = (image: string, run: HelperRun, runtime: FakeRuntime) => Promise<void>

/** The default helper: the run worked, with 1 MiB moved. */
export const reportProgress: HelperHandler = async (_image, run) => {
  run.onProgress?.({ done: 0, total: 1 << 20 })
  run.onProgress?.({ done: 1 << 20, total: 1 << 20 })
}

interface ComposeService {
  image?: string
  volumes?: unknown[]
  labels?: Record<string, string>
}

export class FakeRuntime implements ShopRuntime {
  readonly faults = new FaultPoints<RuntimePoint>()
  readonly projects = new Map<string, { dir: string; containers: FakeContainer[] }>()
  readonly volumes = new Map<string, FakeVolume>()
  readonly images = new Set<string>()
  /** Images that cannot be pulled (`image_pull_failed` in the user's words: invalid_input, imageNotPulled). */
  readonly unpullable = new Set<string>()
  /** Images a pull gets only with this password. */
  readonly privateImages = new Map<string, string>()
  /** Every pull that reached a registry, with the credentials it sent. */
  readonly pulls: Array<{ image: string; auth: PullAuth | null }> = []
  readonly networks = new Set<string>()
  /** Every freeze, with the services it paused, in order. */
  readonly freezes: Array<{ shop: string; paused: string[] }> = []
  /** Every helper run, with the services paused (of any shop) while it ran. */
  /** Every helper script run, with the box it ran in (none: a one-off helper container). */
  readonly helperRuns: Array<{ image: string; run: HelperRun; pausedThen: string[]; box?: number }> = []
  /** Helper boxes opened and not closed yet: an operation must close every one it opened. */
  openBoxes = 0
  private boxesMade = 0
  /** Every control action, in order. */
  readonly actions: Array<{ shop: string; action: RuntimeAction }> = []
  readonly logLines = new Map<string, LogLine[]>()
  health: HealthScript = () => 'healthy'
  helper: HelperHandler = reportProgress
  private nextId = 1
  private readonly watchers = new Set<{ onChange: (shops: string[]) => void; onEnd: () => void }>()
  private readonly followers = new Map<string, Set<LogSink>>()

  /** `composeOf` reads a project's compose file (the fake engine hands the store's); apply makes what it names. */
  constructor(private readonly composeOf: (dir: string) => string | null = () => null) {}

  /** The containers of a shop as they are now. */
  containersOf(shop: string): FakeContainer[] {
    return this.projects.get(shop)?.containers ?? []
  }

  /** Services of a shop that are paused right now. */
  pausedServices(shop: string): string[] {
    return this.containersOf(shop)
      .filter((c) => c.state === 'paused')
      .map((c) => c.service)
  }

  private readonly jobExits = new Map<string, number>()
  private readonly jobErrors = new Map<string, string>()

  /** The one-off job `service` of `shop` ends with `exitCode` (and prints `said` last) on its next apply. */
  failJob(shop: string, service: string, exitCode: number, said: string): void {
    this.jobExits.set(`${shop}/${service}`, exitCode)
    this.jobErrors.set(`${shop}/${service}`, said)
  }

  /** Sets a running container's health afterwards (a service that turns unhealthy). */
  setHealth(shop: string, service: string, health: string | null): void {
    for (const c of this.containersOf(shop)) if (c.service === service) c.health = health
    this.changed(shop)
  }

  async apply(project: ShopProject, options: ApplyOptions = {}): Promise<void> {
    await this.faults.pass('apply')
    const text = this.composeOf(project.dir)
    if (text === null)
      throw new AppError('internal', `compose up failed in ${project.dir}: no configuration file provided: not found`, {
        say: { key: 'composeFailed', values: { reason: 'no configuration file' } },
      })
    const compose = (parse(text) ?? {}) as { services?: Record<string, ComposeService>; volumes?: Record<string, { name?: string } | null> }
    const named = (key: string): string => compose.volumes?.[key]?.name ?? volumeName(project.name, key)
    for (const key of Object.keys(compose.volumes ?? {})) if (!this.volumes.has(named(key))) this.addVolume(named(key), project.name, key)
    const before = this.containersOf(project.name)
    const containers = Object.entries(compose.services ?? {}).map(([service, spec]) => {
      const image = spec.image ?? `${project.name}-${service}`
      const writes = (spec.volumes ?? [])
        .filter((m): m is string => typeof m === 'string' && !m.endsWith(':ro') && compose.volumes?.[m.split(':')[0]!] !== undefined)
        .map((m) => named(m.split(':')[0]!))
      if (spec.labels?.[JOB_LABEL] === 'true') {
        const exitCode = this.jobExits.get(`${project.name}/${service}`) ?? 0
        this.print(
          project.name,
          service,
          exitCode === 0 ? `${service}: done` : `${service}: ERROR ${this.jobErrors.get(`${project.name}/${service}`) ?? 'failed'}`,
        )
        return { id: `c${this.nextId++}`, service, image, state: 'exited', health: null, writes, job: true, exitCode }
      }
      const old = before.find((c) => c.service === service)
      // Like compose: a changed image or changed volumes recreate the container.
      if (old && old.image === image && old.writes.join() === writes.join() && !options.forceRecreate)
        return { ...old, state: 'running', health: old.state === 'running' ? old.health : this.startHealth(project.name, service, image) }
      options.onOutput?.(options.mask ? options.mask(`Container ${project.name}-${service}-1 Started`) : `Container ${project.name}-${service}-1 Started`)
      return { id: `c${this.nextId++}`, service, image, state: 'running', health: this.startHealth(project.name, service, image), writes }
    })
    this.projects.set(project.name, { dir: project.dir, containers })
    this.changed(project.name)
  }

  async control(project: ShopProject, action: RuntimeAction): Promise<void> {
    await this.faults.pass('control')
    this.actions.push({ shop: project.name, action })
    const found = this.projects.get(project.name)
    if (action === 'remove' || action === 'delete') {
      this.projects.delete(project.name)
      if (action === 'delete') for (const v of [...this.volumes.values()]) if (v.shop === project.name) this.volumes.delete(v.name)
    } else if (found) {
      for (const c of found.containers) {
        c.state = action === 'stop' ? 'exited' : 'running'
        c.health = action === 'stop' ? null : this.startHealth(project.name, c.service, c.image)
      }
    }
    this.changed(project.name)
  }

  async containers(shop?: string): Promise<Map<string, ShopContainer[]>> {
    await this.faults.pass('containers')
    const names = shop ? [shop] : [...this.projects.keys()]
    return new Map(names.filter((n) => this.projects.has(n)).map((n) => [n, this.listed(n)]))
  }

  async watch(onChange: (shops: string[]) => void, onEnd: () => void): Promise<() => void> {
    await this.faults.pass('watch')
    const watcher = { onChange, onEnd }
    this.watchers.add(watcher)
    return () => void this.watchers.delete(watcher)
  }

  /** Ends every watch as a dropped connection would. */
  endWatches(): void {
    for (const w of [...this.watchers]) w.onEnd()
    this.watchers.clear()
  }

  /** Does not wait: a shop not healthy now is reported as the timeout would report it. */
  async waitHealthy(shop: string, options: HealthOptions): Promise<ShopContainer[]> {
    await this.faults.pass('waitHealthy')
    if (options.signal?.aborted) throw cancelledError()
    const listed = this.listed(shop)
    options.onChange?.(listed)
    if (listed.length > 0 && shopLight(listed) === 'green') return listed
    const job = failedJob(listed)
    if (job) {
      const said = this.logsOf(shop, { service: job.service, tail: 5 })
        .map((l) => (options.mask ?? ((t: string) => t))(l.text))
        .join('\n')
      throw jobFailedError(job.service, job.exitCode ?? -1, said)
    }
    const broken = options.failOnUnhealthy ? notHealthyError(listed) : null
    if (broken) throw broken
    const seconds = Math.round(options.timeoutMs / 1000)
    const why = shopReason(listed) ?? 'no containers'
    throw new AppError('timeout', `The shop was not healthy after ${seconds} s (${why}).`, { say: { key: 'healthTimeout', values: { seconds, why } } })
  }

  async logs(shop: string, query: LogsQuery, mask: (text: string) => string): Promise<LogLine[]> {
    await this.faults.pass('logs')
    return this.logsOf(shop, query).map((l) => ({ ...l, text: mask(l.text) }))
  }

  async followLogs(shop: string, query: LogsQuery, mask: (text: string) => string, sink: LogSink): Promise<() => void> {
    await this.faults.pass('followLogs')
    const masked: LogSink = {
      lines: (lines) => sink.lines(lines.filter((l) => !query.service || l.service === query.service).map((l) => ({ ...l, text: mask(l.text) }))),
      end: (e) => sink.end(e),
    }
    masked.lines(this.logsOf(shop, query))
    const sinks = this.followers.get(shop) ?? new Set<LogSink>()
    sinks.add(masked)
    this.followers.set(shop, sinks)
    return () => void sinks.delete(masked)
  }

  /** A service of the shop prints a line (to `logs` later, and to every follower now). */
  print(shop: string, service: string, text: string, stream: LogLine['stream'] = 'stdout'): void {
    const line: LogLine = { service, time: new Date().toISOString(), stream, text }
    this.logLines.set(shop, [...(this.logLines.get(shop) ?? []), line])
    for (const sink of this.followers.get(shop) ?? []) sink.lines([line])
  }

  async pullImage(image: string, options: PullOptions = {}): Promise<void> {
    await this.faults.pass('pullImage')
    if (this.images.has(image)) return
    this.pulls.push({ image, auth: options.auth ?? null })
    const denied = this.privateImages.get(image)
    if (this.unpullable.has(image) || (denied && denied !== options.auth?.password)) {
      const problem = this.unpullable.has(image) ? 'notFound' : 'denied'
      throw registryFailure(
        problem,
        { image, registry: parseImageRef(image)?.registry ?? image, hasCredentials: !!options.auth },
        problem === 'notFound' ? 'manifest unknown' : 'unauthorized',
        'invalid_input',
      )
    }
    options.onProgress?.({ done: 512, total: 1024, layers: 2, layersDone: 1 })
    options.onProgress?.({ done: 1024, total: 1024, layers: 2, layersDone: 2 })
    this.images.add(image)
  }

  async freeze(shop: string, volumes?: readonly string[]): Promise<FrozenShop> {
    await this.faults.pass('freeze')
    const all = this.containersOf(shop)
    const frozen = all.filter((c) => c.state === 'running' && (!volumes || c.writes.some((v) => volumes.includes(v))))
    for (const c of frozen) c.state = 'paused'
    this.freezes.push({ shop, paused: frozen.map((c) => c.service) })
    this.changed(shop)
    return {
      paused: frozen.length,
      images: Object.fromEntries(all.map((c) => [c.service, c.image])),
      resume: async (onUnpaused): Promise<StepNote> => {
        await this.faults.pass('resume')
        if (frozen.length === 0) return { key: all.some((c) => c.state === 'running') ? 'keptRunning' : 'notRunning' }
        for (const c of frozen) if (c.state === 'paused') c.state = 'running'
        onUnpaused?.()
        this.changed(shop)
        return { key: 'runningAgain' }
      },
    }
  }

  async volumeExists(name: string): Promise<boolean> {
    await this.faults.pass('volumeExists')
    return this.volumes.has(name)
  }

  async createVolume(name: string, shop: string, key: string): Promise<void> {
    await this.faults.pass('createVolume')
    if (!this.volumes.has(name)) this.addVolume(name, shop, key)
  }

  /** A volume as if an earlier shop had left it behind. */
  addVolume(name: string, shop: string, key: string, files: Record<string, string> = {}): FakeVolume {
    const volume: FakeVolume = { name, shop, key, files: new Map(Object.entries(files)) }
    this.volumes.set(name, volume)
    return volume
  }

  async removeVolume(name: string): Promise<void> {
    await this.faults.pass('removeVolume')
    this.volumes.delete(name)
  }

  async shopVolumes(shop: string): Promise<RuntimeVolume[]> {
    await this.faults.pass('shopVolumes')
    return [...this.volumes.values()].filter((v) => v.shop === shop).map((v) => ({ name: v.name, key: v.key }))
  }

  async runHelper(image: string, run: HelperRun, box?: number): Promise<void> {
    await this.faults.pass('runHelper')
    if (run.signal?.aborted) throw cancelledError()
    const pausedThen = [...this.projects.keys()].flatMap((shop) => this.pausedServices(shop))
    this.helperRuns.push({ image, run, pausedThen, ...(box ? { box } : {}) })
    await this.helper(image, run, this)
  }

  /** A box runs each script as a helper run with the box's mounts, so tests see both passes in `helperRuns`. */
  async openHelper(image: string, mounts: readonly HelperMount[]): Promise<HelperBox> {
    await this.faults.pass('openHelper')
    let open = true
    this.openBoxes++
    const box = ++this.boxesMade
    return {
      run: async (script) => {
        if (!open) throw new AppError('internal', 'The helper container is gone.')
        await this.runHelper(image, { ...script, mounts: [...mounts] }, box)
      },
      close: async () => {
        if (open) this.openBoxes--
        open = false
      },
    }
  }

  async hasNetwork(name: string): Promise<boolean> {
    await this.faults.pass('hasNetwork')
    return this.networks.has(name)
  }

  async createNetwork(name: string): Promise<void> {
    await this.faults.pass('createNetwork')
    this.networks.add(name)
  }

  async bootCommand(project: ShopProject): Promise<string[]> {
    await this.faults.pass('bootCommand')
    return ['docker', 'compose', '-p', project.name, 'up', '-d']
  }

  private startHealth(shop: string, service: string, image: string): string | null {
    return this.health({ shop, service, image })
  }

  private listed(shop: string): ShopContainer[] {
    return this.containersOf(shop).map((c) => {
      const status = c.state === 'running' ? `Up 1 second${c.health ? ` (${c.health === 'starting' ? 'health: starting' : c.health})` : ''}` : c.state
      return {
        id: c.id,
        service: c.service,
        state: c.state,
        health: c.health,
        status: c.job && c.state === 'exited' ? `Exited (${c.exitCode ?? 0})` : status,
        created: new Date(0).toISOString(),
        light: containerLight(c),
        ...(c.job ? { job: true, exitCode: c.exitCode ?? 0 } : {}),
      }
    })
  }

  private logsOf(shop: string, query: LogsQuery): LogLine[] {
    return (this.logLines.get(shop) ?? []).filter((l) => !query.service || l.service === query.service).slice(-query.tail)
  }

  private changed(shop: string): void {
    for (const w of this.watchers) w.onChange([shop])
  }
}
