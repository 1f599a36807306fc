import { describe, expect, it } from 'vitest'
import { formatByteProgress, formatBytes, percent } from './bytes'

describe('byte counts', () => {
  it('uses decimal units with one decimal at most', () => {
    expect(formatBytes(0, 'en')).toBe('0 B')
    expect(formatBytes(999, 'en')).toBe('999 B')
    expect(formatBytes(12_300_000, 'en')).toBe('12.3 MB')
    expect(formatBytes(100_000_000, 'en')).toBe('100 MB')
    expect(formatBytes(1_500_000_000, 'en')).toBe('1.5 GB')
    expect(formatBytes(3_000_000_000_000_000, 'en')).toBe('3,000 TB')
  })

  it('follows the language for the decimal separator', () => {
    expect(formatBytes(12_345_678, 'de')).toBe('12,3 MB')
  })

  it('shows copied and total', () => {
    expect(formatByteProgress({ done: 12_300_000, total: 100_000_000 }, 'en')).toBe('12.3 MB / 100 MB')
  })

  it('gives a percentage for the bar, 0 when the total is not known yet', () => {
    expect(percent({ done: 25, total: 100 })).toBe(25)
    expect(percent({ done: 5, total: 0 })).toBe(0)
    expect(percent({ done: 150, total: 100 })).toBe(100)
  })
})
