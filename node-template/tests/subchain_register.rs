//! `wcme-node subchain register`: a subchain spec made by `subchain new` is registered on a
//! running main chain with everything read from the spec (genesis hash, validators, engine, base
//! token), and a node started from that spec has exactly the registered genesis. Registering the
//! same chain twice, or with a stake below the minimum, is refused with a clear error.

mod common;

use std::time::Duration;

use common::{
    TestNode, call, engines::four_validator_subchain, run_cli, start_fast_node, wait_for_block,
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
