import { describe, expect, it } from 'vitest'
import { demuxLogs, mergeByTime, parseLogLine, splitLines } from './log-lines'

function frame(stream: 1 | 2, text: string): Buffer {
  const body = Buffer.from(text)
  const header = Buffer.alloc(8)
  header[0] = stream
  header.writeUInt32BE(body.length, 4)
  return Buffer.concat([header, body])
}

describe('log lines', () => {
  it('takes Docker frames apart by stream, and passes TTY output through', () => {
    expect(demuxLogs(Buffer.concat([frame(1, 'out\n'), frame(2, 'err\n')]))).toEqual([
      { stream: 'stdout', text: 'out\n' },
      { stream: 'stderr', text: 'err\n' },
    ])
    expect(demuxLogs(Buffer.from('plain text\n'))).toEqual([{ stream: 'stdout', text: 'plain text\n' }])
  })

  it('splits the timestamp from the text and keeps a partial line for later', () => {
    expect(parseLogLine('web', 'stdout', '2026-11-22T10:00:00.5Z hello world')).toEqual({
      service: 'web',
      stream: 'stdout',
      time: '2026-11-22T10:00:00.500000000Z',
      text: 'hello world',
    })
    expect(parseLogLine('web', 'stderr', 'no stamp')).toMatchObject({ time: '', text: 'no stamp' })
    expect(splitLines('par', 'tial\r\nnext\nhalf')).toEqual({ lines: ['partial', 'next'], rest: 'half' })
  })

  it('merges services by time and keeps the last lines', () => {
    const a = [parseLogLine('db', 'stdout', '2026-01-01T00:00:01Z one'), parseLogLine('db', 'stdout', '2026-01-01T00:00:03Z three')]
    const b = [parseLogLine('web', 'stdout', '2026-01-01T00:00:02Z two')]
    expect(mergeByTime([a, b], 2).map((l) => l.text)).toEqual(['two', 'three'])
  })
})
