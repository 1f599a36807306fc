/// <reference lib="dom" />
// A shop's domain from its page, on a host whose shops each get their own record at Hetzner (against the emulator):
// "Prüfen" says where the name points, and "DNS-Eintrag setzen" puts a record right that someone changed by hand.
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { HetznerEmulator } from '../support/hetzner/emulator'
import { launchApp, outputDir, type AppUnderTest } from './harness'
import { ShellPage } from './pages/shell-page'
import { ShopsPage } from './pages/shops-page'
import { e2eHostBed, type E2eHostBed } from './testbed-host'

const info = inject('testbed')
const poll = { timeout: 30_000, interval: 100 }
const shop = 'domaene'

describe('a shop’s domain from its page in Chromium', () => {
  let app: AppUnderTest
  let bed: E2eHostBed
  let emulator: HetznerEmulator
  let shell: ShellPage
  let shops: ShopsPage

  beforeAll(async () => {
    emulator = await HetznerEmulator.start()
    emulator.addZone('shops.test')
    bed = e2eHostBed(info, 'domain')
    app = await launchApp(info)
    app.services.settings.update({ hetznerApiUrl: emulator.url })
    const host = await bed.addHost(app, { domainMode: 'per-shop' })
    await app.services.setup.saveDnsToken(host.id, emulator.tokens.readWrite)
    await bed.createShop(app, host.id, shop)
    await app.reload()
    shell = new ShellPage(app.page)
    shops = new ShopsPage(app.page)
  })
  afterAll(async () => {
    await app?.close()
    bed?.cleanup([shop])
    await emulator?.close()
  })

  it('checks the domain from the shop page', async () => {
    expect(emulator.rrset('shops.test', shop, 'A')?.records).toEqual([{ value: '127.0.0.1', comment: null }])
    await shell.open('shops')
    await expect.poll(() => shops.light(shop), poll).toBe('green')
    await shops.openDetail(shop)
    await app.page.getByTestId('shop-domain-check').click()
    const result = app.page.getByTestId('domain-check-result')
    await expect.poll(() => result.count(), poll).toBe(1)
    // The test machine's resolvers know no shops.test: the check says so, naming the domain.
    expect(await app.page.getByTestId('domain-check-sentence').innerText()).toContain(`${shop}.shops.test`)
  })

  it('writes the record again after someone pointed it elsewhere; a second time it is already right', async () => {
    emulator.putRRSet('shops.test', { name: shop, type: 'A', ttl: 3600, records: [{ value: '198.51.100.20', comment: null }] })
    const said = app.page.getByTestId('shop-domain-published')
    await app.page.getByTestId('shop-domain-publish').click()
    await expect.poll(() => said.innerText().catch(() => ''), poll).toBe(`${shop}.shops.test eingetragen`)
    expect(emulator.rrset('shops.test', shop, 'A')?.records).toEqual([{ value: '127.0.0.1', comment: null }])
    await app.page.getByTestId('shop-domain-publish').click()
    await expect.poll(() => said.innerText().catch(() => ''), poll).toBe(`${shop}.shops.test war schon richtig`)
    await shell.screenshot(join(outputDir, 'shop-domain.png'))
  })
})
