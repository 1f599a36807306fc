// A salesperson's laptop through the gate, as the app runs it: host setup's gate part installs the real bundle and
// the bundled templates on the test bed's team login, Team enrols the laptop's identity as sales, and the laptop's
// own services (dispatcher, engine pool, lifecycle) do the rest over real sshd. The role is what the host answers,
// not the profile's: a profile whose stored role says admin still cannot stop a shop, and a forged stop request
// sent straight to the host is refused there.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parse } from 'yaml'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Envelope } from '../../src/shared/errors'
import { parseAuditLog } from '../../src/shared/gate-audit'
import type { HostProfile, ProbeResult } from '../../src/shared/hosts'
import type { OperationSnapshot } from '../../src/shared/operations'
import type { LogLine, ShopOverview } from '../../src/shared/shops'
import { createAppDispatch } from '../../src/main/services'
import { gateClient } from '../../src/main/engine/gate/gate-engine'
import { openHostSession, type HostSession } from '../../src/main/host/host-session'
import { readGateBundle } from '../../src/main/host-setup/gate-bundle'
import { applyGate, planGate } from '../../src/main/host-setup/gate-install'
import { applyTemplates, planTemplates, templateFolder } from '../../src/main/host-setup/template-install'
import { readShopAudit } from '../../src/main/team/shop-audit'
import { addTeamKey } from '../../src/main/team/team-keys'
import { loadTemplates } from '../../src/main/templates/template-loader'
import { testbedDocker } from '../support/testbed-dir'
import { appServices } from './support/app-services'
import { key, testbedProfile } from './support/hosts'

const info = inject('testbed')
const root = resolve(import.meta.dirname, '../..')
const user = info.ssh.teamUser
const home = `/home/${user}`
const baseDir = join(home, 'shops')
const shop = `verkauf${process.pid % 10000}`
const copy = `kopie${process.pid % 10000}`
const { docker } = testbedDocker(info)

const value = <T>(envelope: Envelope<unknown>): T => {
  if (!envelope.ok) throw new Error(`refused: ${JSON.stringify(envelope.error)}`)
  return envelope.value as T
}

