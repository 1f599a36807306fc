// The same kinds-shop created by a sales key: the gate on the host renders its own installed copy of the template with
// the bundled app code (bcryptjs included) and writes the secrets, so each kind reaches the containers byte for byte
// there as it does for an admin, and the routes' labels are the host's rendering.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import bcrypt from 'bcryptjs'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Envelope } from '../../src/shared/errors'
import type { OperationSnapshot } from '../../src/shared/operations'
import { createAppDispatch } from '../../src/main/services'
import { parseEnvFile } from '../../src/main/engine/host-layout'
import { openHostSession, type HostSession } from '../../src/main/host/host-session'
import { readGateBundle } from '../../src/main/host-setup/gate-bundle'
import { applyGate, planGate } from '../../src/main/host-setup/gate-install'
import { applyTemplates, planTemplates, templateFolder } from '../../src/main/host-setup/template-install'
import { addTeamKey } from '../../src/main/team/team-keys'
import { loadTemplate } from '../../src/main/templates/template-loader'
import { testbedDocker } from '../support/testbed-dir'
import { appServices } from './support/app-services'
import { key, testbedProfile } from './support/hosts'

const info = inject('testbed')
const root = resolve(import.meta.dirname, '../..')
const user = info.ssh.teamUser
const home = `/home/${user}`
const baseDir = join(home, 'shops')
const shop = `gatekeys${process.pid % 10000}`
const { docker } = testbedDocker(info)

const value = <T>(envelope: Envelope<unknown>): T => {
  if (!envelope.ok) throw new Error(`refused: ${JSON.stringify(envelope.error)}`)
  return envelope.value as T
}

const container = (service: string): string =>
  docker('ps', '-q', '--filter', `label=com.docker.compose.project=${shop}`, '--filter', `label=com.docker.compose.service=${service}`)

function environmentOf(id: string): Record<string, string> {
  const list = JSON.parse(docker('inspect', '-f', '{{json .Config.Env}}', id)) as string[]
  return Object.fromEntries(list.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]))
}

describe('secret kinds and routes through the gate', () => {
  const laptop = appServices(info, 'kinds-gate')
  const asSales = createAppDispatch(laptop.services)
  let admin: HostSession
  let hostId = ''

  beforeAll(async () => {
    execFileSync('npm', ['run', '-s', 'build:gate'], { cwd: root, stdio: 'inherit' })
    rmSync(join(home, '.shopmanager'), { recursive: true, force: true })
    mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 })
    mkdirSync(baseDir, { recursive: true })
    writeFileSync(join(home, '.ssh', 'authorized_keys'), readFileSync(`${info.ssh.keys.ed25519}.pub`, 'utf8'), { mode: 0o600 })
    execFileSync('chown', ['-R', `${user}:`, join(home, '.ssh'), baseDir])
    const profile = testbedProfile(info, { id: 'kinds-gate-admin', user, baseDir, shopDomain: 'shops.test', domainMode: 'wildcard' })
    admin = openHostSession(profile, { privateKey: key(info.ssh.keys.ed25519) })
    await applyGate(admin, await planGate(admin, home, await readGateBundle(join(root, 'out/gate/shopmgr-gate.mjs')), info.gateNodeImage, info.image))
    const template = await loadTemplate(resolve(root, 'test/fixtures/templates/kinds-shop'), 'kinds-shop', 'custom')
    await applyTemplates(admin, await planTemplates(admin, home, [await templateFolder(template)]))
    const identity = await laptop.services.identity.generate('Sina Sales', 'sales')
    await addTeamKey(admin, identity.publicKey, 'sales')
    const saved = await laptop.services.hosts.save({
      name: 'Vertrieb',
      address: info.ssh.host,
      port: info.ssh.port,
      user,
      auth: { kind: 'identity' },
      dockerSocket: info.dockerSocket,
      baseDir,
      role: 'sales',
      shopDomain: 'shops.test',
      domainMode: 'wildcard',
    })
    laptop.services.hosts.trust(saved.id, info.ssh.hostKeyFingerprint)
    hostId = saved.id
  }, 180_000)
  afterAll(async () => {
    await laptop.close()
    const ids = docker('ps', '-aq', '--filter', `label=com.docker.compose.project=${shop}`)
    if (ids) docker('rm', '-f', ...ids.split('\n'))
    for (const network of docker('network', 'ls', '-q', '--filter', `label=com.docker.compose.project=${shop}`).split('\n').filter(Boolean))
      docker('network', 'rm', network)
    admin?.close()
    rmSync(join(home, '.shopmanager'), { recursive: true, force: true })
    rmSync(join(home, '.ssh'), { recursive: true, force: true })
    rmSync(baseDir, { recursive: true, force: true })
  })

  it('creates the shop on the host, and its containers see each kind as the host’s .env has it', async () => {
    const started = value<OperationSnapshot>(
      await asSales('shops:create', { hostId, name: shop, description: '', templateId: 'kinds-shop', domain: `${shop}.shops.test`, params: {}, start: true }),
    )
    const until = Date.now() + 120_000
    let done = laptop.services.operations.get(started.id)!
    while (done.status === 'running' && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100))
      done = laptop.services.operations.get(started.id)!
    }
    expect(done.error).toBeUndefined()
    expect(done.status).toBe('succeeded')

    const secrets = parseEnvFile(readFileSync(join(baseDir, shop, '.env'), 'utf8')).secrets
    const api = environmentOf(container('api'))
    expect(api['ADMIN_HASH']).toBe(secrets['login_hash'])
    expect(bcrypt.compareSync(secrets['login']!, api['ADMIN_HASH']!)).toBe(true)
    expect(api['APP_KEY']).toBe(secrets['app_key'])
    expect(api['JWT_PRIVATE_KEY']).toBe(secrets['jwt_key'])
    expect(api['JWT_PRIVATE_KEY']).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/)
    expect(execFileSync('docker', ['exec', container('dash'), 'cat', '/run/secrets/device_key'], { env: testbedDocker(info).env, encoding: 'utf8' })).toBe(
      secrets['device_key'],
    )
    const labels = JSON.parse(docker('inspect', '-f', '{{json .Config.Labels}}', container('dash'))) as Record<string, string>
    expect(labels[`traefik.http.routers.${shop}-dash.rule`]).toBe(`Host(\`dash-${shop}.shops.test\`)`)
  })
})
