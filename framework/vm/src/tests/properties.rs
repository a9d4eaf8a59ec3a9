//! Property tests: random bytes as code, mutated contracts and random call data never make the
//! Vm panic.

use std::sync::{Arc, OnceLock};

use proptest::prelude::*;

use super::{contract, host_functions::echo, vm, world::World};
use crate::Vm;

const CONTRACT: [u8; 32] = [0xc0; 32];

/// One Vm for all cases: its cache keeps the compiled contracts (Cranelift is slow unoptimised).
fn shared_vm() -> Arc<Vm> {
    static VM: OnceLock<Arc<Vm>> = OnceLock::new();
    VM.get_or_init(|| Arc::new(vm())).clone()
}

/// Calls the host function chosen by the first input word with the next words as arguments:
/// random input becomes random pointers and lengths.
fn pointer_fuzzer() -> Vec<u8> {
    contract(
        r#"(local $n i32) (local $f i32) (local $a i32) (local $b i32) (local $c i32) (local $d i32)
           (local.set $n (call $input_len))
           (if (i32.gt_u (local.get $n) (i32.const 1024)) (then unreachable))
           (call $input_read (i32.const 0))
           (local.set $f (i32.rem_u (i32.load8_u (i32.const 0)) (i32.const 12)))
           (local.set $a (i32.load (i32.const 1)))
           (local.set $b (i32.load (i32.const 5)))
           (local.set $c (i32.load (i32.const 9)))
           (local.set $d (i32.load (i32.const 13)))
           (block $done
             (br_if $done (i32.ne (local.get $f) (i32.const 0)))
             (drop (call $storage_get (local.get $a) (local.get $b) (local.get $c) (local.get $d))))
           (if (i32.eq (local.get $f) (i32.const 1))
             (then (call $storage_set (local.get $a) (local.get $b) (local.get $c) (local.get $d))))
           (if (i32.eq (local.get $f) (i32.const 2))
             (then (call $storage_remove (local.get $a) (local.get $b))))
           (if (i32.eq (local.get $f) (i32.const 3))
             (then (call $emit_event (local.get $a) (local.get $b) (local.get $c) (local.get $d))))
           (if (i32.eq (local.get $f) (i32.const 4))
             (then (call $hash_keccak_256 (local.get $a) (local.get $b) (local.get $c))))
           (if (i32.eq (local.get $f) (i32.const 5))
             (then (drop (call $transfer (local.get $a) (local.get $b)))))
           (if (i32.eq (local.get $f) (i32.const 6))
             (then (drop (call $call (local.get $a) (local.get $b) (i64.extend_i32_u (local.get $c))
                                     (local.get $d) (local.get $a)))))
           (if (i32.eq (local.get $f) (i32.const 7))
             (then (call $revert (local.get $a) (local.get $b))))
           (if (i32.eq (local.get $f) (i32.const 8))
             (then (call $balance (local.get $a))))
           (if (i32.eq (local.get $f) (i32.const 9))
             (then (call $return_data_read (local.get $a))))
           (if (i32.eq (local.get $f) (i32.const 10))
             (then (drop (memory.grow (local.get $a)))))
           (call $finish (local.get $a) (local.get $b))"#,
        "",
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_as_code_never_panic(code in proptest::collection::vec(any::<u8>(), 0..512)) {
        let vm = shared_vm();
        let _ = vm.validate(&code);
        let mut world = World::with_vm(vm).with_contract(CONTRACT, code);
        let _ = world.call(CONTRACT, 0, b"", 100_000);
    }

    #[test]
    fn mutated_contracts_never_panic(
        mutations in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
    ) {
        let mut code = echo();
        for (index, byte) in mutations {
            let at = index.index(code.len());
            code[at] = byte;
        }
        let vm = shared_vm();
        let _ = vm.validate(&code);
        let mut world = World::with_vm(vm).with_contract(CONTRACT, code);
        let outcome = world.call(CONTRACT, 0, b"in", 100_000);
        prop_assert!(outcome.fuel_used <= 100_000);
    }

    #[test]
    fn random_call_data_never_panics(input in proptest::collection::vec(any::<u8>(), 0..64)) {
        let mut world = World::with_vm(shared_vm()).with_contract(CONTRACT, pointer_fuzzer());
        let outcome = world.call(CONTRACT, 0, &input, 1_000_000);
        prop_assert!(outcome.fuel_used <= 1_000_000);
    }

    #[test]
    fn small_pointers_and_lengths_never_panic(
        function in 0u8..12,
        a in 0u32..70_000,
        b in 0u32..300,
        c in 0u32..70_000,
        d in 0u32..300,
    ) {
        let mut input = vec![function];
        for word in [a, b, c, d] {
            input.extend_from_slice(&word.to_le_bytes());
        }
        let mut world = World::with_vm(shared_vm()).with_contract(CONTRACT, pointer_fuzzer());
        world.state.balances.insert(CONTRACT, 1_000_000);
        let outcome = world.call(CONTRACT, 0, &input, 1_000_000);
        prop_assert!(outcome.fuel_used <= 1_000_000);
    }
}
