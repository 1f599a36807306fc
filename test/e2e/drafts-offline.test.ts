/// <reference lib="dom" />
// Drafts in the field: a store file that was cut off is moved aside and reported at start; with the host's sshd
// down the drafts page says it is offline and drafts are made, duplicated and imported all the same; once sshd is
// back, a draft is deployed.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { restartSshd } from '../integration/support/testbed-control'
import { launchApp, outputDir, type AppUnderTest } from './harness'
import { chooseOption } from './pages/choose-option'
import { DraftsPage } from './pages/drafts-page'
import { ShellPage } from './pages/shell-page'
import { e2eHostBed, type E2eHostBed } from './testbed-host'

const info = inject('testbed')
const poll = { timeout: 30_000, interval: 100 }
const draft = 'feldtest'
/** What a crash in the middle of a write would leave, if the store did not write atomically. */
const truncated = '{"drafts":[{"id":"7f0c2a8e-3b1d-4c55-9a71-0d2f5e6b8c90","name":"messe","templateId":"busy'

describe('drafts offline in Chromium', () => {
  let app: AppUnderTest
  let bed: E2eHostBed
  let shell: ShellPage
  let page: DraftsPage
  let hostId: string

  beforeAll(async () => {
    bed = e2eHostBed(info, 'drafts-offline')
    app = await launchApp(info, { beforeStart: (dataDir) => writeFileSync(join(dataDir, 'drafts.json'), truncated) })
    hostId = (await bed.addHost(app)).id
    await app.reload()
    shell = new ShellPage(app.page)
    page = new DraftsPage(app.page)
  })
  afterAll(async () => {
    await app?.close()
    bed?.cleanup([draft])
  })

  it('reports the cut-off store file, moved aside with its content kept, and starts with no drafts', async () => {
    await shell.open('drafts')
    const banner = app.page.getByTestId('drafts-recovered')
    await banner.waitFor()
    const movedTo = /nach (\S+) verschoben/.exec(await banner.innerText())?.[1] ?? ''
    expect(movedTo).toMatch(/drafts\.json\.corrupt-\d{4}-\d\d-\d\dT/)
    expect(readFileSync(movedTo, 'utf8')).toBe(truncated)
    expect(await page.row('messe').count()).toBe(0)
  })

  it('says the host is offline while its sshd is down, and drafts are made, duplicated and imported all the same', async () => {
    await expect.poll(() => shell.statusConnection.getAttribute('data-state'), poll).toBe('connected')
    const down = restartSshd(10)
    await app.page.getByTestId('drafts-offline').waitFor({ timeout: 15_000 })
    await app.page.getByTestId('draft-new').click()
    await page.editor.waitFor()
    await page.fill('draft-name', draft)
    await chooseOption(app.page, page.editor.getByTestId('draft-template'), 'Test-Shop (busybox)')
    await page.fill('draft-notes', 'Ohne Netz vorbereitet')
    await page.save()
    await expect.poll(() => page.row(draft).count(), poll).toBe(1)
    await page.action('duplicate', draft).click()
    await expect.poll(() => page.row(`${draft}2`).count(), poll).toBe(1)
    const file = join(outputDir, 'drafts-offline-import.json')
    writeFileSync(
      file,
      JSON.stringify({
        format: 'shop-manager-drafts',
        version: 1,
        drafts: [
          {
            id: '0b6f3f0e-58a4-4d8e-9d3c-2a7c1c0e9f11',
            createdAt: '2026-11-20T09:00:00.000Z',
            updatedAt: '2026-11-20T09:00:00.000Z',
            deployed: null,
            hostId,
            name: 'kollege',
            description: 'Vom Admin',
            templateId: 'busybox',
            domain: 'kollege.shops.test',
            params: {},
            notes: '',
          },
        ],
      }),
    )
    await app.page.getByTestId('drafts-import-file').setInputFiles(file)
    await expect.poll(() => page.row('kollege').count(), poll).toBe(1)
    expect(await app.page.getByTestId('drafts-offline').isVisible()).toBe(true)
    await shell.screenshot(join(outputDir, 'drafts-offline.png'))
    await down
  })

  it('deploys once the host is back', async () => {
    await expect.poll(() => app.page.getByTestId('drafts-offline').count(), { timeout: 60_000, interval: 200 }).toBe(0)
    await page.action('deploy', draft).click()
    await expect.poll(() => page.deployOutcome(), { timeout: 90_000, interval: 200 }).toBe('succeeded')
    await app.page.getByTestId('draft-deploy-close').click()
    await expect.poll(() => app.page.getByTestId(`draft-deployed-${draft}`).count(), poll).toBe(1)
    expect(existsSync(join(bed.baseDir, draft, 'docker-compose.yml')) || existsSync(join(bed.baseDir, draft, 'compose.yaml'))).toBe(true)
  })
})
