// Page object for a shop's Backups tab: the list, making a backup and restoring one.
import type { Locator, Page } from 'playwright'

export class BackupsPage {
  constructor(private readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByTestId('shop-tab-backups').click()
    await this.page.getByTestId('shop-backups').waitFor()
  }

  /** The ids of the listed backups, newest first. */
  async ids(): Promise<string[]> {
    const rows = await this.page.locator('[data-testid^="backup-row-"]').all()
    return Promise.all(rows.map(async (row) => (await row.getAttribute('data-testid'))!.replace('backup-row-', '')))
  }

  get progress(): Locator {
    return this.page.getByTestId('backup-progress-dialog').getByTestId('create-progress')
  }

  /** The operation's status, or its error when it failed. */
  async outcome(): Promise<string> {
    const start = await this.page
      .getByTestId('backup-start-error')
      .innerText({ timeout: 100 })
      .catch(() => '')
    if (start) return `error: ${start}`
    const status = await this.progress.getAttribute('data-status', { timeout: 100 }).catch(() => 'none')
    const error = await this.page
      .getByTestId('create-error')
      .innerText({ timeout: 100 })
      .catch(() => '')
    return error ? `${status}: ${error}` : String(status)
  }

  async closeProgress(): Promise<void> {
    await this.page.getByTestId('backup-progress-close').click()
    await this.page.getByTestId('backup-progress-dialog').waitFor({ state: 'hidden' })
  }
}
