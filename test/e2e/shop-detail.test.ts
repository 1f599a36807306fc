/// <reference lib="dom" />
// A shop's page after the meeting: read its logs (secrets masked, live, searched, saved), edit it, clone it.
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { launchApp, outputDir, type AppUnderTest } from './harness'
import { ShellPage } from './pages/shell-page'
import { ShopDetailPage } from './pages/shop-detail-page'
import { ShopsPage } from './pages/shops-page'
import { testbedDocker } from '../support/testbed-dir'
import { e2eHostBed, type E2eHostBed } from './testbed-host'

const info = inject('testbed')
const { docker } = testbedDocker(info)
let bed: E2eHostBed
const poll = { timeout: 30_000, interval: 100 }
const shop = 'detail'
// A name of its own per attempt, so a retried clone does not meet the clone of the first attempt.
let clone = 'detailcopy'
let failed = 'detailfail'
let attempt = 0
const created: string[] = [shop]
// On a registry port nothing listens at: the pull fails at once and never leaves the machine.
const missingHelper = '127.0.0.1:9/shopmgr/absent-helper:test'

/** The shop's web container (it changes when an edit recreates it). */
const web = (name: string): string =>
  docker('ps', '-q', '--filter', `label=com.docker.compose.project=${name}`, '--filter', 'label=com.docker.compose.service=web')
/** Writes a line to the container's output, as if the shop itself had logged it. */
const logLine = (name: string, shell: string): void => void docker('exec', web(name), 'sh', '-c', `${shell} > /proc/1/fd/1`)
const password = (name: string): string => /SHOP_SECRET_ADMIN_PASSWORD=(\w+)/.exec(readFileSync(join(bed.baseDir, name, '.env'), 'utf8'))![1]!

