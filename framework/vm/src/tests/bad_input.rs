//! One test per kind of bad code or input: each is rejected at validation or traps with a
//! typed reason, and the state of a failed frame is rolled back.

use super::{
    PRELUDE, contract,
    host_functions::{callee, echo, proxy, proxy_input},
    vm, wasm, with_stack,
    world::{World, account},
};
use crate::{
    CodeError, Entry, ExecResult, HostLimit, Outcome, TrapReason, Vm, VmConfig, code_hash,
};

const FUEL: u64 = 10_000_000;
const CONTRACT: [u8; 32] = [0xc0; 32];

/// A module with the given items and the required exports around them.
fn module(items: &str) -> Vec<u8> {
    wasm(&format!("(module {items})"))
}

fn minimal(extra: &str) -> String {
    format!(
        r#"(memory (export "memory") 1)
           (func (export "deploy"))
           (func (export "call"))
           {extra}"#
    )
}

fn trapped(outcome: &Outcome) -> &TrapReason {
    match &outcome.result {
        ExecResult::Trapped(reason) => reason,
        other => panic!("expected a trap, got {other:?}"),
    }
}

#[test]
fn minimal_contract_is_valid() {
    let code = module(&minimal(""));
    let info = vm().validate(&code).unwrap();
    assert_eq!(info.code_hash, code_hash(&code));
    assert_eq!((info.memory_pages, info.functions), (1, 2));
    assert!(info.host_functions.is_empty());
    let info = vm().validate(&echo()).unwrap();
    assert_eq!(info.host_functions.len(), crate::abi::HOST_FUNCTIONS.len());
}

#[test]
fn invalid_wasm_is_rejected_and_does_not_execute() {
    let vm = vm();
    assert!(matches!(
        vm.validate(b"not wasm at all"),
        Err(CodeError::InvalidWasm { .. })
    ));
    assert!(matches!(
        vm.validate(b""),
        Err(CodeError::InvalidWasm { .. })
    ));
    let truncated = &module(&minimal(""))[..20];
    assert!(matches!(
        vm.validate(truncated),
        Err(CodeError::InvalidWasm { .. })
    ));

    let code = b"\0asm\x01\0\0\0garbage".to_vec();
    let mut world = World::new(vm).with_contract(CONTRACT, code);
    let outcome = world.call(CONTRACT, 0, b"", FUEL);
    assert_eq!(outcome, Outcome::refused(TrapReason::InvalidCode));
}

#[test]
fn oversized_code_is_rejected() {
    // A valid module made large by a custom section.
    let mut code = module(&minimal(""));
    let payload = vec![0u8; 300 * 1024];
    let mut section = vec![1u8, b'x'];
    section.extend_from_slice(&payload);
    code.push(0);
    let mut len = section.len();
    loop {
        let byte = (len & 0x7f) as u8;
        len >>= 7;
        if len == 0 {
            code.push(byte);
            break;
        }
        code.push(byte | 0x80);
    }
    code.extend_from_slice(&section);
    let vm = vm();
    assert_eq!(
        vm.validate(&code),
        Err(CodeError::TooLarge {
            size: code.len(),
            max: 256 * 1024
        })
    );
    let small = Vm::new(VmConfig {
        max_code_size: 1_000_000,
        ..VmConfig::default()
    })
    .unwrap();
    assert!(small.validate(&code).is_ok());
}

#[test]
fn unknown_imports_are_rejected() {
    let code = module(&format!(
        r#"(import "env" "input_len" (func (result i32))) {}"#,
        minimal("")
    ));
    assert_eq!(
        vm().validate(&code),
        Err(CodeError::UnknownImportModule {
            module: "env".into(),
            name: "input_len".into()
        })
    );
    let code = module(&format!(
        r#"(import "wcme_v1" "self_destruct" (func)) {}"#,
        minimal("")
    ));
    assert_eq!(
        vm().validate(&code),
        Err(CodeError::UnknownHostFunction {
            name: "self_destruct".into()
        })
    );
    let code = module(&format!(
        r#"(import "wcme_v1" "g" (global i32)) {}"#,
        minimal("")
    ));
    assert_eq!(
        vm().validate(&code),
        Err(CodeError::NonFunctionImport {
            module: "wcme_v1".into(),
            name: "g".into()
        })
    );
}

