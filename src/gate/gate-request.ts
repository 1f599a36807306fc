// One request of a sales key, start to end: decoded and checked (anything not the protocol is refused), the key
// checked still enrolled, served by the app's lifecycle, answered as NDJSON; the outcome is what the audit line says.
import { toAppError } from '@shared/errors'
import { decodeGateRequest, refusedAs, requestShop, type GateRequest } from '@shared/gate-protocol'
import type { GateAuditOutcome } from '@shared/gate-audit'
import type { GateDeps } from './gate-deps'
import { answerOnce } from './gate-ops'
import { followLogs, keyRevokedError, runNewShop, watchShops } from './gate-streams'

export interface GateOutcome {
  exitCode: 0 | 1
  op: string
  shop: string | null
  outcome: GateAuditOutcome
  code: string | null
}

async function serve(request: GateRequest, deps: GateDeps): Promise<{ value: unknown; failed: string | null }> {
  switch (request.op) {
    case 'watch':
      return { value: await watchShops(deps), failed: null }
    case 'follow':
      return { value: await followLogs(request, deps), failed: null }
    case 'create':
    case 'clone': {
      const snapshot = await runNewShop(request, deps)
      return { value: snapshot, failed: snapshot.status === 'succeeded' ? null : (snapshot.error?.code ?? 'internal') }
    }
    default:
      return { value: await answerOnce(request, deps), failed: null }
  }
}

/** Refusals are what the request was not allowed or not well-formed to ask; everything else that failed, failed. */
const refusedCodes = new Set(['forbidden', 'invalid_input'])

export async function handleGateCommand(command: string | undefined, deps: GateDeps): Promise<GateOutcome> {
  let { op, shop } = refusedAs(command)
  try {
    const request = decodeGateRequest(command)
    op = request.op
    shop = requestShop(request)
    if (!(await deps.keyPresent())) throw keyRevokedError()
    const { value, failed } = await serve(request, deps)
    deps.write({ type: 'result', value })
    return { exitCode: failed ? 1 : 0, op, shop, outcome: failed ? 'failed' : 'ok', code: failed }
  } catch (error) {
    const e = toAppError(error)
    deps.write({
      type: 'error',
      code: e.code,
      message: e.message,
      ...(e.say ? { say: e.say } : {}),
      ...(e.fields ? { fields: e.fields } : {}),
    })
    return { exitCode: 1, op, shop, outcome: refusedCodes.has(e.code) ? 'refused' : 'failed', code: e.code }
  }
}
