// One broken template in the custom folder never blocks the others: every way of being broken (alias bomb,
// bad YAML, schema, unreadable file, missing folder) is a problem with its file and reason, and list/get go on.
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
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
    expect(list.templates.map((t) => t.id).sort()).toEqual(['b2xproc', 'busybox', 'good', 'prestashop'])
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
    expect(list.templates.map((t) => t.id)).toEqual(['b2xproc', 'busybox', 'prestashop'])
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
