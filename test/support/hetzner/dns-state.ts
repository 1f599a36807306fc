// The emulator's zones, record sets and actions, and the API routes over them (HETZNER.md "Endpoints"). A change is
// made when its action is created and undone if the action then ends in error, so reads may show it early (as
// "only guaranteed after success" allows) and a failed action leaves nothing behind.
import {
  fieldErrors,
  labelProblems,
  nameProblems,
  readRecords,
  ttlProblems,
  typeProblems,
  type EmulatedRecord,
  type EmulatedRecordType,
  type FieldError,
} from './validation'

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown = null,
  ) {
    super(message)
  }
}

const invalid = (fields: FieldError[]): HttpError => new HttpError(422, 'invalid_input', 'invalid input in fields', { fields })

export interface EmulatedZone {
  id: number
  name: string
  ttl: number
  mode: 'primary' | 'secondary'
  labels: Record<string, string>
  created: string
}

export interface EmulatedRRSet {
  name: string
  type: EmulatedRecordType
  ttl: number | null
  records: EmulatedRecord[]
  labels: Record<string, string>
  protection: { change: boolean }
}

interface EmulatedAction {
  id: number
  command: string
  zoneId: number
  status: 'running' | 'success' | 'error'
  started: string
  finished: string | null
  pollsLeft: number
  outcome: { code: string; message: string } | null
  error: { code: string; message: string } | null
  undo: () => void
}

export interface Answer {
  status: number
  body: unknown
}

export interface StateOptions {
  /** Polls of GET /actions/{id} that still answer `running`. */
  actionPolls: number
  /** Wildcard names are used in the wild but not in Hetzner's written rules (HETZNER.md: unconfirmed). */
  allowWildcards: boolean
  /** DELETE answers 200 or 201 (unconfirmed); clients must accept any 2xx. */
  deleteStatus: number
}

const NAMESERVERS = ['hydrogen.ns.hetzner.com.', 'oxygen.ns.hetzner.com.', 'helium.ns.hetzner.de.']
const key = (name: string, type: string): string => `${name}/${type}`

export class DnsState {
  private readonly zones = new Map<number, EmulatedZone>()
  private readonly rrsets = new Map<number, Map<string, EmulatedRRSet>>()
  private readonly actions = new Map<number, EmulatedAction>()
  private readonly actionFailures: Array<{ code: string; message: string }> = []
  private nextZoneId = 1000
  private nextActionId = 5000

  constructor(readonly options: StateOptions) {}

  /** A new zone comes with an SOA and three NS records at `@`, like at Hetzner. */
  addZone(name: string, options: { mode?: 'primary' | 'secondary'; ttl?: number } = {}): EmulatedZone {
    const zone: EmulatedZone = {
      id: this.nextZoneId++,
      name,
      ttl: options.ttl ?? 3600,
      mode: options.mode ?? 'primary',
      labels: {},
      created: new Date().toISOString(),
    }
    this.zones.set(zone.id, zone)
    const sets = new Map<string, EmulatedRRSet>()
    const rrset = (type: EmulatedRecordType, values: string[]): EmulatedRRSet => ({
      name: '@',
      type,
      ttl: null,
      records: values.map((value) => ({ value, comment: null })),
      labels: {},
      protection: { change: false },
    })
    sets.set(key('@', 'SOA'), rrset('SOA', [`${NAMESERVERS[0]} dns.hetzner.com. 2026010101 86400 10800 3600000 3600`]))
    sets.set(key('@', 'NS'), rrset('NS', NAMESERVERS))
    this.rrsets.set(zone.id, sets)
    return zone
  }

  /** Seeds a record set as if it had always been there (no action). */
  putRRSet(zoneRef: string, rrset: Omit<EmulatedRRSet, 'labels' | 'protection'> & Partial<Pick<EmulatedRRSet, 'labels' | 'protection'>>): void {
    const zone = this.zone(zoneRef)
    this.sets(zone).set(key(rrset.name, rrset.type), { labels: {}, protection: { change: false }, ...rrset })
  }

  rrset(zoneRef: string, name: string, type: string): EmulatedRRSet | undefined {
    const found = this.sets(this.zone(zoneRef)).get(key(name, type))
    return found ? structuredClone(found) : undefined
  }

  failActions(count: number, error: { code: string; message: string }): void {
    for (let i = 0; i < count; i++) this.actionFailures.push(error)
  }

