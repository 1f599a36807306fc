// The other SSH connections of the login this session uses, found on the host by their place in the process
// tree (not by a process name: OpenSSH 9.8+ calls them sshd-session, older ones sshd), and ended.
import type { LockHost } from '../locks/host-lock'

/*
 * $1 the proc file system (a fixture in tests), $2 the process to start from ('' for this shell), $3 `kill` or
 * `list`. Prints the pids it ended (or would end), one a line.
 *
 * Why this way: sshd gives every connection a process tree  listener -> monitor (root) -> session process (the
 * login's uid; for a root login, the monitor is the session process) -> the commands' shells. Only the
 * commands' processes carry the connection in their environment (SSH_CONNECTION, client and ports, unique per
 * connection): the session process above them keeps the environment it was started with. So our own session
 * process is the parent of the topmost ancestor of ours with our SSH_CONNECTION; its siblings are the processes
 * that look the same from the listener down: same uid and same name as ours (compared with ours, never a
 * fixed name), under a parent with the same uid and name as our monitor, itself a child of our listener. A
 * connection with no command running has no shell, so the environment could not find it; the tree does.
 * Other users' connections differ in uid; a root login's siblings also include other users' monitors, which
 * are told apart by a child of another uid (their session process, or a pre-auth child). Our own session
 * process and its ancestors are never ended.
 */
export const LOGIN_SESSIONS_SCRIPT = String.raw`P=$1 start=$2 mode=$3
[ -n "$P" ] || P=/proc
[ -n "$start" ] || start=$$
# Without an SSH_CONNECTION we cannot tell our own connection from the others: end nothing.
[ -n "$SSH_CONNECTION" ] || exit 0
# One table of every process: pid, ppid, uid, name (the name last, it may hold spaces).
table=$(for f in "$P"/[0-9]*/status; do cat "$f" 2>/dev/null; done | awk '
  function out() { if (pid != "") print pid, pp, uid, name }
  /^Name:/ { out(); pid = ""; pp = ""; uid = ""; name = $0; sub(/^Name:[ \t]*/, "", name) }
  /^Pid:/ { pid = $2 }
  /^PPid:/ { pp = $2 }
  /^Uid:/ { uid = $2 }
  END { out() }')
ppid() { printf '%s\n' "$table" | awk -v p="$1" '$1 == p { print $2; exit }'; }
# Walk up while the parent still carries our connection in its environment.
pid=$start
while :; do
  parent=$(ppid "$pid")
  [ -n "$parent" ] && [ "$parent" != 0 ] || exit 0
  if tr '\000' '\n' < "$P/$parent/environ" 2>/dev/null | grep -qxF "SSH_CONNECTION=$SSH_CONNECTION"; then pid=$parent; else break; fi
done
session=$parent
pids=$(printf '%s\n' "$table" | awk -v s="$session" -v start="$start" '
  { pid = $1; pp[pid] = $2; uid[pid] = $3; n = $0; sub(/^[^ ]+ [^ ]+ [^ ]+ /, "", n); name[pid] = n; order[++count] = pid }
  END {
    if (!(s in uid)) exit
    m = pp[s]; if (!(m in uid)) exit
    l = pp[m]
    # Ourselves and every ancestor of ours are kept.
    for (p = start; p != "" && p != 0 && !(p in keep); p = pp[p]) keep[p] = 1
    for (i = 1; i <= count; i++) { c = order[i]; if (uid[c] != uid[s]) foreign[pp[c]] = 1 }
    for (i = 1; i <= count; i++) {
      p = order[i]; q = pp[p]
      if (p in keep || uid[p] != uid[s] || name[p] != name[s] || !(q in uid)) continue
      if (uid[q] != uid[m] || name[q] != name[m] || pp[q] != l || p in foreign) continue
      print p
    }
  }')
for p in $pids; do
  if [ "$mode" = kill ]; then kill -TERM "$p" 2>/dev/null && echo "$p"; else echo "$p"; fi
done
exit 0`

/**
 * Ends every other connection of this login; returns how many ended. Laptops whose key is still allowed
 * reconnect by themselves, a revoked one cannot.
 */
export async function endOtherConnections(host: LockHost): Promise<number> {
  const result = await host.exec(['sh', '-c', LOGIN_SESSIONS_SCRIPT, 'sh', '/proc', '', 'kill'], { timeoutMs: 20_000 })
  return result.stdout.split('\n').filter((line) => /^\d+$/.test(line.trim())).length
}
