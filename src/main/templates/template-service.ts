// The templates the wizard offers: the bundled ones plus those in a folder the user chose.
import { AppError } from '@shared/errors'
import type { ImportDraft, ImportProposal, ImportSaved } from '@shared/template-import'
import type { TemplateList, TemplateProblem } from '@shared/templates'
import { proposeFromFile, saveImportedTemplate } from './template-import'
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

  /** A template proposed from a compose file the user picked; null when they picked none. */
  async propose(file: string | null): Promise<ImportProposal | null> {
    return file ? proposeFromFile(file) : null
  }

  /** Saves an imported draft into the custom folder; an id any template (or a broken one) has is refused. */
  async saveImport(draft: ImportDraft): Promise<ImportSaved> {
    const { templates, problems } = await this.load()
    const taken = [...templates.map((t) => t.id), ...problems.map((p) => p.template).filter(Boolean)]
    return saveImportedTemplate(this.customDir(), draft, taken)
  }
}
