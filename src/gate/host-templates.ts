// The templates an admin installed on the host ($HOME/.shopmanager/templates/<id>/, the app's folder format): the
// only ones a sales key can create from, so a shop's compose file is always the host's, never the laptop's.
import { posix } from 'node:path'
import { AppError } from '@shared/errors'
import type { TemplateSummary } from '@shared/templates'
import { loadTemplate, loadTemplates, summarize, type Template } from '../main/templates/template-loader'

export interface HostTemplates {
  get(id: string): Promise<Template>
  list(): Promise<TemplateSummary[]>
}

export function hostTemplates(dir: string): HostTemplates {
  return {
    async get(id) {
      // The id is the protocol's (letters, digits, . _ -, no leading dot): one folder below `dir`, never above it.
      if (!/^[\w-][\w.-]{0,79}$/.test(id)) throw new AppError('invalid_input', `"${id.slice(0, 80)}" is not a template id.`)
      try {
        // The loader refuses a template whose files compose would read by itself (file-rules.ts): one rule, app and gate.
        return await loadTemplate(posix.join(dir, id), id, 'custom')
      } catch (error) {
        if (error instanceof AppError && error.details?.['file'] === 'template.yaml' && error.details['reason'] === 'file is missing') {
          throw new AppError('not_found', `The template "${id}" is not installed on this host.`, {
            say: { key: 'gateTemplateMissing', values: { template: id } },
          })
        }
        throw error
      }
    },
    async list() {
      return (await loadTemplates(dir, 'custom')).templates.map(summarize)
    },
  }
}
