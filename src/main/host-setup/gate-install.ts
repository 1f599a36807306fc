// The gate as host setup installs it (layout in gate-layout.ts): its runtime (a Node binary copied out of an
// image on the host, so the host needs nothing but Docker) and a version of the gate's bundle beside the previous
// one, switched to by one rename of the `current` link; with its wrapper and its config.json. The plan reads the
// host and says what differs; applying it writes only that.
import type { GateConfigInput } from '../../gate/gate-config'
import { createHash } from 'node:crypto'
import { posix } from 'node:path'
import { createTwoFilesPatch } from 'diff'
import { AppError } from '@shared/errors'
import type { SetupChange } from '@shared/host-setup'
import type { HostProfile } from '@shared/hosts'
import type { HostSession } from '../host/host-session'
import { writeShopFiles } from '../host/remote-files'
import { gateLayout, type GateLayout } from './gate-layout'

/** The gate program as the app ships it (out/gate/shopmgr-gate.mjs) and the version it says it is. */
export interface GateBundle {
  version: string
  code: string
}

export type GateBundleSource = () => Promise<GateBundle>

/** Where Node's official images (and the test bed's stand-in) keep the binary. */
const IMAGE_NODE_PATH = '/usr/local/bin/node'
const BUNDLE_FILE = 'shopmgr-gate.mjs'

