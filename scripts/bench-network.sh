#!/usr/bin/env bash
# The network figures of docs/performance.md ("Signed transfers through a network"): signed
# transfers per second and time to finality through 4-node networks of each consensus engine,
# then the main chain alone and with 1, 2 and 4 subchains on one machine, one node each.
#
#   scripts/bench-network.sh [path/to/wcme-node] [transfers per chain]
#
# Every chain uses 2 s slots so that the engines compare; specs go to a temporary directory.
set -euo pipefail

node=${1:-target/release/wcme-node}
transfers=${2:-20000}
specs=$(mktemp -d)
trap 'rm -rf "$specs"' EXIT

# The main chain: POC among the four `local` agents, and the dev engine, both with 2 s slots.
"$node" build-spec --chain local 2>/dev/null |
  python3 -c 'import json,sys; s=json.load(sys.stdin); s["genesis"]["runtimeGenesis"]["patch"]["poc"]["slotDurationMs"]=2000; json.dump(s,sys.stdout)' \
  > "$specs/main-poc.json"
"$node" build-spec --chain dev 2>/dev/null |
  python3 -c 'import json,sys; s=json.load(sys.stdin); s["consensus"]["slotDurationMs"]=2000; json.dump(s,sys.stdout)' \
  > "$specs/main-dev.json"
# Subchains of the template runtime: four validators per engine, and one-validator Aura chains.
for engine in aura pbft pow; do
  "$node" subchain new "Bench $engine" --symbol "B${engine^^}" --consensus "$engine" \
    --validators alice,bob,charlie,dave --slot-duration-ms 2000 -o "$specs/sub-$engine.json"
done
for i in 1 2 3 4; do
  "$node" subchain new "Bench $i" --symbol "BS$i" --consensus aura --validators alice \
    --slot-duration-ms 2000 -o "$specs/single-$i.json"
done

# A chain whose run fails (its error says why) does not stop the others.
echo "== Per engine: 4 nodes each"
for chain in main-poc sub-aura sub-pbft sub-pow; do
  "$node" benchmark network --chain "$specs/$chain.json" --nodes 4 --transfers "$transfers" ||
    echo "!! $chain failed"
done

echo "== Main chain + 0, 1, 2, 4 subchains: 1 node each"
chains=(--chain "$specs/main-dev.json")
"$node" benchmark network "${chains[@]}" --nodes 1 --transfers "$transfers"
for i in 1 2 3 4; do
  chains+=(--chain "$specs/single-$i.json")
  if [ "$i" != 3 ]; then
    "$node" benchmark network "${chains[@]}" --nodes 1 --transfers "$transfers"
  fi
done
