import { execFileSync } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { AppError } from '@shared/errors'
import { loadTemplate, loadTemplates, type ComposeFile, type Template } from './template-loader'
import { generateSecrets, resolveParams } from './parameters'
import { renderShop } from './render'
import { loginOf } from '../shops/start-new-shop'

const bundled = resolve(import.meta.dirname, '../../../templates')

async function busybox() {
  return loadTemplate(join(bundled, 'busybox'), 'busybox', 'bundled')
}

async function rendered(overrides: Partial<Parameters<typeof renderShop>[1]> = {}, params: Record<string, unknown> = {}) {
  const template = await busybox()
  const { output, compose } = renderDefaults(template, { certResolver: 'letsencrypt', ...overrides }, params)
  return { template, output, compose }
}

const edit = (dir: string, file: string, change: (text: string) => string): void =>
  writeFileSync(join(dir, file), change(readFileSync(join(dir, file), 'utf8')))

/** A template rendered for one shop, by default with its parameters' defaults and no certificate resolver. */
function renderDefaults(template: Template, overrides: Partial<Parameters<typeof renderShop>[1]> = {}, params: Record<string, unknown> = {}) {
  const output = renderShop(template, {
    name: 'mueller',
    domain: 'mueller.shops.example.com',
    params: resolveParams(template.manifest, params),
    secrets: generateSecrets(template.manifest),
    certResolver: null,
    ...overrides,
  })
  return { output, compose: parse(output.compose) as ComposeFile, text: output.compose }
}

/** A copy of a template folder to change. */
function copyOf(source: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tpl-'))
  cpSync(source, dir, { recursive: true })
  return dir
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(() => null, (e: unknown) => e)
  expect(error).toBeInstanceOf(AppError)
  return error as AppError
}

describe('bundled templates', () => {
  it('all load without problems: b2xproc, the public shops and the busybox test shop', async () => {
    const { templates, problems } = await loadTemplates(bundled, 'bundled')
    expect(problems.map((p) => p.message)).toEqual([])
    expect(templates.map((t) => t.id)).toEqual(['b2xproc', 'busybox', 'odoo', 'prestashop', 'woocommerce'])
  })

  it('b2xproc keeps the seed services and health checks and maps its secrets into the env file', async () => {
    const template = await loadTemplate(join(bundled, 'b2xproc'), 'b2xproc', 'bundled')
    const output = renderShop(template, {
      name: 'kunde1',
      domain: 'kunde1.shops.example.com',
      params: resolveParams(template.manifest, { languages: ['de', 'en'] }),
      secrets: generateSecrets(template.manifest),
      certResolver: 'letsencrypt',
    })
    const compose = parse(output.compose) as ComposeFile
    expect(Object.keys(compose.services)).toEqual(['db', 'gunicorn', 'nginx'])
    expect(compose.services['db']!['image']).toBe('postgres:17')
    expect(compose.services['nginx']!['image']).toBe('nginx:1.27')
    for (const service of Object.values(compose.services)) expect(service['healthcheck']).toBeTruthy()
    const env = compose.services['gunicorn']!['environment'] as Record<string, string>
    expect(env['DJANGO_ALLOWED_HOSTS']).toBe('kunde1.shops.example.com')
    expect(env['DJANGO_TRUSTED_ORIGINS']).toBe('https://kunde1.shops.example.com')
    expect(env['DJANGO_LANGUAGES']).toBe('de,en')
    expect(env['DATABASE_PASSWORD']).toBe('${SHOP_SECRET_DB_PASSWORD}')
    expect((compose.services['db']!['environment'] as Record<string, string>)['POSTGRES_PASSWORD']).toBe('${SHOP_SECRET_DB_PASSWORD}')
    expect(output.env).toMatch(/^SHOP_SECRET_DB_PASSWORD=[A-Za-z0-9]{32}$/m)
    expect(output.files['nginx-conf.d/default.conf']).toContain('proxy_pass http://gunicorn:8000')
  })
})

