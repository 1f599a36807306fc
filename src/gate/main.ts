// The gate on the host: sshd runs it for every channel of a sales key (the key's forced command), with the
// client's request in SSH_ORIGINAL_COMMAND. It answers that one request with NDJSON on stdout, appends one audit
// line, and exits 0 (done) or 1 (refused or failed). It runs as the host's login user and reaches Docker on this
// machine through the app's own engine: a local host session, compose, the shop lifecycle.
import { readFile } from 'node:fs/promises'
import { networkInterfaces, userInfo } from 'node:os'
import { dirname, join } from 'node:path'
import { AppError, toAppError } from '@shared/errors'
import { commandWord, GATE_VERSION, MAX_WATCH_INPUT, type GateLine } from '@shared/gate-protocol'
import { checkDomain } from '../main/dns/domain-check'
import { composeEngine } from '../main/engine/compose/compose-engine'
import { openHostSession } from '../main/host/host-session'
import { parseAuthorizedKeys, personOf } from '../main/team/authorized-keys'
import { appendAuditLine } from './audit-log'
import type { GateDeps } from './gate-deps'
import { loadGateConfig, type GateConfig } from './gate-config'
import { parseInvocation, type GateInvocation } from './gate-invocation'
import { handleGateCommand, type GateOutcome } from './gate-request'
import { hostTemplates } from './host-templates'
import { keyPresent } from './key-watch'

/**
 * Lines go out as they come; once the channel is gone (a broken pipe) nothing more is written. The client's EOF
 * alone does not end the output: a one-shot request's client may send it at once and still read the answer.
 */
function channelOutput(closed: AbortController): (line: GateLine) => void {
  let broken = false
  process.stdout.on('error', () => {
    broken = true
    closed.abort()
  })
  return (line) => {
    if (!broken) process.stdout.write(`${JSON.stringify(line)}\n`)
  }
}

/**
 * The client ends a stream by closing the channel (or sending EOF): sshd then closes the gate's stdin. What it writes
 * before that is read as lines (a watch's refresh); a line longer than MAX_WATCH_INPUT ends the channel.
 */
function watchChannel(closed: AbortController): GateDeps['onInput'] {
  const listeners = new Set<(line: string) => void>()
  let buffered = ''
  process.stdin.setEncoding('utf8')
  process.stdin.on('data', (chunk: string) => {
    buffered += chunk
    let newline: number
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline)
      buffered = buffered.slice(newline + 1)
      for (const listener of listeners) listener(line)
    }
    if (buffered.length > MAX_WATCH_INPUT) closed.abort()
  })
  process.stdin.on('end', () => closed.abort())
  process.stdin.on('error', () => closed.abort())
  for (const signal of ['SIGHUP', 'SIGTERM', 'SIGINT', 'SIGPIPE'] as const) process.on(signal, () => closed.abort())
  return (listener) => {
    listeners.add(listener)
    return () => void listeners.delete(listener)
  }
}

/** The key's person as its line's comment says ("Bea Berger [sales] shop-manager"), else its fingerprint. */
async function personOfKey(authorizedKeys: string, fingerprint: string): Promise<string> {
  const text = await readFile(authorizedKeys, 'utf8').catch(() => '')
  const line = parseAuthorizedKeys(text).find((k) => k.fingerprint === fingerprint)
  return (line && personOf(line.comment)?.person) || fingerprint
}

function interfaceAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((a) => a && !a.internal)
    .map((a) => a!.address)
}

function flush(): Promise<void> {
  return new Promise((resolve) => (process.stdout.writableLength === 0 ? resolve() : process.stdout.write('', () => resolve())))
}

interface GateChannelIo {
  write: (line: GateLine) => void
  onInput: GateDeps['onInput']
  closed: AbortSignal
}

async function serveRequest(invocation: GateInvocation, config: GateConfig, io: GateChannelIo): Promise<GateOutcome> {
  const session = openHostSession({
    id: 'gate',
    name: 'This host',
    kind: 'local',
    address: 'localhost',
    port: 22,
    user: userInfo().username,
    auth: { kind: 'agent' },
    dockerSocket: config.dockerSocket,
    baseDir: config.baseDir,
    role: invocation.role,
    shopDomain: config.shopDomain,
    domainMode: config.domainMode,
    hostKey: null,
  })
  try {
    return await handleGateCommand(process.env['SSH_ORIGINAL_COMMAND'], {
      invocation,
      config,
      engine: composeEngine(session),
      templates: hostTemplates(config.templatesDir),
      user: await personOfKey(config.authorizedKeys, invocation.key),
      keyPresent: () => keyPresent(config.authorizedKeys, invocation.key),
      write: io.write,
      onInput: io.onInput,
      channelClosed: io.closed,
      domainCheck: (domain) =>
        checkDomain(domain, {
          expected: config.publicAddresses.length > 0 ? config.publicAddresses : interfaceAddresses(),
          resolvers: config.dnsResolvers,
        }),
    })
  } finally {
    session.close()
  }
}

async function main(): Promise<number> {
  const closed = new AbortController()
  const write = channelOutput(closed)
  // Host setup asks the bundle its version before it installs it. A sales key cannot ask this: its forced command
  // fixes the arguments, and what the client sends arrives in SSH_ORIGINAL_COMMAND only.
  if (process.argv.length === 3 && process.argv[2] === '--version') {
    write({ type: 'result', value: { version: GATE_VERSION } })
    return 0
  }
  const onInput = watchChannel(closed)
  const startedAt = Date.now()
  let invocation: GateInvocation
  let config: GateConfig
  try {
    invocation = parseInvocation(process.argv.slice(2))
    // <gateDir>/current/shopmgr-gate.mjs: the configuration is the gate folder's, whichever version runs.
    config = await loadGateConfig(invocation.config ?? join(dirname(dirname(process.argv[1]!)), 'config.json'))
  } catch (error) {
    // Without a configuration there is no audit log to write to: the refusal goes to the client and to stderr.
    const e = toAppError(error)
    write({ type: 'error', code: e.code, message: e.message, ...(e.say ? { say: e.say } : {}) })
    process.stderr.write(`shopmgr-gate: ${e.message}\n`)
    return 1
  }
  const outcome = await serveRequest(invocation, config, { write, onInput, closed: closed.signal }).catch((error: unknown): GateOutcome => {
    const e = error instanceof AppError ? error : toAppError(error)
    write({ type: 'error', code: e.code, message: e.message })
    return { exitCode: 1, op: commandWord(process.env['SSH_ORIGINAL_COMMAND']), shop: null, outcome: 'failed', code: e.code }
  })
  await appendAuditLine(config.auditLog, {
    time: new Date().toISOString(),
    key: invocation.key,
    role: invocation.role,
    op: outcome.op,
    shop: outcome.shop,
    outcome: outcome.outcome,
    code: outcome.code,
    ms: Date.now() - startedAt,
  }).catch((error: Error) => process.stderr.write(`shopmgr-gate: the audit log ${config.auditLog} cannot be written (${error.message})\n`))
  return outcome.exitCode
}

void main().then(async (code) => {
  await flush()
  process.exit(code)
})
