// The gate on the test bed as host setup would install it, for the gate's integration test and its benchmark: the
// built bundle in a gate folder with this machine's Node, a config for the test bed, and a sales key in the team
// login's authorized_keys whose forced command is the gate. `remove()` puts authorized_keys back as it was.
import { execFileSync } from 'node:child_process'
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { GATE_COMMAND, GATE_VERSION } from '../../../src/shared/gate-protocol'
import type { GateConfigInput } from '../../../src/gate/gate-config'
import { fingerprintOf } from '../../../src/main/team/authorized-keys'
import { generateEd25519 } from '../../../src/main/team/key-pair'
import type { TestbedInfo } from '../../testbed/testbed'

const root = resolve(import.meta.dirname, '../../..')

export interface TestGate {
  gateDir: string
  templatesDir: string
  auditLog: string
  authorizedKeys: string
  sales: { public: string; private: string; fingerprint: string }
  /** The sales key's line in authorized_keys, as Team writes it. */
  salesLine: string
  /** The line Team writes for a sales key: nothing but this gate, for this very key. */
  salesLineFor(publicKey: string): string
  /** Writes authorized_keys anew: the sales line and these further lines. */
  enrol(...lines: string[]): void
  remove(): void
}

export interface TestGateOptions {
  baseDir: string
  /** Installs where host setup does (~/.shopmanager/gate of the team login), so the admin's history finds its log. */
  inHome?: boolean
  /** Changes the installed copy of a bundled template (a label only the host's copy has, say). */
  editTemplate?: (id: string, compose: string) => string
}

export function installTestGate(info: TestbedInfo, options: TestGateOptions): TestGate {
  const user = info.ssh.teamUser
  const sshDir = `/home/${user}/.ssh`
  const authorizedKeys = join(sshDir, 'authorized_keys')
  execFileSync('npm', ['run', '-s', 'build:gate'], { cwd: root, stdio: 'inherit' })
  const home = `/home/${user}`
  const gateDir = options.inHome ? join(home, '.shopmanager', 'gate') : mkdtempSync(join(tmpdir(), 'shopmgr-gate-'))
  if (options.inHome) {
    rmSync(join(home, '.shopmanager'), { recursive: true, force: true })
    mkdirSync(gateDir, { recursive: true })
  }
  const version = join(gateDir, 'versions', GATE_VERSION)
  mkdirSync(version, { recursive: true })
  cpSync(join(root, 'out/gate/shopmgr-gate.mjs'), join(version, 'shopmgr-gate.mjs'))
  symlinkSync(version, join(gateDir, 'current'))
  // A copy, as host setup makes: this Node may live where the login cannot reach (a checkout in a 0700 folder).
  copyFileSync(process.execPath, join(gateDir, 'node'))
  chmodSync(join(gateDir, 'node'), 0o755)
  writeFileSync(join(gateDir, 'shopmgr-gate'), `#!/bin/sh\nexec "${gateDir}/node" "${gateDir}/current/shopmgr-gate.mjs" "$@"\n`, { mode: 0o755 })
  const templatesDir = join(gateDir, 'templates')
  cpSync(join(root, 'templates/busybox'), join(templatesDir, 'busybox'), { recursive: true })
  if (options.editTemplate) {
    const compose = join(templatesDir, 'busybox', 'compose.yaml')
    writeFileSync(compose, options.editTemplate('busybox', readFileSync(compose, 'utf8')))
  }
  const auditLog = join(gateDir, 'audit.log')
  const config: GateConfigInput = {
    baseDir: options.baseDir,
    dockerSocket: info.dockerSocket,
    shopDomain: 'shops.test',
    domainMode: 'wildcard',
    templatesDir,
    auditLog,
    authorizedKeys,
    certResolver: null,
    publicAddresses: ['127.0.0.1'],
  }
  writeFileSync(join(gateDir, 'config.json'), JSON.stringify(config, null, 2))
  chmodSync(gateDir, 0o755)
  execFileSync('chown', ['-R', `${user}:`, options.inHome ? join(home, '.shopmanager') : gateDir, options.baseDir])
  const keysBefore = existsSync(authorizedKeys) ? readFileSync(authorizedKeys, 'utf8') : null
  mkdirSync(sshDir, { recursive: true })
  const pair = generateEd25519('Bea Berger [sales] shop-manager')
  const fingerprint = fingerprintOf(pair.public.split(' ')[1]!)
  const salesLineFor = (publicKey: string): string =>
    `restrict,command="${gateDir}/shopmgr-gate --role=sales --key=${fingerprintOf(publicKey.trim().split(' ')[1]!)}" ${publicKey.trim()}`
  const salesLine = salesLineFor(pair.public)
  const enrol = (...lines: string[]): void => {
    writeFileSync(authorizedKeys, ['# shop host keys', salesLine, ...lines].map((l) => `${l}\n`).join(''))
    execFileSync('chown', ['-R', `${user}:`, sshDir])
  }
  enrol()
  return {
    gateDir,
    templatesDir,
    auditLog,
    authorizedKeys,
    sales: { public: pair.public, private: pair.private, fingerprint },
    salesLine,
    salesLineFor,
    enrol,
    remove() {
      if (keysBefore === null) rmSync(sshDir, { recursive: true, force: true })
      else writeFileSync(authorizedKeys, keysBefore)
      rmSync(options.inHome ? join(home, '.shopmanager') : gateDir, { recursive: true, force: true })
    },
  }
}

