// A shop's container output, whole or one service: the last N lines merged by time, or followed live. Lines are
// masked with the caller's masker before they leave this module.
import type { Readable } from 'node:stream'
import { PassThrough } from 'node:stream'
import type Docker from 'dockerode'
import { AppError } from '@shared/errors'
import type { LogLine } from '@shared/shops'
import type { LogSink, LogsQuery } from '../shop-runtime'
import { listProjectContainers } from './containers'
import { dockerTransportError } from './docker-client'
import { demuxLogs, mergeByTime, parseLogLine, splitLines } from './log-lines'

async function containersOf(docker: Docker, shop: string, query: LogsQuery) {
  const all = (await listProjectContainers(docker, shop)).get(shop) ?? []
  const chosen = query.service ? all.filter((c) => c.service === query.service) : all
  if (chosen.length === 0) {
    throw query.service
      ? new AppError('not_found', `The shop "${shop}" has no service "${query.service}".`, {
          say: { key: 'noService', values: { shop, service: query.service } },
        })
      : new AppError('not_found', `The shop "${shop}" has no containers (removed?).`, { say: { key: 'noContainers', values: { shop } } })
  }
  return chosen
}

export async function readContainerLogs(docker: Docker, shop: string, query: LogsQuery, mask: (text: string) => string): Promise<LogLine[]> {
  const containers = await containersOf(docker, shop, query)
  const groups = await Promise.all(
    containers.map(async (c) => {
      const buffer = (await docker
        .getContainer(c.id)
        .logs({ stdout: true, stderr: true, timestamps: true, tail: query.tail, follow: false })) as unknown as Buffer
      return demuxLogs(Buffer.isBuffer(buffer) ? buffer : Buffer.from(String(buffer))).flatMap(({ stream, text }) =>
        text
          .split('\n')
          .filter((l) => l.length > 0)
          .map((raw) => {
            const line = parseLogLine(c.service, stream, raw)
            return { ...line, text: mask(line.text) }
          }),
      )
    }),
  )
  return mergeByTime(groups, query.tail)
}

/**
 * Follows every chosen container; lines are handed to the sink in batches (every 100 ms). The follow ends when
 * every stream has ended, one fails, or the returned stop is called. If a later container's stream cannot be
 * opened, the ones already open are closed and the timer stopped before the error is thrown.
 */
export async function followContainerLogs(docker: Docker, shop: string, query: LogsQuery, mask: (text: string) => string, sink: LogSink): Promise<() => void> {
  const containers = await containersOf(docker, shop, query)
  let pending: LogLine[] = []
  let open = containers.length
  let ended = false
  const flush = (): void => {
    if (pending.length === 0) return
    const lines = pending
    pending = []
    sink.lines(lines)
  }
  const timer = setInterval(flush, 100)
  const sources: Readable[] = []
  const close = (): void => {
    clearInterval(timer)
    for (const source of sources) source.destroy()
  }
  const end = (error?: AppError): void => {
    if (ended) return
    ended = true
    close()
    flush()
    sink.end(error)
  }
  try {
    for (const container of containers) {
      const source = (await docker
        .getContainer(container.id)
        .logs({ stdout: true, stderr: true, timestamps: true, tail: query.tail, follow: true })) as unknown as Readable
      sources.push(source)
      const lineSink = (stream: LogLine['stream']): PassThrough => {
        let rest = ''
        return new PassThrough().on('data', (chunk: Buffer) => {
          const split = splitLines(rest, chunk.toString('utf8'))
          rest = split.rest
          for (const raw of split.lines) {
            if (!raw) continue
            const line = parseLogLine(container.service, stream, raw)
            pending.push({ ...line, text: mask(line.text) })
          }
        })
      }
      // Shop containers run without a TTY, so Docker frames their output by stream.
      docker.modem.demuxStream(source, lineSink('stdout'), lineSink('stderr'))
      source.once('error', (error: Error) => end(new AppError('connection_lost', error.message, { say: { key: 'droppedMidway' } })))
      source.once('end', () => {
        if (--open === 0) end()
      })
    }
  } catch (error) {
    ended = true
    close()
    throw dockerTransportError(error, 'logs')
  }
  return () => end()
}
