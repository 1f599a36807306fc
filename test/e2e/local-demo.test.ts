/// <reference lib="dom" />
// The demo on a laptop with no server: on the built-in "Local Docker" host (the test bed's engine stands in for the
// laptop's Docker) the wizard asks for no domain and offers no DNS check; the shop is created and the result screen
// shows http://<name>.localhost:<port>, which answers in the browser.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { LOCAL_HOST_ID } from '../../src/main/host/host-profiles'
import { launchApp, outputDir, type AppUnderTest } from './harness'
import { chooseOption } from './pages/choose-option'
import { ShellPage } from './pages/shell-page'
import { ShopsPage } from './pages/shops-page'
import { testbedDocker } from '../support/testbed-dir'

const info = inject('testbed')
const { env } = testbedDocker(info)
const poll = { timeout: 60_000, interval: 100 }
const shop = `lokal${String(process.pid).slice(-4)}`

describe('the demo on Local Docker, in Chromium', () => {
  let app: AppUnderTest
  let shell: ShellPage

  beforeAll(async () => {
    app = await launchApp(info)
    app.services.settings.update({ activeHostId: LOCAL_HOST_ID })
    await app.reload()
    shell = new ShellPage(app.page)
  })
  afterAll(async () => {
    const dir = join(app?.services.profiles.get(LOCAL_HOST_ID).baseDir ?? '', shop)
    if (app && existsSync(dir)) execFileSync('docker-compose', ['-p', shop, 'down', '-v', '-t', '1'], { cwd: dir, env, stdio: 'ignore' })
    await app?.close()
  })

  it('creates a shop with no domain to type and no DNS check, and its http://<name>.localhost:<port> answers', async () => {
    await shell.open('shops')
    await app.page.getByTestId('shop-create').click()
    const template = app.page.getByTestId('create-template')
    // The wizard starts on a template a stock Docker runs from public images, never the test-only one.
    await expect.poll(() => template.innerText(), poll).toContain('Odoo-eCommerce-Demo')
    // The test bed reaches no public registry: the test shop is picked on purpose.
    await chooseOption(app.page, template, 'Test-Shop (busybox)')
    await app.page.getByTestId('create-name').locator('input').fill(shop)
    const domain = app.page.getByTestId('create-domain')
    expect(await domain.locator('input').inputValue()).toBe(`${shop}.localhost`)
    expect(await domain.locator('input').getAttribute('readonly')).not.toBeNull()
    expect(await domain.innerText()).toContain('ohne DNS und ohne Zertifikat')
    expect(await app.page.getByTestId('create-external').count()).toBe(0)
    expect(await app.page.getByTestId('create-domain-check').count()).toBe(0)
    await app.page.getByTestId('create-param-greeting').locator('input').fill('Hallo Laptop')
    await app.page.getByTestId('create-submit').click()
    await expect.poll(() => new ShopsPage(app.page).createOutcome(), poll).toBe('succeeded')
    expect(await app.page.getByTestId('create-step-dns').getAttribute('data-status')).toBe('skipped')
    const link = app.page.getByTestId('create-url')
    const url = await link.innerText()
    expect(url).toMatch(new RegExp(`^http://${shop}\\.localhost:\\d+$`))
    expect(await link.getAttribute('href')).toBe(url)
    await shell.screenshot(join(outputDir, 'local-demo-done.png'))
    // Chromium resolves *.localhost to loopback by itself: the address on the result screen opens the shop.
    const browser = await app.page.context().newPage()
    try {
      const answer = await browser.goto(url)
      expect(answer?.status()).toBe(200)
      // busybox's httpd names no charset: the bytes as UTF-8, as the shop wrote them.
      expect((await answer!.body()).toString('utf8')).toContain(`Hallo Laptop – ${shop}`)
    } finally {
      await browser.close()
    }
    // The shop's page links the same address, and offers no DNS check for it.
    await app.page.keyboard.press('Escape')
    const shopsPage = new ShopsPage(app.page)
    await expect.poll(() => shopsPage.light(shop), poll).toBe('green')
    await shopsPage.openDetail(shop)
    const own = app.page.getByTestId('shop-domain')
    await expect.poll(() => own.getAttribute('href'), poll).toBe(url)
    expect(await own.innerText()).toBe(url)
    expect(await app.page.getByTestId('shop-domain-check').count()).toBe(0)
  })
})
