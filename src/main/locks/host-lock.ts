// A lock directory on a host, shared by every laptop that reaches it: taken and judged stale on the host's own
// clock, in one small POSIX sh script per attempt (argv only, nothing string-built), released only by its owner.
import { randomBytes } from 'node:crypto'
import { AppError } from '@shared/errors'

export interface LockHost {
  exec(argv: readonly string[], options?: { timeoutMs?: number; signal?: AbortSignal }): Promise<{ code: number | null; stdout: string; stderr: string }>
}

export interface HostLockOptions {
  /** A lock older than this (host clock) is taken to be left by a crashed laptop and may be taken over. */
  staleAfterSeconds: number
  /** The error for a lock someone else holds; `owner` is '' when the lock does not say whose it is. */
  busy: (owner: string) => AppError
}

const EXEC_TIMEOUT_MS = 10_000

/*
 * One attempt: prints `taken` or `busy<TAB><owner>`; exits non-zero when it could not even try.
 * $1 lock directory, $2 owner, $3 stale limit in seconds, $4 this attempt's random token.
 * The owner file has three lines: token, host time of taking (`date +%s`), owner.
 */
const TAKE_SCRIPT = String.raw`lock=$1 owner=$2 stale=$3 token=$4
# A laptop that drops its connection half-way must not stop the script between two steps.
trap '' HUP
# Every age is measured on the host's clock: the laptops' clocks may differ from it and from each other.
now=$(date +%s) || exit 3
case $now in ''|*[!0-9]*) echo "the host's date +%s answered '$now'" >&2; exit 3;; esac
mine="$token
$now
$owner"
take() {
  # A lock that is there is judged below; only a free place is taken (so attempts never touch a held lock).
  [ -e "$lock" ] && return 1
  # The lock is prepared complete, owner file included, beside its place, then renamed into it: the real lock
  # never exists without its owner file, so a reader never sees a half-written one.
  tmp="$lock.new.$token"
  mkdir "$tmp" || exit 3
  printf '%s\n' "$mine" > "$tmp/owner" || { rm -rf "$tmp"; exit 3; }
  # rename(2) is atomic. Should another laptop's lock have appeared since the test above, mv either fails or
  # (mv's rule for an existing directory) moves ours inside it; both leave the other's owner file in place.
  mv "$tmp" "$lock" 2>/dev/null
  rm -rf "$tmp" "$lock/$(basename -- "$tmp")"
  # Whether we hold it is read back from the lock itself, not assumed from mv's exit status.
  [ "$(cat "$lock/owner" 2>/dev/null)" = "$mine" ]
}
take && { echo taken; exit 0; }

# Someone holds it: whose, and since when (host clock). An empty, half-written or unreadable owner file is
# busy, unless the lock directory itself (its mtime, host clock) is older than the limit.
held=$(cat "$lock/owner" 2>/dev/null)
[ -e "$lock" ] || { take && { echo taken; exit 0; }; held=$(cat "$lock/owner" 2>/dev/null); }
since=$(printf '%s\n' "$held" | sed -n 2p)
who=$(printf '%s\n' "$held" | sed -n 3p)
case $since in
  ''|*[!0-9]*) since=$(stat -c %Y "$lock" 2>/dev/null || date -r "$lock" +%s 2>/dev/null); who= ;;
esac
case $since in
  ''|*[!0-9]*) printf 'busy\t%s\n' "$who"; exit 0 ;;
esac
# A lock from the future (the host's clock was set back) is not stale either.
if [ $((now - since)) -lt "$stale" ]; then printf 'busy\t%s\n' "$who"; exit 0; fi

# Stale. The takeover is claimed inside this very lock: mkdir is exclusive, so of two laptops taking it over
# only one gets the claim, and the lock itself is not moved by anyone who has not got it (a laptop reading
# its own fresh lock back is never disturbed).
busy() { printf 'busy\t%s\n' "$(sed -n 3p "$lock/owner" 2>/dev/null)"; exit 0; }
claim="$lock/takeover"
if ! mkdir "$claim" 2>/dev/null; then
  # A claim older than the limit was left by a takeover that died half-way (the host went down): it is
  # renamed away (again one laptop wins, the source is gone for the other), then claimed afresh.
  c=$(stat -c %Y "$claim" 2>/dev/null || date -r "$claim" +%s 2>/dev/null)
  case $c in ''|*[!0-9]*) busy ;; esac
  [ $((now - c)) -ge "$stale" ] || busy
  mv "$claim" "$lock/takeover.dead.$token" 2>/dev/null && mkdir "$claim" 2>/dev/null || busy
fi
# The claim must be in the lock we judged: a fresh lock may have taken its place since we read it. Then the
# claim goes again (that lock is not stale) and its owner is named.
if [ "$(cat "$lock/owner" 2>/dev/null)" != "$held" ]; then rmdir "$claim" 2>/dev/null; busy; fi
# Moved out of the way under a name only this attempt uses, then removed: the place is free in one step.
away="$lock.stale.$token"
mv "$lock" "$away" 2>/dev/null || busy
rm -rf "$away"
# Then an ordinary take, checked like the first: a third laptop may have been quicker.
take && { echo taken; exit 0; }
busy`

/*
 * $1 lock directory, $2 our token. The lock goes only while its owner file still names our token (a laptop
 * that found it stale may have taken it over); it is renamed away first, so removing it is never half-done
 * in its place, and a lock that turns out not to be ours after all is put back.
 */
const RELEASE_SCRIPT = String.raw`lock=$1 token=$2
[ "$(sed -n 1p "$lock/owner" 2>/dev/null)" = "$token" ] || exit 0
gone="$lock.released.$token"
mv "$lock" "$gone" 2>/dev/null || exit 0
if [ "$(sed -n 1p "$gone/owner" 2>/dev/null)" != "$token" ]; then [ -e "$lock" ] || mv "$gone" "$lock"; exit 0; fi
rm -rf "$gone"`

/** An owner name fit for one line of the owner file. */
function oneLine(owner: string): string {
  return (
    owner
      .replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, ' ')
      .trim()
      .slice(0, 200) || 'someone'
  )
}

/** Runs `run` holding the lock directory `lockDir` on the host; releases it afterwards (only if still ours). */
export async function withHostLock<T>(host: LockHost, lockDir: string, owner: string, run: () => Promise<T>, options: HostLockOptions): Promise<T> {
  const token = randomBytes(12).toString('hex')
  const stale = String(Math.max(1, Math.floor(options.staleAfterSeconds)))
  const take = await host.exec(['sh', '-c', TAKE_SCRIPT, 'sh', lockDir, oneLine(owner), stale, token], { timeoutMs: EXEC_TIMEOUT_MS })
  const answer = take.stdout.trim()
  // Anything but one of the two answers is a failure to try, never a sign that the lock is free or stale.
  if (take.code !== 0 || !(answer === 'taken' || answer.startsWith('busy'))) {
    throw new AppError('internal', `Could not take the lock ${lockDir} on the host (exit ${take.code}): ${(take.stderr.trim() || answer).slice(0, 300)}`)
  }
  if (answer !== 'taken') throw options.busy(answer.slice('busy'.length).trim())
  try {
    return await run()
  } finally {
    // A release that fails (a dropped connection) leaves the lock to go stale; the run's own outcome counts.
    await host.exec(['sh', '-c', RELEASE_SCRIPT, 'sh', lockDir, token], { timeoutMs: EXEC_TIMEOUT_MS }).catch(() => undefined)
  }
}
