// The composition root: the main-process services made from their dependencies, and one line per contract channel.
// Used by Electron's bootstrap and by tests.
import type { AppInfo } from '@shared/settings'
import type { HostRole } from '@shared/hosts'
import { join } from 'node:path'
import { ConnectionRegistry } from './connection/connection-registry'
import { EventBus } from './events'
import { defaultLocalBaseDir, dnsTokenAccount, HostProfiles } from './host/host-profiles'
import { HostService } from './host/host-service'
import { SessionPool } from './host/session-pool'
import type { SshConnectionOptions } from './host/ssh-types'
import { EnginePool } from './engine/engine-pool'
import { OverviewCache } from './shops/overview-cache'
import { OverviewService } from './shops/overview-service'
import { LogFollowers } from './shops/shop-logs'
import { ShopService } from './shops/shop-service'
import { routingByHostKind } from './shops/shop-routing'
import { TemplateService } from './templates/template-service'
import { OperationRegistry } from './operations/operation-registry'
import { OperationRunner } from './operations/operation-runner'
import { checkDomain, hostAddresses } from './dns/domain-check'
import { HostDns } from './dns/host-dns'
import { HostSetupService, type SetupOverrides } from './host-setup/setup-service'
import type { GateBundleSource } from './host-setup/gate-install'
import { installTemplate, templateFolder } from './host-setup/template-install'
import { loadTemplates } from './templates/template-loader'
import { IdentityService } from './team/identity'
import { TeamService } from './team/team-service'
import { DraftStore, type DraftsFile } from './drafts/draft-store'
import { deployDraft } from './drafts/deploy-draft'
import type { Keychain } from './vault/keychain'
import { createDispatch, type Dispatch, type DispatchLogger, type InvokeHandlers } from './ipc/dispatch'
import { SettingsService, type KeyValueStore } from './settings/settings-service'
import { RegistryAccounts } from './registry/registry-accounts'
import { listImageTags } from './registry/image-tags'

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
  /** The gate's bundle (out/gate/shopmgr-gate.mjs); absent: host setup installs no gate (the templates still). */
  gateBundle?: GateBundleSource
  /** Opens the drafts store file (throws when it does not parse); `draftsPath` is where it lives. */
  openDrafts: () => DraftsFile
  draftsPath: string
  /** A folder for a backup download or upload: Electron's dialog in the app, a fixed one in tests. */
  chooseFolder?: (purpose: 'download' | 'upload') => Promise<string | null>
  /** A compose file to import as a template: Electron's open dialog in the app; tests set services.chooseFile. */
  chooseFile?: (purpose: 'compose') => Promise<string | null>
}

export interface Services {
  events: EventBus
  settings: SettingsService
  connections: ConnectionRegistry
  profiles: HostProfiles
  sessions: SessionPool
  engines: EnginePool
  hosts: HostService
  overview: OverviewService
  shops: ShopService
  templates: TemplateService
  registries: RegistryAccounts
  operations: OperationRegistry
  logs: LogFollowers
  setup: HostSetupService
  identity: IdentityService
  team: TeamService
  dns: HostDns
  drafts: DraftStore
  /** Asks for a folder for a backup download or upload; replaceable (tests answer with a fixed folder). */
  chooseFolder: (purpose: 'download' | 'upload') => Promise<string | null>
  /** Asks for a file to read (a compose file to import); replaceable (tests answer with a fixture). */
  chooseFile: (purpose: 'compose') => Promise<string | null>
  userName: string
  appInfo: AppInfo
}

