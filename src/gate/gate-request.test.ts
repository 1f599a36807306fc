import { describe, expect, it } from 'vitest'
import { adminOnlyOps, GATE_COMMAND, GATE_VERSION } from '@shared/gate-protocol'
import type { OperationSnapshot } from '@shared/operations'
import type { ShopOverview, ShopSummary } from '@shared/shops'
import { MASK } from '../main/shops/secret-mask'
import { gateBed, SALES_KEY } from './gate-bed'

const raw = (json: unknown): string => `${GATE_COMMAND} ${Buffer.from(JSON.stringify(json)).toString('base64url')}`
const until = async (check: () => boolean, ms = 2000): Promise<void> => {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 5))
  }
}

describe('gate: the requests a sales key may make', () => {
  it('hello answers role, key, version, host facts and the installed templates', async () => {
    const bed = gateBed()
    expect(await bed.send({ op: 'hello' })).toMatchObject({ exitCode: 0, op: 'hello', outcome: 'ok' })
    const result = bed.lines.at(-1)
    expect(result).toMatchObject({
      type: 'result',
      value: { role: 'sales', key: SALES_KEY, gateVersion: GATE_VERSION, shopDomain: 'shops.example', domainMode: 'wildcard' },
    })
    expect((result as { value: { templates: Array<{ id: string }> } }).value.templates.map((t) => t.id)).toContain('busybox')
  })

  it('list answers the shops with their containers', async () => {
    const bed = gateBed()
    await bed.life.plantShop('mueller')
    await bed.send({ op: 'list' })
    const shops = (bed.lines.at(-1) as { value: ShopSummary[] }).value
    expect(shops).toMatchObject([{ name: 'mueller', light: 'green', containers: [{ service: 'web', state: 'running' }] }])
  })

  it('start and restart run on the host; the shop is locked by the key person', async () => {
    const bed = gateBed()
    await bed.life.plantShop('mueller')
    expect(await bed.send({ op: 'restart', shop: 'mueller' })).toMatchObject({ exitCode: 0, shop: 'mueller', outcome: 'ok' })
    expect(await bed.send({ op: 'start', shop: 'mueller' })).toMatchObject({ exitCode: 0 })
    expect(bed.life.host.runtime.actions).toEqual([
      { shop: 'mueller', action: 'restart' },
      { shop: 'mueller', action: 'start' },
    ])
  })

  it('logs come masked: the shop password never leaves the host', async () => {
    const bed = gateBed()
    const record = await bed.life.plantShop('mueller')
    const password = record.secrets['admin_password']!
    bed.life.host.runtime.print('mueller', 'web', `admin password is ${password}`)
    await bed.send({ op: 'logs', shop: 'mueller', tail: 10 })
    const text = JSON.stringify(bed.lines)
    expect(text).not.toContain(password)
    expect(text).toContain(`admin password is ${MASK}`)
  })

  it('revealLogin shows the login password and refuses any other secret', async () => {
    const bed = gateBed()
    const record = await bed.life.plantShop('shopx', { template: 'prestashop' })
    const login = await bed.send({ op: 'revealLogin', shop: 'shopx', secretId: 'admin_password' })
    expect(login.exitCode).toBe(0)
    expect(bed.lines.at(-1)).toEqual({ type: 'result', value: { password: record.secrets['admin_password'] } })
    const other = Object.keys(record.secrets).find((id) => id !== 'admin_password')!
    expect(await bed.send({ op: 'revealLogin', shop: 'shopx', secretId: other })).toMatchObject({ exitCode: 1, outcome: 'refused', code: 'forbidden' })
    expect(bed.lines.at(-1)).toMatchObject({ type: 'error', code: 'forbidden', say: { key: 'notLoginSecret' } })
    expect(JSON.stringify(bed.lines.at(-1))).not.toContain(record.secrets[other]!)
  })

  it("create streams the operation's progress and ends with its result; the compose file is the host template's", async () => {
    const bed = gateBed()
    const outcome = await bed.send({ op: 'create', name: 'neu', templateId: 'busybox', domain: 'neu.shops.example', params: { greeting: 'Moin' } })
    expect(outcome).toMatchObject({ exitCode: 0, op: 'create', shop: 'neu', outcome: 'ok' })
    expect(bed.lines.filter((l) => l.type === 'progress').length).toBeGreaterThan(5)
    const final = (bed.lines.at(-1) as { type: 'result'; value: OperationSnapshot }).value
    expect(final).toMatchObject({ kind: 'create', status: 'succeeded', result: { url: 'https://neu.shops.example' } })
    const record = await bed.life.host.store.read('neu')
    expect(record.metadata).toMatchObject({ template: 'busybox', createdBy: 'Bea Berger', params: { greeting: 'Moin' } })
    expect(record.compose).toContain('shopmgr/busybox')
  })

  it('create refuses parameters the installed template does not allow, before anything is made', async () => {
    const bed = gateBed()
    const outcome = await bed.send({
      op: 'create',
      name: 'neu',
      templateId: 'busybox',
      domain: 'neu.shops.example',
      params: { greeting: 'Hallo\nX=1', privileged: true },
    })
    expect(outcome).toMatchObject({ exitCode: 1, outcome: 'refused', code: 'invalid_input' })
    expect(bed.lines).toHaveLength(1)
    expect(bed.life.host.store.exists(bed.life.host.store.dir('neu'))).toBe(false)
  })

  it('create from a template that is not installed on the host says so', async () => {
    const bed = gateBed()
    expect(await bed.send({ op: 'create', name: 'neu', templateId: 'nichtda', domain: 'neu.shops.example', params: {} })).toMatchObject({
      exitCode: 1,
      code: 'not_found',
    })
    expect(bed.lines.at(-1)).toMatchObject({ type: 'error', say: { key: 'gateTemplateMissing', values: { template: 'nichtda' } } })
  })

  it('clone makes a new shop from a running one', async () => {
    const bed = gateBed()
    await bed.life.plantShop('vorlage')
    const outcome = await bed.send({ op: 'clone', source: 'vorlage', name: 'kopie', domain: 'kopie.shops.example' })
    expect(outcome).toMatchObject({ exitCode: 0, shop: 'kopie' })
    expect((await bed.life.host.store.read('kopie')).metadata).toMatchObject({ clonedFrom: 'vorlage' })
  })

  it('domainCheck checks the name it is given', async () => {
    const bed = gateBed()
    await bed.send({ op: 'domainCheck', domain: 'shop.kunde.example' })
    expect(bed.lines.at(-1)).toMatchObject({ type: 'result', value: { domain: 'shop.kunde.example', verdict: 'ok' } })
  })
})