#[test]
fn wrong_import_signature_is_rejected() {
    for import in [
        r#"(import "wcme_v1" "input_len" (func (result i64)))"#,
        r#"(import "wcme_v1" "input_read" (func (param i32 i32)))"#,
        r#"(import "wcme_v1" "block_number" (func (result i32)))"#,
        r#"(import "wcme_v1" "finish" (func (param i32 i32) (result i32)))"#,
    ] {
        let code = module(&format!("{import} {}", minimal("")));
        assert!(
            matches!(
                vm().validate(&code),
                Err(CodeError::WrongImportSignature { .. })
            ),
            "{import}"
        );
    }
}

#[test]
fn floats_are_rejected() {
    let vm = vm();
    for extra in [
        "(func (drop (f32.add (f32.const 1) (f32.const 2))))",
        "(func (param f64))",
        "(func (local f32))",
        "(global f64 (f64.const 0))",
        "(func (drop (i32.trunc_f32_s (f32.const 1))))",
        "(func (drop (f64.load (i32.const 0))))",
    ] {
        let code = module(&minimal(extra));
        assert!(
            matches!(vm.validate(&code), Err(CodeError::FloatsForbidden { .. })),
            "{extra}"
        );
    }
}

#[test]
fn wasmtime_itself_refuses_floats() {
    // Defence in depth: code that skipped `validate` still does not compile.
    let code = module(&minimal(
        "(func (drop (f32.add (f32.const 1) (f32.const 2))))",
    ));
    assert!(matches!(
        vm().compile(&code),
        Err(CodeError::Compile { .. })
    ));
    assert!(vm().compile(&module(&minimal(""))).is_ok());
}

#[test]
fn simd_threads_and_multi_memory_are_rejected() {
    let vm = vm();
    for extra in [
        "(func (drop (i32x4.splat (i32.const 1))))",
        "(func (drop (i32.atomic.load (i32.const 0))))",
    ] {
        let code = module(&minimal(extra));
        assert!(
            matches!(vm.validate(&code), Err(CodeError::InvalidWasm { .. })),
            "{extra}"
        );
    }
    let code = module(&minimal("(memory 1)"));
    assert!(matches!(
        vm.validate(&code),
        Err(CodeError::InvalidWasm { .. })
    ));
}

#[test]
fn start_function_is_rejected() {
    let code = module(&minimal("(func $init) (start $init)"));
    assert_eq!(vm().validate(&code), Err(CodeError::StartFunction));
}

