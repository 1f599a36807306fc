// Reveals a shop's login password, only when the user asks to see it, and only that one of its secrets: the other
// secrets (database passwords, keys) never leave the host.
import { AppError } from '@shared/errors'
import type { ShopEngine } from '../engine/shop-engine'
import type { Template } from '../templates/template-loader'

export async function revealLoginPassword(engine: ShopEngine, template: (id: string) => Promise<Template>, shop: string, secretId: string): Promise<string> {
  // A sales key's host checks it is the login password and reads it itself; no other secret leaves it.
  if (engine.host) return engine.host.revealLogin(shop, secretId)
  const record = await engine.store.read(shop)
  const login = (await template(record.metadata.template)).manifest.secrets.find((s) => s.kind === 'random' && s.login)
  if (!login || login.id !== secretId) {
    throw new AppError('forbidden', `"${secretId}" is not the login password of "${shop}"; only that one can be shown.`, {
      say: { key: 'notLoginSecret', values: { shop } },
    })
  }
  const value = record.secrets[secretId]
  if (!value) throw new AppError('not_found', `The shop "${shop}" has no secret "${secretId}".`)
  return value
}
