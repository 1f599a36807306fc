// The requests that answer once: hello, list, start/restart, logs, the login password, the domain check. Each is
// the app's own lifecycle function on the host's engine; the gate adds nothing but the checks before it.
import { GATE_VERSION, type GateRequest, type GateResults } from '@shared/gate-protocol'
import { discoverShops } from '../main/shops/discovery'
import { runShopAction } from '../main/shops/shop-actions'
import { readLogs } from '../main/shops/shop-logs'
import { revealLoginPassword } from '../main/shops/shop-secrets'
import type { GateDeps } from './gate-deps'

type OneShot = Extract<GateRequest, { op: 'hello' | 'list' | 'start' | 'restart' | 'logs' | 'revealLogin' | 'domainCheck' }>

export async function answerOnce(request: OneShot, deps: GateDeps): Promise<GateResults[OneShot['op']]> {
  const { engine } = deps
  switch (request.op) {
    case 'hello':
      return {
        role: deps.invocation.role,
        key: deps.invocation.key,
        gateVersion: GATE_VERSION,
        shopDomain: deps.config.shopDomain,
        domainMode: deps.config.domainMode,
        templates: await deps.templates.list(),
      }
    case 'list':
      return discoverShops(engine)
    case 'start':
    case 'restart':
      await runShopAction(engine, { shop: request.shop, action: request.op, user: deps.user })
      return null
    case 'logs':
      return readLogs(engine, { shop: request.shop, service: request.service, tail: request.tail })
    case 'revealLogin':
      return { password: await revealLoginPassword(engine, (id) => deps.templates.get(id), request.shop, request.secretId) }
    case 'domainCheck':
      return deps.domainCheck(request.domain)
  }
}
