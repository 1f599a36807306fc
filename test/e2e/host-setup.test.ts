/// <reference lib="dom" />
// Host setup as an admin sees it: the domain mode in the host form, the setup preview with its diffs, then
// applying it — with a stand-in for Traefik's image (no public registry here) publishing on free loopback ports instead of
// 80/443 — and a second preview on the set-up host that has nothing to do.
import { rmdirSync, rmSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { launchApp, outputDir, type AppUnderTest } from './harness'
import { HostAdminPage } from './pages/host-admin-page'
import { ShellPage } from './pages/shell-page'
import { e2eHostBed, type E2eHostBed } from './testbed-host'
import { buildFakeTraefik, freePort } from '../support/fake-traefik'

const info = inject('testbed')
const poll = { timeout: 20_000, interval: 100 }
const token = 'e2eSecretToken_0123456789abcdef'
/** Where host setup installs the bundled templates for the gate: the login's own home. */
const installedTemplates = `/home/${info.ssh.user}/.shopmanager/templates`

describe('host setup in Chromium', () => {
  let app: AppUnderTest
  let bed: E2eHostBed
  let shell: ShellPage
  let admin: HostAdminPage
  let hostId = ''

  beforeAll(async () => {
    rmSync(installedTemplates, { recursive: true, force: true })
    bed = e2eHostBed(info, 'setup')
    app = await launchApp(info, {
      setupOverrides: { image: buildFakeTraefik(info), listen: { address: '127.0.0.1', http: await freePort(), https: await freePort() } },
    })
    hostId = (await bed.addHost(app, { name: 'Setup-Testbed', activate: false })).id
    await app.reload()
    shell = new ShellPage(app.page)
    admin = new HostAdminPage(app.page)
  })
  afterAll(async () => {
    await app?.close()
    bed?.cleanup(['traefik'])
    rmSync(installedTemplates, { recursive: true, force: true })
    // ~/.shopmanager too when setup made it only for them (the gate's own tests may have left theirs).
    try {
      rmdirSync(dirname(installedTemplates))
    } catch {
      // not empty, or not there
    }
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
    const error = () =>
      admin.setup
        .getByTestId('setup-error')
        .innerText({ timeout: 100 })
        .catch(() => '')
    await expect.poll(async () => (await admin.setup.getByTestId('setup-plan').count()) || (await error()), poll).toBe(1)
    const targets = await admin.setup.getByTestId('setup-change').evaluateAll((items) => items.map((i) => i.getAttribute('data-target') ?? ''))
    const traefikYml = targets.find((t) => t.endsWith('/traefik.yml'))
    expect(traefikYml, targets.join(', ')).toBeTruthy()
    // The bundled templates, for the gate to create sales shops from, are changes of the preview too.
    expect(targets).toEqual(expect.arrayContaining(['b2xproc', 'busybox', 'prestashop'].map((id) => `${installedTemplates}/${id}`)))
    const busybox = admin.setup.locator(`[data-testid="setup-change"][data-target="${installedTemplates}/busybox"]`)
    expect(await busybox.innerText()).toContain('Vorlage busybox · anlegen')
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

  it('applies the preview with a stand-in Traefik image: files with their modes, the stack running and checked; a second preview has nothing to do', async () => {
    await admin.setup.getByTestId('setup-apply').click()
    const outcome = admin.setup.getByTestId('setup-outcome')
    const error = () =>
      admin.setup
        .getByTestId('setup-error')
        .innerText({ timeout: 100 })
        .catch(() => '')
    await expect.poll(async () => (await outcome.count()) || (await error()), { timeout: 90_000, interval: 200 }).toBe(1)
    expect(await admin.setup.getByTestId('setup-verified').innerText()).toContain('Der Proxy läuft und meldet sich gesund.')
    expect(await admin.setup.getByTestId('setup-applied').count()).toBeGreaterThan(3)
    // On the host: the token as a file only its owner reads, and the proxy network.
    expect(statSync(join(bed.baseDir, 'traefik', 'hetzner_token')).mode & 0o777).toBe(0o600)
    expect(bed.docker('network', 'ls', '-q', '--filter', 'name=^proxy$')).not.toBe('')
    expect(bed.docker('ps', '--filter', 'label=com.docker.compose.project=traefik', '--format', '{{.Status}}')).toMatch(/^Up .*\(healthy\)/)
    await shell.screenshot(join(outputDir, 'host-setup-applied.png'))

    await admin.setup.getByTestId('setup-preview').click()
    await expect.poll(async () => (await admin.setup.getByTestId('setup-nothing').count()) || (await error()), poll).toBe(1)
  })
})
