// Host setup's part for the gate, on the test bed: Node copied out of an image on the host (the test bed's image
// holds this machine's node, no public registry here), a version of the gate's bundle with its wrapper and config, a
// newer version beside the previous one, and the bundled templates; a second plan with nothing changed is
// empty. The bundle is a stand-in that answers like the gate (the gate is another module): through the wrapper,
// and through a sales key's forced command, it must be what answers.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import ssh2 from 'ssh2'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { openHostSession, type HostSession } from '../../src/main/host/host-session'
import { readGateBundle } from '../../src/main/host-setup/gate-bundle'
import { applyGate, planGate } from '../../src/main/host-setup/gate-install'
import { applyTemplates, planTemplates, templateFolder, type TemplateFolder } from '../../src/main/host-setup/template-install'
import { fingerprintOf } from '../../src/main/team/authorized-keys'
import { generateEd25519 } from '../../src/main/team/key-pair'
import { addTeamKey } from '../../src/main/team/team-keys'
import { loadTemplates } from '../../src/main/templates/template-loader'
import { testbedDocker } from '../support/testbed-dir'
import { key, testbedProfile } from './support/hosts'

const info = inject('testbed')
const user = info.ssh.teamUser
const home = `/home/${user}`
const gateDir = join(home, '.shopmanager', 'gate')
const templatesDir = join(home, '.shopmanager', 'templates')
const adminKey = key(info.ssh.keys.ed25519)
const bundled = resolve(import.meta.dirname, '../../templates')
const docker = (...args: string[]) => execFileSync('docker', args, { env: testbedDocker(info).env, encoding: 'utf8' }).trim()

