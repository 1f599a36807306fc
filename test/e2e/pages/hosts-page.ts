// Page object for the Hosts page: the add form, the trust dialog, a host's card, the connection file (export on an
// admin's card, import on the page).
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
    // Once there is an identity it is the default login; this form logs in with a pasted key.
    await dialog.getByTestId('host-auth-key').locator('input').check()
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

  /** An admin's card: the connection file dialog, open, with its text read. */
  async exportConnection(hostId: string): Promise<string> {
    await this.card(hostId).getByTestId('host-connection-file').click()
    const text = this.connectionFile.getByTestId('connection-file-text').locator('textarea').first()
    await text.waitFor()
    return text.inputValue()
  }

  get connectionFile(): Locator {
    return this.page.getByTestId('connection-file-dialog')
  }

  get importDialog(): Locator {
    return this.page.getByTestId('import-connection-dialog')
  }

  async openImport(): Promise<void> {
    await this.page.getByTestId('host-import').click()
    await this.importDialog.waitFor()
  }

  /** Pastes the text, or picks it as a file when a file name is given, and imports. */
  async importConnection(text: string, fileName?: string): Promise<void> {
    if (fileName) await this.importDialog.getByTestId('import-file').setInputFiles({ name: fileName, mimeType: 'application/json', buffer: Buffer.from(text) })
    else await this.importDialog.getByTestId('import-text').locator('textarea').first().fill(text)
    await this.importDialog.getByTestId('import-submit').click()
  }

  state(hostId: string): Locator {
    return this.card(hostId).getByTestId('host-state')
  }
}
