/// <reference lib="dom" />
// Drafts: prepared before the meeting, edited, duplicated, exported for a colleague, then deployed to the host.
// Also the wizard's domain check for a name that does not resolve.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { launchApp, outputDir, type AppUnderTest } from './harness'
import { chooseOption } from './pages/choose-option'
import { DraftsPage } from './pages/drafts-page'
import { ShellPage } from './pages/shell-page'
import { testbedDocker } from '../support/testbed-dir'
import { e2eHostBed, type E2eHostBed } from './testbed-host'

const info = inject('testbed')
const { docker } = testbedDocker(info)
const poll = { timeout: 30_000, interval: 100 }
const draft = 'entwurf'
const created: string[] = [draft]

describe('drafts in Chromium', () => {
  let app: AppUnderTest
  let bed: E2eHostBed
  let shell: ShellPage
  let page: DraftsPage

  const snackbar = async (): Promise<string> => {
    const bar = app.page.getByTestId('error-snackbar')
    return (await bar.count()) > 0 ? bar.innerText().catch(() => '') : ''
  }

  beforeAll(async () => {
    bed = e2eHostBed(info, 'drafts')
    app = await launchApp(info)
    await bed.addHost(app)
    // Lookups stay on loopback: nothing resolves, nothing leaves the machine.
    app.services.settings.update({ dnsResolvers: ['127.0.0.1:9'] })
    await app.reload()
    shell = new ShellPage(app.page)
    page = new DraftsPage(app.page)
  })
  afterAll(async () => {
    await app?.close()
    bed?.cleanup(created)
  })

  it('creates a draft and edits it', async () => {
    await shell.open('drafts')
    await app.page.getByTestId('draft-new').click()
    await page.editor.waitFor()
    await page.fill('draft-name', 'Müller')
    await expect.poll(() => page.editor.getByTestId('draft-name').innerText()).toContain('Nur Kleinbuchstaben und Ziffern')
    await page.fill('draft-name', draft)
    await chooseOption(app.page, page.editor.getByTestId('draft-template'), 'Test-Shop (busybox)')
    await page.fill('draft-param-greeting', 'Moin')
    await page.fill('draft-notes', 'Für die Messe')
    await page.save()
    await expect.poll(() => page.row(draft).count()).toBe(1)
    const saved = app.services.drafts.list().drafts.find((d) => d.name === draft)!
    expect(saved.domain).toBe(`${draft}.shops.test`)
    expect(saved.params['greeting']).toBe('Moin')

    await page.action('edit', draft).click()
    await page.editor.waitFor()
    expect(await page.editor.getByTestId('draft-notes').locator('textarea').first().inputValue()).toBe('Für die Messe')
    await page.fill('draft-description', 'Bäckerei am Markt')
    await page.save()
    await expect.poll(() => app.services.drafts.list().drafts.find((d) => d.name === draft)?.description).toBe('Bäckerei am Markt')
  })

  it('duplicates a draft and deletes the duplicate after confirming', async () => {
    await page.action('duplicate', draft).click()
    await expect.poll(() => page.row(`${draft}2`).count()).toBe(1)
    await page.action('remove', `${draft}2`).click()
    await app.page.getByTestId('draft-remove-confirm').click()
    await expect.poll(() => page.row(`${draft}2`).count()).toBe(0)
    expect(await page.row(draft).count()).toBe(1)
    expect(app.services.drafts.list().drafts.map((d) => d.name)).toEqual([draft])
  })

  it('exports the selected drafts as a file', async () => {
    await page.tableRow(draft).locator('input[type=checkbox]').check()
    const download = app.page.waitForEvent('download')
    await app.page.getByTestId('drafts-export').click()
    const file = await download
    expect(file.suggestedFilename()).toMatch(/^shop-manager-drafts-\d{4}-\d\d-\d\d\.json$/)
    const target = join(outputDir, 'drafts-export.json')
    await file.saveAs(target)
    const content = JSON.parse(readFileSync(target, 'utf8')) as { format: string; drafts: { name: string; description: string }[] }
    expect(content.format).toBe('shop-manager-drafts')
    expect(content.drafts).toEqual([expect.objectContaining({ name: draft, description: 'Bäckerei am Markt' })])
  })

  it('deploys the draft to the host: progress until done, then the draft shows where it went', async () => {
    await page.action('deploy', draft).click()
    await expect.poll(() => page.deployOutcome(), { timeout: 90_000, interval: 200 }).toBe('succeeded')
    expect(await app.page.getByTestId('create-step-done').getAttribute('data-status')).toBe('done')
    await shell.screenshot(join(outputDir, 'drafts-deployed.png'))
    await app.page.getByTestId('draft-deploy-close').click()
    await expect.poll(async () => `${await app.page.getByTestId(`draft-deployed-${draft}`).count()}${await snackbar()}`, poll).toBe('1')
    const web = docker('ps', '-q', '--filter', `label=com.docker.compose.project=${draft}`)
    expect(docker('exec', web, 'wget', '-q', '-O', '-', 'http://127.0.0.1:8080/')).toContain(`Moin – ${draft}`)
  })

  it('checks a domain in the wizard and says that it does not resolve', async () => {
    await shell.open('shops')
    await app.page.getByTestId('shop-create').click()
    const dialog = app.page.getByTestId('create-dialog')
    await dialog.getByTestId('create-name').locator('input').fill('nix')
    await dialog.getByTestId('create-external').locator('input').check()
    await dialog.getByTestId('create-domain').locator('input').fill('nix.shops.test')
    await dialog.getByTestId('create-domain-check').click()
    const result = dialog.getByTestId('domain-check-result')
    await expect
      .poll(
        async () =>
          `${await result.count()}${await snackbar()}${await dialog
            .getByTestId('domain-check-error')
            .innerText({ timeout: 100 })
            .catch(() => '')}`,
        poll,
      )
      .toBe('1')
    expect(['dns_failed', 'no_address']).toContain(await result.getAttribute('data-code'))
    expect(await result.getAttribute('data-verdict')).toBe('error')
    expect(await dialog.getByTestId('domain-check-sentence').innerText()).toMatch(
      /nix\.shops\.test (hat keinen DNS-Eintrag)|Der DNS-Eintrag von nix\.shops\.test ließ sich nicht abfragen/,
    )
    await app.page.keyboard.press('Escape')
  })
})
