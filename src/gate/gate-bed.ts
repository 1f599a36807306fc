// What the gate's unit tests share: the request handling on a fake host (the app's fake engine, role sales), the
// bundled templates as the host's installed ones, every output line kept, and the key's presence the test's to set.
import type { DomainCheckResult } from '@shared/domain-check'
import { encodeGateRequest, type GateLine, type GateRequestInput } from '@shared/gate-protocol'
import { BUNDLED_TEMPLATES, fakeLifecycle, type FakeLifecycle } from '../main/engine/fake/fake-lifecycle'
import type { GateDeps } from './gate-deps'
import { handleGateCommand, type GateOutcome } from './gate-request'
import { hostTemplates } from './host-templates'

export const SALES_KEY = `SHA256:${'Q'.repeat(43)}`

export interface GateBed {
  life: FakeLifecycle
  lines: GateLine[]
  /** Whether the key is still enrolled; set false to revoke it. */
  enrolled: boolean
  /** Closes the channel, as the client does to end a stream. */
  close(): void
  deps: GateDeps
  /** Writes a line on the open channel, as the client does (a watch's refresh). */
  input(line: string): void
  /** Sends a request (an object is encoded as the client does; a string is sent as the raw command). */
  send(request: GateRequestInput | string | undefined): Promise<GateOutcome>
}

export function gateBed(options: { keyCheckMs?: number } = {}): GateBed {
  const life = fakeLifecycle({ role: 'sales', hostId: 'gate' })
  const closed = new AbortController()
  const inputs = new Set<(line: string) => void>()
  const bed: GateBed = {
    life,
    lines: [],
    enrolled: true,
    close: () => closed.abort(),
    input: (line) => inputs.forEach((listener) => listener(line)),
    deps: {
      invocation: { role: 'sales', key: SALES_KEY, config: null },
      config: { shopDomain: 'shops.example', domainMode: 'wildcard', certResolver: null, helperImage: 'busybox:stable' },
      engine: life.host,
      templates: hostTemplates(BUNDLED_TEMPLATES),
      user: 'Bea Berger',
      keyPresent: async () => bed.enrolled,
      keyCheckMs: options.keyCheckMs ?? 20,
      write: (line) => void bed.lines.push(line),
      onInput: (listener) => {
        inputs.add(listener)
        return () => void inputs.delete(listener)
      },
      channelClosed: closed.signal,
      domainCheck: async (domain) => ({ domain, verdict: 'ok', code: 'ok' }) as DomainCheckResult,
    },
    send: (request) => handleGateCommand(typeof request === 'object' ? encodeGateRequest(request) : request, bed.deps),
  }
  return bed
}
