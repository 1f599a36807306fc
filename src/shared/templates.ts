// Shop templates as the wizard sees them: what to ask, in German and English. Secrets' values never appear here.
import type { ErrorSay } from './errors'

export interface LocalizedText {
  de: string
  en: string
}

export type TemplateParameter =
  | { id: string; type: 'string'; label: LocalizedText; default: string; maxLength: number; pattern?: string }
  | { id: string; type: 'enum'; label: LocalizedText; default: string; options: string[] }
  | { id: string; type: 'list'; label: LocalizedText; default: string[]; options: string[] }
  | { id: string; type: 'boolean'; label: LocalizedText; default: boolean }

export interface TemplateSummary {
  id: string
  name: LocalizedText
  description: LocalizedText
  /** Where it came from: shipped with the app, or a folder the user chose. */
  source: 'bundled' | 'custom'
  parameters: TemplateParameter[]
  /** The service whose image may be overridden in the wizard, if any. */
  imageService: string | null
  /** That service's image as the template names it: the tags the image picker offers are of its repository. */
  image: string | null
  entryService: string
  healthTimeoutSeconds: number
  /** Runs only where its image is (the test bed): never offered first. */
  testOnly: boolean
  /** Every service runs a tagged Docker Hub image (isPublicImage), none is built: a stock Docker runs it, no login needed. */
  publicImages?: boolean
}

/** An image of a template the host could not pull when the template was installed there, and why. */
export interface MissingImage {
  image: string
  message: string
  say?: ErrorSay
}

/**
 * An image a stock Docker pulls without a login, as far as its name says: on Docker Hub (no registry host in front)
 * and pinned by a tag or digest. An untagged name such as `b2xproc` is a host's own build, not a published image.
 */
export function isPublicImage(reference: string): boolean {
  if (reference.includes('$')) return false
  const parts = reference.split('/')
  const first = parts[0]!
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost') && first !== 'docker.io') return false
  return parts.at(-1)!.includes(':') || reference.includes('@sha256:')
}

/**
 * The template a wizard starts on: the last choice where it is offered, else the first that runs on a stock Docker
 * from public images (so "Create" works on a laptop with nothing set up), else the first that is not test-only.
 */
export function startingTemplate(offered: readonly TemplateSummary[], last: string | null | undefined): string {
  if (last && offered.some((t) => t.id === last)) return last
  return (offered.find((t) => !t.testOnly && t.publicImages) ?? offered.find((t) => !t.testOnly) ?? offered[0])?.id ?? ''
}

/** A template that cannot be used, and why; the others stay usable. */
export interface TemplateProblem {
  /** `<folder>/<file>[, <field>]: <reason>`, in English, for logs and tests. */
  message: string
  /** The template's folder name; '' when the templates folder itself cannot be read. */
  template: string
  source: TemplateSummary['source']
  /** The file at fault, relative to the templates folder (e.g. `shop/template.yaml`), or the folder itself. */
  file: string
  field?: string
  /** What is wrong with it (English, from the checks). */
  reason: string
  /** The same in words the renderer has in every language, where the check has them. */
  say?: ErrorSay
}

export interface TemplateList {
  templates: TemplateSummary[]
  /** Templates that could not be read, each naming the folder, file and field. */
  problems: TemplateProblem[]
}
