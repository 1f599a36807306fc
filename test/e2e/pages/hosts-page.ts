// Page object for the Hosts page: the add form, the trust dialog, a host's card.
import type { Locator, Page } from 'playwright'

export interface HostForm {
  name: string
  address: string
  port: number
  user: string
  privateKey: string
  passphrase?: string
  dockerSocket: string
  baseDir: string
}

export class HostsPage {
  constructor(private readonly page: Page) {}

  async add(form: HostForm): Promise<void> {
    await this.page.getByTestId('host-add').click()
    const dialog = this.page.getByTestId('host-form')
    const fill = async (id: string, value: string): Promise<void> => {
      const field = dialog.getByTestId(id).locator('input, textarea').first()
      await field.fill(value)
    }
    await fill('host-name', form.name)
    await fill('host-address', form.address)
    await fill('host-port', String(form.port))
    await fill('host-user', form.user)
    await fill('host-private-key', form.privateKey)
    if (form.passphrase) await fill('host-passphrase', form.passphrase)
    await fill('host-docker-socket', form.dockerSocket)
    await fill('host-base-dir', form.baseDir)
    await dialog.getByTestId('host-save').click()
  }

  get formError(): Locator {
    return this.page.getByTestId('host-form-error')
  }

  get trustFingerprint(): Locator {
    return this.page.getByTestId('trust-fingerprint')
  }

  async confirmTrust(): Promise<void> {
    await this.page.getByTestId('trust-confirm').click()
  }

  card(hostId: string): Locator {
    return this.page.getByTestId(`host-${hostId}`)
  }

  check(hostId: string, check: string): Locator {
    return this.card(hostId).getByTestId(`probe-${check}`)
  }

  async activate(hostId: string): Promise<void> {
    await this.card(hostId).getByTestId('host-activate').click()
  }
}
