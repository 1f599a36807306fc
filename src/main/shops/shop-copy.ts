// A new shop made from an existing one's data, by a clone or from a backup: the source's template, parameters and
// image, the secrets the copied data depends on, rendered for the new name and domain; once the volumes are filled,
// its files are written, its name published and it is started like a created shop.
import type { CreateResult } from '@shared/operations'
import type { ShopEngine } from '../engine/shop-engine'
import type { OperationContext } from '../operations/operation-runner'
import { generateSecrets, resolveParams } from '../templates/parameters'
import { renderShop, type RenderedShop } from '../templates/render'
import type { Template } from '../templates/template-loader'
import { publishStep, type PublishName } from './publish-step'
import type { LifecycleDeps } from './shop-lifecycle'
import { newShopMetadata, shopFiles, type ShopRecord } from './shop-record'
import { startNewShop } from './start-new-shop'
import { checkHostRoom } from './host-room'
import { routedShop, traefikRouting, type ShopRoute, type ShopRouting } from './shop-routing'

export interface CopyTarget {
  name: string
  domain: string
  description: string
}

export interface CopyDeps extends Pick<LifecycleDeps, 'template' | 'user'> {
  certResolver: string | null
  publishName?: PublishName
  /** How the host's shops are reached: a copy gets a route of its own (Local Docker: its own port). */
  routing?: ShopRouting
}

export interface ShopCopy {
  source: string
  record: ShopRecord
  template: Template
  params: ReturnType<typeof resolveParams>
  secrets: Record<string, string>
  image: string | undefined
  route: ShopRoute
  rendered: RenderedShop
}

/** Secrets the copied data depends on come along; the others are new, so two shops share no more than needed (a hash follows its source). */
export function secretsForCopy(template: Template, record: ShopRecord): Record<string, string> {
  const kept = template.manifest.secrets.filter((s) => s.kind === 'hash' || s.onClone === 'keep')
  return generateSecrets(template.manifest, Object.fromEntries(kept.flatMap((s) => (record.secrets[s.id] ? [[s.id, record.secrets[s.id]!]] : []))))
}

/** Reads the source shop, checks the host has room for one more, and renders the new one; touches nothing on the host. */
export async function planShopCopy(engine: ShopEngine, deps: CopyDeps, source: string, target: CopyTarget): Promise<ShopCopy> {
  const record = await engine.store.read(source)
  const template = await deps.template(record.metadata.template)
  await checkHostRoom(engine, template)
  const params = resolveParams(template.manifest, record.metadata.params)
  const secrets = secretsForCopy(template, record)
  const image = record.metadata.image
  const route = await (deps.routing ?? traefikRouting).assign(engine, target.name)
  const rendered = routedShop(
    renderShop(template, {
      name: target.name,
      domain: target.domain,
      params,
      secrets,
      certResolver: deps.certResolver,
      ...(image ? { image } : {}),
    }),
    template.manifest.entry,
    route,
  )
  return { source, record, template, params, secrets, image, route, rendered }
}

/** The volumes are filled: write the new shop's files (recording where it came from), publish its name, start it. */
export async function finishShopCopy(
  engine: ShopEngine,
  context: OperationContext<string>,
  deps: CopyDeps,
  copy: ShopCopy,
  target: CopyTarget & { fromBackup?: string },
): Promise<CreateResult> {
  context.steps.begin('write')
  const metadata = newShopMetadata({
    template: copy.template.id,
    description: target.description,
    domain: target.domain,
    params: copy.params,
    image: copy.image,
    clonedFrom: copy.source,
    ...(target.fromBackup ? { fromBackup: target.fromBackup } : {}),
    createdBy: deps.user,
    ...copy.route,
  })
  await engine.store.writeFiles(engine.store.dir(target.name), shopFiles(copy.rendered, metadata))
  await publishStep(context, copy.rendered.hosts, deps.publishName)
  return startNewShop(engine, context, {
    name: target.name,
    domain: target.domain,
    route: copy.route,
    template: copy.template,
    secrets: copy.secrets,
    params: copy.params,
  })
}
