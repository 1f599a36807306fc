// A host session as a shop engine: compose for the runtime, the host's files for the store. One per session.
import type { HostRole } from '@shared/hosts'
import type { HostSession } from '../../host/host-session'
import { HostStore } from '../host-files/host-store'
import type { ShopEngine } from '../shop-engine'
import { ComposeRuntime } from './compose-runtime'

const engines = new WeakMap<HostSession, ShopEngine>()

/** `role`: what the host lets this login do (the engine pool asks); the profile's word where no one asked. */
export function composeEngine(session: HostSession, role: HostRole = session.profile.role): ShopEngine {
  let engine = engines.get(session)
  if (!engine) {
    engine = {
      hostId: session.profile.id,
      role,
      runtime: new ComposeRuntime(session),
      store: new HostStore(session),
      onReconnected(listener) {
        session.on('reconnected', listener)
        return () => void session.off('reconnected', listener)
      },
    }
    engines.set(session, engine)
  }
  return engine
}
