// The one IPC contract: input schema and output type per invoke channel, payload type per event.
import { z } from 'zod'
import { shopParamsSchema } from './shop-params'
import { asciiDomain } from './shop-rules'
import type { EventChannel, InvokeChannel } from './channels'
import type { AppInfo, ConnectionState, Settings } from './settings'
import { hostInputSchema, sshFingerprint, type HostCapacity, type HostProfile, type ProbeResult } from './hosts'
import { salesActions, shopActions, type LogBatch, type LogLine, type ShopOverview } from './shops'
import type { MissingImage, TemplateList } from './templates'
import { importDraftSchema, type ImportProposal, type ImportSaved } from './template-import'
import type { OperationSnapshot, StepNote } from './operations'
import type { DomainCheckResult } from './domain-check'
import type { SetupChange, SetupOutcome } from './host-setup'
import type { BackupManifest } from './backups'
import type { ShopAuditEntry } from './gate-audit'
import type { Identity, TeamKey } from './team'
import { draftInputSchema, type Draft, type DraftExport, type DraftList } from './drafts'
import { hostRoles } from './hosts'
import { locales, themePreferences } from './settings'
import type { Envelope } from './errors'
import { isRegistryHost } from './image-ref'
import type { ImageTags, RegistryAccount } from './registries'
import type { ConnectionExport } from './connection-file'

const noInput = z.undefined()

/** The building blocks of the channels' inputs, defined once. */
export const hostIdField = z.string().min(1).max(100)
export const shopName = z.string().regex(/^[a-z0-9]{1,30}$/)
/** A backup's id: its UTC time to the millisecond and random hex (2026-11-22T23-15-00-123Z-3f9a), or to the second as before. */
/** A template secret's id (the manifest's id rule). */
export const secretIdField = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/)
export const backupIdField = z.string().regex(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d(?:-\d{3}Z-[0-9a-f]{4}|Z)$/)
export const imageReference = z
  .string()
  .trim()
  .max(300)
  .regex(/^[\w./:@-]+$/, 'not an image reference')

export const registryHostField = z
  .string()
  .trim()
  .toLowerCase()
  .refine(isRegistryHost, 'a host name or address, optionally with :port (e.g. ghcr.io or 10.0.0.5:5000)')

export const registryAccountSchema = z
  .object({
    host: registryHostField,
    username: z.string().trim().min(1).max(200),
    /** Absent or empty: the stored password stays. */
    password: z
      .string()
      .max(4000)
      .optional()
      .transform((p) => p || undefined),
    ca: z
      .string()
      .trim()
      .max(20_000)
      .refine(
        (pem) => pem === '' || /^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----$/.test(pem),
        'a PEM certificate (-----BEGIN CERTIFICATE-----)',
      )
      .nullable()
      .optional(),
  })
  .strict()
export type RegistryAccountRequest = z.input<typeof registryAccountSchema>

export const settingsPatchSchema = z
  .object({
    locale: z.enum(locales),
    theme: z.enum(themePreferences),
    activeHostId: z.string().min(1).max(200).nullable(),
    dnsResolvers: z.array(z.string().regex(/^(\d{1,3}(\.\d{1,3}){3}|\[?[0-9a-fA-F:]+\]?)(:\d{1,5})?$/, 'an IP address, optionally with :port')).max(4),
    backupsToKeep: z.number().int().min(1).max(100),
    hetznerApiUrl: z
      .url({ protocol: /^https?$/ })
      .max(300)
      .refine((u) => {
        const p = URL.parse(u)
        return !p || p.protocol === 'https:' || /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i.test(p.hostname)
      }, 'must use https: plain http would send the Hetzner token unencrypted (allowed only to this machine: 127.0.0.1, ::1 or localhost)'),
    helperImage: z
      .string()
      .trim()
      .min(1)
      .max(300)
      .regex(/^[\w./:@-]+$/, 'not an image reference'),
    gateNodeImage: z
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
    hostId: hostIdField,
    name: z.string().trim().toLowerCase().min(1).max(30),
    description: z.string().max(2000).default(''),
    templateId: z.string().regex(/^[\w.-]{1,80}$/),
    // Stored as punycode without a trailing dot; what is no domain stays as typed, for the rules to refuse by name.
    domain: z
      .string()
      .trim()
      .min(3)
      .max(300)
      .transform((typed) => asciiDomain(typed) ?? typed.toLowerCase()),
    params: shopParamsSchema,
    image: imageReference.optional(),
    start: z.boolean().default(true),
  })
  .strict()
export type CreateShopRequest = z.input<typeof createShopSchema>

const paramsSchema = createShopSchema.shape.params
const domainSchema = createShopSchema.shape.domain

