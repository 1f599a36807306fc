// The templates the wizard offers: the bundled ones plus those in a folder the user chose.
import { AppError } from '@shared/errors'
import type { TemplateList } from '@shared/templates'
import { loadTemplates, summarize, type Template } from './template-loader'

export class TemplateService {
  constructor(
    private readonly bundledDir: string,
    private readonly customDir: () => string | null,
  ) {}

  private async load(): Promise<{ templates: Template[]; problems: AppError[] }> {
    const bundled = await loadTemplates(this.bundledDir, 'bundled')
    const folder = this.customDir()
    const custom = folder ? await loadTemplates(folder, 'custom') : { templates: [], problems: [] }
    // A custom template with a bundled template's id replaces it: a team can adapt b2xproc.
    const byId = new Map([...bundled.templates, ...custom.templates].map((t) => [t.id, t]))
    return { templates: [...byId.values()], problems: [...bundled.problems, ...custom.problems] }
  }

  async list(): Promise<TemplateList> {
    const { templates, problems } = await this.load()
    return { templates: templates.map(summarize), problems: problems.map((p) => ({ message: p.message, ...(p.details ?? {}) })) }
  }

  async get(id: string): Promise<Template> {
    const template = (await this.load()).templates.find((t) => t.id === id)
    if (!template) throw new AppError('not_found', `There is no template "${id}".`)
    return template
  }
}
