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
}
