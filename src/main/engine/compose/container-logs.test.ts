import type Docker from 'dockerode'
import { PassThrough } from 'node:stream'
import { describe, expect, it, vi } from 'vitest'
import { followContainerLogs } from './container-logs'

function fakeDocker(failOn: string) {
  const opened: PassThrough[] = []
  const docker = {
    listContainers: async () =>
      ['a', 'b'].map((service) => ({
        Id: service,
        Names: [`/${service}`],
        Labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': service },
        State: 'running',
        Status: 'Up',
        Created: 0,
      })),
    getContainer: (id: string) => ({
      logs: async () => {
        if (id === failOn) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })
        const stream = new PassThrough()
        opened.push(stream)
        return stream
      },
    }),
    modem: { demuxStream: () => undefined },
  }
  return { docker: docker as unknown as Docker, opened }
}

describe('following container logs', () => {
  it('a later container whose stream cannot be opened leaves no stream open and no timer running', async () => {
    vi.useFakeTimers()
    try {
      const { docker, opened } = fakeDocker('b')
      const sink = { lines: vi.fn(), end: vi.fn() }
      await expect(followContainerLogs(docker, 'shop', { tail: 10 }, (t) => t, sink)).rejects.toMatchObject({ code: 'connection_lost' })
      expect(opened).toHaveLength(1)
      expect(opened[0]!.destroyed).toBe(true)
      expect(vi.getTimerCount()).toBe(0)
      expect(sink.end).not.toHaveBeenCalled()
    } finally {
      vi.useRealTimers()
    }
  })
})
