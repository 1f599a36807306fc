// Starts the app for an end-to-end test: real main-process services and handlers, the built renderer and the
// real preload in Debian's Chromium, and the test bridge between them in place of Electron's IPC.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import Conf from 'conf'
import { chromium, type Browser, type Page } from 'playwright'
import { createAppDispatch, createServices, type Services } from '../../src/main/services'
import type { SetupOverrides } from '../../src/main/host-setup/setup-service'
import { Keychain } from '../../src/main/vault/keychain'
import { useKeyringEnv, type TestbedInfo } from '../testbed/testbed'
import { preloadScript } from './bridge/preload-bundle'
import { startBridge, type Bridge } from './bridge/server'

const root = resolve(import.meta.dirname, '../..')
export const rendererDir = join(root, 'out/renderer')
export const outputDir = join(root, 'test-results/e2e')

const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export interface AppUnderTest {
  page: Page
  services: Services
  bridge: Bridge
  dataDir: string
  /** What the page reported that a test would not see: console errors, failed requests (with the IPC channel). */
  diagnostics: string[]
  /** Opens the app again in a fresh page, as after a restart of the window. */
  reload(): Promise<void>
  close(): Promise<void>
}

export interface LaunchOptions {
  /** Runs on the empty data folder before the main-process services start (to plant a file they find there). */
  beforeStart?: (dataDir: string) => void | Promise<void>
  /** Host setup with a stand-in for Traefik's image, publishing on free loopback ports. */
  setupOverrides?: SetupOverrides
}

export async function launchApp(testbed: TestbedInfo, options: LaunchOptions = {}): Promise<AppUnderTest> {
  const dataDir = await mkdtemp(join(tmpdir(), 'shopmgr-e2e-'))
  await options.beforeStart?.(dataDir)
  useKeyringEnv(testbed)
  const services = createServices({
    store: new Conf({ cwd: dataDir, configName: 'settings' }),
    // The real keyring of the test bed, under a service name of this run's own.
    keychain: new Keychain({ service: `Shop-Manager e2e ${process.pid}` }),
    bundledTemplatesDir: join(root, 'templates'),
    traefikDir: join(root, 'traefik'),
    openDrafts: () => new Conf({ cwd: dataDir, configName: 'drafts', clearInvalidConfig: false }),
    draftsPath: join(dataDir, 'drafts.json'),
    // Instead of the folder dialog; a test may replace services.chooseFolder.
    chooseFolder: async () => join(dataDir, 'transfers'),
    userName: 'e2e',
    // The test bed's engine stands in for Docker on this laptop.
    localDockerSocket: testbed.dockerSocket,
    appInfo: { name: 'Shop-Manager', version: '0.1.0-e2e', platform: process.platform, dataDir },
    ...(options.setupOverrides ? { setupOverrides: options.setupOverrides } : {}),
  })
  const bridge = await startBridge(rendererDir, createAppDispatch(services, console), services.events)
  const browser: Browser = await chromium.launch({ executablePath: testbed.chromium, args: chromiumArgs })
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'de-DE' })
  await bridge.attach(context)
  // The app's own preload, with only Electron's contextBridge and ipcRenderer stood in.
  await context.addInitScript({ content: await preloadScript() })
  const diagnostics: string[] = []
  const watch = (p: Page): void => {
    p.on('console', (message) => {
      if (message.type() === 'error') diagnostics.push(`console: ${message.text()}`)
    })
    p.on('pageerror', (error) => diagnostics.push(`page error: ${error.message}`))
    p.on('requestfailed', (request) =>
      diagnostics.push(
        `request failed: ${request.method()} ${request.url()} ${request.postData()?.slice(0, 80) ?? ''} → ${request.failure()?.errorText ?? '?'}`,
      ),
    )
  }
  let page = await context.newPage()
  watch(page)
  const open = async (): Promise<void> => {
    await page.goto(`${bridge.url}/index.html`)
    await page.getByTestId('status-bar').waitFor()
  }
  await open()
  const app: AppUnderTest = {
    get page() {
      return page
    },
    services,
    bridge,
    dataDir,
    diagnostics,
    async reload() {
      await page.close()
      page = await context.newPage()
      watch(page)
      await open()
    },
    async close() {
      services.overview.stopAll()
      services.sessions.closeAll()
      await browser.close()
      await bridge.close()
      // The overview cache may still be writing its last file: retry instead of failing on ENOTEMPTY.
      await rm(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 })
      if (launched === app) launched = null
    },
  }
  launched = app
  return app
}

let launched: AppUnderTest | null = null

/** The app this test file launched last and has not closed, for the failure capture. */
export function launchedApp(): AppUnderTest | null {
  return launched
}
