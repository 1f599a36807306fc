// The Templates page: bundled templates in the user's language, a custom folder, and a broken template named.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { launchApp, outputDir, type AppUnderTest } from './harness'
import { ShellPage } from './pages/shell-page'

describe('templates page', () => {
  let app: AppUnderTest
  let shell: ShellPage
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
    app = await launchApp(inject('testbed'))
    shell = new ShellPage(app.page)
  })
  afterAll(async () => {
    await app?.close()
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
})
