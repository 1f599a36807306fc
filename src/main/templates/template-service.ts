// The templates the wizard offers: the bundled ones plus those in a folder the user chose.
import { AppError } from '@shared/errors'
import type { TemplateList, TemplateProblem } from '@shared/templates'
import { loadTemplates, summarize, type Template } from './template-loader'

export class TemplateService {
  constructor(
    private readonly bundledDir: string,
    private readonly customDir: () => string | null,
  ) {}

  private async load(): Promise<{ templates: Template[]; problems: TemplateProblem[] }> {
    const bundled = await loadTemplates(this.bundledDir, 'bundled')
    const folder = this.customDir()
    const custom = folder ? await loadTemplates(folder, 'custom') : { templates: [], problems: [] }
    // A custom template with a bundled template's id replaces it: a team can adapt b2xproc.
    const byId = new Map([...bundled.templates, ...custom.templates].map((t) => [t.id, t]))
    return { templates: [...byId.values()], problems: [...bundled.problems, ...custom.problems] }
  }

  async list(): Promise<TemplateList> {
    const { templates, problems } = await this.load()
    return { templates: templates.map(summarize), problems }
  }

  async get(id: string): Promise<Template> {
    const { templates, problems } = await this.load()
    const template = templates.find((t) => t.id === id)
    if (template) return template
    const problem = problems.find((p) => p.template === id)
    if (problem) {
      throw new AppError('template_invalid', problem.message, {
        details: { file: problem.file, reason: problem.reason, ...(problem.field ? { field: problem.field } : {}) },
        ...(problem.say ? { say: problem.say } : {}),
      })
    }
    throw new AppError('not_found', `There is no template "${id}".`)
  }
}
