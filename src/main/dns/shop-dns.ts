// Making a shop's name resolve to its host. Under the host's wildcard record (`*.shops.example.com`, written and
// checked once at host setup, with a wildcard certificate beside it) a new shop needs no API call at all; the
// domain check then sees what a customer's phone sees. Otherwise each shop gets its own A/AAAA record set.
import { AppError } from '@shared/errors'
import type { AddressChange, HetznerDnsClient, WaitOptions } from './hetzner-client'
import { coveredByWildcard, normaliseRecordDomain } from './zone-match'

export type ShopDnsMode = { kind: 'wildcard'; wildcard: string } | { kind: 'per-shop' }

export interface HostAddresses {
  ipv4?: string
  ipv6?: string
}

export type PublishResult = { via: 'wildcard' } | { via: 'record'; zone: string; name: string; changed: boolean }

export class ShopDns {
  constructor(
    private readonly client: HetznerDnsClient,
    /** TTL of the records written; undefined keeps the zone's default. */
    private readonly ttl?: number,
  ) {}

  /** Host setup: `*.shops.example.com` pointing at the host; run again when the host's address changes. */
  async ensureWildcard(wildcard: string, host: HostAddresses, options: WaitOptions = {}): Promise<PublishResult> {
    if (!normaliseRecordDomain(wildcard).startsWith('*.')) {
      throw new AppError('invalid_input', `"${wildcard}" is not a wildcard name; it should look like *.shops.example.com.`, {
        fields: [{ path: 'wildcard', message: 'not a wildcard name' }],
      })
    }
    return this.pointAt(wildcard, host, options)
  }

  /** After this, `domain` resolves to the host (nothing to do under the wildcard). */
  async publish(domain: string, host: HostAddresses, mode: ShopDnsMode, options: WaitOptions = {}): Promise<PublishResult> {
    if (mode.kind === 'wildcard' && coveredByWildcard(domain, mode.wildcard)) return { via: 'wildcard' }
    return this.pointAt(domain, host, options)
  }

  /** Removes the shop's own records; a shop under the wildcard has none. True when something was deleted. */
  async unpublish(domain: string, mode: ShopDnsMode, options: WaitOptions = {}): Promise<boolean> {
    if (mode.kind === 'wildcard' && coveredByWildcard(domain, mode.wildcard)) return false
    const place = await this.client.locate(domain, options)
    return (await this.client.removeAddressRecords(place.zone.name, place.name, options)).length > 0
  }

  private async pointAt(domain: string, host: HostAddresses, options: WaitOptions): Promise<PublishResult> {
    if (!host.ipv4 && !host.ipv6) {
      throw new AppError('invalid_input', 'The host has no public IPv4 or IPv6 address configured, so there is nothing for the name to point at.', {
        fields: [{ path: 'address', message: 'missing' }],
      })
    }
    const place = await this.client.locate(domain, options)
    // Exactly the host's addresses: a family the host lacks gets no record, so a stale one cannot mislead phones.
    const change: AddressChange = await this.client.upsertAddressRecords(
      place.zone.name,
      place.name,
      { ipv4: host.ipv4 ?? null, ipv6: host.ipv6 ?? null },
      this.ttl,
      options,
    )
    return { via: 'record', zone: change.zone, name: change.name, changed: change.steps.length > 0 }
  }
}
