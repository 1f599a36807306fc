import { describe, expect, it } from 'vitest'
import { formatAuditLine, parseAuditLog, type GateAuditLine } from './gate-audit'

const line = (change: Partial<GateAuditLine> = {}): GateAuditLine => ({
  time: '2026-12-03T09:00:00.000Z',
  key: `SHA256:${'Q'.repeat(43)}`,
  role: 'sales',
  op: 'create',
  shop: 'mueller',
  outcome: 'ok',
  code: null,
  ms: 1234,
  ...change,
})

describe('gate audit log', () => {
  it('reads back what the gate writes, one line per request, filtered by shop', () => {
    const text = [
      line(),
      line({ op: 'stop', outcome: 'refused', code: 'forbidden' }),
      line({ op: 'docker', shop: null, outcome: 'refused', code: 'forbidden' }),
      line({ shop: 'hansen' }),
    ]
      .map(formatAuditLine)
      .join('')
    expect(text.split('\n').filter(Boolean)).toHaveLength(4)
    expect(parseAuditLog(text)).toHaveLength(4)
    expect(parseAuditLog(text, 'mueller').map((l) => [l.op, l.outcome])).toEqual([
      ['create', 'ok'],
      ['stop', 'refused'],
    ])
  })

  it('skips a torn or foreign line instead of failing the whole log', () => {
    const text = `${formatAuditLine(line())}{"time":"2026-12-03T09:00:01.000Z","key":"SHA2\nnot json\n{"time":"x"}\n${formatAuditLine(line({ op: 'list', shop: null }))}`
    expect(parseAuditLog(text).map((l) => l.op)).toEqual(['create', 'list'])
  })
})
