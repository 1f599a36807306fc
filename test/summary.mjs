// Prints what each tier ran, from vitest's JSON report, and one closing line "N passed, N failed, N skipped".
// Fails when a tier that must run (unit, integration, e2e) ran no test at all.
import { readFileSync } from 'node:fs'
import { relative } from 'node:path'

const [reportPath = 'test-results/vitest.json'] = process.argv.slice(2)
const report = JSON.parse(readFileSync(reportPath, 'utf8'))
const tierOf = (file) => {
  const path = relative(process.cwd(), file)
  if (path.startsWith('src/')) return 'unit'
  if (path.startsWith('test/integration/')) return 'integration'
  if (path.startsWith('test/e2e/')) return 'e2e'
  if (path.startsWith('test/electron/')) return 'electron'
  return 'other'
}
const tiers = new Map()
for (const file of report.testResults) {
  const counts = tiers.get(tierOf(file.name)) ?? { passed: 0, failed: 0, skipped: 0 }
  for (const test of file.assertionResults) {
    if (test.status === 'passed') counts.passed++
    else if (test.status === 'failed') counts.failed++
    else counts.skipped++
  }
  // A file that failed to load has no assertions but must count as a failure.
  if (file.status === 'failed' && file.assertionResults.length === 0) counts.failed++
  tiers.set(tierOf(file.name), counts)
}
let missing = false
console.log('\n=== summary by tier')
for (const tier of ['unit', 'integration', 'e2e', 'electron', 'other']) {
  const c = tiers.get(tier)
  if (!c) {
    if (tier !== 'other' && tier !== 'electron') {
      console.log(`${tier}: NOT RUN`)
      missing = true
    }
    continue
  }
  console.log(`${tier}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`)
}
const total = [...tiers.values()].reduce((a, c) => ({ passed: a.passed + c.passed, failed: a.failed + c.failed, skipped: a.skipped + c.skipped }), {
  passed: 0,
  failed: 0,
  skipped: 0,
})
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`)
process.exit(total.failed > 0 || missing ? 1 : 0)
