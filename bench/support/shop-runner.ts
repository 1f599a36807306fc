// Runs the app's create and clone operations against the test bed for benchmarks, timing their steps.
import { execFile, execFileSync } from 'node:child_process'
import { mkdirSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import type { OperationSnapshot } from '../../src/shared/operations'
import { openHostSession, type HostSession } from '../../src/main/host/host-session'
import { OperationRegistry } from '../../src/main/operations/operation-registry'
import { OperationRunner } from '../../src/main/operations/operation-runner'
import { composeEngine } from '../../src/main/engine/compose/compose-engine'
import { startCloneShop } from '../../src/main/shops/clone-shop'
import { startCreateShop } from '../../src/main/shops/create-shop'
import { TemplateService } from '../../src/main/templates/template-service'
import { key, testbedProfile } from '../../test/integration/support/hosts'
import type { TestbedInfo } from '../../test/testbed/testbed'
import { dirPrefix, shopPrefix } from './leftovers'

const runFile = promisify(execFile)

export interface TimedOperation {
  snapshot: OperationSnapshot
  totalMs: number
  /** When each step started running and ended, in ms since the operation started. */
  steps: Map<string, { start: number; end: number }>
  /** When a step first showed a message (`<step>: <message>`), in ms since the operation started. */
  notes: Map<string, number>
}

export class ShopRunner {
  readonly baseDir: string
  readonly session: HostSession
  readonly env: NodeJS.ProcessEnv
  /** The bundled templates, and the test fixtures' (the pg-shop database template) as the custom folder. */
  readonly templates = new TemplateService(resolve(import.meta.dirname, '../../templates'), () => resolve(import.meta.dirname, '../../test/fixtures/templates'))
  private readonly waiters = new Map<string, (snapshot: OperationSnapshot) => void>()
  private readonly marks = new Map<string, Map<string, { start: number; end: number }>>()
  private readonly notes = new Map<string, Map<string, number>>()
  private readonly operations = new OperationRegistry((snapshot) => this.observe(snapshot))
  private readonly runner = new OperationRunner(this.operations)

  /** Shops, volumes and networks of this benchmark; pass every name through shop() (see leftovers.ts). */
  readonly shop: (name: string) => string

  constructor(
    private readonly info: TestbedInfo,
    bench: string,
  ) {
    this.shop = (name) => `${shopPrefix(bench)}${name}`
    this.baseDir = join(info.ssh.baseDir, `${dirPrefix(bench)}${process.pid}`)
    this.env = { ...process.env, DOCKER_HOST: info.dockerHost }
    mkdirSync(this.baseDir, { recursive: true })
    execFileSync('chown', [`${info.ssh.user}:`, this.baseDir])
    if (!this.docker('network', 'ls', '-q', '--filter', 'name=^proxy$')) this.docker('network', 'create', 'proxy')
    this.session = openHostSession(testbedProfile(info, { baseDir: this.baseDir }), { privateKey: key(info.ssh.keys.ed25519) })
  }

  docker(...args: string[]): string {
    return execFileSync('docker', args, { env: this.env, encoding: 'utf8', maxBuffer: 64 << 20 }).trim()
  }

  /**
   * The same without blocking: for what takes long (filling a volume with gigabytes). A blocked event loop answers
   * no SSH keep-alive, and the session's connection counts as dropped.
   */
  async dockerAsync(...args: string[]): Promise<string> {
    const { stdout } = await runFile('docker', args, { env: this.env, encoding: 'utf8', maxBuffer: 64 << 20 })
    return stdout.trim()
  }

  create(name: string, templateId = 'busybox'): Promise<TimedOperation> {
    return this.timed(
      () =>
        startCreateShop(
          { hostId: 'testbed', name, description: '', templateId, domain: `${name}.shops.test`, params: {}, start: true },
          { engine: async () => composeEngine(this.session), template: (id) => this.templates.get(id), runner: this.runner, user: 'bench', certResolver: null },
        ).snapshot,
    )
  }

  clone(source: string, name: string): Promise<TimedOperation> {
    return this.timed(
      () =>
        startCloneShop(
          { hostId: 'testbed', source, name, domain: `${name}.shops.test`, description: '' },
          {
            engine: async () => composeEngine(this.session),
            template: (id) => this.templates.get(id),
            runner: this.runner,
            user: 'bench',
            certResolver: null,
            helperImage: this.info.image,
          },
        ).snapshot,
    )
  }

  /** A container of a shop's service. */
  container(shop: string, service: string): string {
    return this.docker('ps', '-aq', '--filter', `label=com.docker.compose.project=${shop}`, '--filter', `label=com.docker.compose.service=${service}`)
  }

  /** Takes a shop's containers, network and volumes away. */
  remove(name: string): void {
    const ids = this.docker('ps', '-aq', '--filter', `label=com.docker.compose.project=${name}`).split('\n').filter(Boolean)
    if (ids.length) this.docker('rm', '-f', ...ids)
    for (const volume of this.docker('volume', 'ls', '-q', '--filter', `name=${name}_`).split('\n').filter(Boolean)) this.docker('volume', 'rm', '-f', volume)
    try {
      execFileSync('docker', ['network', 'rm', `${name}_shop`], { env: this.env, stdio: 'ignore' })
    } catch {
      // none
    }
    rmSync(join(this.baseDir, name), { recursive: true, force: true })
  }

  close(): void {
    this.session.close()
    rmSync(this.baseDir, { recursive: true, force: true })
  }

  /**
   * A clone's copy as the source saw it: from the first pass until the source ran again, and within it the pause
   * (from the pause step until the unpause note); beside them, when the clone had checked the source was back.
   */
  static copyFigures(timed: TimedOperation): { copyMs: number; pausedMs: number; backMs: number } {
    const copied = timed.steps.get('copy')!.start
    const pause = timed.steps.get('pause')!.start
    const unpaused = [...timed.notes].find(([note]) => note.startsWith('resume: unpaused'))?.[1]
    if (unpaused === undefined) throw new Error('the clone did not report the unpause')
    return { copyMs: unpaused - copied, pausedMs: unpaused - pause, backMs: timed.steps.get('resume')!.end - pause }
  }

  private async timed(start: () => OperationSnapshot): Promise<TimedOperation> {
    const begin = performance.now()
    let id = ''
    const done = new Promise<OperationSnapshot>((resolve) => {
      const snapshot = start()
      id = snapshot.id
      this.marks.set(id, new Map())
      if (snapshot.status !== 'running') resolve(snapshot)
      this.waiters.set(id, resolve)
    })
    const snapshot = await done
    const totalMs = performance.now() - begin
    if (snapshot.status !== 'succeeded') throw new Error(`${snapshot.kind} ${snapshot.shop} ${snapshot.status}: ${JSON.stringify(snapshot.error)}`)
    const steps = new Map([...this.marks.get(id)!].map(([step, mark]) => [step, { start: mark.start - begin, end: mark.end - begin }]))
    const notes = new Map([...(this.notes.get(id) ?? [])].map(([note, at]) => [note, at - begin]))
    return { snapshot, totalMs, steps, notes }
  }

  private observe(snapshot: OperationSnapshot): void {
    const now = performance.now()
    const marks = this.marks.get(snapshot.id) ?? new Map<string, { start: number; end: number }>()
    this.marks.set(snapshot.id, marks)
    const notes = this.notes.get(snapshot.id) ?? new Map<string, number>()
    this.notes.set(snapshot.id, notes)
    for (const step of snapshot.steps) {
      const said = step.note?.key ?? step.message
      const note = `${step.id}: ${said ?? ''}`
      if (said && !notes.has(note)) notes.set(note, now)
      const mark = marks.get(step.id)
      if (step.status === 'running' && !mark) marks.set(step.id, { start: now, end: now })
      if ((step.status === 'done' || step.status === 'failed') && mark && mark.end === mark.start) mark.end = now
    }
    if (snapshot.status !== 'running') this.waiters.get(snapshot.id)?.(snapshot)
  }
}
