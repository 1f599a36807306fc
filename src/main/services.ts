// Composes the main-process services from their dependencies; used by Electron's bootstrap and by tests.
import type { AppInfo } from '@shared/domain'
import { AppError } from '@shared/errors'
import { join } from 'node:path'
import { ConnectionRegistry } from './connection/connection-registry'
import { EventBus } from './events'
import { defaultLocalBaseDir, HostProfiles } from './host/host-profiles'
import { HostService } from './host/host-service'
import type { SshConnectionOptions } from './host/ssh-connection'
import { OverviewCache } from './shops/overview-cache'
import { TemplateService } from './templates/template-service'
import { OperationRegistry } from './operations/operation-registry'
import { startCreateShop } from './shops/create-shop'
import { startCloneShop } from './shops/clone-shop'
import { editShop } from './shops/edit-shop'
import { startUpdateShop } from './shops/update-shop'
import { listBackups, startBackup, startRestore, type BackupDeps } from './shops/shop-backup'
import { startBackupTransfer } from './shops/backup-transfer'
import { startRestoreAsNewShop } from './shops/restore-new-shop'
import { LogFollowers, readLogs } from './shops/shop-logs'
import { checkDomain, hostAddresses } from './domains/domain-check'
import { HostDns } from './domains/host-dns'
import { readShopRecord } from './shops/shop-record'
import { dnsTokenAccount, HostSetupService, type SetupOverrides } from './host-setup/setup-service'
import { IdentityService } from './team/identity'
import { DraftStore, type DraftsFile } from './drafts/draft-store'
import { deployDraft } from './drafts/deploy-draft'
import { addTeamKey, listTeamKeys, revokeTeamKey } from './team/team-keys'
import { readShopSecret } from './shops/shop-secrets'
import { runShopAction } from './shops/shop-actions'
import type { Keychain } from './vault/keychain'
import type { InvokeHandlers } from './ipc/dispatch'
import { SettingsService, type KeyValueStore } from './settings/settings-service'

export interface ServiceDeps {
  store: KeyValueStore
  keychain: Keychain
  appInfo: AppInfo
  /** The templates shipped with the app. */
  bundledTemplatesDir: string
  /** The Docker socket of this machine, for the built-in local host. */
  localDockerSocket?: string
  agentSocket?: string | undefined
  sshOptions?: Partial<SshConnectionOptions>
  /** Who uses the app: recorded as "created by" on shops. */
  userName: string
  /** The Traefik stack's source files (traefik/). */
  traefikDir: string
  setupOverrides?: SetupOverrides
  /** Opens the drafts store file (throws when it does not parse); `draftsPath` is where it lives. */
  openDrafts: () => DraftsFile
  draftsPath: string
  /** A folder for a backup download or upload: Electron's dialog in the app, a fixed one in tests. */
  chooseFolder?: (purpose: 'download' | 'upload') => Promise<string | null>
}

export interface Services {
  events: EventBus
  settings: SettingsService
  connections: ConnectionRegistry
  hosts: HostService
  templates: TemplateService
  operations: OperationRegistry
  logs: LogFollowers
  setup: HostSetupService
  identity: IdentityService
  dns: HostDns
  drafts: DraftStore
  chooseFolder: (purpose: 'download' | 'upload') => Promise<string | null>
  userName: string
  appInfo: AppInfo
}

