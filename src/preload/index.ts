// Exposes the typed contract as window.api and nothing else.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { isEventChannel, isInvokeChannel } from '@shared/channels'
import type { Api } from '@shared/contract'

const api: Api = {
  invoke: ((channel: string, input?: unknown) => {
    if (!isInvokeChannel(channel)) {
      return Promise.resolve({ ok: false, error: { code: 'unknown_channel', message: `Unknown channel: ${channel}` } })
    }
    return ipcRenderer.invoke(channel, input)
  }) as Api['invoke'],
  on: ((event: string, listener: (payload: unknown) => void) => {
    if (!isEventChannel(event)) throw new Error(`Unknown event: ${event}`)
    const forward = (_event: IpcRendererEvent, payload: unknown): void => listener(payload)
    ipcRenderer.on(event, forward)
    return () => {
      ipcRenderer.removeListener(event, forward)
    }
  }) as Api['on'],
}

contextBridge.exposeInMainWorld('api', api)
