// API calls and wall time to make a new shop reachable by name: under the host's wildcard record (`*.shops`,
// written once at host setup) versus one A record per shop (zone lookup, record read, create, action wait).
// Against the Hetzner emulator with 50 ms per call and actions still running at their first poll; the client polls
// every 500 ms like Hetzner's CLI. Medians of 5. Needs no test bed.
import { HetznerDnsClient } from '../src/main/dns/hetzner-client'
import { ShopDns, type PublishResult, type ShopDnsMode } from '../src/main/dns/shop-dns'
import { HetznerEmulator } from '../test/support/hetzner/emulator'
import { median, result, table } from './support/figures'
import { startBench } from './support/leftovers'

// Leaves nothing behind (the emulator lives in this process), but stops the same way as the others.
await startBench('dns', null, 120)
const RUNS = 5
const HOST = { ipv4: '203.0.113.7' }
const WILDCARD = '*.shops.example.com'

interface Run {
  calls: number
  writes: number
  ms: number
  outcome: PublishResult
}

const emulator = await HetznerEmulator.start()
emulator.latencyMs = 50
emulator.actionPolls = 1
emulator.addZone('example.com')
const client = new HetznerDnsClient({ baseUrl: emulator.url, token: async () => emulator.tokens.readWrite })
const dns = new ShopDns(client)

async function publish(domain: string, mode: ShopDnsMode): Promise<Run> {
  emulator.resetCalls()
  const start = performance.now()
  const outcome = await dns.publish(domain, HOST, mode)
  const ms = performance.now() - start
  return { calls: emulator.calls.length, writes: emulator.writes.length, ms, outcome }
}

try {
  emulator.resetCalls()
  const setupStart = performance.now()
  await dns.ensureWildcard(WILDCARD, HOST)
  const setup = { calls: emulator.calls.length, writes: emulator.writes.length, ms: performance.now() - setupStart }

  const wildcard: Run[] = []
  const perShop: Run[] = []
  let perShopTrace: string[] = []
  for (let i = 1; i <= RUNS; i++) {
    wildcard.push(await publish(`kunde${i}.shops.example.com`, { kind: 'wildcard', wildcard: WILDCARD }))
    perShop.push(await publish(`kunde${i}.example.com`, { kind: 'per-shop' }))
    perShopTrace = emulator.calls.map((c) => `${c.method} ${c.path}${c.query} -> ${c.status}`)
  }
  // The figures only count if the shops really resolve that way.
  if (wildcard.some((r) => r.outcome.via !== 'wildcard')) throw new Error('a wildcard shop was not covered by the wildcard')
  for (let i = 1; i <= RUNS; i++) {
    if (emulator.rrset('example.com', `kunde${i}`, 'A')?.records[0]?.value !== HOST.ipv4) throw new Error(`kunde${i}.example.com has no A record`)
  }

  const figure = (runs: Run[], pick: (r: Run) => number): number => median(runs.map(pick))
  console.log('Making a new shop reachable by name (Hetzner emulator: 50 ms per call, action running at its first poll, poll every 500 ms)')
  table(
    ['mode', 'API calls', 'writes', 'median ms', 'what happens'],
    [
      [
        'wildcard *.shops (per shop)',
        String(figure(wildcard, (r) => r.calls)),
        String(figure(wildcard, (r) => r.writes)),
        figure(wildcard, (r) => r.ms),
        'name is under the wildcard: nothing to write, nothing to read',
      ],
      [
        'per-shop A record',
        String(figure(perShop, (r) => r.calls)),
        String(figure(perShop, (r) => r.writes)),
        figure(perShop, (r) => r.ms),
        'zones, record read, create, two polls',
      ],
      ['wildcard host setup (once)', String(setup.calls), String(setup.writes), setup.ms, 'the *.shops record itself'],
    ],
  )
  console.log(`per-shop calls, last run: ${perShopTrace.join(' | ')}`)
  result('dns', {
    wildcard_calls: figure(wildcard, (r) => r.calls),
    wildcard_ms: figure(wildcard, (r) => r.ms),
    pershop_calls: figure(perShop, (r) => r.calls),
    pershop_ms: figure(perShop, (r) => r.ms),
  })
} finally {
  await client.close()
  await emulator.close()
}
