#!/usr/bin/env bash
# Builds every example contract into examples/contracts/target/*.wasm:
#   token-c.wasm    token/token.c      (sdk/c/build.sh)
#   token-as.wasm   token/token.ts     (sdk/assemblyscript/build.sh)
#   escrow-c.wasm   escrow/escrow.c    (sdk/c/build.sh)
#   caller-as.wasm  caller/caller.ts   (sdk/assemblyscript/build.sh)
# A module newer than its source, its SDK and this script is kept (FORCE=1 rebuilds all).
# Needs clang, wasm-ld (Debian: lld), node and npm: scripts/setup.sh installs them.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
root=$(cd "$here/../.." && pwd -P)
target="$here/target"
mkdir -p "$target"

# fresh <out> <source> <sdk dir>: whether <out> exists and nothing it is built from is newer.
fresh() {
  local out=$1 src=$2 sdk=$3
  [ "${FORCE:-0}" != 1 ] && [ -f "$out" ] || return 1
  [ "$src" -nt "$out" ] && return 1
  [ "${BASH_SOURCE[0]}" -nt "$out" ] && return 1
  [ -z "$(find "$sdk" -path "$sdk/node_modules" -prune -o -type f -newer "$out" -print -quit)" ]
}

# build <sdk> <source> <out>
build() {
  local sdk="$root/sdk/$1" src="$here/$2" out="$target/$3"
  if fresh "$out" "$src" "$sdk"; then
    echo "$3 is up to date"
  else
    echo "building $3 from $2"
    bash "$sdk/build.sh" "$src" "$out"
  fi
}

build c token/token.c token-c.wasm
build c escrow/escrow.c escrow-c.wasm

# The AssemblyScript ones two at a time (the compiler is the slow part); the first build
# installs the compiler with npm ci, the other waits for it.
build assemblyscript token/token.ts token-as.wasm &
token_as=$!
build assemblyscript caller/caller.ts caller-as.wasm &
caller_as=$!
status=0
wait "$token_as" || status=1
wait "$caller_as" || status=1
if [ "$status" -ne 0 ]; then
  echo "error: building the AssemblyScript contracts failed" >&2
  exit 1
fi
