// Host ABI version 1: the raw imports of module `wcme_v1` (docs/vm.md, "Host ABI version 1").
//
// Every pointer is an offset in the contract's memory and every length an unsigned 32-bit
// value; a region outside the memory traps. Account ids and hashes are 32 bytes, balances 16
// little-endian bytes. `finish` and `revert` never return. Prefer the helpers in `wcme.ts`.

// Call input
@external("wcme_v1", "input_len")
export declare function input_len(): i32;
@external("wcme_v1", "input_read")
export declare function input_read(out_ptr: usize): void;

// Storage (the executing contract's own)
/** The value's full length, or -1 if absent; copies min(length, out_cap) bytes. */
@external("wcme_v1", "storage_get")
export declare function storage_get(key_ptr: usize, key_len: i32, out_ptr: usize, out_cap: i32): i32;
@external("wcme_v1", "storage_set")
export declare function storage_set(key_ptr: usize, key_len: i32, val_ptr: usize, val_len: i32): void;
@external("wcme_v1", "storage_remove")
export declare function storage_remove(key_ptr: usize, key_len: i32): void;

// Context
@external("wcme_v1", "caller")
export declare function caller(out_ptr: usize): void;
@external("wcme_v1", "address")
export declare function address(out_ptr: usize): void;
@external("wcme_v1", "value_transferred")
export declare function value_transferred(out_ptr: usize): void;
@external("wcme_v1", "balance")
export declare function balance(out_ptr: usize): void;
@external("wcme_v1", "block_number")
export declare function block_number(): u64;
@external("wcme_v1", "timestamp")
export declare function timestamp(): u64;

// Value transfer: 0 done, 1 refused
@external("wcme_v1", "transfer")
export declare function transfer(to_ptr: usize, amount_ptr: usize): i32;

// Events: at most 4 topics of 32 bytes, one after another at topics_ptr
@external("wcme_v1", "emit_event")
export declare function emit_event(topics_ptr: usize, topic_count: i32, data_ptr: usize, data_len: i32): void;

// Hashing
@external("wcme_v1", "hash_blake2_256")
export declare function hash_blake2_256(in_ptr: usize, in_len: i32, out_ptr: usize): void;
@external("wcme_v1", "hash_keccak_256")
export declare function hash_keccak_256(in_ptr: usize, in_len: i32, out_ptr: usize): void;

// Calling another contract: 0 returned, 1 reverted, 2 trapped or could not be called.
// gas_limit 0 means all the fuel left.
@external("wcme_v1", "call")
export declare function call(callee_ptr: usize, value_ptr: usize, gas_limit: u64, input_ptr: usize, input_len: i32): i32;
@external("wcme_v1", "return_data_len")
export declare function return_data_len(): i32;
@external("wcme_v1", "return_data_read")
export declare function return_data_read(out_ptr: usize): void;

// Ending the execution (never return)
@external("wcme_v1", "finish")
export declare function finish(data_ptr: usize, data_len: i32): void;
@external("wcme_v1", "revert")
export declare function revert(data_ptr: usize, data_len: i32): void;
