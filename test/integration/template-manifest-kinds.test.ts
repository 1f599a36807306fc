// A shop of the kinds-shop fixture on the test bed's real compose (docker-compose 1.29, python-dotenv reading the
// shop's .env): each kind of secret reaches its containers byte for byte — a bcrypt hash with its `$`, base64 with
// `+/=`, multi-line PEM keys — through the environment and as files in /run/secrets; the environment set reaches both
// services with the service's own entry winning; each route's service carries its own Traefik router and joins the
// proxy network. A clone keeps what its data depends on, makes the device key anew and the hash follows the login.
import { execFileSync } from 'node:child_process'
import { createPrivateKey } from 'node:crypto'
import { readFileSync, rmSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import bcrypt from 'bcryptjs'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { composeEngine } from '../../src/main/engine/compose/compose-engine'
import { parseEnvFile } from '../../src/main/engine/host-layout'
import { openHostSession, type HostSession } from '../../src/main/host/host-session'
import { OperationRegistry } from '../../src/main/operations/operation-registry'
import { OperationRunner } from '../../src/main/operations/operation-runner'
import { startCloneShop } from '../../src/main/shops/clone-shop'
import { startCreateShop } from '../../src/main/shops/create-shop'
import { loadTemplate } from '../../src/main/templates/template-loader'
import { testbedBaseDir, testbedDocker } from '../support/testbed-dir'
import { key, testbedProfile } from './support/hosts'

const info = inject('testbed')
const { docker, env } = testbedDocker(info)
const fixture = resolve(import.meta.dirname, '../fixtures/templates/kinds-shop')
const SHOPS = ['schluessel', 'kopie']

/** A running service's container of a shop. */
const container = (shop: string, service: string): string =>
  docker('ps', '-q', '--filter', `label=com.docker.compose.project=${shop}`, '--filter', `label=com.docker.compose.service=${service}`)

/** The container's environment exactly as Docker hands it to the process (no shell, no trailing newline added). */
function environmentOf(id: string): Record<string, string> {
  const list = JSON.parse(docker('inspect', '-f', '{{json .Config.Env}}', id)) as string[]
  return Object.fromEntries(list.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]))
}

/** A file in the container, as bytes read by the container's own cat. */
const fileIn = (id: string, path: string): string => execFileSync('docker', ['exec', id, 'cat', path], { env, encoding: 'utf8' })

