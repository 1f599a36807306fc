// The shop lifecycle behind the IPC: one method per thing a user does to shops, each composing the host's engine,
// the templates, the operation runner, the settings of the moment and the host's DNS. Knows nothing of Electron.
import type { BackupManifest } from '@shared/backups'
import type { HostCapacity, HostProfile } from '@shared/hosts'
import type { OperationSnapshot, StepNote } from '@shared/operations'
import type { LogLine, ShopAction } from '@shared/shops'
import type { TemplateList } from '@shared/templates'
import type { ShopEngine } from '../engine/shop-engine'
import type { OperationRunner, StartedOperation } from '../operations/operation-runner'
import type { Template } from '../templates/template-loader'
import { startBackup, type BackupDeps } from './backup-shop'
import { startBackupTransfer } from './backup-transfer'
import { startCloneShop, type CloneShopInput } from './clone-shop'
import { startCreateShop, type CreateShopDeps, type CreateShopInput } from './create-shop'
import { startEditShop, type EditShopInput } from './edit-shop'
import { startRestoreAsNewShop, type RestoreNewInput } from './restore-new-shop'
import { startRestore, type RestoreInput } from './restore-shop'
import { runShopAction } from './shop-actions'
import type { RegistryAuth } from './pull-step'
import { readLogs, type LogFollowers, type ShopLogsQuery } from './shop-logs'
import { revealLoginPassword } from './shop-secrets'
import { recordHostNames } from './shop-record'
import { traefikRouting, type ShopRouting } from './shop-routing'
import { startUpdateShop } from './update-shop'

/** A host's names at Hetzner, as its domain mode says. */
export interface ShopNaming {
  publish(profile: HostProfile, domain: string, signal?: AbortSignal): Promise<StepNote | null>
  unpublish(profile: HostProfile, domain: string): Promise<boolean>
}

export interface ShopServiceDeps {
  engine: (hostId: string) => Promise<ShopEngine>
  profile: (hostId: string) => HostProfile
  template: (id: string) => Promise<Template>
  runner: OperationRunner
  logs: LogFollowers
  naming: ShopNaming
  user: string
  /** This laptop's credentials for an image's registry, sent with each pull. */
  registryAuth: RegistryAuth
  /** The settings of the moment: the helper image and how many backups to keep. */
  settings: () => { helperImage: string; backupsToKeep: number }
  chooseFolder: (purpose: 'download' | 'upload') => Promise<string | null>
  certResolver: string | null
  /** Reads the host's shops again: an action that changed what exists (a directory gone), not only container states. */
  reread: (hostId: string) => Promise<unknown>
  /** How a host's new shops are reached, by its kind (shop-routing.ts); Traefik where not given. */
  routing?: (profile: HostProfile) => ShopRouting
}

export class ShopService {
  constructor(private readonly deps: ShopServiceDeps) {}

  private get lifecycle() {
    const { engine, template, runner, user, registryAuth, certResolver } = this.deps
    return { engine, template, runner, user, registryAuth, certResolver }
  }

  /** What a new shop on the host needs of it: its name published where the domain mode says, its route. */
  private newShopDeps(hostId: string) {
    return { publishName: this.publishFor(hostId), routing: this.deps.routing?.(this.deps.profile(hostId)) ?? traefikRouting }
  }

  private publishFor(hostId: string) {
    return (domain: string, signal: AbortSignal) => this.deps.naming.publish(this.deps.profile(hostId), domain, signal)
  }

  private backupDeps(): BackupDeps & { certResolver: string | null } {
    const settings = this.deps.settings()
    return { ...this.lifecycle, helperImage: settings.helperImage, keep: settings.backupsToKeep }
  }

  /** What the host has left for new shops. */
  async room(hostId: string): Promise<HostCapacity> {
    return (await this.deps.engine(hostId)).store.capacity()
  }

