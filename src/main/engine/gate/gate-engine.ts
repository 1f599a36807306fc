// A sales key's host as a shop engine: the host runs the lifecycle (its gate), this laptop follows. The runtime and
// the store refuse every call: nothing of the engine or the files is a sales key's to reach, and the host would
// refuse it anyway (the refusal here only saves the round trip and says it in the app's words).
import { AppError } from '@shared/errors'
import type { GateHello } from '@shared/gate-protocol'
import type { HostSession } from '../../host/host-session'
import type { ShopEngine } from '../shop-engine'
import type { ShopRuntime } from '../shop-runtime'
import type { ShopStore } from '../shop-store'
import { GateClient } from './gate-client'
import { GateLifecycle } from './gate-lifecycle'

function hostOnly(what: string): AppError {
  return new AppError('forbidden', `A sales key reaches this host only through its gate (${what} is not among its requests).`, {
    say: { key: 'gateForbidden', values: { op: what } },
  })
}

/** Every method throws: a port a sales session does not have. */
function refusing<T extends object>(port: string): T {
  return new Proxy({} as T, {
    get: (_target, key) =>
      typeof key === 'string' && key !== 'then'
        ? () => {
            throw hostOnly(`${port}.${key}`)
          }
        : undefined,
  })
}

export function gateClient(session: HostSession): GateClient {
  const { ssh } = session
  if (!ssh) throw new AppError('internal', 'A gate is reached over SSH only.')
  const { address, port } = session.profile
  return new GateClient((command, options) => ssh.openRequestChannel(command, options), `${address}:${port}`)
}

export function gateEngine(session: HostSession, hello: GateHello): ShopEngine {
  return {
    hostId: session.profile.id,
    role: hello.role,
    runtime: refusing<ShopRuntime>('runtime'),
    store: refusing<ShopStore>('store'),
    host: new GateLifecycle(gateClient(session), hello, session.profile.id),
    onReconnected(listener) {
      session.on('reconnected', listener)
      return () => void session.off('reconnected', listener)
    },
  }
}