  route(method: string, segments: string[], query: URLSearchParams, body: unknown): Answer {
    const [root, zoneRef, sub, name, type, actions, command] = segments
    if (root === 'actions' && segments.length === 2 && method === 'GET') return { status: 200, body: { action: this.poll(Number(zoneRef)) } }
    if (root !== 'zones') throw new HttpError(404, 'not_found', 'not found')
    if (segments.length === 1 && method === 'GET') return this.listZones(query)
    const zone = this.zone(zoneRef ?? '')
    if (segments.length === 2 && method === 'GET') return { status: 200, body: { zone: this.zoneJson(zone) } }
    if (sub !== 'rrsets') throw new HttpError(404, 'not_found', 'not found')
    if (zone.mode === 'secondary') throw new HttpError(422, 'incorrect_zone_mode', 'record sets of a secondary zone cannot be managed here')
    if (segments.length === 3 && method === 'GET') return this.listRRSets(zone, query)
    if (segments.length === 3 && method === 'POST') return this.createRRSet(zone, body)
    if (segments.length === 5 && method === 'GET') return { status: 200, body: { rrset: this.rrsetJson(zone, this.existing(zone, name!, type!)) } }
    if (segments.length === 5 && method === 'DELETE') return this.deleteRRSet(zone, name!, type!)
    if (segments.length === 7 && actions === 'actions' && method === 'POST') return this.rrsetAction(zone, name!, type!, command!, body)
    throw new HttpError(404, 'not_found', 'not found')
  }

  private zone(ref: string): EmulatedZone {
    const byId = /^\d+$/.test(ref) ? this.zones.get(Number(ref)) : undefined
    const zone = byId ?? [...this.zones.values()].find((z) => z.name === ref)
    if (!zone) throw new HttpError(404, 'not_found', 'zone not found')
    return zone
  }

  private sets(zone: EmulatedZone): Map<string, EmulatedRRSet> {
    return this.rrsets.get(zone.id)!
  }

  private existing(zone: EmulatedZone, name: string, type: string): EmulatedRRSet {
    const found = this.sets(zone).get(key(name, type))
    if (!found) throw new HttpError(404, 'not_found', 'rrset not found')
    return found
  }

  private listZones(query: URLSearchParams): Answer {
    const name = query.get('name')
    const zones = [...this.zones.values()].filter((z) => name === null || z.name === name)
    const { items, pagination } = paginate(zones, query, 50)
    return { status: 200, body: { zones: items.map((z) => this.zoneJson(z)), meta: { pagination } } }
  }

  private listRRSets(zone: EmulatedZone, query: URLSearchParams): Answer {
    const name = query.get('name')
    const types = query.getAll('type')
    const all = [...this.sets(zone).values()].filter((r) => (name === null || r.name === name) && (types.length === 0 || types.includes(r.type)))
    all.sort((a, b) => a.name.localeCompare(b.name) || a.type.localeCompare(b.type))
    const { items, pagination } = paginate(all, query, 100)
    return { status: 200, body: { rrsets: items.map((r) => this.rrsetJson(zone, r)), meta: { pagination } } }
  }

  private createRRSet(zone: EmulatedZone, body: unknown): Answer {
    const input = (body ?? {}) as Record<string, unknown>
    const typeIssues = typeProblems(input['type'])
    const read = typeIssues.length === 0 ? readRecords(input['type'] as EmulatedRecordType, input['records']) : { records: [], problems: [] }
    const fields = fieldErrors([
      ['name', nameProblems(input['name'], this.options.allowWildcards)],
      ['type', typeIssues],
      ['ttl', 'ttl' in input ? ttlProblems(input['ttl']) : []],
      ['records', read.problems],
      ['labels', labelProblems(input['labels'])],
    ])
    if (fields.length > 0) throw invalid(fields)
    const name = input['name'] as string
    const type = input['type'] as EmulatedRecordType
    if (this.sets(zone).has(key(name, type))) throw new HttpError(409, 'uniqueness_error', 'rrset with the same name and type already exists')
    const rrset: EmulatedRRSet = {
      name,
      type,
      ttl: (input['ttl'] as number | null | undefined) ?? null,
      records: read.records,
      labels: (input['labels'] as Record<string, string>) ?? {},
      protection: { change: false },
    }
    const action = this.change(zone, 'create_rrset', [key(name, type)], () => this.sets(zone).set(key(name, type), rrset))
    return { status: 201, body: { rrset: this.rrsetJson(zone, rrset), action } }
  }

  private deleteRRSet(zone: EmulatedZone, name: string, type: string): Answer {
    this.unprotected(this.existing(zone, name, type))
    const action = this.change(zone, 'delete_rrset', [key(name, type)], () => this.sets(zone).delete(key(name, type)))
    return { status: this.options.deleteStatus, body: { action } }
  }