describe('shop detail page in Chromium', () => {
  let app: AppUnderTest
  let shell: ShellPage
  let shopsPage: ShopsPage
  let detail: ShopDetailPage

  const snackbar = async (): Promise<string> => {
    const bar = app.page.getByTestId('error-snackbar')
    return (await bar.count()) > 0 ? bar.innerText().catch(() => '') : ''
  }
  const openDetail = async (name: string): Promise<void> => {
    await shell.open('shops')
    await expect.poll(() => shopsPage.light(name), poll).toBe('green')
    await shopsPage.openDetail(name)
    await expect.poll(() => shell.title.innerText(), poll).toBe(name)
  }

  beforeAll(async () => {
    bed = e2eHostBed(info, 'detail')
    app = await launchApp(info)
    const host = await bed.addHost(app)
    // The shop is made as the wizard would (tested in create-shop): here its page is what counts.
    await bed.createShop(app, host.id, shop)
    await app.reload()
    shell = new ShellPage(app.page)
    shopsPage = new ShopsPage(app.page)
    detail = new ShopDetailPage(app.page)
  })
  afterAll(async () => {
    await app?.close()
    bed?.cleanup(created)
  })

  it('shows the shop’s parameters, image and no failure', async () => {
    await openDetail(shop)
    expect(await detail.fact('languages').innerText()).toContain('de, en')
    // Labelled as the template names the parameter, once the templates are read.
    await expect.poll(() => detail.param('greeting').innerText()).toBe('Begrüßung: Hallo')
    expect(await detail.fact('image').innerText()).toContain('Standard der Vorlage')
    expect(await detail.failure.count()).toBe(0)
    expect(await detail.editButton.isVisible()).toBe(true)
  })

  it('shows the logs with the admin password masked, on screen and in the saved file; searches; follows live', async () => {
    const secret = password(shop)
    expect(secret.length).toBeGreaterThan(10)
    // A tag of its own per attempt, so a retried test counts only its own lines.
    const tag = `tag${randomUUID().slice(0, 8)}`
    logLine(shop, `echo "${tag} pw=$SHOP_ADMIN_PASSWORD"`)
    await detail.openLogs()
    await detail.reloadLogs()
    await expect.poll(async () => `${await detail.logText()}${await detail.logsError()}`, poll).toContain(`${tag} pw=•••`)
    expect(await detail.logText()).not.toContain(secret)

    // Search: only matching lines stay (case-insensitive), the match is marked.
    logLine(shop, 'echo "other line"')
    await detail.reloadLogs()
    await expect.poll(async () => (await detail.logCount()).total, poll).toBeGreaterThanOrEqual(2)
    await detail.searchLogs(tag.toUpperCase())
    await expect.poll(async () => (await detail.logCount()).shown).toBe(1)
    expect(await detail.logLines.locator('mark').first().innerText()).toBe(tag)
    expect(await detail.logText()).not.toContain('other line')

    // Save: the lines as shown, `time service | text`, without the secret.
    const saved = await detail.saveLogs()
    expect(saved.name).toMatch(new RegExp(`^${shop}-logs-\\d{4}-\\d\\d-\\d\\d-\\d{4}\\.txt$`))
    expect(saved.content).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z web \\| ${tag} pw=•••\n$`))
    expect(saved.content).not.toContain(secret)
    await detail.searchLogs('')
    const all = await detail.saveLogs()
    expect(all.content).toContain('web | other line')
    expect(all.content).not.toContain(secret)

    // Copy: the same text to the clipboard.
    await app.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.bridge.url })
    await detail.copyLogs()
    await expect.poll(() => app.page.evaluate(() => navigator.clipboard.readText())).toBe(all.content)

    // Follow: a line written after following started appears by itself.
    await detail.setFollow(true)
    await expect.poll(() => detail.following(), poll).toBe(true)
    const marker = `live-${randomUUID().slice(0, 8)}`
    logLine(shop, `echo "${marker} pw=$SHOP_ADMIN_PASSWORD"`)
    await expect.poll(async () => `${await detail.logText()}${await detail.logsError()}`, poll).toContain(`${marker} pw=•••`)
    expect(await detail.logText()).not.toContain(secret)

    // While following, the newest line stays in view, until the user scrolls up.
    logLine(shop, 'for i in $(seq 1 200); do echo "filler $i"; done')
    await expect.poll(() => detail.logText(), poll).toContain('filler 200')
    await detail.logLines.hover()
    await app.page.mouse.wheel(0, -3000)
    await expect.poll(() => app.page.getByTestId('logs-to-bottom').isVisible()).toBe(true)
    const before = (await detail.logCount()).total
    logLine(shop, 'echo "after scrolling up"')
    await expect.poll(async () => (await detail.logCount()).total, poll).toBe(before + 1)
    expect(await detail.logText()).not.toContain('after scrolling up')
    await app.page.getByTestId('logs-to-bottom').click()
    await expect.poll(() => detail.logText()).toContain('after scrolling up')
    await detail.searchLogs(marker)
    await expect.poll(async () => (await detail.logCount()).shown).toBe(1)
    await shell.screenshot(join(outputDir, 'shop-logs.png'))
    await detail.setFollow(false)
    await expect.poll(() => detail.following()).toBe(false)
    await detail.searchLogs('')
  })

  it('edits the description and the greeting; the shop record and the running shop follow', async () => {
    await openDetail(shop)
    await detail.openEdit()
    await detail.fillEdit('edit-description', 'Für die Messe')
    await detail.fillEdit('edit-param-greeting', 'Servus')
    await shell.screenshot(join(outputDir, 'shop-edit.png'))
    await detail.saveEdit()
    await expect.poll(async () => `${await detail.editDialog.isVisible()}${await snackbar()}`, poll).toBe('false')
    await expect.poll(() => detail.fact('description').innerText(), poll).toContain('Für die Messe')
    expect(await detail.param('greeting').innerText()).toBe('Begrüßung: Servus')
    const record = JSON.parse(readFileSync(join(bed.baseDir, shop, 'shop.json'), 'utf8')) as { description: string; params: Record<string, unknown> }
    expect(record.description).toBe('Für die Messe')
    expect(record.params['greeting']).toBe('Servus')
    await expect.poll(() => docker('exec', web(shop), 'wget', '-qO-', 'http://127.0.0.1:8080/'), poll).toContain(`Servus – ${shop}`)
  })

  it('refuses an invalid domain in the edit dialog before asking the host', async () => {
    await detail.openEdit()
    await detail.fillEdit('edit-domain', 'not a domain')
    await expect.poll(() => detail.editDialog.getByTestId('edit-domain').innerText()).toContain('Keine gültige Domain')
    expect(await detail.editDialog.getByTestId('edit-save').isDisabled()).toBe(true)
    await app.page.keyboard.press('Escape')
    await expect.poll(() => detail.editDialog.isVisible()).toBe(false)
  })

  it('shows on the page of a clone that failed at which step and why', async () => {
    // A helper image the host does not have and cannot pull (the test bed reaches no public registry).
    app.services.settings.update({ helperImage: missingHelper })
    failed = `detailfail${attempt++ || ''}`
    created.push(failed)
    await openDetail(shop)
    await detail.openClone()
    const dialog = app.page.getByTestId('create-dialog')
    await dialog.getByTestId('create-name').locator('input').fill(failed)
    await dialog.getByTestId('create-submit').click()
    const progress = app.page.getByTestId('create-progress')
    await expect.poll(() => progress.getAttribute('data-status', { timeout: 1000 }).catch(() => 'none'), poll).toBe('failed')
    // Said in German, from the words the main process gave the error, with the image named.
    expect(await app.page.getByTestId('create-error').innerText()).toContain(`Das Hilfs-Image „${missingHelper}“ ist nicht auf dem Host`)
    await app.page.keyboard.press('Escape')

    await shell.open('shops')
    await expect.poll(() => shopsPage.light(failed), poll).toBe('red')
    await shopsPage.openDetail(failed)
    await expect.poll(() => detail.failure.isVisible(), poll).toBe(true)
    expect(await detail.failure.getAttribute('data-operation')).toBe('clone')
    const text = await detail.failure.innerText()
    expect(text).toMatch(/^Klonen fehlgeschlagen bei Schritt „[^“]+“: /)
    expect(text).toContain(`Das Hilfs-Image „${missingHelper}“ ist nicht auf dem Host`)
    // The copy failed before the clone's files were written: there is nothing to start, only to clear.
    expect(text).toContain('„Löschen“ räumt auf, danach lässt er sich neu anlegen')
    expect(text).not.toContain('Starten')
    await shell.screenshot(join(outputDir, 'shop-failure.png'))
  })

  it('takes the helper image for copying volumes from the settings page', async () => {
    // The test bed reaches no public registry: the copy runs in its local busybox image.
    await shell.open('settings')
    const field = app.page.getByTestId('settings-helper-image')
    expect(await field.locator('input').inputValue()).toBe(missingHelper)
    await field.locator('input').fill('not an image!')
    await expect.poll(() => field.innerText()).toContain('Keine gültige Image-Angabe')
    expect(await app.page.getByTestId('settings-helper-image-save').isDisabled()).toBe(true)
    await field.locator('input').fill(info.image)
    await app.page.getByTestId('settings-helper-image-save').click()
    await expect.poll(() => app.services.settings.get().helperImage).toBe(info.image)
  })

  it('clones the shop from its page with all of its data; the clone appears and answers', async () => {
    clone = `detailcopy${attempt++ || ''}`
    created.push(clone)
    docker('exec', web(shop), 'sh', '-c', 'echo kept > /srv/data/marker')
    await openDetail(shop)
    await detail.openClone()
    const dialog = app.page.getByTestId('create-dialog')
    expect(await dialog.getByTestId('create-source').innerText()).toContain(shop)
    // Template, parameters and image come from the source.
    expect(await dialog.getByTestId('create-template').count()).toBe(0)
    expect(await dialog.getByTestId('create-param-greeting').count()).toBe(0)
    await dialog.getByTestId('create-name').locator('input').fill(clone)
    expect(await dialog.getByTestId('create-domain').locator('input').inputValue()).toBe(`${clone}.shops.test`)
    await dialog.getByTestId('create-submit').click()
    const progress = app.page.getByTestId('create-progress')
    // Until it ends; then which step failed and why, if it did.
    const status = () => progress.getAttribute('data-status', { timeout: 1000 }).catch(() => 'none')
    await expect.poll(status, { timeout: 100_000, interval: 200 }).not.toMatch(/^(running|none)$/)
    const error = await app.page
      .getByTestId('create-error')
      .innerText({ timeout: 100 })
      .catch(() => '')
    const failedStep = await app.page
      .locator('[data-testid^="create-step-"][data-status="failed"]')
      .getAttribute('data-testid', { timeout: 100 })
      .catch(() => '')
    expect([await status(), failedStep, error].filter(Boolean).join(': ')).toBe('succeeded')
    expect(await progress.getAttribute('data-kind')).toBe('clone')
    for (const step of ['pause', 'copy', 'resume', 'health', 'done']) {
      expect(await app.page.getByTestId(`create-step-${step}`).getAttribute('data-status'), step).toBe('done')
    }
    expect(await app.page.getByTestId('create-step-copy').innerText()).toContain('Daten kopieren')
    const bar = app.page.getByTestId('create-step-copy-progress')
    if ((await bar.count()) > 0) expect(await bar.innerText()).toMatch(/^[\d,]+ (B|kB|MB|GB) \/ [\d,]+ (B|kB|MB|GB)$/)
    expect(await app.page.getByTestId('create-url').innerText()).toBe(`https://${clone}.shops.test`)
    await shell.screenshot(join(outputDir, 'shop-clone.png'))
    await app.page.keyboard.press('Escape')

    await openDetail(clone)
    expect(await detail.fact('cloned-from').innerText()).toBe(shop)
    expect(await detail.param('greeting').innerText()).toBe('Begrüßung: Servus')
    expect(docker('exec', web(clone), 'cat', '/srv/data/marker')).toBe('kept')
    expect(docker('exec', web(clone), 'wget', '-qO-', 'http://127.0.0.1:8080/')).toContain(`Servus – ${clone}`)
    // The source runs again as before.
    await shell.open('shops')
    await expect.poll(() => shopsPage.light(shop), poll).toBe('green')
  }, 150_000)
})
