// Page object for the app shell: navigation, language, theme and the status bar.
import type { Locator, Page } from 'playwright'

export type Section = 'shops' | 'drafts' | 'hosts' | 'templates' | 'settings'

export class ShellPage {
  constructor(private readonly page: Page) {}

  nav(section: Section): Locator {
    return this.page.getByTestId(`nav-${section}`)
  }

  get title(): Locator {
    return this.page.getByTestId('page-title')
  }

  get statusHost(): Locator {
    return this.page.getByTestId('status-host')
  }

  get statusConnection(): Locator {
    return this.page.getByTestId('status-connection')
  }

  async open(section: Section): Promise<void> {
    await this.nav(section).click()
  }

  async switchLocale(locale: 'de' | 'en'): Promise<void> {
    await this.page.getByTestId('locale-switch').click()
    await this.page.getByTestId(`locale-${locale}`).click()
  }

  async toggleTheme(): Promise<void> {
    await this.page.getByTestId('theme-toggle').click()
  }

  async screenshot(path: string): Promise<void> {
    await this.page.screenshot({ path, fullPage: true })
  }
}
