//! Tests of the contracts pallet on the mock runtime, with small WAT contracts. Every test body
//! runs on a thread with the Vm's native stack ([`run`]).

use crate::{
    CodeInfoOf, ContractInfoOf, Error, Event, ExecReturn, HoldReason, PristineCode, Trap, mock::*,
    weights::WeightInfo,
};
use frame_support::{
    assert_noop, assert_ok,
    storage::child,
    traits::fungible::{Inspect, InspectHold},
    weights::Weight,
};
use sp_runtime::{AccountId32, DispatchError};

const GAS: u64 = 200_000_000;

/// Imports every `wcme_v1` function used below and exports one page of memory.
const PRELUDE: &str = r#"
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
  (import "wcme_v1" "call" (func $call (param i32 i32 i64 i32 i32) (result i32)))
  (import "wcme_v1" "return_data_len" (func $return_data_len (result i32)))
  (import "wcme_v1" "return_data_read" (func $return_data_read (param i32)))
  (import "wcme_v1" "finish" (func $finish (param i32 i32)))
  (import "wcme_v1" "revert" (func $revert (param i32 i32)))
  (memory (export "memory") 1)
"#;

/// The test contract. `deploy` reverts if its input starts with 1, else stores `"d" → [1]`.
/// `call` dispatches on the first input byte:
/// 0 set `[k] → v` (input `0 k v…`); 1 set then revert with `v`; 2 emit an event (topic =
/// input 1..33, data = the rest); 3 loop forever; 4 recurse forever; 5 `memory.grow` by
/// input[1] pages and finish with the result (i32 LE); 6 transfer (to = 1..33, amount =
/// 33..49) and finish `[status]`; 7 call (callee 1..33, value 33..49, gas 49..57, payload 57..)
/// and finish `[status] ‖ return data`; 8 remove `[k]`; 9 finish with the value of `[k]`;
/// 10 finish with caller ‖ address ‖ value ‖ balance ‖ block number ‖ timestamp; 11 set
/// `[k] → v` then trap (`unreachable`).
fn tool() -> Vec<u8> {
    wat::parse_str(format!(
        r#"(module {PRELUDE}
  (func (export "deploy")
    (if (i32.gt_u (call $input_len) (i32.const 0))
      (then (call $input_read (i32.const 0))
            (if (i32.eq (i32.load8_u (i32.const 0)) (i32.const 1))
              (then (call $revert (i32.const 0) (i32.const 1))))))
    (i32.store8 (i32.const 60000) (i32.const 100))
    (i32.store8 (i32.const 60001) (i32.const 1))
    (call $storage_set (i32.const 60000) (i32.const 1) (i32.const 60001) (i32.const 1)))
  (func $rec (param i32) (result i32) (call $rec (i32.add (local.get 0) (i32.const 1))))
  (func (export "call") (local $n i32) (local $cmd i32) (local $r i32)
    (local.set $n (call $input_len))
    (call $input_read (i32.const 0))
    (local.set $cmd (i32.load8_u (i32.const 0)))
    (if (i32.eq (local.get $cmd) (i32.const 0)) (then
      (call $storage_set (i32.const 1) (i32.const 1) (i32.const 2) (i32.sub (local.get $n) (i32.const 2)))
      (return)))
    (if (i32.eq (local.get $cmd) (i32.const 1)) (then
      (call $storage_set (i32.const 1) (i32.const 1) (i32.const 2) (i32.sub (local.get $n) (i32.const 2)))
      (call $revert (i32.const 2) (i32.sub (local.get $n) (i32.const 2)))))
    (if (i32.eq (local.get $cmd) (i32.const 2)) (then
      (call $emit_event (i32.const 1) (i32.const 1) (i32.const 33) (i32.sub (local.get $n) (i32.const 33)))
      (return)))
    (if (i32.eq (local.get $cmd) (i32.const 3)) (then (loop $forever (br $forever))))
    (if (i32.eq (local.get $cmd) (i32.const 4)) (then (drop (call $rec (i32.const 0)))))
    (if (i32.eq (local.get $cmd) (i32.const 5)) (then
      (i32.store (i32.const 60000) (memory.grow (i32.load8_u (i32.const 1))))
      (call $finish (i32.const 60000) (i32.const 4))))
    (if (i32.eq (local.get $cmd) (i32.const 6)) (then
      (i32.store8 (i32.const 60000) (call $transfer (i32.const 1) (i32.const 33)))
      (call $finish (i32.const 60000) (i32.const 1))))
    (if (i32.eq (local.get $cmd) (i32.const 7)) (then
      (i32.store8 (i32.const 32768)
        (call $call (i32.const 1) (i32.const 33) (i64.load (i32.const 49)) (i32.const 57)
                    (i32.sub (local.get $n) (i32.const 57))))
      (local.set $r (call $return_data_len))
      (call $return_data_read (i32.const 32769))
      (call $finish (i32.const 32768) (i32.add (local.get $r) (i32.const 1)))))
    (if (i32.eq (local.get $cmd) (i32.const 8)) (then
      (call $storage_remove (i32.const 1) (i32.const 1))
      (return)))
    (if (i32.eq (local.get $cmd) (i32.const 9)) (then
      (local.set $r (call $storage_get (i32.const 1) (i32.const 1) (i32.const 60000) (i32.const 1024)))
      (if (i32.lt_s (local.get $r) (i32.const 0)) (then (local.set $r (i32.const 0))))
      (call $finish (i32.const 60000) (local.get $r))))
    (if (i32.eq (local.get $cmd) (i32.const 10)) (then
      (call $caller (i32.const 60000))
      (call $address (i32.const 60032))
      (call $value_transferred (i32.const 60064))
      (call $balance (i32.const 60080))
      (i64.store (i32.const 60096) (call $block_number))
      (i64.store (i32.const 60104) (call $timestamp))
      (call $finish (i32.const 60000) (i32.const 112))))
    (if (i32.eq (local.get $cmd) (i32.const 11)) (then
      (call $storage_set (i32.const 1) (i32.const 1) (i32.const 2) (i32.sub (local.get $n) (i32.const 2)))))
    unreachable))"#
    ))
    .expect("the tool contract parses")
}

/// A module with `items` around the required exports.
fn module(items: &str) -> Vec<u8> {
    wat::parse_str(format!(
        r#"(module {items} (memory (export "memory") 1) (func (export "deploy")) (func (export "call")))"#
    ))
    .expect("the module parses")
}

/// Asserts that a call with post-info fails with `$error` and changes no state.
macro_rules! assert_fails {
    ($call:expr, $error:expr $(,)?) => {{
        let root = sp_io::storage::root(sp_runtime::StateVersion::V1);
        let error = $call.unwrap_err();
        assert_eq!(error.error, DispatchError::from($error));
        assert_eq!(sp_io::storage::root(sp_runtime::StateVersion::V1), root);
    }};
}

