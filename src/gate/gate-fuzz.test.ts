// A bounded fuzz of the gate's request handling: 10,000 random and mutated requests within a fixed time never
// crash it (every one ends with exactly one result or error line, no internal error), a refused one never reaches
// the engine, and whatever reaches the engine names only valid shops and domains.
import { describe, expect, it } from 'vitest'
import { adminOnlyOps, GATE_COMMAND, gateOps, parseGateLine } from '@shared/gate-protocol'
import { isValidDomain, shopNameProblem } from '@shared/shop-rules'
import { gateBed } from './gate-bed'

/** mulberry32: a seeded generator, so a failing run can be run again as it was. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const hostileStrings = [
  "mue'ller",
  'traefik',
  '../../etc',
  'a.example.com`) || Host(`evil.com',
  'a.example.com\n    privileged: true',
  '$(touch /tmp/pwned)',
  '`id`',
  '',
  ' ',
  'Mueller',
  '42shop',
  'x'.repeat(3000),
  '\u0000',
  '😀',
  'mueller\n',
  '__proto__',
  'busybox; rm -rf /',
  '1.2.3.4',
  'mueller.shops.example',
  'admin_password',
  'db_password',
]
const hostileValues: unknown[] = [null, 0, -1, 1.5, 1e308, true, false, [], {}, { $ne: 1 }, ['de', 1], ['x'.repeat(300)], 'x'.repeat(20_000), ...hostileStrings]
const fields = [
  'op',
  'shop',
  'name',
  'source',
  'domain',
  'templateId',
  'params',
  'image',
  'description',
  'start',
  'service',
  'tail',
  'secretId',
  'compose',
  'confirm',
  'argv',
  '__proto__',
  'constructor',
]

const valid = (pick: <T>(list: readonly T[]) => T): Record<string, unknown> =>
  pick([
    { op: 'hello' },
    { op: 'list' },
    { op: 'watch' },
    { op: 'create', name: pick(['neu', 'zwei', 'drei']), templateId: 'busybox', domain: 'neu.shops.example', params: { greeting: 'Moin' } },
    { op: 'start', shop: 'mueller' },
    { op: 'restart', shop: 'mueller' },
    { op: 'logs', shop: 'mueller', tail: 5 },
    { op: 'follow', shop: 'mueller' },
    { op: 'clone', source: 'mueller', name: pick(['kopie', 'klon']), domain: 'kopie.shops.example' },
    { op: 'revealLogin', shop: 'mueller', secretId: 'admin_password' },
    { op: 'domainCheck', domain: 'shop.kunde.example' },
    { op: pick(adminOnlyOps), shop: 'mueller', confirm: 'mueller' },
  ])

function fuzzedCommand(next: () => number): string | undefined {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!
  const request = valid(pick)
  const mutations = Math.floor(next() * 4)
  for (let i = 0; i < mutations; i++) {
    const field = pick(fields)
    const kind = next()
    if (kind < 0.4) request[field] = pick(hostileValues)
    else if (kind < 0.6) delete request[pick(Object.keys(request))]
    else if (kind < 0.75) request['op'] = pick([...gateOps, ...adminOnlyOps, 'exec', 'shell', '', 'HELLO', 'hello '])
    else if (kind < 0.85 && typeof request['params'] === 'object')
      (request['params'] as Record<string, unknown>)[pick(['greeting', 'languages', 'privileged'])] = pick(hostileValues)
    else request[`${field}${i}`] = pick(hostileValues)
  }
  let json = JSON.stringify(request)
  if (next() < 0.05) json = json.replace('{', '{"__proto__":{"op":"stop","isAdmin":true},')
  let payload = Buffer.from(json).toString('base64url')
  const shape = next()
  if (shape < 0.05) payload = payload.slice(0, Math.floor(next() * payload.length))
  else if (shape < 0.1) {
    const at = Math.floor(next() * payload.length)
    payload = `${payload.slice(0, at)}${pick(['*', '=', ' ', '\n', 'A', '%', '+'])}${payload.slice(at + 1)}`
  } else if (shape < 0.13) payload = Buffer.from(Array.from({ length: Math.floor(next() * 200) }, () => Math.floor(next() * 256))).toString('base64url')
  const word = next() < 0.93 ? GATE_COMMAND : pick(['docker ps', 'sh -c id', 'sh', '', 'scp -t .', 'shopmgr-gate-v2', 'internal-sftp', undefined])
  if (word === undefined) return undefined
  return word === GATE_COMMAND ? `${word} ${payload}` : word
}

interface EngineCall {
  method: string
  args: unknown[]
}

/** Records every call the request handling makes of the fake engine's runtime and store. */
function spyOn(target: object, into: EngineCall[], prefix: string): void {
  for (const method of Object.getOwnPropertyNames(Object.getPrototypeOf(target))) {
    const original = (target as Record<string, unknown>)[method]
    if (method === 'constructor' || typeof original !== 'function') continue
    ;(target as Record<string, unknown>)[method] = (...args: unknown[]) => {
      into.push({ method: `${prefix}.${method}`, args })
      return (original as (...a: unknown[]) => unknown).apply(target, args)
    }
  }
}

