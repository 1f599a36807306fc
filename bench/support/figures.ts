// Small helpers every benchmark shares: timing, medians, the table and the RESULT line.
import { readFileSync } from 'node:fs'
import type { TestbedInfo } from '../../test/testbed/testbed'

export function testbed(): TestbedInfo {
  const path = process.env['SHOPMGR_TESTBED_JSON']
  if (!path) throw new Error('SHOPMGR_TESTBED_JSON is not set: run through `npm run bench:<name>`')
  return JSON.parse(readFileSync(path, 'utf8')) as TestbedInfo
}

export async function timeMs(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  await run()
  return performance.now() - start
}

export async function sample(count: number, run: () => Promise<unknown>, warmup = 3): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await run()
  const times: number[] = []
  for (let i = 0; i < count; i++) times.push(await timeMs(run))
  return times
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN
}

export const median = (values: readonly number[]): number => percentile(values, 50)

export function table(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): void {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? c.toFixed(2) : c)))]
  const widths = header.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)))
  for (const [index, row] of cells.entries()) {
    console.log(row.map((c, i) => String(c).padEnd(widths[i]!)).join('  '))
    if (index === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  }
}

export function result(name: string, figures: Record<string, number>): void {
  console.log(
    `RESULT ${name} ${Object.entries(figures)
      .map(([k, v]) => `${k}=${Number.isInteger(v) ? v : v.toFixed(2)}`)
      .join(' ')}`,
  )
}
