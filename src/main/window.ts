// Creates the main window with Electron's security checklist applied.
import { join } from 'node:path'
import { BrowserWindow, shell, type WebContents } from 'electron'
import { isSafeExternalUrl } from './navigation-policy'

/** Navigation stays inside the app; https links open in the system browser; nothing else opens. */
export function lockDownContents(contents: WebContents, isAppUrl: (url: string) => boolean): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault()
  })
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault()
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
  contents.session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
}

export function createMainWindow(startUrl: string, isAppUrl: (url: string) => boolean): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Shop-Manager',
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  })
  lockDownContents(window.webContents, isAppUrl)
  window.once('ready-to-show', () => window.show())
  void window.loadURL(startUrl)
  return window
}
