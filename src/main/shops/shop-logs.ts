// A shop's logs, whole or one service: the last N lines, or followed live. Secret values from the shop's env
// file are replaced by ••• here in main, before a line reaches the renderer (and so any saved file).
import { randomUUID } from 'node:crypto'
import type { Readable } from 'node:stream'
import { PassThrough } from 'node:stream'
import { AppError } from '@shared/errors'
import type { LogBatch, LogLine } from '@shared/shops'
import type { HostSession } from '../host/host-session'
import { listProjectContainers } from './discovery'
import { demuxLogs, mergeByTime, parseLogLine, splitLines } from './log-lines'
import { secretMasker } from './secret-mask'
import { parseSecrets, shopDir } from './shop-record'

export interface LogsQuery {
  shop: string
  service?: string | undefined
  tail: number
}

async function shopMasker(session: HostSession, shop: string): Promise<(text: string) => string> {
  const env = await session.exec(['cat', '--', `${shopDir(session, shop)}/.env`], { timeoutMs: 10_000 })
  if (env.code !== 0 && !env.stderr.includes('No such file')) {
    // Without the secrets nothing could be masked: show nothing rather than risk a secret.
    throw new AppError('internal', `The shop's secrets could not be read to mask them in the logs: ${env.stderr.trim()}`)
  }
  return secretMasker(Object.values(parseSecrets(env.stdout)))
}

async function containersOf(session: HostSession, query: LogsQuery) {
  const all = (await listProjectContainers(session.docker, query.shop)).get(query.shop) ?? []
  const chosen = query.service ? all.filter((c) => c.service === query.service) : all
  if (chosen.length === 0) {
    throw query.service
      ? new AppError('not_found', `The shop "${query.shop}" has no service "${query.service}".`, { say: { key: 'noService', values: { shop: query.shop, service: query.service } } })
      : new AppError('not_found', `The shop "${query.shop}" has no containers (removed?).`, { say: { key: 'noContainers', values: { shop: query.shop } } })
  }
  return chosen
}

function masked(line: LogLine, mask: (text: string) => string): LogLine {
  return { ...line, text: mask(line.text) }
}

export async function readLogs(session: HostSession, query: LogsQuery): Promise<LogLine[]> {
  const [mask, containers] = await Promise.all([shopMasker(session, query.shop), containersOf(session, query)])
  const groups = await Promise.all(
    containers.map(async (c) => {
      const buffer = (await session.docker.getContainer(c.id).logs({ stdout: true, stderr: true, timestamps: true, tail: query.tail, follow: false })) as unknown as Buffer
      return demuxLogs(Buffer.isBuffer(buffer) ? buffer : Buffer.from(String(buffer))).flatMap(({ stream, text }) =>
        text
          .split('\n')
          .filter((l) => l.length > 0)
          .map((raw) => masked(parseLogLine(c.service, stream, raw), mask)),
      )
    }),
  )
  return mergeByTime(groups, query.tail)
}

/** Live logs: lines are batched (every 100 ms) and pushed as `logs:lines` until stopped or the containers end. */
export class LogFollowers {
  private readonly streams = new Map<string, { stop: () => void }>()

  constructor(private readonly emit: (batch: LogBatch) => void) {}

  async follow(session: HostSession, query: LogsQuery): Promise<string> {
    const [mask, containers] = await Promise.all([shopMasker(session, query.shop), containersOf(session, query)])
    const streamId = randomUUID()
    let pending: LogLine[] = []
    let open = containers.length
    let ended = false
    const flush = (): void => {
      if (pending.length === 0) return
      const lines = pending
      pending = []
      this.emit({ streamId, lines })
    }
    const timer = setInterval(flush, 100)
    const sources: Readable[] = []
    const end = (error?: AppError): void => {
      if (ended) return
      ended = true
      clearInterval(timer)
      for (const source of sources) source.destroy()
      flush()
      this.streams.delete(streamId)
      this.emit({ streamId, lines: [], ended: true, ...(error ? { error: { code: error.code, message: error.message } } : {}) })
    }
    this.streams.set(streamId, { stop: () => end() })
    for (const container of containers) {
      const source = (await session.docker.getContainer(container.id).logs({ stdout: true, stderr: true, timestamps: true, tail: query.tail, follow: true })) as unknown as Readable
      sources.push(source)
      const sink = (stream: LogLine['stream']): PassThrough => {
        let rest = ''
        return new PassThrough().on('data', (chunk: Buffer) => {
          const split = splitLines(rest, chunk.toString('utf8'))
          rest = split.rest
          for (const raw of split.lines) if (raw) pending.push(masked(parseLogLine(container.service, stream, raw), mask))
        })
      }
      // Shop containers run without a TTY, so Docker frames their output by stream.
      session.docker.modem.demuxStream(source, sink('stdout'), sink('stderr'))
      source.once('error', (error: Error) => end(new AppError('connection_lost', error.message)))
      source.once('end', () => {
        if (--open === 0) end()
      })
    }
    return streamId
  }

  stop(streamId: string): boolean {
    const stream = this.streams.get(streamId)
    stream?.stop()
    return Boolean(stream)
  }

  stopAll(): void {
    for (const stream of [...this.streams.values()]) stream.stop()
  }
}
