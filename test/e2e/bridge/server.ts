// Test bridge: serves the built renderer to Chromium and stands in for Electron's IPC with the same
// dispatcher and handlers the app registers on ipcMain.
//
// Inside the browser nothing goes over the network: every request to the app's origin is answered by Playwright's
// request interception, and main-process events are delivered into the page through the DevTools protocol. The
// test bed's dockerd adds and removes network interfaces whenever a container starts or stops; Chromium takes that
// for a network change and aborts its in-flight requests with ERR_NETWORK_CHANGED (a lost IPC call, a route's
// chunk that never loads). Electron's IPC has no sockets, so neither has its stand-in. The HTTP server on loopback
// answers the same requests, for tests that call the bridge from outside the page.
import { readFile, stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { extname } from 'node:path'
import type { AddressInfo } from 'node:net'
import type { BrowserContext, Page } from 'playwright'
import { resolveAppPath } from '../../../src/main/navigation-policy'
import type { Dispatch } from '../../../src/main/ipc/dispatch'
import type { EventBus } from '../../../src/main/events'

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
}

export interface Bridge {
  url: string
  /** Pages currently listening for events; a test waits for one before pushing. */
  listeners(): number
  /** Answers the context's requests to the app and delivers events to its pages, all without sockets. */
  attach(context: BrowserContext): Promise<void>
  close(): Promise<void>
}

interface Answer {
  status: number
  contentType: string
  body: Buffer | string
}

const json = (status: number, body: unknown): Answer => ({ status, contentType: 'application/json', body: JSON.stringify(body) })

export async function startBridge(rendererDir: string, dispatch: Dispatch, events: EventBus): Promise<Bridge> {
  let origin = ''
  const listening = new Set<Page>()

  /** One request to the app's origin, wherever it came from. */
  async function answer(method: string, url: URL, requestOrigin: string | undefined, body: () => Promise<string>): Promise<Answer> {
    if (url.pathname === '/__bridge/invoke' && method === 'POST') {
      // The stand-in for Electron's sender check: only our own page may call.
      if (requestOrigin !== origin) return json(403, { ok: false, error: { code: 'forbidden_sender', message: 'Foreign origin' } })
      const { channel, input } = JSON.parse(await body()) as { channel: string; input?: unknown }
      return json(200, await dispatch(channel, input))
    }
    const file = resolveAppPath(rendererDir, url.pathname)
    const info = file ? await stat(file).catch(() => null) : null
    if (!file || !info?.isFile()) return json(404, { error: 'not found' })
    return { status: 200, contentType: contentTypes[extname(file)] ?? 'application/octet-stream', body: await readFile(file) }
  }

  const unsubscribe = events.onAny((event, payload) => {
    for (const page of listening)
      void page
        .evaluate(([e, p]) => (window as unknown as { __bridgeDeliver?: (e: string, p: unknown) => void }).__bridgeDeliver?.(e, p), [event, payload] as const)
        .catch(() => undefined)
  })

  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const body = async (): Promise<string> => {
      const chunks: Buffer[] = []
      for await (const chunk of request) chunks.push(chunk as Buffer)
      return Buffer.concat(chunks).toString('utf8')
    }
    answer(request.method ?? 'GET', new URL(request.url ?? '/', origin), request.headers.origin, body)
      .catch((error: unknown) => json(500, { error: String(error) }))
      .then(({ status, contentType, body: content }) => {
        response.writeHead(status, { 'content-type': contentType })
        response.end(content)
      })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    url: origin,
    listeners: () => listening.size,
    async attach(context) {
      await context.exposeBinding('__bridgeListen', ({ page }) => {
        listening.add(page)
        page.once('close', () => listening.delete(page))
      })
      await context.route(`${origin}/**`, async (route) => {
        const request = route.request()
        // As Electron checks the sending frame: the origin of the page that made the call.
        let sender: string | undefined
        try {
          sender = new URL(request.frame().url()).origin
        } catch {
          sender = undefined
        }
        const reply = await answer(request.method(), new URL(request.url()), sender, async () => request.postData() ?? '').catch((error: unknown) =>
          json(500, { error: String(error) }),
        )
        await route.fulfill({ status: reply.status, contentType: reply.contentType, body: reply.body }).catch(() => undefined)
      })
    },
    close: async () => {
      unsubscribe()
      listening.clear()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
