// What the host says a key may do: a sales key's forced command (the gate) answers `hello`; a key without one gets
// a shell, which does not know the request (exit 127) — an admin login. The app's role is this answer, never the
// profile's word: a profile edited to "admin" still reaches only the gate.
import { AppError } from '@shared/errors'
import type { GateHello } from '@shared/gate-protocol'
import type { HostSession } from '../../host/host-session'
import { NotGatedError } from './gate-client'
import { gateClient } from './gate-engine'

const HELLO_TIMEOUT_MS = 15_000

/** The gate's hello, or null where the key logs in without a gate. A refusal of the host (a revoked key) is thrown. */
export async function askGate(session: HostSession): Promise<GateHello | null> {
  try {
    return await gateClient(session).request({ op: 'hello' }, { timeoutMs: HELLO_TIMEOUT_MS })
  } catch (error) {
    // A shell's answer, whatever its rc files print: not a gate, so not a sales key (the host enforces either way).
    if (error instanceof NotGatedError) return null
    if (error instanceof AppError && error.say?.key === 'gateBroken') return null
    throw error
  }
}
