// Hetzner Cloud DNS (HETZNER.md): zones, record sets, their asynchronous actions, and the idempotent A/AAAA upsert
// a shop needs. Knows nothing of Electron; the token comes from whoever constructs it (the keychain).
import { AppError } from '@shared/errors'
import { checkTtl, planAddressRecords, wantedAddresses, type AddressStep, type AddressTargets } from './address-records'
import { actionError, actionTimeoutError, type Subject } from './hetzner-errors'
import { HetznerHttp, pathSegment, type HetznerHttpOptions, type HttpCall } from './hetzner-http'
import {
  actionAnswerSchema,
  rrsetAnswerSchema,
  rrsetCreatedSchema,
  rrsetListSchema,
  zoneAnswerSchema,
  zoneListSchema,
  type Action,
  type DnsRecord,
  type RecordType,
  type RRSet,
  type Zone,
} from './hetzner-schema'
import { locateInZones, normaliseRecordDomain, normaliseRecordName, type RecordLocation } from './zone-match'

export interface HetznerClientOptions extends HetznerHttpOptions {
  /** Between polls of a running action: 500 ms like Hetzner's CLI. */
  pollIntervalMs?: number
  /** How long to wait for an action before giving up (default 60 s). */
  actionTimeoutMs?: number
}

export interface CallOptions {
  signal?: AbortSignal
}

export interface WaitOptions extends CallOptions {
  timeoutMs?: number
}

/** A zone's id or its name: every zone path accepts both. */
export type ZoneRef = string | number

export interface NewRRSet {
  name: string
  type: RecordType
  ttl?: number | null
  records: DnsRecord[]
  labels?: Record<string, string>
}

export interface AddressChange {
  zone: string
  name: string
  /** The writes made, in order; empty when the records already said this. */
  steps: AddressStep[]
}

const ZONES_PER_PAGE = 50
const RRSETS_PER_PAGE = 100

const zoneSubject = (zone: ZoneRef): Subject => ({ what: `the zone ${zone}`, zone: String(zone) })
const rrsetSubject = (zone: ZoneRef, name: string, type: string): Subject => ({ what: `the record set ${name}/${type} in ${zone}`, zone: String(zone) })
const rrsetPath = (zone: ZoneRef, name: string, type: string): string => `/zones/${pathSegment(zone)}/rrsets/${pathSegment(name)}/${pathSegment(type)}`

export class HetznerDnsClient {
  private readonly http: HetznerHttp
  private readonly pollIntervalMs: number
  private readonly actionTimeoutMs: number

  constructor(options: HetznerClientOptions) {
    this.http = new HetznerHttp(options)
    this.pollIntervalMs = options.pollIntervalMs ?? 500
    this.actionTimeoutMs = options.actionTimeoutMs ?? 60_000
  }

  /** Every zone of the project, all pages. */
  async listZones(options: CallOptions = {}): Promise<Zone[]> {
    return this.allPages(
      (page) =>
        this.http.call({
          method: 'GET',
          path: '/zones',
          query: { page, per_page: ZONES_PER_PAGE },
          schema: zoneListSchema,
          subject: { what: 'the list of zones' },
          signal: options.signal,
        }),
      (answer) => answer.zones,
    )
  }

  /** The zone named exactly `name` (case, trailing dot and IDN normalised), or null. */
  async findZone(name: string, options: CallOptions = {}): Promise<Zone | null> {
    const wanted = normaliseRecordDomain(name)
    const answer = await this.http.call({
      method: 'GET',
      path: '/zones',
      query: { name: wanted },
      schema: zoneListSchema,
      subject: zoneSubject(wanted),
      signal: options.signal,
    })
    return answer.zones.find((zone) => zone.name === wanted) ?? null
  }

  async getZone(zone: ZoneRef, options: CallOptions = {}): Promise<Zone | null> {
    return orNull(
      this.http.call({ method: 'GET', path: `/zones/${pathSegment(zone)}`, schema: zoneAnswerSchema, subject: zoneSubject(zone), signal: options.signal }),
    ).then((a) => a?.zone ?? null)
  }

  /** Where `domain` lives: its zone (the longest suffix among the project's zones) and the record name there. */
  async locate(domain: string, options: CallOptions = {}): Promise<RecordLocation<Zone>> {
    normaliseRecordDomain(domain)
    return locateInZones(domain, await this.listZones(options))
  }

