//! The Proof-of-Credit `wcme_*` RPC methods on a real node: their shapes on the `--dev` chain
//! (no agents: the dev engine writes no POC digest, so the `Poc` pallet stays idle) and on the
//! `local` chain (four genesis agents), and their parameter errors.

mod common;

use std::time::Duration;

use common::{TestNode, call, error_code_and_data, start_fast_node, wait_for_block};
use serde_json::{Value, json};

/// Alice's account (`//Alice`) as the RPC shows accounts.
const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";

#[tokio::test(flavor = "multi_thread")]
async fn poc_methods_on_the_dev_chain() {
    let dir = tempfile::tempdir().expect("tempdir");
    let node = start_fast_node(dir.path(), &["--alice", "--no-prometheus"]);
    let rpc = node.rpc();
    // A few dev blocks: they carry no POC pre-digest, so nothing moves.
    wait_for_block(&rpc, 2, Duration::from_secs(60)).await;

    let agents: Value = call(&rpc, "wcme_pocAgents", vec![]).await.expect("agents");
    assert_eq!(agents, json!([]), "the development preset has no agents");

    let round: Value = call(&rpc, "wcme_pocRound", vec![]).await.expect("round");
    assert_eq!(round["index"], json!(0), "{round}");
    assert_eq!(round["startSlot"], json!(0), "{round}");
    assert_eq!(round["slotDurationMs"], json!(6000), "{round}");
    assert_eq!(round["producers"], json!([]), "{round}");

    let credit: Value = call(&rpc, "wcme_credit", vec![json!(ALICE)])
        .await
        .expect("credit");
    assert_eq!(
        credit,
        json!({"units": 0, "credit": "0.0000", "redCard": false})
    );
    // Hex account ids work too.
    let alice_hex = "0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d";
    let same: Value = call(&rpc, "wcme_credit", vec![json!(alice_hex)])
        .await
        .expect("credit");
    assert_eq!(same, credit);
    let pending: String = call(&rpc, "wcme_pocPendingRewards", vec![json!(ALICE)])
        .await
        .expect("pending");
    assert_eq!(pending, "0");

    // At an explicit block (genesis).
    let genesis: String = call(&rpc, "chain_getBlockHash", vec![json!(0)])
        .await
        .expect("hash");
    let at_genesis: Value = call(&rpc, "wcme_pocRound", vec![json!(genesis)])
        .await
        .expect("round at genesis");
    assert_eq!(at_genesis["index"], json!(0));

    // Bad parameters are invalid params; an unknown block is a failed runtime call.
    for (method, params) in [
        ("wcme_credit", vec![]),
        ("wcme_credit", vec![json!("not-an-address")]),
        ("wcme_credit", vec![json!("0x1234")]),
        ("wcme_credit", vec![json!(42)]),
        ("wcme_pocPendingRewards", vec![json!(ALICE), json!("0x12")]),
        ("wcme_pocAgents", vec![json!("0x1234")]),
        ("wcme_pocRound", vec![json!(7)]),
    ] {
        let (code, data) = error_code_and_data(
            call::<Value>(&rpc, method, params.clone())
                .await
                .expect_err("bad params"),
        );
        assert_eq!(code, -32602, "{method} {params:?}: {data}");
    }
    let unknown = format!("0x{}", "09".repeat(32));
    let (code, _) = error_code_and_data(
        call::<Value>(&rpc, "wcme_pocAgents", vec![json!(unknown)])
            .await
            .expect_err("unknown block"),
    );
    assert_eq!(code, 5002);

    let methods: Value = call(&rpc, "rpc_methods", vec![]).await.expect("methods");
    for method in [
        "wcme_pocRound",
        "wcme_pocAgents",
        "wcme_credit",
        "wcme_pocPendingRewards",
    ] {
        assert!(
            methods["methods"]
                .as_array()
                .is_some_and(|all| all.contains(&json!(method))),
            "{method} listed"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn poc_agents_of_the_local_chain() {
    let dir = tempfile::tempdir().expect("tempdir");
    let base = dir.path().join("base");
    // No validator key: the node only serves RPC at genesis.
    let node = TestNode::start(&[
        "--chain",
        "local",
        "--base-path",
        base.to_str().expect("utf8"),
        "--no-prometheus",
    ]);
    let rpc = node.rpc();
    let genesis: String = call(&rpc, "chain_getBlockHash", vec![json!(0)])
        .await
        .expect("hash");

    let agents: Value = call(&rpc, "wcme_pocAgents", vec![json!(genesis)])
        .await
        .expect("agents");
    let agents = agents.as_array().expect("a list");
    assert_eq!(agents.len(), 4, "{agents:?}");
    let alice = agents
        .iter()
        .find(|agent| agent["agent"] == ALICE)
        .expect("Alice is an agent");
    assert_eq!(alice["rewardAccount"], json!(ALICE));
    assert_eq!(alice["deposit"], json!("50000000000000000"));
    assert_eq!(alice["delegated"], json!("0"));
    assert_eq!(alice["delegators"], json!(0));
    assert_eq!(alice["commissionPerbill"], json!(100_000_000));
    assert_eq!(alice["status"], json!("active"));
    assert_eq!(alice["frozenUntil"], Value::Null);
    assert_eq!(alice["credit"], json!(0));
    let key = alice["packingKey"].as_str().expect("hex key");
    assert!(key.starts_with("0x") && key.len() == 66, "{key}");

    let round: Value = call(&rpc, "wcme_pocRound", vec![json!(genesis)])
        .await
        .expect("round");
    let producers = round["producers"].as_array().expect("producers");
    assert_eq!(producers.len(), 4, "{round}");
    assert!(
        producers
            .iter()
            .all(|p| p["stake"] == json!("50000000000000000"))
    );
    assert!(producers.iter().any(|p| p["packingKey"] == json!(key)));
    assert_eq!(round["index"], json!(0));
}
