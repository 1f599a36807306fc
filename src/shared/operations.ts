// Long operations (create, clone, backup): an id, typed progress events, and a snapshot to ask for at any time.
import type { ErrorSay, FieldIssue } from './errors'
export const createSteps = ['validate', 'pull', 'reserve', 'write', 'dns', 'start', 'health', 'done'] as const
export type CreateStep = (typeof createSteps)[number]
/** Clone: the source is paused only between `pause` and `resume`. */
export const cloneSteps = ['validate', 'reserve', 'copy', 'pause', 'changes', 'resume', 'write', 'dns', 'start', 'health', 'done'] as const
export type CloneStep = (typeof cloneSteps)[number]

/** Update: the new image is pulled before anything changes; `rollback` runs only when it does not get healthy. */
export const updateSteps = ['validate', 'pull', 'apply', 'health', 'rollback', 'done'] as const
export type UpdateStep = (typeof updateSteps)[number]

/** Edit: a new image is pulled and a new name published before the files change; `up -d` recreates only what changed. */
export const editSteps = ['validate', 'pull', 'dns', 'write', 'start', 'done'] as const
export type EditStep = (typeof editSteps)[number]

/** A new shop from a backup of another: its volumes come from the archives. */
export const restoreNewSteps = ['validate', 'reserve', 'restore', 'write', 'dns', 'start', 'health', 'done'] as const
export type RestoreNewStep = (typeof restoreNewSteps)[number]

/** Download or upload of a backup between host and laptop. */
export const transferSteps = ['choose', 'transfer', 'done'] as const
export type TransferStep = (typeof transferSteps)[number]

export const operationKinds = ['create', 'clone', 'update', 'edit', 'backup', 'restore', 'download', 'upload'] as const
export type OperationKind = (typeof operationKinds)[number]

export type OperationStatus = 'running' | 'succeeded' | 'failed' | 'cancelled'
export type StepStatus = 'pending' | 'running' | 'done' | 'failed' | 'skipped'

/** A step's remark in words: the renderer says it in the user's language (`operation.notes.<key>`). */
export const stepNoteKeys = [
  'dnsNothing',
  'dnsWildcard',
  'dnsWritten',
  'dnsAlreadyRight',
  'paused',
  'notRunning',
  'keptRunning',
  'unpaused',
  'runningAgain',
  'notYetHealthy',
  'volumes',
  'templateImage',
  'notStarted',
  'services',
  'previousData',
  'volumesLeft',
  'volumesRemoved',
  'layers',
] as const
export type StepNoteKey = (typeof stepNoteKeys)[number]

export interface StepNote {
  key: StepNoteKey
  values?: Record<string, string | number>
}

/** What a step says about itself: data (a path, a volume, containers' states) as it is, or a note in words. */
export type StepMessage = string | StepNote

export interface OperationStep {
  id: string
  status: StepStatus
  /** Data shown as it is: a path, a volume, the containers' states, the host's own words. */
  message?: string
  /** Or a remark the renderer words. */
  note?: StepNote
  /** Bytes copied so far and in all, for steps that move data. */
  progress?: { done: number; total: number }
}

export interface OperationSnapshot {
  id: string
  /** Counts the snapshot's changes: of two copies that arrive out of order (a pushed event, an answer to a pull), the
   * higher one is the newer. */
  revision: number
  kind: OperationKind
  hostId: string
  shop: string
  status: OperationStatus
  steps: OperationStep[]
  /** Output of the tools run on the host (compose), secrets masked, most recent last. */
  log: string[]
  startedAt: string
  finishedAt: string | null
  /** Whether cancelling now leaves nothing behind. */
  cancellable: boolean
  /** `details` carry what the renderer shows beside the sentence (an update's rollback: images, the last log lines). */
  error?: { code: string; message: string; step: string; details?: Record<string, string>; say?: ErrorSay; fields?: FieldIssue[] }
  result?: CreateResult
}

export interface CreateResult {
  url: string
  /** The shop admin's login; the password is only sent when the user asks to reveal it. */
  login: { user: string; passwordSecretId: string; url: string } | null
  seconds: number
  /** Backups: the id of the backup made. */
  backupId?: string
  /** Downloads: the folder on this laptop. */
  path?: string
}
