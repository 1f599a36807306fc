// Appends the gate's audit lines to the host's log, readable only by its owner (the login user; admins log in as it).
import { chmod, open } from 'node:fs/promises'
import { formatAuditLine, type GateAuditLine } from '@shared/gate-audit'

export async function appendAuditLine(path: string, line: GateAuditLine): Promise<void> {
  // O_APPEND: lines of gates running side by side never interleave (each is one small write).
  const file = await open(path, 'a', 0o600)
  try {
    await file.write(formatAuditLine(line))
    // A log made by hand (or by an older setup) with a wider mode is narrowed.
    if (((await file.stat()).mode & 0o077) !== 0) await chmod(path, 0o600)
  } finally {
    await file.close()
  }
}
