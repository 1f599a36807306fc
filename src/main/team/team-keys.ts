// The keys allowed to log in to a host, edited in the login user's ~/.ssh/authorized_keys: under a lock,
// with a backup, written to a temporary file and renamed. A key is enrolled as admin or as sales (sshd then
// leaves it nothing but the gate). Revoking a key or changing its role also ends the login's other open
// connections, so it takes effect at once; the admin's own key needs a confirmation.
import { hostname, userInfo } from 'node:os'
import { posix } from 'node:path'
import ssh2 from 'ssh2'
import { AppError } from '@shared/errors'
import type { HostRole } from '@shared/hosts'
import type { TeamKey } from '@shared/team'
import { loginHome } from '../host/login-home'
import type { HostSession } from '../host/host-session'
import { writeShopFiles } from '../host/remote-files'
import { withHostLock } from '../locks/host-lock'
import { endOtherConnections } from './login-sessions'
import { gateLayout } from '../host-setup/gate-layout'
import { fingerprintOf, parseAuthorizedKeys, personOf, withKey, withoutKey, withRole } from './authorized-keys'

const BACKUPS_KEPT = 5
/** An edit of authorized_keys takes seconds; a lock this old (host clock) was left by a crash. */
export const KEYS_LOCK_STALE_SECONDS = 300

async function sshDir(session: HostSession): Promise<string> {
  return posix.join(await loginHome(session), '.ssh')
}

async function readFile(session: HostSession, dir: string): Promise<string> {
  const result = await session.exec(['sh', '-c', 'cat -- "$1/authorized_keys" 2>/dev/null; exit 0', 'sh', dir], { timeoutMs: 10_000 })
  return result.stdout
}

/** The fingerprint of the key this session logs in with, from its private key. */
export function ownFingerprint(privateKey: string | null, passphrase?: string): string | null {
  if (!privateKey) return null
  const parsed = ssh2.utils.parseKey(privateKey, passphrase)
  const key = Array.isArray(parsed) ? parsed[0] : parsed
  if (!key || key instanceof Error) return null
  return fingerprintOf(key.getPublicSSH().toString('base64'))
}

/** `home`: the login's home where the caller asked for it already (one command less). */
export async function listTeamKeys(session: HostSession, own: string | null, home?: string): Promise<TeamKey[]> {
  const text = await readFile(session, home ? posix.join(home, '.ssh') : await sshDir(session))
  return parseAuthorizedKeys(text).map((k) => {
    const who = personOf(k.comment)
    return { fingerprint: k.fingerprint, type: k.type, comment: k.comment, person: who?.person ?? null, role: k.role, own: k.fingerprint === own }
  })
}

/** Whose lock it is, as another admin is told: this laptop's login and name. */
function lockOwner(): string {
  return `${userInfo().username}@${hostname()}`
}

async function editFile(session: HostSession, change: (text: string, gateDir: string) => string): Promise<void> {
  const home = await loginHome(session)
  const dir = posix.join(home, '.ssh')
  const gateDir = gateLayout(home).dir
  const made = await session.exec(['sh', '-c', 'umask 077; mkdir -p "$1"', 'sh', dir], { timeoutMs: 10_000 })
  if (made.code !== 0) throw new AppError('internal', `Could not create ${dir} on the host: ${made.stderr.trim()}`)
  // A laptop that crashed while holding the lock leaves it behind: after KEYS_LOCK_STALE_SECONDS (host clock)
  // it is taken over.
  await withHostLock(
    session,
    posix.join(dir, '.shopmanager-lock'),
    lockOwner(),
    async () => {
      const before = await readFile(session, dir)
      const after = change(before, gateDir)
      if (after === before) return
      // A copy of the last few versions, next to the file, so a mistake can be undone by hand.
      const stamp = new Date().toISOString().replace(/[:.]/g, '-')
      await session.exec(
        [
          'sh',
          '-c',
          'cd "$1" && { [ ! -f authorized_keys ] || cp -p authorized_keys "authorized_keys.bak-$2"; } && ls -1 authorized_keys.bak-* 2>/dev/null | sort -r | tail -n +$(($3 + 1)) | xargs -r rm -f',
          'sh',
          dir,
          stamp,
          String(BACKUPS_KEPT),
        ],
        { timeoutMs: 10_000 },
      )
      await writeShopFiles(session, dir, [{ path: 'authorized_keys', content: after, mode: 0o600 }])
    },
    {
      staleAfterSeconds: KEYS_LOCK_STALE_SECONDS,
      busy: (owner) =>
        new AppError('busy', `Another admin${owner ? ` (${owner})` : ''} is changing the keys of this host right now. Try again in a moment.`, {
          say: { key: 'keysBusy' },
        }),
    },
  )
}

