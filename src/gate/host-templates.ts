// The templates an admin installed on the host ($HOME/.shopmanager/templates/<id>/, the app's folder format): the
// only ones a sales key can create from, so a shop's compose file is always the host's, never the laptop's.
import { posix } from 'node:path'
import { AppError } from '@shared/errors'
import type { TemplateSummary } from '@shared/templates'
import { loadTemplate, loadTemplates, summarize, templateError, type Template } from '../main/templates/template-loader'

export interface HostTemplates {
  get(id: string): Promise<Template>
  list(): Promise<TemplateSummary[]>
}

/**
 * Files compose reads by itself in a shop's directory (it runs there without -f): an override could add
 * `privileged`, publish ports or change the host rule, another compose file would replace the rendered one, and
 * `.env` is the shop's secrets. A template bringing one of them is not served.
 */
const COMPOSE_READS_ITSELF = /^(docker-)?compose(\.override)?\.ya?ml$|^\.env$/

export function checkTemplateFiles(template: Template): Template {
  for (const file of Object.keys(template.files)) {
    if (COMPOSE_READS_ITSELF.test(posix.normalize(file))) throw templateError('template.yaml', 'files', `${file} would be read by compose itself`)
  }
  return template
}

export function hostTemplates(dir: string): HostTemplates {
  return {
    async get(id) {
      // The id is the protocol's (letters, digits, . _ -, no leading dot): one folder below `dir`, never above it.
      if (!/^[\w-][\w.-]{0,79}$/.test(id)) throw new AppError('invalid_input', `"${id.slice(0, 80)}" is not a template id.`)
      try {
        return checkTemplateFiles(await loadTemplate(posix.join(dir, id), id, 'custom'))
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
      const usable = (await loadTemplates(dir, 'custom')).templates.filter((t) => {
        try {
          return Boolean(checkTemplateFiles(t))
        } catch {
          return false
        }
      })
      return usable.map(summarize)
    },
  }
}
