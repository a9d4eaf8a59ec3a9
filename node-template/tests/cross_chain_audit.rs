//! Header audit end to end: a main chain, a subchain registered on it, and `wcme-node relay`
//! between them, all real processes. The relayer submits the subchain's finalized headers with
//! their justifications; the main chain audits them against the registered validator set and
//! drains the subchain's gas stake per header; with the stake exhausted the subchain is
//! suspended and nothing more is audited, until `wcme-node subchain top-up` reactivates it and
//! the relayer goes on from where the audit stopped. Two relayers run at once, and one is killed
//! and restarted part-way: every header is audited and charged exactly once. A proof-of-work
//! subchain's real mined headers are audited under their confirmations.

mod common;

use std::{path::Path, time::Duration};

use common::{
    TestNode, best_number, call,
    engines::{four_validator_subchain, hash_rate, start},
    http_get,
    poc::eventually,
    relay::{RelayProcess, register},
    run_cli, wait_for_block,
};
use jsonrpsee::http_client::HttpClient;
use serde_json::{Value, json};
use wcme_runtime_main::WCME;

/// The header fee of the test's main chain: 100 WCME, so that the registry's minimum stake of
/// 1,000 WCME pays for exactly ten headers.
const HEADER_FEE: u128 = 100 * WCME;

