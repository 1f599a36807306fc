import { describe, expect, it } from 'vitest'
import { appendCapped, formatLogLine, highlight, logFileName, matches } from './log-text'

describe('log text', () => {
  it('formats a line as time, service and text with the time cut to milliseconds', () => {
    expect(formatLogLine({ service: 'web', time: '2025-03-04T10:11:12.123456789Z', stream: 'stdout', text: 'pw=•••' })).toBe(
      '2025-03-04T10:11:12.123Z web | pw=•••',
    )
    expect(formatLogLine({ service: 'db', time: '2025-03-04T10:11:12Z', stream: 'stderr', text: 'ready' })).toBe('2025-03-04T10:11:12Z db | ready')
  })

  it('marks every match regardless of case and keeps the text whole', () => {
    const parts = highlight('Error: an ERROR occurred', 'error')
    expect(parts).toEqual([
      { text: 'Error', match: true },
      { text: ': an ', match: false },
      { text: 'ERROR', match: true },
      { text: ' occurred', match: false },
    ])
    expect(parts.map((p) => p.text).join('')).toBe('Error: an ERROR occurred')
    expect(highlight('abc', '')).toEqual([{ text: 'abc', match: false }])
    expect(highlight('aaa', 'a').filter((p) => p.match)).toHaveLength(3)
  })

  it('filters case-insensitively; an empty search matches all', () => {
    expect(matches('GET /index', 'get')).toBe(true)
    expect(matches('GET /index', 'post')).toBe(false)
    expect(matches('anything', '')).toBe(true)
  })

  it('names the saved file after the shop and the local time', () => {
    expect(logFileName('mueller', new Date(2025, 0, 5, 9, 7))).toBe('mueller-logs-2025-01-05-0907.txt')
  })

  it('keeps only the newest lines', () => {
    expect(appendCapped([1, 2, 3], [4, 5], 4)).toEqual([2, 3, 4, 5])
    expect(appendCapped([1, 2], [3], 10)).toEqual([1, 2, 3])
    expect(appendCapped([], [1, 2, 3, 4, 5, 6], 2)).toEqual([5, 6])
  })
})
