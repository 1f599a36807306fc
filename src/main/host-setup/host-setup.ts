// Host setup (admin): base directory, the `proxy` network, the Traefik stack with this host's e-mail, domain
// mode and DNS token, started, optionally started at boot, then verified; and the gate (its runtime and a version
// of it) and the bundled templates the gate creates sales shops from. `planHostSetup` says what would change
// (with a diff of every file but the token) and changes nothing; `applyHostSetup` does exactly that plan.
import { createHash } from 'node:crypto'
import { posix } from 'node:path'
import { createTwoFilesPatch } from 'diff'
import { AppError } from '@shared/errors'
import { loginHome } from '../host/login-home'
import type { SetupChange, SetupChangeKind, SetupOutcome } from '@shared/host-setup'
import type { HostSession } from '../host/host-session'
import type { ShopEngine } from '../engine/shop-engine'
import { describeContainers } from '../engine/shop-status'
import { renderTraefikStack, type StackFile, type TraefikStackInput } from './traefik-stack'
import { applyGate, planGate, type GateBundle, type GatePlan } from './gate-install'
import { applyTemplates, planTemplates, type TemplateFolder, type TemplatesPlan } from './template-install'

export const STACK_DIR = 'traefik'
export const STACK_PROJECT = 'traefik'
const PROXY_NETWORK = 'proxy'
const UNIT_PATH = '/etc/systemd/system/shopmanager-traefik.service'

export interface HostSetupInput extends TraefikStackInput {
  /** Install a systemd unit that starts the stack at boot (needs root or password-less sudo on the host). */
  autostart: boolean
}

/** What host setup installs for the gate: its bundle with the image Node comes from, and the templates. */
export interface GateSetupInput {
  gate?: { bundle: GateBundle; nodeImage: string; helperImage?: string }
  templates?: TemplateFolder[]
}

