//! Tests of the Vm against an in-memory host ([`world`]): every host function, every kind of
//! bad code and input, determinism of fuel, and property tests feeding random bytes.

mod artifacts;
mod bad_input;
mod host_functions;
mod properties;
#[path = "../../tests/common/world.rs"]
mod world;

use world::with_stack;

use crate::{Vm, VmConfig};

/// Imports every `wcme_v1` function under `$name` and exports one page of memory.
pub(crate) const PRELUDE: &str = r#"
  (import "wcme_v1" "input_len" (func $input_len (result i32)))
  (import "wcme_v1" "input_read" (func $input_read (param i32)))
  (import "wcme_v1" "storage_get" (func $storage_get (param i32 i32 i32 i32) (result i32)))
  (import "wcme_v1" "storage_set" (func $storage_set (param i32 i32 i32 i32)))
  (import "wcme_v1" "storage_remove" (func $storage_remove (param i32 i32)))
  (import "wcme_v1" "caller" (func $caller (param i32)))
  (import "wcme_v1" "address" (func $address (param i32)))
  (import "wcme_v1" "value_transferred" (func $value_transferred (param i32)))
  (import "wcme_v1" "balance" (func $balance (param i32)))
  (import "wcme_v1" "transfer" (func $transfer (param i32 i32) (result i32)))
  (import "wcme_v1" "emit_event" (func $emit_event (param i32 i32 i32 i32)))
  (import "wcme_v1" "block_number" (func $block_number (result i64)))
  (import "wcme_v1" "timestamp" (func $timestamp (result i64)))
  (import "wcme_v1" "hash_blake2_256" (func $hash_blake2_256 (param i32 i32 i32)))
  (import "wcme_v1" "hash_keccak_256" (func $hash_keccak_256 (param i32 i32 i32)))
  (import "wcme_v1" "call" (func $call (param i32 i32 i64 i32 i32) (result i32)))
  (import "wcme_v1" "return_data_len" (func $return_data_len (result i32)))
  (import "wcme_v1" "return_data_read" (func $return_data_read (param i32)))
  (import "wcme_v1" "finish" (func $finish (param i32 i32)))
  (import "wcme_v1" "revert" (func $revert (param i32 i32)))
  (memory (export "memory") 1)
"#;

/// WAT text to Wasm.
pub(crate) fn wasm(wat: &str) -> Vec<u8> {
    wat::parse_str(wat).unwrap()
}

/// A contract: the prelude, an empty `deploy`, and `call` with `body` (plus `extra` items).
pub(crate) fn contract(body: &str, extra: &str) -> Vec<u8> {
    wasm(&format!(
        r#"(module {PRELUDE}
            (func (export "deploy"))
            (func (export "call") {body})
            {extra})"#
    ))
}

/// A Vm with the default configuration.
pub(crate) fn vm() -> Vm {
    Vm::new(VmConfig::default()).unwrap()
}

#[test]
fn vm_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Vm>();
}
