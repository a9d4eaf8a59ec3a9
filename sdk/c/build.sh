#!/usr/bin/env bash
# Builds a WCME contract written in C into a Wasm module that wcme-vm accepts.
#
#   sdk/c/build.sh <contract.c> <out.wasm> [more.c ...]
#
# Needs clang and wasm-ld (Debian packages clang and lld: run scripts/setup.sh). The module:
# wasm32, MVP integer instructions plus bulk memory, sign extension and mutable globals (what
# the VM allows; no SIMD, no floats), imports only `wcme_v1`, exports memory/deploy/call, no
# start function, a 64 KiB stack, no libc (sdk/c/wcme.c provides memcpy & co.).
set -euo pipefail

if [ $# -lt 2 ]; then
  echo "usage: $0 <contract.c> <out.wasm> [more.c ...]" >&2
  exit 2
fi
src=$1
out=$2
shift 2
sdk=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

missing() {
  echo "error: $1 not found; install the system packages with scripts/setup.sh (Debian: $2)" >&2
  exit 127
}

clang=${CLANG:-}
if [ -z "$clang" ]; then
  for candidate in clang clang-19 clang-18 clang-17 clang-16 clang-15 clang-14; do
    if command -v "$candidate" >/dev/null 2>&1; then clang=$candidate; break; fi
  done
fi
[ -n "$clang" ] || missing clang clang

# wasm-ld: Debian's `lld` package installs /usr/bin/wasm-ld; `lld-NN` alone only
# /usr/bin/wasm-ld-NN and /usr/lib/llvm-NN/bin/wasm-ld.
wasm_ld=${WASM_LD:-}
if [ -z "$wasm_ld" ]; then
  for candidate in wasm-ld wasm-ld-19 wasm-ld-18 wasm-ld-17 wasm-ld-16 wasm-ld-15 wasm-ld-14; do
    if command -v "$candidate" >/dev/null 2>&1; then wasm_ld=$(command -v "$candidate"); break; fi
  done
fi
if [ -z "$wasm_ld" ]; then
  for candidate in /usr/lib/llvm-*/bin/wasm-ld; do
    if [ -x "$candidate" ]; then wasm_ld=$candidate; fi
  done
fi
[ -n "$wasm_ld" ] || missing wasm-ld lld

CFLAGS=(
  --target=wasm32 -std=c11 -O2
  -ffreestanding -nostdlib -fvisibility=hidden
  # Exactly the features wcme-vm validates; -mcpu=mvp keeps newer clangs from adding others.
  -mcpu=mvp -mbulk-memory -msign-ext -mmutable-globals
  # wcme.h poisons float/double; this catches float literals mixed into integer code.
  -Wall -Wextra -Werror=implicit-function-declaration -Werror=float-conversion
  -I "$sdk"
)
LDFLAGS=(
  --no-entry                    # no _start, no start function
  --export=deploy --export=call # fail at link time if an entry point is missing
  --gc-sections --strip-all
  -z stack-size=65536           # initial memory: data + 64 KiB stack (≤ 16 pages)
)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
objects=()
i=0
for file in "$src" "$@" "$sdk/wcme.c"; do
  "$clang" "${CFLAGS[@]}" -c "$file" -o "$tmp/$i.o"
  objects+=("$tmp/$i.o")
  i=$((i + 1))
done
mkdir -p "$(dirname "$out")"
rm -f "$out"
# No --allow-undefined: a call to anything that is neither defined nor a wcme_v1 import is a
# link error here instead of an `env` import the VM rejects.
"$wasm_ld" "${LDFLAGS[@]}" -o "$out" "${objects[@]}"

# The VM rejects any f32/f64 instruction; with llvm-objdump at hand (Debian's clang brings it),
# say so now rather than at upload.
objdump=$(command -v llvm-objdump || true)
if [ -z "$objdump" ]; then
  for candidate in /usr/lib/llvm-*/bin/llvm-objdump; do
    if [ -x "$candidate" ]; then objdump=$candidate; fi
  done
fi
if [ -n "$objdump" ]; then
  # (llvm-objdump prints the untyped `select`, opcode 1b, as f32.select: not a float.)
  floats=$("$objdump" -d "$out" | grep -E '[[:space:]]f(32|64)\.' |
    grep -vE ':[[:space:]]+1b[[:space:]]+f(32|64)\.select' | head -3 || true)
  if [ -n "$floats" ]; then
    rm -f "$out"
    echo "error: $src uses floating point, which the contract VM rejects:" >&2
    echo "$floats" >&2
    exit 1
  fi
fi