describe('a sales laptop through the gate, with the app’s own services', () => {
  const laptop = appServices(info, 'sales-gate')
  const asSales = createAppDispatch(laptop.services)
  let admin: HostSession
  let hostId = ''
  let fingerprint = ''
  const overviews: ShopOverview[] = []
  const finished = async (snapshot: OperationSnapshot, timeoutMs = 120_000): Promise<OperationSnapshot> => {
    const until = Date.now() + timeoutMs
    for (;;) {
      const now = laptop.services.operations.get(snapshot.id)!
      if (now.status !== 'running') return now
      if (Date.now() > until) throw new Error(`still running: ${JSON.stringify(now.steps)}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  const light = (name: string): string | undefined => overviews.at(-1)?.shops.find((s) => s.name === name)?.light

  beforeAll(async () => {
    execFileSync('npm', ['run', '-s', 'build:gate'], { cwd: root, stdio: 'inherit' })
    rmSync(join(home, '.shopmanager'), { recursive: true, force: true })
    mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 })
    mkdirSync(baseDir, { recursive: true })
    writeFileSync(join(home, '.ssh', 'authorized_keys'), readFileSync(`${info.ssh.keys.ed25519}.pub`, 'utf8'), { mode: 0o600 })
    execFileSync('chown', ['-R', `${user}:`, join(home, '.ssh'), baseDir])
    // The admin's part, as host setup and Team do it.
    const profile = testbedProfile(info, { id: 'sales-gate-admin', user, baseDir, shopDomain: 'shops.test', domainMode: 'wildcard' })
    admin = openHostSession(profile, { privateKey: key(info.ssh.keys.ed25519) })
    await applyGate(admin, await planGate(admin, home, await readGateBundle(join(root, 'out/gate/shopmgr-gate.mjs')), info.gateNodeImage, info.image))
    const bundled = await loadTemplates(join(root, 'templates'), 'bundled')
    await applyTemplates(admin, await planTemplates(admin, home, await Promise.all(bundled.templates.map(templateFolder))))
    const identity = await laptop.services.identity.generate('Sina Sales', 'sales')
    fingerprint = identity.fingerprint
    await addTeamKey(admin, identity.publicKey, 'sales')
    // The laptop's profile, its stored role "admin" on purpose: only the host's answer may count.
    const saved = await laptop.services.hosts.save({
      name: 'Vertrieb',
      address: info.ssh.host,
      port: info.ssh.port,
      user,
      auth: { kind: 'identity' },
      dockerSocket: info.dockerSocket,
      baseDir,
      role: 'admin',
      shopDomain: 'shops.test',
      domainMode: 'wildcard',
    })
    laptop.services.hosts.trust(saved.id, info.ssh.hostKeyFingerprint)
    hostId = saved.id
    laptop.services.events.on('shops:overview', (o) => void (o.hostId === hostId && overviews.push(o)))
  }, 180_000)
  afterAll(async () => {
    await laptop.close()
    for (const name of [shop, copy]) {
      const ids = docker('ps', '-aq', '--filter', `label=com.docker.compose.project=${name}`)
      if (ids) docker('rm', '-f', ...ids.split('\n'))
      for (const volume of docker('volume', 'ls', '-q', '--filter', `label=com.docker.compose.project=${name}`).split('\n').filter(Boolean))
        docker('volume', 'rm', '-f', volume)
    }
    admin?.close()
    rmSync(join(home, '.shopmanager'), { recursive: true, force: true })
    rmSync(join(home, '.ssh'), { recursive: true, force: true })
    rmSync(baseDir, { recursive: true, force: true })
  })

  it('connects: the host says sales, the profile follows, and the probe is the gate’s', async () => {
    const probe = value<ProbeResult>(await asSales('hosts:test', { hostId }))
    expect(probe.checks).toEqual([expect.objectContaining({ id: 'gate', ok: true, code: 'gate.sales' })])
    expect(value<HostProfile[]>(await asSales('hosts:list', undefined)).find((h) => h.id === hostId)?.role).toBe('sales')
  })

  it('creates a shop from the host’s installed template, healthy, and the overview shows it green by itself', async () => {
    value(await asSales('shops:overview', { hostId }))
    const started = value<OperationSnapshot>(
      await asSales('shops:create', {
        hostId,
        name: shop,
        description: 'Kundentermin',
        templateId: 'busybox',
        domain: `${shop}.shops.test`,
        params: {},
        start: true,
      }),
    )
    const done = await finished(started)
    expect(done.error).toBeUndefined()
    expect(done.steps.find((s) => s.id === 'health')?.status).toBe('done')
    // The compose file is the host's rendering of its own installed template.
    const compose = parse(readFileSync(join(baseDir, shop, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { image: string }> }
    expect(compose.services['web']!.image).toBe(parse(readFileSync(join(home, '.shopmanager/templates/busybox/compose.yaml'), 'utf8')).services.web.image)
    await expect.poll(() => light(shop), { timeout: 10_000 }).toBe('green')
  })

  it('the overview turns red and green by itself; start, restart and logs with the password masked go through the host', async () => {
    const web = docker('ps', '-q', '--filter', `label=com.docker.compose.project=${shop}`)
    docker('stop', web)
    await expect.poll(() => light(shop), { timeout: 10_000 }).not.toBe('green')
    value(await asSales('shops:action', { hostId, shop, action: 'start' }))
    await expect.poll(() => light(shop), { timeout: 15_000 }).toBe('green')
    value(await asSales('shops:action', { hostId, shop, action: 'restart' }))
    const password = value<string>(await asSales('shops:revealSecret', { hostId, shop, secretId: 'admin_password' }))
    docker('exec', docker('ps', '-q', '--filter', `label=com.docker.compose.project=${shop}`), 'sh', '-c', `echo "login ${password}" > /proc/1/fd/1`)
    const lines = value<LogLine[]>(await asSales('shops:logs', { hostId, shop, tail: 50 }))
    expect(lines.some((l) => l.text.startsWith('login '))).toBe(true)
    expect(lines.map((l) => l.text).join('\n')).not.toContain(password)
  })

  it('clones through the host, with the data', async () => {
    docker('exec', docker('ps', '-q', '--filter', `label=com.docker.compose.project=${shop}`), 'sh', '-c', 'echo vorlage > /srv/data/marker')
    const started = value<OperationSnapshot>(
      await asSales('shops:clone', { hostId, source: shop, name: copy, domain: `${copy}.shops.test`, description: 'Vorlage' }),
    )
    const done = await finished(started)
    expect(done.error).toBeUndefined()
    const clone = docker('ps', '-q', '--filter', `label=com.docker.compose.project=${copy}`)
    expect(docker('exec', clone, 'cat', '/srv/data/marker')).toBe('vorlage')
  })

  it('stop is refused with the stored role edited to admin, and a forged stop straight to the host is refused there', async () => {
    laptop.services.profiles.learnRole(hostId, 'admin')
    expect(await asSales('shops:action', { hostId, shop, action: 'stop' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden', say: { key: 'adminOnly' } },
    })
    const session = await laptop.services.sessions.session(hostId)
    const forged = await session.ssh!.openRequestChannel(`shopmgr-gate-v1 ${Buffer.from(JSON.stringify({ op: 'stop', shop })).toString('base64url')}`)
    const answer = await new Promise<string>((done) => {
      let text = ''
      forged.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')))
      forged.on('close', () => done(text))
    })
    expect(JSON.parse(answer.trim())).toMatchObject({ type: 'error', code: 'forbidden', say: { key: 'gateForbidden', values: { op: 'stop' } } })
    await expect(gateClient(session).request({ op: 'hello' })).resolves.toMatchObject({ role: 'sales', key: fingerprint })
    expect(docker('ps', '-q', '--filter', `label=com.docker.compose.project=${shop}`, '--filter', 'status=running')).not.toBe('')
  })

  it('every request left an audit line with the key’s fingerprint', () => {
    const lines = parseAuditLog(readFileSync(join(home, '.shopmanager/gate/audit.log'), 'utf8'))
    expect(lines.length).toBeGreaterThanOrEqual(8)
    expect(new Set(lines.map((l) => l.key))).toEqual(new Set([fingerprint]))
    expect(lines.filter((l) => l.op === 'stop').map((l) => l.outcome)).toEqual(['refused'])
    expect(lines.some((l) => l.op === 'create' && l.shop === shop && l.outcome === 'ok')).toBe(true)
  })
  it('the admin reads "wer hat was wann" for the shop, newest first, with the person; the sales laptop may not', async () => {
    const entries = await readShopAudit(admin, shop)
    expect(entries.length).toBeGreaterThanOrEqual(5)
    expect(entries.every((e) => e.shop === shop && e.person === 'Sina Sales' && e.key === fingerprint)).toBe(true)
    expect(entries.map((e) => e.time)).toEqual(
      entries
        .map((e) => e.time)
        .sort()
        .reverse(),
    )
    expect(entries.find((e) => e.op === 'stop')).toMatchObject({ outcome: 'refused', code: 'forbidden' })
    expect(entries.at(-1)).toMatchObject({ op: 'create', outcome: 'ok' })
    expect(await readShopAudit(admin, 'keinshop')).toEqual([])
    expect(await asSales('shops:audit', { hostId, shop })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
  })
})