/** The shop a call names, where its signature has one. */
function shopOf(call: EngineCall): string | null {
  const [first] = call.args
  if (call.method === 'runtime.apply' || call.method === 'runtime.control') return (first as { name: string }).name
  if (/^store\.(dir|reserve|read|presence|secrets|withLock|recordFailure|clearFailure)$/.test(call.method)) return first as string
  if (/^runtime\.(logs|followLogs|waitHealthy|freeze|shopVolumes)$/.test(call.method)) return first as string
  if (call.method === 'runtime.createVolume') return call.args[1] as string
  return null
}

describe('gate fuzz', () => {
  it('10,000 random and mutated requests: no crash, refused ones never reach the engine, nothing invalid does', { timeout: 120_000 }, async () => {
    const bed = gateBed({ keyCheckMs: 1000 })
    await bed.life.plantShop('mueller')
    bed.life.host.runtime.print('mueller', 'web', 'hello')
    // Streams end at once: the channel is closed before the first request.
    bed.close()
    const calls: EngineCall[] = []
    spyOn(bed.life.host.runtime, calls, 'runtime')
    spyOn(bed.life.host.store, calls, 'store')
    const next = random(20261203)
    const started = Date.now()
    const tally = { ok: 0, refused: 0, failed: 0 }
    for (let i = 0; i < 10_000; i++) {
      const command = fuzzedCommand(next)
      bed.lines.length = 0
      const before = calls.length
      const outcome = await bed.send(command)
      tally[outcome.outcome]++
      const context = `request ${i}: ${JSON.stringify(command)?.slice(0, 300)} → ${JSON.stringify(outcome)}`
      expect(outcome.exitCode, context).toBe(outcome.outcome === 'ok' ? 0 : 1)
      expect(outcome.code, context).not.toBe('internal')
      // Every line is a line of the protocol, and the last one (only that one) says how it ended.
      const parsed = bed.lines.map((line) => parseGateLine(JSON.stringify(line)))
      expect(parsed.every(Boolean), context).toBe(true)
      expect(parsed.filter((l) => l!.type === 'result' || l!.type === 'error').length, context).toBe(1)
      expect(['result', 'error'], context).toContain(parsed.at(-1)!.type)
      const made = calls.slice(before)
      const error = parsed.at(-1)!.type === 'error' ? (parsed.at(-1) as { say?: { key: string } }) : null
      if (error && ['gateBadRequest', 'gateForbidden', 'gateUnknownOp', 'gateNotProtocol'].includes(error.say?.key ?? '')) {
        expect(made, context).toEqual([])
      }
      for (const call of made) {
        const shop = shopOf(call)
        if (shop !== null) expect(shopNameProblem(shop), `${context}: ${call.method}(${shop})`).toBeNull()
        if (call.method === 'store.writeFiles') {
          const compose = (call.args[1] as Array<{ path: string; content: string }>).find((f) => f.path === 'docker-compose.yml')
          for (const [, domain] of compose?.content.matchAll(/Host\(`([^`]*)`\)/g) ?? []) expect(isValidDomain(domain!), context).toBe(true)
          expect(compose?.content ?? '', context).not.toMatch(/privileged/)
        }
      }
    }
    const seconds = (Date.now() - started) / 1000
    console.log(`gate fuzz: 10000 requests in ${seconds.toFixed(1)} s — ok ${tally.ok}, refused ${tally.refused}, failed ${tally.failed}`)
    expect(seconds).toBeLessThan(60)
    expect(tally.refused).toBeGreaterThan(5000)
    expect(tally.ok).toBeGreaterThan(100)
    // Only start and restart were ever asked of the containers: no stop, remove or delete got through.
    expect(new Set(bed.life.host.runtime.actions.map((a) => a.action))).toEqual(new Set(['start', 'restart']))
  })
})