describe('rendering a shop', () => {
  it('names every volume after the shop, explicitly', async () => {
    const { compose } = await rendered()
    expect(compose.volumes).toEqual({ data: { name: 'mueller_data' } })
  })

  it('puts the entry service on the proxy network with Traefik labels, the rest on the shop network only', async () => {
    const { compose } = await rendered()
    const web = compose.services['web']!
    expect(web['networks']).toEqual(['shop', 'proxy'])
    expect(web['restart']).toBe('unless-stopped')
    expect(web['labels']).toMatchObject({
      'traefik.enable': 'true',
      'traefik.http.routers.mueller.rule': 'Host(`mueller.shops.example.com`)',
      'traefik.http.routers.mueller.entrypoints': 'websecure',
      'traefik.http.routers.mueller.tls.certresolver': 'letsencrypt',
      'traefik.http.services.mueller.loadbalancer.server.port': '8080',
    })
    expect(compose.networks).toEqual({ shop: { name: 'mueller_shop' }, proxy: { external: true, name: 'proxy' } })
  })

  it('leaves the certificate resolver out where a wildcard certificate covers the shop', async () => {
    const { compose } = await rendered({ certResolver: null })
    expect(Object.keys(compose.services['web']!['labels'] as object)).not.toContain('traefik.http.routers.mueller.tls.certresolver')
  })

  it('keeps secrets out of the compose file', async () => {
    const { output } = await rendered()
    const secret = /SHOP_SECRET_ADMIN_PASSWORD=(\S+)/.exec(output.env)![1]!
    expect(output.compose).not.toContain(secret)
    expect(output.compose).toContain('${SHOP_SECRET_ADMIN_PASSWORD}')
  })

  it('overrides only the image of the service the template allows', async () => {
    const { compose } = await rendered({ image: 'registry.example.com/shop:2.1' })
    expect(compose.services['web']!['image']).toBe('registry.example.com/shop:2.1')
  })
})

describe('compose files as shop systems write them', () => {
  /** busybox with its compose file replaced: shared settings through an x- anchor and merge keys, a one-off job. */
  async function shared(): Promise<{ compose: ComposeFile; text: string }> {
    const dir = mkdtempSync(join(tmpdir(), 'tpl-'))
    cpSync(join(bundled, 'busybox'), dir, { recursive: true })
    const original = readFileSync(join(dir, 'compose.yaml'), 'utf8')
    const web = (parse(original) as ComposeFile).services['web']!
    writeFileSync(
      join(dir, 'compose.yaml'),
      `x-shared: &shared
  environment:
    APP_ENV: prod
    COUNTRY: "NO"
  user: "33:33"
services:
  web:
    <<: *shared
    image: ${JSON.stringify(web['image'])}
    command: ${JSON.stringify(web['command'])}
    volumes: ${JSON.stringify(web['volumes'] ?? [])}
  init:
    <<: *shared
    image: ${JSON.stringify(web['image'])}
    restart: "no"
volumes: ${JSON.stringify((parse(original) as ComposeFile).volumes ?? {})}
`,
    )
    const template = await loadTemplate(dir, 'shared', 'custom')
    return renderDefaults(template)
  }

  it('keeps what a merge key brings beside the generated environment, and a restart policy the file sets', async () => {
    const { compose } = await shared()
    const web = compose.services['web']!
    expect(web['environment']).toMatchObject({ APP_ENV: 'prod', COUNTRY: 'NO', SHOP_NAME: 'mueller' })
    expect(web['user']).toBe('33:33')
    expect(web['restart']).toBe('unless-stopped')
    expect(compose.services['init']!['restart']).toBe('no')
    expect(compose.services['init']!['environment']).toEqual({ APP_ENV: 'prod', COUNTRY: 'NO' })
  })

  it('is read by docker-compose v1 (YAML 1.1) with every string still a string', async () => {
    const { text } = await shared()
    const dir = mkdtempSync(join(tmpdir(), 'compose-'))
    writeFileSync(join(dir, 'docker-compose.yml'), text)
    writeFileSync(join(dir, '.env'), 'SHOP_SECRET_ADMIN_PASSWORD=x\n')
    const config = parse(execFileSync('docker-compose', ['config'], { cwd: dir, encoding: 'utf8' })) as ComposeFile
    expect(config.services['web']!['environment']).toMatchObject({ COUNTRY: 'NO' })
    expect(config.services['web']!['user']).toBe('33:33')
    expect(config.services['init']!['restart']).toBe('no')
  })
})

