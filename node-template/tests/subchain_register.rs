//! `wcme-node subchain register`: a subchain spec made by `subchain new` is registered on a
//! running main chain with everything read from the spec (genesis hash, validators, engine, base
//! token), and a node started from that spec has exactly the registered genesis. Registering the
//! same chain twice, or with a stake below the minimum, is refused with a clear error. And
//! `subchain new --main-anchor` makes a subchain whose light client trusts the main chain's
//! final block from genesis.

mod common;

use std::time::Duration;

use common::{
    TestNode, call,
    engines::four_validator_subchain,
    poc::{fast_local_spec, finalized, start_validator},
    run_cli, start_fast_node, wait_for_block,
};

#[tokio::test(flavor = "multi_thread")]
async fn a_subchain_spec_registers_on_the_main_chain_as_it_runs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let main = start_fast_node(dir.path(), &["--alice", "--no-prometheus"]);
    let rpc = main.rpc();
    wait_for_block(&rpc, 1, Duration::from_secs(60)).await;
    let spec = four_validator_subchain(dir.path(), "pbft");

    let register = |stake: &str| {
        run_cli(&[
            "subchain",
            "register",
            "--chain",
            &spec,
            "--main",
            &main.http_url,
            "--owner",
            "//Alice",
            "--stake",
            stake,
        ])
    };
    // Below the registry's minimum stake (1,000 WCME): in a block, refused, said so.
    let (ok, _, stderr) = register("10");
    assert!(!ok && stderr.contains("refused"), "{stderr}");

    let (ok, stdout, stderr) = register("2000");
    assert!(ok, "subchain register failed: {stderr}");
    let id: u32 = stdout.trim().parse().expect("prints the subchain id");
    let registered: serde_json::Value = call(&rpc, "wcme_subchain", vec![id.into()])
        .await
        .expect("wcme_subchain");
    assert_eq!(registered["chainId"], "engine_pbft", "{registered}");
    assert_eq!(registered["consensus"], "pbft");
    assert_eq!(registered["signatureScheme"], "sr25519");
    assert_eq!(registered["symbol"], "ENG");
    assert_eq!(registered["status"], "active");
    assert_eq!(registered["validators"].as_array().map(Vec::len), Some(4));

    // The same chain again: refused before anything is signed.
    let (ok, _, stderr) = register("2000");
    assert!(!ok && stderr.contains("already has a subchain"), "{stderr}");

    // A node of the spec starts from the registered genesis.
    let base = dir.path().join("subchain");
    let subchain = TestNode::start(&[
        "--chain",
        &spec,
        "--base-path",
        base.to_str().expect("utf8"),
        "--no-prometheus",
    ]);
    let genesis: String = call(&subchain.rpc(), "chain_getBlockHash", vec![0.into()])
        .await
        .expect("genesis");
    assert_eq!(registered["genesisHash"], genesis.as_str());
}