describe('host setup installs the gate and the templates', () => {
  let session: HostSession
  let work: string
  const bundle = async (version: string) => {
    const file = join(work, `gate-${version}.mjs`)
    // Answers every call as the gate answers its version, with the arguments it was given.
    writeFileSync(
      file,
      `process.stdout.write(JSON.stringify({ type: 'result', value: { version: ${JSON.stringify(version)}, argv: process.argv.slice(2) } }) + '\\n')\n`,
    )
    return readGateBundle(file)
  }
  const gateAnswer = async (args: string[]) => {
    const ran = await session.exec([join(gateDir, 'shopmgr-gate'), ...args], { timeoutMs: 20_000 })
    expect(ran.code, ran.stderr).toBe(0)
    return JSON.parse(ran.stdout) as { type: string; value: { version: string; argv: string[] } }
  }

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'gate-setup-'))
    rmSync(join(home, '.shopmanager'), { recursive: true, force: true })
    mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 })
    writeFileSync(join(home, '.ssh', 'authorized_keys'), readFileSync(`${info.ssh.keys.ed25519}.pub`, 'utf8'), { mode: 0o600 })
    execFileSync('chown', ['-R', `${user}:`, join(home, '.ssh')])
    session = openHostSession(testbedProfile(info, { id: 'gate-setup', user, baseDir: join(home, 'shops') }), { privateKey: adminKey })
  })
  afterAll(() => {
    session?.close()
    rmSync(join(home, '.shopmanager'), { recursive: true, force: true })
    rmSync(join(home, '.ssh'), { recursive: true, force: true })
    rmSync(work, { recursive: true, force: true })
  })

  it('plans the runtime and gate version 1.0.0 on a host without them, and changes nothing yet', async () => {
    const plan = await planGate(session, home, await bundle('1.0.0'), info.gateNodeImage)
    expect(plan.changes).toEqual([
      { kind: 'gate-runtime', target: join(gateDir, 'node'), action: 'create', detail: info.gateNodeImage },
      expect.objectContaining({ kind: 'gate', target: join(gateDir, 'versions', '1.0.0'), action: 'create', detail: '1.0.0' }),
    ])
    expect(plan.changes[1]!.diff).toContain('+  "templatesDir": ')
    expect(existsSync(gateDir)).toBe(false)
  })

  it('applies: Node from the image (no container left), the bundle, the wrapper, config.json; the wrapper runs it', async () => {
    const before = docker('ps', '-aq', '--filter', `ancestor=${info.gateNodeImage}`)
    const plan = await planGate(session, home, await bundle('1.0.0'), info.gateNodeImage)
    expect((await applyGate(session, plan)).map((c) => c.kind)).toEqual(['gate-runtime', 'gate'])
    expect(docker('ps', '-aq', '--filter', `ancestor=${info.gateNodeImage}`)).toBe(before)
    expect(execFileSync(join(gateDir, 'node'), ['--version'], { encoding: 'utf8' }).trim()).toBe(process.version)
    expect(readlinkSync(join(gateDir, 'current'))).toBe('versions/1.0.0')
    expect(readFileSync(join(gateDir, 'versions', '1.0.0', 'shopmgr-gate.mjs'), 'utf8')).toBe((await bundle('1.0.0')).code)
    expect(statSync(join(gateDir, 'shopmgr-gate')).mode & 0o777).toBe(0o755)
    expect(JSON.parse(readFileSync(join(gateDir, 'config.json'), 'utf8'))).toEqual({
      baseDir: join(home, 'shops'),
      dockerSocket: info.dockerSocket,
      shopDomain: null,
      domainMode: 'external',
      templatesDir,
      auditLog: join(gateDir, 'audit.log'),
      authorizedKeys: join(home, '.ssh', 'authorized_keys'),
    })
    expect(await gateAnswer(['--version'])).toEqual({ type: 'result', value: { version: '1.0.0', argv: ['--version'] } })
  })

  it('a second plan with nothing changed has no change', async () => {
    expect((await planGate(session, home, await bundle('1.0.0'), info.gateNodeImage)).changes).toEqual([])
  })

  it('a newer version is one gate change; it goes beside the previous, which stays until the next', async () => {
    const plan = await planGate(session, home, await bundle('1.1.0'), info.gateNodeImage)
    expect(plan.changes).toEqual([{ kind: 'gate', target: join(gateDir, 'versions', '1.1.0'), action: 'update', detail: '1.1.0' }])
    await applyGate(session, plan)
    expect(readlinkSync(join(gateDir, 'current'))).toBe('versions/1.1.0')
    expect(readdirSync(join(gateDir, 'versions')).sort()).toEqual(['1.0.0', '1.1.0'])
    expect((await gateAnswer([])).value.version).toBe('1.1.0')
    await applyGate(session, await planGate(session, home, await bundle('1.2.0'), info.gateNodeImage))
    expect(readdirSync(join(gateDir, 'versions')).sort()).toEqual(['1.1.0', '1.2.0'])
    expect((await gateAnswer([])).value.version).toBe('1.2.0')
  })

  it('a setting for another Node major plans the runtime again', async () => {
    const plan = await planGate(session, home, await bundle('1.2.0'), 'node:22-bookworm-slim')
    expect(plan.changes).toEqual([{ kind: 'gate-runtime', target: join(gateDir, 'node'), action: 'update', detail: 'node:22-bookworm-slim' }])
  })

  it('a sales key enrolled by Team reaches the installed gate through its forced command, with role and key fixed', async () => {
    const sales = generateEd25519('Gina Gate [sales] shop-manager')
    await addTeamKey(session, sales.public, 'sales')
    // A plain exec channel, as the gate's clients open one (the app's exec reads a pid line first).
    const client = new ssh2.Client()
    await new Promise<void>((ready, fail) => {
      client.once('ready', () => ready())
      client.once('error', fail)
      client.connect({ host: info.ssh.host, port: info.ssh.port, username: user, privateKey: sales.private, readyTimeout: 10_000 })
    })
    try {
      const stdout = await new Promise<string>((done, fail) =>
        client.exec('docker ps', (error, channel) => {
          if (error) return fail(error)
          let out = ''
          channel.on('data', (chunk: Buffer) => (out += chunk.toString()))
          channel.stderr.resume()
          channel.on('close', () => done(out))
        }),
      )
      expect(JSON.parse(stdout)).toEqual({
        type: 'result',
        value: { version: '1.2.0', argv: ['--role=sales', `--key=${fingerprintOf(sales.public.split(' ')[1]!)}`] },
      })
    } finally {
      client.end()
    }
  })

  it('installs the bundled templates where the loader reads them; again: no change; a changed one is replaced whole', async () => {
    const folders: TemplateFolder[] = await Promise.all((await loadTemplates(bundled, 'bundled')).templates.map(templateFolder))
    const plan = await planTemplates(session, home, folders)
    expect(plan.changes.map((c) => [c.action, c.detail])).toEqual([
      ['create', 'b2xproc'],
      ['create', 'busybox'],
      ['create', 'odoo'],
      ['create', 'prestashop'],
      ['create', 'woocommerce'],
    ])
    await applyTemplates(session, plan)
    const installed = await loadTemplates(templatesDir, 'custom')
    expect(installed.problems).toEqual([])
    expect(installed.templates.map((t) => t.id)).toEqual(['b2xproc', 'busybox', 'odoo', 'prestashop', 'woocommerce'])
    expect(readFileSync(join(templatesDir, 'b2xproc', 'nginx-conf.d', 'default.conf'), 'utf8')).toBe(
      readFileSync(join(bundled, 'b2xproc', 'nginx-conf.d', 'default.conf'), 'utf8'),
    )
    expect((await planTemplates(session, home, folders)).changes).toEqual([])
    // A file left in an installed folder, and a newer busybox: both are updates, and the leftover goes.
    writeFileSync(join(templatesDir, 'prestashop', 'stale.txt'), 'old')
    const busybox = folders.find((f) => f.id === 'busybox')!
    const newer = { ...busybox, files: { ...busybox.files, 'template.yaml': `${busybox.files['template.yaml']}# newer\n` } }
    const next = await planTemplates(session, home, [newer, folders.find((f) => f.id === 'prestashop')!])
    expect(next.changes.map((c) => [c.action, c.detail])).toEqual([
      ['update', 'busybox'],
      ['update', 'prestashop'],
    ])
    await applyTemplates(session, next)
    expect(readFileSync(join(templatesDir, 'busybox', 'template.yaml'), 'utf8')).toContain('# newer')
    expect(existsSync(join(templatesDir, 'prestashop', 'stale.txt'))).toBe(false)
    expect(readdirSync(templatesDir).sort()).toEqual(['b2xproc', 'busybox', 'odoo', 'prestashop', 'woocommerce'])
  })
})
