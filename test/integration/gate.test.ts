// The gate on the test bed, as host setup would install it: the built bundle in a gate folder with this machine's
// Node, a config for the test bed, a sales key in authorized_keys whose forced command is the gate. Then, over real
// sshd with that key: what a salesperson may do works, everything else is refused by sshd or the gate, every
// request leaves an audit line, and removing the key's line ends a followed log within a second.
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import ssh2 from 'ssh2'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { parseAuditLog } from '../../src/shared/gate-audit'
import { encodeGateRequest, GATE_VERSION, parseGateLine, type GateLine, type GateRequestInput } from '../../src/shared/gate-protocol'
import type { OperationSnapshot } from '../../src/shared/operations'
import type { ShopOverview, ShopSummary } from '../../src/shared/shops'
import { testbedBaseDir, testbedDocker } from '../support/testbed-dir'
import { forbiddenRequests, installTestGate, rawGateRequest, type TestGate } from './support/test-gate'

const info = inject('testbed')
const user = info.ssh.teamUser
const shop = `gate${process.pid}`
const { docker } = testbedDocker(info)

interface Answer {
  lines: GateLine[]
  /** Output that is not a line of the protocol (there should be none). */
  stray: string[]
  code: number | null
  ms: number
}

interface Channel {
  done: Promise<Answer>
  lines: GateLine[]
  close(): void
}

/** One request on its own channel of the open connection, its output as protocol lines. */
function exec(client: ssh2.Client, command: string): Channel {
  const lines: GateLine[] = []
  const stray: string[] = []
  let close = (): void => undefined
  const started = performance.now()
  const done = new Promise<Answer>((resolveAnswer, reject) => {
    client.exec(command, (error, stream) => {
      if (error) return reject(error)
      close = () => stream.close()
      let code: number | null = null
      let rest = ''
      stream.on('data', (chunk: Buffer) => {
        const text = rest + chunk.toString('utf8')
        const parts = text.split('\n')
        rest = parts.pop()!
        for (const part of parts) {
          const line = parseGateLine(part)
          if (line) lines.push(line)
          else stray.push(part)
        }
      })
      stream.stderr.on('data', (chunk: Buffer) => stray.push(`stderr: ${chunk.toString('utf8')}`))
      stream.on('exit', (status: number | null) => (code = status))
      stream.on('close', () => resolveAnswer({ lines, stray: rest ? [...stray, rest] : stray, code, ms: performance.now() - started }))
    })
  })
  return {
    done,
    lines,
    close: () => close(),
  }
}

const ask = (client: ssh2.Client, request: GateRequestInput | string): Promise<Answer> =>
  exec(client, typeof request === 'string' ? request : encodeGateRequest(request)).done
const raw = rawGateRequest
const resultOf = <T>(answer: Answer): T => {
  const last = answer.lines.at(-1)
  if (last?.type !== 'result') throw new Error(`no result: ${JSON.stringify(answer)}`)
  return last.value as T
}

function connect(privateKey: string): Promise<ssh2.Client> {
  return new Promise((resolveClient, reject) => {
    const client = new ssh2.Client()
    client.once('ready', () => resolveClient(client))
    client.once('error', reject)
    client.connect({ host: info.ssh.host, port: info.ssh.port, username: user, privateKey, readyTimeout: 10_000 })
  })
}

