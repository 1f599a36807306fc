/// <reference lib="dom" />
// The wizard at the customer meeting: type a name, press Create, watch it become healthy, show URL, QR, login.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { launchApp, outputDir, type AppUnderTest } from './harness'
import { ShellPage } from './pages/shell-page'
import { ShopsPage } from './pages/shops-page'
import { chooseOption } from './pages/choose-option'
import { testbedDocker } from '../support/testbed-dir'
import { e2eHostBed, type E2eHostBed } from './testbed-host'

const info = inject('testbed')
const { docker } = testbedDocker(info)
const poll = { timeout: 30_000, interval: 100 }
// A name of its own per attempt, so a retried test does not meet the shop of the first attempt.
let shop = 'wizard'
let attempt = 0
const created: string[] = []

describe('create wizard in Chromium', () => {
  let app: AppUnderTest
  let bed: E2eHostBed
  let shell: ShellPage

  beforeAll(async () => {
    bed = e2eHostBed(info, 'wizard')
    app = await launchApp(info)
    // The host is set up as on the Hosts page (tested there); here the wizard is what counts.
    await bed.addHost(app)
    await app.reload()
    shell = new ShellPage(app.page)
  })
  afterAll(async () => {
    await app?.close()
    bed?.cleanup(created)
  })

  it('checks the name as it is typed', async () => {
    await shell.open('shops')
    await app.page.getByTestId('shop-create').click()
    const name = app.page.getByTestId('create-name').locator('input')
    await name.fill('Müller')
    await expect.poll(() => app.page.getByTestId('create-name').innerText()).toContain('Nur Kleinbuchstaben und Ziffern')
    expect(await app.page.getByTestId('create-submit').isDisabled()).toBe(true)
    await name.fill('traefik')
    await expect.poll(() => app.page.getByTestId('create-name').innerText()).toContain('reserviert')
  })

  it('creates the shop, shows each step until healthy, then the URL, a QR code and the admin login', async () => {
    shop = `wizard${attempt++ || ''}`
    created.push(shop)
    if (!(await app.page.getByTestId('create-name').isVisible())) {
      await app.page.keyboard.press('Escape')
      await app.page.getByTestId('shop-create').click()
    }
    // The wizard starts on a real template; the test shop is picked on purpose.
    await chooseOption(app.page, app.page.getByTestId('create-template'), 'Test-Shop (busybox)')
    await app.page.getByTestId('create-name').locator('input').fill(shop)
    expect(await app.page.getByTestId('create-domain').locator('input').inputValue()).toBe(`${shop}.shops.test`)
    await app.page.getByTestId('create-param-greeting').locator('input').fill('Grüezi')
    await app.page.getByTestId('create-submit').click()
    await expect.poll(() => new ShopsPage(app.page).createOutcome(), poll).toBe('succeeded')
    expect(await app.page.getByTestId('create-step-health').getAttribute('data-status')).toBe('done')
    // The containers' last state, in German.
    expect(await app.page.getByTestId('create-step-health').innerText()).toContain('web: gesund')
    // The test host manages no DNS: the step is skipped and says so in German.
    const dns = app.page.getByTestId('create-step-dns')
    expect(await dns.getAttribute('data-status')).toBe('skipped')
    expect(await dns.locator('[data-note="dnsNothing"]').innerText()).toBe('Nichts einzutragen für diese Domain')
    expect(await app.page.getByTestId('create-url').innerText()).toBe(`https://${shop}.shops.test`)
    expect(await app.page.getByTestId('shop-qr').getAttribute('src')).toMatch(/^data:image\/png;base64,/)
    expect(await app.page.getByTestId('create-password').innerText()).toBe('••••••••')
    await app.page.getByTestId('create-reveal').click()
    const secret = /SHOP_SECRET_ADMIN_PASSWORD=(\w+)/.exec(readFileSync(join(bed.baseDir, shop, '.env'), 'utf8'))![1]
    await expect
      .poll(async () => {
        const snackbar = app.page.getByTestId('error-snackbar')
        // An error would show in the snackbar: include it, so a failure says why.
        const error = (await snackbar.count()) > 0 ? await snackbar.innerText().catch(() => '') : ''
        return `${await app.page.getByTestId('create-password').innerText()}${error ? ` [${error}]` : ''}`
      })
      .toBe(secret)
    await shell.screenshot(join(outputDir, 'create-done.png'))
    // The shop really answers, with what was typed in the wizard.
    const web = docker('ps', '-q', '--filter', `label=com.docker.compose.project=${shop}`)
    expect(docker('exec', web, 'wget', '-q', '-O', '-', 'http://127.0.0.1:8080/')).toContain(`Grüezi – ${shop}`)
  })

  it('deletes the shop from its page only after its name is typed', async () => {
    await app.page.keyboard.press('Escape')
    const shopsPage = new ShopsPage(app.page)
    await shell.open('shops')
    await expect.poll(() => shopsPage.light(shop), poll).toBe('green')
    await shopsPage.openDetail(shop)
    await app.page.getByTestId('shop-delete').click()
    const go = app.page.getByTestId('shop-delete-go')
    await app.page.getByTestId('shop-delete-confirm').locator('input').fill(shop.slice(0, -1))
    expect(await go.isDisabled()).toBe(true)
    await app.page.getByTestId('shop-delete-confirm').locator('input').fill(shop)
    await go.click()
    await expect
      .poll(async () => {
        const snackbar = app.page.getByTestId('error-snackbar')
        const error = (await snackbar.count()) > 0 ? await snackbar.innerText().catch(() => '') : ''
        return `${await shell.title.innerText()}${error ? ` [${error}]` : ''}`
      }, poll)
      .toBe('Shops')
    await expect.poll(() => shopsPage.row(shop).count(), poll).toBe(0)
    expect(docker('ps', '-aq', '--filter', `label=com.docker.compose.project=${shop}`)).toBe('')
    expect(docker('volume', 'ls', '-q', '--filter', `name=${shop}_data`)).toBe('')
  })
})
