//! The example contracts of `examples/contracts/` (written with the C and AssemblyScript SDKs in
//! `sdk/`), built by `examples/contracts/build.sh` and run on `wcme-vm` with the in-memory host
//! of `common/`: the token (both implementations, which must behave byte for byte the same),
//! the escrow, and the caller that reaches the token through a nested call.
//!
//! Building needs clang, wasm-ld (Debian `lld`), node and npm. Without them these tests FAIL
//! (they do not skip): `scripts/setup.sh` installs them, and CI runs it first.

mod common;

use std::{
    path::{Path, PathBuf},
    process::Command,
    sync::{Arc, OnceLock},
    time::Instant,
};

use common::{ALICE, State, World, account, with_stack};
use wcme_vm::{AccountId, Entry, ExecResult, Outcome, Topic, TrapReason, Vm, VmConfig};

const FUEL: u64 = 10_000_000;

const BOB: AccountId = [0xb0; 32];
const CAROL: AccountId = [0xca; 32];
const ZERO: AccountId = [0; 32];

const TOKEN: AccountId = [0x70; 32];
const ESCROW: AccountId = [0xe5; 32];
const CALLER: AccountId = [0xcc; 32];

const SUPPLY: u128 = 1_000_000_000_000_000_000_000; // more than u64::MAX

// ---- Building the examples -----------------------------------------------------------------