/// The dev main chain with 1 s blocks and a 100 WCME header fee, written to `dir/main.json`.
fn main_spec(dir: &Path) -> String {
    let fast = common::fast_chain_spec(dir);
    let mut spec: Value =
        serde_json::from_slice(&std::fs::read(fast).expect("spec")).expect("spec is JSON");
    let patch = &mut spec["genesis"]["runtimeGenesis"]["patch"];
    assert!(
        patch.is_object(),
        "the dev spec carries a genesis patch: {spec}"
    );
    patch["subchains"]["headerFee"] = json!(HEADER_FEE as u64);
    let path = dir.join("main.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&spec).expect("JSON")).expect("writes");
    path.to_str().expect("utf8").to_owned()
}

async fn subchain_view(rpc: &HttpClient, id: u32) -> Value {
    call(rpc, "wcme_subchain", vec![id.into()])
        .await
        .expect("wcme_subchain")
}

/// Asserts that the main chain audited blocks `#1..=#through` of subchain `id` as exactly the
/// blocks the subchain node at `sub_rpc` has.
async fn assert_audited_as_on_subchain(
    main_rpc: &HttpClient,
    sub_rpc: &HttpClient,
    id: u32,
    through: u32,
) {
    for number in 1..=through {
        let audited: Value = call(
            main_rpc,
            "wcme_auditedHeader",
            vec![id.into(), number.into()],
        )
        .await
        .expect("wcme_auditedHeader");
        let hash: String = call(sub_rpc, "chain_getBlockHash", vec![number.into()])
            .await
            .expect("subchain block");
        assert_eq!(audited["hash"], hash.as_str(), "#{number}: {audited}");
    }
}

async fn audited_number(rpc: &HttpClient, id: u32) -> Option<u64> {
    let head: Value = call(rpc, "wcme_auditedHead", vec![id.into()])
        .await
        .expect("wcme_auditedHead");
    head["number"].as_u64()
}

#[tokio::test(flavor = "multi_thread")]
async fn relayed_headers_drain_the_stake_until_suspension_and_a_top_up_resumes_the_audit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = main_spec(dir.path());
    let main_base = dir.path().join("main");
    let main = TestNode::start(&[
        "--chain",
        &spec,
        "--alice",
        "--base-path",
        main_base.to_str().expect("utf8"),
        "--no-prometheus",
    ]);
    let main_rpc = main.rpc();
    wait_for_block(&main_rpc, 1, Duration::from_secs(60)).await;

    // `subchain-dev`: Aura with Alice as its one validator, finalizing every block.
    let sub_base = dir.path().join("subchain");
    let subchain = TestNode::start(&[
        "--chain",
        "subchain-dev",
        "--alice",
        "--base-path",
        sub_base.to_str().expect("utf8"),
        "--no-prometheus",
    ]);
    let sub_rpc = subchain.rpc();

    let id = register(&main, "subchain-dev");
    assert_eq!(
        audited_number(&main_rpc, id).await,
        None,
        "nothing audited yet"
    );

    let relay_log = dir.path().join("relay.log");
    let bob = RelayProcess::start(&main, &subchain, id, "//Bob", &relay_log);
    let charlie_log = dir.path().join("relay-charlie.log");
    let charlie = RelayProcess::start_with(
        &main,
        &subchain,
        id,
        "//Charlie",
        &charlie_log,
        &["--prometheus-port", "0"],
    );
    let relay_log_text = || std::fs::read_to_string(&relay_log).unwrap_or_default();

    // Bob's relayer dies part-way (SIGKILL: nothing flushed, nothing said) and comes back.
    eventually("some headers audited", Duration::from_secs(90), || {
        let rpc = main_rpc.clone();
        async move { audited_number(&rpc, id).await.is_some() }
    })
    .await;
    drop(bob);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let bob = RelayProcess::start(&main, &subchain, id, "//Bob", &relay_log);

    // Ten headers at 100 WCME spend the 1,000 WCME stake: below the 100 WCME minimum, the
    // subchain is suspended, with exactly ten headers audited and charged.
    eventually(
        "the subchain suspended for lack of gas",
        Duration::from_secs(120),
        || {
            let rpc = main_rpc.clone();
            async move { subchain_view(&rpc, id).await["status"] == "suspended" }
        },
    )
    .await;
    let view = subchain_view(&main_rpc, id).await;
    assert_eq!(view["headersCharged"], 10, "{view}\n{}", relay_log_text());
    assert_eq!(view["gas"], "0", "{view}");
    assert_eq!(view["gasSpent"], (10 * HEADER_FEE).to_string(), "{view}");
    assert_eq!(audited_number(&main_rpc, id).await, Some(10));
    // What the main chain audited is the subchain's own block #10.
    let audited: Value = call(&main_rpc, "wcme_auditedHead", vec![id.into()])
        .await
        .expect("wcme_auditedHead");
    let hash_10: String = call(&sub_rpc, "chain_getBlockHash", vec![10.into()])
        .await
        .expect("block #10");
    assert_eq!(audited["hash"], hash_10.as_str(), "{audited}");

    // Suspended, nothing more is audited while the subchain goes on.
    wait_for_block(&sub_rpc, 16, Duration::from_secs(60)).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(audited_number(&main_rpc, id).await, Some(10));

    // A top-up of 500 WCME reactivates it; the relayer resumes at #11 and the five headers
    // the top-up pays for suspend it again at #15.
    let top_up = |id: &str| {
        run_cli(&[
            "subchain",
            "top-up",
            "--id",
            id,
            "--main",
            &main.http_url,
            "--payer",
            "//Alice",
            "--amount",
            "500",
        ])
    };
    let (ok, _, stderr) = top_up("99");
    assert!(!ok && stderr.contains("no subchain 99"), "{stderr}");
    let (ok, stdout, stderr) = top_up(&id.to_string());
    assert!(ok, "subchain top-up failed: {stderr}");
    assert_eq!(stdout.trim(), "active", "prints the new status");
    eventually(
        "the audit resumed up to #15",
        Duration::from_secs(90),
        || {
            let rpc = main_rpc.clone();
            async move { audited_number(&rpc, id).await == Some(15) }
        },
    )
    .await;
    eventually(
        "the subchain suspended again",
        Duration::from_secs(30),
        || {
            let rpc = main_rpc.clone();
            async move { subchain_view(&rpc, id).await["status"] == "suspended" }
        },
    )
    .await;
    assert_eq!(subchain_view(&main_rpc, id).await["headersCharged"], 15);
    // The audited chain is the subchain's own, block by block.
    assert_audited_as_on_subchain(&main_rpc, &sub_rpc, id, 15).await;
    let log = relay_log_text() + &std::fs::read_to_string(&charlie_log).unwrap_or_default();
    assert!(log.contains("Main chain audited subchain headers"), "{log}");
    assert!(log.contains("not active on the main chain"), "{log}");
    // Charlie's relayer exports how far the audit is.
    let charlie_log = std::fs::read_to_string(&charlie_log).unwrap_or_default();
    let addr = charlie_log
        .lines()
        .find_map(|line| line.split("Prometheus exporter started at ").nth(1))
        .unwrap_or_else(|| panic!("exporter address logged: {charlie_log}"))
        .trim()
        .to_owned();
    // (Within its next pass: it may still be waiting out the poll interval of the last one.)
    eventually(
        "the relayer's metrics at #15",
        Duration::from_secs(10),
        || {
            let metrics = http_get(&addr, "/metrics");
            async move { metrics.contains("wcme_relay_audited_head 15") }
        },
    )
    .await;
    let metrics = http_get(&addr, "/metrics");
    assert!(
        metrics.contains("wcme_relay_headers_submitted_total"),
        "{metrics}"
    );
    drop((bob, charlie));
}

