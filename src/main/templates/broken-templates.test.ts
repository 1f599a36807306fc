// One broken template in the custom folder never blocks the others: every way of being broken (alias bomb,
// bad YAML, schema, unreadable file, missing folder) is a problem with its file and reason, and list/get go on.
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { generateSecrets, resolveParams } from './parameters'
import { renderShop } from './render'
import type { Template } from './template-loader'
import { TemplateService } from './template-service'

const bundled = resolve(import.meta.dirname, '../../../templates')

/** `a: &a [x, x, …]`, `b: &b [*a, *a, …]`, … nine levels deep: 10^9 strings if expanded. */
function aliasBomb(): string {
  const names = 'abcdefghi'.split('')
  const lines = [`a: &a [${Array(10).fill('"x"').join(',')}]`]
  for (let i = 1; i < names.length; i++) lines.push(`${names[i]}: &${names[i]} [${Array(10).fill(`*${names[i - 1]}`).join(',')}]`)
  return `${lines.join('\n')}\n`
}

describe('broken custom templates', () => {
  let custom: string
  beforeEach(() => {
    custom = mkdtempSync(join(tmpdir(), 'templates-'))
    cpSync(join(bundled, 'busybox'), join(custom, 'good'), { recursive: true })
  })
  afterEach(() => {
    chmodSync(custom, 0o755)
    rmSync(custom, { recursive: true, force: true })
  })
  const service = () => new TemplateService(bundled, () => custom)

  it('an alias bomb in template.yaml is a problem with file and reason; the good one and the bundled ones stay usable', async () => {
    mkdirSync(join(custom, 'bomb'))
    writeFileSync(join(custom, 'bomb', 'template.yaml'), aliasBomb())
    const started = Date.now()
    const list = await service().list()
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(list.templates.map((t) => t.id).sort()).toEqual(['b2xproc', 'busybox', 'good', 'odoo', 'prestashop', 'woocommerce'])
    expect(list.problems).toEqual([
      expect.objectContaining({ template: 'bomb', source: 'custom', file: 'bomb/template.yaml', reason: expect.stringContaining('aliases') }),
    ])
    expect((await service().get('good')).id).toBe('good')
    expect((await service().get('b2xproc')).id).toBe('b2xproc')
    await expect(service().get('bomb')).rejects.toMatchObject({ code: 'template_invalid', message: expect.stringContaining('bomb/template.yaml') })
  })

  it('an alias bomb in the compose file, bad YAML, a schema error and an unreadable file: one problem each, named', async () => {
    cpSync(join(custom, 'good'), join(custom, 'composebomb'), { recursive: true })
    writeFileSync(join(custom, 'composebomb', 'compose.yaml'), `services:\n  web:\n    image: x\n${aliasBomb()}`)
    mkdirSync(join(custom, 'badyaml'))
    writeFileSync(join(custom, 'badyaml', 'template.yaml'), 'name: [unclosed\n')
    mkdirSync(join(custom, 'schema'))
    writeFileSync(join(custom, 'schema', 'template.yaml'), 'name: 5\n')
    cpSync(join(custom, 'good'), join(custom, 'unreadable'), { recursive: true })
    mkdirSync(join(custom, 'unreadable', 'compose.yaml.d'))
    rmSync(join(custom, 'unreadable', 'compose.yaml'))
    // A directory where the compose file should be: readFile fails with EISDIR, as root too.
    mkdirSync(join(custom, 'unreadable', 'compose.yaml'))
    const list = await service().list()
    expect(list.templates.map((t) => t.id)).toContain('good')
    const byTemplate = Object.fromEntries(list.problems.map((p) => [p.template, p]))
    expect(Object.keys(byTemplate).sort()).toEqual(['badyaml', 'composebomb', 'schema', 'unreadable'])
    expect(byTemplate['composebomb']).toMatchObject({ file: 'composebomb/compose.yaml', reason: expect.stringContaining('aliases') })
    expect(byTemplate['badyaml']).toMatchObject({ file: 'badyaml/template.yaml', reason: expect.stringContaining('not valid YAML') })
    expect(byTemplate['schema']).toMatchObject({ file: 'schema/template.yaml', field: expect.any(String) })
    expect(byTemplate['unreadable']).toMatchObject({ file: 'unreadable/compose.yaml', reason: expect.stringContaining('cannot be read (EISDIR)') })
    for (const p of list.problems) expect(p.message).toContain(p.file)
  })

  it('a custom folder that is not there is one problem, and the bundled templates are still listed', async () => {
    const list = await new TemplateService(bundled, () => join(custom, 'nope')).list()
    expect(list.templates.map((t) => t.id)).toEqual(['b2xproc', 'busybox', 'odoo', 'prestashop', 'woocommerce'])
    expect(list.problems).toEqual([expect.objectContaining({ file: join(custom, 'nope'), reason: 'the folder does not exist' })])
  })

  it('a broken custom template with a bundled template\'s id leaves the bundled one in use', async () => {
    mkdirSync(join(custom, 'busybox'))
    writeFileSync(join(custom, 'busybox', 'template.yaml'), aliasBomb())
    const template = await service().get('busybox')
    expect(template.source).toBe('bundled')
    expect(readFileSync(join(template.dir, 'template.yaml'), 'utf8')).not.toContain('*a')
  })
})

