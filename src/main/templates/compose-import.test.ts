import { join, resolve } from 'node:path'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import type { ImportProposal } from '@shared/template-import'
import { proposeFromFile } from './template-import'
import { proposeTemplate } from './compose-import'
import { secretEnvironment } from './import-secrets'

const fixtures = resolve(import.meta.dirname, '../../../test/fixtures/compose-import')
const fixture = (shop: string): string => join(fixtures, shop, 'docker-compose.yml')

type Compose = { services: Record<string, Record<string, unknown>>; volumes?: Record<string, unknown>; [key: string]: unknown }
const composeOf = (proposal: ImportProposal): Compose => parse(proposal.draft.compose, { merge: true }) as Compose
const noteKeys = (proposal: ImportProposal, key: string) => proposal.notes.filter((n) => n.key === key).map((n) => n.values)
const secret = (proposal: ImportProposal, id: string) => proposal.draft.secrets.find((s) => s.id === id)

describe('a template proposed from WordPress/WooCommerce with MariaDB', async () => {
  const proposal = await proposeFromFile(fixture('woocommerce'))
  const compose = composeOf(proposal)

  it('routes to the published web port of WordPress, whose image is the shop', () => {
    expect(proposal.draft.entry).toEqual({ service: 'wordpress', port: 80 })
    expect(proposal.draft.image).toEqual({ service: 'wordpress' })
    expect(proposal.draft.id).toBe('wordpress')
    expect(compose.services['wordpress']!['expose']).toEqual(['80'])
  })

  it('removes what a second shop would collide with, and says so', () => {
    for (const service of ['wordpress', 'db']) {
      expect(compose.services[service]).not.toHaveProperty('ports')
      expect(compose.services[service]).not.toHaveProperty('container_name')
    }
    expect(compose).not.toHaveProperty('version')
    expect(noteKeys(proposal, 'portsRemoved')).toEqual([
      { service: 'wordpress', ports: '8080:80' },
      { service: 'db', ports: '127.0.0.1:3306:3306' },
    ])
    expect(noteKeys(proposal, 'containerNameRemoved').map((v) => v['name'])).toEqual(['woo_wordpress', 'woo_db'])
    expect(noteKeys(proposal, 'versionRemoved')).toHaveLength(1)
  })

  it('makes one secret of the database password both services share, one of the root password and one of the key', () => {
    expect(proposal.draft.secrets.map((s) => [s.id, s.length, s.uses.map((u) => `${u.service}.${u.variable}`)])).toEqual([
      ['wordpress_db_password', 32, ['wordpress.WORDPRESS_DB_PASSWORD', 'db.MYSQL_PASSWORD']],
      ['wordpress_auth_key', 64, ['wordpress.WORDPRESS_AUTH_KEY']],
      ['mysql_root_password', 32, ['db.MYSQL_ROOT_PASSWORD']],
    ])
    // No literal is left in the compose file; a switch that only names a password stays.
    expect(proposal.draft.compose).not.toContain('s3cret-wp')
    expect(proposal.draft.compose).not.toContain('r00t-pw')
    expect(compose.services['db']!['environment']).toEqual({ MYSQL_DATABASE: 'wordpress', MYSQL_USER: 'wordpress', MYSQL_RANDOM_ROOT_PASSWORD: 'no' })
    expect(compose.services['wordpress']!['environment']).toMatchObject({ WORDPRESS_DB_USER: 'wordpress', WORDPRESS_DEBUG: 1 })
    expect(secretEnvironment(proposal.draft.secrets)).toEqual({
      wordpress: { WORDPRESS_DB_PASSWORD: '${secret.wordpress_db_password}', WORDPRESS_AUTH_KEY: '${secret.wordpress_auth_key}' },
      db: { MYSQL_PASSWORD: '${secret.wordpress_db_password}', MYSQL_ROOT_PASSWORD: '${secret.mysql_root_password}' },
    })
    expect(noteKeys(proposal, 'secretReused')).toEqual([{ id: 'wordpress_db_password', service: 'db', variable: 'MYSQL_PASSWORD' }])
  })

  it('turns the bind-mounted folders into named volumes and leaves out a mounted file', () => {
    expect(compose.services['wordpress']!['volumes']).toEqual(['wp-content:/var/www/html/wp-content'])
    expect(compose.services['db']!['volumes']).toEqual(['data:/var/lib/mysql'])
    expect(compose.volumes).toEqual({ 'wp-content': {}, data: {} })
    expect(noteKeys(proposal, 'bindFileDropped')).toEqual([{ service: 'wordpress', source: './uploads.ini', target: '/usr/local/etc/php/conf.d/uploads.ini' }])
  })
})

