// Page object for a host's admin dialogs: the domain mode in the host form, host setup, team keys.
import type { Locator, Page } from 'playwright'
import { chooseOption } from './choose-option'

export class HostAdminPage {
  constructor(private readonly page: Page) {}

  card(hostId: string): Locator {
    return this.page.getByTestId(`host-${hostId}`)
  }

  /** Picks a v-select option by its visible title. */
  choose(select: Locator, title: string): Promise<void> {
    return chooseOption(this.page, select, title)
  }

  async setDomainMode(hostId: string, title: string): Promise<void> {
    await this.card(hostId).getByTestId('host-edit').click()
    const form = this.page.getByTestId('host-form')
    await this.choose(form.getByTestId('host-domain-mode'), title)
    await form.getByTestId('host-save').click()
    await form.waitFor({ state: 'hidden' })
  }

  domainModeChip(hostId: string): Locator {
    return this.card(hostId).getByTestId('host-domain-mode-chip')
  }

  get setup(): Locator {
    return this.page.getByTestId('setup-dialog')
  }

  async openSetup(hostId: string): Promise<void> {
    await this.card(hostId).getByTestId('host-setup').click()
    await this.setup.waitFor()
  }

  get team(): Locator {
    return this.page.getByTestId('team-dialog')
  }

  async openTeam(hostId: string): Promise<void> {
    await this.card(hostId).getByTestId('host-team').click()
    await this.team.waitFor()
  }

  /** Closes the team dialog by its button (an Escape may reach a dialog that is still closing instead). */
  async closeTeam(): Promise<void> {
    await this.team.getByRole('button', { name: 'Schließen' }).click()
    await this.team.waitFor({ state: 'hidden' })
  }

  teamRows(): Locator {
    return this.team.getByTestId('team-row')
  }
}
