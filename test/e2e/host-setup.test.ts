/// <reference lib="dom" />
// Host setup as an admin sees it: the domain mode in the host form, then the setup preview with its diffs.
// Only the preview: applying would start a real Traefik on ports 80/443, which the test bed does not offer.
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { launchApp, outputDir, type AppUnderTest } from './harness'
import { HostAdminPage } from './pages/host-admin-page'
import { ShellPage } from './pages/shell-page'
import { e2eHostBed, type E2eHostBed } from './testbed-host'

const info = inject('testbed')
const poll = { timeout: 20_000, interval: 100 }
const token = 'e2eSecretToken_0123456789abcdef'

describe('host setup in Chromium', () => {
  let app: AppUnderTest
  let bed: E2eHostBed
  let shell: ShellPage
  let admin: HostAdminPage
  let hostId = ''

  beforeAll(async () => {
    bed = e2eHostBed(info, 'setup')
    app = await launchApp(info)
    hostId = (await bed.addHost(app, { name: 'Setup-Testbed', activate: false })).id
    await app.reload()
    shell = new ShellPage(app.page)
    admin = new HostAdminPage(app.page)
  })
  afterAll(async () => {
    await app?.close()
    bed?.cleanup([])
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