export function createServices(deps: ServiceDeps): Services {
  const events = new EventBus()
  const connections = new ConnectionRegistry(events)
  const identity = new IdentityService(deps.store, deps.keychain)
  const profiles = new HostProfiles(deps.store, deps.keychain, {
    localBaseDir: defaultLocalBaseDir(deps.appInfo.dataDir),
    ...(deps.localDockerSocket ? { localDockerSocket: deps.localDockerSocket } : {}),
    agentSocket: deps.agentSocket,
    identityKey: () => identity.privateKey(),
  })
  const settings = new SettingsService(deps.store, events)
  const registries = new RegistryAccounts(deps.store, deps.keychain)
  const sessions = new SessionPool(profiles, connections, deps.sshOptions)
  const engines = new EnginePool(sessions, (hostId, role) => profiles.learnRole(hostId, role))
  const engine = (hostId: string) => engines.engine(hostId)
  const overview = new OverviewService(engine, new OverviewCache(join(deps.appInfo.dataDir, 'cache')), (o) => events.emit('shops:overview', o))
  // A dropped session (new key, new address, host removed) takes its overview watcher along.
  sessions.onDrop((hostId) => overview.forget(hostId))
  const dns = new HostDns({
    token: (hostId) => deps.keychain.get(dnsTokenAccount(hostId)),
    baseUrl: () => settings.get().hetznerApiUrl,
    resolvers: () => settings.get().dnsResolvers,
  })
  const templates = new TemplateService(deps.bundledTemplatesDir, () => settings.get().customTemplatesDir)
  const operations = new OperationRegistry((snapshot) => events.emit('operation:progress', snapshot))
  // An operation that ended may have made or left a directory without containers: read the host again.
  const runner = new OperationRunner(operations, (hostId) => void overview.refresh(hostId).catch(() => undefined))
  const logs = new LogFollowers((batch) => events.emit('logs:lines', batch))
  const shops = new ShopService({
    engine,
    profile: (hostId) => profiles.get(hostId),
    template: (id) => templates.get(id),
    runner,
    logs,
    naming: { publish: (profile, domain, signal) => dns.publish(profile, domain, signal), unpublish: (profile, domain) => dns.unpublish(profile, domain) },
    user: deps.userName,
    registryAuth: (image) => registries.pullAuth(image),
    settings: () => settings.get(),
    chooseFolder: (purpose) => services.chooseFolder(purpose),
    certResolver: 'letsencrypt',
    reread: (hostId) => overview.refresh(hostId),
    routing: routingByHostKind(),
  })
  const services: Services = {
    events,
    settings,
    connections,
    profiles,
    sessions,
    engines,
    hosts: new HostService(profiles, sessions, connections),
    overview,
    shops,
    templates,
    registries,
    operations,
    logs,
    setup: new HostSetupService(sessions, engines, deps.keychain, deps.traefikDir, dns, deps.setupOverrides, {
      ...(deps.gateBundle ? { bundle: deps.gateBundle } : {}),
      nodeImage: () => settings.get().gateNodeImage,
      helperImage: () => settings.get().helperImage,
      templates: async () => Promise.all((await loadTemplates(deps.bundledTemplatesDir, 'bundled')).templates.map(templateFolder)),
    }),
    identity,
    team: new TeamService(sessions, profiles),
    dns,
    drafts: new DraftStore(deps.openDrafts, deps.draftsPath),
    chooseFolder: deps.chooseFolder ?? (async () => null),
    chooseFile: deps.chooseFile ?? (async () => null),
    userName: deps.userName,
    appInfo: deps.appInfo,
  }
  return services
}

