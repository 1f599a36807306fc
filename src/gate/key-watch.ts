// Revocation as the gate sees it: its key is revoked once no line of authorized_keys holds it. Checked before every
// request and, while a stream runs, every ~300 ms, so removing the line ends a followed log within a second on any
// OpenSSH (9.8 and later keep a connection's channels open after the key is gone).
import { readFile } from 'node:fs/promises'
import { parseAuthorizedKeys } from '../main/team/authorized-keys'

export const KEY_CHECK_MS = 300

/** Whether the file still holds the key; a file that is gone or unreadable holds none (fail closed). */
export async function keyPresent(authorizedKeys: string, fingerprint: string): Promise<boolean> {
  try {
    return parseAuthorizedKeys(await readFile(authorizedKeys, 'utf8')).some((line) => line.fingerprint === fingerprint)
  } catch {
    return false
  }
}

/** Calls `onRevoked` once when `present` answers false; returns the function that stops watching. */
export function watchKey(present: () => Promise<boolean>, onRevoked: () => void, intervalMs = KEY_CHECK_MS): () => void {
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  const check = async (): Promise<void> => {
    if (stopped) return
    if (!(await present())) {
      if (!stopped) onRevoked()
      stopped = true
      return
    }
    if (!stopped) timer = setTimeout(() => void check(), intervalMs)
  }
  timer = setTimeout(() => void check(), intervalMs)
  return () => {
    stopped = true
    clearTimeout(timer)
  }
}
