// Routes beside the entry, environment sets and the kinds of secrets: the manifest's schema, what loading refuses
// (file and field named), what rendering makes of them, and how the secrets carry over to an edit or a clone.
import { createPrivateKey } from 'node:crypto'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import bcrypt from 'bcryptjs'
import { parse, stringify } from 'yaml'
import { afterEach, describe, expect, it } from 'vitest'
import { AppError } from '@shared/errors'
import { envLine, parseEnvFile } from '../engine/host-layout'
import { secretsForCopy } from '../shops/shop-copy'
import { newShopMetadata, recordHostNames, shopFiles } from '../shops/shop-record'
import { manifestSchema } from './manifest'
import { generateSecrets } from './parameters'
import { renderShop, type RenderInput } from './render'
import { routeHost } from './routes'
import { loadTemplate, type ComposeFile, type Template } from './template-loader'

const fixture = resolve(import.meta.dirname, '../../../test/fixtures/templates/kinds-shop')
const folders: string[] = []
afterEach(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true })
})

const load = (dir = fixture): Promise<Template> => loadTemplate(dir, 'kinds-shop', 'custom')

/** A copy of the fixture whose manifest (as data) the test changes first. */
async function variant(change: (manifest: Record<string, unknown>) => void): Promise<Template> {
  const dir = mkdtempSync(join(tmpdir(), 'kinds-'))
  folders.push(dir)
  cpSync(fixture, dir, { recursive: true })
  const manifest = parse(readFileSync(join(dir, 'template.yaml'), 'utf8')) as Record<string, unknown>
  change(manifest)
  writeFileSync(join(dir, 'template.yaml'), stringify(manifest))
  return load(dir)
}

async function refusal(change: (manifest: Record<string, unknown>) => void): Promise<{ file: string; field: string; reason: string }> {
  const error = await variant(change).then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(AppError)
  expect((error as AppError).code).toBe('template_invalid')
  return (error as AppError).details as { file: string; field: string; reason: string }
}

type Manifest = Record<string, unknown> & { routes: Array<Record<string, unknown>>; secrets: Array<Record<string, unknown>>; environmentSets: Record<string, Record<string, unknown>> }
const as = (m: Record<string, unknown>): Manifest => m as Manifest

function render(template: Template, change: Partial<RenderInput> = {}) {
  const secrets = change.secrets ?? generateSecrets(template.manifest)
  const output = renderShop(template, { name: 'mueller', domain: 'mueller.shops.example.com', params: {}, secrets, certResolver: 'letsencrypt', ...change })
  return { output, secrets, compose: parse(output.compose) as ComposeFile }
}

describe('the manifest schema', () => {
  const base = { name: { de: 'a', en: 'a' }, description: { de: 'a', en: 'a' }, compose: 'compose.yaml', entry: { service: 'web', port: 80 } }
  const label = { de: 'x', en: 'x' }

  it('reads a secret without a kind as the random text it always was, and every kind with its defaults', () => {
    const manifest = manifestSchema.parse({
      ...base,
      secrets: [
        { id: 'pw', length: 20, alphabet: 'alnum', label },
        { id: 'key', kind: 'pem', label },
        { id: 'hash', kind: 'hash', of: 'pw', label },
        { id: 'b', kind: 'base64', bytes: 32, label },
      ],
    })
    expect(manifest.secrets).toEqual([
      { id: 'pw', kind: 'random', length: 20, alphabet: 'alnum', label, login: false, onClone: 'keep', mount: [] },
      { id: 'key', kind: 'pem', key: 'rsa-2048', label, onClone: 'keep', mount: [] },
      { id: 'hash', kind: 'hash', of: 'pw', algorithm: 'bcrypt', cost: 10, label, mount: [] },
      { id: 'b', kind: 'base64', bytes: 32, label, onClone: 'keep', mount: [] },
    ])
    expect(manifest.routes).toEqual([])
    expect(manifest.environmentSets).toEqual({})
  })

  it('refuses a kind it does not know, a hash with an onClone of its own, login on a key, and a route path or host that is no path or label', () => {
    const problems = (extra: Record<string, unknown>): string[] => {
      const result = manifestSchema.safeParse({ ...base, ...extra })
      return result.success ? [] : result.error.issues.map((i) => i.path.join('.'))
    }
    expect(problems({ secrets: [{ id: 'x', kind: 'jwt', label }] })).toEqual(['secrets.0.kind'])
    expect(problems({ secrets: [{ id: 'h', kind: 'hash', of: 'pw', onClone: 'new', label }] })).toEqual(['secrets.0'])
    expect(problems({ secrets: [{ id: 'k', kind: 'pem', login: true, label }] })).toEqual(['secrets.0'])
    expect(problems({ routes: [{ id: 'api', service: 'web', port: 80, path: 'api' }] })).toEqual(['routes.0.path'])
    expect(problems({ routes: [{ id: 'api', service: 'web', port: 80, path: '/' }] })).toEqual(['routes.0.path'])
    expect(problems({ routes: [{ id: 'api', service: 'web', port: 80, host: 'api.x' }] })).toEqual(['routes.0.host'])
    expect(problems({ environmentSets: { db: { services: [], values: {} } } })).toEqual(['environmentSets.db.services'])
  })
})

