// The app's main-process services as Electron's bootstrap composes them, on a data folder of their own, with
// the test bed's keyring and a host profile for the test bed's sshd: the core without a window.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import Conf from 'conf'
import type { HostInput } from '../../../src/shared/hosts'
import { createHandlers, createServices, type Services } from '../../../src/main/services'
import { Keychain } from '../../../src/main/vault/keychain'
import { useKeyringEnv, type TestbedInfo } from '../../testbed/testbed'

const root = resolve(import.meta.dirname, '../../..')

export interface AppServices {
  services: Services
  handlers: ReturnType<typeof createHandlers>
  dataDir: string
  /** Saves and trusts a profile for the test bed's sshd; returns its id. */
  addTestbedHost(overrides: Partial<HostInput> & { baseDir: string }): Promise<string>
  close(): Promise<void>
}

export function appServices(info: TestbedInfo, label: string): AppServices {
  const dataDir = mkdtempSync(join(tmpdir(), `${label}-`))
  useKeyringEnv(info)
  const keychainService = `Shop-Manager ${label} ${process.pid}`
  const services = createServices({
    store: new Conf({ cwd: dataDir, configName: 'settings' }),
    keychain: new Keychain({ service: keychainService }),
    bundledTemplatesDir: join(root, 'templates'),
    traefikDir: join(root, 'traefik'),
    openDrafts: () => new Conf({ cwd: dataDir, configName: 'drafts', clearInvalidConfig: false }),
    draftsPath: join(dataDir, 'drafts.json'),
    userName: label,
    appInfo: { name: 'Shop-Manager', version: 'test', platform: process.platform, dataDir },
  })
  return {
    services,
    handlers: createHandlers(services),
    dataDir,
    async addTestbedHost(overrides) {
      const host = await services.hosts.save({
        name: 'Testbed',
        address: info.ssh.host,
        port: info.ssh.port,
        user: info.ssh.user,
        auth: { kind: 'key', privateKey: readFileSync(info.ssh.keys.ed25519, 'utf8') },
        dockerSocket: info.dockerSocket,
        role: 'admin',
        shopDomain: 'shops.test',
        ...overrides,
      })
      services.hosts.trust(host.id, info.ssh.hostKeyFingerprint)
      return host.id
    },
    async close() {
      services.overview.stopAll()
      services.sessions.closeAll()
      const keychain = new Keychain({ service: keychainService })
      for (const account of await keychain.list().catch(() => [])) await keychain.delete(account).catch(() => undefined)
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