describe('the gate over real sshd with a sales key', () => {
  let gate: TestGate
  let fingerprint: string
  let baseDir: string
  let client: ssh2.Client
  /** Every request sent, by the op (or command word) the audit line should name. */
  const sent: string[] = []
  const send = async (request: GateRequestInput | string, op: string): Promise<Answer> => {
    sent.push(op)
    return ask(client, request)
  }
  const container = () => docker('ps', '-aq', '--filter', `label=com.docker.compose.project=${shop}`, '--filter', 'label=com.docker.compose.service=web')

  beforeAll(async () => {
    baseDir = testbedBaseDir(info, 'gate')
    // The installed template is the host's copy: a label only it has shows the shop's compose file came from it.
    gate = installTestGate(info, {
      baseDir,
      editTemplate: (_id, compose) => compose.replace('    init: true\n', '    init: true\n    labels:\n      shopmanager.installed: host-copy\n'),
    })
    fingerprint = gate.sales.fingerprint
    client = await connect(gate.sales.private)
  })

  afterAll(() => {
    client?.end()
    gate?.remove()
    const ids = docker('ps', '-aq', '--filter', `label=com.docker.compose.project=${shop}`).split('\n').filter(Boolean)
    if (ids.length) docker('rm', '-f', ...ids)
    for (const volume of docker('volume', 'ls', '-q', '--filter', `name=^${shop}_`).split('\n').filter(Boolean)) docker('volume', 'rm', '-f', volume)
    if (docker('network', 'ls', '-q', '--filter', `name=^${shop}_shop$`)) docker('network', 'rm', `${shop}_shop`)
    if (baseDir) rmSync(baseDir, { recursive: true, force: true })
  })

  it('hello answers the sales role, the key, the gate version and the installed templates', async () => {
    const answer = await send({ op: 'hello' }, 'hello')
    const again = await send({ op: 'hello' }, 'hello')
    console.log(`gate hello: ${answer.ms.toFixed(0)} ms, again ${again.ms.toFixed(0)} ms (one channel each, connection open)`)
    expect(answer).toMatchObject({ code: 0, stray: [] })
    const hello = resultOf<{ role: string; key: string; gateVersion: string; shopDomain: string; templates: Array<{ id: string }> }>(answer)
    expect(hello).toMatchObject({ role: 'sales', key: fingerprint, gateVersion: GATE_VERSION, shopDomain: 'shops.test', domainMode: 'wildcard' })
    expect(hello.templates.map((t) => t.id)).toEqual(['busybox'])
  })

  it('create makes a healthy shop from the host template, streaming its progress', async () => {
    const answer = await send({ op: 'create', name: shop, templateId: 'busybox', domain: `${shop}.shops.test`, params: { greeting: 'Moin' } }, 'create')
    expect(answer.stray).toEqual([])
    const final = resultOf<OperationSnapshot>(answer)
    expect(final, JSON.stringify(final.error)).toMatchObject({ kind: 'create', status: 'succeeded' })
    expect(answer.code).toBe(0)
    const steps = answer.lines
      .filter((l) => l.type === 'progress')
      .map((l) => (l as { operation: OperationSnapshot }).operation.steps.find((s) => s.status === 'running')?.id)
    expect(new Set(steps)).toEqual(new Set(['validate', 'pull', 'reserve', 'write', 'dns', 'start', 'health', undefined]))
    const compose = readFileSync(join(baseDir, shop, 'docker-compose.yml'), 'utf8')
    expect(compose).toContain('"shopmanager.installed": "host-copy"')
    expect(JSON.parse(readFileSync(join(baseDir, shop, 'shop.json'), 'utf8'))).toMatchObject({ createdBy: 'Bea Berger', template: 'busybox' })
  })

  it('list answers the shop, green', async () => {
    const answer = await send({ op: 'list' }, 'list')
    const again = await send({ op: 'list' }, 'list')
    console.log(`gate list: ${answer.ms.toFixed(0)} ms, again ${again.ms.toFixed(0)} ms (1 shop)`)
    expect(resultOf<ShopSummary[]>(answer).find((s) => s.name === shop)).toMatchObject({ light: 'green', containers: [{ service: 'web', state: 'running' }] })
  })

  it('restart and start run; logs come with the password masked; revealLogin shows it', async () => {
    const startedAt = () => docker('inspect', '-f', '{{.State.StartedAt}}', container())
    const before = startedAt()
    expect(await send({ op: 'restart', shop }, 'restart')).toMatchObject({ code: 0 })
    expect(startedAt()).not.toBe(before)
    expect(await send({ op: 'start', shop }, 'start')).toMatchObject({ code: 0 })

    const password = /SHOP_SECRET_ADMIN_PASSWORD=(\S+)/.exec(readFileSync(join(baseDir, shop, '.env'), 'utf8'))![1]!
    docker('exec', container(), 'sh', '-c', `echo "login admin/${password} ok" > /proc/1/fd/1`)
    const logs = await send({ op: 'logs', shop, tail: 50 }, 'logs')
    expect(JSON.stringify(logs.lines)).toContain('login admin/••• ok')
    expect(JSON.stringify(logs.lines)).not.toContain(password)

    expect(resultOf(await send({ op: 'revealLogin', shop, secretId: 'admin_password' }, 'revealLogin'))).toEqual({ password })
  })

  it('watch sends the overview and its changes: red when the shop stops, green when it is started', async () => {
    sent.push('watch')
    const watch = exec(client, encodeGateRequest({ op: 'watch' }))
    const light = () =>
      watch.lines
        .filter((l) => l.type === 'event')
        .map((l) => (l as { event: { overview: ShopOverview } }).event.overview.shops.find((s) => s.name === shop)?.light)
        .at(-1)
    await expect.poll(light, { timeout: 15_000, interval: 50 }).toBe('green')
    docker('stop', container())
    await expect.poll(light, { timeout: 15_000, interval: 50 }).toBe('red')
    expect(await send({ op: 'start', shop }, 'start')).toMatchObject({ code: 0 })
    await expect.poll(light, { timeout: 30_000, interval: 50 }).toBe('green')
    watch.close()
    await watch.done
  })

  it('refuses every admin op, a non-login secret and anything that is not the protocol; nothing changes', async () => {
    for (const op of ['stop', 'delete', 'backup', 'remove', 'update']) {
      const answer = await send(raw({ op, shop, confirm: shop }), op)
      expect(answer, op).toMatchObject({ code: 1, lines: [{ type: 'error', code: 'forbidden', say: { key: 'gateForbidden', values: { op } } }] })
    }
    const secret = await send(raw({ op: 'revealLogin', shop, secretId: 'db_password' }), 'revealLogin')
    expect(secret).toMatchObject({ code: 1, lines: [{ type: 'error', code: 'forbidden', say: { key: 'notLoginSecret' } }] })
    for (const [command, word] of [
      ['docker ps', 'docker'],
      [`sh -c 'docker rm -f ${shop}-web-1'`, 'sh'],
    ]) {
      expect(await send(command!, word!), command).toMatchObject({ code: 1, lines: [{ type: 'error', code: 'forbidden', say: { key: 'gateNotProtocol' } }] })
    }
    const hostile = await send(
      raw({ op: 'create', name: 'boese', templateId: 'busybox', domain: 'boese.shops.test`) || Host(`evil.test', params: {} }),
      'create',
    )
    expect(hostile).toMatchObject({ code: 1, lines: [{ type: 'error', code: 'invalid_input' }] })
    expect(existsSync(join(baseDir, 'boese'))).toBe(false)
    expect(docker('inspect', '-f', '{{.State.Running}}', container())).toBe('true')
  })

  it('sshd gives the key nothing else: a shell runs the gate (refused), no SFTP, no forwarding to the Docker socket or a port', async () => {
    sent.push('')
    const shell = await new Promise<string>((resolveShell, reject) =>
      client.shell(false, (error, stream) => {
        if (error) return reject(error)
        let out = ''
        stream.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')))
        stream.on('close', () => resolveShell(out))
        stream.end()
      }),
    )
    expect(parseGateLine(shell.trim()), shell).toMatchObject({ type: 'error', say: { key: 'gateNotProtocol' } })
    // The SFTP subsystem is the forced command too (asked as the test bed's internal-sftp): the gate refuses it.
    sent.push('internal-sftp')
    await expect(new Promise((ok, fail) => client.sftp((error, sftp) => (error ? fail(error) : ok(sftp))))).rejects.toThrow()
    await expect(
      new Promise((ok, fail) => client.openssh_forwardOutStreamLocal(info.dockerSocket, (error, s) => (error ? fail(error) : ok(s)))),
    ).rejects.toThrow()
    await expect(
      new Promise((ok, fail) => client.forwardOut('127.0.0.1', 0, info.ssh.host, info.ssh.port, (error, s) => (error ? fail(error) : ok(s)))),
    ).rejects.toThrow()
  })

  it('a burst of malformed and hostile requests: each refused with one error line, nothing on the host changes', async () => {
    const hostState = () => ({
      dirs: readdirSync(baseDir).sort(),
      containers: docker('ps', '-a', '--format', '{{.Names}} {{.State}}', '--filter', `label=com.docker.compose.project=${shop}`),
      volumes: docker('volume', 'ls', '-q', '--filter', `name=^${shop}`),
      compose: readFileSync(join(baseDir, shop, 'docker-compose.yml'), 'utf8'),
    })
    const before = hostState()
    const hostile = forbiddenRequests(shop)
    for (let i = 0; i < hostile.length; i += 4) {
      const answers = await Promise.all(hostile.slice(i, i + 4).map(([command, op]) => send(command, op)))
      answers.forEach((answer, j) => {
        const [command] = hostile[i + j]!
        expect(answer, command.slice(0, 120)).toMatchObject({ code: 1, stray: [], lines: [{ type: 'error' }] })
        expect(answer.lines).toHaveLength(1)
        expect(['forbidden', 'invalid_input']).toContain((answer.lines[0] as { code: string }).code)
      })
    }
    expect(hostState()).toEqual(before)
  })

  it('removing the key from authorized_keys ends a followed log within a second', async () => {
    sent.push('follow')
    const follow = exec(client, encodeGateRequest({ op: 'follow', shop, tail: 5 }))
    await expect.poll(() => follow.lines.some((l) => l.type === 'event'), { timeout: 10_000, interval: 50 }).toBe(true)
    const removedAt = performance.now()
    writeFileSync(gate.authorizedKeys, readFileSync(gate.authorizedKeys, 'utf8').replace(`${gate.salesLine}\n`, ''))
    const answer = await follow.done
    const ms = performance.now() - removedAt
    console.log(`gate revocation: the followed log ended ${ms.toFixed(0)} ms after the key's line was removed`)
    expect(ms).toBeLessThan(1000)
    expect(answer.lines.at(-1)).toMatchObject({ type: 'error', code: 'forbidden', say: { key: 'keyRevoked' } })
    expect(answer.code).toBe(1)
    await expect(connect(gate.sales.private)).rejects.toThrow()
  })

  it('the audit log has one line per request with the key, readable only by its owner', async () => {
    const log = gate.auditLog
    // The last gates write their line as they exit.
    await expect.poll(() => parseAuditLog(readFileSync(log, 'utf8')).length, { timeout: 5000, interval: 50 }).toBe(sent.length)
    const lines = parseAuditLog(readFileSync(log, 'utf8'))
    expect(lines.map((l) => l.op).sort()).toEqual([...sent].sort())
    expect(lines.every((l) => l.key === fingerprint && l.role === 'sales')).toBe(true)
    const creates = lines.filter((l) => l.op === 'create').map((l) => [l.shop, l.outcome, l.code])
    expect(creates).toContainEqual([shop, 'ok', null])
    expect(creates).toContainEqual(['boese', 'refused', 'invalid_input'])
    expect(creates.filter(([, outcome]) => outcome === 'ok')).toHaveLength(1)
    expect(lines.find((l) => l.op === 'stop')).toMatchObject({ shop, outcome: 'refused', code: 'forbidden' })
    expect(lines.find((l) => l.op === 'follow')).toMatchObject({ shop, outcome: 'refused', code: 'forbidden' })
    expect(statSync(log).mode & 0o777).toBe(0o600)
  })
})