describe('loading routes, environment sets and secrets', () => {
  it('loads the fixture', async () => {
    const template = await load()
    expect(template.manifest.routes.map((r) => r.id)).toEqual(['api', 'dash'])
    expect(template.manifest.secrets.map((s) => s.kind)).toEqual(['random', 'hash', 'base64', 'pem', 'pem'])
  })

  it('names file and field for a route to an unknown service, to a job, a taken id and a rule another route or the entry has', async () => {
    expect(await refusal((m) => (as(m).routes[0]!['service'] = 'frontend'))).toMatchObject({
      file: 'template.yaml',
      field: 'routes.0.service',
      reason: 'no service "frontend" in compose.yaml',
    })
    expect(await refusal((m) => (m['jobs'] = ['dash']))).toMatchObject({ field: 'routes.1.service', reason: expect.stringContaining('one-off job') })
    expect(await refusal((m) => (as(m).routes[1]!['id'] = 'api'))).toMatchObject({ field: 'routes.1.id', reason: expect.stringContaining('routes.0') })
    expect(await refusal((m) => as(m).routes.push({ id: 'api2', service: 'web', port: 8080, path: '/api' }))).toMatchObject({
      field: 'routes.2',
      reason: expect.stringContaining('the same rule as routes.0'),
    })
    expect(await refusal((m) => as(m).routes.push({ id: 'plain', service: 'dash', port: 8082 }))).toMatchObject({
      field: 'routes.2',
      reason: expect.stringContaining('the same rule as the entry'),
    })
    // A path on a route's own host is another rule than the same path on the shop's domain.
    await expect(variant((m) => as(m).routes.push({ id: 'dashapi', service: 'api', port: 8081, host: 'dash', path: '/api' }))).resolves.toBeTruthy()
  })

  it('names file and field for an environment set of an unknown service, an unknown placeholder, and a variable two sets give one service', async () => {
    expect(await refusal((m) => (as(m).environmentSets['db_client']!['services'] = ['web', 'worker']))).toMatchObject({
      file: 'template.yaml',
      field: 'environmentSets.db_client.services.1',
      reason: 'no service "worker" in compose.yaml',
    })
    expect(await refusal((m) => ((as(m).environmentSets['db_client']!['values'] as Record<string, string>)['X'] = '${secret.nope}'))).toMatchObject({
      field: 'environmentSets.db_client.values.X',
      reason: 'unknown secret "nope"',
    })
    expect(await refusal((m) => (as(m).environmentSets['more'] = { services: ['api'], values: { DB_HOST: 'other' } }))).toMatchObject({
      field: 'environmentSets.more.values.DB_HOST',
      reason: 'environmentSets.db_client sets DB_HOST for "api" too',
    })
  })

  it('names file and field for a hash of no secret, of a key, of a source bcrypt would cut, and a mount in an unknown service', async () => {
    expect(await refusal((m) => (as(m).secrets[1]!['of'] = 'nope'))).toMatchObject({ field: 'secrets.1.of', reason: 'no secret "nope"' })
    expect(await refusal((m) => (as(m).secrets[1]!['of'] = 'jwt_key'))).toMatchObject({ field: 'secrets.1.of', reason: expect.stringContaining('pem') })
    expect(await refusal((m) => (as(m).secrets[0]!['length'] = 80))).toMatchObject({ field: 'secrets.1.of', reason: expect.stringContaining('72') })
    expect(await refusal((m) => (as(m).secrets[3]!['mount'] = ['worker']))).toMatchObject({ field: 'secrets.3.mount.0', reason: 'no service "worker" in compose.yaml' })
    expect(await refusal((m) => (as(m).secrets[4]!['id'] = 'jwt_key'))).toMatchObject({ field: 'secrets.4.id', reason: 'a second secret "jwt_key"' })
  })

  it('refuses a template file in the folder of the shop’s secret files', async () => {
    const details = await refusal((m) => (m['files'] = ['.secrets/jwt_key']))
    expect(details).toMatchObject({ file: 'template.yaml', field: 'files', reason: expect.stringContaining('.secrets/') })
  })
})