  async listRRSets(zone: ZoneRef, filter: { name?: string; type?: RecordType } = {}, options: CallOptions = {}): Promise<RRSet[]> {
    const query = { name: filter.name, type: filter.type, per_page: RRSETS_PER_PAGE }
    return this.allPages(
      (page) =>
        this.http.call({
          method: 'GET',
          path: `/zones/${pathSegment(zone)}/rrsets`,
          query: { ...query, page },
          schema: rrsetListSchema,
          subject: zoneSubject(zone),
          signal: options.signal,
        }),
      (answer) => answer.rrsets,
    )
  }

  /** The record set, or null when it does not exist. */
  async getRRSet(zone: ZoneRef, name: string, type: RecordType, options: CallOptions = {}): Promise<RRSet | null> {
    const answer = await orNull(
      this.http.call({
        method: 'GET',
        path: rrsetPath(zone, name, type),
        schema: rrsetAnswerSchema,
        subject: rrsetSubject(zone, name, type),
        signal: options.signal,
      }),
    )
    return answer?.rrset ?? null
  }

  async createRRSet(zone: ZoneRef, rrset: NewRRSet, options: CallOptions = {}): Promise<{ rrset: RRSet; action: Action }> {
    return this.http.call({
      method: 'POST',
      path: `/zones/${pathSegment(zone)}/rrsets`,
      body: {
        name: rrset.name,
        type: rrset.type,
        records: rrset.records,
        ...(rrset.ttl !== undefined ? { ttl: rrset.ttl } : {}),
        ...(rrset.labels ? { labels: rrset.labels } : {}),
      },
      schema: rrsetCreatedSchema,
      subject: rrsetSubject(zone, rrset.name, rrset.type),
      signal: options.signal,
    })
  }

  /** Replaces all records of an existing record set. */
  async setRecords(zone: ZoneRef, name: string, type: RecordType, records: DnsRecord[], options: CallOptions = {}): Promise<Action> {
    return this.rrsetAction(zone, name, type, 'set_records', { records }, options)
  }

  /** Appends records, creating the record set if it is missing. */
  async addRecords(zone: ZoneRef, name: string, type: RecordType, records: DnsRecord[], ttl?: number | null, options: CallOptions = {}): Promise<Action> {
    return this.rrsetAction(zone, name, type, 'add_records', { records, ...(ttl !== undefined ? { ttl } : {}) }, options)
  }

  /** Removes records; Hetzner deletes the record set when none is left. */
  async removeRecords(zone: ZoneRef, name: string, type: RecordType, records: DnsRecord[], options: CallOptions = {}): Promise<Action> {
    return this.rrsetAction(zone, name, type, 'remove_records', { records }, options)
  }

  /** null is the zone's default TTL. */
  async changeTtl(zone: ZoneRef, name: string, type: RecordType, ttl: number | null, options: CallOptions = {}): Promise<Action> {
    checkTtl(ttl)
    return this.rrsetAction(zone, name, type, 'change_ttl', { ttl }, options)
  }

  /** The deletion's action, or null when the record set was already gone. */
  async deleteRRSet(zone: ZoneRef, name: string, type: RecordType, options: CallOptions = {}): Promise<Action | null> {
    const answer = await orNull(
      this.http.call({
        method: 'DELETE',
        path: rrsetPath(zone, name, type),
        schema: actionAnswerSchema,
        subject: rrsetSubject(zone, name, type),
        signal: options.signal,
      }),
    )
    return answer?.action ?? null
  }

  /** Polls until the action leaves `running`; its error becomes an AppError with Hetzner's message. */
  async waitForAction(action: Action, options: WaitOptions & { what?: string } = {}): Promise<Action> {
    const what = options.what ?? `the DNS records (${action.command})`
    const timeoutMs = options.timeoutMs ?? this.actionTimeoutMs
    const deadline = AbortSignal.timeout(timeoutMs)
    const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline
    let current = action
    try {
      while (current.status === 'running') {
        // Like Hetzner's SDK: wait first, a fresh action is rarely done at once.
        await this.http.pause(this.pollIntervalMs, signal, 'GET')
        const answer = await this.http.call({
          method: 'GET',
          path: `/actions/${pathSegment(current.id)}`,
          schema: actionAnswerSchema,
          subject: { what: `the progress of the change to ${what}` },
          signal,
        })
        current = answer.action
      }
    } catch (error) {
      if (deadline.aborted && !options.signal?.aborted) throw actionTimeoutError(action, what, timeoutMs)
      throw error
    }
    if (current.status === 'error') throw this.http.scrub(actionError(current, what))
    return current
  }

