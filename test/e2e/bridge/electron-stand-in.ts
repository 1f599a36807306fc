// Stands in for `electron` when the real preload (src/preload) is bundled for the e2e page: contextBridge puts the
// API on window as Electron does, ipcRenderer speaks to the test bridge (server.ts) instead of the main process.
// Runs in the page; nothing else of Electron is offered, so a preload that reached for more would fail to bundle.
import type { ContextBridge, IpcRenderer, IpcRendererEvent } from 'electron'

type Listener = (event: IpcRendererEvent, ...args: unknown[]) => void

interface BridgeWindow {
  /** Called by the bridge (through the DevTools protocol) for every event the main process pushes. */
  __bridgeDeliver?: (channel: string, payload: unknown) => void
  /** The bridge's binding: this page wants events from now on. */
  __bridgeListen?: () => Promise<void>
  [name: string]: unknown
}

const page = globalThis as unknown as BridgeWindow
const listeners = new Map<string, Set<Listener>>()
let announced = false

page.__bridgeDeliver = (channel, payload) => {
  for (const listener of listeners.get(channel) ?? []) listener({ sender: ipcRenderer } as unknown as IpcRendererEvent, payload)
}

export const contextBridge: Pick<ContextBridge, 'exposeInMainWorld'> = {
  exposeInMainWorld(apiKey, api) {
    // Electron copies the object into the page's world, where it cannot be changed.
    page[apiKey] = Object.freeze(api)
  },
}

/** The part of Electron's ipcRenderer a sandboxed preload may use, with Electron's signatures. */
type IpcRendererStandIn = Pick<IpcRenderer, 'invoke'> & {
  on(channel: string, listener: Listener): IpcRendererStandIn
  removeListener(channel: string, listener: Listener): IpcRendererStandIn
}

export const ipcRenderer: IpcRendererStandIn = {
  async invoke(channel, ...args) {
    const response = await fetch('/__bridge/invoke', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel, input: args[0] }),
    })
    // A refused sender still answers with the error envelope, as registerIpc's handler does.
    if (response.ok || response.status === 403) return response.json()
    throw new Error(`Error invoking remote method '${channel}': ${response.status} ${await response.text()}`)
  },
  on(channel, listener) {
    if (!listeners.has(channel)) listeners.set(channel, new Set())
    listeners.get(channel)!.add(listener)
    if (!announced) {
      announced = true
      void page.__bridgeListen?.()
    }
    return ipcRenderer
  },
  removeListener(channel, listener) {
    listeners.get(channel)?.delete(listener)
    return ipcRenderer
  },
}
