//! Every host function of `wcme_v1`, through a contract in WAT and the test host.

use super::{
    contract, vm, with_stack,
    world::{ALICE, World, account},
};
use crate::{ExecResult, HostLimit, TrapReason};

const FUEL: u64 = 10_000_000;
const CONTRACT: [u8; 32] = [0xc0; 32];

/// `call` echoes its input with `finish`.
pub(crate) fn echo() -> Vec<u8> {
    contract(
        r#"(local $n i32)
           (local.set $n (call $input_len))
           (call $input_read (i32.const 0))
           (call $finish (i32.const 0) (local.get $n))"#,
        "",
    )
}

/// Input: callee (32) ++ value (16, LE) ++ gas (8, LE) ++ payload. Calls the callee with the
/// payload and finishes with `[status] ++ return data`.
pub(crate) fn proxy() -> Vec<u8> {
    contract(
        r#"(local $n i32) (local $status i32) (local $r i32)
           (local.set $n (call $input_len))
           (call $input_read (i32.const 0))
           (local.set $status
             (call $call (i32.const 0) (i32.const 32) (i64.load (i32.const 48))
                         (i32.const 56) (i32.sub (local.get $n) (i32.const 56))))
           (i32.store8 (i32.const 8192) (local.get $status))
           (local.set $r (call $return_data_len))
           (call $return_data_read (i32.const 8193))
           (call $finish (i32.const 8192) (i32.add (local.get $r) (i32.const 1)))"#,
        "",
    )
}

pub(crate) fn proxy_input(callee: [u8; 32], value: u128, gas: u64, payload: &[u8]) -> Vec<u8> {
    let mut input = callee.to_vec();
    input.extend_from_slice(&value.to_le_bytes());
    input.extend_from_slice(&gas.to_le_bytes());
    input.extend_from_slice(payload);
    input
}

/// Input: tag ++ data. Stores `[tag] → [tag]`, then by tag: 0 finishes with data, 1 reverts
/// with data, 2 hits `unreachable`, 3 loops forever.
pub(crate) fn callee() -> Vec<u8> {
    contract(
        r#"(local $n i32) (local $tag i32)
           (local.set $n (call $input_len))
           (call $input_read (i32.const 0))
           (local.set $tag (i32.load8_u (i32.const 0)))
           (call $storage_set (i32.const 0) (i32.const 1) (i32.const 0) (i32.const 1))
           (if (i32.eq (local.get $tag) (i32.const 1))
             (then (call $revert (i32.const 1) (i32.sub (local.get $n) (i32.const 1)))))
           (if (i32.eq (local.get $tag) (i32.const 2)) (then unreachable))
           (if (i32.eq (local.get $tag) (i32.const 3)) (then (loop $forever (br $forever))))
           (call $finish (i32.const 1) (i32.sub (local.get $n) (i32.const 1)))"#,
        "",
    )
}

fn returned(result: &ExecResult) -> &[u8] {
    match result {
        ExecResult::Returned(output) => output,
        other => panic!("expected Returned, got {other:?}"),
    }
}

#[test]
fn input_len_input_read_and_finish_echo_the_input() {
    let mut world = World::new(vm()).with_contract(CONTRACT, echo());
    let outcome = world.call(CONTRACT, 0, b"hello contract", FUEL);
    assert_eq!(
        outcome.result,
        ExecResult::Returned(b"hello contract".to_vec())
    );
    assert!(outcome.fuel_used > 0 && outcome.fuel_used < FUEL);
}

#[test]
fn returning_without_finish_gives_empty_output() {
    let mut world = World::new(vm()).with_contract(CONTRACT, contract("", ""));
    assert_eq!(
        world.call(CONTRACT, 0, b"", FUEL).result,
        ExecResult::Returned(Vec::new())
    );
}

#[test]
fn deploy_runs_the_deploy_export() {
    let code = super::wasm(&format!(
        r#"(module {}
             (data (i32.const 0) "deployed")
             (func (export "deploy") (call $finish (i32.const 0) (i32.const 8)))
             (func (export "call")))"#,
        super::PRELUDE
    ));
    let mut world = World::new(vm()).with_contract(CONTRACT, code);
    let outcome = world.run(ALICE, CONTRACT, 0, crate::Entry::Deploy, b"", FUEL);
    assert_eq!(outcome.result, ExecResult::Returned(b"deployed".to_vec()));
}