// What a template may bring into a shop's directory: nothing compose reads there by itself, nothing outside it,
// and no build context that would see the shop's .env.
describe('template file rules', () => {
  let custom: string
  beforeEach(() => {
    custom = mkdtempSync(join(tmpdir(), 'templates-rules-'))
  })
  afterEach(() => rmSync(custom, { recursive: true, force: true }))
  const service = () => new TemplateService(bundled, () => custom)

  /** A copy of the busybox template with extra files (path → content) and extra compose for its web service. */
  function variant(id: string, files: Record<string, string>, web: string = ''): void {
    const dir = join(custom, id)
    cpSync(join(bundled, 'busybox'), dir, { recursive: true })
    const manifest = readFileSync(join(dir, 'template.yaml'), 'utf8')
    writeFileSync(join(dir, 'template.yaml'), `${manifest.replace('compose: compose.yaml\n', `compose: compose.yaml\nfiles: ${JSON.stringify(Object.keys(files))}\n`)}`)
    for (const [path, content] of Object.entries(files)) {
      // A path the loader refuses is still written somewhere inside the folder, so the refusal is the rule's.
      const inside = join(dir, path.replace(/^\/+/, '').replace(/\.\.\//g, 'up/'))
      mkdirSync(join(inside, '..'), { recursive: true })
      writeFileSync(inside, content)
    }
    if (web) {
      const compose = readFileSync(join(dir, 'compose.yaml'), 'utf8')
      writeFileSync(join(dir, 'compose.yaml'), compose.replace('    init: true\n', `    init: true\n${web}`))
    }
  }

  const override = 'services:\n  web:\n    privileged: true\n    ports: ["0.0.0.0:2375:2375"]\n'

  it('refuses every file compose reads by itself in the shop directory, naming it in German and English', async () => {
    const names = [
      'docker-compose.override.yml',
      'docker-compose.override.yaml',
      'compose.override.yaml',
      'compose.override.yml',
      'compose.yaml',
      'compose.yml',
      'docker-compose.yaml',
      'docker-compose.yml',
      '.env',
      './docker-compose.override.yml',
      'Compose.Override.YAML',
    ]
    names.forEach((name, i) => variant(`reads${i}`, { [name]: override }))
    const list = await service().list()
    expect(list.templates.map((t) => t.id).filter((id) => id.startsWith('reads'))).toEqual([])
    const problems = list.problems.filter((p) => p.template.startsWith('reads'))
    expect(problems).toHaveLength(names.length)
    for (const problem of problems) {
      expect(problem).toMatchObject({ field: 'files', reason: expect.stringContaining('compose reads by itself'), say: { key: 'templateFileCompose' } })
    }
    await expect(service().get('reads0')).rejects.toMatchObject({
      code: 'template_invalid',
      say: { key: 'templateFileCompose', values: { file: 'docker-compose.override.yml' } },
    })
  })

  it('allows such a name in a sub-folder (compose reads only the shop directory itself) and a config folder', async () => {
    variant('nested', { 'conf/compose.override.yaml': override, 'conf/.env': 'A=1\n', 'nginx/default.conf': 'server {}\n' })
    expect((await service().get('nested')).files).toEqual({ 'conf/compose.override.yaml': override, 'conf/.env': 'A=1\n', 'nginx/default.conf': 'server {}\n' })
  })

  it('refuses paths that leave the shop directory, at load and at render', async () => {
    for (const [id, path] of [
      ['abs', '/etc/cron.d/x'],
      ['up', '../x'],
      ['deep', 'a/../../x'],
    ] as const) {
      variant(id, { [path]: 'x' })
      await expect(service().get(id)).rejects.toMatchObject({ code: 'template_invalid' })
    }
    // A template object whose files changed after it was loaded is refused when a shop is rendered from it.
    const good = await service().get('busybox')
    for (const path of ['../../etc/passwd', '/root/.ssh/authorized_keys', 'docker-compose.override.yml', '.env']) {
      const tampered = { ...good, files: { ...good.files, [path]: 'x' } }
      expect(() => renderShop(tampered, renderInput(good)), path).toThrow(expect.objectContaining({ code: 'template_invalid', say: expect.objectContaining({ key: expect.stringMatching(/^templateFile(Outside|Compose)$/) }) }))
    }
  })

  it('refuses a build context that is the shop directory or above it, or not brought by files:', async () => {
    const cases: Array<[string, string, string]> = [
      ['dot', '    build: .\n', 'build'],
      ['dotslash', '    build: ./\n', 'build'],
      ['parent', '    build: ..\n', 'build'],
      ['abs', '    build: /srv\n', 'build'],
      ['object', '    build:\n      context: .\n', 'build.context'],
      ['nocontext', '    build:\n      dockerfile: app/Dockerfile\n', 'build.context'],
      ['notbrought', '    build: other\n', 'build'],
      ['extra', '    build:\n      context: app\n      additional_contexts:\n        shop: .\n', 'build.additional_contexts.shop'],
      ['extralist', '    build:\n      context: app\n      additional_contexts: ["shop=.."]\n', 'build.additional_contexts.0'],
      ['dockerfile', '    build:\n      context: app\n      dockerfile: ../.env\n', 'build.dockerfile'],
    ]
    for (const [id, web] of cases) variant(id, { 'app/Dockerfile': 'FROM scratch\n' }, web)
    const problems = Object.fromEntries((await service().list()).problems.map((p) => [p.template, p]))
    for (const [id, , field] of cases) {
      expect(problems[id], id).toMatchObject({ file: `${id}/compose.yaml`, field: `services.web.${field}`, say: { key: 'templateBuildContext' } })
    }
  })

  it('allows a build context that is a sub-folder brought by files:, and renders it', async () => {
    variant('built', { 'app/Dockerfile': 'FROM scratch\n' }, '    build:\n      context: ./app\n      dockerfile: Dockerfile\n')
    const template = await service().get('built')
    const rendered = renderShop(template, renderInput(template))
    expect(rendered.files).toEqual({ 'app/Dockerfile': 'FROM scratch\n' })
    expect(rendered.compose).toContain('"context": "./app"')
  })
})

function renderInput(template: Template): Parameters<typeof renderShop>[1] {
  return {
    name: 'rules',
    domain: 'rules.shops.example.com',
    params: resolveParams(template.manifest, {}),
    secrets: generateSecrets(template.manifest),
    certResolver: null,
  }
}