  /** The templates a host creates from itself (a sales key's, behind the gate); null where this laptop renders. */
  async hostTemplates(hostId: string): Promise<TemplateList | null> {
    const { host } = await this.deps.engine(hostId)
    return host ? { templates: [...host.templates], problems: [] } : null
  }

  /** Create as a draft's deploy does: the operation and the promise of its end. */
  startCreate(input: CreateShopInput): StartedOperation {
    const deps: CreateShopDeps = { ...this.lifecycle, ...this.newShopDeps(input.hostId) }
    return startCreateShop(input, deps)
  }

  create(input: CreateShopInput): OperationSnapshot {
    return this.startCreate(input).snapshot
  }

  clone(input: CloneShopInput): OperationSnapshot {
    return startCloneShop(input, { ...this.lifecycle, helperImage: this.deps.settings().helperImage, ...this.newShopDeps(input.hostId) }).snapshot
  }

  edit(input: EditShopInput): OperationSnapshot {
    const profile = this.deps.profile(input.hostId)
    const dns = {
      publish: (domain: string, signal?: AbortSignal) => this.deps.naming.publish(profile, domain, signal),
      unpublish: (domain: string) => this.deps.naming.unpublish(profile, domain),
    }
    return startEditShop(input, { ...this.lifecycle, dns }).snapshot
  }

  update(input: { hostId: string; shop: string; image: string }): OperationSnapshot {
    return startUpdateShop(input, this.lifecycle).snapshot
  }

  backup(input: { hostId: string; shop: string }): OperationSnapshot {
    return startBackup(input, this.backupDeps()).snapshot
  }

  async backups(hostId: string, shop: string): Promise<BackupManifest[]> {
    return (await this.deps.engine(hostId)).store.backups(shop)
  }

  restore(input: RestoreInput): OperationSnapshot {
    return startRestore(input, this.backupDeps()).snapshot
  }

  restoreAsNew(input: RestoreNewInput): OperationSnapshot {
    return startRestoreAsNewShop(input, { ...this.backupDeps(), ...this.newShopDeps(input.hostId) }).snapshot
  }

  transfer(input: { hostId: string; shop: string; direction: 'download' | 'upload'; backupId?: string | undefined }): OperationSnapshot {
    const { engine, runner } = this.deps
    return startBackupTransfer(input, { engine, runner, helperImage: this.deps.settings().helperImage, chooseFolder: this.deps.chooseFolder }).snapshot
  }

  async action(input: { hostId: string; shop: string; action: ShopAction; confirm?: string | undefined }): Promise<null> {
    const profile = this.deps.profile(input.hostId)
    await runShopAction(await this.deps.engine(input.hostId), {
      ...input,
      user: this.deps.user,
      unpublish: (domain) => this.deps.naming.unpublish(profile, domain),
    })
    // Remove and delete change what exists, which no container event says: the overview reads the host again.
    if (input.action === 'remove' || input.action === 'delete') await this.deps.reread(input.hostId)
    return null
  }

  async logs(hostId: string, query: ShopLogsQuery): Promise<LogLine[]> {
    return readLogs(await this.deps.engine(hostId), query)
  }

  async followLogs(hostId: string, query: ShopLogsQuery): Promise<{ streamId: string }> {
    return { streamId: await this.deps.logs.follow(await this.deps.engine(hostId), query) }
  }

  async revealLogin(hostId: string, shop: string, secretId: string): Promise<string> {
    return revealLoginPassword(await this.deps.engine(hostId), this.deps.template, shop, secretId)
  }

  /**
   * Puts the shop's names right at Hetzner (no write when they already are): its domain and its routes' host names.
   * Says what it did for the domain; null when the name is not the app's to write.
   */
  async publish(hostId: string, shop: string): Promise<StepNote | null> {
    const record = await (await this.deps.engine(hostId)).store.read(shop)
    const [domain = record.metadata.domain, ...others] = recordHostNames(record)
    const said = await this.deps.naming.publish(this.deps.profile(hostId), domain)
    for (const name of others) await this.deps.naming.publish(this.deps.profile(hostId), name)
    return said
  }
}