/// The built example contracts.
struct Contracts {
    token_c: Vec<u8>,
    token_as: Vec<u8>,
    escrow_c: Vec<u8>,
    caller_as: Vec<u8>,
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `examples/contracts/build.sh` once per test binary (the first test to get here builds;
/// the others wait) and loads the modules. A failed build fails every test with its output.
fn contracts() -> &'static Contracts {
    static BUILT: OnceLock<Result<Contracts, String>> = OnceLock::new();
    match BUILT.get_or_init(build_contracts) {
        Ok(contracts) => contracts,
        Err(message) => panic!("{message}"),
    }
}

fn build_contracts() -> Result<Contracts, String> {
    let root = repo_root();
    let script = root.join("examples/contracts/build.sh");
    let setup = "run scripts/setup.sh to install clang, lld (wasm-ld), nodejs and npm";
    let started = Instant::now();
    let output = Command::new("bash")
        .arg(&script)
        .current_dir(&root)
        .output()
        .map_err(|error| format!("cannot run bash {}: {error}; {setup}", script.display()))?;
    if !output.status.success() {
        return Err(format!(
            "building the example contracts failed ({}): {setup}\n--- stdout\n{}\n--- stderr\n{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
        ));
    }
    eprintln!(
        "built the example contracts in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let read = |name: &str| {
        let path = root.join("examples/contracts/target").join(name);
        std::fs::read(&path).map_err(|error| format!("{}: {error}", path.display()))
    };
    Ok(Contracts {
        token_c: read("token-c.wasm")?,
        token_as: read("token-as.wasm")?,
        escrow_c: read("escrow-c.wasm")?,
        caller_as: read("caller-as.wasm")?,
    })
}

/// Both token implementations, with a name for assertion messages.
fn tokens() -> [(&'static str, &'static [u8]); 2] {
    let contracts = contracts();
    [
        ("C", &contracts.token_c),
        ("AssemblyScript", &contracts.token_as),
    ]
}

fn vm() -> Arc<Vm> {
    Arc::new(Vm::new(VmConfig::default()).unwrap())
}

// ---- Inputs and outputs --------------------------------------------------------------------

fn input(selector: u8, parts: &[&[u8]]) -> Vec<u8> {
    let mut input = vec![selector];
    for part in parts {
        input.extend_from_slice(part);
    }
    input
}

fn le(amount: u128) -> [u8; 16] {
    amount.to_le_bytes()
}

fn total_supply() -> Vec<u8> {
    input(0x01, &[])
}
fn balance_of(account: AccountId) -> Vec<u8> {
    input(0x02, &[&account])
}
fn transfer(to: AccountId, amount: u128) -> Vec<u8> {
    input(0x03, &[&to, &le(amount)])
}
fn approve(spender: AccountId, amount: u128) -> Vec<u8> {
    input(0x04, &[&spender, &le(amount)])
}
fn allowance(owner: AccountId, spender: AccountId) -> Vec<u8> {
    input(0x05, &[&owner, &spender])
}
fn transfer_from(from: AccountId, to: AccountId, amount: u128) -> Vec<u8> {
    input(0x06, &[&from, &to, &le(amount)])
}

fn returned(outcome: &Outcome) -> &[u8] {
    match &outcome.result {
        ExecResult::Returned(output) => output,
        other => panic!("expected Returned, got {other:?}"),
    }
}

fn reverted(outcome: &Outcome) -> &[u8] {
    match &outcome.result {
        ExecResult::Reverted(output) => output,
        other => panic!("expected Reverted, got {other:?}"),
    }
}

fn u128_output(outcome: &Outcome) -> u128 {
    u128::from_le_bytes(returned(outcome).try_into().expect("a 16-byte u128"))
}

/// The examples' event topic 0: the ASCII name zero-padded to 32 bytes.
fn name_topic(name: &str) -> Topic {
    let mut topic = [0; 32];
    topic[..name.len()].copy_from_slice(name.as_bytes());
    topic
}

type Event = (AccountId, Vec<Topic>, Vec<u8>);

fn token_event(token: AccountId, name: &str, a: AccountId, b: AccountId, amount: u128) -> Event {
    (token, vec![name_topic(name), a, b], le(amount).to_vec())
}

// ---- Token ---------------------------------------------------------------------------------

/// A world with `code` deployed at TOKEN by ALICE with SUPPLY.
fn token_world(vm: Arc<Vm>, code: &[u8]) -> World {
    let mut world = World::with_vm(vm).with_contract(TOKEN, code.to_vec());
    let outcome = world.run(ALICE, TOKEN, 0, Entry::Deploy, &le(SUPPLY), FUEL);
    assert_eq!(returned(&outcome), b"", "deploy");
    world
}

fn token_call(world: &mut World, from: AccountId, input: &[u8]) -> Outcome {
    world.run(from, TOKEN, 0, Entry::Call, input, FUEL)
}

fn token_balance(world: &mut World, account: AccountId) -> u128 {
    u128_output(&token_call(world, ALICE, &balance_of(account)))
}

#[test]
fn example_contracts_pass_the_vm_validator() {
    let contracts = contracts();
    let vm = vm();
    for (name, code) in [
        ("token-c", &contracts.token_c),
        ("token-as", &contracts.token_as),
        ("escrow-c", &contracts.escrow_c),
        ("caller-as", &contracts.caller_as),
    ] {
        let info = vm
            .validate(code)
            .unwrap_or_else(|error| panic!("{name} is rejected: {error:?}"));
        assert!(info.memory_pages <= 16, "{name}: {info:?}");
        assert!(
            info.host_functions.contains(&"input_read"),
            "{name}: {info:?}"
        );
        eprintln!(
            "{name}: {} bytes, {} functions, {} pages, imports {:?}",
            info.code_size, info.functions, info.memory_pages, info.host_functions
        );
    }
}

#[test]
fn token_deploy_mints_the_initial_supply_to_the_deployer() {
    with_stack(|| {
        for (language, code) in tokens() {
            let mut world = token_world(vm(), code);
            assert_eq!(
                world.state.events,
                vec![token_event(TOKEN, "Transfer", ZERO, ALICE, SUPPLY)],
                "{language}"
            );
            let key = |prefix: u8, account: AccountId| [&[prefix][..], &account].concat();
            assert_eq!(world.storage(TOKEN, b"S"), Some(&le(SUPPLY).to_vec()));
            assert_eq!(
                world.storage(TOKEN, &key(b'B', ALICE)),
                Some(&le(SUPPLY).to_vec())
            );
            assert_eq!(
                u128_output(&token_call(&mut world, BOB, &total_supply())),
                SUPPLY
            );
            assert_eq!(token_balance(&mut world, ALICE), SUPPLY, "{language}");
            assert_eq!(token_balance(&mut world, BOB), 0, "{language}");

            // Deploy input is exactly the 16-byte supply.
            let mut fresh = World::with_vm(vm()).with_contract(TOKEN, code.to_vec());
            let outcome = fresh.run(ALICE, TOKEN, 0, Entry::Deploy, &[1, 2, 3], FUEL);
            assert_eq!(reverted(&outcome), [1], "{language}");
            assert_eq!(fresh.state, State::default(), "{language}");
        }
    });
}

#[test]
fn token_transfer_moves_balances_and_emits_transfer() {
    with_stack(|| {
        for (language, code) in tokens() {
            let mut world = token_world(vm(), code);
            world.state.events.clear();

            let outcome = token_call(&mut world, ALICE, &transfer(BOB, 250));
            assert_eq!(returned(&outcome), b"", "{language}");
            assert_eq!(token_balance(&mut world, ALICE), SUPPLY - 250);
            assert_eq!(token_balance(&mut world, BOB), 250);
            assert_eq!(
                world.state.events,
                vec![token_event(TOKEN, "Transfer", ALICE, BOB, 250)]
            );

            // BOB passes some on; a transfer to oneself changes nothing but emits.
            returned(&token_call(&mut world, BOB, &transfer(CAROL, 50)));
            returned(&token_call(&mut world, CAROL, &transfer(CAROL, 50)));
            assert_eq!(token_balance(&mut world, BOB), 200);
            assert_eq!(token_balance(&mut world, CAROL), 50);
            assert_eq!(
                u128_output(&token_call(&mut world, ALICE, &total_supply())),
                SUPPLY
            );
            assert_eq!(
                world.state.events[1..],
                [
                    token_event(TOKEN, "Transfer", BOB, CAROL, 50),
                    token_event(TOKEN, "Transfer", CAROL, CAROL, 50),
                ]
            );
        }
    });
}

#[test]
fn token_approve_allowance_and_transfer_from() {
    with_stack(|| {
        for (language, code) in tokens() {
            let mut world = token_world(vm(), code);
            world.state.events.clear();

            assert_eq!(
                u128_output(&token_call(&mut world, BOB, &allowance(ALICE, BOB))),
                0
            );
            returned(&token_call(&mut world, ALICE, &approve(BOB, 300)));
            assert_eq!(
                u128_output(&token_call(&mut world, CAROL, &allowance(ALICE, BOB))),
                300,
                "{language}"
            );
            assert_eq!(
                world.state.events,
                vec![token_event(TOKEN, "Approval", ALICE, BOB, 300)]
            );

            // BOB spends 120 of ALICE's tokens, paying CAROL.
            let outcome = token_call(&mut world, BOB, &transfer_from(ALICE, CAROL, 120));
            assert_eq!(returned(&outcome), b"", "{language}");
            assert_eq!(token_balance(&mut world, ALICE), SUPPLY - 120);
            assert_eq!(token_balance(&mut world, BOB), 0);
            assert_eq!(token_balance(&mut world, CAROL), 120);
            assert_eq!(
                u128_output(&token_call(&mut world, BOB, &allowance(ALICE, BOB))),
                180
            );
            assert_eq!(
                world.state.events[1..],
                [token_event(TOKEN, "Transfer", ALICE, CAROL, 120)]
            );

            // More than the allowance left, and a spender without any: reverted, nothing changed.
            let before = world.state.clone();
            let outcome = token_call(&mut world, BOB, &transfer_from(ALICE, BOB, 181));
            assert_eq!(reverted(&outcome), [4], "{language}");
            let outcome = token_call(&mut world, CAROL, &transfer_from(ALICE, CAROL, 1));
            assert_eq!(reverted(&outcome), [4], "{language}");
            assert_eq!(world.state, before);

            // Approve overwrites; the exact allowance can be spent.
            returned(&token_call(&mut world, ALICE, &approve(BOB, 5)));
            returned(&token_call(&mut world, BOB, &transfer_from(ALICE, BOB, 5)));
            assert_eq!(
                u128_output(&token_call(&mut world, BOB, &allowance(ALICE, BOB))),
                0
            );
            assert_eq!(token_balance(&mut world, BOB), 5);
        }
    });
}

#[test]
fn token_insufficient_balance_reverts_with_state_rolled_back() {
    with_stack(|| {
        for (language, code) in tokens() {
            let mut world = token_world(vm(), code);
            returned(&token_call(&mut world, ALICE, &transfer(BOB, 10)));
            let before = world.state.clone();

            let outcome = token_call(&mut world, BOB, &transfer(CAROL, 11));
            assert_eq!(reverted(&outcome), [3], "{language}");
            assert!(outcome.fuel_used > 0);
            let outcome = token_call(&mut world, ALICE, &transfer(BOB, SUPPLY));
            assert_eq!(reverted(&outcome), [3], "{language}");
            // An allowance does not make up for a missing balance.
            returned(&token_call(&mut world, BOB, &approve(CAROL, 100)));
            let after_approve = world.state.clone();
            let outcome = token_call(&mut world, CAROL, &transfer_from(BOB, CAROL, 11));
            assert_eq!(reverted(&outcome), [3], "{language}");
            assert_eq!(world.state, after_approve, "{language}: rolled back");
            world.state = before.clone();

            // Malformed input.
            for (input, code) in [
                (vec![], 1u8),
                (vec![0x03], 1),
                (transfer(BOB, 1)[..40].to_vec(), 1),
                ([transfer(BOB, 1), vec![0]].concat(), 1),
                (vec![0x07], 2),
                (vec![0xff; 10], 2),
            ] {
                let outcome = token_call(&mut world, ALICE, &input);
                assert_eq!(reverted(&outcome), [code], "{language}: {input:?}");
            }
            // Input longer than the contract's buffer: the SDKs revert (C: 0xff; the
            // AssemblyScript token reads any length and rejects it as bad input).
            let outcome = token_call(&mut world, ALICE, &[0x03; 1000]);
            assert!(
                matches!(&outcome.result, ExecResult::Reverted(data) if data == &[0xff] || data == &[1]),
                "{language}: {outcome:?}"
            );
            assert_eq!(world.state, before, "{language}: nothing changed");
            assert_eq!(token_balance(&mut world, BOB), 10);
            assert_eq!(token_balance(&mut world, CAROL), 0);
        }
    });
}

/// The same sequence of calls on the C and the AssemblyScript token: identical outputs,
/// storage and events (only the fuel differs).
#[test]
fn token_c_and_assemblyscript_behave_identically() {
    with_stack(|| {
        let script: Vec<(AccountId, Vec<u8>)> = vec![
            (ALICE, transfer(BOB, 1_000)),
            (BOB, transfer(CAROL, 1_001)),
            (BOB, approve(CAROL, 600)),
            (CAROL, transfer_from(BOB, ALICE, 500)),
            (CAROL, transfer_from(BOB, CAROL, 101)),
            (CAROL, transfer_from(BOB, CAROL, 100)),
            (ALICE, allowance(BOB, CAROL)),
            (ALICE, balance_of(BOB)),
            (ALICE, balance_of(CAROL)),
            (ALICE, total_supply()),
            (ALICE, vec![0x09]),
        ];
        let run = |code: &[u8]| {
            let mut world = token_world(vm(), code);
            let results: Vec<ExecResult> = script
                .iter()
                .map(|(from, input)| token_call(&mut world, *from, input).result)
                .collect();
            (results, world.state)
        };
        let (c_results, c_state) = run(&contracts().token_c);
        let (as_results, as_state) = run(&contracts().token_as);
        assert_eq!(c_results, as_results);
        assert_eq!(c_state, as_state);
        assert_eq!(c_results[1], ExecResult::Reverted(vec![3]));
        assert_eq!(c_results[4], ExecResult::Reverted(vec![4]));
        assert_eq!(c_results[6], ExecResult::Returned(le(0).to_vec()));
        assert_eq!(c_results[7], ExecResult::Returned(le(400).to_vec()));
    });
}

// ---- Escrow --------------------------------------------------------------------------------

fn deposit(beneficiary: AccountId, arbiter: AccountId) -> Vec<u8> {
    input(0x01, &[&beneficiary, &arbiter])
}
fn release(id: u64) -> Vec<u8> {
    input(0x02, &[&id.to_le_bytes()])
}
fn refund(id: u64) -> Vec<u8> {
    input(0x03, &[&id.to_le_bytes()])
}
fn deal(id: u64) -> Vec<u8> {
    input(0x04, &[&id.to_le_bytes()])
}

fn escrow_event(name: &str, topics: &[AccountId], id: u64, amount: u128) -> Event {
    let mut all = vec![name_topic(name)];
    all.extend_from_slice(topics);
    (ESCROW, all, [&id.to_le_bytes()[..], &le(amount)].concat())
}

fn escrow_world(vm: Arc<Vm>) -> World {
    let mut world = World::with_vm(vm).with_contract(ESCROW, contracts().escrow_c.clone());
    returned(&world.run(ALICE, ESCROW, 0, Entry::Deploy, b"", FUEL));
    world.state.balances.insert(ALICE, 1_000);
    world.state.balances.insert(BOB, 10);
    world
}

#[test]
fn escrow_deposit_release_and_refund_move_the_value() {
    with_stack(|| {
        let mut world = escrow_world(vm());
        let escrow = |world: &mut World, from: AccountId, value: u128, input: &[u8]| {
            world.run(from, ESCROW, value, Entry::Call, input, FUEL)
        };

        // ALICE deposits 300 for BOB, CAROL arbitrates: deal 0.
        let outcome = escrow(&mut world, ALICE, 300, &deposit(BOB, CAROL));
        assert_eq!(returned(&outcome), 0u64.to_le_bytes());
        assert_eq!((world.balance(ALICE), world.balance(ESCROW)), (700, 300));
        assert_eq!(
            world.state.events,
            vec![escrow_event("Deposited", &[ALICE, BOB, CAROL], 0, 300)]
        );
        let stored = [&ALICE[..], &BOB, &CAROL, &le(300)].concat();
        assert_eq!(returned(&escrow(&mut world, BOB, 0, &deal(0))), stored);

        // Only the arbiter may release.
        let before = world.state.clone();
        for who in [ALICE, BOB] {
            assert_eq!(reverted(&escrow(&mut world, who, 0, &release(0))), [6]);
            assert_eq!(reverted(&escrow(&mut world, who, 0, &refund(0))), [6]);
        }
        assert_eq!(world.state, before);

        let outcome = escrow(&mut world, CAROL, 0, &release(0));
        assert_eq!(returned(&outcome), b"");
        assert_eq!(
            (
                world.balance(BOB),
                world.balance(ESCROW),
                world.balance(CAROL)
            ),
            (310, 0, 0)
        );
        assert_eq!(
            world.state.events[1..],
            [escrow_event("Released", &[BOB], 0, 300)]
        );
        // The deal is closed: no second payout.
        assert_eq!(reverted(&escrow(&mut world, BOB, 0, &deal(0))), [7]);
        assert_eq!(reverted(&escrow(&mut world, CAROL, 0, &release(0))), [7]);

        // Deal 1 is refunded to the depositor.
        let outcome = escrow(&mut world, ALICE, 200, &deposit(BOB, CAROL));
        assert_eq!(returned(&outcome), 1u64.to_le_bytes());
        assert_eq!(world.balance(ALICE), 500);
        returned(&escrow(&mut world, CAROL, 0, &refund(1)));
        assert_eq!(
            (
                world.balance(ALICE),
                world.balance(BOB),
                world.balance(ESCROW)
            ),
            (700, 310, 0)
        );
        assert_eq!(
            world.state.events[2..],
            [
                escrow_event("Deposited", &[ALICE, BOB, CAROL], 1, 200),
                escrow_event("Refunded", &[ALICE], 1, 200),
            ]
        );

        // A deposit without value is refused (and returns nothing to anyone).
        assert_eq!(
            reverted(&escrow(&mut world, ALICE, 0, &deposit(BOB, CAROL))),
            [8]
        );
        assert_eq!(reverted(&escrow(&mut world, ALICE, 0, &[0x05])), [2]);
        assert_eq!(reverted(&escrow(&mut world, ALICE, 0, &[0x02, 1])), [1]);
    });
}

#[test]
fn escrow_refused_payout_reverts_and_keeps_the_deal() {
    with_stack(|| {
        let mut world = escrow_world(vm());
        let outcome = world.run(ALICE, ESCROW, 0, Entry::Call, &deposit(BOB, CAROL), FUEL);
        assert_eq!(reverted(&outcome), [8]);
        let outcome = world.run(ALICE, ESCROW, 400, Entry::Call, &deposit(BOB, CAROL), FUEL);
        assert_eq!(returned(&outcome), 0u64.to_le_bytes());

        // Something drained the escrow's balance: the host refuses the payout.
        world.state.balances.insert(ESCROW, 100);
        let before = world.state.clone();
        let outcome = world.run(CAROL, ESCROW, 0, Entry::Call, &release(0), FUEL);
        assert_eq!(reverted(&outcome), [9]);
        assert_eq!(world.state, before, "the deal is still open");
        assert_eq!(
            returned(&world.run(BOB, ESCROW, 0, Entry::Call, &deal(0), FUEL)).len(),
            112
        );
    });
}

// ---- Caller → token ------------------------------------------------------------------------

fn caller_world(vm: Arc<Vm>, token_code: &[u8], token_address: AccountId) -> World {
    let mut world =
        token_world(vm, token_code).with_contract(CALLER, contracts().caller_as.clone());
    let outcome = world.run(ALICE, CALLER, 0, Entry::Deploy, &token_address, FUEL);
    assert_eq!(returned(&outcome), b"");
    world
}

fn pay(to: AccountId, amount: u128) -> Vec<u8> {
    input(0x03, &[&to, &le(amount)])
}

#[test]
fn caller_reads_the_token_balance_through_a_nested_call() {
    with_stack(|| {
        for (language, code) in tokens() {
            let mut world = caller_world(vm(), code, TOKEN);
            returned(&token_call(&mut world, ALICE, &transfer(BOB, 77)));

            assert_eq!(returned(&world.call(CALLER, 0, &[0x01], FUEL)), TOKEN);
            world.call_log.clear();
            let outcome = world.run(CAROL, CALLER, 0, Entry::Call, &balance_of(BOB), FUEL);
            assert_eq!(u128_output(&outcome), 77, "{language}");
            assert_eq!(
                world.call_log,
                vec![(TOKEN, 1)],
                "one nested call at depth 1"
            );
            let outcome = world.call(CALLER, 0, &balance_of(ALICE), FUEL);
            assert_eq!(u128_output(&outcome), SUPPLY - 77);

            // The nested call's fuel is part of the caller's.
            let direct = token_call(&mut world, CAROL, &balance_of(BOB)).fuel_used;
            let nested = world
                .run(CAROL, CALLER, 0, Entry::Call, &balance_of(BOB), FUEL)
                .fuel_used;
            assert!(nested > direct + 10_000, "{language}: {nested} vs {direct}");
        }
    });
}

#[test]
fn caller_pays_with_transfer_from_and_propagates_reverts() {
    with_stack(|| {
        for (language, code) in tokens() {
            let mut world = caller_world(vm(), code, TOKEN);
            world.state.events.clear();
            returned(&token_call(&mut world, ALICE, &approve(CALLER, 100)));

            // ALICE asks CALLER to pay BOB 60 of her tokens: the token sees CALLER as spender.
            let outcome = world.call(CALLER, 0, &pay(BOB, 60), FUEL);
            assert_eq!(returned(&outcome), b"", "{language}");
            assert_eq!(token_balance(&mut world, BOB), 60);
            assert_eq!(token_balance(&mut world, ALICE), SUPPLY - 60);
            assert_eq!(
                u128_output(&token_call(&mut world, ALICE, &allowance(ALICE, CALLER))),
                40
            );
            assert_eq!(
                world.state.events,
                vec![
                    token_event(TOKEN, "Approval", ALICE, CALLER, 100),
                    token_event(TOKEN, "Transfer", ALICE, BOB, 60),
                ]
            );

            // Over the allowance: the token reverts with 4 and so does CALLER, rolled back.
            let before = world.state.clone();
            let outcome = world.call(CALLER, 0, &pay(BOB, 41), FUEL);
            assert_eq!(reverted(&outcome), [4], "{language}");
            // BOB never approved CALLER.
            let outcome = world.run(BOB, CALLER, 0, Entry::Call, &pay(CAROL, 1), FUEL);
            assert_eq!(reverted(&outcome), [4], "{language}");
            assert_eq!(world.state, before);

            // CAROL approves more than she has: the token spends the allowance, then finds the
            // balance short and reverts with 3; its allowance change is rolled back with it.
            returned(&token_call(&mut world, CAROL, &approve(CALLER, 1_000)));
            let before = world.state.clone();
            let outcome = world.run(CAROL, CALLER, 0, Entry::Call, &pay(BOB, 5), FUEL);
            assert_eq!(reverted(&outcome), [3], "{language}");
            assert_eq!(world.state, before);
            assert_eq!(
                u128_output(&token_call(&mut world, CAROL, &allowance(CAROL, CALLER))),
                1_000
            );
        }
    });
}

#[test]
fn caller_reverts_when_the_nested_call_cannot_be_made() {
    with_stack(|| {
        let token = &contracts().token_c;
        // No contract at the address.
        let mut world = caller_world(vm(), token, account(0x99));
        let outcome = world.call(CALLER, 0, &balance_of(ALICE), FUEL);
        assert_eq!(reverted(&outcome), [10]);

        // Pointed at itself: the host refuses the reentrant call (status 2).
        let mut world = caller_world(vm(), token, CALLER);
        world.call_log.clear();
        let outcome = world.call(CALLER, 0, &balance_of(ALICE), FUEL);
        assert_eq!(reverted(&outcome), [10]);
        assert_eq!(world.call_log, vec![(CALLER, 1)]);

        // Too little fuel for the caller: it traps with OutOfFuel, using exactly the limit.
        let mut world = caller_world(vm(), token, TOKEN);
        let outcome = world.call(CALLER, 0, &balance_of(ALICE), 20_000);
        assert_eq!(outcome.result, ExecResult::Trapped(TrapReason::OutOfFuel));
        assert_eq!(outcome.fuel_used, 20_000);
    });
}

// ---- Determinism ---------------------------------------------------------------------------

/// Every step of a scenario over all the examples, on a fresh Vm: (result, fuel) per step and
/// the final state.
fn scenario(vm: Arc<Vm>) -> (Vec<(ExecResult, u64)>, State) {
    let contracts = contracts();
    let mut world = World::with_vm(vm)
        .with_contract(TOKEN, contracts.token_as.clone())
        .with_contract(account(0x71), contracts.token_c.clone())
        .with_contract(ESCROW, contracts.escrow_c.clone())
        .with_contract(CALLER, contracts.caller_as.clone());
    world.state.balances.insert(ALICE, 1_000);
    let steps: Vec<(AccountId, AccountId, u128, Entry, Vec<u8>)> = vec![
        (ALICE, TOKEN, 0, Entry::Deploy, le(SUPPLY).to_vec()),
        (ALICE, account(0x71), 0, Entry::Deploy, le(5).to_vec()),
        (ALICE, ESCROW, 0, Entry::Deploy, vec![]),
        (ALICE, CALLER, 0, Entry::Deploy, TOKEN.to_vec()),
        (ALICE, TOKEN, 0, Entry::Call, transfer(BOB, 9)),
        (ALICE, TOKEN, 0, Entry::Call, approve(CALLER, 50)),
        (ALICE, CALLER, 0, Entry::Call, pay(CAROL, 20)),
        (ALICE, CALLER, 0, Entry::Call, pay(CAROL, 31)),
        (BOB, CALLER, 0, Entry::Call, balance_of(CAROL)),
        (ALICE, account(0x71), 0, Entry::Call, transfer(BOB, 6)),
        (ALICE, ESCROW, 250, Entry::Call, deposit(BOB, CAROL)),
        (CAROL, ESCROW, 0, Entry::Call, release(0)),
    ];
    let results = steps
        .into_iter()
        .map(|(from, to, value, entry, input)| {
            let outcome = world.run(from, to, value, entry, &input, FUEL);
            (outcome.result, outcome.fuel_used)
        })
        .collect();
    (results, world.state)
}

#[test]
fn fuel_and_results_are_the_same_on_two_vms() {
    with_stack(|| {
        let first = scenario(vm());
        let second = scenario(vm());
        assert_eq!(first, second);
        // And once more on a Vm whose module cache is warm.
        let warm = vm();
        scenario(warm.clone());
        assert_eq!(scenario(warm), first);

        let (results, state) = first;
        let fuel: Vec<u64> = results.iter().map(|(_, fuel)| *fuel).collect();
        eprintln!("fuel per step: {fuel:?}");
        assert_eq!(results[6].0, ExecResult::Returned(vec![]));
        assert_eq!(results[7].0, ExecResult::Reverted(vec![4]));
        assert_eq!(results[8].0, ExecResult::Returned(le(20).to_vec()));
        assert_eq!(results[9].0, ExecResult::Reverted(vec![3]));
        assert!(results.iter().all(|(_, fuel)| *fuel > 0 && *fuel < FUEL));
        assert_eq!(state.balances.get(&BOB), Some(&250));
    });
}