describe("a template proposed from Shopware's x- anchor and <<: shape", async () => {
  const proposal = await proposeFromFile(fixture('shopware'))
  const compose = composeOf(proposal)

  it('expands the anchor into each service and drops the extension, with its literal secret', () => {
    expect(Object.keys(compose).filter((k) => k.startsWith('x-'))).toEqual([])
    expect(noteKeys(proposal, 'extensionRemoved')).toEqual([{ name: 'x-shopware' }])
    for (const service of ['init', 'web', 'worker']) {
      expect(compose.services[service]!['image']).toBe('ghcr.io/acme/shopware:6.6.9')
      expect(compose.services[service]!['volumes']).toEqual(['files:/var/www/html/files', 'media:/var/www/html/public/media'])
      expect(compose.services[service]).not.toHaveProperty('build')
    }
    expect(proposal.draft.compose).not.toContain('8f4b2c1d9e7a6b5c4d3e2f1a0b9c8d7e')
    expect(compose.services['worker']!['command']).toEqual(['php', 'bin/console', 'messenger:consume', 'async'])
  })

  it('routes to web (the service of the shop image that publishes), keeps the image service on that image, and runs init once', () => {
    expect(proposal.draft.entry).toEqual({ service: 'web', port: 8000 })
    expect(proposal.draft.image).toEqual({ service: 'web' })
    expect(proposal.draft.jobs).toEqual(['init'])
  })

  it("uses the variables' defaults, names the one nothing sets, and takes the password out of the database URL", () => {
    expect(noteKeys(proposal, 'variableDefault')).toEqual([
      { name: 'DB_ROOT_PASSWORD', value: '•••' },
      { name: 'SHOPWARE_IMAGE', value: 'ghcr.io/acme/shopware:6.6.9' },
    ])
    expect(noteKeys(proposal, 'variableUnset')).toEqual([{ name: 'APP_URL' }])
    const root = secret(proposal, 'mariadb_root_password')!
    expect(root.uses).toEqual([
      { service: 'database', variable: 'MARIADB_ROOT_PASSWORD' },
      { service: 'init', variable: 'DATABASE_URL', within: 'mysql://root:${secret}@database/shopware' },
      { service: 'web', variable: 'DATABASE_URL', within: 'mysql://root:${secret}@database/shopware' },
      { service: 'worker', variable: 'DATABASE_URL', within: 'mysql://root:${secret}@database/shopware' },
    ])
    expect(secretEnvironment([root])['web']).toEqual({ DATABASE_URL: 'mysql://root:${secret.mariadb_root_password}@database/shopware' })
    expect(secret(proposal, 'app_secret')?.uses.map((u) => u.service)).toEqual(['init', 'web', 'worker'])
  })

  it("removes Traefik's labels and keeps the others", () => {
    expect(compose.services['web']!['labels']).toEqual({ 'com.example.team': 'shop' })
    expect(noteKeys(proposal, 'traefikLabelsRemoved')).toEqual([{ service: 'web', count: 2 }])
  })
})

