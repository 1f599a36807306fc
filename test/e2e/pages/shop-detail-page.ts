// Page object for a shop's detail page: facts, failure, edit and clone, and the logs panel.
import { readFile } from 'node:fs/promises'
import type { Locator, Page } from 'playwright'

export class ShopDetailPage {
  constructor(private readonly page: Page) {}

  get facts(): Locator {
    return this.page.getByTestId('shop-detail')
  }

  get failure(): Locator {
    return this.page.getByTestId('shop-failure')
  }

  fact(id: 'description' | 'languages' | 'image' | 'cloned-from' | 'domain'): Locator {
    return this.page.getByTestId(`shop-${id}`)
  }

  param(id: string): Locator {
    return this.page.getByTestId(`shop-param-${id}`)
  }

  get editButton(): Locator {
    return this.page.getByTestId('shop-edit')
  }

  async openEdit(): Promise<void> {
    await this.editButton.click()
    await this.editDialog.waitFor()
  }

  get editDialog(): Locator {
    return this.page.getByTestId('edit-dialog')
  }

  async fillEdit(field: string, value: string): Promise<void> {
    await this.editDialog.getByTestId(field).locator('input, textarea').first().fill(value)
  }

  async saveEdit(): Promise<void> {
    await this.editDialog.getByTestId('edit-save').click()
  }

  async openClone(): Promise<void> {
    await this.page.getByTestId('shop-clone').click()
    await this.page.getByTestId('create-dialog').waitFor()
  }

  async openLogs(): Promise<void> {
    await this.page.getByTestId('shop-tab-logs').click()
    await this.logs.waitFor()
  }

  get logs(): Locator {
    return this.page.getByTestId('logs-panel')
  }

  /** The lines the panel renders (a virtual list: those in view). */
  get logLines(): Locator {
    return this.page.getByTestId('logs-lines')
  }

  async logText(): Promise<string> {
    return this.logLines.innerText()
  }

  /** Lines shown (after the search) and lines held. */
  async logCount(): Promise<{ shown: number; total: number }> {
    const count = this.page.getByTestId('logs-count')
    return { shown: Number(await count.getAttribute('data-shown')), total: Number(await count.getAttribute('data-total')) }
  }

  async searchLogs(text: string): Promise<void> {
    await this.page.getByTestId('logs-search').locator('input').fill(text)
  }

  async reloadLogs(): Promise<void> {
    await this.page.getByTestId('logs-reload').click()
  }

  async setFollow(on: boolean): Promise<void> {
    const input = this.page.getByTestId('logs-follow').locator('input')
    if ((await input.isChecked()) !== on) await input.click()
  }

  async following(): Promise<boolean> {
    return (await this.logs.getAttribute('data-following')) === 'true'
  }

  async logsError(): Promise<string> {
    const alert = this.page.getByTestId('logs-error')
    return (await alert.count()) > 0 ? alert.innerText() : ''
  }

  /** Saves the shown lines as the browser's download; returns the file's suggested name and content. */
  async saveLogs(): Promise<{ name: string; content: string }> {
    const [download] = await Promise.all([this.page.waitForEvent('download'), this.page.getByTestId('logs-save').click()])
    const path = await download.path()
    return { name: download.suggestedFilename(), content: await readFile(path, 'utf8') }
  }

  async copyLogs(): Promise<void> {
    await this.page.getByTestId('logs-copy').click()
  }
}
