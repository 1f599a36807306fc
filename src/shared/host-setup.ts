// Host setup as the admin sees it: what would change (with diffs), then what was done.
export type SetupChangeKind = 'directory' | 'network' | 'file' | 'stack' | 'autostart' | 'dns' | 'gate-runtime' | 'gate' | 'template'

export interface SetupChange {
  kind: SetupChangeKind
  target: string
  action: 'create' | 'update' | 'start'
  /** Unified diff for files (never for the token). */
  diff?: string
  /** What the change brings, for the preview: the gate's version, the image Node comes from, a template's id. */
  detail?: string
}

export interface SetupOutcome {
  applied: SetupChange[]
  /** Changes that could not be made: `needs_root` (the autostart unit without root or sudo) or `failed`, with the host's words. */
  skipped: Array<{ change: SetupChange; code: 'needs_root' | 'failed'; reason: string }>
  /** The last step: is the proxy running (and healthy) now? */
  verified: { ok: boolean; detail: string }
}
