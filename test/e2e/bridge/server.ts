// Test bridge: serves the built renderer to Chromium and stands in for Electron's IPC with the same
// dispatcher and handlers the app registers on ipcMain. Listens on loopback only.
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { extname } from 'node:path'
import type { AddressInfo } from 'node:net'
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
  close(): Promise<void>
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' })
  response.end(JSON.stringify(body))
}

export async function startBridge(rendererDir: string, dispatch: Dispatch, events: EventBus): Promise<Bridge> {
  const streams = new Set<ServerResponse>()
  let origin = ''
  const unsubscribe = events.onAny((event, payload) => {
    for (const stream of streams) stream.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`)
  })

  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', origin)
      if (url.pathname === '/__bridge/invoke' && request.method === 'POST') {
        // The stand-in for Electron's sender check: only our own page may call.
        if (request.headers.origin !== origin) return sendJson(response, 403, { ok: false, error: { code: 'forbidden_sender', message: 'Foreign origin' } })
        const { channel, input } = JSON.parse(await readBody(request)) as { channel: string; input?: unknown }
        return sendJson(response, 200, await dispatch(channel, input))
      }
      if (url.pathname === '/__bridge/events') {
        response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' })
        response.write(': connected\n\n')
        streams.add(response)
        request.on('close', () => streams.delete(response))
        return
      }
      const file = resolveAppPath(rendererDir, url.pathname)
      const info = file ? await stat(file).catch(() => null) : null
      if (!file || !info?.isFile()) return sendJson(response, 404, { error: 'not found' })
      response.writeHead(200, { 'content-type': contentTypes[extname(file)] ?? 'application/octet-stream' })
      createReadStream(file).pipe(response)
    })().catch((error: unknown) => sendJson(response, 500, { error: String(error) }))
  })

  // Node closes an idle keep-alive socket after 5 s; Chromium may send a POST on it in that very moment and get
  // "Failed to fetch" (it resends only what is safe to resend). Electron's IPC has no sockets: keep them open.
  server.keepAliveTimeout = 10 * 60_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url: origin,
    listeners: () => streams.size,
    close: async () => {
      unsubscribe()
      for (const stream of streams) stream.end()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
