// The one IPC contract: input schema and output type per invoke channel, payload type per event.
import { z } from 'zod'
import { shopParamsSchema } from './shop-params'
import type { EventChannel, InvokeChannel } from './channels'
import type { AppInfo, ConnectionState, Settings } from './domain'
import { hostInputSchema, type HostProfile, type ProbeResult } from './hosts'
import { shopActions, type LogBatch, type LogLine, type ShopOverview } from './shops'
import type { TemplateList } from './templates'
import type { OperationSnapshot, StepNote } from './operations'
import type { DomainCheckResult } from './domains'
import type { SetupChange, SetupOutcome } from './host-setup'
import type { BackupManifest } from './backups'
import type { Identity, TeamKey } from './team'
import { draftInputSchema, type Draft, type DraftExport, type DraftList } from './drafts'
import { hostRoles } from './hosts'
import { locales, themePreferences } from './domain'
import type { Envelope } from './errors'

const noInput = z.undefined()

export const settingsPatchSchema = z
  .object({
    locale: z.enum(locales),
    theme: z.enum(themePreferences),
    activeHostId: z.string().min(1).max(200).nullable(),
    dnsResolvers: z
      .array(z.string().regex(/^(\d{1,3}(\.\d{1,3}){3}|\[?[0-9a-fA-F:]+\]?)(:\d{1,5})?$/, 'an IP address, optionally with :port'))
      .max(4),
    backupsToKeep: z.number().int().min(1).max(100),
    hetznerApiUrl: z.url({ protocol: /^https?$/ }).max(300).refine((u) => { const p = URL.parse(u); return !p || p.protocol === 'https:' || /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i.test(p.hostname) }, 'must use https: plain http would send the Hetzner token unencrypted (allowed only to this machine: 127.0.0.1, ::1 or localhost)'),
    helperImage: z
      .string()
      .trim()
      .min(1)
      .max(300)
      .regex(/^[\w./:@-]+$/, 'not an image reference'),
    customTemplatesDir: z
      .string()
      .trim()
      .regex(/^(\/|[A-Za-z]:\\)/, 'must be an absolute path')
      .max(1000)
      .nullable(),
  })
  .partial()
  .strict()

export type SettingsPatch = z.infer<typeof settingsPatchSchema>

export const createShopSchema = z
  .object({
    hostId: z.string().min(1).max(100),
    name: z.string().trim().toLowerCase().min(1).max(30),
    description: z.string().max(2000).default(''),
    templateId: z.string().regex(/^[\w.-]{1,80}$/),
    domain: z.string().trim().toLowerCase().min(3).max(253),
    params: shopParamsSchema,
    image: z.string().trim().max(300).regex(/^[\w./:@-]+$/, 'not an image reference').optional(),
    start: z.boolean().default(true),
  })
  .strict()
export type CreateShopRequest = z.input<typeof createShopSchema>

const shopName = z.string().regex(/^[a-z0-9]{1,30}$/)
const paramsSchema = createShopSchema.shape.params
const domainSchema = createShopSchema.shape.domain

/** Edit: what may change after create. Secrets and volumes stay. */
export const editShopSchema = z
  .object({
    hostId: z.string().min(1).max(100),
    shop: shopName,
    description: z.string().max(2000),
    domain: domainSchema,
    params: paramsSchema,
    image: z.string().trim().max(300).regex(/^[\w./:@-]*$/, 'not an image reference').nullable(),
  })
  .strict()
export type EditShopRequest = z.input<typeof editShopSchema>

/** Clone: a new shop with all of the source's data. */
export const cloneShopSchema = z
  .object({
    hostId: z.string().min(1).max(100),
    source: shopName,
    name: createShopSchema.shape.name,
    domain: domainSchema,
    description: z.string().max(2000).default(''),
  })
  .strict()
export type CloneShopRequest = z.input<typeof cloneShopSchema>

export const logsRequestSchema = z
  .object({
    hostId: z.string().min(1).max(100),
    shop: shopName,
    /** One service, or the whole shop when absent. */
    service: z.string().regex(/^[\w.-]{1,63}$/).optional(),
    tail: z.number().int().min(1).max(10_000).default(500),
  })
  .strict()
export type LogsRequest = z.input<typeof logsRequestSchema>

const hostIdSchema = z.object({ hostId: z.string().min(1).max(100) }).strict()
const fingerprintSchema = z
  .string()
  .regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'not an SSH SHA256 fingerprint')

/** Declares a channel: the schema is checked at runtime in main, the output type only at compile time. */
function channel<Output>() {
  return <Input extends z.ZodType>(input: Input) => ({ input, output: undefined as unknown as Output })
}

