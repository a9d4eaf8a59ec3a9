// The WCME contract SDK for AssemblyScript: helpers over host ABI version 1 (./abi.ts,
// docs/vm.md). Build contracts with sdk/assemblyscript/build.sh, which compiles with
// `--runtime stub` (a bump allocator that never frees: fine, every execution gets a fresh
// memory) and routes `abort` (failed assert, throw, out-of-bounds access) to `wcmeAbort`,
// which reverts.
//
// A contract exports `deploy` and `call`, keeps top-level code to compile-time constants (the
// module may have no start function) and avoids f32/f64 and the parts of the standard library
// that use them (number formatting, Math, Date):
//
//     import { Reader, finishU128, ... } from "<path to>/sdk/assemblyscript/assembly/wcme";
//     export function deploy(): void { ... }
//     export function call(): void { ... }

import {
  input_len,
  input_read,
  storage_get,
  storage_set,
  storage_remove,
  caller as host_caller,
  address as host_address,
  value_transferred,
  balance as host_balance,
  block_number,
  timestamp,
  transfer as host_transfer,
  emit_event,
  hash_blake2_256,
  hash_keccak_256,
  call as host_call,
  return_data_len,
  return_data_read,
  finish as host_finish,
  revert as host_revert,
} from "./abi";

export const ACCOUNT_LEN: i32 = 32;
export const BALANCE_LEN: i32 = 16;
export const TOPIC_LEN: i32 = 32;
export const MAX_TOPICS: i32 = 4;
export const MAX_KEY_LEN: i32 = 128;

/** `storage_get`: the key is absent. */
export const STORAGE_ABSENT: i32 = -1;
/** `call` status: the callee returned / reverted / trapped or could not be called. */
export const CALL_RETURNED: i32 = 0;
export const CALL_REVERTED: i32 = 1;
export const CALL_FAILED: i32 = 2;

/** Revert code of the helpers for input (or return data) longer than a buffer. */
export const ERR_TOO_LONG: u8 = 0xff;
/** Revert code of `wcmeAbort` (followed by the message's ASCII bytes). */
export const ERR_ABORT: u8 = 0xfe;

// ---- Ending the execution ------------------------------------------------------------------

/** Ends the execution successfully with `len` bytes at `ptr` as output. */
export function finish(ptr: usize, len: i32): void {
  host_finish(ptr, len);
  unreachable();
}

/** Ends the execution as reverted with `len` bytes at `ptr`; the frame's changes are discarded. */
export function revert(ptr: usize, len: i32): void {
  host_revert(ptr, len);
  unreachable();
}

/** Reverts with one byte of revert data: the contract's error code. */
export function revertCode(code: u8): void {
  const ptr = heap.alloc(1);
  store<u8>(ptr, code);
  revert(ptr, 1);
}

/** Reverts with `code` unless `condition` holds. */
export function require(condition: bool, code: u8): void {
  if (!condition) revertCode(code);
}

/** Finishes with the 16 little-endian bytes of `value`. */
export function finishU128(value: U128): void {
  const ptr = heap.alloc(16);
  value.store(ptr);
  finish(ptr, 16);
}

/** Finishes with the 8 little-endian bytes of `value`. */
export function finishU64(value: u64): void {
  const ptr = heap.alloc(8);
  store<u64>(ptr, value);
  finish(ptr, 8);
}

/** Finishes with what `writer` holds. */
export function finishWith(writer: Writer): void {
  finish(writer.ptr, writer.len);
}

/**
 * The `abort` of the build (`--use abort=…/wcmeAbort`): a failed `assert`, a `throw` or a
 * runtime error reverts with ERR_ABORT ++ the message (ASCII, at most 200 bytes).
 */
export function wcmeAbort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  let n = 0;
  if (message !== null) n = min(message.length, 200);
  const ptr = heap.alloc(1 + n);
  store<u8>(ptr, ERR_ABORT);
  for (let i = 0; i < n; i++) store<u8>(ptr + 1 + i, <u8>message!.charCodeAt(i));
  revert(ptr, 1 + n);
}

// ---- u128 ----------------------------------------------------------------------------------

/** An unsigned 128-bit number (balances, token amounts): two u64 halves. */
export class U128 {
  constructor(public lo: u64 = 0, public hi: u64 = 0) {}

  static zero(): U128 {
    return new U128(0, 0);
  }

  static fromU64(value: u64): U128 {
    return new U128(value, 0);
  }

  /** Reads 16 little-endian bytes at `ptr`. */
  static load(ptr: usize): U128 {
    return new U128(load<u64>(ptr), load<u64>(ptr, 8));
  }