fn hash(code: &[u8]) -> [u8; 32] {
    sp_crypto_hashing::blake2_256(code)
}

fn bytes(account: &AccountId32) -> [u8; 32] {
    account.clone().into()
}

/// Uploads the tool as ALICE (if not yet stored) and returns its hash.
fn upload_tool() -> [u8; 32] {
    let code = tool();
    let code_hash = hash(&code);
    if !PristineCode::<Test>::contains_key(code_hash) {
        assert_ok!(Contracts::upload_code(
            RuntimeOrigin::signed(ALICE),
            code,
            u128::MAX
        ));
    }
    code_hash
}

/// Instantiates the tool as ALICE with `salt` and `value`.
fn deploy(salt: u8, value: u128) -> AccountId32 {
    let code_hash = upload_tool();
    assert_ok!(Contracts::instantiate(
        RuntimeOrigin::signed(ALICE),
        code_hash,
        value,
        GAS,
        vec![],
        vec![salt]
    ));
    Contracts::contract_address(&ALICE, &code_hash, &[salt])
}

fn call(
    dest: &AccountId32,
    value: u128,
    data: Vec<u8>,
) -> frame_support::dispatch::DispatchResultWithPostInfo {
    Contracts::call(RuntimeOrigin::signed(ALICE), dest.clone(), value, GAS, data)
}

/// The value of one-byte key `[key]` in `contract`'s child trie.
fn stored(contract: &AccountId32, key: u8) -> Option<Vec<u8>> {
    let info = ContractInfoOf::<Test>::get(contract).expect("a contract");
    let trie_key = crate::exec::trie_key(&[key]).expect("a short key");
    assert_eq!(trie_key, sp_crypto_hashing::blake2_256(&[key]));
    child::get_raw(&info.child_info(), &trie_key)
}

/// The root of `contract`'s child trie.
fn child_root(contract: &AccountId32) -> Vec<u8> {
    let info = ContractInfoOf::<Test>::get(contract).expect("a contract");
    child::root(&info.child_info(), sp_runtime::StateVersion::V1)
}

/// Input of command 7: call `callee` with `value`, `gas` and `payload`.
fn proxy(callee: &AccountId32, value: u128, gas: u64, payload: &[u8]) -> Vec<u8> {
    let mut input = vec![7];
    input.extend_from_slice(&bytes(callee));
    input.extend_from_slice(&value.to_le_bytes());
    input.extend_from_slice(&gas.to_le_bytes());
    input.extend_from_slice(payload);
    input
}

fn events() -> Vec<Event<Test>> {
    System::events()
        .into_iter()
        .filter_map(|record| match record.event {
            RuntimeEvent::Contracts(event) => Some(event),
            _ => None,
        })
        .collect()
}

fn held(reason: HoldReason, who: &AccountId32) -> u128 {
    Balances::balance_on_hold(&reason.into(), who)
}

/// The length of the tool's code: the `c` of its `call` and `instantiate` weights.
fn tool_len() -> u32 {
    u32::try_from(tool().len()).expect("a small code")
}

fn weight_of(base: Weight, fuel: u64) -> Weight {
    base.saturating_add(Contracts::gas_weight(fuel))
}

/// The dry-run result of `data` sent to `dest` by ALICE.
fn dry(dest: &AccountId32, data: Vec<u8>) -> crate::ContractResult {
    Contracts::bare_call(ALICE, dest.clone(), 0, GAS, data)
}

// --- upload_code -------------------------------------------------------------------------

#[test]
fn upload_holds_the_deposit_and_stores_the_code() {
    run(|| {
        let code = tool();
        let len = code.len() as u128;
        assert_ok!(Contracts::upload_code(
            RuntimeOrigin::signed(ALICE),
            code.clone(),
            u128::MAX
        ));
        let deposit = PER_BYTE * len + 2 * PER_ITEM;
        assert_eq!(held(HoldReason::CodeDeposit, &ALICE), deposit);
        let info = CodeInfoOf::<Test>::get(hash(&code)).unwrap();
        assert_eq!(
            (info.owner, info.deposit, info.refcount),
            (ALICE, deposit, 0)
        );
        assert_eq!(
            PristineCode::<Test>::get(hash(&code)).unwrap().to_vec(),
            code
        );
        assert!(events().contains(&Event::CodeStored {
            code_hash: hash(&code),
            owner: ALICE,
            deposit
        }));
        assert_noop!(
            Contracts::upload_code(RuntimeOrigin::signed(BOB), code, u128::MAX),
            Error::<Test>::CodeAlreadyExists
        );
    });
}

#[test]
fn upload_respects_the_deposit_limit_and_funds() {
    run(|| {
        let code = tool();
        let deposit = PER_BYTE * code.len() as u128 + 2 * PER_ITEM;
        assert_noop!(
            Contracts::upload_code(RuntimeOrigin::signed(ALICE), code.clone(), deposit - 1),
            Error::<Test>::StorageDepositLimitExhausted
        );
        assert_noop!(
            Contracts::upload_code(RuntimeOrigin::signed(CHARLIE), code, u128::MAX),
            Error::<Test>::StorageDepositNotEnoughFunds
        );
    });
}

