// Quick check of a built contract against the module rules of wcme-vm (docs/vm.md, "What a
// contract module looks like"), so that a mistake shows at build time rather than at upload:
// imports only functions of `wcme_v1`, no start function, exports memory/deploy/call, no
// f32/f64 anywhere. The VM's own validator (Vm::validate) stays the authority.
//
//   node check.mjs <contract.wasm>
import { readFileSync } from "node:fs";
import binaryen from "binaryen";

const file = process.argv[2];
const bytes = readFileSync(file);
const errors = [];

// Section scan: ids 2 (import), 7 (export), 8 (start).
function leb(state) {
  let result = 0, shift = 0, byte;
  do {
    byte = bytes[state.pos++];
    result |= (byte & 0x7f) << shift;
    shift += 7;
  } while (byte & 0x80);
  return result >>> 0;
}
function name(state) {
  const len = leb(state);
  const text = bytes.subarray(state.pos, state.pos + len).toString("utf8");
  state.pos += len;
  return text;
}
const exports = new Map();
const state = { pos: 8 };
while (state.pos < bytes.length) {
  const id = bytes[state.pos++];
  const size = leb(state);
  const end = state.pos + size;
  if (id === 8) errors.push("has a start function: keep top-level code to constants");
  if (id === 2) {
    const s = { pos: state.pos };
    for (let n = leb(s); n > 0; n--) {
      const module = name(s), field = name(s), kind = bytes[s.pos++];
      if (module !== "wcme_v1") errors.push(`imports ${module}.${field}: only module wcme_v1 is allowed`);
      if (kind !== 0) errors.push(`imports ${module}.${field} that is not a function`);
      if (kind === 0) leb(s);
      else break; // only functions are expected; stop decoding
    }
  }
  if (id === 7) {
    const s = { pos: state.pos };
    for (let n = leb(s); n > 0; n--) {
      const field = name(s), kind = bytes[s.pos++];
      leb(s);
      exports.set(field, kind);
    }
  }
  state.pos = end;
}
for (const [field, kind] of [["memory", 2], ["deploy", 0], ["call", 0]]) {
  if (exports.get(field) !== kind) errors.push(`does not export ${field}`);
}

// Floats: any f32/f64 type or instruction in the text form (data segments left out).
const text = binaryen.readBinary(bytes).emitText();
const floats = text.split("\n").filter((line) => !/^\s*\(data\b/.test(line) && /\bf(32|64)\b|\bf(32|64)\./.test(line));
if (floats.length) errors.push(`uses floats (forbidden), e.g.: ${floats[0].trim()}`);

if (errors.length) {
  console.error(`error: ${file} would be rejected by the contract VM:\n  ${errors.join("\n  ")}`);
  process.exit(1);
}