export const invokeContract = {
  'app:info': channel<AppInfo>()(noInput),
  'settings:get': channel<Settings>()(noInput),
  'settings:update': channel<Settings>()(settingsPatchSchema),
  'connection:list': channel<ConnectionState[]>()(noInput),
  'hosts:list': channel<HostProfile[]>()(noInput),
  'hosts:save': channel<HostProfile>()(hostInputSchema),
  'hosts:remove': channel<null>()(hostIdSchema),
  'hosts:test': channel<ProbeResult>()(hostIdSchema),
  'hosts:trust': channel<HostProfile>()(hostIdSchema.extend({ fingerprint: fingerprintSchema }).strict()),
  'hosts:setupPreview': channel<{ planId: string; changes: SetupChange[] }>()(
    hostIdSchema
      .extend({
        acmeEmail: z.email().max(200),
        autostart: z.boolean().default(false),
        hetznerToken: z.string().trim().min(20).max(200).regex(/^[A-Za-z0-9_-]+$/, 'not an API token').optional(),
      })
      .strict(),
  ),
  'hosts:setupApply': channel<SetupOutcome>()(z.object({ planId: z.string().uuid() }).strict()),
  'shops:overview': channel<ShopOverview>()(hostIdSchema),
  'shops:refresh': channel<ShopOverview>()(hostIdSchema),
  'templates:list': channel<TemplateList>()(noInput),
  'shops:create': channel<OperationSnapshot>()(createShopSchema),
  'shops:action': channel<null>()(
    hostIdSchema
      .extend({ shop: z.string().regex(/^[a-z0-9]{1,30}$/), action: z.enum(shopActions), confirm: z.string().max(30).optional() })
      .strict(),
  ),
  'shops:revealSecret': channel<string>()(
    hostIdSchema.extend({ shop: z.string().regex(/^[a-z0-9]{1,30}$/), secretId: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/) }).strict(),
  ),
  'shops:edit': channel<null>()(editShopSchema),
  'shops:clone': channel<OperationSnapshot>()(cloneShopSchema),
  'shops:update': channel<OperationSnapshot>()(
    z.object({ hostId: z.string().min(1).max(100), shop: shopName, image: z.string().trim().min(1).max(300).regex(/^[\w./:@-]+$/, 'not an image reference') }).strict(),
  ),
  'shops:backup': channel<OperationSnapshot>()(z.object({ hostId: z.string().min(1).max(100), shop: shopName }).strict()),
  'shops:backups': channel<BackupManifest[]>()(z.object({ hostId: z.string().min(1).max(100), shop: shopName }).strict()),
  'shops:restore': channel<OperationSnapshot>()(
    z
      .object({ hostId: z.string().min(1).max(100), shop: shopName, backupId: z.string().regex(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ$/), confirm: z.string().max(30) })
      .strict(),
  ),
  'shops:restoreNew': channel<OperationSnapshot>()(
    z
      .object({
        hostId: z.string().min(1).max(100),
        shop: shopName,
        backupId: z.string().regex(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ$/),
        name: createShopSchema.shape.name,
        domain: domainSchema,
        description: z.string().max(2000).default(''),
      })
      .strict(),
  ),
  'shops:backupTransfer': channel<OperationSnapshot>()(
    z
      .object({
        hostId: z.string().min(1).max(100),
        shop: shopName,
        direction: z.enum(['download', 'upload']),
        backupId: z.string().regex(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ$/).optional(),
      })
      .strict(),
  ),
  'shops:logs': channel<LogLine[]>()(logsRequestSchema),
  'logs:follow': channel<{ streamId: string }>()(logsRequestSchema),
  'logs:stop': channel<null>()(z.object({ streamId: z.string().uuid() }).strict()),
  'domains:check': channel<DomainCheckResult>()(hostIdSchema.extend({ domain: z.string().trim().min(1).max(300) }).strict()),
  /** Writes the shop's name at Hetzner as its host's domain mode says; null: the name is not the app's to write. */
  'domains:publish': channel<StepNote | null>()(z.object({ hostId: z.string().min(1).max(100), shop: shopName }).strict()),
  'drafts:list': channel<DraftList>()(noInput),
  'drafts:save': channel<Draft>()(draftInputSchema.extend({ id: z.string().uuid().optional() }).strict()),
  'drafts:duplicate': channel<Draft>()(z.object({ id: z.string().uuid() }).strict()),
  'drafts:remove': channel<null>()(z.object({ id: z.string().uuid() }).strict()),
  'drafts:deploy': channel<OperationSnapshot>()(z.object({ id: z.string().uuid(), hostId: z.string().min(1).max(100).optional() }).strict()),
  'drafts:export': channel<DraftExport>()(z.object({ ids: z.array(z.string().uuid()).min(1).max(500) }).strict()),
  'drafts:import': channel<Draft[]>()(z.object({ content: z.string().min(2).max(5_000_000) }).strict()),
  'identity:get': channel<Identity | null>()(noInput),
  'identity:generate': channel<Identity>()(
    z.object({ person: z.string().trim().min(1).max(80), role: z.enum(hostRoles), replace: z.boolean().default(false) }).strict(),
  ),
  'team:list': channel<TeamKey[]>()(hostIdSchema),
  'team:add': channel<null>()(hostIdSchema.extend({ publicKey: z.string().trim().min(20).max(10_000) }).strict()),
  'team:revoke': channel<{ endedSessions: number }>()(
    hostIdSchema.extend({ fingerprint: fingerprintSchema, confirmOwn: z.boolean().default(false) }).strict(),
  ),
  'operations:get': channel<OperationSnapshot | null>()(z.object({ id: z.string().uuid() }).strict()),
  'operations:cancel': channel<boolean>()(z.object({ id: z.string().uuid() }).strict()),
} satisfies Record<InvokeChannel, { input: z.ZodType; output: unknown }>

export type InvokeInput<C extends InvokeChannel> = z.input<(typeof invokeContract)[C]['input']>
export type InvokeParsedInput<C extends InvokeChannel> = z.output<(typeof invokeContract)[C]['input']>
export type InvokeOutput<C extends InvokeChannel> = (typeof invokeContract)[C]['output']

export interface EventPayloads {
  'settings:changed': Settings
  'connection:changed': ConnectionState
  'shops:overview': ShopOverview
  'operation:progress': OperationSnapshot
  'logs:lines': LogBatch
}

export type EventPayload<E extends EventChannel> = EventPayloads[E]

/** What the preload exposes as `window.api`; the test bridge implements the same shape. */
export interface Api {
  invoke<C extends InvokeChannel>(
    channel: C,
    ...input: undefined extends InvokeInput<C> ? [input?: InvokeInput<C>] : [input: InvokeInput<C>]
  ): Promise<Envelope<InvokeOutput<C>>>
  on<E extends EventChannel>(event: E, listener: (payload: EventPayload<E>) => void): () => void
}