describe('a template proposed from Saleor with api, worker and dashboard', async () => {
  const proposal = await proposeFromFile(fixture('saleor'))
  const compose = composeOf(proposal)

  it("routes to the API (the shop's own image), not the dashboard that publishes port 80", () => {
    expect(proposal.draft.entry).toEqual({ service: 'api', port: 8000 })
    expect(proposal.draft.image).toEqual({ service: 'api' })
    expect(proposal.services).toEqual(['api', 'dashboard', 'db', 'redis', 'worker', 'mailpit'])
  })

  it('brings the env file that is there into the environment, and drops the one that is not, with a note each', () => {
    expect(noteKeys(proposal, 'envFileInlined')).toEqual([
      { service: 'api', file: 'common.env', count: 5 },
      { service: 'worker', file: 'common.env', count: 5 },
    ])
    expect(noteKeys(proposal, 'envFileDropped')).toEqual([
      { service: 'api', file: 'backend.env' },
      { service: 'worker', file: 'backend.env' },
    ])
    expect(compose.services['api']).not.toHaveProperty('env_file')
    expect(compose.services['api']!['environment']).toMatchObject({ DASHBOARD_URL: 'http://localhost:9000/', DEFAULT_CHANNEL_SLUG: 'default-channel' })
  })

  it("generates Postgres' password and puts it into both services' DATABASE_URL; the user name stays", () => {
    const password = secret(proposal, 'postgres_password')!
    expect(password.uses.map((u) => [u.service, u.variable, u.within])).toEqual([
      ['db', 'POSTGRES_PASSWORD', undefined],
      ['api', 'DATABASE_URL', 'postgres://saleor:${secret}@db/saleor'],
      ['worker', 'DATABASE_URL', 'postgres://saleor:${secret}@db/saleor'],
    ])
    expect(compose.services['db']!['environment']).toEqual({ POSTGRES_USER: 'saleor' })
    expect(secret(proposal, 'secret_key')?.uses.map((u) => u.service)).toEqual(['api', 'worker'])
  })

  it('keeps its own networks and named volumes, makes the static folder a volume and leaves out the SQL file', () => {
    expect(compose['networks']).toEqual({ 'saleor-backend-tier': { driver: 'bridge' } })
    expect(compose.volumes).toEqual({ 'saleor-db': { driver: 'local' }, 'saleor-redis': { driver: 'local' }, static: {} })
    expect(compose.services['api']!['volumes']).toEqual(['static:/app/static'])
    expect(compose.services['db']!['volumes']).toEqual(['saleor-db:/var/lib/postgresql/data'])
    for (const definition of Object.values(compose.services)) expect(definition).not.toHaveProperty('ports')
  })
})

describe('a template proposed from PrestaShop with its .env', async () => {
  const proposal = await proposeFromFile(fixture('prestashop'))
  const compose = composeOf(proposal)

  it('routes to port 80 rather than 443, and drops network mode and names', () => {
    expect(proposal.draft.entry).toEqual({ service: 'prestashop', port: 80 })
    expect(compose.services['phpmyadmin']).not.toHaveProperty('network_mode')
    expect(noteKeys(proposal, 'networkModeRemoved')).toEqual([{ service: 'phpmyadmin', mode: 'bridge' }])
    expect(noteKeys(proposal, 'envFileDropped')).toEqual([{ service: 'phpmyadmin', file: 'pma.env' }])
  })

  it("takes the passwords from the .env into secrets and marks the admin's as the login", () => {
    expect(proposal.draft.secrets.map((s) => [s.id, s.login, s.uses.map((u) => u.variable)])).toEqual([
      ['mysql_root_password', false, ['MYSQL_ROOT_PASSWORD', 'DB_PASSWD']],
      ['admin_passwd', true, ['ADMIN_PASSWD']],
    ])
    expect(proposal.draft.compose).not.toContain('prestashop-db-pw')
    expect(proposal.draft.compose).not.toContain('hop2024')
    expect(compose.services['prestashop']!['environment']).toMatchObject({ PS_DOMAIN: 'localhost', PS_INSTALL_AUTO: 1 })
  })

  it('makes the long-form bind mount a named volume and never mounts the Docker socket', () => {
    expect(compose.services['prestashop']!['volumes']).toEqual([{ type: 'volume', source: 'html', target: '/var/www/html' }])
    expect(noteKeys(proposal, 'dockerSocketDropped')).toEqual([{ service: 'prestashop', source: '/var/run/docker.sock' }])
  })
})

describe('a compose file the proposal cannot read', () => {
  it('names the file and line of broken YAML, and a file without services', () => {
    expect(() => proposeTemplate({ file: '/x/docker-compose.yml', text: 'services:\n  web: [\n', beside: {} })).toThrow(/docker-compose.yml, line/)
    expect(() => proposeTemplate({ file: '/x/docker-compose.yml', text: 'volumes: {}\n', beside: {} })).toThrow('docker-compose.yml, services: a compose file needs a "services" map')
  })

  it('guesses the entry of a file that publishes nothing, and says it guessed', () => {
    const proposal = proposeTemplate({ file: '/work/kunde/compose.yaml', text: 'services:\n  app:\n    image: nginx:1.27\n    expose: ["8080"]\n', beside: {} })
    expect(proposal.draft.entry).toEqual({ service: 'app', port: 8080 })
    expect(proposal.draft.id).toBe('kunde')
    expect(noteKeys(proposal, 'entryGuessed')).toEqual([{ service: 'app', port: 8080 }])
    expect(noteKeys(proposal, 'exposeAdded')).toEqual([])
  })

})
