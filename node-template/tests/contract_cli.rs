//! `wcme-node contract build | deploy | call` against a real node (GitHub issue 8): the example
//! contracts built from source by the CLI, deployed and called with signed extrinsics — the
//! caller contract paying through the token with nested calls, the escrow holding and paying
//! out value — and the CLI refusing what the chain would refuse before anything is paid.
//!
//! Building needs clang, wasm-ld (Debian `lld`), node and npm (`scripts/setup.sh`); without them
//! this test fails.

mod common;

use std::{path::Path, time::Duration};

use codec::Decode;
use common::{TestNode, call, run_cli, start_fast_node, wait_for_block};
use serde_json::{Value, json};
use sp_keyring::Sr25519Keyring;
use wcme_runtime_main::{AccountId, Balance, WCME};

fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
}

fn hex(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

fn raw(keyring: Sr25519Keyring) -> [u8; 32] {
    keyring.public().0
}

/// Runs `wcme-node contract …` and parses its JSON report; panics with its output on failure.
fn contract(args: &[&str]) -> Value {
    let mut all = vec!["contract"];
    all.extend_from_slice(args);
    let (ok, stdout, stderr) = run_cli(&all);
    assert!(ok, "wcme-node {all:?} failed:\n{stdout}\n{stderr}");
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

/// Runs `wcme-node contract …` that must fail; returns its stderr.
fn contract_fails(args: &[&str]) -> String {
    let mut all = vec!["contract"];
    all.extend_from_slice(args);
    let (ok, stdout, stderr) = run_cli(&all);
    assert!(!ok, "wcme-node {all:?} succeeded:\n{stdout}");
    stderr
}

/// `contract build` of an example source into `out`.
fn build(source: &str, out: &Path) -> Value {
    let source = workspace_root().join(source);
    let report = contract(&[
        "build",
        source.to_str().expect("utf8"),
        "--output",
        out.to_str().expect("utf8"),
    ]);
    assert!(out.is_file(), "{} was not written", out.display());
    let code = std::fs::read(out).expect("module");
    assert_eq!(report["size"], json!(code.len()));
    assert_eq!(
        report["codeHash"],
        json!(hex(&sp_crypto_hashing::blake2_256(&code)))
    );
    report
}

/// `contract deploy` of `code` by `suri` with deploy input `data`: the contract's hex address.
fn deploy(node: &TestNode, suri: &str, code: &Path, data: &[u8]) -> String {
    let report = contract(&[
        "deploy",
        "--url",
        &node.ws_url,
        "--suri",
        suri,
        "--code",
        code.to_str().expect("utf8"),
        "--data",
        &hex(data),
    ]);
    let events = report["instantiate"]["events"].to_string();
    assert!(events.contains("Instantiated"), "{report}");
    report["contract"].as_str().expect("address").to_owned()
}

/// `contract call` submitted by `suri`: the report.
fn submit(node: &TestNode, suri: &str, contract_: &str, data: &[u8], value: Balance) -> Value {
    contract(&[
        "call",
        "--url",
        &node.ws_url,
        "--suri",
        suri,
        "--contract",
        contract_,
        "--data",
        &hex(data),
        "--value",
        &value.to_string(),
    ])
}

/// What a `contract call --dry-run` returned.
fn dry_run(node: &TestNode, contract_: &str, data: &[u8]) -> Vec<u8> {
    let report = contract(&[
        "call",
        "--url",
        &node.http_url,
        "--suri",
        "//Alice",
        "--contract",
        contract_,
        "--data",
        &hex(data),
        "--dry-run",
    ]);
    let returned = report["dryRun"]["result"]["returned"]
        .as_str()
        .unwrap_or_else(|| panic!("the dry run did not return: {report}"));
    hex::decode(returned.trim_start_matches("0x")).expect("hex")
}

fn with(selector: u8, parts: &[&[u8]]) -> Vec<u8> {
    let mut input = vec![selector];
    for part in parts {
        input.extend_from_slice(part);
    }
    input
}

async fn free_balance(node: &TestNode, who: Sr25519Keyring) -> Balance {
    let account = AccountId::from(who.public());
    let key = frame_system::Account::<wcme_runtime_main::Runtime>::hashed_key_for(&account);
    let value: Option<String> = call(&node.rpc(), "state_getStorage", vec![json!(hex(&key))])
        .await
        .expect("state_getStorage");
    let bytes = hex::decode(value.expect("account exists").trim_start_matches("0x")).expect("hex");
    frame_system::AccountInfo::<u32, pallet_balances::AccountData<Balance>>::decode(&mut &bytes[..])
        .expect("account info")
        .data
        .free
}

async fn nonce(node: &TestNode, who: Sr25519Keyring) -> u32 {
    let account = AccountId::from(who.public());
    call(
        &node.rpc(),
        "system_accountNextIndex",
        vec![json!(account.to_string())],
    )
    .await
    .expect("nonce")
}

#[tokio::test(flavor = "multi_thread")]
async fn contracts_are_built_deployed_and_called_with_the_cli() {
    let dir = tempfile::tempdir().expect("tempdir");
    let node = start_fast_node(dir.path(), &["--dev"]);
    wait_for_block(&node.rpc(), 1, Duration::from_secs(60)).await;

    // Build from source (C and AssemblyScript) with the SDKs, checked as upload_code will.
    let token = dir.path().join("token.wasm");
    let caller = dir.path().join("caller.wasm");
    let escrow = dir.path().join("escrow.wasm");
    build("examples/contracts/token/token.c", &token);
    build("examples/contracts/caller/caller.ts", &caller);
    build("examples/contracts/escrow/escrow.c", &escrow);

    // The CLI refuses what the chain would refuse, before paying for it.
    let stderr = contract_fails(&["build", "examples/contracts/README.md"]);
    assert!(stderr.contains("`.c`"), "{stderr}");
    let garbage = dir.path().join("garbage.wasm");
    std::fs::write(&garbage, b"\0asm\x01\0\0\0garbage").expect("write");
    let alice_nonce = nonce(&node, Sr25519Keyring::Alice).await;
    let stderr = contract_fails(&[
        "deploy",
        "--url",
        &node.ws_url,
        "--suri",
        "//Alice",
        "--code",
        garbage.to_str().expect("utf8"),
    ]);
    assert!(stderr.contains("would be refused"), "{stderr}");
    assert_eq!(nonce(&node, Sr25519Keyring::Alice).await, alice_nonce);
    let stderr = contract_fails(&["deploy", "--suri", "//Alice", "--code", "/no/such.wasm"]);
    assert!(stderr.contains("/no/such.wasm"), "{stderr}");

    // Token and caller: Alice approves the caller contract, then pays Bob through it.
    let supply: u128 = 1_000_000;
    let token_address = deploy(&node, "//Alice", &token, &supply.to_le_bytes());
    let token_raw = hex::decode(token_address.trim_start_matches("0x")).expect("hex");
    let caller_address = deploy(&node, "//Alice", &caller, &token_raw);
    let caller_raw = hex::decode(caller_address.trim_start_matches("0x")).expect("hex");
    // Deploying the same code again uploads nothing.
    let again = contract(&[
        "deploy",
        "--url",
        &node.ws_url,
        "--suri",
        "//Alice",
        "--code",
        token.to_str().expect("utf8"),
        "--data",
        &hex(&supply.to_le_bytes()),
        "--salt",
        "0x01",
    ]);
    assert_eq!(again["upload"], Value::Null, "{again}");
    assert_ne!(again["contract"].as_str(), Some(token_address.as_str()));

    let approve = submit(
        &node,
        "//Alice",
        &token_address,
        &with(0x04, &[&caller_raw, &100u128.to_le_bytes()]),
        0,
    );
    assert!(
        approve["call"]["events"]
            .to_string()
            .contains("ContractEmitted"),
        "{approve}"
    );
    let bob = raw(Sr25519Keyring::Bob);
    submit(
        &node,
        "//Alice",
        &caller_address,
        &with(0x03, &[&bob, &60u128.to_le_bytes()]),
        0,
    );
    let balance_of = |who: &[u8; 32]| with(0x02, &[who]);
    assert_eq!(
        dry_run(&node, &token_address, &balance_of(&bob)),
        60u128.to_le_bytes()
    );
    // The same answer through the caller's nested call.
    assert_eq!(
        dry_run(&node, &caller_address, &balance_of(&bob)),
        60u128.to_le_bytes()
    );
    assert_eq!(
        dry_run(
            &node,
            &token_address,
            &balance_of(&raw(Sr25519Keyring::Alice))
        ),
        (supply - 60).to_le_bytes()
    );
    // 40 of the allowance left: paying 50 reverts with the token's code 4, nothing submitted.
    let alice_nonce = nonce(&node, Sr25519Keyring::Alice).await;
    let stderr = contract_fails(&[
        "call",
        "--url",
        &node.ws_url,
        "--suri",
        "//Alice",
        "--contract",
        &caller_address,
        "--data",
        &hex(&with(0x03, &[&bob, &50u128.to_le_bytes()])),
    ]);
    assert!(stderr.contains("\"reverted\":\"0x04\""), "{stderr}");
    assert_eq!(nonce(&node, Sr25519Keyring::Alice).await, alice_nonce);

    // Escrow: Alice locks 5 WCME for Bob with Charlie as arbiter; Bob may not release it,
    // Charlie does, and Bob receives exactly the 5 WCME.
    let escrow_address = deploy(&node, "//Alice", &escrow, &[]);
    let charlie = raw(Sr25519Keyring::Charlie);
    let deposit = submit(
        &node,
        "//Alice",
        &escrow_address,
        &with(0x01, &[&bob, &charlie]),
        5 * WCME,
    );
    assert!(
        deposit["dryRun"]["result"]["returned"] == json!(hex(&0u64.to_le_bytes())),
        "{deposit}"
    );
    let stderr = contract_fails(&[
        "call",
        "--url",
        &node.ws_url,
        "--suri",
        "//Bob",
        "--contract",
        &escrow_address,
        "--data",
        &hex(&with(0x02, &[&0u64.to_le_bytes()])),
    ]);
    assert!(stderr.contains("\"reverted\":\"0x06\""), "{stderr}");
    let bob_before = free_balance(&node, Sr25519Keyring::Bob).await;
    submit(
        &node,
        "//Charlie",
        &escrow_address,
        &with(0x02, &[&0u64.to_le_bytes()]),
        0,
    );
    assert_eq!(
        free_balance(&node, Sr25519Keyring::Bob).await,
        bob_before + 5 * WCME
    );
    // The deal is closed: asking for it reverts with 7.
    let report = contract(&[
        "call",
        "--url",
        &node.ws_url,
        "--suri",
        "//Alice",
        "--contract",
        &escrow_address,
        "--data",
        &hex(&with(0x04, &[&0u64.to_le_bytes()])),
        "--dry-run",
    ]);
    assert_eq!(
        report["dryRun"]["result"]["reverted"],
        json!("0x07"),
        "{report}"
    );

    // The node kept the compiled modules next to its database; purge-chain removes both.
    drop(node);
    let chain_dir = dir.path().join("base/chains/dev");
    let compiled = walk(&chain_dir.join("contracts"));
    assert_eq!(
        compiled
            .iter()
            .filter(|path| path.extension().is_some_and(|ext| ext == "cwasm"))
            .count(),
        3,
        "token, caller and escrow compiled once each: {compiled:?}"
    );
    let (ok, _, stderr) = run_cli(&[
        "purge-chain",
        "--chain",
        dir.path().join("spec.json").to_str().expect("utf8"),
        "--base-path",
        dir.path().join("base").to_str().expect("utf8"),
        "-y",
    ]);
    assert!(ok, "{stderr}");
    assert!(!chain_dir.join("db").exists());
    assert!(!chain_dir.join("contracts").exists());
}

/// Every file below `dir`.
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// The subchain template has the contracts pallet too (paid in its base token): the same CLI
/// deploys and calls the token there, signing in the subchain runtime's format.
#[tokio::test(flavor = "multi_thread")]
async fn the_cli_deploys_and_calls_contracts_on_a_subchain() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (ok, stdout, stderr) = run_cli(&["build-spec", "--chain", "subchain-dev"]);
    assert!(ok, "build-spec failed: {stderr}");
    let mut spec: Value = serde_json::from_str(&stdout).expect("spec is JSON");
    spec["consensus"]["slotDurationMs"] = 1000.into();
    let spec_path = dir.path().join("subchain.json");
    std::fs::write(&spec_path, spec.to_string()).expect("writes");
    let base = dir.path().join("base");
    let node = TestNode::start(&[
        "--chain",
        spec_path.to_str().expect("utf8"),
        "--base-path",
        base.to_str().expect("utf8"),
        "--alice",
        "--no-prometheus",
    ]);
    wait_for_block(&node.rpc(), 1, Duration::from_secs(60)).await;

    let token = dir.path().join("token.wasm");
    build("examples/contracts/token/token.c", &token);
    let supply: u128 = 5_000;
    let token_address = deploy(&node, "//Alice", &token, &supply.to_le_bytes());
    let bob = raw(Sr25519Keyring::Bob);
    let transfer = submit(
        &node,
        "//Alice",
        &token_address,
        &with(0x03, &[&bob, &1_234u128.to_le_bytes()]),
        0,
    );
    let events = transfer["call"]["events"].to_string();
    assert!(events.contains("ContractEmitted"), "{transfer}");
    assert_eq!(
        dry_run(&node, &token_address, &with(0x02, &[&bob])),
        1_234u128.to_le_bytes()
    );
    assert_eq!(
        dry_run(
            &node,
            &token_address,
            &with(0x02, &[&raw(Sr25519Keyring::Alice)])
        ),
        (supply - 1_234).to_le_bytes()
    );
}
