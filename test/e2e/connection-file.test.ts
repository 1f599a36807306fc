/// <reference lib="dom" />
// Onboarding in Chromium: an admin exports the test bed's connection file (text and QR code, no secret); a laptop
// without an identity is told how to get one; with one made on the Settings page and its key enrolled, the file is
// imported from disk and the host connects without a trust question; a second import and a wrong file are refused in
// German.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { teamLogin } from '../integration/support/team-login'
import { launchApp, outputDir, type AppUnderTest } from './harness'
import { HostsPage } from './pages/hosts-page'
import { ShellPage } from './pages/shell-page'
import { e2eHostBed, type E2eHostBed } from './testbed-host'

const info = inject('testbed')
const poll = { timeout: 20_000, interval: 100 }

describe('connection file in Chromium', () => {
  let app: AppUnderTest
  let bed: E2eHostBed
  let shell: ShellPage
  let hosts: HostsPage
  const login = teamLogin(info)
  let adminHostId = ''
  let file = ''

  beforeAll(async () => {
    login.enrol(readFileSync(`${info.ssh.keys.ed25519}.pub`, 'utf8'))
    bed = e2eHostBed(info, 'connfile')
    execFileSync('chown', [`${info.ssh.teamUser}:`, bed.baseDir])
    app = await launchApp(info)
    adminHostId = (await bed.addHost(app, { name: 'Hetzner Demo', user: info.ssh.teamUser, activate: false })).id
    await app.reload()
    shell = new ShellPage(app.page)
    hosts = new HostsPage(app.page)
  })
  afterAll(async () => {
    await app?.close()
    login.restore()
    bed?.cleanup([])
  })

  it('the admin exports the host as text and QR code, with its host key and no secret', async () => {
    await shell.open('hosts')
    file = await hosts.exportConnection(adminHostId)
    expect(JSON.parse(file)).toMatchObject({ format: 'shop-manager-connection', version: 1, user: info.ssh.teamUser, hostKey: info.ssh.hostKeyFingerprint })
    expect(file).not.toContain('PRIVATE')
    await hosts.connectionFile.getByTestId('connection-file-qr').waitFor()
    await shell.screenshot(join(outputDir, 'connection-file-export.png'))
    await hosts.connectionFile.getByTestId('connection-file-close').click()
    await hosts.connectionFile.waitFor({ state: 'hidden' })
    // From here on this window is the salesperson's laptop, which has no profile of the host yet.
    await hosts.card(adminHostId).getByTestId('host-remove').click()
    await hosts.card(adminHostId).waitFor({ state: 'detached' })
  })

  it('a laptop without an identity is told to make one under Settings and hand its public key to the admin', async () => {
    await hosts.openImport()
    const hint = hosts.importDialog.getByTestId('import-no-identity')
    await expect.poll(() => hint.innerText().catch(() => ''), poll).toMatch(/Einstellungen.*Identität.*Admin.*Team/s)
    await hint.getByTestId('import-to-settings').click()
    await expect.poll(() => shell.title.innerText(), poll).toBe('Einstellungen')
    const card = app.page.getByTestId('identity-card')
    await card.getByTestId('identity-person').locator('input').fill('Sina Sales')
    await card.getByTestId('identity-generate').click()
    const key = card.getByTestId('identity-public-key').locator('textarea').first()
    await expect.poll(() => key.inputValue().catch(() => ''), poll).toMatch(/^ssh-ed25519 /)
    // The admin adds it under Team (the Team dialog is tested on its own); here straight into the file.
    login.enrol(await key.inputValue())
  })

  it('the new host form now logs in as this installation by default', async () => {
    await shell.open('hosts')
    await app.page.getByTestId('host-add').click()
    const form = app.page.getByTestId('host-form')
    await expect.poll(() => form.getByTestId('host-auth-identity').locator('input').isChecked(), poll).toBe(true)
    expect(await form.getByTestId('host-private-key').count()).toBe(0)
    await form.getByRole('button', { name: 'Abbrechen' }).click()
    await form.waitFor({ state: 'hidden' })
  })

  it('imports the file picked from disk and connects with the identity, without asking to trust the host key', async () => {
    await hosts.openImport()
    await expect.poll(() => hosts.importDialog.getByTestId('import-public-key').innerText(), poll).toBe(app.services.identity.get()!.publicKey)
    await hosts.importConnection(file, 'hetzner-demo.shop-manager-connection.json')
    await hosts.importDialog.waitFor({ state: 'hidden' })
    const imported = app.services.hosts.list().find((h) => h.kind === 'ssh')!
    expect(imported).toMatchObject({ auth: { kind: 'identity' }, hostKey: info.ssh.hostKeyFingerprint })
    await expect.poll(() => hosts.state(imported.id).innerText(), poll).toBe('Verbunden')
    // The role is the host's answer: this key went into authorized_keys without the gate, so it is an admin's.
    await expect.poll(() => app.services.hosts.list().find((h) => h.id === imported.id)?.role, poll).toBe('admin')
    // Every check of the host passes: Docker, compose, the shop directory, the proxy network.
    await expect.poll(() => hosts.card(imported.id).getByTestId('probe-checks').locator('[data-ok="false"]').count(), poll).toBe(0)
    await expect.poll(() => hosts.check(imported.id, 'docker').getAttribute('data-ok'), poll).toBe('true')
    expect(await hosts.trustFingerprint.count()).toBe(0)
    // The first host of this laptop became its active one.
    await expect.poll(() => shell.statusConnection.innerText(), poll).toBe('Verbunden')
    await shell.screenshot(join(outputDir, 'connection-file-import.png'))
  })

  it('refuses the same host a second time and a file that is not a connection file, in German', async () => {
    await hosts.openImport()
    await hosts.importConnection(file)
    const error = hosts.importDialog.getByTestId('import-error')
    await expect
      .poll(() => error.innerText().catch(() => ''), poll)
      .toBe(`Für ${info.ssh.teamUser}@${info.ssh.host}:${info.ssh.port} gibt es schon das Host-Profil „Hetzner Demo“.`)
    await hosts.importConnection('{"format":"shop-manager-drafts","version":1,"drafts":[]}')
    await expect.poll(() => error.innerText().catch(() => ''), poll).toBe('Das ist keine Verbindungsdatei des Shop-Managers.')
    expect(app.services.hosts.list().filter((h) => h.kind === 'ssh')).toHaveLength(1)
  })
})