export function createServices(deps: ServiceDeps): Services {
  const events = new EventBus()
  const connections = new ConnectionRegistry(events)
  const profiles = new HostProfiles(deps.store, deps.keychain, {
    localBaseDir: defaultLocalBaseDir(deps.appInfo.dataDir),
    ...(deps.localDockerSocket ? { localDockerSocket: deps.localDockerSocket } : {}),
    agentSocket: deps.agentSocket,
  })
  const cache = new OverviewCache(join(deps.appInfo.dataDir, 'cache'))
  const settings = new SettingsService(deps.store, events)
  const hosts = new HostService(profiles, connections, events, cache, deps.sshOptions)
  const dns = new HostDns({
    token: (hostId) => deps.keychain.get(dnsTokenAccount(hostId)),
    baseUrl: () => settings.get().hetznerApiUrl,
    resolvers: () => settings.get().dnsResolvers,
  })
  return {
    events,
    settings,
    templates: new TemplateService(deps.bundledTemplatesDir, () => settings.get().customTemplatesDir),
    connections,
    hosts,
    setup: new HostSetupService(hosts, deps.keychain, deps.traefikDir, dns, deps.setupOverrides),
    dns,
    identity: new IdentityService(deps.store, deps.keychain),
    drafts: new DraftStore(deps.openDrafts, deps.draftsPath),
    chooseFolder: deps.chooseFolder ?? (async () => null),
    operations: new OperationRegistry((snapshot) => events.emit('operation:progress', snapshot)),
    logs: new LogFollowers((batch) => events.emit('logs:lines', batch)),
    userName: deps.userName,
    appInfo: deps.appInfo,
  }
}