  /** Writes 16 little-endian bytes at `ptr`. */
  store(ptr: usize): void {
    store<u64>(ptr, this.lo);
    store<u64>(ptr, this.hi, 8);
  }

  isZero(): bool {
    return (this.lo | this.hi) == 0;
  }

  eq(other: U128): bool {
    return this.lo == other.lo && this.hi == other.hi;
  }

  lt(other: U128): bool {
    return this.hi < other.hi || (this.hi == other.hi && this.lo < other.lo);
  }

  /** `this + other`, or null on overflow. */
  checkedAdd(other: U128): U128 | null {
    const lo = this.lo + other.lo;
    const carry: u64 = lo < this.lo ? 1 : 0;
    const hi1 = this.hi + other.hi;
    const hi = hi1 + carry;
    if (hi1 < this.hi || hi < hi1) return null;
    return new U128(lo, hi);
  }

  /** `this - other`, or null if `other > this`. */
  checkedSub(other: U128): U128 | null {
    if (this.lt(other)) return null;
    const borrow: u64 = this.lo < other.lo ? 1 : 0;
    return new U128(this.lo - other.lo, this.hi - other.hi - borrow);
  }
}

// ---- Accounts ------------------------------------------------------------------------------

/** A 32-byte account id at `ptr` (a user or a contract). */
export class Account {
  constructor(public readonly ptr: usize) {}

  /** A new all-zero account id. */
  static zero(): Account {
    const ptr = heap.alloc(32);
    memory.fill(ptr, 0, 32);
    return new Account(ptr);
  }

  /** The account that called this frame. */
  static caller(): Account {
    const ptr = heap.alloc(32);
    host_caller(ptr);
    return new Account(ptr);
  }

  /** This contract's own account. */
  static self(): Account {
    const ptr = heap.alloc(32);
    host_address(ptr);
    return new Account(ptr);
  }

  equals(other: Account): bool {
    return memory.compare(this.ptr, other.ptr, 32) == 0;
  }
}

// ---- Reading input and return data ---------------------------------------------------------

/** Reads fixed-size little-endian values from `len` bytes at `ptr`; out-of-range reads abort. */
export class Reader {
  constructor(public readonly ptr: usize, public readonly len: i32) {}

  /** This call's whole input. */
  static input(): Reader {
    const len = input_len();
    const ptr = heap.alloc(len);
    input_read(ptr);
    return new Reader(ptr, len);
  }

  /** The return data of the last `callContract`. */
  static returnData(): Reader {
    const len = return_data_len();
    const ptr = heap.alloc(len);
    return_data_read(ptr);
    return new Reader(ptr, len);
  }

  private at(offset: i32, size: i32): usize {
    if (offset < 0 || offset + size > this.len) revertCode(ERR_TOO_LONG);
    return this.ptr + <usize>offset;
  }

  u8(offset: i32): u8 {
    return load<u8>(this.at(offset, 1));
  }

  u64(offset: i32): u64 {
    return load<u64>(this.at(offset, 8));
  }

  u128(offset: i32): U128 {
    return U128.load(this.at(offset, 16));
  }

  /** A view of the 32 bytes at `offset` (not a copy). */
  account(offset: i32): Account {
    return new Account(this.at(offset, 32));
  }
}

// ---- Writing keys, event data, call input and output ---------------------------------------

/** Appends fixed-size little-endian values to a buffer of `cap` bytes; overflowing aborts. */
export class Writer {
  readonly ptr: usize;
  len: i32 = 0;

  constructor(public readonly cap: i32) {
    this.ptr = heap.alloc(cap);
  }

  private reserve(size: i32): usize {
    if (this.len + size > this.cap) revertCode(ERR_TOO_LONG);
    const at = this.ptr + <usize>this.len;
    this.len += size;
    return at;
  }

  u8(value: u8): Writer {
    store<u8>(this.reserve(1), value);
    return this;
  }

  u64(value: u64): Writer {
    store<u64>(this.reserve(8), value);
    return this;
  }

  u128(value: U128): Writer {
    value.store(this.reserve(16));
    return this;
  }

  account(account: Account): Writer {
    memory.copy(this.reserve(32), account.ptr, 32);
    return this;
  }

  bytes(ptr: usize, len: i32): Writer {
    memory.copy(this.reserve(len), ptr, len);
    return this;
  }
}

/** A storage key `prefix ++ …`: append the parts with the Writer methods. */
export function key(prefix: u8): Writer {
  return new Writer(MAX_KEY_LEN).u8(prefix);
}