describe('secret kinds, environment sets and routes on the test bed', () => {
  let session: HostSession
  let baseDir = ''
  const operations = new OperationRegistry(() => undefined)
  const { private: priv } = info.registry
  const deps = () => ({
    engine: async () => composeEngine(session),
    template: () => loadTemplate(fixture, 'kinds-shop', 'custom'),
    runner: new OperationRunner(operations),
    user: 'anna',
    registryAuth: async () => ({ username: priv.username, password: priv.password, serveraddress: priv.host }),
    certResolver: null,
  })
  /** The secrets as the app wrote them to the shop's .env, read with the app's own reader. */
  const secretsOf = (shop: string): Record<string, string> => parseEnvFile(readFileSync(join(baseDir, shop, '.env'), 'utf8')).secrets

  beforeAll(() => {
    baseDir = testbedBaseDir(info, 'kinds')
    session = openHostSession(testbedProfile(info, { baseDir }), { privateKey: key(info.ssh.keys.ed25519) })
  })
  afterAll(() => {
    for (const name of SHOPS) {
      try {
        execFileSync('docker-compose', ['-p', name, 'down', '-v', '-t', '1'], { cwd: join(baseDir, name), env, stdio: 'ignore' })
      } catch {
        // not created
      }
    }
    session?.close()
    rmSync(baseDir, { recursive: true, force: true })
  })

  it('creates the shop; every kind of secret reaches the containers byte for byte, in the environment and as files', async () => {
    const done = await startCreateShop(
      { hostId: 'testbed', name: 'schluessel', description: '', templateId: 'kinds-shop', domain: 'schluessel.shops.test', params: {}, start: true },
      deps(),
    ).done
    expect(done.error).toBeUndefined()
    expect(done.status).toBe('succeeded')

    const secrets = secretsOf('schluessel')
    const dir = join(baseDir, 'schluessel')
    // The files the app wrote: .env and the mounted secrets, readable by the host's login only.
    for (const file of ['.env', '.secrets/jwt_key', '.secrets/device_key']) expect(statSync(join(dir, file)).mode & 0o777).toBe(0o600)
    expect(readFileSync(join(dir, '.secrets/jwt_key'), 'utf8')).toBe(secrets['jwt_key'])

    const api = environmentOf(container('schluessel', 'api'))
    // The hash: `$` survived compose's .env reader and its interpolation, and it is the login's.
    expect(api['ADMIN_HASH']).toBe(secrets['login_hash'])
    expect(api['ADMIN_HASH']).toMatch(/^\$2b\$06\$[./A-Za-z0-9]{53}$/)
    expect(bcrypt.compareSync(api['DB_PASSWORD']!, api['ADMIN_HASH']!)).toBe(true)
    // base64 of 32 random bytes, + / = and all.
    expect(api['APP_KEY']).toBe(secrets['app_key'])
    expect(Buffer.from(api['APP_KEY']!, 'base64')).toHaveLength(32)
    // The RSA key, every line and the final newline, in the environment and as the file compose mounts.
    const pem = api['JWT_PRIVATE_KEY']!
    expect(pem).toBe(secrets['jwt_key'])
    expect(pem.split('\n').length).toBeGreaterThan(20)
    expect(pem.endsWith('-----END PRIVATE KEY-----\n')).toBe(true)
    expect(createPrivateKey(pem).asymmetricKeyDetails).toMatchObject({ modulusLength: 2048 })
    expect(fileIn(container('schluessel', 'api'), '/run/secrets/jwt_key')).toBe(pem)
    // The EC key only as a file, in both services that mount it.
    for (const service of ['api', 'dash']) expect(fileIn(container('schluessel', service), '/run/secrets/device_key')).toBe(secrets['device_key'])
    expect(createPrivateKey(secrets['device_key']!).asymmetricKeyDetails).toMatchObject({ namedCurve: 'prime256v1' })
  })

  it('gives both services the environment set, with the service’s own entry winning, and nothing to the third', () => {
    const secrets = secretsOf('schluessel')
    const web = environmentOf(container('schluessel', 'web'))
    const api = environmentOf(container('schluessel', 'api'))
    const dash = environmentOf(container('schluessel', 'dash'))
    expect([web['DB_HOST'], api['DB_HOST'], dash['DB_HOST']]).toEqual(['primary.internal', 'db.internal', undefined])
    expect([web['DB_PASSWORD'], api['DB_PASSWORD']]).toEqual([secrets['login'], secrets['login']])
    expect(web['APP_KEY']).toBe(secrets['app_key'])
    expect(api['SHOP_NAME']).toBe('schluessel')
  })

  it('puts a router of its own on each route’s service, and each routed service on the proxy network', () => {
    const labels = (service: string): Record<string, string> =>
      JSON.parse(docker('inspect', '-f', '{{json .Config.Labels}}', container('schluessel', service))) as Record<string, string>
    expect(labels('web')['traefik.http.routers.schluessel.rule']).toBe('Host(`schluessel.shops.test`)')
    expect(labels('api')).toMatchObject({
      'traefik.http.routers.schluessel-api.rule': 'Host(`schluessel.shops.test`) && PathPrefix(`/api`)',
      'traefik.http.routers.schluessel-api.service': 'schluessel-api',
      'traefik.http.services.schluessel-api.loadbalancer.server.port': '8081',
    })
    expect(labels('dash')['traefik.http.routers.schluessel-dash.rule']).toBe('Host(`dash-schluessel.shops.test`)')
    for (const service of ['web', 'api', 'dash']) {
      const networks = JSON.parse(docker('inspect', '-f', '{{json .NetworkSettings.Networks}}', container('schluessel', service))) as Record<string, unknown>
      expect(Object.keys(networks).sort()).toEqual(['proxy', 'schluessel_shop'])
    }
    // What Traefik would reach: the API's port answers on the proxy network.
    const apiAddress = docker('inspect', '-f', '{{(index .NetworkSettings.Networks "proxy").IPAddress}}', container('schluessel', 'api'))
    expect(docker('exec', container('schluessel', 'web'), 'wget', '-q', '-O', '-', `http://${apiAddress}:8081/api/`)).toBe('api')
  })

  it('clones it: kept secrets and the hash come along byte for byte, the device key is new, and the clone runs', async () => {
    const done = await startCloneShop(
      { hostId: 'testbed', source: 'schluessel', name: 'kopie', domain: 'kopie.shops.test', description: '' },
      { ...deps(), helperImage: info.image },
    ).done
    expect(done.error).toBeUndefined()
    expect(done.status).toBe('succeeded')
    const source = secretsOf('schluessel')
    const copy = secretsOf('kopie')
    for (const id of ['login', 'login_hash', 'app_key', 'jwt_key']) expect(copy[id]).toBe(source[id])
    expect(copy['device_key']).not.toBe(source['device_key'])
    const api = environmentOf(container('kopie', 'api'))
    expect(api['ADMIN_HASH']).toBe(source['login_hash'])
    expect(api['JWT_PRIVATE_KEY']).toBe(source['jwt_key'])
    expect(fileIn(container('kopie', 'dash'), '/run/secrets/device_key')).toBe(copy['device_key'])
  })
})
