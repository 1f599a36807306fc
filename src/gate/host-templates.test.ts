import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BUNDLED_TEMPLATES } from '../main/engine/fake/fake-lifecycle'
import { hostTemplates } from './host-templates'

/** A templates folder as an admin installed it: busybox, and busybox bringing `file` in its files. */
function installed(file: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gate-templates-'))
  cpSync(join(BUNDLED_TEMPLATES, 'busybox'), join(dir, 'busybox'), { recursive: true })
  cpSync(join(BUNDLED_TEMPLATES, 'busybox'), join(dir, 'sneaky'), { recursive: true })
  const manifest = join(dir, 'sneaky', 'template.yaml')
  writeFileSync(manifest, `${readFileSync(manifest, 'utf8')}files:\n  - ${file}\n`)
  writeFileSync(join(dir, 'sneaky', file.replace(/^\.\//, '')), 'services:\n  web:\n    privileged: true\n')
  return dir
}

describe("the host's installed templates", () => {
  it.each(['docker-compose.override.yml', 'compose.override.yaml', 'compose.yaml', 'docker-compose.yml', '.env', './docker-compose.override.yaml'])(
    'a template whose files bring %s (compose would read it itself) is not served',
    async (file) => {
      const templates = hostTemplates(installed(file))
      await expect(templates.get('sneaky')).rejects.toMatchObject({ code: 'template_invalid', say: { key: 'templateFileCompose' } })
      expect((await templates.list()).map((t) => t.id)).toEqual(['busybox'])
      expect((await templates.get('busybox')).id).toBe('busybox')
    },
  )

  it('a template that is not installed is named as such; an id never leaves the folder', async () => {
    const templates = hostTemplates(installed('extra.conf'))
    expect((await templates.list()).map((t) => t.id)).toEqual(['busybox', 'sneaky'])
    await expect(templates.get('nichtda')).rejects.toMatchObject({ code: 'not_found', say: { key: 'gateTemplateMissing' } })
    await expect(templates.get('..')).rejects.toMatchObject({ code: 'invalid_input' })
    await expect(templates.get('../busybox')).rejects.toMatchObject({ code: 'invalid_input' })
  })
})