#[test]
fn storage_set_get_remove_in_the_contracts_own_storage() {
    let code = contract(
        r#"(if (i32.eqz (call $input_len))
             (then
               (call $storage_set (i32.const 0) (i32.const 4) (i32.const 16) (i32.const 10))
               ;; full read, truncated read (cap 3), absent key
               (i32.store (i32.const 200)
                 (call $storage_get (i32.const 0) (i32.const 4) (i32.const 212) (i32.const 64)))
               (i32.store (i32.const 204)
                 (call $storage_get (i32.const 0) (i32.const 4) (i32.const 222) (i32.const 3)))
               (i32.store (i32.const 208)
                 (call $storage_get (i32.const 1) (i32.const 3) (i32.const 300) (i32.const 8)))
               (call $finish (i32.const 200) (i32.const 25)))
             (else
               (call $storage_remove (i32.const 0) (i32.const 4))
               (i32.store (i32.const 200)
                 (call $storage_get (i32.const 0) (i32.const 4) (i32.const 212) (i32.const 64)))
               (call $finish (i32.const 200) (i32.const 4))))"#,
        r#"(data (i32.const 0) "key1") (data (i32.const 16) "value-0123")"#,
    );
    let mut world = World::new(vm()).with_contract(CONTRACT, code);

    let outcome = world.call(CONTRACT, 0, b"", FUEL);
    let mut expected = Vec::new();
    expected.extend_from_slice(&10i32.to_le_bytes());
    expected.extend_from_slice(&10i32.to_le_bytes());
    expected.extend_from_slice(&(-1i32).to_le_bytes());
    expected.extend_from_slice(b"value-0123");
    expected.extend_from_slice(b"val");
    assert_eq!(returned(&outcome.result), expected.as_slice());
    assert_eq!(
        world.storage(CONTRACT, b"key1"),
        Some(&b"value-0123".to_vec())
    );
    assert_eq!(
        world.storage(account(1), b"key1"),
        None,
        "storage is per contract"
    );

    let outcome = world.call(CONTRACT, 0, b"remove", FUEL);
    assert_eq!(returned(&outcome.result), (-1i32).to_le_bytes().as_slice());
    assert_eq!(world.storage(CONTRACT, b"key1"), None);
}

#[test]
fn caller_address_value_balance_block_number_and_timestamp() {
    let code = contract(
        r#"(call $caller (i32.const 0))
           (call $address (i32.const 32))
           (call $value_transferred (i32.const 64))
           (call $balance (i32.const 80))
           (i64.store (i32.const 96) (call $block_number))
           (i64.store (i32.const 104) (call $timestamp))
           (call $finish (i32.const 0) (i32.const 112))"#,
        "",
    );
    let mut world = World::new(vm()).with_contract(CONTRACT, code);
    world.state.balances.insert(ALICE, 1_000);
    world.state.balances.insert(CONTRACT, 7);

    let outcome = world.call(CONTRACT, 500, b"", FUEL);
    let output = returned(&outcome.result);
    assert_eq!(&output[..32], ALICE.as_slice());
    assert_eq!(&output[32..64], CONTRACT.as_slice());
    assert_eq!(&output[64..80], 500u128.to_le_bytes().as_slice());
    assert_eq!(&output[80..96], 507u128.to_le_bytes().as_slice());
    assert_eq!(&output[96..104], 42u64.to_le_bytes().as_slice());
    assert_eq!(
        &output[104..112],
        1_700_000_000_000u64.to_le_bytes().as_slice()
    );
    assert_eq!(world.balance(ALICE), 500);
}

