// The last steps of a new shop (created, cloned or restored from a backup): no cancel from here on (stopping
// half-way would leave stray containers), apply, wait until healthy, the failure record cleared; the result with
// the URL and the shop admin's login.
import type { CreateResult } from '@shared/operations'
import type { ShopParamValue } from '@shared/shops'
import type { ShopEngine } from '../engine/shop-engine'
import { containersNote } from '../engine/shop-status'
import type { OperationContext } from '../operations/operation-runner'
import { withParams } from '../templates/placeholders'
import type { Template } from '../templates/template-loader'
import { secretMasker } from './secret-mask'
import { shopUrl, type ShopRoute } from './shop-routing'

export interface NewShop {
  name: string
  domain: string
  /** How it is reached (its record keeps it): the URL says the same. */
  route: ShopRoute
  template: Template
  secrets: Record<string, string>
  params: Record<string, ShopParamValue>
}

export async function startNewShop(engine: ShopEngine, context: OperationContext<string>, shop: NewShop): Promise<CreateResult> {
  const { op, steps } = context
  // The last moment a cancel is honoured; from `start` on it is no longer offered.
  steps.cancelled()
  steps.noCancelFromHere()
  steps.begin('start')
  await engine.runtime.apply({ name: shop.name, dir: engine.store.dir(shop.name) }, { mask: secretMasker(shop.secrets), onOutput: (line) => op.log(line) })
  steps.begin('health')
  await engine.runtime.waitHealthy(shop.name, {
    timeoutMs: shop.template.manifest.healthTimeoutSeconds * 1000,
    mask: secretMasker(shop.secrets),
    onChange: (containers) => op.step('health', 'running', containersNote(containers)),
  })
  await engine.store.clearFailure(shop.name)
  const url = shopUrl(shop.domain, shop.route)
  return { url, login: loginOf(shop.template, shop.params, url), seconds: (Date.now() - context.startedAt) / 1000 }
}

/**
 * The shop admin's login: the template's login secret, with the user the manifest names (a `${param.<id>}` is the
 * shop's value of it: PrestaShop logs in with an e-mail) and the admin page's URL.
 */
export function loginOf(template: Template, params: Record<string, ShopParamValue>, url: string): CreateResult['login'] {
  const secret = template.manifest.secrets.find((s) => s.kind === 'random' && s.login)
  if (!secret) return null
  const { user, path } = template.manifest.login
  return { user: withParams(user, params), passwordSecretId: secret.id, url: path === '/' ? url : `${url}${path}` }
}
