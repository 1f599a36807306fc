// Edit: description, domain, template parameters and image change; the shop is rendered again from its template
// with the secrets it already has and applied with `up -d`, which recreates only the services that changed.
import { AppError, toAppError } from '@shared/errors'
import type { HostSession } from '../host/host-session'
import { writeShopFiles } from '../host/remote-files'
import { generateSecrets, resolveParams } from '../templates/parameters'
import { renderShop } from '../templates/render'
import type { Template } from '../templates/template-loader'
import { composeUp } from './bring-up'
import { secretMasker } from './secret-mask'
import { checkRole } from './shop-actions'
import { withShopLock } from './shop-lock'
import { clearFailure, readShopRecord, recordFailure, shopFiles, type ShopMetadata } from './shop-record'

export interface EditShopInput {
  shop: string
  description: string
  domain: string
  params: Record<string, unknown>
  /** Empty or null: the template's own image. */
  image: string | null
}

export interface EditShopDeps {
  template: (id: string) => Promise<Template>
  user: string
  certResolver: string | null
  /** The host's DNS as its domain mode says (per shop: the shop's own record); none: nothing is written. */
  dns?: ShopNames
  now?: () => Date
}

export interface ShopNames {
  publish(domain: string): Promise<unknown>
  /** Resolves to whether a record was removed. */
  unpublish(domain: string): Promise<boolean>
}

export async function editShop(session: HostSession, input: EditShopInput, deps: EditShopDeps): Promise<void> {
  checkRole(session.profile.role, 'edit')
  await withShopLock(session, input.shop, deps.user, async () => {
    const record = await readShopRecord(session, input.shop)
    const template = await deps.template(record.metadata.template)
    const params = resolveParams(template.manifest, input.params)
    // The shop's own secrets stay (its data depends on them); only a secret the template has gained is new.
    const secrets = { ...generateSecrets(template.manifest), ...record.secrets }
    const image = input.image?.trim() || undefined
    const rendered = renderShop(template, { name: input.shop, domain: input.domain, params, secrets, certResolver: deps.certResolver, ...(image ? { image } : {}) })
    const { image: _previousImage, ...kept } = record.metadata
    const metadata: ShopMetadata = {
      ...kept,
      description: input.description,
      domain: input.domain,
      params,
      ...(image ? { image } : {}),
      editedBy: deps.user,
      editedAt: (deps.now ?? (() => new Date()))().toISOString(),
    }
    const moved = record.metadata.domain !== input.domain
    // The new name first: should Hetzner refuse it, nothing of the shop has changed yet.
    if (moved) await deps.dns?.publish(input.domain)
    let step = 'write'
    try {
      await writeShopFiles(session, record.dir, shopFiles(rendered, metadata))
      step = 'start'
      await composeUp(session, record.dir, input.shop, { mask: secretMasker(secrets) })
      await clearFailure(session, record.dir)
    } catch (error) {
      const failure = toAppError(error)
      await recordFailure(session, record.dir, { operation: 'edit', step }, failure)
      throw failure
    }
    if (moved && record.metadata.domain) {
      await deps.dns?.unpublish(record.metadata.domain).catch((error: unknown) => {
        const reason = (error as Error).message
        throw new AppError('dns_failed', `The shop now answers on ${input.domain}, but its old DNS record ${record.metadata.domain} could not be removed: ${reason}`, {
          say: { key: 'dnsOldRecord', values: { domain: input.domain, old: record.metadata.domain, reason } },
        })
      })
    }
  })
}