describe('rendering routes, environment sets and secret kinds', () => {
  it('gives each route its own router and service, named <shop>-<id>, on the route’s service, which joins the proxy', async () => {
    const { compose, output } = render(await load())
    const labels = (service: string) => compose.services[service]!['labels'] as Record<string, string>
    expect(labels('web')['traefik.http.routers.mueller.rule']).toBe('Host(`mueller.shops.example.com`)')
    expect(labels('api')).toEqual({
      'traefik.enable': 'true',
      'traefik.docker.network': 'proxy',
      'shopmanager.shop': 'mueller',
      'traefik.http.routers.mueller-api.rule': 'Host(`mueller.shops.example.com`) && PathPrefix(`/api`)',
      'traefik.http.routers.mueller-api.entrypoints': 'websecure',
      'traefik.http.routers.mueller-api.tls': 'true',
      'traefik.http.routers.mueller-api.tls.certresolver': 'letsencrypt',
      'traefik.http.routers.mueller-api.service': 'mueller-api',
      'traefik.http.services.mueller-api.loadbalancer.server.port': '8081',
    })
    expect(labels('dash')['traefik.http.routers.mueller-dash.rule']).toBe('Host(`dash-mueller.shops.example.com`)')
    for (const service of ['web', 'api', 'dash']) expect(compose.services[service]!['networks']).toEqual(['shop', 'proxy'])
    expect(output.hosts).toEqual(['mueller.shops.example.com', 'dash-mueller.shops.example.com'])
  })

  it('puts two routes on one service side by side, and keeps the entry’s router when a route is on the entry', async () => {
    const template = await variant((m) => as(m).routes.push({ id: 'admin', service: 'web', port: 9000, path: '/admin' }))
    const labels = render(template).compose.services['web']!['labels'] as Record<string, string>
    expect(labels['traefik.http.routers.mueller.service']).toBe('mueller')
    expect(labels['traefik.http.services.mueller.loadbalancer.server.port']).toBe('8080')
    expect(labels['traefik.http.routers.mueller-admin.rule']).toBe('Host(`mueller.shops.example.com`) && PathPrefix(`/admin`)')
    expect(labels['traefik.http.services.mueller-admin.loadbalancer.server.port']).toBe('9000')
  })

  it('forms a route’s host as one label in front of the rest of the domain, and refuses one that would be too long', async () => {
    expect(routeHost('mueller.shops.example.com', 'api')).toBe('api-mueller.shops.example.com')
    expect(routeHost('shop.kunde.de', 'admin')).toBe('admin-shop.kunde.de')
    const template = await load()
    expect(() => render(template, { domain: `${'a'.repeat(60)}.shops.example.com` })).toThrow(/dash-a+\.shops\.example\.com.*not a valid domain/)
  })

  it('gives each service of an environment set its values, the service’s own environment entry winning', async () => {
    const { compose, secrets } = render(await load())
    const environment = (service: string) => compose.services[service]!['environment'] as Record<string, string>
    expect(environment('web')).toEqual({ PORT: '8080', DB_HOST: 'primary.internal', DB_PASSWORD: '${SHOP_SECRET_LOGIN}', APP_KEY: '${SHOP_SECRET_APP_KEY}' })
    expect(environment('api')).toMatchObject({ DB_HOST: 'db.internal', ADMIN_HASH: '${SHOP_SECRET_LOGIN_HASH}', JWT_PRIVATE_KEY: '${SHOP_SECRET_JWT_KEY}' })
    expect(environment('dash')).toEqual({ PORT: '8082' })
    expect(Object.keys(secrets)).toEqual(['login', 'app_key', 'jwt_key', 'device_key', 'login_hash'])
  })

  it('mounts the secrets named for files as compose file secrets, written 0600 beside .env', async () => {
    const { compose, output, secrets } = render(await load())
    expect(compose['secrets']).toEqual({ jwt_key: { file: './.secrets/jwt_key' }, device_key: { file: './.secrets/device_key' } })
    expect(compose.services['api']!['secrets']).toEqual(['jwt_key', 'device_key'])
    expect(compose.services['dash']!['secrets']).toEqual(['device_key'])
    expect(compose.services['web']!['secrets']).toBeUndefined()
    expect(output.secretFiles).toEqual({ '.secrets/jwt_key': secrets['jwt_key'], '.secrets/device_key': secrets['device_key'] })
    const files = shopFiles(output, newShopMetadata({ template: 'kinds-shop', description: '', domain: 'mueller.shops.example.com', params: {}, createdBy: 'anna' }))
    expect(files.filter((f) => f.mode === 0o600).map((f) => f.path)).toEqual(['.env', '.secrets/jwt_key', '.secrets/device_key'])
    expect(output.compose).not.toContain(secrets['jwt_key']!.split('\n')[1]!)
  })

  it('writes .env so that the app reads back every kind byte for byte: bare where it always was, quoted for $, +/= and line breaks', async () => {
    const { output, secrets } = render(await load())
    expect(output.env).toContain(`SHOP_SECRET_LOGIN=${secrets['login']}\n`)
    expect(output.env).toContain(`SHOP_SECRET_LOGIN_HASH='${secrets['login_hash']}'\n`)
    expect(output.env).toContain(`SHOP_SECRET_JWT_KEY='-----BEGIN PRIVATE KEY-----\n`)
    expect(parseEnvFile(output.env).secrets).toEqual(secrets)
  })

  it('refuses a secret that has not its kind’s form (one a tampered .env would hand a clone), before anything is written', async () => {
    const template = await load()
    const secrets = generateSecrets(template.manifest)
    for (const [id, value] of [
      ['login_hash', "$2b$06$'; rm -rf /"],
      ['app_key', 'not base64!'],
      ['jwt_key', `${secrets['jwt_key']}' X='`],
      ['device_key', '-----BEGIN PRIVATE KEY-----\n${HOME}\n-----END PRIVATE KEY-----\n'],
    ] as const) {
      expect(() => render(template, { secrets: { ...secrets, [id]: value } })).toThrow(expect.objectContaining({ fields: [{ path: `secrets.${id}`, message: expect.any(String) }] }))
    }
  })

  it('refuses what would end or change a quoted .env value', () => {
    expect(envLine('A', 'abc-_1')).toBe('A=abc-_1\n')
    expect(envLine('A', '$2b$x/+=')).toBe("A='$2b$x/+='\n")
    for (const bad of ["it's", 'a\\b', '${HOME}', 'a\r\nb']) expect(() => envLine('A', bad)).toThrow()
    expect(parseEnvFile("A=1\nB='x\ny\n'\nC='$z'\n").variables).toEqual({ A: '1', B: 'x\ny\n', C: '$z' })
  })
})

