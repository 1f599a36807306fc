// Templates → "Aus Compose-Datei": a WooCommerce compose file picked (the shell's dialog stood in), the proposal
// adjusted in the dialog, problems shown there all at once, then saved and listed as a valid custom template.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { loadTemplate } from '../../src/main/templates/template-loader'
import { launchApp, outputDir, type AppUnderTest } from './harness'
import { ShellPage } from './pages/shell-page'

const composeFile = resolve(import.meta.dirname, '../fixtures/compose-import/woocommerce/docker-compose.yml')

describe('a template imported from a compose file', () => {
  let app: AppUnderTest
  let shell: ShellPage
  const custom = mkdtempSync(join(tmpdir(), 'import-templates-'))
  const dialog = () => app.page.getByTestId('import-template-dialog')
  const field = (testId: string) => dialog().getByTestId(testId).locator('input')

  beforeAll(async () => {
    app = await launchApp(inject('testbed'))
    shell = new ShellPage(app.page)
    // Instead of Electron's open dialog: the user picks the fixture.
    app.services.chooseFile = async () => composeFile
  })
  afterAll(async () => {
    await app?.close()
    rmSync(custom, { recursive: true, force: true })
  })

  it('needs a custom folder first, then proposes a template from the picked file with its notes in German', async () => {
    await shell.open('templates')
    await expect.poll(() => app.page.getByTestId('templates-import').isDisabled()).toBe(true)
    await app.page.getByTestId('templates-folder').locator('input').fill(custom)
    await app.page.getByTestId('templates-folder-apply').click()
    await expect.poll(() => app.page.getByTestId('templates-import').isEnabled()).toBe(true)
    await app.page.getByTestId('templates-import').click()
    await dialog().waitFor()
    expect(await dialog().innerText()).toContain('Vorlage aus docker-compose.yml')
    expect(await field('import-id').inputValue()).toBe('wordpress')
    expect(await dialog().getByTestId('import-entry-service').innerText()).toContain('wordpress')
    expect(await field('import-entry-port').inputValue()).toBe('80')
    const notes = await dialog().getByTestId('import-notes').innerText()
    expect(notes).toContain('Veröffentlichte Ports von „wordpress“ entfernt (8080:80)')
    expect(notes).toContain('MYSQL_PASSWORD von „db“ hatte denselben Wert und bekommt dasselbe Geheimnis „wordpress_db_password“')
    expect(notes).toContain('Ordner ./data von „db“ wird zum Volume „data“')
    expect(notes).not.toContain('s3cret-wp')
    expect(await dialog().getByTestId('import-secret-0').innerText()).toContain('wordpress.WORDPRESS_DB_PASSWORD, db.MYSQL_PASSWORD')
    await shell.screenshot(join(outputDir, 'template-import.png'))
  })

  it('lists every problem at once in the dialog and writes nothing', async () => {
    await field('import-id').fill('prestashop')
    await dialog().getByTestId('import-secret-2').getByTestId('import-secret-length').locator('input').fill('4')
    await dialog().getByTestId('import-save').click()
    const problems = dialog().getByTestId('import-problem')
    await expect.poll(() => problems.count()).toBe(2)
    expect(await problems.allInnerTexts()).toEqual([
      'id: there is a template "prestashop" already',
      'template.yaml, secrets.2.length: Too small: expected number to be >=8',
    ])
    expect(readdirSync(custom)).toEqual([])
  })

  it('saves the adjusted template into the custom folder, where the list shows it as valid', async () => {
    await field('import-id').fill('woo_kunde')
    await dialog().getByTestId('import-secret-2').getByTestId('import-secret-length').locator('input').fill('40')
    await field('import-name-de').fill('WooCommerce für Kunden')
    await dialog().getByTestId('import-save').click()
    await expect.poll(() => dialog().isVisible()).toBe(false)
    expect(await app.page.getByTestId('templates-import-saved').innerText()).toContain(
      `Vorlage „WooCommerce für Kunden“ gespeichert in ${join(custom, 'woo_kunde')}`,
    )
    const card = app.page.getByTestId('template-woo_kunde')
    await expect.poll(() => card.innerText()).toContain('WooCommerce für Kunden')
    expect(await card.innerText()).toContain('Eigene')
    expect(await app.page.getByTestId('template-problem-woo_kunde').count()).toBe(0)
    // On disk: the two files, read by the loader as any template, the secrets as generated and no literal left.
    const dir = join(custom, 'woo_kunde')
    expect(readdirSync(dir).sort()).toEqual(['compose.yaml', 'template.yaml'])
    const template = await loadTemplate(dir, 'woo_kunde', 'custom')
    expect(template.manifest.secrets.map((s) => s.id)).toEqual(['wordpress_db_password', 'wordpress_auth_key', 'mysql_root_password'])
    expect(template.manifest.secrets[2]).toMatchObject({ length: 40 })
    expect(readFileSync(join(dir, 'compose.yaml'), 'utf8')).not.toContain('r00t-pw')
    expect((await app.services.templates.list()).templates.map((t) => t.id)).toContain('woo_kunde')
    expect(existsSync(join(custom, 'prestashop'))).toBe(false)
  })
})