#[test]
fn bad_code_is_rejected_with_typed_errors_and_nothing_held() {
    run(|| {
        let cases: Vec<(Vec<u8>, Error<Test>)> = vec![
            (vec![0; MAX_CODE as usize + 1], Error::<Test>::CodeTooLarge),
            (b"not wasm at all".to_vec(), Error::<Test>::InvalidWasm),
            (vec![], Error::<Test>::InvalidWasm),
            (
                module(r#"(import "wcme_v1" "no_such_function" (func))"#),
                Error::<Test>::ForbiddenImport,
            ),
            (module(r#"(import "env" "abort" (func))"#), Error::<Test>::ForbiddenImport),
            (
                module(r#"(func (result f32) (f32.const 1.5))"#),
                Error::<Test>::FloatsForbidden,
            ),
            (
                module(r#"(func (param i64) (result i64) (i64.trunc_f64_s (f64.const 1)))"#),
                Error::<Test>::FloatsForbidden,
            ),
            (
                wat::parse_str(r#"(module (memory (export "memory") 17) (func (export "deploy")) (func (export "call")))"#)
                    .unwrap(),
                Error::<Test>::InvalidModule,
            ),
            (
                wat::parse_str(r#"(module (memory (export "memory") 1) (func (export "call")))"#)
                    .unwrap(),
                Error::<Test>::InvalidModule,
            ),
        ];
        for (code, error) in cases {
            assert_noop!(
                Contracts::upload_code(RuntimeOrigin::signed(ALICE), code, u128::MAX),
                error
            );
        }
        assert_eq!(held(HoldReason::CodeDeposit, &ALICE), 0);
        assert_eq!(CodeInfoOf::<Test>::iter().count(), 0);
    });
}

// --- instantiate -------------------------------------------------------------------------

#[test]
fn instantiate_runs_deploy_transfers_value_and_charges_the_storage_deposit() {
    run(|| {
        let code_hash = upload_tool();
        let before = Balances::balance(&ALICE);
        let contract = deploy(0, 1_000);
        // deploy stored "d" → [1]: 1 item of 2 bytes, plus the contract record.
        let deposit = 2 * PER_ITEM + 2 * PER_BYTE;
        assert_eq!(stored(&contract, b'd'), Some(vec![1]));
        assert_eq!(Balances::balance(&contract), ED + 1_000);
        assert_eq!(held(HoldReason::StorageDeposit, &contract), deposit);
        assert_eq!(Balances::balance(&ALICE), before - ED - 1_000 - deposit);
        let info = ContractInfoOf::<Test>::get(&contract).unwrap();
        assert_eq!(
            (
                info.code_hash,
                info.storage_items,
                info.storage_bytes,
                info.storage_deposit
            ),
            (code_hash, 1, 2, deposit)
        );
        assert_eq!(CodeInfoOf::<Test>::get(code_hash).unwrap().refcount, 1);
        assert!(events().contains(&Event::Instantiated {
            deployer: ALICE,
            contract: contract.clone(),
            code_hash
        }));
        assert_fails!(
            Contracts::instantiate(
                RuntimeOrigin::signed(ALICE),
                code_hash,
                0,
                GAS,
                vec![],
                vec![0]
            ),
            Error::<Test>::DuplicateContract
        );
        // The address is deterministic and depends on deployer, code and salt.
        assert_ne!(
            contract,
            Contracts::contract_address(&BOB, &code_hash, &[0])
        );
        assert_ne!(
            contract,
            Contracts::contract_address(&ALICE, &code_hash, &[1])
        );
    });
}

#[test]
fn instantiate_checks_its_input() {
    run(|| {
        let code_hash = upload_tool();
        let origin = || RuntimeOrigin::signed(ALICE);
        assert_fails!(
            Contracts::instantiate(origin(), [9; 32], 0, GAS, vec![], vec![]),
            Error::<Test>::CodeNotFound
        );
        assert_fails!(
            Contracts::instantiate(origin(), code_hash, 0, GAS, vec![], vec![0; 33]),
            Error::<Test>::SaltTooLong
        );
        assert_fails!(
            Contracts::instantiate(origin(), code_hash, 0, GAS, vec![0; 64 * 1024 + 1], vec![]),
            Error::<Test>::InputTooLarge
        );
        assert_fails!(
            Contracts::instantiate(
                RuntimeOrigin::signed(CHARLIE),
                code_hash,
                1_000,
                GAS,
                vec![],
                vec![]
            ),
            Error::<Test>::TransferFailed
        );
    });
}

#[test]
fn a_reverting_deploy_creates_nothing_and_charges_the_gas() {
    run(|| {
        let code_hash = upload_tool();
        let before = Balances::balance(&ALICE);
        let error = Contracts::instantiate(
            RuntimeOrigin::signed(ALICE),
            code_hash,
            500,
            GAS,
            vec![1],
            vec![0],
        )
        .unwrap_err();
        assert_eq!(error.error, Error::<Test>::ContractReverted.into());
        let weight = error.post_info.actual_weight.unwrap();
        assert!(weight.ref_time() > <() as WeightInfo>::instantiate(tool_len()).ref_time());
        assert!(
            weight.ref_time()
                < weight_of(<() as WeightInfo>::instantiate(tool_len()), GAS).ref_time()
        );
        let contract = Contracts::contract_address(&ALICE, &code_hash, &[0]);
        assert!(!ContractInfoOf::<Test>::contains_key(&contract));
        assert_eq!(Balances::balance(&contract), 0);
        assert_eq!(Balances::balance(&ALICE), before);
        assert_eq!(CodeInfoOf::<Test>::get(code_hash).unwrap().refcount, 0);
    });
}

// --- call --------------------------------------------------------------------------------

#[test]
fn call_changes_storage_and_settles_the_deposit() {
    run(|| {
        let contract = deploy(0, 0);
        let deposit0 = held(HoldReason::StorageDeposit, &contract);
        let alice0 = Balances::balance(&ALICE);
        let result = call(&contract, 0, vec![0, 7, 1, 2, 3]).unwrap();
        assert_eq!(stored(&contract, 7), Some(vec![1, 2, 3]));
        // One more item of 1 + 3 bytes.
        let extra = PER_ITEM + 4 * PER_BYTE;
        assert_eq!(
            held(HoldReason::StorageDeposit, &contract),
            deposit0 + extra
        );
        assert_eq!(Balances::balance(&ALICE), alice0 - extra);
        let dry_run = dry(&contract, vec![9, 7]);
        assert_eq!(dry_run.result, Ok(ExecReturn::Returned(vec![1, 2, 3])));
        // Actual weight: base + fuel used.
        let gas_used = events()
            .into_iter()
            .find_map(|event| match event {
                Event::Called { gas_used, .. } => Some(gas_used),
                _ => None,
            })
            .unwrap();
        assert!(gas_used > 0 && gas_used < GAS);
        assert_eq!(
            result.actual_weight,
            Some(weight_of(<() as WeightInfo>::call(tool_len()), gas_used))
        );
        // Removing the key refunds its deposit.
        assert_ok!(call(&contract, 0, vec![8, 7]));
        assert_eq!(stored(&contract, 7), None);
        assert_eq!(held(HoldReason::StorageDeposit, &contract), deposit0);
        assert_eq!(Balances::balance(&ALICE), alice0);
        assert!(events().contains(&Event::StorageDepositChanged {
            contract: contract.clone(),
            payer: ALICE,
            amount: -(extra as i128)
        }));
    });
}

#[test]
fn storage_deposit_the_signer_cannot_pay_fails_the_call() {
    run(|| {
        let contract = deploy(0, 0);
        let big = vec![0xab; 4_000];
        let mut data = vec![0, 1];
        data.extend_from_slice(&big);
        let error = Contracts::call(
            RuntimeOrigin::signed(CHARLIE),
            contract.clone(),
            0,
            GAS,
            data,
        )
        .unwrap_err();
        assert_eq!(
            error.error,
            Error::<Test>::StorageDepositNotEnoughFunds.into()
        );
        assert_eq!(stored(&contract, 1), None);
    });
}

#[test]
fn context_is_seen_by_the_contract() {
    run(|| {
        let contract = deploy(0, 100);
        let result = Contracts::bare_call(ALICE, contract.clone(), 5, GAS, vec![10]);
        let Ok(ExecReturn::Returned(output)) = result.result else {
            panic!("expected Returned, got {:?}", result.result);
        };
        assert_eq!(&output[0..32], &bytes(&ALICE));
        assert_eq!(&output[32..64], &bytes(&contract));
        assert_eq!(&output[64..80], &5u128.to_le_bytes());
        assert_eq!(&output[80..96], &(ED + 100 + 5).to_le_bytes());
        assert_eq!(&output[96..104], &1u64.to_le_bytes());
        assert_eq!(&output[104..112], &NOW.to_le_bytes());
    });
}

#[test]
fn events_are_deposited_for_successful_calls() {
    run(|| {
        let contract = deploy(0, 0);
        let mut data = vec![2];
        data.extend_from_slice(&[0x77; 32]);
        data.extend_from_slice(b"hello");
        assert_ok!(call(&contract, 0, data));
        assert!(events().contains(&Event::ContractEmitted {
            contract: contract.clone(),
            topics: vec![[0x77; 32]],
            data: b"hello".to_vec()
        }));
    });
}

#[test]
fn transfer_from_the_contract() {
    run(|| {
        let contract = deploy(0, 1_000);
        let bob0 = Balances::balance(&BOB);
        let mut data = vec![6];
        data.extend_from_slice(&bytes(&BOB));
        data.extend_from_slice(&300u128.to_le_bytes());
        assert_eq!(
            dry(&contract, data.clone()).result,
            Ok(ExecReturn::Returned(vec![0]))
        );
        assert_ok!(call(&contract, 0, data));
        assert_eq!(Balances::balance(&BOB), bob0 + 300);
        assert_eq!(Balances::balance(&contract), ED + 700);
        // More than the contract can spend (it must stay alive): status 1, nothing moved.
        let mut data = vec![6];
        data.extend_from_slice(&bytes(&BOB));
        data.extend_from_slice(&701u128.to_le_bytes());
        assert_eq!(
            dry(&contract, data.clone()).result,
            Ok(ExecReturn::Returned(vec![1]))
        );
        assert_ok!(call(&contract, 0, data));
        assert_eq!(Balances::balance(&BOB), bob0 + 300);
    });
}

#[test]
fn call_to_no_contract_and_unsigned_origins_are_refused() {
    run(|| {
        let contract = deploy(0, 0);
        let error = call(&BOB, 0, vec![9, 1]).unwrap_err();
        assert_eq!(error.error, Error::<Test>::ContractNotFound.into());
        assert_noop!(
            Contracts::call(RuntimeOrigin::none(), contract.clone(), 0, GAS, vec![]),
            DispatchError::BadOrigin
        );
        assert_noop!(
            Contracts::call(RuntimeOrigin::root(), contract, 0, GAS, vec![]),
            DispatchError::BadOrigin
        );
        assert_noop!(
            Contracts::upload_code(RuntimeOrigin::none(), tool(), u128::MAX),
            DispatchError::BadOrigin
        );
        assert_noop!(
            Contracts::instantiate(RuntimeOrigin::none(), [0; 32], 0, GAS, vec![], vec![]),
            DispatchError::BadOrigin
        );
        assert_noop!(
            Contracts::remove_code(RuntimeOrigin::none(), [0; 32]),
            DispatchError::BadOrigin
        );
    });
}

// --- failures: rolled back, gas charged --------------------------------------------------

#[test]
fn revert_rolls_back_state_and_value_and_charges_the_gas_used() {
    run(|| {
        let contract = deploy(0, 0);
        let alice0 = Balances::balance(&ALICE);
        let deposit0 = held(HoldReason::StorageDeposit, &contract);
        let dry_run = Contracts::bare_call(ALICE, contract.clone(), 500, GAS, vec![1, 7, 9, 9]);
        assert_eq!(dry_run.result, Ok(ExecReturn::Reverted(vec![9, 9])));
        let error = call(&contract, 500, vec![1, 7, 9, 9]).unwrap_err();
        assert_eq!(error.error, Error::<Test>::ContractReverted.into());
        assert_eq!(
            error.post_info.actual_weight,
            Some(weight_of(
                <() as WeightInfo>::call(tool_len()),
                dry_run.gas_used
            ))
        );
        assert_eq!(stored(&contract, 7), None);
        assert_eq!(Balances::balance(&ALICE), alice0);
        assert_eq!(Balances::balance(&contract), ED);
        assert_eq!(held(HoldReason::StorageDeposit, &contract), deposit0);
    });
}

#[test]
fn infinite_loop_runs_out_of_gas_and_pays_all_of_it() {
    run(|| {
        let contract = deploy(0, 0);
        let alice0 = Balances::balance(&ALICE);
        let error = call(&contract, 100, vec![3]).unwrap_err();
        assert_eq!(error.error, Error::<Test>::OutOfGas.into());
        assert_eq!(
            error.post_info.actual_weight,
            Some(weight_of(<() as WeightInfo>::call(tool_len()), GAS))
        );
        assert_eq!(Balances::balance(&ALICE), alice0);
        let dry_run = dry(&contract, vec![3]);
        assert_eq!(dry_run.result, Ok(ExecReturn::Trapped(Trap::OutOfGas)));
        assert_eq!(dry_run.gas_used, GAS);
    });
}

#[test]
fn too_little_gas_runs_out_before_anything_happens() {
    run(|| {
        let contract = deploy(0, 0);
        let alice0 = Balances::balance(&ALICE);
        let error = Contracts::call(
            RuntimeOrigin::signed(ALICE),
            contract.clone(),
            50,
            100,
            vec![0, 1, 1],
        )
        .unwrap_err();
        assert_eq!(error.error, Error::<Test>::OutOfGas.into());
        assert_eq!(
            error.post_info.actual_weight,
            Some(weight_of(<() as WeightInfo>::call(tool_len()), 100))
        );
        assert_eq!(stored(&contract, 1), None);
        assert_eq!(Balances::balance(&ALICE), alice0);
        let error = Contracts::instantiate(
            RuntimeOrigin::signed(ALICE),
            upload_tool(),
            0,
            0,
            vec![],
            vec![1],
        )
        .unwrap_err();
        assert_eq!(error.error, Error::<Test>::OutOfGas.into());
    });
}

#[test]
fn deep_recursion_traps_with_stack_overflow() {
    run(|| {
        let contract = deploy(0, 0);
        let error = call(&contract, 0, vec![4]).unwrap_err();
        assert_eq!(error.error, Error::<Test>::ContractTrapped.into());
        let dry_run = dry(&contract, vec![4]);
        assert_eq!(dry_run.result, Ok(ExecReturn::Trapped(Trap::StackOverflow)));
        assert!(dry_run.gas_used < GAS);
    });
}

#[test]
fn memory_cannot_grow_beyond_the_limit() {
    run(|| {
        let contract = deploy(0, 0);
        // 1 page + 15 = the limit of 16: allowed, returns the old size.
        assert_eq!(
            dry(&contract, vec![5, 15]).result,
            Ok(ExecReturn::Returned(1i32.to_le_bytes().to_vec()))
        );
        // 1 + 16 pages: refused with -1, memory unchanged.
        assert_eq!(
            dry(&contract, vec![5, 16]).result,
            Ok(ExecReturn::Returned((-1i32).to_le_bytes().to_vec()))
        );
        assert_eq!(
            dry(&contract, vec![5, 255]).result,
            Ok(ExecReturn::Returned((-1i32).to_le_bytes().to_vec()))
        );
    });
}

#[test]
fn traps_roll_back_and_are_typed() {
    run(|| {
        let contract = deploy(0, 0);
        // Unknown command: `unreachable`.
        assert_eq!(
            dry(&contract, vec![99]).result,
            Ok(ExecReturn::Trapped(Trap::Unreachable))
        );
        let error = call(&contract, 10, vec![99]).unwrap_err();
        assert_eq!(error.error, Error::<Test>::ContractTrapped.into());
        assert_eq!(Balances::balance(&contract), ED);
        // Empty input: a storage_set with a negative (huge) length traps on a host limit.
        assert_eq!(
            dry(&contract, vec![]).result,
            Ok(ExecReturn::Trapped(Trap::HostLimit))
        );
    });
}

// --- nested calls ------------------------------------------------------------------------

#[test]
fn nested_call_commits_only_if_the_callee_returned() {
    run(|| {
        let a = deploy(0, 1_000);
        let b = deploy(1, 0);
        // A calls B, which stores [5] → [6] and returns.
        assert_ok!(call(&a, 0, proxy(&b, 200, 0, &[0, 5, 6])));
        assert_eq!(stored(&b, 5), Some(vec![6]));
        assert_eq!(Balances::balance(&b), ED + 200);
        // The signer paid the callee's storage deposit for the new item.
        assert_eq!(
            held(HoldReason::StorageDeposit, &b),
            2 * PER_ITEM + 2 * PER_BYTE + PER_ITEM + 2 * PER_BYTE
        );
        // A calls B, which stores and reverts: A goes on (status 1), B's change is discarded.
        let result = dry(&a, proxy(&b, 100, 0, &[1, 8, 4, 2]));
        assert_eq!(result.result, Ok(ExecReturn::Returned(vec![1, 4, 2])));
        assert_ok!(call(&a, 0, proxy(&b, 100, 0, &[1, 8, 4, 2])));
        assert_eq!(stored(&b, 8), None);
        assert_eq!(Balances::balance(&b), ED + 200);
        // A callee that loops forever with a limit: status 2, A keeps its remaining gas.
        let result = dry(&a, proxy(&b, 0, 100_000, &[3]));
        assert_eq!(result.result, Ok(ExecReturn::Returned(vec![2])));
        // A callee's events are kept only if it returned.
        let mut event = vec![2];
        event.extend_from_slice(&[1; 32]);
        event.extend_from_slice(b"x");
        let result = dry(&a, proxy(&b, 0, 0, &event));
        assert_eq!(result.events.len(), 1);
        assert_eq!(result.events[0].contract, b);
    });
}

#[test]
fn reentrancy_is_refused() {
    run(|| {
        let a = deploy(0, 0);
        let b = deploy(1, 0);
        // A calls itself.
        let result = dry(&a, proxy(&a, 0, 0, &[0, 1, 1]));
        assert_eq!(result.result, Ok(ExecReturn::Returned(vec![2])));
        // A calls B which calls A.
        let inner = proxy(&a, 0, 0, &[0, 1, 1]);
        let result = dry(&a, proxy(&b, 0, 0, &inner));
        assert_eq!(result.result, Ok(ExecReturn::Returned(vec![0, 2])));
        assert_ok!(call(&a, 0, proxy(&b, 0, 0, &inner)));
        assert_eq!(stored(&a, 1), None);
    });
}

#[test]
fn call_depth_is_limited() {
    run(|| {
        let max_depth = crate::default_schedule().max_call_depth;
        let contracts: Vec<AccountId32> = (0..=max_depth as u8 + 1)
            .map(|salt| deploy(salt, 0))
            .collect();
        // contracts[0] → [1] → … → [max_depth + 1]: the last call would run at depth
        // max_depth + 1 and is refused.
        let mut payload = vec![9, b'd'];
        for callee in contracts.iter().skip(1).rev() {
            payload = proxy(callee, 0, 0, &payload);
        }
        let result = dry(&contracts[0], payload);
        let mut expected = vec![0; max_depth as usize];
        expected.push(2);
        assert_eq!(result.result, Ok(ExecReturn::Returned(expected)));
        // One less: the deepest frame (depth max_depth) runs and returns "d"'s value.
        let mut payload = vec![9, b'd'];
        for callee in contracts.iter().skip(1).take(max_depth as usize).rev() {
            payload = proxy(callee, 0, 0, &payload);
        }
        let result = dry(&contracts[0], payload);
        let mut expected = vec![0; max_depth as usize];
        expected.push(1);
        assert_eq!(result.result, Ok(ExecReturn::Returned(expected)));
    });
}

#[test]
fn a_nested_call_pays_loading_its_callee_in_gas() {
    run(|| {
        let a = deploy(0, 0);
        let (big, big_len) = deploy_big(2_000, 0);
        let load = Contracts::load_fuel(big_len);
        // Any cached copy of the callee's module is not taken into account.
        assert!(load > Contracts::load_fuel(tool_len()));
        assert_eq!(
            u128::from(load),
            u128::from(<() as WeightInfo>::load(big_len).ref_time())
                .div_ceil(u128::from(WEIGHT_PER_FUEL))
        );
        // Less gas than loading the callee costs: the nested call runs out of gas (status 2)
        // before anything runs, cached module or not, and uses all of that gas.
        let short = dry(&a, proxy(&big, 0, load - 1, &[]));
        assert_eq!(short.result, Ok(ExecReturn::Returned(vec![2])));
        // Enough gas: it runs and returns (status 0), and the load is in the gas used.
        let enough = dry(&a, proxy(&big, 0, load + 100_000, &[]));
        assert_eq!(enough.result, Ok(ExecReturn::Returned(vec![0])));
        assert!(enough.gas_used > load);
        assert!(short.gas_used >= load - 1 && short.gas_used < enough.gas_used);
        // All the caller's gas for the nested call (limit 0) and too little of it: the callee
        // runs out, leaving the caller none, so the whole call fails out of gas and pays all.
        let limit = load / 2;
        let error = Contracts::call(
            RuntimeOrigin::signed(ALICE),
            a.clone(),
            0,
            limit,
            proxy(&big, 0, 0, &[]),
        )
        .unwrap_err();
        assert_eq!(error.error, Error::<Test>::OutOfGas.into());
        assert_eq!(
            error.post_info.actual_weight,
            Some(weight_of(<() as WeightInfo>::call(tool_len()), limit))
        );
    });
}

// --- weights: loading charged by code length -------------------------------------------

/// A valid contract with `functions` extra functions of real code (loads, adds, stores).
fn big_module(functions: usize) -> Vec<u8> {
    module(
        &"(func (i32.store (i32.const 4) (i32.add (i32.load (i32.const 4)) (i32.const 1))))"
            .repeat(functions),
    )
}

/// Uploads [`big_module`]`(functions)` and instantiates it as ALICE with `salt`; returns the
/// contract and the code's length.
fn deploy_big(functions: usize, salt: u8) -> (AccountId32, u32) {
    let code = big_module(functions);
    let code_hash = hash(&code);
    let len = u32::try_from(code.len()).unwrap();
    if !PristineCode::<Test>::contains_key(code_hash) {
        assert_ok!(Contracts::upload_code(
            RuntimeOrigin::signed(ALICE),
            code,
            u128::MAX
        ));
    }
    assert_ok!(Contracts::instantiate(
        RuntimeOrigin::signed(ALICE),
        code_hash,
        0,
        GAS,
        vec![],
        vec![salt]
    ));
    (
        Contracts::contract_address(&ALICE, &code_hash, &[salt]),
        len,
    )
}

#[test]
fn declared_weights_cover_the_largest_code() {
    use frame_support::dispatch::GetDispatchInfo;
    run(|| {
        let call = RuntimeCall::Contracts(crate::Call::call {
            dest: BOB,
            value: 0,
            gas_limit: GAS,
            data: vec![],
        });
        assert_eq!(
            call.get_dispatch_info().call_weight,
            weight_of(<() as WeightInfo>::call(MAX_CODE), GAS)
        );
        let instantiate = RuntimeCall::Contracts(crate::Call::instantiate {
            code_hash: [0; 32],
            value: 0,
            gas_limit: GAS,
            data: vec![],
            salt: vec![],
        });
        assert_eq!(
            instantiate.get_dispatch_info().call_weight,
            weight_of(<() as WeightInfo>::instantiate(MAX_CODE), GAS)
        );
        // The per-byte cost is real: the largest code weighs more than the smallest.
        for weight in [
            <() as WeightInfo>::call,
            <() as WeightInfo>::instantiate,
            <() as WeightInfo>::compile,
            <() as WeightInfo>::load,
            <() as WeightInfo>::upload_code,
        ] {
            assert!(weight(MAX_CODE).ref_time() > weight(0).ref_time());
        }
    });
}

#[test]
fn actual_weight_follows_the_code_length_cached_or_not() {
    run(|| {
        let small_code = module("(global i32 (i32.const 4242))");
        let small_len = u32::try_from(small_code.len()).unwrap();
        let (big, big_len) = deploy_big(3_000, 0);
        assert!(big_len > 40_000 && big_len <= MAX_CODE);
        // A contract whose module is not in the Vm's in-memory cache (compiled at upload,
        // evicted since): recorded without running deploy, its call loads the artifact.
        assert_ok!(Contracts::upload_code(
            RuntimeOrigin::signed(ALICE),
            small_code.clone(),
            u128::MAX
        ));
        let small_hash = hash(&small_code);
        let small = Contracts::contract_address(&ALICE, &small_hash, &[]);
        assert_ok!(crate::exec::create_contract::<Test>(
            &ALICE, &small, small_hash
        ));
        let vm = Contracts::vm().unwrap();
        assert!(vm.is_cached(&small_hash), "compiled at upload");
        vm.evict(&small_hash);
        assert!(!vm.is_cached(&small_hash));
        let first = call(&small, 0, vec![]).unwrap().actual_weight.unwrap();
        assert!(vm.is_cached(&small_hash));
        let second = call(&small, 0, vec![]).unwrap().actual_weight.unwrap();
        assert_eq!(first, second);
        let gas_used =
            |weight: Weight, base: Weight| (weight.ref_time() - base.ref_time()) / WEIGHT_PER_FUEL;
        let small_base = <() as WeightInfo>::call(small_len);
        assert_eq!(first, weight_of(small_base, gas_used(first, small_base)));
        // The big contract, cached since its instantiation: its code length is charged anyway.
        let big_weight = call(&big, 0, vec![]).unwrap().actual_weight.unwrap();
        let big_base = <() as WeightInfo>::call(big_len);
        assert_eq!(
            big_weight,
            weight_of(big_base, gas_used(big_weight, big_base))
        );
        assert!(big_base.ref_time() > small_base.ref_time());
        assert!(big_base.proof_size() > small_base.proof_size());
        assert!(big_weight.ref_time() > first.ref_time());
        // instantiate: the same weight for a new module and a cached one.
        let deploy_weight = |salt: u8| {
            Contracts::instantiate(
                RuntimeOrigin::signed(ALICE),
                small_hash,
                0,
                GAS,
                vec![],
                vec![salt],
            )
            .unwrap()
            .actual_weight
            .unwrap()
        };
        let fresh = module("(global i32 (i32.const 7777))");
        let fresh_hash = hash(&fresh);
        let fresh_len = u32::try_from(fresh.len()).unwrap();
        assert_ok!(Contracts::upload_code(
            RuntimeOrigin::signed(ALICE),
            fresh,
            u128::MAX
        ));
        vm.evict(&fresh_hash);
        assert!(!vm.is_cached(&fresh_hash));
        let instantiate = |salt: u8| {
            Contracts::instantiate(
                RuntimeOrigin::signed(ALICE),
                fresh_hash,
                0,
                GAS,
                vec![],
                vec![salt],
            )
            .unwrap()
            .actual_weight
            .unwrap()
        };
        let compiled = instantiate(1);
        assert!(vm.is_cached(&fresh_hash));
        assert_eq!(compiled, instantiate(2));
        let base = <() as WeightInfo>::instantiate(fresh_len);
        assert_eq!(compiled, weight_of(base, gas_used(compiled, base)));
        assert!(deploy_weight(1).ref_time() < <() as WeightInfo>::instantiate(big_len).ref_time());
    });
}

// --- contract storage: one child trie per contract ------------------------------------------

#[test]
fn storage_lives_in_the_contracts_child_trie_under_hashed_keys() {
    run(|| {
        let contract = deploy(0, 0);
        let info = ContractInfoOf::<Test>::get(&contract).unwrap();
        assert_eq!(info.trie_id, crate::trie_id(&contract));
        let mut expected_id = b"wcme/contract/".to_vec();
        expected_id.extend_from_slice(&bytes(&contract));
        assert_eq!(info.trie_id.to_vec(), expected_id);
        // `deploy` stored "d" → [1]: one item of 2 bytes.
        assert_eq!((info.storage_items, info.storage_bytes), (1, 2));
        assert_eq!(stored(&contract, b'd'), Some(vec![1]));
        let root0 = child_root(&contract);
        let state0 = sp_io::storage::root(sp_runtime::StateVersion::V1);
        assert_ok!(call(&contract, 0, vec![0, 7, 1, 2, 3]));
        // The write changed the child root, and with it the state root.
        let root1 = child_root(&contract);
        assert_ne!(root1, root0);
        assert_ne!(sp_io::storage::root(sp_runtime::StateVersion::V1), state0);
        // The key is stored hashed, not as given.
        assert_eq!(stored(&contract, 7), Some(vec![1, 2, 3]));
        assert_eq!(child::get_raw(&info.child_info(), &[7]), None);
        let info1 = ContractInfoOf::<Test>::get(&contract).unwrap();
        assert_eq!((info1.storage_items, info1.storage_bytes), (2, 6));
        // Overwriting accounts the difference only; an empty value is stored, not removed.
        assert_ok!(call(&contract, 0, vec![0, 7]));
        assert_eq!(stored(&contract, 7), Some(vec![]));
        let info2 = ContractInfoOf::<Test>::get(&contract).unwrap();
        assert_eq!((info2.storage_items, info2.storage_bytes), (2, 3));
        assert_eq!(
            held(HoldReason::StorageDeposit, &contract),
            3 * PER_ITEM + 3 * PER_BYTE
        );
        // Removing the key brings the trie back to its former contents and root.
        assert_ok!(call(&contract, 0, vec![8, 7]));
        assert_eq!(stored(&contract, 7), None);
        assert_eq!(child_root(&contract), root0);
        let info3 = ContractInfoOf::<Test>::get(&contract).unwrap();
        assert_eq!((info3.storage_items, info3.storage_bytes), (1, 2));
        // Removing an absent key changes nothing.
        assert_ok!(call(&contract, 0, vec![8, 7]));
        assert_eq!(ContractInfoOf::<Test>::get(&contract).unwrap(), info3);
    });
}

#[test]
fn reverted_and_trapped_frames_leave_the_child_trie_untouched() {
    run(|| {
        let a = deploy(0, 1_000);
        let b = deploy(1, 0);
        let (root_a, root_b) = (child_root(&a), child_root(&b));
        let info_b = ContractInfoOf::<Test>::get(&b).unwrap();
        // Outermost frame writes then reverts, or writes then traps: the extrinsic fails and
        // the whole state (child tries included) is as before.
        assert_fails!(call(&b, 0, vec![1, 7, 9]), Error::<Test>::ContractReverted);
        assert_fails!(call(&b, 0, vec![11, 7, 9]), Error::<Test>::ContractTrapped);
        assert_eq!(stored(&b, 7), None);
        assert_eq!(child_root(&b), root_b);
        // A nested frame writes then reverts (status 1) or traps (status 2); the caller
        // returns, so the extrinsic succeeds, but the callee's child trie is untouched.
        let result = dry(&a, proxy(&b, 0, 0, &[1, 8, 4, 2]));
        assert_eq!(result.result, Ok(ExecReturn::Returned(vec![1, 4, 2])));
        assert_ok!(call(&a, 0, proxy(&b, 0, 0, &[1, 8, 4, 2])));
        let result = dry(&a, proxy(&b, 0, 0, &[11, 8, 4]));
        assert_eq!(result.result, Ok(ExecReturn::Returned(vec![2])));
        assert_ok!(call(&a, 0, proxy(&b, 0, 0, &[11, 8, 4])));
        assert_eq!(stored(&b, 8), None);
        assert_eq!(child_root(&b), root_b);
        assert_eq!(ContractInfoOf::<Test>::get(&b).unwrap(), info_b);
        assert_eq!(child_root(&a), root_a);
        // The same nested write that returns is kept.
        assert_ok!(call(&a, 0, proxy(&b, 0, 0, &[0, 8, 4])));
        assert_eq!(stored(&b, 8), Some(vec![4]));
        assert_ne!(child_root(&b), root_b);
        // A dry run that writes leaves the child trie as it was.
        let root_b1 = child_root(&b);
        let result = dry(&b, vec![0, 9, 9, 9]);
        assert_eq!(result.result, Ok(ExecReturn::Returned(vec![])));
        assert_eq!(stored(&b, 9), None);
        assert_eq!(child_root(&b), root_b1);
    });
}

#[test]
fn two_contracts_have_separate_tries() {
    run(|| {
        let a = deploy(0, 0);
        let b = deploy(1, 0);
        let (info_a, info_b) = (
            ContractInfoOf::<Test>::get(&a).unwrap(),
            ContractInfoOf::<Test>::get(&b).unwrap(),
        );
        assert_ne!(info_a.trie_id, info_b.trie_id);
        assert_ne!(
            info_a.child_info().prefixed_storage_key(),
            info_b.child_info().prefixed_storage_key()
        );
        // Same contents ("d" → [1]), same root: a root is a function of the contents.
        assert_eq!(child_root(&a), child_root(&b));
        // The same key in each holds each contract's own value.
        assert_ok!(call(&a, 0, vec![0, 7, 0xaa]));
        assert_eq!(stored(&a, 7), Some(vec![0xaa]));
        assert_eq!(stored(&b, 7), None);
        assert_ne!(child_root(&a), child_root(&b));
        assert_ok!(call(&b, 0, vec![0, 7, 0xbb]));
        assert_eq!(stored(&a, 7), Some(vec![0xaa]));
        assert_eq!(stored(&b, 7), Some(vec![0xbb]));
        assert_eq!(
            dry(&a, vec![9, 7]).result,
            Ok(ExecReturn::Returned(vec![0xaa]))
        );
        assert_eq!(
            dry(&b, vec![9, 7]).result,
            Ok(ExecReturn::Returned(vec![0xbb]))
        );
        // Removing from one leaves the other.
        assert_ok!(call(&a, 0, vec![8, 7]));
        assert_eq!(stored(&a, 7), None);
        assert_eq!(stored(&b, 7), Some(vec![0xbb]));
    });
}

// --- dry run -----------------------------------------------------------------------------

#[test]
fn dry_run_returns_result_gas_and_events_and_writes_nothing() {
    run(|| {
        let contract = deploy(0, 0);
        let mut data = vec![2];
        data.extend_from_slice(&[0x55; 32]);
        data.extend_from_slice(b"dry");
        let events0 = System::events().len();
        let root0 = sp_io::storage::root(sp_runtime::StateVersion::V1);
        let result = Contracts::bare_call(ALICE, contract.clone(), 10, GAS, data.clone());
        assert_eq!(result.result, Ok(ExecReturn::Returned(vec![])));
        assert!(result.gas_used > 0);
        assert_eq!(result.events.len(), 1);
        assert_eq!(result.events[0].topics, vec![[0x55; 32]]);
        assert_eq!(result.events[0].data, b"dry".to_vec());
        let stores = Contracts::bare_call(ALICE, contract.clone(), 0, GAS, vec![0, 3, 3]);
        assert_eq!(stores.storage_deposit, (PER_ITEM + 2 * PER_BYTE) as i128);
        assert_eq!(sp_io::storage::root(sp_runtime::StateVersion::V1), root0);
        assert_eq!(System::events().len(), events0);
        assert_eq!(stored(&contract, 3), None);
        // The same call for real uses the same gas.
        let real = call(&contract, 10, data).unwrap();
        assert_eq!(
            real.actual_weight,
            Some(weight_of(
                <() as WeightInfo>::call(tool_len()),
                result.gas_used
            ))
        );
        let missing = Contracts::bare_call(ALICE, BOB, 0, GAS, vec![]);
        assert_eq!(missing.result, Err(Error::<Test>::ContractNotFound.into()));
    });
}

// --- remove_code -------------------------------------------------------------------------

#[test]
fn remove_code_only_by_the_owner_when_unused() {
    run(|| {
        let code_hash = upload_tool();
        let deposit = held(HoldReason::CodeDeposit, &ALICE);
        assert!(deposit > 0);
        assert_noop!(
            Contracts::remove_code(RuntimeOrigin::signed(BOB), code_hash),
            Error::<Test>::NotCodeOwner
        );
        assert_noop!(
            Contracts::remove_code(RuntimeOrigin::signed(ALICE), [7; 32]),
            Error::<Test>::CodeNotFound
        );
        assert_ok!(Contracts::remove_code(
            RuntimeOrigin::signed(ALICE),
            code_hash
        ));
        assert_eq!(held(HoldReason::CodeDeposit, &ALICE), 0);
        assert!(!PristineCode::<Test>::contains_key(code_hash));
        assert!(!CodeInfoOf::<Test>::contains_key(code_hash));
        assert!(events().contains(&Event::CodeRemoved {
            code_hash,
            owner: ALICE,
            deposit
        }));
        // In use: refused.
        let _contract = deploy(0, 0);
        assert_noop!(
            Contracts::remove_code(RuntimeOrigin::signed(ALICE), code_hash),
            Error::<Test>::CodeInUse
        );
    });
}

// --- properties --------------------------------------------------------------------------

#[test]
fn random_code_and_call_data_never_panic() {
    use proptest::{
        prelude::*,
        test_runner::{Config, TestRunner},
    };
    run(|| {
        let contract = deploy(0, 1_000);
        let mut runner = TestRunner::new(Config {
            cases: 64,
            ..Config::default()
        });
        runner
            .run(&proptest::collection::vec(any::<u8>(), 0..512), |code| {
                let _ = Contracts::upload_code(RuntimeOrigin::signed(BOB), code, u128::MAX);
                Ok(())
            })
            .unwrap();
        let mut runner = TestRunner::new(Config {
            cases: 64,
            ..Config::default()
        });
        runner
            .run(
                &(
                    proptest::collection::vec(any::<u8>(), 0..256),
                    0u64..200_000,
                ),
                |(data, gas)| {
                    let _ = Contracts::call(
                        RuntimeOrigin::signed(BOB),
                        contract.clone(),
                        0,
                        gas,
                        data.clone(),
                    );
                    let result = Contracts::bare_call(BOB, contract.clone(), 0, gas, data);
                    prop_assert!(result.gas_used <= gas);
                    Ok(())
                },
            )
            .unwrap();
        // Random bytes inside a valid module's prefix: still no panic.
        let code = tool();
        let mut runner = TestRunner::new(Config {
            cases: 64,
            ..Config::default()
        });
        runner
            .run(&(0..code.len(), any::<u8>()), |(at, byte)| {
                let mut mutated = code.clone();
                mutated[at] = byte;
                let _ = Contracts::upload_code(RuntimeOrigin::signed(BOB), mutated, u128::MAX);
                Ok(())
            })
            .unwrap();
    });
}

#[test]
fn default_schedule_needs_3_125_mib_of_native_stack() {
    let schedule = crate::default_schedule();
    assert_eq!(schedule.native_stack_required(), 3_200 * 1024);
    assert!(schedule.check().is_ok());
    assert!(schedule.max_key_len <= crate::MAX_KEY_LEN);
    assert!(schedule.max_value_len <= crate::MAX_VALUE_LEN);
    assert!(MAX_CODE as usize <= schedule.max_code_size);
}

// --- compiled at upload, loaded at execution ------------------------------------------------

#[test]
fn upload_compiles_and_remove_code_forgets_the_artifact() {
    run(|| {
        let code = module("(global i32 (i32.const 31337))");
        let code_hash = hash(&code);
        let vm = Contracts::vm().unwrap();
        assert!(!vm.is_cached(&code_hash));
        assert_ok!(Contracts::upload_code(
            RuntimeOrigin::signed(ALICE),
            code.clone(),
            u128::MAX
        ));
        assert!(vm.is_cached(&code_hash), "compiled at upload");
        vm.evict(&code_hash);
        assert_eq!(
            vm.load(&code_hash, &code),
            Ok(wcme_vm::ModuleSource::Loaded),
            "its artifact was stored"
        );
        assert_ok!(Contracts::remove_code(
            RuntimeOrigin::signed(ALICE),
            code_hash
        ));
        assert!(!vm.is_cached(&code_hash));
        assert_eq!(
            vm.load(&code_hash, &code),
            Ok(wcme_vm::ModuleSource::Compiled),
            "its artifact was deleted"
        );
        vm.forget(&code_hash);
    });
}
