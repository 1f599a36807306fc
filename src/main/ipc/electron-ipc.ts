// Wires the contract to Electron: one ipcMain handler per channel, each checking who is calling.
import { ipcMain, type BrowserWindow } from 'electron'
import { invokeChannelNames } from '@shared/channels'
import type { EventBus } from '../events'
import type { Dispatch } from './dispatch'
import { isTrustedSender } from './sender-check'

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