  /**
   * Makes `name`'s A/AAAA records say exactly `targets` (see AddressTargets) and waits until Hetzner applied it.
   * Same value: no write. Other value: set_records (and change_ttl when `ttl` differs). Missing: create.
   */
  async upsertAddressRecords(zone: ZoneRef, name: string, targets: AddressTargets, ttl?: number | null, options: WaitOptions = {}): Promise<AddressChange> {
    const rrName = normaliseRecordName(name)
    const wanted = wantedAddresses(targets)
    if (ttl !== undefined) checkTtl(ttl)
    for (let round = 1; ; round++) {
      const existing = await this.listRRSets(zone, { name: rrName }, options)
      const steps = planAddressRecords(existing, wanted, ttl)
      if (steps.length === 0) return { zone: String(zone), name: rrName, steps }
      // Each write plus at least one poll of its action.
      await this.http.ensureBudget(steps.length * 2, options.signal)
      try {
        for (const step of steps) await this.apply(zone, rrName, step, options)
        return { zone: String(zone), name: rrName, steps }
      } catch (error) {
        // Someone else (another laptop) created the record set between our read and our write: read again, once.
        if (round === 1 && error instanceof AppError && error.details?.['hetznerCode'] === 'uniqueness_error') continue
        throw error
      }
    }
  }

  /** Deletes `name`'s A and AAAA record sets; what is absent costs no write. Returns the types deleted. */
  async removeAddressRecords(zone: ZoneRef, name: string, options: WaitOptions = {}): Promise<RecordType[]> {
    const rrName = normaliseRecordName(name)
    const existing = await this.listRRSets(zone, { name: rrName }, options)
    const removed: RecordType[] = []
    for (const rrset of existing.filter((r) => r.type === 'A' || r.type === 'AAAA')) {
      const action = await this.deleteRRSet(zone, rrName, rrset.type, options)
      if (action) await this.waitForAction(action, { ...options, what: rrsetSubject(zone, rrName, rrset.type).what })
      removed.push(rrset.type)
    }
    return removed
  }

  /** Closes the keep-alive connections (only those of a dispatcher this client created). */
  close(): Promise<void> {
    return this.http.close()
  }

  private async apply(zone: ZoneRef, name: string, step: AddressStep, options: WaitOptions): Promise<void> {
    const records = (value: string): DnsRecord[] => [{ value }]
    let action: Action | null
    switch (step.kind) {
      case 'create':
        action = (
          await this.createRRSet(zone, { name, type: step.type, records: records(step.value), ...(step.ttl !== undefined ? { ttl: step.ttl } : {}) }, options)
        ).action
        break
      case 'set_records':
        action = await this.setRecords(zone, name, step.type, records(step.value), options)
        break
      case 'change_ttl':
        action = await this.changeTtl(zone, name, step.type, step.ttl, options)
        break
      case 'delete':
        action = await this.deleteRRSet(zone, name, step.type, options)
        break
    }
    if (action) await this.waitForAction(action, { ...options, what: rrsetSubject(zone, name, step.type).what })
  }

  private rrsetAction(zone: ZoneRef, name: string, type: RecordType, command: string, body: unknown, options: CallOptions): Promise<Action> {
    const call: HttpCall<{ action: Action }> = {
      method: 'POST',
      path: `${rrsetPath(zone, name, type)}/actions/${command}`,
      body,
      schema: actionAnswerSchema,
      subject: rrsetSubject(zone, name, type),
      signal: options.signal,
    }
    return this.http.call(call).then((answer) => answer.action)
  }

  private async allPages<A extends { meta: { pagination: { next_page: number | null } } }, T>(
    fetch: (page: number) => Promise<A>,
    items: (answer: A) => T[],
  ): Promise<T[]> {
    const all: T[] = []
    for (let page: number | null = 1; page !== null;) {
      const answer = await fetch(page)
      all.push(...items(answer))
      const next = answer.meta.pagination.next_page
      // A next page that does not move forward would loop forever.
      page = next !== null && next > page ? next : null
    }
    return all
  }
}

/** A 404 read as "not there". */
async function orNull<T>(pending: Promise<T>): Promise<T | null> {
  try {
    return await pending
  } catch (error) {
    if (error instanceof AppError && error.code === 'not_found' && error.details?.['status'] === '404') return null
    throw error
  }
}
