// The test bed's team user reads its own ~/.ssh/authorized_keys (the other users share one fixed file): a test
// enrols the public keys it logs in with there, and puts the file back as it found it.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { TestbedInfo } from '../../testbed/testbed'

export interface TeamLogin {
  /** Appends these OpenSSH public key lines. */
  enrol(...publicKeys: string[]): void
  /** Takes one out again (by its base64 part), as an admin revoking it would. */
  withdraw(publicKey: string): void
  /** The file (and ~/.ssh) as before the test. */
  restore(): void
}

export function teamLogin(info: TestbedInfo): TeamLogin {
  const home = `/home/${info.ssh.teamUser}`
  const dir = join(home, '.ssh')
  const file = join(dir, 'authorized_keys')
  const dirExisted = existsSync(dir)
  const before = existsSync(file) ? readFileSync(file, 'utf8') : null
  const write = (text: string) => {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    writeFileSync(file, text, { mode: 0o600 })
    execFileSync('chown', ['-R', `${info.ssh.teamUser}:`, dir])
  }
  const current = () => (existsSync(file) ? readFileSync(file, 'utf8') : '')
  const base64 = (line: string) => line.trim().split(/\s+/)[1] ?? line
  return {
    enrol(...publicKeys) {
      const text = current()
      write(`${text}${text && !text.endsWith('\n') ? '\n' : ''}${publicKeys.map((k) => `${k.trim()}\n`).join('')}`)
    },
    withdraw(publicKey) {
      write(
        current()
          .split('\n')
          .filter((line) => !line.includes(base64(publicKey)))
          .join('\n'),
      )
    },
    restore() {
      if (!dirExisted) rmSync(dir, { recursive: true, force: true })
      else if (before === null) rmSync(file, { force: true })
      else write(before)
    },
  }
}
