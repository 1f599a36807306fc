// The baseline for a container change in the overview benchmarks: Docker's own event for it, on the local socket.
import type { Readable } from 'node:stream'
import type Docker from 'dockerode'
import { PROJECT_LABEL } from '../../src/main/engine/host-layout'

export interface ContainerDeaths {
  /** When the container's `die` event arrived (performance.now()); asked before the change, so it cannot come first. */
  died(container: string): Promise<number>
  stop(): void
}

/**
 * The baseline for a container change: a plain subscriber to Docker's events on the test bed's local socket (no
 * SSH, no re-read, nothing published), waiting for a container's `die`. `die` is the event to compare with: the app
 * re-reads on every event of the shop (`kill` comes first), but only a list read after `die` shows it exited, red.
 */
export async function followDeaths(docker: Docker, timeoutMs: number): Promise<ContainerDeaths> {
  const stream = (await docker.getEvents({ filters: { type: ['container'], event: ['die'], label: [PROJECT_LABEL] } })) as Readable
  const waiting = new Map<string, (at: number) => void>()
  let buffered = ''
  stream.on('data', (chunk: Buffer) => {
    const at = performance.now()
    buffered += chunk.toString('utf8')
    let newline: number
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline)
      buffered = buffered.slice(newline + 1)
      const name = (JSON.parse(line) as { Actor?: { Attributes?: Record<string, string> } }).Actor?.Attributes?.['name']
      if (name) waiting.get(name)?.(at)
    }
  })
  stream.on('error', () => undefined)
  return {
    /** Asked before the change, so its event cannot come first. */
    died: (container) =>
      new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(container)
          reject(new Error(`no die event for ${container} within ${timeoutMs} ms on the local socket`))
        }, timeoutMs)
        waiting.set(container, (at) => {
          waiting.delete(container)
          clearTimeout(timer)
          resolve(at)
        })
      }),
    stop: () => stream.destroy(),
  }
}