#[test]
fn missing_or_mistyped_exports_are_rejected() {
    let vm = vm();
    let code = module(r#"(memory (export "memory") 1) (func (export "deploy"))"#);
    assert_eq!(
        vm.validate(&code),
        Err(CodeError::MissingExport { name: "call" })
    );
    let code = module(r#"(memory 1) (func (export "deploy")) (func (export "call"))"#);
    assert_eq!(
        vm.validate(&code),
        Err(CodeError::MissingExport { name: "memory" })
    );
    let code = module(
        r#"(memory (export "memory") 1)
           (func (export "deploy") (param i32)) (func (export "call"))"#,
    );
    assert_eq!(
        vm.validate(&code),
        Err(CodeError::WrongExport { name: "deploy" })
    );
    let code = module(
        r#"(memory (export "memory") 1) (func (export "deploy"))
           (func (export "call") (result i32) (i32.const 0))"#,
    );
    assert_eq!(
        vm.validate(&code),
        Err(CodeError::WrongExport { name: "call" })
    );
    let code = module(
        r#"(memory 1) (global (export "memory") i32 (i32.const 0))
           (func (export "deploy")) (func (export "call"))"#,
    );
    assert_eq!(
        vm.validate(&code),
        Err(CodeError::WrongExport { name: "memory" })
    );
}

#[test]
fn memory_and_table_limits_are_checked() {
    let vm = vm();
    let code = module(r#"(func (export "deploy")) (func (export "call"))"#);
    assert_eq!(vm.validate(&code), Err(CodeError::MemoryCount { count: 0 }));
    let code =
        module(r#"(memory (export "memory") 17) (func (export "deploy")) (func (export "call"))"#);
    assert_eq!(
        vm.validate(&code),
        Err(CodeError::MemoryTooLarge { pages: 17, max: 16 })
    );
    // A declared maximum above the limit is accepted: growth stops at the limit.
    let code = module(
        r#"(memory (export "memory") 1 1000) (func (export "deploy")) (func (export "call"))"#,
    );
    assert!(vm.validate(&code).is_ok());
    let code = module(&minimal("(table 1 funcref) (table 1 funcref)"));
    assert_eq!(vm.validate(&code), Err(CodeError::TableCount { count: 2 }));
    let code = module(&minimal("(table 5000 funcref)"));
    assert_eq!(
        vm.validate(&code),
        Err(CodeError::TableTooLarge {
            elements: 5000,
            max: 1024
        })
    );
    let code = module(&minimal("(table 10 funcref)"));
    assert!(vm.validate(&code).is_ok());
    let code = module(&minimal("(func (local i32 i64) (local i32))"));
    assert!(vm.validate(&code).is_ok());
    let tight = Vm::new(VmConfig {
        max_function_locals: 2,
        ..VmConfig::default()
    })
    .unwrap();
    assert_eq!(
        tight.validate(&code),
        Err(CodeError::TooManyLocals {
            index: 2,
            count: 3,
            max: 2
        })
    );
}

#[test]
fn externref_is_rejected() {
    let code = module(&minimal("(table 1 externref)"));
    assert!(matches!(
        vm().validate(&code),
        Err(CodeError::InvalidWasm { .. })
    ));
}

#[test]
fn code_hash_mismatch_traps_without_running() {
    let vm = vm();
    let code = echo();
    let outcome = vm.execute(&[0; 32], &code, Entry::Call, b"", FUEL, 0, &mut NoHost);
    assert_eq!(outcome, Outcome::refused(TrapReason::CodeHashMismatch));
    assert!(!vm.is_cached(&[0; 32]));
    let outcome = vm.execute(
        &code_hash(&code),
        &code,
        Entry::Call,
        b"x",
        FUEL,
        0,
        &mut NoHost,
    );
    assert_eq!(outcome.result, ExecResult::Returned(b"x".to_vec()));
    assert!(vm.is_cached(&code_hash(&code)));
}

#[test]
fn infinite_loop_runs_out_of_fuel_using_all_of_it() {
    let code = contract("(loop $forever (br $forever))", "");
    let mut world = World::new(vm()).with_contract(CONTRACT, code);
    let outcome = world.call(CONTRACT, 0, b"", 1_000_000);
    assert_eq!(trapped(&outcome), &TrapReason::OutOfFuel);
    assert_eq!(outcome.fuel_used, 1_000_000);
}

#[test]
fn too_little_fuel_to_instantiate_runs_out_of_fuel() {
    let mut world = World::new(vm()).with_contract(CONTRACT, echo());
    let outcome = world.call(CONTRACT, 0, b"", 10);
    assert_eq!(
        outcome,
        Outcome {
            fuel_used: 10,
            result: ExecResult::Trapped(TrapReason::OutOfFuel)
        }
    );
}

#[test]
fn instantiation_charges_data_segments_per_byte() {
    let fuel = |data: &str| {
        let code = contract("", &format!(r#"(data (i32.const 0) "{data}")"#));
        World::new(vm())
            .with_contract(CONTRACT, code)
            .call(CONTRACT, 0, b"", FUEL)
            .fuel_used
    };
    let per_byte = VmConfig::default().host_costs.per_byte;
    assert_eq!(fuel(&"x".repeat(1_001)) - fuel("x"), 1_000 * per_byte);
}

#[test]
fn data_segment_outside_memory_traps_at_instantiation() {
    let code = contract("", r#"(data (i32.const 65535) "too long")"#);
    assert!(vm().validate(&code).is_ok(), "only instantiation can tell");
    let mut world = World::new(vm()).with_contract(CONTRACT, code);
    assert_eq!(
        trapped(&world.call(CONTRACT, 0, b"", FUEL)),
        &TrapReason::MemoryOutOfBounds
    );
}

#[test]
fn host_function_without_enough_fuel_runs_out_of_fuel() {
    // Enough to instantiate and start, not enough for the storage write.
    let code = contract(
        "(call $storage_set (i32.const 0) (i32.const 4) (i32.const 0) (i32.const 4))",
        "",
    );
    let mut world = World::new(vm()).with_contract(CONTRACT, code);
    let outcome = world.call(CONTRACT, 0, b"", 3_000);
    assert_eq!(
        outcome,
        Outcome {
            fuel_used: 3_000,
            result: ExecResult::Trapped(TrapReason::OutOfFuel)
        }
    );
    assert!(world.state.storage.is_empty());
}

#[test]
fn deep_recursion_overflows_the_stack() {
    let code = contract(
        "(call $recurse (i32.const 0))",
        "(func $recurse (param i32) (call $recurse (i32.add (local.get 0) (i32.const 1))))",
    );
    let mut world = World::new(vm()).with_contract(CONTRACT, code);
    let outcome = world.call(CONTRACT, 0, b"", 100_000_000);
    assert_eq!(trapped(&outcome), &TrapReason::StackOverflow);
    assert!(outcome.fuel_used < 100_000_000);
}

#[test]
fn memory_grow_beyond_the_limit_returns_minus_one() {
    // One page to start with, limit 16: growing by 16 fails (-1), by 15 succeeds (old size 1),
    // then by 1 fails again.
    let code = contract(
        r#"(i32.store (i32.const 0) (memory.grow (i32.const 16)))
           (i32.store (i32.const 4) (memory.grow (i32.const 15)))
           (i32.store (i32.const 8) (memory.grow (i32.const 1)))
           (i32.store (i32.const 12) (memory.size))
           (call $finish (i32.const 0) (i32.const 16))"#,
        "",
    );
    let mut world = World::new(vm()).with_contract(CONTRACT, code);
    let outcome = world.call(CONTRACT, 0, b"", FUEL);
    let expected: Vec<u8> = [-1i32, 1, -1, 16]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    assert_eq!(outcome.result, ExecResult::Returned(expected));
}

#[test]
fn table_grow_beyond_the_limit_returns_minus_one() {
    let code = contract(
        r#"(i32.store (i32.const 0) (table.grow $t (ref.null func) (i32.const 1024)))
           (i32.store (i32.const 4) (table.grow $t (ref.null func) (i32.const 1023)))
           (call $finish (i32.const 0) (i32.const 8))"#,
        "(table $t 1 funcref)",
    );
    let mut world = World::new(vm()).with_contract(CONTRACT, code);
    let expected: Vec<u8> = [-1i32, 1].iter().flat_map(|v| v.to_le_bytes()).collect();
    assert_eq!(
        world.call(CONTRACT, 0, b"", FUEL).result,
        ExecResult::Returned(expected)
    );
}

#[test]
fn memory_grow_is_charged_per_page() {
    let grow = |pages: u32| {
        let code = contract(&format!("(drop (memory.grow (i32.const {pages})))"), "");
        World::new(vm())
            .with_contract(CONTRACT, code)
            .call(CONTRACT, 0, b"", FUEL)
            .fuel_used
    };
    let per_page = u64::from(VmConfig::default().host_costs.memory_grow_per_page);
    assert_eq!(grow(10) - grow(0), 10 * per_page);
}

#[test]
fn out_of_bounds_pointers_to_host_functions_trap() {
    let cases = [
        (
            "(call $finish (i32.const 65530) (i32.const 100))",
            "finish",
            65_530,
            100,
        ),
        (
            "(call $input_read (i32.const 65535))",
            "input_read",
            65_535,
            3,
        ),
        ("(call $caller (i32.const -1))", "caller", u32::MAX, 32),
        (
            "(drop (call $storage_get (i32.const 70000) (i32.const 4) \
             (i32.const 0) (i32.const 0)))",
            "storage_get",
            70_000,
            4,
        ),
        (
            "(call $hash_blake2_256 (i32.const 0) (i32.const 4) (i32.const 65520))",
            "hash_blake2_256",
            65_520,
            32,
        ),
        (
            "(drop (call $transfer (i32.const 0) (i32.const 65530)))",
            "transfer",
            65_530,
            16,
        ),
    ];
    for (body, function, ptr, len) in cases {
        let mut world = World::new(vm()).with_contract(CONTRACT, contract(body, ""));
        let outcome = world.call(CONTRACT, 0, b"abc", FUEL);
        assert_eq!(
            trapped(&outcome),
            &TrapReason::HostMemoryOutOfBounds { function, ptr, len },
            "{body}"
        );
    }
    // A plain load outside memory is a Wasm trap.
    let code = contract("(drop (i32.load (i32.const 65535)))", "");
    let mut world = World::new(vm()).with_contract(CONTRACT, code);
    assert_eq!(
        trapped(&world.call(CONTRACT, 0, b"", FUEL)),
        &TrapReason::MemoryOutOfBounds
    );
}

#[test]
fn host_limits_trap() {
    let cases = [
        (
            "(call $storage_set (i32.const 0) (i32.const 129) (i32.const 0) (i32.const 1))",
            HostLimit::KeyTooLong { len: 129, max: 128 },
        ),
        (
            "(call $storage_set (i32.const 0) (i32.const 1) (i32.const 0) (i32.const 16385))",
            HostLimit::ValueTooLong {
                len: 16_385,
                max: 16_384,
            },
        ),
        (
            "(call $emit_event (i32.const 0) (i32.const 0) (i32.const 0) (i32.const -1))",
            HostLimit::EventDataTooLong {
                len: u32::MAX,
                max: 16_384,
            },
        ),
        (
            "(call $finish (i32.const 0) (i32.const 65537))",
            HostLimit::IoTooLong {
                len: 65_537,
                max: 65_536,
            },
        ),
    ];
    for (body, limit) in cases {
        let mut world = World::new(vm()).with_contract(CONTRACT, contract(body, ""));
        assert_eq!(
            trapped(&world.call(CONTRACT, 0, b"", FUEL)),
            &TrapReason::HostLimit(limit)
        );
    }
    let mut world = World::new(vm()).with_contract(CONTRACT, echo());
    let input = vec![0; 65_537];
    assert_eq!(
        world.call(CONTRACT, 0, &input, FUEL),
        Outcome::refused(TrapReason::HostLimit(HostLimit::IoTooLong {
            len: 65_537,
            max: 65_536
        }))
    );
}

#[test]
fn traps_roll_back_the_frame() {
    let code = contract(
        r#"(call $storage_set (i32.const 0) (i32.const 3) (i32.const 0) (i32.const 3))
           unreachable"#,
        r#"(data (i32.const 0) "key")"#,
    );
    let mut world = World::new(vm()).with_contract(CONTRACT, code);
    assert_eq!(
        trapped(&world.call(CONTRACT, 0, b"", FUEL)),
        &TrapReason::Unreachable
    );
    assert!(world.state.storage.is_empty());
}

#[test]
fn nested_call_depth_limit_fails_the_deepest_call() {
    with_stack(|| {
        let config = VmConfig {
            max_call_depth: 2,
            ..VmConfig::default()
        };
        let (a, b, c, d) = (account(1), account(2), account(3), account(4));
        let mut world = World::new(Vm::new(config).unwrap())
            .with_contract(a, proxy())
            .with_contract(b, proxy())
            .with_contract(c, proxy())
            .with_contract(d, callee());
        // a (depth 0) → b (1) → c (2) → d (3, beyond the limit).
        let input = proxy_input(
            b,
            0,
            0,
            &proxy_input(c, 0, 0, &proxy_input(d, 0, 0, &[0, 7])),
        );
        let outcome = world.call(a, 0, &input, FUEL);
        assert_eq!(outcome.result, ExecResult::Returned(vec![0, 0, 2]));
        assert_eq!(
            world.call_log,
            vec![(b, 1), (c, 2)],
            "the host is not asked for depth 3"
        );

        // One level less fits.
        let input = proxy_input(b, 0, 0, &proxy_input(d, 0, 0, &[0, 7]));
        assert_eq!(
            world.call(a, 0, &input, FUEL).result,
            ExecResult::Returned(vec![0, 0, 7])
        );

        // The Vm refuses to start a frame beyond the limit.
        let code = echo();
        let outcome = world.vm.execute(
            &code_hash(&code),
            &code,
            Entry::Call,
            b"",
            FUEL,
            3,
            &mut NoHost,
        );
        assert_eq!(outcome, Outcome::refused(TrapReason::CallDepth));
    });
}

#[test]
fn reentrancy_is_refused_by_the_host() {
    with_stack(|| {
        let (a, b) = (account(1), account(2));
        let mut world = World::new(vm())
            .with_contract(a, proxy())
            .with_contract(b, proxy());
        // a → b → a: the host refuses to enter a again; b sees status 2.
        let input = proxy_input(b, 0, 0, &proxy_input(a, 0, 0, &[]));
        let outcome = world.call(a, 0, &input, FUEL);
        assert_eq!(outcome.result, ExecResult::Returned(vec![0, 2]));
        assert_eq!(world.call_log, vec![(b, 1), (a, 2)]);
    });
}

#[test]
fn fuel_is_deterministic_across_vm_instances_and_cache_states() {
    with_stack(|| {
        // Work of every kind: a loop, hashing, storage, a nested call, memory growth.
        let code = contract(
            r#"(local $i i32) (local $n i32)
               (local.set $n (call $input_len))
               (call $input_read (i32.const 0))
               (loop $again
                 (call $hash_blake2_256 (i32.const 0) (local.get $n) (i32.const 1024))
                 (call $storage_set (i32.const 1024) (i32.const 8) (i32.const 1024) (i32.const 32))
                 (local.set $i (i32.add (local.get $i) (i32.const 1)))
                 (br_if $again (i32.lt_u (local.get $i) (i32.const 50))))
               (drop (memory.grow (i32.const 2)))
               (memory.fill (i32.const 8192) (i32.const 0) (i32.const 4096))
               (drop (call $call (i32.const 4096) (i32.const 4128) (i64.const 0)
                                 (i32.const 0) (i32.const 1)))
               (call $finish (i32.const 1024) (i32.const 32))"#,
            // The callee's address, [2; 32].
            &format!(r#"(data (i32.const 4096) "{}")"#, "\\02".repeat(32)),
        );
        let run = |vm: Vm| {
            let mut world = World::new(vm)
                .with_contract(CONTRACT, code.clone())
                .with_contract(account(2), callee());
            let first = world.call(CONTRACT, 0, b"determinism", FUEL);
            let second = world.call(CONTRACT, 0, b"determinism", FUEL);
            assert_eq!(first.fuel_used, second.fuel_used, "cache miss and hit");
            (first, world.state)
        };
        let (one, state_one) = run(vm());
        let (two, state_two) = run(vm());
        assert!(one.result.is_success(), "{one:?}");
        assert_eq!(one, two);
        assert_eq!(state_one, state_two);
    });
}

/// A host for calls that never reach it.
struct NoHost;

impl crate::Host for NoHost {
    fn storage_get(&mut self, _: &[u8]) -> Option<Vec<u8>> {
        None
    }
    fn storage_set(&mut self, _: &[u8], _: &[u8]) {}
    fn storage_remove(&mut self, _: &[u8]) {}
    fn caller(&self) -> crate::AccountId {
        [0; 32]
    }
    fn address(&self) -> crate::AccountId {
        [0; 32]
    }
    fn value_transferred(&self) -> crate::Balance {
        0
    }
    fn balance(&self) -> crate::Balance {
        0
    }
    fn transfer(
        &mut self,
        _: &crate::AccountId,
        _: crate::Balance,
    ) -> Result<(), crate::TransferError> {
        Err(crate::TransferError::Refused)
    }
    fn deposit_event(&mut self, _: Vec<crate::Topic>, _: Vec<u8>) {}
    fn block_number(&self) -> u64 {
        0
    }
    fn timestamp(&self) -> u64 {
        0
    }
    fn call(&mut self, _: crate::CallRequest<'_>) -> Outcome {
        Outcome::refused(TrapReason::CallRefused)
    }
}

#[test]
fn prelude_declares_every_host_function() {
    for function in crate::abi::HOST_FUNCTIONS {
        assert!(
            PRELUDE.contains(&format!("\"{}\"", function.name)),
            "{}",
            function.name
        );
    }
}
