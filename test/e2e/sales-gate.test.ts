/// <reference lib="dom" />
// A salesperson's laptop in Chromium, against the test bed's gate: the connection file imported, this installation's
// identity enrolled as a sales key logs in, and the host says "sales". A shop is made in the wizard from the host's
// installed template; its page offers no Stop; a stop forged past the UI is refused by the app as the host's
// answer says, and one sent straight to the host by the host itself. The admin's history of the shop shows it all.
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { connectionFileOf } from '../../src/shared/connection-file'
import type { Envelope } from '../../src/shared/errors'
import { parseAuditLog } from '../../src/shared/gate-audit'
import { rawGateRequest, installTestGate, type TestGate } from '../integration/support/test-gate'
import { testbedProfile } from '../integration/support/hosts'
import { testbedBaseDir, testbedDocker } from '../support/testbed-dir'
import { launchApp, outputDir, type AppUnderTest } from './harness'
import { HostsPage } from './pages/hosts-page'
import { ShellPage } from './pages/shell-page'
import { ShopsPage } from './pages/shops-page'

const info = inject('testbed')
const { docker } = testbedDocker(info)
const poll = { timeout: 30_000, interval: 100 }
const shop = `vertrieb${process.pid % 10000}`
const de = JSON.parse(readFileSync(join(import.meta.dirname, '../../src/renderer/src/locales/de.json'), 'utf8')) as { errorSay: Record<string, string> }

