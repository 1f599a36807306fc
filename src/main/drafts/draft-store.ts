// Drafts in their own store file (electron-store in the app, conf in tests: both write atomically). A file that
// does not parse, or holds something that is not a list of drafts, is moved aside with a timestamp and
// reported; it is never overwritten, so no draft is lost silently.
import { randomUUID } from 'node:crypto'
import { existsSync, renameSync } from 'node:fs'
import { z } from 'zod'
import { AppError } from '@shared/errors'
import { draftInputSchema, type Draft, type DraftExport, type DraftInput, type DraftList, type DraftsRecovery } from '@shared/drafts'
import type { KeyValueStore } from '../settings/settings-service'

export type DraftsFile = KeyValueStore & { readonly path: string }

const KEY = 'drafts'

const storedDraft = draftInputSchema.extend({
  id: z.string().uuid(),
  createdAt: z.string(),
  updatedAt: z.string(),
  deployed: z.object({ hostId: z.string(), shop: z.string(), at: z.string() }).nullable().default(null),
})

export class DraftStore {
  private store: DraftsFile
  private recovered: DraftsRecovery | null = null

  constructor(
    open: () => DraftsFile,
    private readonly path: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    let store: DraftsFile | null = null
    let reason = ''
    try {
      store = open()
      const value = store.get(KEY)
      if (value !== undefined && !z.array(storedDraft).safeParse(value).success) {
        reason = 'the list of drafts is not in the expected form'
        store = null
      }
    } catch (error) {
      reason = (error as Error).message
    }
    if (!store) {
      const movedTo = `${this.path}.corrupt-${this.now().toISOString().replace(/[:.]/g, '-')}`
      if (existsSync(this.path)) renameSync(this.path, movedTo)
      this.recovered = { movedTo, at: this.now().toISOString(), reason }
      store = open()
    }
    this.store = store
  }

  list(): DraftList {
    return { drafts: this.all(), recovered: this.recovered }
  }

  get(id: string): Draft {
    const draft = this.all().find((d) => d.id === id)
    if (!draft) throw new AppError('not_found', 'This draft no longer exists.', { say: { key: 'draftGone' } })
    return draft
  }

  save(input: DraftInput & { id?: string | undefined }): Draft {
    const { id, ...fields } = input
    const parsed = draftInputSchema.parse(fields)
    const drafts = this.all()
    const now = this.now().toISOString()
    const existing = id ? drafts.find((d) => d.id === id) : undefined
    if (id && !existing) throw new AppError('not_found', 'This draft no longer exists.', { say: { key: 'draftGone' } })
    const draft: Draft = existing ? { ...existing, ...parsed, updatedAt: now } : { ...parsed, id: randomUUID(), createdAt: now, updatedAt: now, deployed: null }
    this.write(existing ? drafts.map((d) => (d.id === draft.id ? draft : d)) : [...drafts, draft])
    return draft
  }

  duplicate(id: string): Draft {
    const { id: _id, createdAt: _c, updatedAt: _u, deployed: _d, ...fields } = this.get(id)
    return this.save({ ...fields, name: fields.name ? `${fields.name}2`.slice(0, 30) : '' })
  }

  remove(id: string): void {
    this.write(this.all().filter((d) => d.id !== id))
  }

  markDeployed(id: string, hostId: string, shop: string): Draft {
    const draft = { ...this.get(id), deployed: { hostId, shop, at: this.now().toISOString() } }
    this.write(this.all().map((d) => (d.id === id ? draft : d)))
    return draft
  }

  exportDrafts(ids: readonly string[]): DraftExport {
    return { format: 'shop-manager-drafts', version: 1, drafts: this.all().filter((d) => ids.includes(d.id)) }
  }

  /** Adds the file's drafts as new ones (new ids), so importing twice never overwrites. */
  importDrafts(content: string): Draft[] {
    let parsed: unknown
    try {
      parsed = JSON.parse(content)
    } catch {
      throw new AppError('invalid_input', 'This file is not a Shop-Manager drafts file (not JSON).', { say: { key: 'notDraftsFile' } })
    }
    const file = z.object({ format: z.literal('shop-manager-drafts'), version: z.literal(1), drafts: z.array(storedDraft) }).safeParse(parsed)
    if (!file.success)
      throw new AppError(
        'invalid_input',
        `This file is not a Shop-Manager drafts file (${file.error.issues[0]?.path.join('.') || 'format'}: ${file.error.issues[0]?.message ?? ''}).`,
      )
    return file.data.drafts.map(({ id: _id, createdAt: _c, updatedAt: _u, deployed: _d, ...fields }) => this.save(fields))
  }

  private all(): Draft[] {
    const value = this.store.get(KEY)
    const parsed = z.array(storedDraft).safeParse(value ?? [])
    return parsed.success ? (parsed.data as Draft[]) : []
  }

  private write(drafts: Draft[]): void {
    this.store.set(KEY, drafts)
  }
}
