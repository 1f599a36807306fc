// The shop engine of every host, on its live session: compose over SSH (or this machine) today. The one place
// that picks an engine for a profile, so a further engine is a further folder and one line here.
import type { ProbeResult } from '@shared/hosts'
import { AppError } from '@shared/errors'
import type { SessionPool } from '../host/session-pool'
import { composeEngine } from './compose/compose-engine'
import { probeHost } from './compose/probe'
import type { ShopEngine } from './shop-engine'

/** Errors after which the session is of no further use: the next attempt must start clean (e.g. with a new pin). */
const FATAL = ['host_key_unknown', 'host_key_changed', 'auth_failed', 'passphrase_wrong', 'passphrase_required', 'key_invalid']

export class EnginePool {
  constructor(private readonly pool: SessionPool) {}

  async engine(hostId: string): Promise<ShopEngine> {
    return composeEngine(await this.pool.session(hostId))
  }

  /** Connects (first time: the user must confirm the host key) and checks what shops need. */
  async probe(hostId: string): Promise<ProbeResult> {
    const session = await this.pool.session(hostId)
    try {
      if (session.ssh) await session.ssh.connect()
      return await probeHost(session)
    } catch (error) {
      if (error instanceof AppError && FATAL.includes(error.code)) this.pool.drop(hostId)
      throw error
    }
  }
}