  private rrsetAction(zone: EmulatedZone, name: string, type: string, command: string, body: unknown): Answer {
    const input = (body ?? {}) as Record<string, unknown>
    const sets = this.sets(zone)
    const current = sets.get(key(name, type))
    if (command === 'change_ttl') {
      const fields = fieldErrors([['ttl', 'ttl' in input ? ttlProblems(input['ttl']) : ['is required']]])
      if (fields.length > 0) throw invalid(fields)
      const rrset = this.unprotected(this.existing(zone, name, type))
      return { status: 201, body: { action: this.change(zone, command, [key(name, type)], () => (rrset.ttl = input['ttl'] as number | null)) } }
    }
    if (!['set_records', 'add_records', 'remove_records'].includes(command)) throw new HttpError(404, 'not_found', 'unknown action')
    const typeIssues = typeProblems(type)
    const read = typeIssues.length === 0 ? readRecords(type as EmulatedRecordType, input['records']) : { records: [], problems: [] }
    const fields = fieldErrors([
      ['type', typeIssues],
      ['records', read.problems],
      ['ttl', command === 'add_records' && 'ttl' in input ? ttlProblems(input['ttl']) : []],
      ['name', command === 'add_records' && !current ? nameProblems(name, this.options.allowWildcards) : []],
    ])
    if (fields.length > 0) throw invalid(fields)
    if (command !== 'add_records' || current) this.unprotected(this.existing(zone, name, type))
    const apply = (): void => {
      if (command === 'set_records') current!.records = read.records
      else if (command === 'remove_records') {
        const gone = new Set(read.records.map((r) => r.value))
        current!.records = current!.records.filter((r) => !gone.has(r.value))
        if (current!.records.length === 0) sets.delete(key(name, type))
      } else if (current) {
        const have = new Set(current.records.map((r) => r.value))
        current.records.push(...read.records.filter((r) => !have.has(r.value)))
        if ('ttl' in input) current.ttl = input['ttl'] as number | null
      } else {
        sets.set(key(name, type), {
          name,
          type: type as EmulatedRecordType,
          ttl: (input['ttl'] as number | null | undefined) ?? null,
          records: read.records,
          labels: {},
          protection: { change: false },
        })
      }
    }
    return { status: 201, body: { action: this.change(zone, command, [key(name, type)], apply) } }
  }

  private unprotected(rrset: EmulatedRRSet): EmulatedRRSet {
    if (rrset.protection.change) throw new HttpError(423, 'protected', 'rrset is protected')
    return rrset
  }

  /** Makes the change now and starts its action, which can undo it if it is to end in error. */
  private change(zone: EmulatedZone, command: string, keys: string[], apply: () => unknown): unknown {
    const sets = this.sets(zone)
    const before = keys.map((k) => [k, structuredClone(sets.get(k))] as const)
    apply()
    const action: EmulatedAction = {
      id: this.nextActionId++,
      command,
      zoneId: zone.id,
      status: 'running',
      started: new Date().toISOString(),
      finished: null,
      pollsLeft: this.options.actionPolls,
      outcome: this.actionFailures.shift() ?? null,
      error: null,
      undo: () => {
        for (const [k, old] of before) {
          if (old) sets.set(k, old)
          else sets.delete(k)
        }
      },
    }
    this.actions.set(action.id, action)
    return this.actionJson(action)
  }

  private poll(id: number): unknown {
    const action = this.actions.get(id)
    if (!action) throw new HttpError(404, 'not_found', 'action not found')
    if (action.status === 'running') {
      if (action.pollsLeft > 0) action.pollsLeft--
      else {
        action.finished = new Date().toISOString()
        if (action.outcome) {
          action.undo()
          action.status = 'error'
          action.error = action.outcome
        } else action.status = 'success'
      }
    }
    return this.actionJson(action)
  }

  private actionJson(a: EmulatedAction): unknown {
    const progress = a.status === 'running' ? Math.min(90, 10 + (this.options.actionPolls - a.pollsLeft) * 20) : 100
    return {
      id: a.id,
      command: a.command,
      status: a.status,
      progress,
      started: a.started,
      finished: a.finished,
      resources: [{ id: a.zoneId, type: 'zone' }],
      error: a.error,
    }
  }

  private zoneJson(zone: EmulatedZone): unknown {
    const records = [...this.sets(zone).values()].reduce((n, r) => n + r.records.length, 0)
    return {
      ...zone,
      status: 'ok',
      record_count: records,
      protection: { delete: false },
      authoritative_nameservers: { assigned: NAMESERVERS, delegated: NAMESERVERS, delegation_status: 'valid' },
    }
  }

  private rrsetJson(zone: EmulatedZone, r: EmulatedRRSet): unknown {
    return { id: key(r.name, r.type), name: r.name, type: r.type, ttl: r.ttl, records: r.records, labels: r.labels, protection: r.protection, zone: zone.id }
  }
}

/** Hetzner's pagination: page from 1, per_page default 25 and at most `max`, nullable fields at the edges. */
function paginate<T>(items: T[], query: URLSearchParams, max: number): { items: T[]; pagination: unknown } {
  const number = (name: string, fallback: number): number => (query.get(name) === null ? fallback : Number(query.get(name)))
  const page = number('page', 1)
  const perPage = number('per_page', 25)
  const fields = fieldErrors([
    ['page', Number.isInteger(page) && page >= 1 ? [] : ['must be an integer of at least 1']],
    ['per_page', Number.isInteger(perPage) && perPage >= 1 && perPage <= max ? [] : [`must be an integer from 1 to ${max}`]],
  ])
  if (fields.length > 0) throw invalid(fields)
  const lastPage = Math.max(1, Math.ceil(items.length / perPage))
  return {
    items: items.slice((page - 1) * perPage, page * perPage),
    pagination: {
      page,
      per_page: perPage,
      previous_page: page > 1 ? Math.min(page - 1, lastPage) : null,
      next_page: page < lastPage ? page + 1 : null,
      last_page: lastPage,
      total_entries: items.length,
    },
  }
}
