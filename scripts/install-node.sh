#!/usr/bin/env bash
# Install a Node.js binary of another major version from the npm registry's `node` package into a
# folder of its own (.tools/node-<major>/), never as a project dependency: the project's own Node
# stays the one on PATH. Prints the path of the binary. Reuses an install already there.
#   usage: scripts/install-node.sh 22   ->   /abs/path/.tools/node-22/node_modules/node/bin/node
set -euo pipefail
major="${1:?usage: install-node.sh MAJOR}"
case "$major" in (*[!0-9]*|"") echo "install-node.sh: MAJOR must be a number, got '$major'" >&2; exit 2;; esac
root="$(cd "$(dirname "$0")/.." && pwd)/.tools/node-$major"
bin="$root/node_modules/node/bin/node"
if ! "$bin" --version 2>/dev/null | grep -q "^v$major\."; then
  rm -rf "$root"
  mkdir -p "$root"
  npm install --prefix "$root" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "node@$major" >&2
  "$bin" --version | grep -q "^v$major\." || { echo "install-node.sh: no Node $major at $bin" >&2; exit 1; }
fi
echo "$bin"