export async function addTeamKey(session: HostSession, publicKeyLine: string, role: HostRole): Promise<void> {
  const line = publicKeyLine.trim()
  const parsed = ssh2.utils.parseKey(line)
  if (parsed instanceof Error || line.includes('\n') || !/^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp\d+) /.test(line)) {
    throw new AppError('invalid_input', 'This is not an SSH public key line (it starts with ssh-ed25519, ssh-rsa or ecdsa-…).', {
      say: { key: 'notPublicKey' },
      fields: [{ path: 'publicKey', message: 'not a public key' }],
    })
  }
  await editFile(session, (text, gateDir) => withKey(text, line, role, gateDir))
}

/**
 * Gives a key another role by rewriting its line only. A connection that logged in before keeps what it had
 * until it logs in again, so the login's other connections end, as on revoking. The own key is not made sales
 * from here: the admin doing it would lose every admin tool for this host at once.
 */
export async function setTeamKeyRole(session: HostSession, fingerprint: string, role: HostRole, own: string | null): Promise<{ endedSessions: number }> {
  if (fingerprint === own && role !== 'admin') {
    throw new AppError('invalid_input', 'This is the key this app logs in with: it stays admin here (another admin can change it).', {
      say: { key: 'ownKeyRole' },
    })
  }
  const dir = await sshDir(session)
  const key = parseAuthorizedKeys(await readFile(session, dir)).find((k) => k.fingerprint === fingerprint)
  if (!key) throw new AppError('not_found', 'This key is not (or no longer) allowed on the host.', { say: { key: 'keyGone' } })
  if (key.role === role) return { endedSessions: 0 }
  await editFile(session, (text, gateDir) => withRole(text, fingerprint, role, gateDir))
  return { endedSessions: await endOtherConnections(session) }
}

/**
 * Revokes a key. sshd checks authorized_keys only when a connection logs in: a revoked laptop's open
 * connection could go on opening commands. Which connection used which key is not visible to the login user,
 * so every other connection of this login ends (login-sessions.ts finds them); this one stays.
 */
export async function revokeTeamKey(session: HostSession, fingerprint: string, own: string | null, confirmOwn: boolean): Promise<{ endedSessions: number }> {
  if (fingerprint === own && !confirmOwn) {
    throw new AppError(
      'invalid_input',
      'This is the key this app logs in with: after revoking it, this laptop cannot reach the host any more. Confirm to go on.',
      {
        say: { key: 'ownKey' },
        fields: [{ path: 'confirmOwn', message: 'confirm' }],
      },
    )
  }
  const dir = await sshDir(session)
  const key = parseAuthorizedKeys(await readFile(session, dir)).find((k) => k.fingerprint === fingerprint)
  if (!key) throw new AppError('not_found', 'This key is not (or no longer) allowed on the host.', { say: { key: 'keyGone' } })
  await editFile(session, (text) => withoutKey(text, fingerprint))
  // Our own session would end with it: then there is nothing left to do here.
  if (fingerprint === own) return { endedSessions: 0 }
  return { endedSessions: await endOtherConnections(session) }
}
