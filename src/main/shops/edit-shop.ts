// Edit, as an operation: description, domain, template parameters and image change; the shop is rendered again from
// its template with the secrets it already has and applied with `up -d`, which recreates only the services that
// changed. On a per-shop host the new names are published before anything changes, the old ones removed after.
import { AppError } from '@shared/errors'
import { editSteps, type EditStep } from '@shared/operations'
import type { ShopEngine } from '../engine/shop-engine'
import type { StartedOperation } from '../operations/operation-runner'
import { generateSecrets, resolveParams } from '../templates/parameters'
import { renderShop } from '../templates/render'
import { pullImages } from './pull-step'
import { secretMasker } from './secret-mask'
import type { LifecycleDeps } from './shop-lifecycle'
import { recordHostNames, shopFiles, volumeNames, type ShopMetadata } from './shop-record'
import { checkRole } from './shop-role'
import { routedShop, routeOf, shopUrl } from './shop-routing'

export interface EditShopInput {
  hostId: string
  shop: string
  description: string
  domain: string
  params: Record<string, unknown>
  /** Empty or null: the template's own image. */
  image: string | null
}

export interface ShopNames {
  publish(domain: string, signal?: AbortSignal): Promise<unknown>
  /** Resolves to whether a record was removed. */
  unpublish(domain: string): Promise<boolean>
}

export interface EditShopDeps extends LifecycleDeps {
  certResolver: string | null
  /** The host's DNS as its domain mode says (per shop: the shop's own record); none: nothing is written. */
  dns?: ShopNames
  now?: () => Date
}

export function startEditShop(input: EditShopInput, deps: EditShopDeps): StartedOperation {
  let engine: ShopEngine | undefined
  let touched = false
  return deps.runner.start<EditStep>({
    kind: 'edit',
    hostId: input.hostId,
    shop: input.shop,
    steps: editSteps,
    async run(context) {
      const { op, steps } = context
      steps.begin('validate')
      const active = (engine = await deps.engine(input.hostId))
      checkRole(active.role, 'edit')
      return active.store.withLock(input.shop, deps.user, async () => {
        const record = await active.store.read(input.shop)
        const template = await deps.template(record.metadata.template)
        const params = resolveParams(template.manifest, input.params)
        // The shop's own secrets stay (its data depends on them); only a secret the template has gained is new.
        const secrets = generateSecrets(template.manifest, record.secrets)
        const image = input.image?.trim() || undefined
        const rendered = routedShop(
          renderShop(template, {
            name: input.shop,
            domain: input.domain,
            params,
            secrets,
            certResolver: deps.certResolver,
            volumes: volumeNames(record, input.shop),
            ...(image ? { image } : {}),
          }),
          template.manifest.entry,
          // The shop keeps its address: on Local Docker the port its record holds.
          routeOf(record.metadata),
        )
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
        // A new image is on the host before anything changes: a wrong tag or a refused login leaves the shop as it was.
        steps.begin('pull', rendered.images.join(', '))
        await pullImages(rendered.images, { runtime: active.runtime, auth: deps.registryAuth, op, step: 'pull', signal: op.signal })
        // Names the shop gains (a new domain, and its routes' host names on it) and those it loses, as its files say.
        const before = recordHostNames(record)
        const gained = rendered.hosts.filter((name) => !before.includes(name))
        const lost = before.filter((name) => !rendered.hosts.includes(name))
        // The new names first: should Hetzner refuse one, nothing of the shop has changed yet.
        if (gained.length > 0 && deps.dns) {
          steps.begin('dns', gained.join(', '))
          for (const name of gained) await deps.dns.publish(name, op.signal)
        } else steps.skip('dns', { key: 'dnsNothing' })

        steps.cancelled()
        steps.noCancelFromHere()
        steps.begin('write')
        touched = true
        await active.store.writeFiles(record.dir, shopFiles(rendered, metadata))
        steps.begin('start')
        await active.runtime.apply({ name: input.shop, dir: record.dir }, { mask: secretMasker(secrets), onOutput: (line) => op.log(line) })
        await active.store.clearFailure(input.shop)
        for (const old of deps.dns ? lost : []) {
          await deps.dns!.unpublish(old).catch((error: unknown) => {
            const reason = (error as Error).message
            throw new AppError('dns_failed', `The shop now answers on ${input.domain}, but its old DNS record ${old} could not be removed: ${reason}`, {
              say: { key: 'dnsOldRecord', values: { domain: input.domain, old, reason } },
            })
          })
        }
        return { url: shopUrl(input.domain, routeOf(record.metadata)), login: null, seconds: (Date.now() - context.startedAt) / 1000 }
      })
    },
    async settle(failure, step) {
      // Only a change that reached the shop's files is recorded; the old record's removal failing is no failure of the shop.
      if (engine && touched && failure.code !== 'dns_failed') await engine.store.recordFailure(input.shop, { operation: 'edit', step }, failure)
    },
  })
}