describe('generating and carrying secrets of every kind', () => {
  it('makes each kind in its form: a PKCS#8 RSA 2048 and EC P-256 key, base64 of the bytes asked, a bcrypt hash of the login', async () => {
    const template = await load()
    const secrets = generateSecrets(template.manifest)
    expect(secrets['login']).toMatch(/^[A-Za-z0-9]{24}$/)
    expect(Buffer.from(secrets['app_key']!, 'base64')).toHaveLength(32)
    expect(createPrivateKey(secrets['jwt_key']!).asymmetricKeyDetails).toMatchObject({ modulusLength: 2048 })
    expect(createPrivateKey(secrets['device_key']!).asymmetricKeyDetails).toMatchObject({ namedCurve: 'prime256v1' })
    expect(secrets['jwt_key']).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/)
    expect(secrets['login_hash']).toMatch(/^\$2b\$06\$/)
    expect(bcrypt.compareSync(secrets['login']!, secrets['login_hash']!)).toBe(true)
  })

  it('keeps what is carried; a hash stays only while its source is the value it was made of', async () => {
    const template = await load()
    const first = generateSecrets(template.manifest)
    // An edit: everything stays.
    expect(generateSecrets(template.manifest, first)).toEqual(first)
    // A new login: its hash is made again, and matches the new one.
    const { login: _login, ...withoutLogin } = first
    const renewed = generateSecrets(template.manifest, withoutLogin)
    expect(renewed['login']).not.toBe(first['login'])
    expect(renewed['login_hash']).not.toBe(first['login_hash'])
    expect(bcrypt.compareSync(renewed['login']!, renewed['login_hash']!)).toBe(true)
    expect(renewed['jwt_key']).toBe(first['jwt_key'])
  })

  it('gives a clone the kept secrets and their hash, and a new device key (onClone: new)', async () => {
    const template = await load()
    const secrets = generateSecrets(template.manifest)
    const record = { secrets } as Parameters<typeof secretsForCopy>[1]
    const copy = secretsForCopy(template, record)
    expect([copy['login'], copy['login_hash'], copy['app_key'], copy['jwt_key']]).toEqual([secrets['login'], secrets['login_hash'], secrets['app_key'], secrets['jwt_key']])
    expect(copy['device_key']).not.toBe(secrets['device_key'])
    // With the login new on clone, the hash follows it.
    const fresh = await variant((m) => (as(m).secrets[0]!['onClone'] = 'new'))
    const moved = secretsForCopy(fresh, record)
    expect(moved['login']).not.toBe(secrets['login'])
    expect(bcrypt.compareSync(moved['login']!, moved['login_hash']!)).toBe(true)
  })
})

describe('a shop’s host names from its files', () => {
  it('are its domain and every route’s host, as the compose file’s rules say', async () => {
    const { output } = render(await load())
    expect(recordHostNames({ compose: output.compose, metadata: { domain: 'mueller.shops.example.com' } as never })).toEqual([
      'mueller.shops.example.com',
      'dash-mueller.shops.example.com',
    ])
  })
})
