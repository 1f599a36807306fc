// A host's shop names at Hetzner, by the host's domain mode: wildcard (one `*.<shop domain>` record written at
// host setup; shops need no call), per shop (each shop under the host's shop domain gets its A/AAAA record,
// removed with it), external (nothing written). Names outside the host's shop domain are the customer's own.
import { createHash } from 'node:crypto'
import { isIPv4, isIPv6 } from 'node:net'
import type { HostProfile } from '@shared/hosts'
import { AppError } from '@shared/errors'
import type { StepNote } from '@shared/operations'
import { checkHetznerApiUrl } from './api-url'
import { HetznerDnsClient } from './hetzner-client'
import { ShopDns, type HostAddresses, type ShopDnsMode } from './shop-dns'
import { hostAddresses } from './domain-check'

export const DEFAULT_HETZNER_API = 'https://api.hetzner.cloud/v1'

export interface HostDnsDeps {
  /** The host's DNS token from the keychain; null when none was entered. */
  token: (hostId: string) => Promise<string | null>
  baseUrl: () => string
  resolvers: () => string[]
}

export class HostDns {
  /** One client per host and kind of token; rebuilt when the base URL or a given token changes. */
  private readonly clients = new Map<string, { baseUrl: string; tokenId: string; dns: ShopDns; client: HetznerDnsClient }>()

  constructor(private readonly deps: HostDnsDeps) {}

  mode(profile: HostProfile): ShopDnsMode | null {
    if (profile.domainMode === 'wildcard' && profile.shopDomain) return { kind: 'wildcard', wildcard: `*.${profile.shopDomain}` }
    if (profile.domainMode === 'per-shop') return { kind: 'per-shop' }
    return null
  }

  /** Whether a shop's name is the app's to write: under the host's shop domain, on a host that is not `external`. */
  manages(profile: HostProfile, domain: string): boolean {
    return this.mode(profile) !== null && !!profile.shopDomain && domain.endsWith(`.${profile.shopDomain}`)
  }

  async addresses(profile: HostProfile): Promise<HostAddresses> {
    const found = await hostAddresses(profile.address, this.deps.resolvers())
    const ipv4 = found.find((a) => isIPv4(a))
    const ipv6 = found.find((a) => isIPv6(a))
    return { ...(ipv4 ? { ipv4 } : {}), ...(ipv6 ? { ipv6 } : {}) }
  }

  /** Makes `domain` resolve to the host; says what it did, or null when the name is not the app's to write. */
  async publish(profile: HostProfile, domain: string, signal?: AbortSignal): Promise<StepNote | null> {
    const mode = this.mode(profile)
    if (!mode || !this.manages(profile, domain)) return null
    const result = await (await this.shopDns(profile)).publish(domain, await this.addresses(profile), mode, signal ? { signal } : {})
    if (result.via === 'wildcard') return { key: 'dnsWildcard', values: { wildcard: mode.kind === 'wildcard' ? mode.wildcard : '*' } }
    return { key: result.changed ? 'dnsWritten' : 'dnsAlreadyRight', values: { name: `${result.name}.${result.zone}` } }
  }

  /** Removes the shop's own record (per-shop mode); true when something was deleted. */
  async unpublish(profile: HostProfile, domain: string): Promise<boolean> {
    const mode = this.mode(profile)
    if (!mode || !this.manages(profile, domain)) return false
    return (await this.shopDns(profile)).unpublish(domain, mode)
  }

  /** Host setup in wildcard mode: `*.<shop domain>` → the host; returns whether a record was written. */
  async ensureWildcard(profile: HostProfile, token?: string): Promise<boolean> {
    const mode = this.mode(profile)
    if (mode?.kind !== 'wildcard') return false
    const result = await (await this.shopDns(profile, token)).ensureWildcard(mode.wildcard, await this.addresses(profile))
    return result.via === 'record' && result.changed
  }

  /** What the wildcard record says now: null when missing; for the setup preview. */
  async wildcardMatches(profile: HostProfile, token?: string): Promise<boolean> {
    const mode = this.mode(profile)
    if (mode?.kind !== 'wildcard') return true
    const { client } = await this.clientFor(profile, token)
    const place = await client.locate(mode.wildcard)
    const want = await this.addresses(profile)
    const [a, aaaa] = await Promise.all([client.getRRSet(place.zone.name, place.name, 'A'), client.getRRSet(place.zone.name, place.name, 'AAAA')])
    const values = (set: typeof a) => (set?.records ?? []).map((r) => r.value).sort()
    return (
      JSON.stringify(values(a)) === JSON.stringify(want.ipv4 ? [want.ipv4] : []) &&
      JSON.stringify(values(aaaa)) === JSON.stringify(want.ipv6 ? [want.ipv6] : [])
    )
  }

  private async shopDns(profile: HostProfile, token?: string): Promise<ShopDns> {
    return (await this.clientFor(profile, token)).dns
  }

  private async clientFor(profile: HostProfile, token?: string): Promise<{ dns: ShopDns; client: HetznerDnsClient }> {
    // Checked here too, not only in the settings schema: the token must never go out over plain http.
    const baseUrl = checkHetznerApiUrl(this.deps.baseUrl())
    const key = `${profile.id}:${token ? 'given' : 'stored'}`
    // A token given with the call (host setup) is part of the client: a corrected one needs a new client. A
    // stored one is read from the keychain for every request anyway. Only a hash is kept for the comparison.
    const tokenId = token ? createHash('sha256').update(token).digest('hex') : ''
    const cached = this.clients.get(key)
    if (cached && cached.baseUrl === baseUrl && cached.tokenId === tokenId) return cached
    const client = new HetznerDnsClient({
      baseUrl,
      token: async () => {
        const value = token ?? (await this.deps.token(profile.id))
        if (!value) {
          throw new AppError('invalid_input', 'This host has no Hetzner DNS token yet: enter one in the host setup.', {
            fields: [{ path: 'hetznerToken', message: 'required' }],
            say: { key: 'hetznerNoToken' },
          })
        }
        return value
      },
    })
    const entry = { baseUrl, tokenId, client, dns: new ShopDns(client) }
    this.clients.set(key, entry)
    return entry
  }
}