/** A request as the client encodes it, from any JSON (so a forged or malformed one can be sent too). */
export const rawGateRequest = (json: unknown): string => `${GATE_COMMAND} ${Buffer.from(JSON.stringify(json)).toString('base64url')}`

/**
 * What a sales key may not ask, or asks in a form the gate refuses, for a host with the shop `shop`: each with the
 * op its audit line names. Every one must be answered with a single `forbidden` or `invalid_input` error.
 */
export function forbiddenRequests(shop: string): Array<[command: string, op: string]> {
  const raw = rawGateRequest
  return [
    [raw({ op: 'stop', shop }), 'stop'],
    [raw({ op: 'remove', shop }), 'remove'],
    [raw({ op: 'delete', shop }), 'delete'],
    [raw({ op: 'backup', shop }), 'backup'],
    [raw({ op: 'restore', shop, backup: 'x' }), 'restore'],
    [raw({ op: 'edit', shop, compose: 'services: {}' }), 'edit'],
    [raw({ op: 'update', shop, image: 'busybox:latest' }), 'update'],
    [raw({ op: 'download', shop }), 'download'],
    [raw({ op: 'teamKeys' }), 'teamKeys'],
    [raw({ op: 'hostSetup' }), 'hostSetup'],
    [raw({ op: 'revealSecret', shop, secretId: 'admin_password' }), 'revealSecret'],
    [raw({ op: 'revealLogin', shop, secretId: 'ADMIN' }), 'revealLogin'],
    [raw({ op: 'exec', argv: ['id'] }), 'exec'],
    [`${GATE_COMMAND} ***`, 'malformed'],
    [`${GATE_COMMAND} ${Buffer.from('{"op":').toString('base64url')}`, 'malformed'],
    [`${GATE_COMMAND} ${'A'.repeat(17_000)}`, 'malformed'],
    [raw({ op: 'start', shop, compose: 'services: {}' }), 'start'],
    [raw({ op: 'start', shop: `${shop}; docker rm -f ${shop}-web-1` }), 'start'],
    [raw({ op: 'restart', shop: 'traefik' }), 'restart'],
    [raw({ op: 'logs', shop: '../../etc', tail: 5 }), 'logs'],
    [raw({ op: 'create', name: "mue'ller", templateId: 'busybox', domain: 'x.shops.test', params: {} }), 'create'],
    [raw({ op: 'create', name: 'neu', templateId: '..', domain: 'neu.shops.test', params: {} }), 'create'],
    [raw({ op: 'create', name: 'neu', templateId: 'busybox', domain: 'neu.shops.test\n    privileged: true', params: {} }), 'create'],
    [raw({ op: 'create', name: 'boese', templateId: 'busybox', domain: 'boese.shops.test`) || Host(`evil.test', params: {} }), 'create'],
    [raw({ op: 'create', name: 'neu', templateId: 'busybox', domain: 'neu.shops.test', params: { greeting: 'x\nSHOP_SECRET_ADMIN_PASSWORD=1' } }), 'create'],
    [raw({ op: 'clone', source: shop, name: 'traefik', domain: 'x.shops.test' }), 'clone'],
    [raw({ op: 'hello', __proto__: { role: 'admin' }, role: 'admin' }), 'hello'],
    ['docker rm -f $(docker ps -aq)', 'docker'],
    ['cat .ssh/authorized_keys', 'cat'],
    [`${GATE_COMMAND} ${Buffer.from('{"op":"hello"}').toString('base64url')} ; id`, 'malformed'],
  ]
}