/** One handler per contract channel, one line each; inputs arrive validated and role-checked by the dispatcher. */
export function createHandlers(s: Services): InvokeHandlers {
  return {
    'app:info': () => s.appInfo,
    'settings:get': () => s.settings.get(),
    'settings:update': (patch) => s.settings.update(patch),
    'connection:list': () => s.connections.list(),
    'hosts:list': () => s.hosts.list(),
    'hosts:save': (input) => s.hosts.save(input),
    'hosts:remove': ({ hostId }) => s.hosts.remove(hostId).then(() => null),
    'hosts:test': ({ hostId }) => s.engines.probe(hostId),
    'hosts:trust': ({ hostId, fingerprint }) => s.hosts.trust(hostId, fingerprint),
    'hosts:exportConnection': ({ hostId }) => s.hosts.exportConnection(hostId),
    'hosts:importConnection': ({ text }) => s.hosts.importConnection(text),
    'hosts:setupPreview': (request) => s.setup.preview(request),
    'hosts:setupApply': ({ planId }) => s.setup.apply(planId),
    'shops:overview': ({ hostId }) => s.overview.overview(hostId),
    'shops:refresh': ({ hostId }) => s.overview.refresh(hostId),
    'hosts:room': ({ hostId }) => s.shops.room(hostId),
    'templates:list': () => s.templates.list(),
    'registries:list': () => s.registries.list(),
    'registries:save': (input) => s.registries.save(input),
    'registries:remove': ({ host }) => s.registries.remove(host).then(() => null),
    'registries:tags': async ({ image }) => listImageTags(image, await s.registries.access(image)),
    'templates:forHost': async ({ hostId }) => (await s.shops.hostTemplates(hostId)) ?? s.templates.list(),
    'templates:install': async ({ hostId, templateId }) =>
      installTemplate(await s.sessions.session(hostId), await s.templates.get(templateId), await pullOn(s, hostId)),
    'templates:importCompose': async () => s.templates.propose(await s.chooseFile('compose')),
    'templates:saveImport': (draft) => s.templates.saveImport(draft),
    'shops:create': (input) => s.shops.create(input),
    'shops:clone': (input) => s.shops.clone(input),
    'shops:update': (input) => s.shops.update(input),
    'shops:backup': (input) => s.shops.backup(input),
    'shops:backups': ({ hostId, shop }) => s.shops.backups(hostId, shop),
    'shops:restore': (input) => s.shops.restore(input),
    'shops:restoreNew': (input) => s.shops.restoreAsNew(input),
    'shops:backupTransfer': (input) => s.shops.transfer(input),
    'shops:edit': (input) => s.shops.edit(input),
    'shops:logs': ({ hostId, ...query }) => s.shops.logs(hostId, query),
    'logs:follow': ({ hostId, ...query }) => s.shops.followLogs(hostId, query),
    'logs:stop': ({ streamId }) => (s.logs.stop(streamId), null),
    'shops:action': (input) => s.shops.action(input),
    'shops:revealSecret': ({ hostId, shop, secretId }) => s.shops.revealLogin(hostId, shop, secretId),
    'domains:check': ({ hostId, domain }) => checkDomainFor(s, hostId, domain),
    'domains:publish': ({ hostId, shop }) => s.shops.publish(hostId, shop),
    'drafts:list': () => s.drafts.list(),
    'drafts:save': (input) => s.drafts.save(input),
    'drafts:duplicate': ({ id }) => s.drafts.duplicate(id),
    'drafts:remove': ({ id }) => (s.drafts.remove(id), null),
    'drafts:deploy': ({ id, hostId }) => deployDraft(s.drafts, id, hostId, (input) => s.shops.startCreate(input)),
    'drafts:export': ({ ids }) => s.drafts.exportDrafts(ids),
    'drafts:import': ({ content }) => s.drafts.importDrafts(content),
    'identity:get': () => s.identity.get(),
    'identity:generate': ({ person, role, replace }) => s.identity.generate(person, role, replace),
    'shops:audit': ({ hostId, shop }) => s.team.audit(hostId, shop),
    'team:list': ({ hostId }) => s.team.list(hostId),
    'team:add': ({ hostId, publicKey, role }) => s.team.add(hostId, publicKey, role),
    'team:setRole': ({ hostId, fingerprint, role }) => s.team.setRole(hostId, fingerprint, role),
    'team:revoke': ({ hostId, fingerprint, confirmOwn }) => s.team.revoke(hostId, fingerprint, confirmOwn),
    'operations:get': ({ id }) => s.operations.get(id) ?? null,
    'operations:cancel': ({ id }) => s.operations.cancel(id),
  }
}

/** Pulls an image on the host with this laptop's credentials for its registry. */
async function pullOn(s: Services, hostId: string): Promise<(image: string) => Promise<void>> {
  const { runtime } = await s.engines.engine(hostId)
  return async (image) => runtime.pullImage(image, { auth: await s.registries.pullAuth(image) })
}

async function checkDomainFor(s: Services, hostId: string, domain: string) {
  const profile = s.profiles.get(hostId)
  const resolvers = s.settings.get().dnsResolvers
  return checkDomain(domain, { expected: await hostAddresses(profile.address, resolvers), resolvers })
}

/**
 * The role each host gives its profile's key, for the dispatcher's check of the channels' declared roles: what the
 * host answered (its gate, or a shell), asked once per session — never the role stored in the profile, which anyone
 * with the laptop could edit.
 */
export function roleOf(s: Services): (hostId: string) => Promise<HostRole | null> {
  return async (hostId) => {
    if (!s.hosts.list().some((h) => h.id === hostId)) return null
    return (await s.engines.engine(hostId)).role
  }
}

/** The dispatcher of the app: the contract's validation and roles in front of the handlers. */
export function createAppDispatch(s: Services, logger?: DispatchLogger): Dispatch {
  return createDispatch(createHandlers(s), roleOf(s), logger)
}