/// The first object under `key` anywhere in `value`.
fn find<'a>(value: &'a serde_json::Value, key: &str) -> Option<&'a serde_json::Value> {
    match value {
        serde_json::Value::Object(map) => map
            .get(key)
            .or_else(|| map.values().find_map(|inner| find(inner, key))),
        serde_json::Value::Array(items) => items.iter().find_map(|inner| find(inner, key)),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_subchain_trusts_the_main_chains_final_block_from_genesis() {
    use codec::Decode;
    use pallet_wcme_cross_chain::main_client::FinalizedMainHeader;

    let dir = tempfile::tempdir().expect("tempdir");
    let new_spec = |name: &str, symbol: &str, url: &str, output: Option<&str>| {
        let mut args = vec![
            "subchain",
            "new",
            name,
            "--symbol",
            symbol,
            "--main-anchor",
            url,
        ];
        if let Some(output) = output {
            args.extend(["--output", output]);
        }
        run_cli(&args)
    };

    // A --dev main chain runs no Proof-of-Credit: no voters to trust, refused.
    let dev = start_fast_node(dir.path(), &["--alice", "--no-prometheus"]);
    let (ok, _, stderr) = new_spec("Dev anchored", "DEV", &dev.http_url, None);
    assert!(!ok && stderr.contains("no producers"), "{stderr}");
    drop(dev);

    // A Proof-of-Credit main chain (`local`): the anchor is its finalized block and the voters
    // of that block's round.
    let main = start_validator(&fast_local_spec(dir.path()), dir.path(), "--alice", None);
    let rpc = main.rpc();
    wait_for_block(&rpc, 1, Duration::from_secs(60)).await;
    let spec = dir.path().join("anchored.json");
    let spec = spec.to_str().expect("utf8");
    let (ok, _, stderr) = new_spec("Anchored", "ANC", &main.http_url, Some(spec));
    assert!(ok, "subchain new --main-anchor failed: {stderr}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(spec).expect("spec written")).expect("json");
    let anchor = find(&json, "mainChain")
        .expect("the light client's genesis")
        .clone();
    let (final_number, final_hash) = finalized(&rpc).await;
    let number = u32::try_from(anchor["checkpointNumber"].as_u64().expect("number")).expect("u32");
    assert!(number <= final_number, "{anchor}");
    let hash: String = call(&rpc, "chain_getBlockHash", vec![number.into()])
        .await
        .expect("hash");
    if number == final_number {
        assert_eq!(hash, final_hash);
    }
    assert_eq!(anchor["checkpointHash"].as_str(), Some(hash.as_str()));
    let genesis: String = call(&rpc, "chain_getBlockHash", vec![0.into()])
        .await
        .expect("genesis");
    assert_eq!(anchor["genesisHash"].as_str(), Some(genesis.as_str()));
    assert_eq!(
        anchor["voters"].as_array().map(Vec::len),
        Some(4),
        "the local chain's four agents: {anchor}"
    );

    // A node of the new subchain: its light client holds the anchor from block 0.
    let base = dir.path().join("anchored");
    let sub = TestNode::start(&[
        "--chain",
        spec,
        "--base-path",
        base.to_str().expect("utf8"),
        "--no-prometheus",
    ]);
    let header: serde_json::Value = call(&rpc, "chain_getHeader", vec![hash.clone().into()])
        .await
        .expect("header");
    let encoded: String = call(
        &sub.rpc(),
        "state_call",
        vec!["SubchainBridgeApi_main_finalized_head".into(), "0x".into()],
    )
    .await
    .expect("state_call");
    let bytes = hex::decode(encoded.trim_start_matches("0x")).expect("hex");
    let head = Option::<FinalizedMainHeader>::decode(&mut &bytes[..])
        .expect("decodes")
        .expect("anchored at genesis");
    assert_eq!(head.number, number);
    assert_eq!(format!("{:?}", head.hash), hash);
    assert_eq!(
        Some(format!("{:?}", head.state_root).as_str()),
        header["stateRoot"].as_str()
    );

    // The same over the node's `wcme_bridgeStatus`; a main node has no `SubchainBridgeApi`.
    let status: serde_json::Value = call(&sub.rpc(), "wcme_bridgeStatus", vec![])
        .await
        .expect("wcme_bridgeStatus");
    assert_eq!(status["mainFinalizedHead"]["number"], number);
    assert_eq!(
        status["mainFinalizedHead"]["hash"].as_str(),
        Some(hash.as_str())
    );
    assert_eq!(
        status["mainFinalizedHead"]["stateRoot"],
        header["stateRoot"]
    );
    assert_eq!(status["subchainId"], serde_json::Value::Null);
    assert_eq!(status["minted"], "0");
    assert_eq!(status["nextInboundSeq"], 0);
    assert!(
        call::<serde_json::Value>(&rpc, "wcme_bridgeStatus", vec![])
            .await
            .is_err()
    );

    // A node that is no main chain (the subchain has no `PocApi`) cannot anchor one.
    let (ok, _, stderr) = new_spec("Misanchored", "MIS", &sub.http_url, None);
    assert!(!ok, "anchored on a subchain");
    assert!(stderr.contains("not a main chain"), "{stderr}");
}
