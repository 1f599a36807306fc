// A rendered shop, brought up with docker-compose on the test bed's engine: what the template promised holds.
// Every bundled template renders to a file compose accepts (b2xproc, PrestaShop, WooCommerce and Odoo need images
// from a public registry, which this machine cannot reach: they are checked with `docker-compose config`, not started).
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { parse } from 'yaml'
import { generateSecrets, resolveParams } from '../../src/main/templates/parameters'
import { renderShop } from '../../src/main/templates/render'
import { loadTemplate } from '../../src/main/templates/template-loader'

const info = inject('testbed')
const env = { ...process.env, DOCKER_HOST: info.dockerHost }
const docker = (...args: string[]) => execFileSync('docker', args, { env, encoding: 'utf8' }).trim()
const dir = join(info.dir, `render-${process.pid}`)
const name = `render${process.pid}`
const bundled = resolve(import.meta.dirname, '../../templates')
/** Every folder of templates/ with a manifest: a template added there is checked without a list to extend. */
const bundledIds = readdirSync(bundled, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(bundled, entry.name, 'template.yaml')))
  .map((entry) => entry.name)
  .sort()
const hostile = 'Grüß Gott – 100 % $pecial `backticks` "quotes" \'single\' ${SHOP_SECRET_ADMIN_PASSWORD}'

describe('a rendered busybox shop on the test bed', () => {
  afterAll(() => {
    try {
      execFileSync('docker-compose', ['-p', name, 'down', '-v', '-t', '1'], { cwd: dir, env, stdio: 'ignore' })
    } catch {
      // nothing was started
    }
    rmSync(dir, { recursive: true, force: true })
  })

  it('comes up healthy with named volumes, the proxy network and the values exactly as typed', async () => {
    const template = await loadTemplate(resolve(import.meta.dirname, '../../templates/busybox'), 'busybox', 'bundled')
    const secrets = generateSecrets(template.manifest)
    const output = renderShop(template, {
      name,
      domain: `${name}.shops.test`,
      params: resolveParams(template.manifest, { greeting: hostile }),
      secrets,
      certResolver: 'letsencrypt',
    })
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'docker-compose.yml'), output.compose)
    writeFileSync(join(dir, '.env'), output.env, { mode: 0o600 })
    if (!docker('network', 'ls', '-q', '--filter', 'name=^proxy$')) docker('network', 'create', 'proxy')
    execFileSync('docker-compose', ['-p', name, 'up', '-d'], { cwd: dir, env, stdio: 'pipe' })
    const container = docker('ps', '-q', '--filter', `label=com.docker.compose.project=${name}`)
    await expect.poll(() => docker('inspect', '-f', '{{.State.Health.Status}}', container), { timeout: 20_000, interval: 200 }).toBe('healthy')
    // Typed text arrives unchanged: no interpolation of $, no quoting damage, no secret leaking in through ${...}.
    const environment = Object.fromEntries(
      docker('exec', container, 'env')
        .split('\n')
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    )
    expect(environment['SHOP_GREETING']).toBe(hostile)
    expect(environment['SHOP_ADMIN_PASSWORD']).toBe(secrets['admin_password'])
    expect(docker('exec', container, 'wget', '-q', '-O', '-', 'http://127.0.0.1:8080/')).toContain(hostile)
    expect(docker('volume', 'ls', '-q', '--filter', `name=${name}_data`)).toBe(`${name}_data`)
    expect(docker('inspect', '-f', '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}', container).split(' ').sort()).toEqual([
      'proxy',
      `${name}_shop`,
    ])
    expect(docker('inspect', '-f', '{{index .Config.Labels "traefik.http.routers.' + name + '.rule"}}', container)).toBe(`Host(\`${name}.shops.test\`)`)
  })
})

type ComposeConfig = {
  services: Record<string, { restart?: string; command?: string[]; networks?: Record<string, unknown>; labels?: Record<string, string> }>
  volumes?: Record<string, { name?: string }>
  networks: Record<string, { external?: boolean; name?: string }>
}

