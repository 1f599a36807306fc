/// <reference lib="dom" />
// Image updates from the shop's page: a good image is applied; one whose health check fails is rolled back on
// its own and the dialog says so with the failing service's last lines; the shop is green on the old image.
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { launchApp, outputDir, type AppUnderTest } from './harness'
import { ShellPage } from './pages/shell-page'
import { ShopDetailPage } from './pages/shop-detail-page'
import { ShopsPage } from './pages/shops-page'
import { testbedDocker } from '../support/testbed-dir'
import { BROKEN_SAYS, buildUpdateImages } from '../support/update-images'
import { e2eHostBed, type E2eHostBed } from './testbed-host'

const info = inject('testbed')
const { docker } = testbedDocker(info)
const poll = { timeout: 90_000, interval: 200 }
const shop = 'auffrischung'
const GOOD = 'shopmgr/busybox-next:e2e'
const BROKEN = 'shopmgr/busybox-broken:e2e'
const web = (): string => docker('ps', '-q', '--filter', `label=com.docker.compose.project=${shop}`, '--filter', 'label=com.docker.compose.service=web')
const image = (): string => docker('inspect', '-f', '{{.Config.Image}}', web())

describe('image updates in Chromium', () => {
  let app: AppUnderTest
  let bed: E2eHostBed
  let shell: ShellPage
  let shops: ShopsPage
  let detail: ShopDetailPage

  const dialog = () => app.page.getByTestId('update-dialog')
  const status = () =>
    dialog()
      .getByTestId('create-progress')
      .getAttribute('data-status', { timeout: 100 })
      .catch(() => 'none')
  async function update(to: string): Promise<void> {
    await app.page.getByTestId('shop-update-image').click()
    await dialog().getByTestId('update-image').locator('input:not([type=hidden])').fill(to)
    await dialog().getByTestId('update-submit').click()
  }
  async function close(): Promise<void> {
    await dialog().getByRole('button', { name: 'Schließen' }).click()
    await dialog().waitFor({ state: 'hidden' })
  }

  beforeAll(async () => {
    bed = e2eHostBed(info, 'update')
    buildUpdateImages(info, { good: GOOD, broken: BROKEN })
    app = await launchApp(info)
    const host = await bed.addHost(app)
    await bed.createShop(app, host.id, shop)
    await app.reload()
    shell = new ShellPage(app.page)
    shops = new ShopsPage(app.page)
    detail = new ShopDetailPage(app.page)
  })
  afterAll(async () => {
    await app?.close()
    bed?.cleanup([shop])
  })

  it('applies a good image: the progress ends in done and the page shows the new image', async () => {
    await shell.open('shops')
    await expect.poll(() => shops.light(shop), poll).toBe('green')
    await shops.openDetail(shop)
    await update(GOOD)
    await expect.poll(status, poll).toBe('succeeded')
    await close()
    expect(image()).toBe(GOOD)
    await expect.poll(() => detail.fact('image').innerText(), poll).toContain(GOOD)
  })

  it('rolls back an image that does not become healthy, says so with the last lines, and the shop is green again', async () => {
    await update(BROKEN)
    const rolledBack = dialog().getByTestId('update-rolled-back')
    await rolledBack.waitFor({ timeout: 120_000 })
    expect(await rolledBack.innerText()).toContain(`„${BROKEN}“ wurde nicht „healthy“; der Shop läuft wieder mit ${GOOD}.`)
    expect(await rolledBack.innerText()).toContain('Die letzten Zeilen von web:')
    expect(await dialog().getByTestId('update-last-lines').innerText()).toContain(BROKEN_SAYS)
    // Said once, in the warning: no second, red box repeating it.
    expect(await dialog().getByTestId('create-error').count()).toBe(0)
    expect(await dialog().getByTestId('create-step-rollback').getAttribute('data-status')).toBe('done')
    await shell.screenshot(join(outputDir, 'update-rolled-back.png'))
    await close()
    expect(image()).toBe(GOOD)
    await shell.open('shops')
    await expect.poll(() => shops.light(shop), poll).toBe('green')
  })
})
