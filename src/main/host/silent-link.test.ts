import { createServer, connect, type Server, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { dropWhenSilent } from './silent-link'

const options = { keepaliveIntervalMs: 100, keepaliveCountMax: 2 }

describe('dropWhenSilent', () => {
  let server: Server
  let peer: Socket | undefined
  let socket: Socket | undefined
  afterEach(async () => {
    socket?.destroy()
    peer?.destroy()
    await new Promise<void>((r) => server.close(() => r()))
  })

  async function pair(): Promise<Socket> {
    server = createServer((s) => (peer = s))
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const port = (server.address() as { port: number }).port
    socket = connect(port, '127.0.0.1')
    await new Promise<void>((r) => socket!.once('connect', r))
    await new Promise<void>((r) => setTimeout(r, 20))
    return socket
  }
  const closed = (s: Socket) => new Promise<void>((r) => (s.destroyed ? r() : s.once('close', () => r())))

  it('destroys a socket the other side says nothing on for keepaliveIntervalMs × keepaliveCountMax', async () => {
    const s = await pair()
    const start = performance.now()
    dropWhenSilent(s, options)
    await closed(s)
    expect(performance.now() - start).toBeGreaterThanOrEqual(195)
    expect(performance.now() - start).toBeLessThan(1000)
  })

  it('keeps a socket the other side keeps talking on', async () => {
    const s = await pair()
    dropWhenSilent(s, options)
    const talk = setInterval(() => peer!.write('x'), 50)
    await new Promise((r) => setTimeout(r, 600))
    clearInterval(talk)
    expect(s.destroyed).toBe(false)
  })

  it('does not call a live socket dead when this process itself was busy past the limit', async () => {
    const s = await pair()
    dropWhenSilent(s, options)
    const talk = setInterval(() => peer?.write('x'), 20)
    await new Promise((r) => setTimeout(r, 60))
    // The event loop blocked for twice the limit, while the peer (a timer of this same process) cannot write:
    // its answers were sent just before, and arrive as one read after the block.
    peer!.write('y')
    // Busy in an I/O-phase callback, like a long synchronous call: the next turn of the loop runs due timers first.
    await new Promise<void>((r) =>
      setImmediate(() => {
        const until = performance.now() + 450
        while (performance.now() < until) {
          // busy
        }
        r()
      }),
    )
    await new Promise((r) => setTimeout(r, 150))
    clearInterval(talk)
    expect(s.destroyed).toBe(false)
  })
})