describe('gate: streams', () => {
  it('watch sends the overview and every change until the channel closes', async () => {
    const bed = gateBed()
    await bed.life.plantShop('mueller')
    const running = bed.send({ op: 'watch' })
    const overviews = () => bed.lines.filter((l) => l.type === 'event').map((l) => (l.event as { overview: ShopOverview }).overview)
    await until(() => overviews().length >= 1)
    expect(overviews()[0]!.shops.map((s) => [s.name, s.light])).toEqual([['mueller', 'green']])
    bed.life.host.runtime.setHealth('mueller', 'web', 'unhealthy')
    await until(() => overviews().at(-1)!.shops[0]!.light === 'red')
    bed.close()
    expect(await running).toMatchObject({ exitCode: 0, op: 'watch', outcome: 'ok' })
  })

  it('a refresh line on the open watch is answered with a full read and its number; other lines are ignored', async () => {
    const bed = gateBed()
    await bed.life.plantShop('mueller')
    const running = bed.send({ op: 'watch' })
    const events = () => bed.lines.filter((l) => l.type === 'event').map((l) => l.event as { overview: ShopOverview; refresh?: number })
    await until(() => events().length >= 1)
    await bed.life.plantShop('schmidt')
    bed.input('refresh 0')
    bed.input('rm -rf /')
    bed.input('refresh 7')
    await until(() => events().some((e) => e.refresh !== undefined))
    const answers = events().filter((e) => e.refresh !== undefined)
    expect(answers.map((e) => [e.refresh, e.overview.shops.map((s) => s.name)])).toEqual([[7, ['mueller', 'schmidt']]])
    bed.close()
    expect(await running).toMatchObject({ exitCode: 0, outcome: 'ok' })
  })

  it('a client that piles up refreshes is cut off', async () => {
    const bed = gateBed()
    const running = bed.send({ op: 'watch' })
    await until(() => bed.lines.length >= 1)
    for (let n = 1; n <= 50; n++) bed.input(`refresh ${n}`)
    expect(await running).toMatchObject({ exitCode: 1, outcome: 'refused', code: 'invalid_input' })
  })

  it('follow streams new log lines, masked, and a revoked key ends it with keyRevoked', async () => {
    const bed = gateBed({ keyCheckMs: 20 })
    const record = await bed.life.plantShop('mueller')
    const running = bed.send({ op: 'follow', shop: 'mueller', tail: 10 })
    await until(() => bed.life.host.runtime['followers'].size > 0)
    bed.life.host.runtime.print('mueller', 'web', `login ${record.secrets['admin_password']}`)
    await until(() => bed.lines.some((l) => l.type === 'event'))
    expect(JSON.stringify(bed.lines)).toContain(`login ${MASK}`)
    const revokedAt = Date.now()
    bed.enrolled = false
    expect(await running).toMatchObject({ exitCode: 1, outcome: 'refused', code: 'forbidden' })
    expect(Date.now() - revokedAt).toBeLessThan(500)
    expect(bed.lines.at(-1)).toMatchObject({ type: 'error', say: { key: 'keyRevoked' } })
    // The follow was stopped on the host, not left running.
    expect([...bed.life.host.runtime['followers'].values()].every((sinks) => sinks.size === 0)).toBe(true)
  })

  it('a revoked key is refused before anything runs', async () => {
    const bed = gateBed()
    bed.enrolled = false
    expect(await bed.send({ op: 'list' })).toMatchObject({ exitCode: 1, outcome: 'refused' })
    expect(bed.lines).toEqual([expect.objectContaining({ type: 'error', say: { key: 'keyRevoked' } })])
  })
})

