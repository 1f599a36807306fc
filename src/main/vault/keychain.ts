// The app's secrets (SSH keys, passphrases, API tokens) in the OS keychain, one entry per account name.
import { AppError } from '../../shared/errors'

/** The part of keytar this module uses; tests pass a fake. */
export interface KeytarApi {
  getPassword(service: string, account: string): Promise<string | null>
  setPassword(service: string, account: string, password: string): Promise<void>
  deletePassword(service: string, account: string): Promise<boolean>
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>
}

export interface KeychainOptions {
  /** Keychain service the entries are filed under; tests use a unique one. */
  service?: string
  /** Loads the keychain binding; defaults to keytar. */
  load?: () => Promise<KeytarApi>
}

export const MAX_ACCOUNT_LENGTH = 200
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/

const UNAVAILABLE = 'The system keychain is not available (on Linux: a Secret Service such as gnome-keyring on the D-Bus session bus).'

/** Loads keytar; a missing native module or library becomes `keychain_unavailable`. */
export async function loadKeytar(): Promise<KeytarApi> {
  try {
    const mod = (await import('keytar')) as KeytarApi & { default?: KeytarApi }
    return mod.default ?? mod
  } catch (error) {
    throw new AppError('keychain_unavailable', `${UNAVAILABLE} Loading keytar failed: ${reason(error)}`)
  }
}

export function validateAccount(account: unknown): string {
  if (typeof account !== 'string' || account.length === 0 || account.length > MAX_ACCOUNT_LENGTH || CONTROL_CHARS.test(account)) {
    throw new AppError('invalid_input', `A keychain account name must be 1 to ${MAX_ACCOUNT_LENGTH} characters without control characters.`, {
      fields: [{ path: 'account', message: 'invalid account name' }],
    })
  }
  return account
}

export class Keychain {
  readonly service: string
  private readonly load: () => Promise<KeytarApi>
  private keytar: Promise<KeytarApi> | undefined

  constructor(options: KeychainOptions = {}) {
    this.service = options.service ?? 'Shop-Manager'
    this.load = options.load ?? loadKeytar
  }

  async set(account: string, secret: string): Promise<void> {
    validateAccount(account)
    if (typeof secret !== 'string' || secret.length === 0) {
      throw new AppError('invalid_input', 'A keychain secret must be a non-empty string.', { fields: [{ path: 'secret', message: 'empty' }] })
    }
    await this.call((k) => k.setPassword(this.service, account, secret), secret)
  }

  async get(account: string): Promise<string | null> {
    validateAccount(account)
    return this.call((k) => k.getPassword(this.service, account))
  }

  /** Account names only, sorted; secrets never leave this method. */
  async list(): Promise<string[]> {
    const credentials = await this.call((k) => k.findCredentials(this.service))
    return credentials.map((c) => c.account).sort()
  }

  /** True if an entry was removed, false if there was none. */
  async delete(account: string): Promise<boolean> {
    validateAccount(account)
    return this.call((k) => k.deletePassword(this.service, account))
  }

  private async call<T>(operation: (keytar: KeytarApi) => Promise<T>, secret?: string): Promise<T> {
    this.keytar ??= this.load()
    let keytar: KeytarApi
    try {
      keytar = await this.keytar
    } catch (error) {
      this.keytar = undefined // the keyring may come up later; try loading again next time
      throw error instanceof AppError ? error : new AppError('keychain_unavailable', `${UNAVAILABLE} ${reason(error)}`)
    }
    try {
      return await operation(keytar)
    } catch (error) {
      // libsecret's messages name the bus or the service, never the secret; redact anyway.
      const why = secret ? reason(error).split(secret).join('[secret]') : reason(error)
      throw new AppError('keychain_unavailable', `${UNAVAILABLE} ${why}`)
    }
  }
}

function reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return text.length > 300 ? `${text.slice(0, 300)}…` : text
}
