/// <reference lib="dom" />
// A private registry in Chromium: its login saved under Settings → Registries (the password into the keychain), the
// image picker in the update dialog lists the registry's tags newest first, and the tag picked is pulled with that
// login and runs. Without the entry the picker says why it cannot list them, and typing still works.
import { join } from 'node:path'
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { launchApp, outputDir, type AppUnderTest } from './harness'
import { ShellPage } from './pages/shell-page'
import { ShopsPage } from './pages/shops-page'
import { e2eHostBed, type E2eHostBed } from './testbed-host'

const info = inject('testbed')
const { private: priv } = info.registry
const poll = { timeout: 90_000, interval: 200 }
const shop = 'registrie'
const newest = priv.tags.at(-1)!

describe('a private registry in Chromium', () => {
  let app: AppUnderTest
  let bed: E2eHostBed
  let shell: ShellPage
  let shops: ShopsPage
  const page = () => app.page
  const dialog = () => page().getByTestId('update-dialog')
  const tagTitles = () => page().getByTestId('update-image-tag').locator('.v-list-item-title').allInnerTexts()

  beforeAll(async () => {
    bed = e2eHostBed(info, 'registries')
    app = await launchApp(info)
    const host = await bed.addHost(app)
    await bed.createShop(app, host.id, shop)
    await app.reload()
    shell = new ShellPage(page())
    shops = new ShopsPage(page())
  })
  afterAll(async () => {
    await app?.close()
    bed?.cleanup([shop])
  })

  it('saves the registry’s login: the list shows it, the password is in the keychain only', async () => {
    await shell.open('settings')
    await page().getByTestId('registry-add').click()
    const form = page().getByTestId('registry-dialog')
    await form.getByTestId('registry-host').locator('input').fill(priv.host)
    await form.getByTestId('registry-username').locator('input').fill(priv.username)
    await form.getByTestId('registry-password').locator('input').fill(priv.password)
    await form.getByTestId('registry-ca').locator('textarea').first().fill(readFileSync(info.registry.caFile, 'utf8').trim())
    await form.getByTestId('registry-save').click()
    await form.waitFor({ state: 'hidden' })
    await expect.poll(() => page().getByTestId(`registry-${priv.host}`).innerText(), poll).toContain(priv.username)
    expect(JSON.stringify(app.services.registries.list())).not.toContain(priv.password)
  })

  it('offers the registry’s tags newest first in the update dialog, and the tag picked is pulled and runs', async () => {
    // Only at the registry: the update has to pull it, with the login saved above.
    if (bed.docker('images', '-q', `${priv.host}/${priv.repository}:${newest}`)) bed.docker('rmi', `${priv.host}/${priv.repository}:${newest}`)
    await shell.open('shops')
    await expect.poll(() => shops.light(shop), poll).toBe('green')
    await shops.openDetail(shop)
    await page().getByTestId('shop-update-image').click()
    await dialog().getByTestId('update-image').locator('input:not([type=hidden])').click()
    await expect.poll(async () => (await tagTitles()).filter((t) => priv.tags.includes(t)), poll).toEqual([...priv.tags].reverse())
    await shell.screenshot(join(outputDir, 'image-picker.png'))
    await page().getByTestId('update-image-tag').filter({ hasText: newest }).first().click()
    expect(await dialog().getByTestId('update-image').locator('input:not([type=hidden])').inputValue()).toBe(`${priv.host}/${priv.repository}:${newest}`)
    await dialog().getByTestId('update-submit').click()
    await expect.poll(() => dialog().getByTestId('create-progress').getAttribute('data-status'), poll).toBe('succeeded')
    const web = bed.docker('ps', '-q', '--filter', `label=com.docker.compose.project=${shop}`, '--filter', 'label=com.docker.compose.service=web')
    expect(bed.docker('inspect', '-f', '{{index .Config.Labels "shopmgr.testbed.tag"}}', web)).toBe(newest)
    await dialog().getByRole('button', { name: 'Schließen' }).click()
    await dialog().waitFor({ state: 'hidden' })
  })

  it('without the registry’s entry (login and CA) the picker says why it cannot list tags; an image can still be typed', async () => {
    await app.services.registries.remove(priv.host)
    await app.reload()
    shell = new ShellPage(page())
    shops = new ShopsPage(page())
    await shell.open('shops')
    await shops.openDetail(shop)
    await page().getByTestId('shop-update-image').click()
    const field = dialog().getByTestId('update-image')
    await field.locator('input:not([type=hidden])').click()
    // Its certificate is from the test bed's own CA, which went with the entry: the laptop cannot check it.
    await expect.poll(() => field.innerText(), poll).toContain(`Dem Zertifikat von ${priv.host} wird nicht vertraut`)
    await field.locator('input:not([type=hidden])').fill(`${priv.host}/${priv.repository}:test`)
    expect(await dialog().getByTestId('update-submit').isEnabled()).toBe(true)
  })
})
