// Who may call into the main process. Free of Electron so the check runs, with forged frames, in unit tests.

/** What the check reads of Electron's WebFrameMain (which fits this shape); a forged frame needs no more. */
export interface SenderFrame {
  readonly url: string
  readonly parent: object | null
}

/** Only our own page, in its top frame, may call into the main process. */
export function isTrustedSender(frame: SenderFrame | null | undefined, isAppUrl: (url: string) => boolean): boolean {
  if (!frame || frame.parent !== null) return false
  return isAppUrl(frame.url)
}