#[test]
fn transfer_moves_balance_or_returns_1_when_refused() {
    let code = contract(
        r#"(call $input_read (i32.const 0))
           (i32.store8 (i32.const 100) (call $transfer (i32.const 0) (i32.const 32)))
           (call $finish (i32.const 100) (i32.const 1))"#,
        "",
    );
    let bob = account(0xb0);
    let mut world = World::new(vm()).with_contract(CONTRACT, code);
    world.state.balances.insert(CONTRACT, 1_000);
    let input = |amount: u128| [bob.as_slice(), &amount.to_le_bytes()].concat();

    let outcome = world.call(CONTRACT, 0, &input(300), FUEL);
    assert_eq!(returned(&outcome.result), [0]);
    assert_eq!((world.balance(CONTRACT), world.balance(bob)), (700, 300));

    let outcome = world.call(CONTRACT, 0, &input(5_000), FUEL);
    assert_eq!(returned(&outcome.result), [1]);
    assert_eq!((world.balance(CONTRACT), world.balance(bob)), (700, 300));
}

#[test]
fn emit_event_deposits_topics_and_data() {
    let code = contract(
        r#"(memory.fill (i32.const 0) (i32.const 0x11) (i32.const 32))
           (memory.fill (i32.const 32) (i32.const 0x22) (i32.const 32))
           (call $emit_event (i32.const 0) (i32.const 2) (i32.const 64) (i32.const 5))"#,
        r#"(data (i32.const 64) "hello")"#,
    );
    let mut world = World::new(vm()).with_contract(CONTRACT, code);
    assert!(world.call(CONTRACT, 0, b"", FUEL).result.is_success());
    assert_eq!(
        world.state.events,
        vec![(CONTRACT, vec![[0x11; 32], [0x22; 32]], b"hello".to_vec())]
    );
}

#[test]
fn emit_event_with_too_many_topics_traps() {
    let code = contract(
        r#"(call $emit_event (i32.const 0) (i32.const 5) (i32.const 0) (i32.const 0))"#,
        "",
    );
    let mut world = World::new(vm()).with_contract(CONTRACT, code);
    assert_eq!(
        world.call(CONTRACT, 0, b"", FUEL).result,
        ExecResult::Trapped(TrapReason::HostLimit(HostLimit::TooManyTopics {
            count: 5,
            max: 4
        }))
    );
    assert!(world.state.events.is_empty());
}

#[test]
fn hash_blake2_256_and_keccak_256() {
    let code = contract(
        r#"(local $n i32)
           (local.set $n (call $input_len))
           (call $input_read (i32.const 1024))
           (call $hash_blake2_256 (i32.const 1024) (local.get $n) (i32.const 0))
           (call $hash_keccak_256 (i32.const 1024) (local.get $n) (i32.const 32))
           (call $finish (i32.const 0) (i32.const 64))"#,
        "",
    );
    let mut world = World::new(vm()).with_contract(CONTRACT, code);
    let input = b"the quick brown fox";
    let outcome = world.call(CONTRACT, 0, input, FUEL);
    let output = returned(&outcome.result);
    assert_eq!(
        &output[..32],
        sp_crypto_hashing::blake2_256(input).as_slice()
    );
    assert_eq!(
        &output[32..],
        sp_crypto_hashing::keccak_256(input).as_slice()
    );
}

#[test]
fn nested_call_returns_and_its_changes_stand() {
    with_stack(|| {
        let (proxy_address, callee_address) = (account(1), account(2));
        let mut world = World::new(vm())
            .with_contract(proxy_address, proxy())
            .with_contract(callee_address, callee());
        let input = proxy_input(callee_address, 0, 0, &[0, b'h', b'i']);
        let outcome = world.call(proxy_address, 0, &input, FUEL);
        assert_eq!(returned(&outcome.result), [0, b'h', b'i']);
        assert_eq!(world.storage(callee_address, &[0]), Some(&vec![0]));
        assert_eq!(world.call_log, vec![(callee_address, 1)]);
    });
}

#[test]
fn nested_call_reverted_returns_data_and_is_rolled_back() {
    with_stack(|| {
        let (proxy_address, callee_address) = (account(1), account(2));
        let mut world = World::new(vm())
            .with_contract(proxy_address, proxy())
            .with_contract(callee_address, callee());
        let input = proxy_input(callee_address, 0, 0, &[1, b'n', b'o']);
        let outcome = world.call(proxy_address, 0, &input, FUEL);
        assert_eq!(returned(&outcome.result), [1, b'n', b'o']);
        assert_eq!(
            world.storage(callee_address, &[1]),
            None,
            "the callee's write is undone"
        );
    });
}

