// The shop engine of every host, on its live session: compose over SSH (or this machine) for a key the host lets
// reach Docker, the gate for a sales key. The one place that picks an engine, by what the host answers, so a
// further engine is a further folder and one line here.
import type { GateHello } from '@shared/gate-protocol'
import type { HostRole, ProbeResult } from '@shared/hosts'
import { AppError } from '@shared/errors'
import type { HostSession } from '../host/host-session'
import type { SessionPool } from '../host/session-pool'
import { composeEngine } from './compose/compose-engine'
import { probeHost } from './compose/probe'
import { gateEngine } from './gate/gate-engine'
import { askGate } from './gate/host-answer'
import type { ShopEngine } from './shop-engine'

/** Errors after which the session is of no further use: the next attempt must start clean (e.g. with a new pin). */
const FATAL = ['host_key_unknown', 'host_key_changed', 'auth_failed', 'passphrase_wrong', 'passphrase_required', 'key_invalid']

/** A sales key's probe: the gate answered, and that is all it may check (Docker and files are the host's). */
function gateProbe(hostId: string, hello: GateHello): ProbeResult {
  return {
    hostId,
    checkedAt: new Date().toISOString(),
    dockerVersion: null,
    apiVersion: null,
    compose: null,
    checks: [
      { id: 'gate', ok: true, code: 'gate.sales', params: { version: hello.gateVersion }, detail: `Shop-Manager gate ${hello.gateVersion}: a sales key` },
    ],
  }
}

export class EnginePool {
  private readonly engines = new WeakMap<HostSession, Promise<{ engine: ShopEngine; hello: GateHello | null }>>()

  /** `learned` hears the role each host gives its key, for the profile and the UI to follow. */
  constructor(
    private readonly pool: SessionPool,
    private readonly learned: (hostId: string, role: HostRole) => void = () => undefined,
  ) {}

  async engine(hostId: string): Promise<ShopEngine> {
    return (await this.entry(hostId)).engine
  }

  /** One answer per session: a new session (new key, host key trusted anew) asks again. */
  private async entry(hostId: string): Promise<{ engine: ShopEngine; hello: GateHello | null }> {
    const session = await this.pool.session(hostId)
    let entry = this.engines.get(session)
    if (!entry) {
      entry = this.ask(session)
      this.engines.set(session, entry)
      entry.catch(() => this.engines.delete(session))
    }
    return entry
  }

  private async ask(session: HostSession): Promise<{ engine: ShopEngine; hello: GateHello | null }> {
    // This machine's Docker, or an SSH key with a shell: the login reaches Docker, so it is an admin's.
    const hello = session.ssh ? await askGate(session) : null
    const role: HostRole = hello ? hello.role : 'admin'
    this.learned(session.profile.id, role)
    return { engine: hello ? gateEngine(session, hello) : composeEngine(session, role), hello }
  }

  /** Connects (first time: the user must confirm the host key) and checks what shops need. */
  async probe(hostId: string): Promise<ProbeResult> {
    const session = await this.pool.session(hostId)
    try {
      if (session.ssh) await session.ssh.connect()
      const { hello } = await this.entry(hostId)
      return hello ? gateProbe(hostId, hello) : await probeHost(session)
    } catch (error) {
      if (error instanceof AppError && FATAL.includes(error.code)) this.pool.drop(hostId)
      throw error
    }
  }
}
