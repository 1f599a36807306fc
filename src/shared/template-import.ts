// A template proposed from a compose file (Templates → "Aus Compose-Datei"): what the app changed, as notes, and the
// draft the form edits before it is saved as a custom template.
import { z } from 'zod'
import type { LocalizedText } from './templates'

/** What the proposal changed or could not do, in words both locale files have (`templates.import.notes.<key>`). */
export const importNoteKeys = [
  'entry',
  'entryGuessed',
  'imageService',
  'portsRemoved',
  'exposeAdded',
  'job',
  'containerNameRemoved',
  'networkModeRemoved',
  'traefikLabelsRemoved',
  'secret',
  'secretReused',
  'secretInUrl',
  'login',
  'bindMount',
  'bindFileDropped',
  'dockerSocketDropped',
  'envFileDropped',
  'envFileInlined',
  'variableDefault',
  'variableUnset',
  'extensionRemoved',
  'versionRemoved',
  'buildDropped',
  'buildKept',
] as const
export type ImportNoteKey = (typeof importNoteKeys)[number]

export interface ImportNote {
  key: ImportNoteKey
  values: Record<string, string | number>
}

/** Where a generated secret goes: a variable of a service, the whole value or the password inside a URL. */
export interface SecretUse {
  service: string
  variable: string
  /** The value with `${secret}` where the secret stands (`postgres://shop:${secret}@db/shop`); absent: the whole value. */
  within?: string
}

const id = z.string().max(40)
const text = z.string().max(2000)
const localized = z.object({ de: text, en: text }).strict()

export const importedSecretSchema = z
  .object({
    id,
    length: z.number().int(),
    alphabet: z.enum(['alnum', 'hex', 'urlsafe']),
    label: localized,
    login: z.boolean(),
    uses: z
      .array(z.object({ service: z.string().max(200), variable: z.string().max(200), within: z.string().max(5000).optional() }).strict())
      .min(1)
      .max(50),
  })
  .strict()
export type ImportedSecret = z.infer<typeof importedSecretSchema>

/** The draft the form edits; the save checks it as the loader checks a template (its schema here only bounds it). */
export const importDraftSchema = z
  .object({
    id,
    name: localized,
    description: localized,
    entry: z.object({ service: z.string().max(200), port: z.number().int() }).strict(),
    image: z
      .object({ service: z.string().max(200) })
      .strict()
      .nullable(),
    /** Services that run once (another waits for them to complete). */
    jobs: z.array(z.string().max(200)).max(50),
    secrets: z.array(importedSecretSchema).max(100),
    /** The compose file as the proposal rewrote it (YAML). */
    compose: z.string().min(1).max(1_000_000),
  })
  .strict()
export type ImportDraft = z.infer<typeof importDraftSchema>

export interface ImportProposal {
  /** The picked file, as the notes and the dialog name it. */
  file: string
  draft: ImportDraft
  /** The services of the rewritten compose file, for the entry and image selects. */
  services: string[]
  notes: ImportNote[]
}

/** Where a saved template went. */
export interface ImportSaved {
  id: string
  dir: string
  name: LocalizedText
}
