// What the gate's request handling is given: the host's engine and templates, the key it serves, the channel's
// output and end, and the few host facts it answers with. main.ts wires the real ones; tests pass fakes of the engine.
import type { DomainCheckResult } from '@shared/domain-check'
import type { GateLine } from '@shared/gate-protocol'
import type { ShopEngine } from '../main/engine/shop-engine'
import type { GateConfig } from './gate-config'
import type { GateInvocation } from './gate-invocation'
import type { HostTemplates } from './host-templates'

export interface GateDeps {
  invocation: GateInvocation
  config: Pick<GateConfig, 'shopDomain' | 'domainMode' | 'certResolver' | 'helperImage'>
  engine: ShopEngine
  templates: HostTemplates
  /** Who acts, as shop.json's "created by" and the holder of a shop's lock: the key's person, else its fingerprint. */
  user: string
  /** Whether the key is still in authorized_keys. */
  keyPresent(): Promise<boolean>
  /** How often a running stream re-checks the key (default 300 ms). */
  keyCheckMs?: number
  /** One line of output to the channel. */
  write(line: GateLine): void
  /** The lines the client writes on the open channel, as they come (a watch's refresh); returns the unsubscribe. */
  onInput(listener: (line: string) => void): () => void
  /** Aborts when the client is done (it closed the channel or sent EOF): a stream stops and answers its result. */
  channelClosed: AbortSignal
  domainCheck(domain: string): Promise<DomainCheckResult>
}
