// Host setup behind the IPC: a preview (plan) first, kept in main with the token it needs; apply only that
// preview, and only if the host still looks as it did. Admins only; the DNS token goes to the keychain.
import { randomUUID } from 'node:crypto'
import { AppError } from '@shared/errors'
import type { EnginePool } from '../engine/engine-pool'
import { dnsTokenAccount } from '../host/host-profiles'
import type { SessionPool } from '../host/session-pool'
import type { Keychain } from '../vault/keychain'
import type { HostDns } from '../dns/host-dns'
import type { SetupChange, SetupOutcome } from '@shared/host-setup'
import { applyHostSetup, planHostSetup, type GateSetupInput, type HostSetupInput } from './host-setup'
import type { GateBundleSource } from './gate-install'
import type { TemplateFolder } from './template-install'

export interface SetupRequest {
  hostId: string
  acmeEmail: string
  autostart: boolean
  /** A new token; absent to keep the one in the keychain. */
  hetznerToken?: string | undefined
}

/** Test beds put a local image in place of Traefik's and listen on free loopback ports. */
export type SetupOverrides = Pick<HostSetupInput, 'image' | 'listen'>

/** What setup installs for the gate: the bundle (absent: no gate installed), the image for Node, the templates. */
export interface GateSetupSources {
  bundle?: GateBundleSource
  nodeImage: () => string
  /** The image the gate's clones copy volumes with (the app's setting, so the host uses the same). */
  helperImage?: () => string
  templates: () => Promise<TemplateFolder[]>
}

const PLAN_TTL_MS = 10 * 60_000

const summary = (changes: readonly SetupChange[]): string => JSON.stringify(changes.map((c) => [c.kind, c.target, c.action, c.diff ?? '']))

export class HostSetupService {
  private readonly plans = new Map<string, { request: SetupRequest; changes: SetupChange[]; at: number }>()

  constructor(
    private readonly sessions: SessionPool,
    private readonly engines: EnginePool,
    private readonly keychain: Keychain,
    private readonly sourceDir: string,
    private readonly dns: HostDns,
    private readonly overrides: SetupOverrides = {},
    private readonly gate: GateSetupSources | null = null,
  ) {}

  async preview(request: SetupRequest): Promise<{ planId: string; changes: SetupChange[] }> {
    const { changes } = await this.plan(request)
    const planId = randomUUID()
    for (const [id, stored] of this.plans) if (Date.now() - stored.at > PLAN_TTL_MS) this.plans.delete(id)
    this.plans.set(planId, { request, changes, at: Date.now() })
    return { planId, changes }
  }

  /** A new Hetzner DNS token for a host, checked for form only; Hetzner itself judges it on first use. */
  async saveDnsToken(hostId: string, token: string): Promise<void> {
    if (!/^[A-Za-z0-9_-]{20,200}$/.test(token))
      throw new AppError('invalid_input', 'This does not look like a Hetzner API token.', { fields: [{ path: 'hetznerToken', message: 'not a token' }] })
    await this.keychain.set(dnsTokenAccount(hostId), token)
  }

  async apply(planId: string): Promise<SetupOutcome> {
    const stored = this.plans.get(planId)
    if (!stored || Date.now() - stored.at > PLAN_TTL_MS) throw new AppError('not_found', 'This preview has expired: look at the changes again.')
    const { plan, session, engine, changes, profile, token } = await this.plan(stored.request)
    if (summary(changes) !== summary(stored.changes)) {
      throw new AppError('busy', 'The host changed since the preview: look at the changes again before applying them.')
    }
    this.plans.delete(planId)
    if (stored.request.hetznerToken) await this.keychain.set(dnsTokenAccount(stored.request.hostId), stored.request.hetznerToken)
    const outcome = await applyHostSetup(session, engine, plan)
    for (const change of changes.filter((c) => c.kind === 'dns')) {
      try {
        await this.dns.ensureWildcard(profile, token ?? undefined)
        outcome.applied.push(change)
      } catch (error) {
        outcome.skipped.push({ change, code: 'failed', reason: (error as Error).message })
      }
    }
    return outcome
  }

  private async plan(request: SetupRequest) {
    const profile = this.sessions.list().find((h) => h.id === request.hostId)
    if (!profile) throw new AppError('not_found', 'This host profile no longer exists.')
    if (profile.role !== 'admin') throw new AppError('forbidden', 'Only an admin may set up this host.')
    const token = request.hetznerToken ?? (await this.keychain.get(dnsTokenAccount(profile.id)))
    const session = await this.sessions.session(profile.id)
    const engine = await this.engines.engine(profile.id)
    const input: HostSetupInput = {
      acmeEmail: request.acmeEmail,
      mode: profile.domainMode,
      shopDomain: profile.shopDomain,
      hetznerToken: token,
      autostart: request.autostart,
      ...this.overrides,
    }
    const extras: GateSetupInput = {}
    if (this.gate?.bundle)
      extras.gate = {
        bundle: await this.gate.bundle(),
        nodeImage: this.gate.nodeImage(),
        ...(this.gate.helperImage ? { helperImage: this.gate.helperImage() } : {}),
      }
    if (this.gate) extras.templates = await this.gate.templates()
    const plan = await planHostSetup(session, engine, this.sourceDir, input, extras)
    const changes = [...plan.changes]
    // Wildcard mode: one record `*.<shop domain>` → this host, checked at Hetzner (a read, never a write here).
    if (profile.domainMode === 'wildcard' && profile.shopDomain && !(await this.dns.wildcardMatches(profile, token ?? undefined))) {
      changes.push({ kind: 'dns', target: `*.${profile.shopDomain}`, action: 'update' })
    }
    return { plan, session, engine, changes, profile, token }
  }
}
