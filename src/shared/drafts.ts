// Shop drafts: everything the create wizard asks, prepared offline and deployed later.
import { z } from 'zod'
import { shopParamsSchema } from './shop-params'

/** What a draft holds; looser than a create (a draft may be half done), checked fully on deploy. */
export const draftInputSchema = z
  .object({
    hostId: z.string().max(100).nullable().default(null),
    name: z.string().trim().toLowerCase().max(30).default(''),
    description: z.string().max(2000).default(''),
    templateId: z.string().max(80).default(''),
    domain: z.string().trim().toLowerCase().max(253).default(''),
    externalDomain: z.boolean().default(false),
    params: shopParamsSchema,
    image: z.string().trim().max(300).default(''),
    notes: z.string().max(5000).default(''),
  })
  .strict()
export type DraftInput = z.input<typeof draftInputSchema>

export interface Draft extends z.output<typeof draftInputSchema> {
  id: string
  createdAt: string
  updatedAt: string
  /** Set once the shop exists: where it went. */
  deployed: { hostId: string; shop: string; at: string } | null
}

/** What the app says when it found the drafts file unreadable at start. */
export interface DraftsRecovery {
  movedTo: string
  at: string
  reason: string
}

export interface DraftList {
  drafts: Draft[]
  recovered: DraftsRecovery | null
}

/** The file a salesperson hands to an admin. */
export interface DraftExport {
  format: 'shop-manager-drafts'
  version: 1
  drafts: Draft[]
}
