// Picks a Vuetify v-select option by its visible title: opens the select, clicks the item in its overlay.
import type { Locator, Page } from 'playwright'

export async function chooseOption(page: Page, select: Locator, title: string): Promise<void> {
  await select.click()
  await page.locator('.v-overlay--active .v-list-item').filter({ hasText: title }).first().click()
}
