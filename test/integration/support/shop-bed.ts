// A base directory of its own on the test bed, a session to it, and quick ways to create and clean up shops.
import { execFileSync } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { HostProfile } from '../../../src/shared/hosts'
import type { OperationSnapshot } from '../../../src/shared/operations'
import { openHostSession, type HostSession } from '../../../src/main/host/host-session'
import { OperationRegistry } from '../../../src/main/operations/operation-registry'
import { OperationRunner } from '../../../src/main/operations/operation-runner'
import { composeEngine } from '../../../src/main/engine/compose/compose-engine'
import type { ShopEngine } from '../../../src/main/engine/shop-engine'
import { startCreateShop, type CreateShopInput } from '../../../src/main/shops/create-shop'
import type { RegistryAuth } from '../../../src/main/shops/pull-step'
import { TemplateService } from '../../../src/main/templates/template-service'
import { testbedBaseDir, testbedDocker } from '../../support/testbed-dir'
import type { TestbedInfo } from '../../testbed/testbed'
import { key, testbedProfile } from './hosts'

export interface ShopBed {
  baseDir: string
  docker: (...args: string[]) => string
  templates: TemplateService
  operations: OperationRegistry
  /** Runs operations on `operations`. */
  runner: OperationRunner
  /** The session's shop engine (compose over SSH), as the app makes it. */
  engine(session: HostSession): ShopEngine
  /** Every snapshot published, in order. */
  snapshots: OperationSnapshot[]
  /** Called with each snapshot as it is published. */
  onSnapshot: ((snapshot: OperationSnapshot) => void) | null
  session(overrides?: Partial<HostProfile>): HostSession
  /** Starts a busybox create; `await finished(id)` for the end. `registryAuth`: the credentials its pulls send. */
  create(session: HostSession, input: Partial<CreateShopInput> & { name: string }, registryAuth?: RegistryAuth): OperationSnapshot
  finished(id: string, timeoutMs?: number): Promise<OperationSnapshot>
  /** The single container of a project's service. */
  container(project: string, service?: string): string
  secret(shop: string, id?: string): string
  track(name: string): void
  cleanup(): void
}

export function shopBed(info: TestbedInfo, label: string): ShopBed {
  const baseDir = testbedBaseDir(info, label)
  const { env, docker } = testbedDocker(info)
  const sessions: HostSession[] = []
  const shops = new Set<string>()
  const bed: ShopBed = {
    baseDir,
    docker,
    templates: new TemplateService(resolve(import.meta.dirname, '../../../templates'), () => null),
    operations: new OperationRegistry((snapshot) => {
      bed.snapshots.push(snapshot)
      bed.onSnapshot?.(snapshot)
    }),
    snapshots: [],
    onSnapshot: null,
    runner: undefined as unknown as OperationRunner,
    engine: (session) => composeEngine(session),
    session(overrides = {}) {
      const session = openHostSession(testbedProfile(info, { baseDir, ...overrides }), { privateKey: key(info.ssh.keys.ed25519) })
      sessions.push(session)
      return session
    },
    create(session, input, registryAuth) {
      shops.add(input.name)
      return startCreateShop(
        { hostId: session.profile.id, description: '', templateId: 'busybox', domain: `${input.name}.shops.test`, params: {}, start: true, ...input },
        {
          engine: async () => composeEngine(session),
          template: (id) => bed.templates.get(id),
          runner: bed.runner,
          user: 'anna',
          certResolver: null,
          ...(registryAuth ? { registryAuth } : {}),
        },
      ).snapshot
    },
    async finished(id, timeoutMs = 90_000) {
      const deadline = Date.now() + timeoutMs
      while (bed.operations.get(id)?.status === 'running') {
        if (Date.now() > deadline) throw new Error(`operation ${id} still running after ${timeoutMs} ms: ${JSON.stringify(bed.operations.get(id)?.steps)}`)
        await new Promise((r) => setTimeout(r, 50))
      }
      return bed.operations.get(id)!
    },
    container(project, service = 'web') {
      return docker('ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`, '--filter', `label=com.docker.compose.service=${service}`)
    },
    secret(shop, id = 'admin_password') {
      const line = readFileSync(join(baseDir, shop, '.env'), 'utf8')
        .split('\n')
        .find((l) => l.startsWith(`SHOP_SECRET_${id.toUpperCase()}=`))
      if (!line) throw new Error(`no secret ${id} in ${shop}/.env`)
      return line.slice(line.indexOf('=') + 1)
    },
    track: (name) => void shops.add(name),
    cleanup() {
      for (const session of sessions) session.close()
      for (const name of shops) {
        const ids = docker('ps', '-aq', '--filter', `label=com.docker.compose.project=${name}`).split('\n').filter(Boolean)
        if (ids.length) docker('rm', '-f', ...ids)
        const volumes = docker('volume', 'ls', '-q', '--filter', `label=com.docker.compose.project=${name}`).split('\n').filter(Boolean)
        if (volumes.length) docker('volume', 'rm', '-f', ...volumes)
        for (const volume of docker('volume', 'ls', '-q', '--filter', `name=^${name}_`).split('\n').filter(Boolean)) docker('volume', 'rm', '-f', volume)
        try {
          execFileSync('docker', ['network', 'rm', `${name}_shop`], { env, stdio: 'ignore' })
        } catch {
          // gone already with its containers
        }
      }
      rmSync(baseDir, { recursive: true, force: true })
    },
  }
  bed.runner = new OperationRunner(bed.operations)
  return bed
}