#[test]
fn nested_call_trapped_returns_2_and_no_data() {
    with_stack(|| {
        let (proxy_address, callee_address) = (account(1), account(2));
        let mut world = World::new(vm())
            .with_contract(proxy_address, proxy())
            .with_contract(callee_address, callee());
        let input = proxy_input(callee_address, 0, 0, &[2, 9, 9]);
        let outcome = world.call(proxy_address, 0, &input, FUEL);
        assert_eq!(returned(&outcome.result), [2]);
        assert_eq!(world.storage(callee_address, &[2]), None);
    });
}

#[test]
fn nested_call_transfers_value() {
    with_stack(|| {
        let (proxy_address, callee_address) = (account(1), account(2));
        let mut world = World::new(vm())
            .with_contract(proxy_address, proxy())
            .with_contract(callee_address, callee());
        world.state.balances.insert(proxy_address, 1_000);
        let input = proxy_input(callee_address, 100, 0, &[0]);
        assert_eq!(
            returned(&world.call(proxy_address, 0, &input, FUEL).result),
            [0]
        );
        assert_eq!(
            (world.balance(proxy_address), world.balance(callee_address)),
            (900, 100)
        );

        // More than the proxy has: the host refuses the call.
        let input = proxy_input(callee_address, 5_000, 0, &[0]);
        assert_eq!(
            returned(&world.call(proxy_address, 0, &input, FUEL).result),
            [2]
        );
        assert_eq!(
            (world.balance(proxy_address), world.balance(callee_address)),
            (900, 100)
        );
    });
}

#[test]
fn nested_call_with_too_little_gas_fails_and_the_caller_goes_on() {
    with_stack(|| {
        let (proxy_address, callee_address) = (account(1), account(2));
        let mut world = World::new(vm())
            .with_contract(proxy_address, proxy())
            .with_contract(callee_address, callee());
        // The callee loops forever: it uses all of the 50 000 it was given and no more.
        let input = proxy_input(callee_address, 0, 50_000, &[3]);
        let outcome = world.call(proxy_address, 0, &input, FUEL);
        assert_eq!(returned(&outcome.result), [2]);
        assert!(
            outcome.fuel_used > 50_000 && outcome.fuel_used < 100_000,
            "{}",
            outcome.fuel_used
        );

        // A callee too poor to be instantiated fails the same way.
        let input = proxy_input(callee_address, 0, 10, &[0]);
        assert_eq!(
            returned(&world.call(proxy_address, 0, &input, FUEL).result),
            [2]
        );
        assert_eq!(world.storage(callee_address, &[0]), None);
    });
}

#[test]
fn revert_returns_data_and_the_frame_is_rolled_back() {
    let code = contract(
        r#"(call $storage_set (i32.const 0) (i32.const 3) (i32.const 0) (i32.const 3))
           (call $revert (i32.const 0) (i32.const 3))"#,
        r#"(data (i32.const 0) "bad")"#,
    );
    let mut world = World::new(vm()).with_contract(CONTRACT, code);
    let outcome = world.call(CONTRACT, 0, b"", FUEL);
    assert_eq!(outcome.result, ExecResult::Reverted(b"bad".to_vec()));
    assert!(outcome.fuel_used > 0);
    assert_eq!(world.storage(CONTRACT, b"bad"), None);
}

#[test]
fn host_functions_charge_their_base_cost_and_per_byte() {
    // Two runs that differ only in the length of the input read: the difference in fuel is
    // exactly per_byte for each extra byte.
    let mut world = World::new(vm()).with_contract(
        CONTRACT,
        contract(r#"(call $input_read (i32.const 0))"#, ""),
    );
    let short = world.call(CONTRACT, 0, &[0; 10], FUEL).fuel_used;
    let long = world.call(CONTRACT, 0, &[0; 1010], FUEL).fuel_used;
    let per_byte = world.vm.config().host_costs.per_byte;
    assert_eq!(long - short, 1_000 * per_byte);
}