describe('every bundled template', () => {
  const checked = join(info.dir, `render-config-${process.pid}`)
  afterAll(() => rmSync(checked, { recursive: true, force: true }))

  /** A template rendered with its defaults into a shop directory, and compose's own reading of it (with the .env put in): what `up` would run. */
  async function composeConfig(id: string) {
    const template = await loadTemplate(join(bundled, id), id, 'bundled')
    const shop = `cfg${id}`
    const secrets = generateSecrets(template.manifest)
    const output = renderShop(template, {
      name: shop,
      domain: `${shop}.shops.test`,
      params: resolveParams(template.manifest, {}),
      secrets,
      certResolver: 'letsencrypt',
    })
    const at = join(checked, id)
    mkdirSync(at, { recursive: true })
    writeFileSync(join(at, 'docker-compose.yml'), output.compose)
    writeFileSync(join(at, '.env'), output.env, { mode: 0o600 })
    for (const [path, content] of Object.entries(output.files)) {
      mkdirSync(join(at, path, '..'), { recursive: true })
      writeFileSync(join(at, path), content)
    }
    const config = parse(execFileSync('docker-compose', ['-p', shop, 'config'], { cwd: at, env, encoding: 'utf8' })) as ComposeConfig
    return { template, shop, secrets, config }
  }

  it('are all found in templates/', () => {
    expect(bundledIds).toEqual(expect.arrayContaining(['b2xproc', 'busybox', 'odoo', 'prestashop', 'woocommerce']))
  })

  it.each(bundledIds)('%s renders with its defaults to a file docker-compose config accepts', async (id) => {
    const { template, shop, config } = await composeConfig(id)
    const entry = config.services[template.manifest.entry.service]!
    expect(entry.labels?.['traefik.enable']).toBe('true')
    expect(entry.labels?.[`traefik.http.routers.${shop}.rule`]).toBe(`Host(\`${shop}.shops.test\`)`)
    expect(Object.keys(entry.networks ?? {})).toContain('proxy')
    // A one-off job runs once; everything else comes back after a reboot.
    for (const [service, definition] of Object.entries(config.services)) {
      expect(definition.restart).toBe(template.manifest.jobs.includes(service) ? 'no' : 'unless-stopped')
    }
    for (const [key, volume] of Object.entries(config.volumes ?? {})) expect(volume.name).toBe(`${shop}_${key}`)
    expect(Object.keys(config.volumes ?? {}).length).toBeGreaterThan(0)
  })

  // The install scripts are shell run by the container: their `$$` must reach it as `$`, so the shell, not compose,
  // reads the variables (compose would put in an empty string, or the secret itself into the command line).
  // `config` writes a literal `$` as `$$` again (v1; v2 may not), so its text is read back the way compose reads it.
  const asRun = (command: string[] | undefined): string => (command ?? []).join(' ').replaceAll('$$', '$')
  it('the WooCommerce and Odoo install jobs reach the container with their shell variables intact', async () => {
    const woo = await composeConfig('woocommerce')
    const wooScript = asRun(woo.config.services['install']!.command)
    expect(wooScript).toContain('--admin_password="${ADMIN_PASSWORD}"')
    expect(wooScript).toContain('--url="${SHOP_URL}"')
    expect(wooScript).not.toContain(woo.secrets['admin_password'])
    const odoo = await composeConfig('odoo')
    expect(asRun(odoo.config.services['odoo']!.command)).toContain('--db-filter=^shop$ ')
    const odooScript = asRun(odoo.config.services['install']!.command)
    expect(odooScript).toContain('PGPASSWORD="${PASSWORD}"')
    expect(odooScript).toContain('--load-language="${SHOP_LANGUAGE}"')
    expect(odooScript).not.toContain(odoo.secrets['db_password'])
  })
})
