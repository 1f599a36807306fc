/// <reference lib="dom" />
// Backups on the shop's page: make one, see it listed, change the data, restore it after typing the name.
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { launchApp, outputDir, type AppUnderTest } from './harness'
import { BackupsPage } from './pages/backups-page'
import { ShellPage } from './pages/shell-page'
import { ShopsPage } from './pages/shops-page'
import { testbedDocker } from '../support/testbed-dir'
import { e2eHostBed, type E2eHostBed } from './testbed-host'

const info = inject('testbed')
const { docker } = testbedDocker(info)
const poll = { timeout: 60_000, interval: 200 }
const shop = 'sicherung'
const copy = 'sicherungneu'
const web = (project = shop): string =>
  docker('ps', '-q', '--filter', `label=com.docker.compose.project=${project}`, '--filter', 'label=com.docker.compose.service=web')
const marker = (project = shop): string => docker('exec', web(project), 'cat', '/srv/data/marker')

describe('backups in Chromium', () => {
  let app: AppUnderTest
  let bed: E2eHostBed
  let shell: ShellPage
  let backups: BackupsPage

  beforeAll(async () => {
    bed = e2eHostBed(info, 'backups')
    app = await launchApp(info)
    const host = await bed.addHost(app)
    // The test bed reaches no public registry: the helper that packs and unpacks volumes is its own image.
    app.services.settings.update({ helperImage: info.image })
    await bed.createShop(app, host.id, shop)
    docker('exec', web(), 'sh', '-c', 'echo vorher > /srv/data/marker')
    await app.reload()
    shell = new ShellPage(app.page)
    backups = new BackupsPage(app.page)
  })
  afterAll(async () => {
    await app?.close()
    bed?.cleanup([shop, copy])
  })

  it('makes a backup from the Backups tab and lists it', async () => {
    const shopsPage = new ShopsPage(app.page)
    await shell.open('shops')
    await expect.poll(() => shopsPage.light(shop), poll).toBe('green')
    await shopsPage.openDetail(shop)
    await backups.open()
    expect(await backups.ids()).toEqual([])
    await app.page.getByTestId('backup-create').click()
    await expect.poll(() => backups.outcome(), poll).toBe('succeeded')
    expect(await app.page.getByTestId('create-step-archive').getAttribute('data-status')).toBe('done')
    await backups.closeProgress()
    await expect.poll(async () => (await backups.ids()).length, poll).toBe(1)
    expect((await backups.ids())[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z-[0-9a-f]{4}$/)
  })

  it('restores the backup only after the name is typed, and the data is back', async () => {
    docker('exec', web(), 'sh', '-c', 'echo nachher > /srv/data/marker')
    expect(marker()).toBe('nachher')
    const [id] = await backups.ids()
    await app.page.getByTestId(`backup-restore-${id}`).click()
    const submit = app.page.getByTestId('backup-restore-submit')
    const field = app.page.getByTestId('backup-restore-confirm-name').locator('input')
    await field.fill(shop.slice(0, -1))
    expect(await submit.isDisabled()).toBe(true)
    await field.fill(shop)
    await submit.click()
    await expect.poll(() => backups.outcome(), poll).toBe('succeeded')
    await shell.screenshot(join(outputDir, 'backup-restored.png'))
    await backups.closeProgress()
    await expect.poll(() => marker(), poll).toBe('vorher')
  })

  it("makes a new shop of the backup: its own name and domain, the backup's data, the source untouched", async () => {
    docker('exec', web(), 'sh', '-c', 'echo quelle > /srv/data/marker')
    const [id] = await backups.ids()
    await app.page.getByTestId(`backup-newshop-${id}`).click()
    const dialog = app.page.getByTestId('backup-newshop-dialog')
    const submit = dialog.getByTestId('backup-newshop-submit')
    const name = dialog.getByTestId('backup-newshop-name').locator('input')
    // Taken names are refused as the user types: the source itself is listed on this host.
    await name.fill(shop)
    await expect.poll(() => dialog.getByTestId('backup-newshop-name').innerText(), poll).toContain('gibt es auf dem Host schon')
    expect(await submit.isDisabled()).toBe(true)
    await name.fill(copy)
    expect(await dialog.getByTestId('backup-newshop-domain').locator('input').inputValue()).toBe(`${copy}.shops.test`)
    await submit.click()
    await expect.poll(() => backups.outcome(), poll).toBe('succeeded')
    expect(await app.page.getByTestId('create-step-restore').getAttribute('data-status')).toBe('done')
    await backups.closeProgress()
    await expect.poll(() => marker(copy), poll).toBe('vorher')
    expect(marker()).toBe('quelle')
    const domain = docker('inspect', '-f', '{{ index .Config.Labels "traefik.http.routers.' + copy + '.rule" }}', web(copy))
    expect(domain).toContain(`${copy}.shops.test`)
  })

  it('downloads the backup to the laptop and uploads it to the new shop, where it is listed', async () => {
    const [id] = await backups.ids()
    await app.page.getByTestId(`backup-download-${id}`).click()
    await expect.poll(() => backups.outcome(), poll).toBe('succeeded')
    const where = await app.page.getByTestId('backup-download-path').innerText()
    const folder = join(app.dataDir, 'transfers', `${shop}-${id}`)
    expect(where).toContain(folder)
    const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as { id: string; volumes: { file: string; bytes: number }[] }
    expect(manifest.id).toBe(id)
    for (const volume of manifest.volumes) expect(statSync(join(folder, volume.file)).size).toBeGreaterThan(0)
    await backups.closeProgress()

    // The folder dialog, answered with the downloaded backup.
    app.services.chooseFolder = async () => folder
    const shopsPage = new ShopsPage(app.page)
    await shell.open('shops')
    await expect.poll(() => shopsPage.light(copy), poll).toBe('green')
    await shopsPage.openDetail(copy)
    await backups.open()
    await app.page.getByTestId('backup-upload').click()
    await expect.poll(() => backups.outcome(), poll).toBe('succeeded')
    await backups.closeProgress()
    await expect.poll(() => backups.ids(), poll).toContain(id)
  })
})