/// The confirmations the main runtime wants on top of an audited PoW header
/// (`PowConfirmations`).
const POW_CONFIRMATIONS: u32 = 6;

#[tokio::test(flavor = "multi_thread")]
async fn mined_headers_of_a_pow_subchain_are_audited_under_their_confirmations() {
    let dir = tempfile::tempdir().expect("tempdir");
    let main = common::start_fast_node(dir.path(), &["--alice", "--no-prometheus"]);
    let main_rpc = main.rpc();
    wait_for_block(&main_rpc, 1, Duration::from_secs(60)).await;

    // One miner at about half a slot of hashing per block (the main chain checks each header's
    // difficulty against its parent's with the same rule the miner follows).
    let spec = four_validator_subchain(dir.path(), "pow");
    let mut json: Value =
        serde_json::from_slice(&std::fs::read(&spec).expect("spec")).expect("spec is JSON");
    json["consensus"]["initialDifficulty"] = (hash_rate() / 2).max(1).into();
    std::fs::write(&spec, json.to_string()).expect("writes");
    let miner = start(&spec, dir.path(), "alice", true, None);
    let miner_rpc = miner.rpc();

    let id = register(&main, &spec);
    assert_eq!(subchain_view(&main_rpc, id).await["consensus"], "pow");

    let log = dir.path().join("relay.log");
    let _relay = RelayProcess::start(&main, &miner, id, "//Bob", &log);
    eventually(
        "three PoW headers audited",
        Duration::from_secs(180),
        || {
            let rpc = main_rpc.clone();
            async move { audited_number(&rpc, id).await >= Some(3) }
        },
    )
    .await;
    let audited = audited_number(&main_rpc, id).await.unwrap_or_default() as u32;
    // Only headers buried under the confirmations are audited.
    assert!(
        audited + POW_CONFIRMATIONS <= best_number(&miner_rpc).await,
        "audited #{audited} without {POW_CONFIRMATIONS} confirmations"
    );
    assert_audited_as_on_subchain(&main_rpc, &miner_rpc, id, audited).await;
    // Charged exactly what was audited, read at one block.
    let at: String = call(&main_rpc, "chain_getBlockHash", vec![])
        .await
        .expect("best hash");
    let view: Value = call(
        &main_rpc,
        "wcme_subchain",
        vec![id.into(), at.clone().into()],
    )
    .await
    .expect("wcme_subchain");
    let head: Value = call(&main_rpc, "wcme_auditedHead", vec![id.into(), at.into()])
        .await
        .expect("wcme_auditedHead");
    assert_eq!(view["headersCharged"], head["number"], "{view}\n{head}");
    let log = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(log.contains("Main chain audited subchain headers"), "{log}");
}
