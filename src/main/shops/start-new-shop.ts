// The last steps of a new shop (created, cloned or restored from a backup): no cancel from here on (stopping
// half-way would leave stray containers), apply, wait until healthy, the failure record cleared; the result with
// the URL and the shop admin's login.
import type { CreateResult } from '@shared/operations'
import type { ShopEngine } from '../engine/shop-engine'
import { containersNote } from '../engine/shop-status'
import type { OperationContext } from '../operations/operation-runner'
import type { Template } from '../templates/template-loader'
import { secretMasker } from './secret-mask'

export interface NewShop {
  name: string
  domain: string
  template: Template
  secrets: Record<string, string>
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
    onChange: (containers) => op.step('health', 'running', containersNote(containers)),
  })
  await engine.store.clearFailure(shop.name)
  return { url: `https://${shop.domain}`, login: loginOf(shop.template), seconds: (Date.now() - context.startedAt) / 1000 }
}

/** The shop admin's login: the template's login secret, with the user name the template gives (admin by default). */
export function loginOf(template: Template): { user: string; passwordSecretId: string } | null {
  const login = template.manifest.secrets.find((s) => s.login)
  return login ? { user: 'admin', passwordSecretId: login.id } : null
}
