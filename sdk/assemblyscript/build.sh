#!/usr/bin/env bash
# Builds a WCME contract written in AssemblyScript into a Wasm module that wcme-vm accepts.
#
#   sdk/assemblyscript/build.sh <contract.ts> <out.wasm>
#
# Needs node and npm (run scripts/setup.sh). Installs the pinned compiler (package-lock.json)
# into sdk/assemblyscript/node_modules on first use and again only when the lock file changes.
# The contract must import the SDK by its relative path (…/sdk/assemblyscript/assembly/wcme).
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 <contract.ts> <out.wasm>" >&2
  exit 2
fi
sdk=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "error: $tool not found; install the system packages with scripts/setup.sh (Debian: nodejs, npm)" >&2
    exit 127
  fi
done
src=$(realpath "$1")
out=$(realpath -m "$2")

# The compiler, once (node_modules is a cache keyed by package-lock.json; builds running at the
# same time wait for each other's `npm ci`).
stamp="$sdk/node_modules/.wcme-package-lock.json"
install() {
  if ! cmp -s "$sdk/package-lock.json" "$stamp"; then
    echo "Installing the AssemblyScript compiler (npm ci in $sdk)" >&2
    (cd "$sdk" && npm ci --no-audit --no-fund --loglevel=error >&2)
    cp "$sdk/package-lock.json" "$stamp"
  fi
}
if command -v flock >/dev/null 2>&1; then
  exec 9>"${TMPDIR:-/tmp}/wcme-assemblyscript-sdk.lock"
  flock 9
  install
  flock -u 9
else
  install
fi

# asconfig.json: --runtime stub, --exportStart + transform/no-start.mjs (no start function),
# nontrapping-f2i off, -O3s. --baseDir / makes every file's internal name its absolute path, so
# that `abort` (failed assert, throw) can be routed to the SDK's wcmeAbort, which reverts.
mkdir -p "$(dirname "$out")"
rm -f "$out"
node "$sdk/node_modules/assemblyscript/bin/asc.js" "$src" \
  --baseDir / \
  --config "$sdk/asconfig.json" --target release \
  --use "abort=${sdk#/}/assembly/wcme/wcmeAbort" \
  -o "$out"
if ! node "$sdk/check.mjs" "$out"; then
  rm -f "$out"
  exit 1
fi