describe('a sales laptop through the gate, in Chromium', () => {
  let app: AppUnderTest
  let gate: TestGate
  let baseDir = ''
  let shell: ShellPage
  let hosts: HostsPage
  let hostId = ''

  beforeAll(async () => {
    baseDir = testbedBaseDir(info, 'sales-e2e')
    gate = installTestGate(info, { baseDir, inHome: true })
    app = await launchApp(info)
    // The salesperson made the identity on the Settings page (tested there); the admin enrolled it as sales.
    const identity = await app.services.identity.generate('Sina Sales', 'sales')
    // The admin's key on the same login, for the admin's view at the end.
    gate.enrol(gate.salesLineFor(identity.publicKey), readFileSync(`${info.ssh.keys.ed25519}.pub`, 'utf8').trim())
    await app.reload()
    shell = new ShellPage(app.page)
    hosts = new HostsPage(app.page)
  })
  afterAll(async () => {
    await app?.close()
    gate?.remove()
    const ids = docker('ps', '-aq', '--filter', `label=com.docker.compose.project=${shop}`)
    if (ids) docker('rm', '-f', ...ids.split('\n'))
    for (const volume of docker('volume', 'ls', '-q', '--filter', `label=com.docker.compose.project=${shop}`).split('\n').filter(Boolean))
      docker('volume', 'rm', '-f', volume)
    if (docker('network', 'ls', '-q', '--filter', `name=^${shop}_`)) docker('network', 'rm', `${shop}_shop`)
    if (baseDir) rmSync(baseDir, { recursive: true, force: true })
  })

  it('imports the connection file and logs in with the identity; the host says sales', async () => {
    // The file as the admin's Hosts page exports it (tested in connection-file).
    const file = connectionFileOf(
      testbedProfile(info, { name: 'Vertrieb', user: info.ssh.teamUser, baseDir, shopDomain: 'shops.test', domainMode: 'wildcard' }),
    )
    await shell.open('hosts')
    await hosts.openImport()
    await hosts.importConnection(JSON.stringify(file))
    await hosts.importDialog.waitFor({ state: 'hidden' })
    hostId = app.services.hosts.list().find((h) => h.kind === 'ssh')!.id
    await expect.poll(() => hosts.state(hostId).innerText(), poll).toBe('Verbunden')
    await expect.poll(() => hosts.card(hostId).getByTestId('probe-checks').innerText(), poll).toMatch(/Vertriebszugang über das Gate/)
    expect(app.services.hosts.list().find((h) => h.id === hostId)).toMatchObject({ auth: { kind: 'identity' }, role: 'sales' })
    await shell.screenshot(join(outputDir, 'sales-connected.png'))
  })

  it('creates a shop in the wizard from the host’s installed template, and it turns green by itself', async () => {
    await shell.open('shops')
    await app.page.getByTestId('shop-create').click()
    await expect.poll(() => app.page.getByTestId('create-template').innerText(), poll).toContain('auf diesem Host installiert')
    await app.page.getByTestId('create-name').locator('input').fill(shop)
    await app.page.getByTestId('create-submit').click()
    await expect.poll(() => new ShopsPage(app.page).createOutcome(), { timeout: 120_000, interval: 200 }).toBe('succeeded')
    expect(await app.page.getByTestId('create-url').innerText()).toBe(`https://${shop}.shops.test`)
    await shell.screenshot(join(outputDir, 'sales-created.png'))
    await app.page.keyboard.press('Escape')
    await expect.poll(() => new ShopsPage(app.page).light(shop), poll).toBe('green')
  })

  it('the shop page offers start and restart but no Stop, no edit, no backups, no history', async () => {
    await new ShopsPage(app.page).openDetail(shop)
    await app.page.getByTestId('shop-restart').waitFor()
    for (const id of ['shop-stop', 'shop-delete', 'shop-edit', 'shop-update-image', 'shop-tab-backups', 'shop-tab-audit'])
      expect(await app.page.getByTestId(id).count(), id).toBe(0)
    await shell.screenshot(join(outputDir, 'sales-shop.png'))
  })

  it('a stop forged past the UI is refused as the host says; one sent straight to the host, by the host', async () => {
    const forged = await app.page.evaluate(
      ([host, name]) =>
        (window as unknown as { api: { invoke(c: string, i: unknown): Promise<unknown> } }).api.invoke('shops:action', {
          hostId: host,
          shop: name,
          action: 'stop',
        }),
      [hostId, shop] as const,
    )
    expect(forged).toMatchObject({ ok: false, error: { code: 'forbidden', say: { key: 'adminOnly' } } })
    const session = await app.services.sessions.session(hostId)
    const channel = await session.ssh!.openRequestChannel(rawGateRequest({ op: 'stop', shop }))
    const answer = await new Promise<string>((done) => {
      let text = ''
      channel.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')))
      channel.on('close', () => done(text))
    })
    const refusal = JSON.parse(answer.trim()) as Extract<Envelope<never>, { ok: false }>['error'] & { type: string }
    expect(refusal).toMatchObject({ type: 'error', code: 'forbidden', say: { key: 'gateForbidden', values: { op: 'stop' } } })
    // The host's words, as the app shows them in German.
    expect(de.errorSay['gateForbidden']!.replace('{op}', 'stop')).toBe('Mit einem Vertriebs-Schlüssel lehnt der Host „stop“ ab: Das darf nur ein Admin.')
    expect(docker('ps', '-q', '--filter', `label=com.docker.compose.project=${shop}`, '--filter', 'status=running')).not.toBe('')
    const audit = parseAuditLog(readFileSync(gate.auditLog, 'utf8'), shop)
    expect(audit.find((l) => l.op === 'stop')).toMatchObject({ outcome: 'refused', code: 'forbidden', key: expect.stringMatching(/^SHA256:/) })
    expect(audit.find((l) => l.op === 'create')).toMatchObject({ outcome: 'ok' })
  })
  it('the admin’s page of the shop shows wer hat was wann: the create, the refused stop, by Sina Sales', async () => {
    const admin = await app.services.hosts.save({
      name: 'Admin',
      address: info.ssh.host,
      port: info.ssh.port,
      user: info.ssh.teamUser,
      auth: { kind: 'key', privateKey: readFileSync(info.ssh.keys.ed25519, 'utf8') },
      dockerSocket: info.dockerSocket,
      baseDir,
      role: 'admin',
      shopDomain: 'shops.test',
      domainMode: 'wildcard',
    })
    app.services.hosts.trust(admin.id, info.ssh.hostKeyFingerprint)
    app.services.settings.update({ activeHostId: admin.id })
    // A profile saved behind the page's back: the page reads the hosts anew.
    await app.reload()
    shell = new ShellPage(app.page)
    await shell.open('shops')
    const shops = new ShopsPage(app.page)
    await expect.poll(() => shops.light(shop), poll).toBe('green')
    await shops.openDetail(shop)
    await app.page.getByTestId('shop-tab-audit').click()
    const table = app.page.getByTestId('audit-table')
    await expect.poll(() => table.innerText(), poll).toContain('Sina Sales')
    const text = await table.innerText()
    expect(text).toContain('Shop angelegt')
    expect(text).toMatch(/stoppen\s+abgelehnt · forbidden/)
    expect(await app.page.getByTestId('shop-stop').count()).toBe(1)
    await shell.screenshot(join(outputDir, 'admin-audit.png'))
  })
})