/** Edit: what may change after create. Secrets and volumes stay. */
export const editShopSchema = z
  .object({
    hostId: hostIdField,
    shop: shopName,
    description: z.string().max(2000),
    domain: domainSchema,
    params: paramsSchema,
    image: z
      .string()
      .trim()
      .max(300)
      .regex(/^[\w./:@-]*$/, 'not an image reference')
      .nullable(),
  })
  .strict()
export type EditShopRequest = z.input<typeof editShopSchema>

/** Clone: a new shop with all of the source's data. */
export const cloneShopSchema = z
  .object({
    hostId: hostIdField,
    source: shopName,
    name: createShopSchema.shape.name,
    domain: domainSchema,
    description: z.string().max(2000).default(''),
  })
  .strict()
export type CloneShopRequest = z.input<typeof cloneShopSchema>

export const logsRequestSchema = z
  .object({
    hostId: hostIdField,
    shop: shopName,
    /** One service, or the whole shop when absent. */
    service: z
      .string()
      .regex(/^[\w.-]{1,63}$/)
      .optional(),
    tail: z.number().int().min(1).max(10_000).default(500),
  })
  .strict()
export type LogsRequest = z.input<typeof logsRequestSchema>

const hostIdSchema = z.object({ hostId: hostIdField }).strict()
const fingerprintSchema = sshFingerprint

/** Who may call a channel: anyone, or an admin profile of the host the input names (the dispatcher checks it). */
export type ChannelRole<Input = unknown> = 'anyone' | 'admin' | ((input: Input) => 'anyone' | 'admin')

/**
 * Declares a channel: the schema is checked at runtime in main, the output type only at compile time, and the role
 * it needs before any handler runs. An admin channel's input names its host (`hostId`), whose profile's role counts.
 */
