//! WebSocket subscriptions, Prometheus metrics and chain maintenance commands on a real node.

mod common;

use std::time::{Duration, Instant};

use common::{TestNode, fast_chain_spec, http_get, run_cli, start_fast_node, wait_for_block};
use jsonrpsee::{
    core::client::{Subscription, SubscriptionClientT},
    rpc_params,
    ws_client::WsClientBuilder,
};
use serde_json::Value;
use sp_keyring::Sr25519Keyring;
use wcme_runtime_main::{Runtime, WCME, signing::signed_transfer};

async fn next(subscription: &mut Subscription<Value>) -> Value {
    tokio::time::timeout(Duration::from_secs(30), subscription.next())
        .await
        .expect("notification within 30 s")
        .expect("subscription open")
        .expect("notification decodes")
}

#[tokio::test(flavor = "multi_thread")]
async fn heads_storage_and_extrinsic_status_stream_over_websocket() {
    let dir = tempfile::tempdir().expect("tempdir");
    let node = start_fast_node(dir.path(), &["--alice", "--no-prometheus"]);
    let ws = WsClientBuilder::default()
        .build(&node.ws_url)
        .await
        .expect("connects");

    let mut heads: Subscription<Value> = ws
        .subscribe(
            "chain_subscribeNewHeads",
            rpc_params![],
            "chain_unsubscribeNewHeads",
        )
        .await
        .expect("subscribes");
    let first = next(&mut heads).await;
    let second = next(&mut heads).await;
    let number = |h: &Value| {
        u32::from_str_radix(
            h["number"].as_str().expect("hex").trim_start_matches("0x"),
            16,
        )
        .expect("number")
    };
    assert!(number(&second) > number(&first));

    let bob = Sr25519Keyring::Bob.to_account_id();
    let bob_key = frame_system::Account::<Runtime>::hashed_key_for(&bob);
    let bob_key = format!("0x{}", hex::encode(bob_key));
    let mut storage: Subscription<Value> = ws
        .subscribe(
            "state_subscribeStorage",
            rpc_params![vec![bob_key.clone()]],
            "state_unsubscribeStorage",
        )
        .await
        .expect("subscribes");
    let initial = next(&mut storage).await;
    assert_eq!(initial["changes"][0][0], Value::String(bob_key.clone()));

    let genesis: String =
        jsonrpsee::core::client::ClientT::request(&ws, "chain_getBlockHash", rpc_params![0])
            .await
            .expect("genesis");
    let genesis = sp_core::H256::from_slice(&hex::decode(&genesis[2..]).expect("hex"));
    let transfer = signed_transfer(&Sr25519Keyring::Alice.pair(), &bob, WCME, 0, genesis);
    let mut status: Subscription<Value> = ws
        .subscribe(
            "author_submitAndWatchExtrinsic",
            rpc_params![format!("0x{}", hex::encode(&transfer))],
            "author_unwatchExtrinsic",
        )
        .await
        .expect("accepted");
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        let update = next(&mut status).await;
        let done = update.get("finalized").is_some();
        seen.push(update);
        if done {
            break;
        }
    }
    assert_eq!(
        seen.first(),
        Some(&Value::String("ready".into())),
        "{seen:?}"
    );
    let in_block = seen
        .iter()
        .find_map(|s| s.get("inBlock"))
        .expect("inBlock reported");
    let finalized = seen
        .last()
        .and_then(|s| s.get("finalized"))
        .expect("finalized reported");
    assert_eq!(in_block, finalized, "dev blocks are final at once");

    // Bob's balance change arrives as a storage notification for the including block.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let change = next(&mut storage).await;
        if change["block"] == *in_block {
            assert_eq!(change["changes"][0][0], Value::String(bob_key.clone()));
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no storage change for the including block"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn prometheus_reports_heights_pool_and_import_times() {
    let dir = tempfile::tempdir().expect("tempdir");
    let node = start_fast_node(dir.path(), &["--alice", "--prometheus-port", "0"]);
    wait_for_block(&node.rpc(), 2, Duration::from_secs(30)).await;
    let log = node.log();
    let addr = log
        .lines()
        .find_map(|line| line.split("Prometheus exporter started at ").nth(1))
        .expect("exporter address logged")
        .trim()
        .to_string();
    let metrics = http_get(&addr, "/metrics");
    let best = metrics
        .lines()
        .find_map(|line| line.strip_prefix("wcme_block_height{status=\"best\"} "))
        .expect("best height exported");
    assert!(
        best.trim().parse::<u64>().expect("number") >= 2,
        "{metrics}"
    );
    assert!(metrics.contains("wcme_block_height{status=\"finalized\"}"));
    assert!(metrics.contains("wcme_block_import_time_seconds_count{origin=\"own\"}"));
    assert!(metrics.contains("wcme_txpool_ready"));
    assert!(http_get(&addr, "/nope").contains("404"));
}

#[tokio::test(flavor = "multi_thread")]
async fn modules_start_in_dependency_order_and_purge_chain_removes_the_database() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = fast_chain_spec(dir.path());
    let base = dir.path().join("base");
    let node = TestNode::start(&[
        "--chain",
        spec.to_str().expect("utf8"),
        "--base-path",
        base.to_str().expect("utf8"),
        "--no-prometheus",
        "--alice",
    ]);
    wait_for_block(&node.rpc(), 1, Duration::from_secs(30)).await;
    let log = node.log();
    let order: Vec<&str> = log
        .lines()
        .filter_map(|line| line.split("Started module ").nth(1))
        .map(|rest| rest.split(' ').next().unwrap_or_default())
        .collect();
    assert_eq!(
        order,
        [
            "metrics",
            "storage",
            "chain",
            "txpool",
            "authoring",
            "network",
            "rpc"
        ]
    );
    drop(node);

    let db = base.join("chains/dev/db");
    assert!(db.exists());
    let (ok, _, stderr) = run_cli(&[
        "purge-chain",
        "--chain",
        spec.to_str().expect("utf8"),
        "--base-path",
        base.to_str().expect("utf8"),
        "-y",
    ]);
    assert!(ok, "{stderr}");
    assert!(stderr.contains("removed"), "{stderr}");
    assert!(!db.exists());
}
