// A TCP link on loopback between the app and the test bed's sshd that a test can cut: every open connection is
// destroyed at once (sshd sees the close, as when a laptop's network goes), and while it is down, new connections
// are refused the same way.
import { createServer, connect, type Server, type Socket } from 'node:net'

export interface CuttableLink {
  port: number
  /** Destroys every connection; new ones are dropped until `restore`. */
  cut(): void
  restore(): void
  close(): Promise<void>
}

export async function cuttableLink(targetPort: number, targetHost = '127.0.0.1'): Promise<CuttableLink> {
  const open = new Set<Socket>()
  let down = false
  const server: Server = createServer((client) => {
    if (down) return void client.destroy()
    const upstream = connect(targetPort, targetHost)
    for (const socket of [client, upstream]) {
      open.add(socket)
      socket.on('close', () => open.delete(socket))
      socket.on('error', () => undefined)
    }
    client.pipe(upstream).pipe(client)
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('the link has no port')
  const cut = (): void => {
    down = true
    for (const socket of open) socket.destroy()
  }
  return {
    port: address.port,
    cut,
    restore() {
      down = false
    },
    close() {
      cut()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}
