// Drives the test bed from a test: restart sshd as a server reboot would.
import { execFile } from 'node:child_process'
import { resolve } from 'node:path'
import { promisify } from 'node:util'

const script = resolve(import.meta.dirname, '../../testbed/testbed.sh')

/** Kills sshd and its sessions, waits `secondsDown`, starts it again; resolves when it listens. */
export async function restartSshd(secondsDown = 0): Promise<void> {
  await promisify(execFile)('bash', [script, 'restart-sshd', String(secondsDown)])
}
