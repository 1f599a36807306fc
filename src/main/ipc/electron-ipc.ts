// Wires the contract to Electron: one ipcMain handler per channel, each checking who is calling.
import { ipcMain, type BrowserWindow, type WebFrameMain } from 'electron'
import { invokeChannelNames } from '@shared/channels'
import type { EventBus } from '../events'
import type { Dispatch } from './dispatch'

/** Only our own page, in its top frame, may call into the main process. */
export function isTrustedSender(frame: WebFrameMain | null, isAppUrl: (url: string) => boolean): boolean {
  if (!frame || frame.parent !== null) return false
  return isAppUrl(frame.url)
}

export function registerIpc(dispatch: Dispatch, isAppUrl: (url: string) => boolean): void {
  for (const channel of invokeChannelNames) {
    ipcMain.handle(channel, (event, input: unknown) => {
      if (!isTrustedSender(event.senderFrame, isAppUrl)) {
        return { ok: false, error: { code: 'forbidden_sender', message: 'This window may not call the app.' } }
      }
      return dispatch(channel, input)
    })
  }
}

export function forwardEvents(events: EventBus, windows: () => BrowserWindow[]): () => void {
  return events.onAny((event, payload) => {
    for (const window of windows()) {
      if (!window.isDestroyed()) window.webContents.send(event, payload)
    }
  })
}
