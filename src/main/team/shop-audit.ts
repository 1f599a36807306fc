// "Wer hat was wann" on the admin's shop page: the gate's audit lines for one shop, newest first, each with the
// person of its key as the login's authorized_keys names them now. Read over the admin's own session; the log is
// the login's (mode 0600), so a sales key, which reaches only the gate, never reads it.
import { parseAuditLog, type ShopAuditEntry } from '@shared/gate-audit'
import type { HostSession } from '../host/host-session'
import { loginHome } from '../host/login-home'
import { gateLayout } from '../host-setup/gate-layout'
import { listTeamKeys } from './team-keys'

/** How much of the log's end is read: enough for months of one team's requests, bounded for a host that ran years. */
const TAIL_LINES = 20_000
/** The most the page lists. */
export const AUDIT_SHOWN = 200

export async function readShopAudit(session: HostSession, shop: string): Promise<ShopAuditEntry[]> {
  const home = await loginHome(session)
  // No log yet (no gate, or no request so far) is an empty history, not an error.
  const [read, keys] = await Promise.all([
    session.exec(['sh', '-c', 'tail -n "$1" -- "$2" 2>/dev/null; exit 0', 'sh', String(TAIL_LINES), gateLayout(home).audit], { timeoutMs: 15_000 }),
    listTeamKeys(session, null, home),
  ])
  const persons = new Map(keys.map((k) => [k.fingerprint, k.person ?? k.comment]))
  return parseAuditLog(read.stdout, shop)
    .reverse()
    .slice(0, AUDIT_SHOWN)
    .map((line) => ({ ...line, person: persons.get(line.key) ?? null }))
}
