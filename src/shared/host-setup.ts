// Host setup as the admin sees it: what would change (with diffs), then what was done.
export type SetupChangeKind = 'directory' | 'network' | 'file' | 'stack' | 'autostart' | 'dns'

export interface SetupChange {
  kind: SetupChangeKind
  target: string
  action: 'create' | 'update' | 'start'
  /** Unified diff for files (never for the token). */
  diff?: string
}

export interface SetupOutcome {
  applied: SetupChange[]
  /** Changes that could not be made, each with the reason (e.g. the autostart unit without root). */
  skipped: Array<{ change: SetupChange; reason: string }>
  /** The last step: is the proxy running (and healthy) now? */
  verified: { ok: boolean; detail: string }
}