/** One handler per contract channel; inputs arrive already validated by the dispatcher. */
export function createHandlers(services: Services): InvokeHandlers {
  const session = (hostId: string) => services.hosts.session(hostId)
  const template = (id: string) => services.templates.get(id)
  // A create or clone that ended may have left a directory without containers: read the host again.
  const onFinished = (hostId: string): void => void services.hosts.refresh(hostId).catch(() => undefined)
  const certResolver = 'letsencrypt'
  const profileOf = (hostId: string) => {
    const profile = services.hosts.list().find((h) => h.id === hostId)
    if (!profile) throw new AppError('not_found', 'This host profile no longer exists.')
    return profile
  }
  const publishName = (hostId: string) => (domain: string, signal: AbortSignal) => services.dns.publish(profileOf(hostId), domain, signal)
  /** Team access is the admin's: refused in main for a sales profile. */
  const adminSession = async (hostId: string) => {
    const open = await session(hostId)
    if (open.profile.role !== 'admin') throw new AppError('forbidden', 'Only an admin may manage who can log in to this host.')
    return open
  }
  const backupDeps = (): BackupDeps => ({
    session,
    template,
    operations: services.operations,
    user: services.userName,
    helperImage: services.settings.get().helperImage,
    keep: services.settings.get().backupsToKeep,
    onFinished,
  })
  return {
    'app:info': () => services.appInfo,
    'settings:get': () => services.settings.get(),
    'settings:update': (patch) => services.settings.update(patch),
    'connection:list': () => services.connections.list(),
    'hosts:list': () => services.hosts.list(),
    'hosts:save': (input) => services.hosts.save(input),
    'hosts:remove': async ({ hostId }) => {
      await services.hosts.remove(hostId)
      return null
    },
    'hosts:test': ({ hostId }) => services.hosts.test(hostId),
    'hosts:trust': ({ hostId, fingerprint }) => services.hosts.trust(hostId, fingerprint),
    'hosts:setupPreview': (request) => services.setup.preview(request),
    'hosts:setupApply': ({ planId }) => services.setup.apply(planId),
    'shops:overview': ({ hostId }) => services.hosts.overview(hostId),
    'shops:refresh': ({ hostId }) => services.hosts.refresh(hostId),
    'templates:list': () => services.templates.list(),
    'shops:create': (input) =>
      startCreateShop(input, { session, template, operations: services.operations, user: services.userName, certResolver, onFinished, publishName: publishName(input.hostId) }),
    'shops:clone': (input) =>
      startCloneShop(input, {
        session,
        template,
        operations: services.operations,
        user: services.userName,
        certResolver,
        helperImage: services.settings.get().helperImage,
        onFinished,
        publishName: publishName(input.hostId),
      }),
    'shops:update': (input) => startUpdateShop(input, { session, template, operations: services.operations, user: services.userName, certResolver, onFinished }),
    'shops:backup': (input) => startBackup(input, backupDeps()),
    'shops:backups': async ({ hostId, shop }) => listBackups(await session(hostId), shop),
    'shops:restore': (input) => startRestore(input, backupDeps()),
    'shops:restoreNew': (input) => startRestoreAsNewShop(input, { ...backupDeps(), certResolver, publishName: publishName(input.hostId) }),
    'shops:backupTransfer': (input) =>
      startBackupTransfer(input, { session, operations: services.operations, helperImage: services.settings.get().helperImage, chooseFolder: services.chooseFolder }),
    'shops:edit': async ({ hostId, ...input }) => {
      const profile = profileOf(hostId)
      const dns = { publish: (domain: string) => services.dns.publish(profile, domain), unpublish: (domain: string) => services.dns.unpublish(profile, domain) }
      await editShop(await session(hostId), input, { template, user: services.userName, certResolver, dns })
      await services.hosts.refresh(hostId)
      return null
    },
    'shops:logs': async ({ hostId, ...query }) => readLogs(await session(hostId), query),
    'logs:follow': async ({ hostId, ...query }) => ({ streamId: await services.logs.follow(await session(hostId), query) }),
    'logs:stop': ({ streamId }) => {
      services.logs.stop(streamId)
      return null
    },
    'shops:action': async ({ hostId, shop, action, confirm }) => {
      const open = await services.hosts.session(hostId)
      // Delete takes the shop's own DNS record along (per-shop mode): its name is read before the files go.
      const domain = action === 'delete' ? await readShopRecord(open, shop).then((r) => r.metadata.domain, () => null) : null
      await runShopAction(open, { shop, action, confirm, user: services.userName })
      if (domain) {
        await services.dns.unpublish(profileOf(hostId), domain).catch((error: unknown) => {
          throw new AppError('dns_failed', `The shop is deleted, but its DNS record ${domain} could not be removed: ${(error as Error).message}`)
        })
      }
      // Remove and delete change what exists, not only container states: read the host again.
      if (action === 'remove' || action === 'delete') await services.hosts.refresh(hostId)
      return null
    },
    'shops:revealSecret': async ({ hostId, shop, secretId }) => readShopSecret(await session(hostId), shop, secretId),
    'domains:check': async ({ hostId, domain }) => {
      const profile = services.hosts.list().find((h) => h.id === hostId)
      if (!profile) throw new AppError('not_found', 'This host profile no longer exists.')
      const resolvers = services.settings.get().dnsResolvers
      return checkDomain(domain, { expected: await hostAddresses(profile.address, resolvers), resolvers })
    },
    'domains:publish': async ({ hostId, shop }) => {
      const record = await readShopRecord(await session(hostId), shop)
      return services.dns.publish(profileOf(hostId), record.metadata.domain)
    },
    'drafts:list': () => services.drafts.list(),
    'drafts:save': (input) => services.drafts.save(input),
    'drafts:duplicate': ({ id }) => services.drafts.duplicate(id),
    'drafts:remove': ({ id }) => {
      services.drafts.remove(id)
      return null
    },
    'drafts:deploy': ({ id, hostId }) =>
      deployDraft(
        services.drafts,
        id,
        hostId,
        { session, template, operations: services.operations, user: services.userName, certResolver, onFinished, publishName: (domain, signal) => services.dns.publish(profileOf(hostId ?? services.drafts.get(id).hostId ?? ''), domain, signal) },
        services.events,
      ),
    'drafts:export': ({ ids }) => services.drafts.exportDrafts(ids),
    'drafts:import': ({ content }) => services.drafts.importDrafts(content),
    'identity:get': () => services.identity.get(),
    'identity:generate': ({ person, role, replace }) => services.identity.generate(person, role, replace),
    'team:list': async ({ hostId }) => listTeamKeys(await adminSession(hostId), await services.hosts.ownKeyFingerprint(hostId)),
    'team:add': async ({ hostId, publicKey }) => {
      await addTeamKey(await adminSession(hostId), publicKey)
      return null
    },
    'team:revoke': async ({ hostId, fingerprint, confirmOwn }) =>
      revokeTeamKey(await adminSession(hostId), fingerprint, await services.hosts.ownKeyFingerprint(hostId), confirmOwn),
    'operations:get': ({ id }) => services.operations.get(id) ?? null,
    'operations:cancel': ({ id }) => services.operations.cancel(id),
  }
}
