// Credentials for container registries, one per registry host: user name and CA in the settings store, the
// password in the keychain. A pull sends them to the host's Docker Engine with the request (X-Registry-Auth), so
// nothing of them is written on the host.
import { AppError } from '@shared/errors'
import { DOCKER_HUB, parseImageRef } from '@shared/image-ref'
import type { RegistryAccount } from '@shared/registries'
import type { PullAuth } from '../engine/shop-runtime'
import type { KeyValueStore } from '../settings/settings-service'
import type { Keychain } from '../vault/keychain'

const KEY = 'registries'

export const registryPasswordAccount = (host: string): string => `registry:${host}:password`

/** What a pull or a tag list needs to reach a registry. */
export interface RegistryAccess {
  host: string
  credentials: { username: string; password: string } | null
  ca: string | null
}

export interface RegistryAccountInput {
  host: string
  username: string
  /** Absent: the stored password stays. */
  password?: string | undefined
  ca?: string | null | undefined
}

/** Docker Hub's aliases file under one name, as image references name it. */
export function registryKey(host: string): string {
  const lower = host.toLowerCase()
  return lower === 'index.docker.io' || lower === 'registry-1.docker.io' || lower === 'hub.docker.com' ? DOCKER_HUB : lower
}

function sanitize(stored: unknown): RegistryAccount[] {
  if (!Array.isArray(stored)) return []
  return stored.flatMap((entry: unknown) => {
    const e = entry as Partial<RegistryAccount> | null
    if (!e || typeof e.host !== 'string' || typeof e.username !== 'string') return []
    return [{ host: e.host, username: e.username, ca: typeof e.ca === 'string' && e.ca ? e.ca : null }]
  })
}

export class RegistryAccounts {
  constructor(
    private readonly store: KeyValueStore,
    private readonly keychain: Keychain,
  ) {}

  list(): RegistryAccount[] {
    return sanitize(this.store.get(KEY)).sort((a, b) => a.host.localeCompare(b.host))
  }

  async save(input: RegistryAccountInput): Promise<RegistryAccount> {
    const host = registryKey(input.host)
    const listed = this.list()
    const others = listed.filter((a) => a.host !== host)
    const before = listed.find((a) => a.host === host)
    if (input.password) await this.keychain.set(registryPasswordAccount(host), input.password)
    else if (!before) {
      throw new AppError('invalid_input', `A password or access token is needed for ${host}.`, { fields: [{ path: 'password', message: 'required' }] })
    }
    const account: RegistryAccount = { host, username: input.username, ca: input.ca === undefined ? (before?.ca ?? null) : input.ca || null }
    this.store.set(KEY, [...others, account])
    return account
  }

  async remove(host: string): Promise<void> {
    const key = registryKey(host)
    this.store.set(
      KEY,
      this.list().filter((a) => a.host !== key),
    )
    await this.keychain.delete(registryPasswordAccount(key))
  }

  /** How to reach the registry of `image`: its credentials where this laptop has them, else anonymous. */
  async access(image: string): Promise<RegistryAccess> {
    const ref = parseImageRef(image)
    if (!ref) throw new AppError('invalid_input', `"${image}" is not an image reference.`, { fields: [{ path: 'image', message: 'not an image reference' }] })
    const account = this.list().find((a) => a.host === ref.registry)
    if (!account) return { host: ref.registry, credentials: null, ca: null }
    const password = await this.keychain.get(registryPasswordAccount(account.host))
    return { host: account.host, credentials: password ? { username: account.username, password } : null, ca: account.ca }
  }

  /** The credentials a pull of `image` sends to the host's Engine; null: it pulls anonymously. */
  async pullAuth(image: string): Promise<PullAuth | null> {
    const { host, credentials } = await this.access(image)
    if (!credentials) return null
    // Docker Hub's credentials are filed under its v1 index address, as `docker login` files them.
    return { ...credentials, serveraddress: host === DOCKER_HUB ? 'https://index.docker.io/v1/' : host }
  }
}
