/// <reference lib="dom" />
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { launchApp, outputDir, type AppUnderTest } from './harness'
import { ShellPage } from './pages/shell-page'

describe('app shell in Chromium with the real main-process handlers', () => {
  let app: AppUnderTest
  let shell: ShellPage

  beforeAll(async () => {
    app = await launchApp(inject('testbed'))
    shell = new ShellPage(app.page)
  })
  afterAll(async () => {
    await app?.close()
  })

  it('renders in German by default, with every section in the navigation', async () => {
    await expect.poll(() => app.page.locator('html').getAttribute('lang')).toBe('de')
    const labels = await Promise.all((['shops', 'drafts', 'hosts', 'templates', 'settings'] as const).map((s) => shell.nav(s).innerText()))
    expect(labels.map((l) => l.trim())).toEqual(['Shops', 'Entwürfe', 'Hosts', 'Vorlagen', 'Einstellungen'])
    await expect.poll(() => shell.statusHost.innerText()).toMatch(/kein host/i)
    await shell.screenshot(join(outputDir, 'shell-de.png'))
  })

  it('navigates between sections', async () => {
    await shell.open('settings')
    await expect.poll(() => shell.title.innerText()).toBe('Einstellungen')
    await expect.poll(() => app.page.getByTestId('about-data-dir').innerText()).toContain(app.dataDir)
    await shell.open('drafts')
    await expect.poll(() => shell.title.innerText()).toBe('Entwürfe')
  })

  it('switches to English and keeps the choice in the main process across a restart', async () => {
    await shell.switchLocale('en')
    await expect.poll(() => shell.nav('drafts').innerText()).toBe('Drafts')
    await expect.poll(() => shell.title.innerText()).toBe('Drafts')
    await expect.poll(() => app.page.locator('html').getAttribute('lang')).toBe('en')
    // The real settings service wrote it to its store file on disk.
    const stored = JSON.parse(await readFile(join(app.dataDir, 'settings.json'), 'utf8')) as { settings: { locale: string } }
    expect(stored.settings.locale).toBe('en')
    await app.reload()
    shell = new ShellPage(app.page)
    await expect.poll(() => shell.nav('templates').innerText()).toBe('Templates')
    await shell.screenshot(join(outputDir, 'shell-en.png'))
  })

  it('toggles between light and dark, text included', async () => {
    const colorsOf = () =>
      app.page.evaluate(() => {
        const title = document.querySelector('[data-testid="page-title"]')!
        return { background: getComputedStyle(document.querySelector('.v-application')!).backgroundColor, text: getComputedStyle(title).color }
      })
    await shell.title.waitFor() // the page after the restart above may still be loading its view
    const before = await colorsOf()
    await shell.toggleTheme()
    await expect.poll(async () => (await colorsOf()).background).not.toBe(before.background)
    await expect.poll(async () => (await colorsOf()).text).not.toBe(before.text)
    expect(['light', 'dark']).toContain(app.services.settings.get().theme)
    await app.page.waitForTimeout(600) // let the repaint finish, for a faithful picture
    await shell.screenshot(join(outputDir, `shell-${app.services.settings.get().theme}.png`))
  })

  it('shows the active host and its connection state as the main process pushes them', async () => {
    await expect.poll(() => app.bridge.listeners()).toBeGreaterThan(0)
    app.services.settings.update({ activeHostId: 'hetzner-demo' })
    await expect.poll(() => shell.statusHost.innerText()).toContain('hetzner-demo')
    app.services.connections.set('hetzner-demo', 'connecting')
    await expect.poll(() => shell.statusConnection.innerText()).toMatch(/connecting/i)
    app.services.connections.set('hetzner-demo', 'connected')
    await expect.poll(() => shell.statusConnection.innerText()).toMatch(/^connected/i)
    app.services.connections.set('hetzner-demo', 'offline', 'Host unreachable')
    await expect.poll(() => shell.statusConnection.innerText()).toMatch(/offline/i)
  })

  it('refuses calls from a foreign origin', async () => {
    const response = await fetch(`${app.bridge.url}/__bridge/invoke`, {
      method: 'POST',
      headers: { origin: 'http://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'settings:update', input: { locale: 'de' } }),
    })
    expect(response.status).toBe(403)
    expect(app.services.settings.get().locale).toBe('en')
  })
})