// ---- Storage (the contract's own) ----------------------------------------------------------

/** Reads the value of `key` into `size` bytes at `out` (a longer value is cut, a shorter one
 *  zero-padded); false, with `out` zeroed, if absent. */
export function get(key: Writer, out: usize, size: i32): bool {
  const len = storage_get(key.ptr, key.len, out, size);
  if (len == STORAGE_ABSENT) {
    memory.fill(out, 0, size);
    return false;
  }
  if (len < size) memory.fill(out + <usize>len, 0, size - len);
  return true;
}

export function set(key: Writer, ptr: usize, len: i32): void {
  storage_set(key.ptr, key.len, ptr, len);
}

export function remove(key: Writer): void {
  storage_remove(key.ptr, key.len);
}

/** The u128 stored under `key`, 0 if absent. */
export function getU128(key: Writer): U128 {
  const ptr = heap.alloc(16);
  get(key, ptr, 16);
  return U128.load(ptr);
}

export function setU128(key: Writer, value: U128): void {
  const ptr = heap.alloc(16);
  value.store(ptr);
  storage_set(key.ptr, key.len, ptr, 16);
}

/** The u64 stored under `key`, 0 if absent. */
export function getU64(key: Writer): u64 {
  const ptr = heap.alloc(8);
  get(key, ptr, 8);
  return load<u64>(ptr);
}

export function setU64(key: Writer, value: u64): void {
  const ptr = heap.alloc(8);
  store<u64>(ptr, value);
  storage_set(key.ptr, key.len, ptr, 8);
}

// ---- Context and value ---------------------------------------------------------------------

/** The value transferred with this call. */
export function valueTransferred(): U128 {
  const ptr = heap.alloc(16);
  value_transferred(ptr);
  return U128.load(ptr);
}

/** This contract's free balance. */
export function selfBalance(): U128 {
  const ptr = heap.alloc(16);
  host_balance(ptr);
  return U128.load(ptr);
}

export function blockNumber(): u64 {
  return block_number();
}

/** Milliseconds since the Unix epoch. */
export function timestampMs(): u64 {
  return timestamp();
}

/** Transfers `amount` from this contract to `to`; false if the host refused. */
export function transferTo(to: Account, amount: U128): bool {
  const ptr = heap.alloc(16);
  amount.store(ptr);
  return host_transfer(to.ptr, ptr) == 0;
}

// ---- Hashing -------------------------------------------------------------------------------

export function blake2_256(ptr: usize, len: i32): usize {
  const out = heap.alloc(32);
  hash_blake2_256(ptr, len, out);
  return out;
}

export function keccak_256(ptr: usize, len: i32): usize {
  const out = heap.alloc(32);
  hash_keccak_256(ptr, len, out);
  return out;
}

// ---- Events --------------------------------------------------------------------------------

/**
 * An event: topic 0 is `name` (ASCII, at most 32 characters) zero-padded to 32 bytes, the
 * examples' event-signature convention; add up to 3 more topics, then `emit(data)`.
 */
export class Event {
  private readonly topics: usize;
  private count: i32 = 0;

  constructor(name: string) {
    this.topics = heap.alloc(MAX_TOPICS * TOPIC_LEN);
    memory.fill(this.topics, 0, MAX_TOPICS * TOPIC_LEN);
    const n = min(name.length, TOPIC_LEN);
    for (let i = 0; i < n; i++) store<u8>(this.topics + <usize>i, <u8>name.charCodeAt(i));
    this.count = 1;
  }

  /** Adds a topic holding an account id. */
  account(account: Account): Event {
    return this.topic(account.ptr);
  }

  /** Adds the 32 bytes at `ptr` as a topic. */
  topic(ptr: usize): Event {
    if (this.count == MAX_TOPICS) revertCode(ERR_TOO_LONG);
    memory.copy(this.topics + <usize>(this.count * TOPIC_LEN), ptr, TOPIC_LEN);
    this.count++;
    return this;
  }

  emit(data: Writer): void {
    emit_event(this.topics, this.count, data.ptr, data.len);
  }
}

// ---- Calling another contract --------------------------------------------------------------

/** Calls `callee` with `value` and the input, with at most `gasLimit` fuel (0: all left).
 *  Returns CALL_RETURNED, CALL_REVERTED or CALL_FAILED; read the output with
 *  `Reader.returnData()`. */
export function callContract(callee: Account, value: U128, gasLimit: u64, input: Writer): i32 {
  const valuePtr = heap.alloc(16);
  value.store(valuePtr);
  return host_call(callee.ptr, valuePtr, gasLimit, input.ptr, input.len);
}
