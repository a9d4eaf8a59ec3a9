//! `wcme-node --chain subchain-dev`: the same node binary runs the subchain runtime template —
//! its own token, its own runtime version — and a signed transfer in that token goes through.

mod common;

use std::time::{Duration, Instant};

use common::{TestNode, call, run_cli, wait_for_block};
use sp_core::H256;
use sp_keyring::Sr25519Keyring;
use wcme_runtime_subchain::{UNIT, signing::signed_transfer};

#[tokio::test(flavor = "multi_thread")]
async fn the_node_runs_the_subchain_template_and_moves_its_token() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (ok, stdout, stderr) = run_cli(&["build-spec", "--chain", "subchain-dev"]);
    assert!(ok, "build-spec failed: {stderr}");
    let mut spec: serde_json::Value = serde_json::from_str(&stdout).expect("spec is JSON");
    assert_eq!(spec["runtime"], "wcme-subchain", "{spec}");
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
    let rpc = node.rpc();
    wait_for_block(&rpc, 1, Duration::from_secs(60)).await;

    let version: serde_json::Value = call(&rpc, "state_getRuntimeVersion", vec![])
        .await
        .expect("version");
    assert_eq!(version["specName"], "wcme-subchain");
    let properties: serde_json::Value = call(&rpc, "system_properties", vec![])
        .await
        .expect("properties");
    assert_eq!(
        properties["tokenSymbol"],
        wcme_runtime_subchain::TOKEN_SYMBOL
    );
    // Main-chain methods have no runtime behind them here: a typed error, not a crash.
    let missing = call::<serde_json::Value>(&rpc, "wcme_pocRound", vec![]).await;
    assert!(missing.is_err(), "{missing:?}");

    let genesis: H256 = call(&rpc, "chain_getBlockHash", vec![0.into()])
        .await
        .expect("genesis");
    let bob = Sr25519Keyring::Bob.to_account_id();
    let bob_before = free_balance(&rpc, &bob).await;
    let xt = signed_transfer(&Sr25519Keyring::Alice.pair(), &bob, 5 * UNIT, 0, genesis);
    let _: H256 = call(
        &rpc,
        "author_submitExtrinsic",
        vec![format!("0x{}", hex::encode(xt)).into()],
    )
    .await
    .expect("the subchain accepts its own transfer");
    let deadline = Instant::now() + Duration::from_secs(30);
    while free_balance(&rpc, &bob).await != bob_before + 5 * UNIT {
        assert!(
            Instant::now() < deadline,
            "the transfer never landed\n{}",
            node.log()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// `who`'s free balance at the best block, read from `System::Account` storage.
async fn free_balance(
    rpc: &jsonrpsee::http_client::HttpClient,
    who: &wcme_runtime_subchain::AccountId,
) -> wcme_runtime_subchain::Balance {
    let key = frame_system::Account::<wcme_runtime_subchain::Runtime>::hashed_key_for(who);
    let value: Option<String> = call(
        rpc,
        "state_getStorage",
        vec![format!("0x{}", hex::encode(key)).into()],
    )
    .await
    .expect("state_getStorage");
    let bytes =
        hex::decode(value.expect("the account exists").trim_start_matches("0x")).expect("hex");
    let info: frame_system::AccountInfo<u32, pallet_balances::AccountData<u128>> =
        codec::Decode::decode(&mut &bytes[..]).expect("account info");
    info.data.free
}

#[tokio::test(flavor = "multi_thread")]
async fn a_business_subchain_from_subchain_new_runs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec_path = dir.path().join("supply.json");
    let spec = spec_path.to_str().expect("utf8");
    let (ok, _, stderr) = run_cli(&[
        "subchain",
        "new",
        "Supply Chain",
        "--symbol",
        "SUP",
        "--validators",
        "alice",
        "--endow",
        "alice=1000000",
        "--endow",
        "bob=1000",
        "--slot-duration-ms",
        "1000",
        "--output",
        spec,
    ]);
    assert!(ok, "subchain new failed: {stderr}");
    // The runtime's own rules are checked before anything is written.
    let (ok, _, stderr) = run_cli(&["subchain", "new", "Bad", "--symbol", "WCME"]);
    assert!(!ok && stderr.contains("ReservedSymbol"), "{stderr}");

    let base = dir.path().join("base");
    let node = TestNode::start(&[
        "--chain",
        spec,
        "--base-path",
        base.to_str().expect("utf8"),
        "--alice",
        "--no-prometheus",
    ]);
    let rpc = node.rpc();
    wait_for_block(&rpc, 1, Duration::from_secs(60)).await;
    let chain: String = call(&rpc, "system_chain", vec![]).await.expect("chain");
    assert_eq!(chain, "Supply Chain");
    let properties: serde_json::Value = call(&rpc, "system_properties", vec![])
        .await
        .expect("properties");
    assert_eq!(properties["tokenSymbol"], "SUP");
    let bob = Sr25519Keyring::Bob.to_account_id();
    assert_eq!(free_balance(&rpc, &bob).await, 1000 * UNIT);
}
