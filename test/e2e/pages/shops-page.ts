// Page object for the shops overview and a shop's detail page.
import type { Locator, Page } from 'playwright'

export class ShopsPage {
  constructor(private readonly page: Page) {}

  row(name: string): Locator {
    return this.page.getByTestId(`shop-row-${name}`)
  }

  /** The traffic light of a shop as the table shows it: green, yellow or red. */
  light(name: string): Promise<string | null> {
    return this.row(name)
      .getAttribute('data-light', { timeout: 1000 })
      .catch(() => null)
  }

  async filter(text: string): Promise<void> {
    await this.page.getByTestId('shops-filter').locator('input').fill(text)
  }

  async toggleLight(light: 'green' | 'yellow' | 'red'): Promise<void> {
    await this.page.getByTestId(`shops-light-${light}`).click()
  }

  async openDetail(name: string): Promise<void> {
    await this.row(name).click()
  }

  get containers(): Locator {
    return this.page.getByTestId('shop-containers')
  }

  /** The create wizard's progress as its status; on failure with the step's error, so a failed poll says why. */
  async createOutcome(): Promise<string> {
    const status = await this.page.getByTestId('create-progress').getAttribute('data-status')
    const error = await this.page
      .getByTestId('create-error')
      .innerText({ timeout: 100 })
      .catch(() => '')
    return error ? `${status}: ${error}` : String(status)
  }
}