function channel<Output>() {
  return <Input extends z.ZodType>(input: Input, role: ChannelRole<z.output<Input>> = 'anyone') => ({ input, output: undefined as unknown as Output, role })
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
  /** Free disk, memory and load of a host an admin reaches (a sales key reaches no files of the host). */
  'hosts:room': channel<HostCapacity>()(hostIdSchema, 'admin'),
  'hosts:trust': channel<HostProfile>()(hostIdSchema.extend({ fingerprint: fingerprintSchema }).strict()),
  'hosts:exportConnection': channel<ConnectionExport>()(hostIdSchema, 'admin'),
  /** Any role: the laptop importing a file is the one that has no host yet. */
  'hosts:importConnection': channel<HostProfile>()(z.object({ text: z.string().min(1).max(100_000) }).strict()),
  'hosts:setupPreview': channel<{ planId: string; changes: SetupChange[] }>()(
    hostIdSchema
      .extend({
        acmeEmail: z.email().max(200),
        autostart: z.boolean().default(false),
        hetznerToken: z
          .string()
          .trim()
          .min(20)
          .max(200)
          .regex(/^[A-Za-z0-9_-]+$/, 'not an API token')
          .optional(),
      })
      .strict(),
    'admin',
  ),
  'hosts:setupApply': channel<SetupOutcome>()(z.object({ hostId: hostIdField, planId: z.string().uuid() }).strict(), 'admin'),
  'shops:overview': channel<ShopOverview>()(hostIdSchema),
  'shops:refresh': channel<ShopOverview>()(hostIdSchema),
  'templates:list': channel<TemplateList>()(noInput),
  /** What the create wizard offers for a host: a sales key's host answers its installed templates, else this library. */
  'templates:forHost': channel<TemplateList>()(hostIdSchema),
  /** Copies a template into the host's templates folder, for the gate to create sales shops from. */
  'templates:install': channel<{ target: string; action: 'create' | 'update' | 'unchanged'; images: string[]; missing: MissingImage[] }>()(
    hostIdSchema.extend({ templateId: z.string().regex(/^[\w.-]{1,80}$/) }).strict(),
    'admin',
  ),
  /** Asks for a compose file (the shell's open dialog) and proposes a template from it; null when the user cancels. */
  'templates:importCompose': channel<ImportProposal | null>()(noInput),
  /** Saves an imported template's draft into this laptop's custom templates folder: no host is asked. */
  'templates:saveImport': channel<ImportSaved>()(importDraftSchema),
  /** Registry credentials are this laptop's own, as its keychain is: no host is asked. */
  'registries:list': channel<RegistryAccount[]>()(noInput),
  'registries:save': channel<RegistryAccount>()(registryAccountSchema),
  'registries:remove': channel<null>()(z.object({ host: registryHostField }).strict()),
  /** The tags of an image from its registry, newest first, with this laptop's credentials for it. */
  'registries:tags': channel<ImageTags>()(z.object({ image: imageReference.min(1) }).strict()),
  'shops:create': channel<OperationSnapshot>()(createShopSchema),
  'shops:action': channel<null>()(
    hostIdSchema.extend({ shop: shopName, action: z.enum(shopActions), confirm: z.string().max(30).optional() }).strict(),
    (input) => (salesActions.includes(input.action) ? 'anyone' : 'admin'),
  ),
  'shops:revealSecret': channel<string>()(hostIdSchema.extend({ shop: shopName, secretId: secretIdField }).strict()),
  'shops:edit': channel<OperationSnapshot>()(editShopSchema, 'admin'),
  'shops:clone': channel<OperationSnapshot>()(cloneShopSchema),
  'shops:update': channel<OperationSnapshot>()(z.object({ hostId: hostIdField, shop: shopName, image: imageReference.min(1) }).strict(), 'admin'),
  'shops:backup': channel<OperationSnapshot>()(z.object({ hostId: hostIdField, shop: shopName }).strict(), 'admin'),
  'shops:backups': channel<BackupManifest[]>()(z.object({ hostId: hostIdField, shop: shopName }).strict()),
  'shops:audit': channel<ShopAuditEntry[]>()(z.object({ hostId: hostIdField, shop: shopName }).strict(), 'admin'),
  'shops:restore': channel<OperationSnapshot>()(
    z.object({ hostId: hostIdField, shop: shopName, backupId: backupIdField, confirm: z.string().max(30) }).strict(),
    'admin',
  ),
  'shops:restoreNew': channel<OperationSnapshot>()(
    z
      .object({
        hostId: hostIdField,
        shop: shopName,
        backupId: backupIdField,
        name: createShopSchema.shape.name,
        domain: domainSchema,
        description: z.string().max(2000).default(''),
      })
      .strict(),
    'admin',
  ),
  'shops:backupTransfer': channel<OperationSnapshot>()(
    z
      .object({
        hostId: hostIdField,
        shop: shopName,
        direction: z.enum(['download', 'upload']),
        backupId: backupIdField.optional(),
      })
      .strict(),
    'admin',
  ),
  'shops:logs': channel<LogLine[]>()(logsRequestSchema),
  'logs:follow': channel<{ streamId: string }>()(logsRequestSchema),
  'logs:stop': channel<null>()(z.object({ streamId: z.string().uuid() }).strict()),
  'domains:check': channel<DomainCheckResult>()(hostIdSchema.extend({ domain: z.string().trim().min(1).max(300) }).strict()),
  /** Writes the shop's name at Hetzner as its host's domain mode says; null: the name is not the app's to write. */
  'domains:publish': channel<StepNote | null>()(z.object({ hostId: hostIdField, shop: shopName }).strict()),
  'drafts:list': channel<DraftList>()(noInput),
  'drafts:save': channel<Draft>()(draftInputSchema.extend({ id: z.string().uuid().optional() }).strict()),
  'drafts:duplicate': channel<Draft>()(z.object({ id: z.string().uuid() }).strict()),
  'drafts:remove': channel<null>()(z.object({ id: z.string().uuid() }).strict()),
  'drafts:deploy': channel<OperationSnapshot>()(z.object({ id: z.string().uuid(), hostId: hostIdField.optional() }).strict()),
  'drafts:export': channel<DraftExport>()(z.object({ ids: z.array(z.string().uuid()).min(1).max(500) }).strict()),
  'drafts:import': channel<Draft[]>()(z.object({ content: z.string().min(2).max(5_000_000) }).strict()),
  'identity:get': channel<Identity | null>()(noInput),
  'identity:generate': channel<Identity>()(
    z.object({ person: z.string().trim().min(1).max(80), role: z.enum(hostRoles), replace: z.boolean().default(false) }).strict(),
  ),
  'team:list': channel<TeamKey[]>()(hostIdSchema, 'admin'),
  'team:add': channel<null>()(
    hostIdSchema.extend({ publicKey: z.string().trim().min(20).max(10_000), role: z.enum(hostRoles).default('sales') }).strict(),
    'admin',
  ),
  'team:setRole': channel<{ endedSessions: number }>()(hostIdSchema.extend({ fingerprint: fingerprintSchema, role: z.enum(hostRoles) }).strict(), 'admin'),
  'team:revoke': channel<{ endedSessions: number }>()(
    hostIdSchema.extend({ fingerprint: fingerprintSchema, confirmOwn: z.boolean().default(false) }).strict(),
    'admin',
  ),
  'operations:get': channel<OperationSnapshot | null>()(z.object({ id: z.string().uuid() }).strict()),
  'operations:cancel': channel<boolean>()(z.object({ id: z.string().uuid() }).strict()),
} satisfies Record<InvokeChannel, { input: z.ZodType; output: unknown; role: ChannelRole<never> }>

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

/** What the preload exposes as `window.api` (in the app, and in the e2e tests over their bridge). */
export interface Api {
  invoke<C extends InvokeChannel>(
    channel: C,
    ...input: undefined extends InvokeInput<C> ? [input?: InvokeInput<C>] : [input: InvokeInput<C>]
  ): Promise<Envelope<InvokeOutput<C>>>
  on<E extends EventChannel>(event: E, listener: (payload: EventPayload<E>) => void): () => void
}
