#!/usr/bin/env bash
# Installs every system package WCME needs on a fresh Debian/Ubuntu machine:
#   clang + libclang-dev  bindgen for the rocksdb crate; clang also builds C contracts
#                         (sdk/c, --target=wasm32)
#   lld                   wasm-ld, the linker of C contracts
#   nodejs + npm          the @polkadot/api client example and its test; the AssemblyScript
#                         contract SDK (sdk/assemblyscript)
# Rust itself (1.95) is expected to be installed with rustup.
set -euo pipefail

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
for package in clang libclang-dev lld; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! cargo --version >/dev/null 2>&1; then
  echo "cargo not found: install Rust 1.95 with rustup first" >&2
  exit 1
fi
echo "System packages are in place."
