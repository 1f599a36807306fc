// Electron bootstrap: single instance, app:// protocol, services, IPC, the window.
import { userInfo } from 'node:os'
import { join } from 'node:path'
import { app, BrowserWindow, dialog } from 'electron'
import Store from 'electron-store'
import { APP_ORIGIN, registerAppScheme, serveAppScheme } from './app-protocol'
import { dialogTexts } from './dialog-texts'

import { forwardEvents, registerIpc } from './ipc/electron-ipc'
import { createAppDispatch, createServices } from './services'
import { sameOrigin } from './navigation-policy'
import { Keychain } from './vault/keychain'
import { createMainWindow } from './window'
import { readGateBundle } from './host-setup/gate-bundle'

const devServerUrl = !app.isPackaged ? process.env['ELECTRON_RENDERER_URL'] : undefined
const startUrl = devServerUrl ?? `${APP_ORIGIN}/index.html`
const isAppUrl = sameOrigin(devServerUrl ?? APP_ORIGIN)

/** DOCKER_HOST when it names a Unix socket, else the platform's usual socket. */
function localDockerSocket(): string {
  const fromEnv = process.env['DOCKER_HOST']
  return fromEnv?.startsWith('unix://') ? fromEnv.slice('unix://'.length) : '/var/run/docker.sock'
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  registerAppScheme()
  app.on('second-instance', () => {
    const [window] = BrowserWindow.getAllWindows()
    if (window) {
      if (window.isMinimized()) window.restore()
      window.focus()
    }
  })
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  void app.whenReady().then(() => {
    serveAppScheme(join(import.meta.dirname, '../renderer'))
    const services = createServices({
      store: new Store({ name: 'settings' }),
      keychain: new Keychain(),
      userName: userInfo().username,
      bundledTemplatesDir: app.isPackaged ? join(process.resourcesPath, 'templates') : join(app.getAppPath(), 'templates'),
      traefikDir: app.isPackaged ? join(process.resourcesPath, 'traefik') : join(app.getAppPath(), 'traefik'),
      gateBundle: () =>
        readGateBundle(app.isPackaged ? join(process.resourcesPath, 'gate', 'shopmgr-gate.mjs') : join(app.getAppPath(), 'out', 'gate', 'shopmgr-gate.mjs')),
      // A drafts file that does not parse must be reported and kept, not cleared: electron-store then throws.
      openDrafts: () => new Store({ name: 'drafts', clearInvalidConfig: false }),
      draftsPath: join(app.getPath('userData'), 'drafts.json'),
      chooseFolder: async (purpose) => {
        const window = BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0]
        const words = dialogTexts(services.settings.get().locale)
        const options = {
          title: purpose === 'download' ? words.saveBackupIn : words.chooseDownloadedBackup,
          properties: ['openDirectory', 'createDirectory'] as Array<'openDirectory' | 'createDirectory'>,
        }
        const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options)
        return result.canceled ? null : (result.filePaths[0] ?? null)
      },
      chooseFile: async () => {
        const window = BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0]
        const options = {
          title: dialogTexts(services.settings.get().locale).chooseComposeFile,
          properties: ['openFile'] as Array<'openFile'>,
          filters: [
            { name: 'Compose', extensions: ['yml', 'yaml'] },
            { name: '*', extensions: ['*'] },
          ],
        }
        const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options)
        return result.canceled ? null : (result.filePaths[0] ?? null)
      },
      localDockerSocket: localDockerSocket(),
      agentSocket: process.env['SSH_AUTH_SOCK'],
      appInfo: {
        name: app.getName(),
        version: app.getVersion(),
        platform: process.platform,
        dataDir: app.getPath('userData'),
      },
    })
    registerIpc(createAppDispatch(services, console), isAppUrl)
    forwardEvents(services.events, () => BrowserWindow.getAllWindows())
    // A window that reloads or closes no longer listens: its live log streams end with it (one window per app).
    app.on('browser-window-created', (_event, window) => {
      window.webContents.on('did-start-navigation', (event) => {
        // A route change inside the app is the same document; only a reload starts a new one.
        if (event.isMainFrame && !event.isSameDocument) services.logs.stopAll()
      })
      window.webContents.once('destroyed', () => services.logs.stopAll())
    })
    app.on('before-quit', () => (services.overview.stopAll(), services.sessions.closeAll()))
    createMainWindow(startUrl, isAppUrl)
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createMainWindow(startUrl, isAppUrl)
    })
  })
}
