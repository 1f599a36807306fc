// Page object for the drafts page: the list, the editor and the deploy dialog.
import type { Locator, Page } from 'playwright'

export class DraftsPage {
  constructor(private readonly page: Page) {}

  row(name: string): Locator {
    return this.page.getByTestId(`draft-row-${name}`)
  }

  /** The table row of a draft (for its selection checkbox). */
  tableRow(name: string): Locator {
    return this.page.locator('tr', { has: this.row(name) })
  }

  get editor(): Locator {
    return this.page.getByTestId('draft-editor')
  }

  async fill(id: string, value: string): Promise<void> {
    await this.editor.getByTestId(id).locator('input, textarea').first().fill(value)
  }

  async save(): Promise<void> {
    await this.editor.getByTestId('draft-save').click()
    await this.editor.waitFor({ state: 'hidden' })
  }

  /** The deploy's status ('succeeded', 'running', …), or its error when it failed or did not start. */
  async deployOutcome(): Promise<string> {
    const error = await this.page
      .getByTestId('draft-deploy-error')
      .innerText({ timeout: 100 })
      .catch(() => '')
    if (error) return `error: ${error}`
    const status = await this.page
      .getByTestId('create-progress')
      .getAttribute('data-status', { timeout: 100 })
      .catch(() => 'none')
    const stepError = await this.page
      .getByTestId('create-error')
      .innerText({ timeout: 100 })
      .catch(() => '')
    return stepError ? `${status}: ${stepError}` : String(status)
  }

  action(kind: 'edit' | 'duplicate' | 'deploy' | 'remove', name: string): Locator {
    return this.page.getByTestId(`draft-${kind}-${name}`)
  }
}
