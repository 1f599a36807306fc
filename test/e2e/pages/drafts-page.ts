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

  action(kind: 'edit' | 'duplicate' | 'deploy' | 'remove', name: string): Locator {
    return this.page.getByTestId(`draft-${kind}-${name}`)
  }
}