export interface HostSetupPlan {
  stackDir: string
  changes: SetupChange[]
  files: StackFile[]
  unit: string | null
  gate: GatePlan | null
  templates: TemplatesPlan | null
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')

/** The unit starts only the proxy: shops come back by their restart policy and keep a deliberate stop. */
export function autostartUnit(stackDir: string, start: readonly string[]): string {
  const command = start.join(' ')
  return `[Unit]
Description=Shop-Manager reverse proxy (Traefik)
Requires=docker.service
After=docker.service network-online.target
Wants=network-online.target

[Service]
Type=oneshot
RemainAfterExit=yes
WorkingDirectory=${stackDir}
ExecStart=/usr/bin/env ${command}

[Install]
WantedBy=multi-user.target
`
}

/** Contents of the plain files and sha256 + mode of the secret ones, in one command. */
async function readStack(
  session: HostSession,
  stackDir: string,
  files: readonly StackFile[],
): Promise<Map<string, { content?: string; hash?: string; mode: string }>> {
  const script = `cd "$1" 2>/dev/null || exit 0
shift
for f in "$@"; do
  secret=\${f%%:*}; f=\${f#*:}
  [ -f "$f" ] || continue
  printf '\\036%s\\037%s\\037' "$f" "$(stat -c %a "$f")"
  if [ "$secret" = s ]; then sha256sum < "$f" | cut -d' ' -f1; else cat "$f"; fi
done`
  const args = files.map((f) => `${f.secret ? 's' : 'p'}:${f.path}`)
  const result = await session.exec(['sh', '-c', script, 'sh', stackDir, ...args], { timeoutMs: 15_000 })
  const found = new Map<string, { content?: string; hash?: string; mode: string }>()
  for (const record of result.stdout.split('\u001e').slice(1)) {
    const [path = '', mode = '', body = ''] = record.split('\u001f')
    const file = files.find((f) => f.path === path)
    if (!file) continue
    found.set(path, file.secret ? { hash: body.trim(), mode } : { content: body, mode })
  }
  return found
}

export async function planHostSetup(
  session: HostSession,
  engine: ShopEngine,
  sourceDir: string,
  input: HostSetupInput,
  extras: GateSetupInput = {},
): Promise<HostSetupPlan> {
  const files = await renderTraefikStack(sourceDir, input)
  const base = session.profile.baseDir
  const stackDir = posix.join(base, STACK_DIR)
  const changes: SetupChange[] = []

  const baseExists = await session.exec(['test', '-d', base], { timeoutMs: 10_000 })
  if (baseExists.code !== 0) changes.push({ kind: 'directory', target: base, action: 'create' })

  if (!(await engine.runtime.hasNetwork(PROXY_NETWORK))) changes.push({ kind: 'network', target: PROXY_NETWORK, action: 'create' })

  const current = baseExists.code === 0 ? await readStack(session, stackDir, files) : new Map()
  for (const file of files) {
    const existing = current.get(file.path)
    const mode = file.mode.toString(8)
    const same = existing && existing.mode === mode && (file.secret ? existing.hash === sha256(file.content) : existing.content === file.content)
    if (same) continue
    changes.push({
      kind: 'file',
      target: posix.join(stackDir, file.path),
      action: existing ? 'update' : 'create',
      ...(file.secret ? {} : { diff: createTwoFilesPatch(file.path, file.path, existing?.content ?? '', file.content, '', '', { context: 3 }) }),
    })
  }

  const containers = (await engine.runtime.containers(STACK_PROJECT)).get(STACK_PROJECT) ?? []
  const running = containers.some((c) => c.service === 'traefik' && c.state === 'running')
  if (!running || changes.some((c) => c.kind === 'file')) changes.push({ kind: 'stack', target: STACK_PROJECT, action: 'start' })

  let unit: string | null = null
  if (input.autostart) {
    unit = autostartUnit(stackDir, await engine.runtime.bootCommand({ name: STACK_PROJECT, dir: stackDir }))
    const installed = await session.exec(['cat', '--', UNIT_PATH], { timeoutMs: 10_000 })
    if (installed.code !== 0 || installed.stdout !== unit) {
      changes.push({
        kind: 'autostart',
        target: UNIT_PATH,
        action: installed.code === 0 ? 'update' : 'create',
        diff: createTwoFilesPatch(UNIT_PATH, UNIT_PATH, installed.code === 0 ? installed.stdout : '', unit, '', ''),
      })
    }
  }
  const home = extras.gate || extras.templates ? await loginHome(session) : ''
  const gate = extras.gate ? await planGate(session, home, extras.gate.bundle, extras.gate.nodeImage, extras.gate.helperImage) : null
  const templates = extras.templates ? await planTemplates(session, home, extras.templates) : null
  changes.push(...(gate?.changes ?? []), ...(templates?.changes ?? []))
  return { stackDir, changes, files, unit, gate, templates }
}

/** Runs argv as root: directly when the login is root, else through password-less sudo; null when neither. */
async function asRoot(session: HostSession): Promise<string[] | null> {
  const id = await session.exec(['id', '-u'], { timeoutMs: 10_000 })
  if (id.stdout.trim() === '0') return []
  const sudo = await session.exec(['sudo', '-n', 'true'], { timeoutMs: 10_000 })
  return sudo.code === 0 ? ['sudo', '-n'] : null
}

export async function applyHostSetup(session: HostSession, engine: ShopEngine, plan: HostSetupPlan): Promise<SetupOutcome> {
  const outcome: SetupOutcome = { applied: [], skipped: [], verified: { ok: false, detail: '' } }
  const has = (kind: SetupChangeKind) => plan.changes.filter((c) => c.kind === kind)
  for (const change of has('directory')) {
    const made = await session.exec(['mkdir', '-p', '-m', '0755', '--', change.target], { timeoutMs: 10_000 })
    if (made.code !== 0) throw new AppError('forbidden', `Could not create ${change.target} on the host: ${made.stderr.trim()}`)
    outcome.applied.push(change)
  }
  for (const change of has('network')) {
    await engine.runtime.createNetwork(PROXY_NETWORK)
    outcome.applied.push(change)
  }
  const changedFiles = has('file').map((c) => posix.relative(plan.stackDir, c.target))
  if (changedFiles.length > 0) {
    await engine.store.writeFiles(
      plan.stackDir,
      plan.files.filter((f) => changedFiles.includes(f.path)),
    )
    // SFTP creates with the session's umask; the token must end up 0600 whatever that is.
    await session.exec(['chmod', '0600', '--', posix.join(plan.stackDir, 'hetzner_token')], { timeoutMs: 10_000 })
    outcome.applied.push(...has('file'))
  }
  if (plan.gate) outcome.applied.push(...(await applyGate(session, plan.gate)))
  if (plan.templates) outcome.applied.push(...(await applyTemplates(session, plan.templates)))
  for (const change of has('stack')) {
    // Traefik reads its static configuration only at start: changed files mean a fresh container.
    await engine.runtime.apply({ name: STACK_PROJECT, dir: plan.stackDir }, { forceRecreate: changedFiles.length > 0, attempts: 1 }).catch((error: Error) => {
      throw new AppError('internal', `Starting the Traefik stack failed: ${error.message}`)
    })
    outcome.applied.push(change)
  }
  for (const change of has('autostart')) {
    const root = await asRoot(session)
    if (!root || !plan.unit) {
      outcome.skipped.push({ change, code: 'needs_root', reason: 'needs root or password-less sudo on the host' })
      continue
    }
    const write = await session.exec(
      [...root, 'sh', '-c', 'cat > "$1" && systemctl daemon-reload && systemctl enable shopmanager-traefik.service', 'sh', UNIT_PATH],
      {
        stdin: plan.unit,
        timeoutMs: 30_000,
      },
    )
    if (write.code !== 0) outcome.skipped.push({ change, code: 'failed', reason: write.stderr.trim() || `exit ${write.code}` })
    else outcome.applied.push(change)
  }
  outcome.verified = await verifyProxy(engine)
  return outcome
}

/** The proxy is up when its container runs and its health check (Traefik's ping) says healthy. */
async function verifyProxy(engine: ShopEngine): Promise<SetupOutcome['verified']> {
  try {
    const containers = await engine.runtime.waitHealthy(STACK_PROJECT, { timeoutMs: 60_000, failOnUnhealthy: true, pollMs: 500 })
    return { ok: true, detail: describeContainers(containers) }
  } catch (error) {
    return { ok: false, detail: (error as Error).message }
  }
}
