// The Templates page: bundled templates in the user's language, a custom folder, and a broken template named;
// an admin installs a template on a host for the gate.
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { launchApp, outputDir, type AppUnderTest } from './harness'
import { ShellPage } from './pages/shell-page'
import { e2eHostBed, type E2eHostBed } from './testbed-host'

describe('templates page', () => {
  let app: AppUnderTest
  let shell: ShellPage
  let bed: E2eHostBed
  let hostId = ''
  const info = inject('testbed')
  const home = `/home/${info.ssh.teamUser}`
  const custom = mkdtempSync(join(tmpdir(), 'custom-templates-'))

  beforeAll(async () => {
    const bundled = resolve(import.meta.dirname, '../../templates')
    cpSync(join(bundled, 'busybox'), join(custom, 'hausmarke'), { recursive: true })
    cpSync(join(bundled, 'busybox'), join(custom, 'kaputt'), { recursive: true })
    const manifest = join(custom, 'kaputt', 'template.yaml')
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('service: web\n  port', 'service: frontend\n  port'))
    // An alias bomb (nine levels of ten aliases each): it must not take the list, or any other template, down.
    mkdirSync(join(custom, 'bombe'))
    const levels = ['a: &a [' + Array(10).fill('"x"').join(',') + ']']
    for (let i = 1; i < 9; i++)
      levels.push(
        `l${i}: &l${i} [${Array(10)
          .fill(i === 1 ? '*a' : `*l${i - 1}`)
          .join(',')}]`,
      )
    writeFileSync(join(custom, 'bombe', 'template.yaml'), `${levels.join('\n')}\n`)
    // A template that would bring compose an override file of its own (privileged, published ports).
    cpSync(join(bundled, 'busybox'), join(custom, 'ueberschrieben'), { recursive: true })
    const overridden = join(custom, 'ueberschrieben', 'template.yaml')
    writeFileSync(
      overridden,
      readFileSync(overridden, 'utf8').replace('compose: compose.yaml\n', 'compose: compose.yaml\nfiles: [docker-compose.override.yml]\n'),
    )
    writeFileSync(join(custom, 'ueberschrieben', 'docker-compose.override.yml'), 'services:\n  web:\n    privileged: true\n')
    // The host to install on: a login whose home is the test's own.
    rmSync(join(home, '.shopmanager'), { recursive: true, force: true })
    mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 })
    writeFileSync(join(home, '.ssh', 'authorized_keys'), readFileSync(`${info.ssh.keys.ed25519}.pub`, 'utf8'), { mode: 0o600 })
    execFileSync('chown', ['-R', `${info.ssh.teamUser}:`, join(home, '.ssh')])
    bed = e2eHostBed(info, 'templates')
    app = await launchApp(info)
    hostId = (await bed.addHost(app, { name: 'Vorlagen-Host', user: info.ssh.teamUser, activate: false })).id
    await app.reload()
    shell = new ShellPage(app.page)
  })
  afterAll(async () => {
    await app?.close()
    bed?.cleanup([])
    rmSync(join(home, '.shopmanager'), { recursive: true, force: true })
    rmSync(join(home, '.ssh'), { recursive: true, force: true })
  })

  it('lists the bundled templates in German', async () => {
    await shell.open('templates')
    await expect.poll(() => app.page.getByTestId('template-b2xproc').innerText()).toContain('b2Xproc B2B-Shop')
    expect(await app.page.getByTestId('template-prestashop').innerText()).toContain('Mitgeliefert')
    expect(await app.page.getByTestId('template-busybox').innerText()).toContain('Begrüßung')
  })

  it('adds a custom folder: its templates appear, a broken one is named with file and field', async () => {
    await app.page.getByTestId('templates-folder').locator('input').fill(custom)
    await app.page.getByTestId('templates-folder-apply').click()
    await expect.poll(() => app.page.getByTestId('template-hausmarke').innerText()).toContain('Eigene')
    await expect
      .poll(() => app.page.getByTestId('template-problem-kaputt').innerText())
      .toContain('kaputt/template.yaml, entry.service: no service "frontend" in compose.yaml')
    // The broken ones are named with file and reason, in German; the bundled and the good custom one stay.
    const bomb = await app.page.getByTestId('template-problem-bombe').innerText()
    expect(bomb).toContain('Vorlage „bombe“ ist fehlerhaft')
    expect(bomb).toContain('Datei: bombe/template.yaml')
    expect(bomb).toContain('Grund: too many YAML aliases')
    expect(await app.page.getByTestId('template-b2xproc').isVisible()).toBe(true)
    expect(await app.page.getByTestId('template-hausmarke').isVisible()).toBe(true)
    expect(app.services.settings.get().customTemplatesDir).toBe(custom)
    await shell.screenshot(join(outputDir, 'templates.png'))
  })

  it('names a template that brings a file compose reads by itself, in German', async () => {
    const problem = await app.page.getByTestId('template-problem-ueberschrieben').innerText()
    expect(problem).toContain('compose liest diese Datei im Shop-Verzeichnis von selbst')
    expect(problem).toContain('docker-compose.override.yml')
  })

  it('installs a template on an admin host: its folder is there as the loader reads it, and the card says so', async () => {
    const card = app.page.getByTestId('template-busybox')
    await card.getByTestId('template-install').click()
    await app.page.locator('.v-overlay--active').getByTestId(`template-install-host-${hostId}`).click()
    await expect
      .poll(
        () =>
          card
            .getByTestId('template-install-result')
            .innerText({ timeout: 100 })
            .catch(() => ''),
        { timeout: 20_000 },
      )
      .toContain('Auf Vorlagen-Host installiert')
    const installed = join(home, '.shopmanager', 'templates', 'busybox')
    expect(readFileSync(join(installed, 'template.yaml'), 'utf8')).toBe(
      readFileSync(resolve(import.meta.dirname, '../../templates/busybox/template.yaml'), 'utf8'),
    )
    expect(existsSync(join(installed, 'compose.yaml'))).toBe(true)
    // Again: nothing to change.
    await card.getByTestId('template-install').click()
    await app.page.locator('.v-overlay--active').getByTestId(`template-install-host-${hostId}`).click()
    await expect
      .poll(
        () =>
          card
            .getByTestId('template-install-result')
            .innerText({ timeout: 100 })
            .catch(() => ''),
        { timeout: 20_000 },
      )
      .toContain('schon in dieser Fassung')
  })
})
