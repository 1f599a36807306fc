// What the end-to-end files share on the test bed: a base directory of their own on the host, the test bed
// added as a trusted host (as the Hosts page would, which hosts-overview tests), shops made as the wizard would
// (create-shop tests the wizard), and the cleanup of every shop a file made.
import { execFileSync } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { DomainMode, HostProfile } from '../../src/shared/hosts'
import type { OperationSnapshot } from '../../src/shared/operations'
import { createAppDispatch } from '../../src/main/services'
import type { TestbedInfo } from '../testbed/testbed'
import { testbedBaseDir, testbedDocker } from '../support/testbed-dir'
import type { AppUnderTest } from './harness'

export interface E2eHostBed {
  /** `<test bed base>/<prefix>-<pid>`, owned by the SSH user. */
  baseDir: string
  docker(...args: string[]): string
  /** The test bed as a trusted admin host; the active host unless `activate` is false. */
  addHost(app: AppUnderTest, options?: { name?: string; user?: string; baseDir?: string; activate?: boolean; domainMode?: DomainMode }): Promise<HostProfile>
  /** A busybox shop made through the main process (no UI), waited for until it is healthy. */
  createShop(app: AppUnderTest, hostId: string, name: string, params?: Record<string, string>): Promise<void>
  /** Brings down the named compose projects with their volumes (those that exist) and removes the base directory. */
  cleanup(projects: string[]): void
}

export function e2eHostBed(info: TestbedInfo, prefix: string): E2eHostBed {
  const { env, docker } = testbedDocker(info)
  const baseDir = testbedBaseDir(info, prefix)

  return {
    baseDir,
    docker,
    async addHost(app, options = {}) {
      const host = await app.services.hosts.save({
        name: options.name ?? 'Testbed',
        address: info.ssh.host,
        port: info.ssh.port,
        user: options.user ?? info.ssh.user,
        auth: { kind: 'key', privateKey: readFileSync(info.ssh.keys.ed25519, 'utf8') },
        dockerSocket: info.dockerSocket,
        baseDir: options.baseDir ?? baseDir,
        role: 'admin',
        shopDomain: 'shops.test',
        ...(options.domainMode ? { domainMode: options.domainMode } : {}),
      })
      app.services.hosts.trust(host.id, info.ssh.hostKeyFingerprint)
      if (options.activate !== false) app.services.settings.update({ activeHostId: host.id })
      return host
    },
    async createShop(app, hostId, name, params = { greeting: 'Hallo' }) {
      const dispatch = createAppDispatch(app.services, console)
      const started = await dispatch('shops:create', { hostId, name, templateId: 'busybox', domain: `${name}.shops.test`, params })
      if (!started.ok) throw new Error(`setup: create of ${name} refused: ${JSON.stringify(started.error)}`)
      const snapshot = started.value as OperationSnapshot
      const deadline = Date.now() + 90_000
      while (app.services.operations.get(snapshot.id)?.status === 'running' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
      const done = app.services.operations.get(snapshot.id)!
      if (done.status !== 'succeeded') throw new Error(`setup: create of ${name} ${done.status}: ${JSON.stringify(done.error)}`)
    },
    cleanup(projects) {
      for (const project of projects) {
        try {
          execFileSync('docker-compose', ['-p', project, 'down', '-v', '-t', '1'], { cwd: join(baseDir, project), env, stdio: 'ignore' })
        } catch {
          // never made, or already deleted by the test
        }
        // A create that failed early leaves volumes without a compose file to bring them down with.
        for (const volume of docker('volume', 'ls', '-q', '--filter', `label=com.docker.compose.project=${project}`).split('\n').filter(Boolean)) {
          try {
            docker('volume', 'rm', '-f', volume)
          } catch {
            // still in use
          }
        }
      }
      rmSync(baseDir, { recursive: true, force: true })
    },
  }
}
