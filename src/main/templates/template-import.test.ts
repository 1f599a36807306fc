import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AppError } from '@shared/errors'
import type { ImportDraft } from '@shared/template-import'
import { proposeFromFile, saveImportedTemplate } from './template-import'
import { loadTemplate } from './template-loader'

const fixtures = resolve(import.meta.dirname, '../../../test/fixtures/compose-import')

async function problemsOf(promise: Promise<unknown>): Promise<string[]> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(AppError)
  expect((error as AppError).code).toBe('template_invalid')
  return ((error as AppError).fields ?? []).map((f) => `${f.path}: ${f.message}`)
}

describe('saving an imported template', () => {
  let custom = ''
  let draft: ImportDraft
  beforeEach(async () => {
    custom = mkdtempSync(join(tmpdir(), 'import-custom-'))
    draft = (await proposeFromFile(join(fixtures, 'woocommerce', 'docker-compose.yml'))).draft
  })
  afterEach(() => rmSync(custom, { recursive: true, force: true }))

  it('writes template.yaml and compose.yaml that the loader reads as a valid template, with the edits', async () => {
    draft.id = 'woo_kunde'
    draft.name.de = 'WooCommerce für Kunden'
    draft.secrets[0]!.id = 'db_password'
    draft.secrets[0]!.length = 40
    draft.secrets[0]!.login = true
    const saved = await saveImportedTemplate(custom, draft, ['b2xproc', 'prestashop'])
    expect(saved.dir).toBe(join(custom, 'woo_kunde'))
    expect(readdirSync(saved.dir).sort()).toEqual(['compose.yaml', 'template.yaml'])
    const template = await loadTemplate(saved.dir, 'woo_kunde', 'custom')
    expect(template.manifest.name.de).toBe('WooCommerce für Kunden')
    expect(template.manifest.entry).toEqual({ service: 'wordpress', port: 80 })
    expect(template.manifest.secrets.find((s) => s.id === 'db_password')).toMatchObject({ length: 40, login: true })
    // The renamed secret is what both services' variables name.
    expect(template.manifest.environment['db']!['MYSQL_PASSWORD']).toBe('${secret.db_password}')
    expect(template.manifest.environment['wordpress']!['WORDPRESS_DB_PASSWORD']).toBe('${secret.db_password}')
    expect(readFileSync(join(saved.dir, 'compose.yaml'), 'utf8')).not.toContain('s3cret-wp')
  })

  it('reports every problem of the form at once, naming file and field, and writes nothing', async () => {
    draft.entry = { service: 'frontend', port: 70000 }
    draft.image = { service: 'shop' }
    draft.secrets[1]!.id = draft.secrets[0]!.id
    draft.secrets[2]!.length = 4
    draft.name.en = ''
    const problems = await problemsOf(saveImportedTemplate(custom, draft, []))
    expect(problems).toEqual([
      'template.yaml, name.en: Too small: expected string to have >=1 characters',
      'template.yaml, entry.port: Too big: expected number to be <=65535',
      'template.yaml, secrets.2.length: Too small: expected number to be >=8',
      'template.yaml, secrets.1.id: "wordpress_db_password" is the id of another secret',
      'template.yaml, entry.service: no service "frontend" in compose.yaml',
      'template.yaml, image.service: no service "shop" in compose.yaml',
    ])
    expect(readdirSync(custom)).toEqual([])
  })

  it("runs the compose file's rules too: ports put back by hand are refused", async () => {
    draft.compose = draft.compose.replace('    image: mariadb:11.4\n', '    image: mariadb:11.4\n    ports: ["3306:3306"]\n    container_name: fixed\n')
    const problems = await problemsOf(saveImportedTemplate(custom, draft, []))
    expect(problems).toHaveLength(2)
    expect(problems[0]).toMatch(/^compose.yaml, services.db.ports: published ports are not allowed/)
    expect(problems[1]).toMatch(/^compose.yaml, services.db.container_name: a fixed container name/)
    expect(readdirSync(custom)).toEqual([])
  })

  it('refuses an id the app knows or a folder that is there, and leaves that folder as it was', async () => {
    expect(await problemsOf(saveImportedTemplate(custom, { ...draft, id: 'prestashop' }, ['prestashop']))).toEqual(['id: there is a template "prestashop" already'])
    mkdirSync(join(custom, 'wordpress'))
    expect(await problemsOf(saveImportedTemplate(custom, draft, []))).toEqual([`id: the folder ${join(custom, 'wordpress')} exists already`])
    expect(readdirSync(join(custom, 'wordpress'))).toEqual([])
    expect(await problemsOf(saveImportedTemplate(custom, { ...draft, id: '../x' }, []))).toEqual(['id: lower-case letters, digits, - and _ only, starting with a letter, at most 40'])
    expect(existsSync(join(custom, '..', 'x'))).toBe(false)
  })

  it('needs a custom folder to save into', async () => {
    await expect(saveImportedTemplate(null, draft, [])).rejects.toMatchObject({ say: { key: 'templateImportNoFolder' } })
  })

  it("reports what only the loader finds, in the loader's words", async () => {
    draft.jobs = ['db']
    const problems = await problemsOf(saveImportedTemplate(custom, draft, []))
    expect(problems).toEqual(['compose.yaml, services.db.restart: a one-off job runs once: restart "always" would run it again and again'])
  })
})
