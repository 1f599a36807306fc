// Long operations (create, clone, backup): an id, typed progress events, and a snapshot to ask for at any time.
export const createSteps = ['validate', 'reserve', 'write', 'start', 'health', 'done'] as const
export type CreateStep = (typeof createSteps)[number]

export type OperationStatus = 'running' | 'succeeded' | 'failed' | 'cancelled'
export type StepStatus = 'pending' | 'running' | 'done' | 'failed' | 'skipped'

export interface OperationStep {
  id: string
  status: StepStatus
  message?: string
}

export interface OperationSnapshot {
  id: string
  kind: 'create'
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
  error?: { code: string; message: string; step: string }
  result?: CreateResult
}

export interface CreateResult {
  url: string
  /** The shop admin's login; the password is only sent when the user asks to reveal it. */
  login: { user: string; passwordSecretId: string } | null
  seconds: number
}
