//! Host ABI version 1: the import module `wcme_v1`, its functions with their exact signatures,
//! and the status codes they return. `docs/vm.md` describes each function for contract authors.
//!
//! Pointers and lengths are `i32` read as unsigned offsets into the contract's memory; account
//! ids and hashes are 32 bytes, balances 16 little-endian bytes.

/// The module every import of a contract must come from.
pub const ABI_MODULE: &str = "wcme_v1";

/// The ABI version this crate implements.
pub const ABI_VERSION: u32 = 1;

/// The memory a contract must export.
pub const EXPORT_MEMORY: &str = "memory";

/// `storage_get`: the key is absent.
pub const STORAGE_ABSENT: i32 = -1;

/// `transfer`: done.
pub const TRANSFER_OK: i32 = 0;
/// `transfer`: refused by the host (balance too low, …).
pub const TRANSFER_REFUSED: i32 = 1;

/// `call`: the callee returned; its output is the return data.
pub const CALL_RETURNED: i32 = 0;
/// `call`: the callee reverted; its revert data is the return data.
pub const CALL_REVERTED: i32 = 1;
/// `call`: the callee trapped, ran out of fuel, or could not be called (depth limit,
/// reentrancy, no contract); the return data is empty.
pub const CALL_FAILED: i32 = 2;

/// Length of an account id in memory.
pub const ACCOUNT_ID_LEN: u32 = 32;
/// Length of a balance in memory.
pub const BALANCE_LEN: u32 = 16;
/// Length of an event topic in memory.
pub const TOPIC_LEN: u32 = 32;
/// Length of a hash output in memory.
pub const HASH_LEN: u32 = 32;

/// A Wasm value type of the ABI (only integers: contracts have no floats).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AbiType {
    /// `i32`
    I32,
    /// `i64`
    I64,
}

/// One host function: its name in `wcme_v1` and its signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HostFunction {
    /// Import name.
    pub name: &'static str,
    /// Parameter types.
    pub params: &'static [AbiType],
    /// Result types (none or one).
    pub results: &'static [AbiType],
}

use AbiType::{I32, I64};

const fn f(
    name: &'static str,
    params: &'static [AbiType],
    results: &'static [AbiType],
) -> HostFunction {
    HostFunction {
        name,
        params,
        results,
    }
}

/// Every host function of ABI version 1.
pub const HOST_FUNCTIONS: &[HostFunction] = &[
    f("input_len", &[], &[I32]),
    f("input_read", &[I32], &[]),
    f("storage_get", &[I32, I32, I32, I32], &[I32]),
    f("storage_set", &[I32, I32, I32, I32], &[]),
    f("storage_remove", &[I32, I32], &[]),
    f("caller", &[I32], &[]),
    f("address", &[I32], &[]),
    f("value_transferred", &[I32], &[]),
    f("balance", &[I32], &[]),
    f("transfer", &[I32, I32], &[I32]),
    f("emit_event", &[I32, I32, I32, I32], &[]),
    f("block_number", &[], &[I64]),
    f("timestamp", &[], &[I64]),
    f("hash_blake2_256", &[I32, I32, I32], &[]),
    f("hash_keccak_256", &[I32, I32, I32], &[]),
    f("call", &[I32, I32, I64, I32, I32], &[I32]),
    f("return_data_len", &[], &[I32]),
    f("return_data_read", &[I32], &[]),
    f("finish", &[I32, I32], &[]),
    f("revert", &[I32, I32], &[]),
];

/// The host function called `name`, if ABI version 1 has one.
pub fn host_function(name: &str) -> Option<&'static HostFunction> {
    HOST_FUNCTIONS.iter().find(|function| function.name == name)
}