export interface GatePlan {
  layout: GateLayout
  changes: SetupChange[]
  bundle: GateBundle
  nodeImage: string
  wrapper: string
  config: string
  /** The version `current` points at now (kept beside the new one; when it is the new one, every version stays), or null. */
  previous: string | null
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')

/** The wrapper sshd's forced command runs: the gate's own Node, the current version, every argument passed on. */
export function gateWrapper(layout: GateLayout): string {
  const quote = (path: string) => `'${path.replace(/'/g, `'\\''`)}'`
  return `#!/bin/sh\n# Installed by Shop-Manager host setup: the gate for sales keys.\nexec ${quote(layout.node)} ${quote(posix.join(layout.current, BUNDLE_FILE))} "$@"\n`
}

/** What the gate needs to know of its host, from the admin's host profile (the gate's gateConfigSchema reads it). */
export function gateConfig(profile: HostProfile, layout: GateLayout, helperImage?: string): string {
  const config = {
    baseDir: profile.baseDir,
    dockerSocket: profile.dockerSocket,
    shopDomain: profile.shopDomain,
    domainMode: profile.domainMode,
    templatesDir: layout.templates,
    auditLog: layout.audit,
    authorizedKeys: layout.authorizedKeys,
    ...(helperImage ? { helperImage } : {}),
  } satisfies GateConfigInput
  return `${JSON.stringify(config, null, 2)}\n`
}

/** The major version an image tag names (`node:22-bookworm-slim` → 22); null for a tag without one. */
export function imageMajor(image: string): number | null {
  const tag = /:([^/:@]+)(@.*)?$/.exec(image)?.[1] ?? ''
  const major = /^v?(\d+)/.exec(tag)?.[1]
  return major ? Number(major) : null
}

function checkVersion(version: string): void {
  if (!/^[\w.+-]{1,64}$/.test(version) || version.startsWith('.'))
    throw new AppError('internal', `The gate bundle says its version is ${JSON.stringify(version)}: not usable as a folder name.`)
}

const READ_SCRIPT = String.raw`g=$1 v=$2
printf 'node\t%s\n' "$("$g/node" --version 2>/dev/null)"
printf 'current\t%s\n' "$(readlink -- "$g/current" 2>/dev/null)"
for f in "$g/versions/$v/shopmgr-gate.mjs" "$g/shopmgr-gate" "$g/config.json"; do
  [ -f "$f" ] && printf 'hash\t%s\t%s\n' "$f" "$(sha256sum < "$f" | cut -d' ' -f1)"
done
[ -f "$g/config.json" ] && { printf 'config\t'; base64 -w0 < "$g/config.json"; echo; }
exit 0`

export async function planGate(session: HostSession, home: string, bundle: GateBundle, nodeImage: string, helperImage?: string): Promise<GatePlan> {
  checkVersion(bundle.version)
  const layout = gateLayout(home)
  const wrapper = gateWrapper(layout)
  const config = gateConfig(session.profile, layout, helperImage)
  const read = await session.exec(['sh', '-c', READ_SCRIPT, 'sh', layout.dir, bundle.version], { timeoutMs: 20_000 })
  const fields = new Map<string, string>()
  const hashes = new Map<string, string>()
  for (const line of read.stdout.split('\n')) {
    const [kind = '', a = '', b = ''] = line.split('\t')
    if (kind === 'hash') hashes.set(a, b)
    else if (kind) fields.set(kind, a)
  }
  const changes: SetupChange[] = []
  const node = fields.get('node') ?? ''
  const want = imageMajor(nodeImage)
  const haveMajor = /^v(\d+)\./.exec(node)?.[1]
  if (!haveMajor || (want !== null && Number(haveMajor) !== want)) {
    changes.push({ kind: 'gate-runtime', target: layout.node, action: haveMajor ? 'update' : 'create', detail: nodeImage })
  }
  const currentLink = fields.get('current') ?? ''
  const previous = /^versions\/([^/]+)$/.exec(currentLink)?.[1] ?? null
  const oldConfig = fields.has('config') ? Buffer.from(fields.get('config')!, 'base64').toString('utf8') : ''
  const same =
    previous === bundle.version &&
    hashes.get(posix.join(layout.versions, bundle.version, BUNDLE_FILE)) === sha256(bundle.code) &&
    hashes.get(layout.wrapper) === sha256(wrapper) &&
    oldConfig === config
  if (!same) {
    changes.push({
      kind: 'gate',
      target: posix.join(layout.versions, bundle.version),
      action: currentLink ? 'update' : 'create',
      detail: bundle.version,
      ...(oldConfig !== config ? { diff: createTwoFilesPatch('config.json', 'config.json', oldConfig, config, '', '', { context: 3 }) } : {}),
    })
  }
  return { layout, changes, bundle, nodeImage, wrapper, config, previous }
}

/** Copies Node out of the image on the host: a container is created (never started), copied from, removed. */
const RUNTIME_SCRIPT = String.raw`set -e
g=$1 image=$2 from=$3
mkdir -p -m 0755 "$g"
id=$(docker create "$image")
trap 'docker rm -f "$id" >/dev/null 2>&1 || true' EXIT
docker cp "$id:$from" "$g/node.new"
chmod 0755 "$g/node.new"
"$g/node.new" --version
mv -f "$g/node.new" "$g/node"`

/** Points `current` at the new version in one rename, keeps the previous version and removes any older. */
const SWITCH_SCRIPT = String.raw`set -e
cd "$1"
chmod 0755 shopmgr-gate
ln -sfn "versions/$2" current.new
mv -T current.new current
# Re-installing the version that is current keeps every other one: which was the previous is not known then.
[ "$3" != "$2" ] || exit 0
for d in versions/*; do
  n=$(basename "$d")
  [ "$n" = "$2" ] || [ "$n" = "$3" ] || rm -rf -- "$d"
done`

export async function applyGate(session: HostSession, plan: GatePlan): Promise<SetupChange[]> {
  const applied: SetupChange[] = []
  const env = ['env', `DOCKER_HOST=unix://${session.profile.dockerSocket}`]
  for (const change of plan.changes.filter((c) => c.kind === 'gate-runtime')) {
    const copied = await session.exec([...env, 'sh', '-c', RUNTIME_SCRIPT, 'sh', plan.layout.dir, plan.nodeImage, IMAGE_NODE_PATH], { timeoutMs: 600_000 })
    if (copied.code !== 0)
      throw new AppError('internal', `Could not copy Node out of ${plan.nodeImage} on the host: ${copied.stderr.trim() || `exit ${copied.code}`}`)
    applied.push(change)
  }
  for (const change of plan.changes.filter((c) => c.kind === 'gate')) {
    const dir = posix.join(plan.layout.versions, plan.bundle.version)
    const made = await session.exec(['mkdir', '-p', '-m', '0755', '--', dir], { timeoutMs: 10_000 })
    if (made.code !== 0) throw new AppError('internal', `Could not create ${dir} on the host: ${made.stderr.trim()}`)
    await writeShopFiles(session, dir, [{ path: BUNDLE_FILE, content: plan.bundle.code, mode: 0o644 }])
    await writeShopFiles(session, plan.layout.dir, [
      { path: 'shopmgr-gate', content: plan.wrapper, mode: 0o755 },
      { path: 'config.json', content: plan.config, mode: 0o644 },
    ])
    const switched = await session.exec(['sh', '-c', SWITCH_SCRIPT, 'sh', plan.layout.dir, plan.bundle.version, plan.previous ?? ''], { timeoutMs: 20_000 })
    if (switched.code !== 0) throw new AppError('internal', `Could not switch the gate to version ${plan.bundle.version}: ${switched.stderr.trim()}`)
    applied.push(change)
  }
  return applied
}