describe('gate: everything else is refused', () => {
  it.each(adminOnlyOps.map((op) => [op]))('%s (an admin op) is forbidden and nothing changes', async (op) => {
    const bed = gateBed()
    await bed.life.plantShop('mueller')
    const outcome = await bed.send(raw({ op, shop: 'mueller', confirm: 'mueller' }))
    expect(outcome).toMatchObject({ exitCode: 1, op, outcome: 'refused', code: 'forbidden' })
    expect(bed.lines).toEqual([expect.objectContaining({ type: 'error', code: 'forbidden', say: { key: 'gateForbidden', values: { op } } })])
    expect(bed.life.host.runtime.actions).toEqual([])
    expect(bed.life.host.runtime.containersOf('mueller')[0]).toMatchObject({ state: 'running' })
  })

  it.each([
    ['an interactive shell (no command)', undefined],
    ['an empty command', ''],
    ['docker ps', 'docker ps'],
    ['sh -c', 'sh -c "docker rm -f mueller-web-1"'],
    ['scp', 'scp -t /tmp'],
    ['the protocol word alone', GATE_COMMAND],
    ['another protocol version', `shopmgr-gate-v2 ${Buffer.from('{"op":"hello"}').toString('base64url')}`],
    ['a request after a newline', `true\n${raw({ op: 'hello' })}`],
  ])('%s is not the protocol', async (_label, command) => {
    const bed = gateBed()
    expect(await bed.send(command)).toMatchObject({ exitCode: 1, outcome: 'refused', code: 'forbidden' })
    expect(bed.lines).toEqual([expect.objectContaining({ type: 'error', say: { key: 'gateNotProtocol' } })])
  })

  it('an unknown op is refused as unknown', async () => {
    const bed = gateBed()
    expect(await bed.send(raw({ op: 'exec', argv: ['id'] }))).toMatchObject({ outcome: 'refused', op: 'exec' })
    expect(bed.lines[0]).toMatchObject({ say: { key: 'gateUnknownOp', values: { op: 'exec' } } })
  })

  it.each([
    ['bad base64', `${GATE_COMMAND} ***`],
    ['base64 of no JSON', `${GATE_COMMAND} ${Buffer.from('{op:hello').toString('base64url')}`],
    ['JSON that is no object', raw(['hello'])],
    ['no op', raw({ shop: 'mueller' })],
    ['a wrong type', raw({ op: 'logs', shop: 'mueller', tail: '500' })],
    ['an extra field', raw({ op: 'start', shop: 'mueller', compose: 'services: {}' })],
    ['compose content with create', raw({ op: 'create', name: 'neu', templateId: 'busybox', domain: 'neu.shops.example', compose: 'x' })],
    ['a huge request', raw({ op: 'hello', pad: 'x'.repeat(20_000) })],
    ['invalid UTF-8', `${GATE_COMMAND} ${Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('base64url')}`],
  ])('%s is malformed', async (_label, command) => {
    const bed = gateBed()
    expect(await bed.send(command)).toMatchObject({ exitCode: 1, outcome: 'refused', code: 'invalid_input' })
    expect(bed.lines).toEqual([expect.objectContaining({ type: 'error', code: 'invalid_input', say: expect.objectContaining({ key: 'gateBadRequest' }) })])
  })
})