describe('what a compose file may not say', () => {
  function withCompose(change: (compose: ComposeFile) => void): string {
    const dir = mkdtempSync(join(tmpdir(), 'tpl-'))
    cpSync(join(bundled, 'busybox'), dir, { recursive: true })
    const compose = parse(readFileSync(join(dir, 'compose.yaml'), 'utf8')) as ComposeFile
    change(compose)
    writeFileSync(join(dir, 'compose.yaml'), JSON.stringify(compose))
    return dir
  }

  it('refuses published ports, a fixed container name, a network mode, Traefik labels and a missing env_file, all at once', async () => {
    const dir = withCompose((compose) => {
      Object.assign(compose.services['web']!, { ports: ['5432:5432'], container_name: 'db', labels: ['traefik.http.routers.shop.rule=Host(`x`)'] })
      compose.services['worker'] = { image: 'busybox', network_mode: 'host', env_file: ['./worker.env'] }
    })
    const error = await failure(loadTemplate(dir, 'x', 'custom'))
    expect(error.code).toBe('template_invalid')
    expect(error.details).toMatchObject({ file: 'compose.yaml', field: 'services.web.ports' })
    expect(error.fields?.map((f) => f.path)).toEqual([
      'services.web.ports',
      'services.web.container_name',
      'services.web.labels',
      'services.worker.network_mode',
      'services.worker.env_file',
    ])
    expect(error.message).toMatch(/published ports are not allowed.*services\.worker\.env_file: env_file "\.\/worker\.env" is not among the template's files/)
  })

  it('takes an env_file the template brings', async () => {
    const dir = withCompose((compose) => void (compose.services['web']!['env_file'] = 'web.env'))
    writeFileSync(join(dir, 'web.env'), 'A=1\n')
    edit(dir, 'template.yaml', (t) => t.replace('compose: compose.yaml', 'compose: compose.yaml\nfiles: [web.env]'))
    await expect(loadTemplate(dir, 'x', 'custom')).resolves.toMatchObject({ files: { 'web.env': 'A=1\n' } })
  })

  it('says why a manifest key is bad, for every bad key, not "Invalid key in record"', async () => {
    const dir = withCompose(() => undefined)
    edit(dir, 'template.yaml', (t) => t.replace('    SHOP_NAME: ${shop.name}', '    shop-name: ${shop.name}\n    1ST: x'))
    const error = await failure(loadTemplate(dir, 'x', 'custom'))
    expect(error.message).toBe('template.yaml, environment.web.shop-name: not an environment variable name; environment.web.1ST: not an environment variable name')
  })

  it('gives every service of the template\'s image the override, not only the image service', async () => {
    const dir = withCompose((compose) => {
      compose.services['worker'] = { image: compose.services['web']!['image'], command: ['sleep', '1d'] }
      compose.services['cache'] = { image: 'busybox:other' }
    })
    const template = await loadTemplate(dir, 'x', 'custom')
    const { services } = renderDefaults(template, { image: 'registry.example.com/shop:2.1' }).compose
    expect([services['web']!['image'], services['worker']!['image'], services['cache']!['image']]).toEqual([
      'registry.example.com/shop:2.1',
      'registry.example.com/shop:2.1',
      'busybox:other',
    ])
  })
})

describe('hostile and bad input', () => {
  it.each([
    ['a domain that tries to leave the Host() rule', { domain: 'a.example.com`) || Host(`evil.com' }, 'domain'],
    ['a domain with a newline and YAML', { domain: 'a.example.com\n    privileged: true' }, 'domain'],
    ['a shop name with a quote', { name: "mue'ller" }, 'name'],
    ['a reserved shop name', { name: 'traefik' }, 'name'],
  ])('rejects %s', async (_label, overrides, field) => {
    const error = await failure(rendered(overrides))
    expect(error.code).toBe('invalid_input')
    expect(error.fields?.[0]?.path).toBe(field)
  })

  it('rejects a parameter value with a line break, an unknown option and an unknown parameter', async () => {
    const template = await busybox()
    const error = (() => {
      try {
        resolveParams(template.manifest, { greeting: 'Hallo\nSHOP_ADMIN_PASSWORD=x', languages: ['de', 'klingon'], privileged: true })
      } catch (e) {
        return e as AppError
      }
      return null
    })()
    expect(error?.fields?.map((f) => f.path).sort()).toEqual(['params.greeting', 'params.languages', 'params.privileged'])
  })
})

describe('invalid templates name the file and the field', () => {
  const copy = (): string => copyOf(join(bundled, 'busybox'))

  it('bad YAML', async () => {
    const dir = copy()
    edit(dir, 'compose.yaml', (t) => `${t}\n  broken: [unclosed\n`)
    const error = await failure(loadTemplate(dir, 'x', 'custom'))
    expect(error.code).toBe('template_invalid')
    expect(error.details).toMatchObject({ file: 'compose.yaml' })
    expect(error.message).toMatch(/^compose\.yaml, line \d+: not valid YAML/)
  })

  it('a missing entry service', async () => {
    const dir = copy()
    edit(dir, 'template.yaml', (t) => t.replace('service: web\n  port', 'service: frontend\n  port'))
    const error = await failure(loadTemplate(dir, 'x', 'custom'))
    expect(error.message).toBe('template.yaml, entry.service: no service "frontend" in compose.yaml')
  })

  it('an unknown parameter in a mapping', async () => {
    const dir = copy()
    edit(dir, 'template.yaml', (t) => t.replace('${param.greeting}', '${param.motto}'))
    const error = await failure(loadTemplate(dir, 'x', 'custom'))
    expect(error.message).toBe('template.yaml, environment.web.SHOP_GREETING: unknown param "motto"')
  })

  it('a manifest field of the wrong type', async () => {
    const dir = copy()
    edit(dir, 'template.yaml', (t) => t.replace('port: 8080', 'port: http'))
    const error = await failure(loadTemplate(dir, 'x', 'custom'))
    expect(error.details).toMatchObject({ file: 'template.yaml', field: 'entry.port' })
  })
  it('a login user that names a secret, an unknown parameter or a list', async () => {
    for (const [user, message] of [
      ['${secret.admin_password}', 'only a parameter may be named here, not secret "admin_password"'],
      ['${param.motto}', 'only a parameter may be named here, not param "motto"'],
      ['${param.languages}', 'parameter "languages" is a list, not a text'],
    ]) {
      const dir = copy()
      edit(dir, 'template.yaml', (t) => `${t}login:\n  user: "${user}"\n`)
      const error = await failure(loadTemplate(dir, 'x', 'custom'))
      expect(error.message).toBe(`template.yaml, login.user: ${message}`)
    }
  })
})

describe('the shop admin’s login on the result screen', () => {
  it('PrestaShop logs in with the e-mail typed in the wizard, on its admin folder; busybox as admin on the shop', async () => {
    const presta = await loadTemplate(join(bundled, 'prestashop'), 'prestashop', 'bundled')
    const params = resolveParams(presta.manifest, { admin_email: 'verkauf@example.com' })
    expect(loginOf(presta, params, 'https://muenchen.shops.example')).toEqual({
      user: 'verkauf@example.com',
      passwordSecretId: 'admin_password',
      url: 'https://muenchen.shops.example/admin-shop',
    })
    const test = await busybox()
    expect(loginOf(test, resolveParams(test.manifest, {}), 'https://x.shops.example')).toEqual({
      user: 'admin',
      passwordSecretId: 'admin_password',
      url: 'https://x.shops.example',
    })
  })
})

describe('one-off jobs', () => {
  const fixture = resolve(import.meta.dirname, '../../../test/fixtures/templates/busybox-job')
  const copyJob = (): string => copyOf(fixture)

  it('render a job that runs once: restart "no", marked as a job, off the proxy; the wait for it stays', async () => {
    const template = await loadTemplate(fixture, 'busybox-job', 'custom')
    const { compose } = renderDefaults(template)
    expect(compose.services['init']).toMatchObject({ restart: 'no', labels: { 'shopmanager.job': 'true' }, networks: ['shop'] })
    expect(compose.services['web']).toMatchObject({ restart: 'unless-stopped', depends_on: { init: { condition: 'service_completed_successfully' } } })
  })

  it('refuse a job that is the entry, one that restarts, and one that is no service', async () => {
    for (const [change, message] of [
      [(t: string) => t.replace('jobs: [init]', 'jobs: [init, web]'), 'template.yaml, jobs.1: "web" is the entry service: it must keep running'],
      [(t: string) => t.replace('jobs: [init]', 'jobs: [migrate]'), 'template.yaml, jobs.0: no service "migrate" in compose.yaml'],
    ] as const) {
      const dir = copyJob()
      edit(dir, 'template.yaml', change)
      expect((await failure(loadTemplate(dir, 'x', 'custom'))).message).toBe(message)
    }
    const dir = copyJob()
    edit(dir, 'compose.yaml', (t) => t.replace('  init:\n', '  init:\n    restart: always\n'))
    expect((await failure(loadTemplate(dir, 'x', 'custom'))).message).toBe(
      'compose.yaml, services.init.restart: a one-off job runs once: restart "always" would run it again and again',
    )
  })
})

