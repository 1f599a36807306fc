/// <reference lib="dom" />
// Host setup as an admin sees it: the domain mode in the host form, then the setup preview with its diffs.
// Only the preview: applying would start a real Traefik on ports 80/443, which the test bed does not offer.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { launchApp, outputDir, type AppUnderTest } from './harness'
import { HostAdminPage } from './pages/host-admin-page'
import { ShellPage } from './pages/shell-page'

const info = inject('testbed')
const baseDir = join(info.ssh.baseDir, `setup-${process.pid}`)
const poll = { timeout: 20_000, interval: 100 }
const token = 'e2eSecretToken_0123456789abcdef'

describe('host setup in Chromium', () => {
  let app: AppUnderTest
  let shell: ShellPage
  let admin: HostAdminPage
  let hostId = ''

  beforeAll(async () => {
    mkdirSync(baseDir, { recursive: true })
    execFileSync('chown', [`${info.ssh.user}:`, baseDir])
    app = await launchApp(info)
    const host = await app.services.hosts.save({
      name: 'Setup-Testbed',
      address: info.ssh.host,
      port: info.ssh.port,
      user: info.ssh.user,
      auth: { kind: 'key', privateKey: readFileSync(info.ssh.keys.ed25519, 'utf8') },
      dockerSocket: info.dockerSocket,
      baseDir,
      role: 'admin',
      shopDomain: 'shops.test',
    })
    hostId = host.id
    app.services.hosts.trust(host.id, info.ssh.hostKeyFingerprint)
    await app.reload()
    shell = new ShellPage(app.page)
    admin = new HostAdminPage(app.page)
  })
  afterAll(async () => {
    await app?.close()
    rmSync(baseDir, { recursive: true, force: true })
  })

  it('saves the domain mode from the host form and shows it as a chip', async () => {
    await shell.open('hosts')
    await expect.poll(() => admin.domainModeChip(hostId).innerText(), poll).toBe('Extern')
    await admin.setDomainMode(hostId, 'Pro Shop')
    await expect.poll(() => admin.domainModeChip(hostId).innerText(), poll).toBe('Pro Shop')
    expect(app.services.hosts.list().find((h) => h.id === hostId)?.domainMode).toBe('per-shop')
  })

  it('previews the changes: traefik.yml with the e-mail in its diff, never the token', async () => {
    await admin.openSetup(hostId)
    await admin.setup.getByTestId('setup-email').locator('input').fill('ops@shops.test')
    await admin.setup.getByTestId('setup-token').locator('input').fill(token)
    await admin.setup.getByTestId('setup-preview').click()
    const error = () => admin.setup.getByTestId('setup-error').innerText({ timeout: 100 }).catch(() => '')
    await expect.poll(async () => (await admin.setup.getByTestId('setup-plan').count()) || (await error()), poll).toBe(1)
    const targets = await admin.setup.getByTestId('setup-change').evaluateAll((items) => items.map((i) => i.getAttribute('data-target') ?? ''))
    const traefikYml = targets.find((t) => t.endsWith('/traefik.yml'))
    expect(traefikYml, targets.join(', ')).toBeTruthy()
    const panel = admin.setup.locator(`[data-testid="setup-diff-panel"][data-target="${traefikYml}"]`)
    await panel.locator('.v-expansion-panel-title').click()
    const diff = panel.getByTestId('setup-diff')
    await expect.poll(() => diff.innerText(), poll).toContain('ops@shops.test')
    expect(await admin.setup.innerText()).not.toContain(token)
    // Every diff the dialog holds, opened or not, is free of the token.
    for (const p of await admin.setup.getByTestId('setup-diff-panel').all()) {
      if (!(await p.getByTestId('setup-diff').count())) await p.locator('.v-expansion-panel-title').click()
    }
    const diffs = await admin.setup.getByTestId('setup-diff').allInnerTexts()
    expect(diffs.join('\n')).not.toContain(token)
    await shell.screenshot(join(outputDir, 'host-setup-preview.png'))
  })
})
