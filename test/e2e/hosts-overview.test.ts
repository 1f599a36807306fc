/// <reference lib="dom" />
// The salesperson's first minutes: add the test bed as a host, confirm its key, watch its shops live.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { restartSshd } from '../integration/support/testbed-control'
import { outOfBandShops } from '../support/out-of-band-shop'
import { launchApp, outputDir, type AppUnderTest } from './harness'
import { HostsPage } from './pages/hosts-page'
import { ShellPage } from './pages/shell-page'
import { ShopsPage } from './pages/shops-page'

const info = inject('testbed')
const shops = outOfBandShops(info)
const baseDir = join(info.ssh.baseDir, `e2e-${process.pid}`)
const poll = { timeout: 20_000, interval: 100 }

describe('hosts and the live shop overview in Chromium', () => {
  let app: AppUnderTest
  let shell: ShellPage
  let hostsPage: HostsPage
  let shopsPage: ShopsPage
  let hostId = ''

  beforeAll(async () => {
    mkdirSync(baseDir, { recursive: true })
    execFileSync('chown', [`${info.ssh.user}:`, baseDir])
    app = await launchApp(info)
    shell = new ShellPage(app.page)
    hostsPage = new HostsPage(app.page)
    shopsPage = new ShopsPage(app.page)
  })
  afterAll(async () => {
    await app?.close()
    shops.removeAll()
    rmSync(baseDir, { recursive: true, force: true })
  })

  const form = {
    name: 'Testbed',
    address: info.ssh.host,
    port: info.ssh.port,
    user: info.ssh.user,
    privateKey: readFileSync(info.ssh.keys.ed25519Passphrase, 'utf8'),
    dockerSocket: info.dockerSocket,
    baseDir,
  }

  it('refuses a wrong passphrase in the form and keeps what was typed', async () => {
    await shell.open('hosts')
    await hostsPage.add({ ...form, passphrase: 'wrong horse' })
    await expect.poll(() => hostsPage.formError.innerText()).toMatch(/Passphrase passt nicht/)
    expect(await app.page.getByTestId('host-name').locator('input').inputValue()).toBe('Testbed')
    await app.page.keyboard.press('Escape')
  })

  it('adds the host, shows its fingerprint to confirm, and probes it', async () => {
    await app.page.reload()
    await hostsPage.add({ ...form, passphrase: info.ssh.passphrase })
    await expect.poll(() => hostsPage.trustFingerprint.innerText(), poll).toBe(info.ssh.hostKeyFingerprint)
    hostId = app.services.hosts.list().find((h) => h.name === 'Testbed')!.id
    await hostsPage.confirmTrust()
    await expect.poll(() => hostsPage.check(hostId, 'docker').getAttribute('data-ok'), poll).toBe('true')
    expect(await hostsPage.check(hostId, 'compose').innerText()).toContain('docker-compose')
    expect(await hostsPage.check(hostId, 'baseDir').getAttribute('data-ok')).toBe('true')
    // What the host has left for new shops, as its kernel says it.
    await expect
      .poll(() => hostsPage.card(hostId).getByTestId('host-room').innerText(), poll)
      .toMatch(/^Frei: [\d.,]+ [kMGT]?B Speicherplatz · [\d.,]+ [kMGT]?B Arbeitsspeicher · Last [\d,]+ auf \d+ Kernen$/)
    // The key went to the keychain, never into the settings file.
    const settingsFile = readFileSync(join(app.dataDir, 'settings.json'), 'utf8')
    expect(settingsFile).not.toContain('PRIVATE KEY')
    expect(settingsFile).not.toContain(info.ssh.passphrase)
    await shell.screenshot(join(outputDir, 'hosts.png'))
  })

  it('shows a shop created out-of-band and turns it green', async () => {
    await hostsPage.activate(hostId)
    await expect.poll(() => shell.statusHost.innerText()).toBe('Testbed')
    shops.create(baseDir, 'kunde1')
    await shell.open('shops')
    await expect.poll(() => shopsPage.light('kunde1'), poll).toBe('green')
    await expect.poll(() => shell.statusConnection.innerText(), poll).toBe('Verbunden')
    await shell.screenshot(join(outputDir, 'shops-green.png'))
  })

  it('filters the overview by text and by status', async () => {
    shops.create(baseDir, 'gartenbau')
    await expect.poll(() => shopsPage.light('gartenbau'), poll).toBe('green')
    await shopsPage.filter('garten')
    await expect.poll(() => shopsPage.row('kunde1').count()).toBe(0)
    expect(await shopsPage.row('gartenbau').count()).toBe(1)
    // By the template's name as the table shows it, not only its id.
    await shopsPage.filter('test-shop')
    await expect.poll(() => shopsPage.row('kunde1').count()).toBe(1)
    expect(await shopsPage.row('gartenbau').count()).toBe(1)
    await shopsPage.filter('')
    await shopsPage.toggleLight('red')
    await expect.poll(() => shopsPage.row('gartenbau').count()).toBe(0)
    await shopsPage.toggleLight('red')
    await expect.poll(() => shopsPage.row('gartenbau').count()).toBe(1)
  })

  it('turns the shop red when it is stopped from the command line, without a reload', async () => {
    shops.compose(join(baseDir, 'kunde1'), '-p', 'kunde1', 'stop', '-t', '1', 'worker')
    await expect.poll(() => shopsPage.light('kunde1'), poll).toBe('red')
    await shopsPage.openDetail('kunde1')
    await expect.poll(() => shopsPage.containers.innerText(), poll).toMatch(/worker\s+beendet/)
    await shell.screenshot(join(outputDir, 'shop-detail-red.png'))
    await shell.open('shops')
  })

  it('recovers by itself after sshd restarts', async () => {
    const restart = restartSshd(2)
    await expect.poll(() => shell.statusConnection.innerText(), poll).toMatch(/wiederhergestellt|Offline/)
    shops.compose(join(baseDir, 'kunde1'), '-p', 'kunde1', 'start', 'worker')
    await restart
    await expect.poll(() => shell.statusConnection.innerText(), poll).toBe('Verbunden')
    await expect.poll(() => shopsPage.light('kunde1'), poll).toBe('green')
  })
})
