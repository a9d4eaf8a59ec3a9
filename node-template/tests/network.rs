//! Two real nodes over libp2p: Alice authors on the 1-second dev chain, a follower syncs from
//! genesis, then follows her head through block gossip.

mod common;

use std::time::{Duration, Instant};

use common::{TestNode, best_number, call, fast_chain_spec, peer::Harness, wait_for_block};
use jsonrpsee::http_client::HttpClient;
use sp_keyring::Sr25519Keyring;
use wcme_runtime_main::{WCME, signing::signed_transfer};

async fn hash_at(client: &HttpClient, number: u32) -> Option<String> {
    call::<Option<String>>(
        client,
        "chain_getBlockHash",
        vec![serde_json::json!(number)],
    )
    .await
    .expect("chain_getBlockHash")
}

async fn peers(client: &HttpClient) -> Vec<serde_json::Value> {
    call(client, "system_peers", vec![])
        .await
        .expect("system_peers")
}

async fn health_peers(client: &HttpClient) -> u64 {
    let health: serde_json::Value = call(client, "system_health", vec![])
        .await
        .expect("system_health");
    health["peers"].as_u64().expect("peers is a number")
}

#[tokio::test(flavor = "multi_thread")]
async fn follower_syncs_from_genesis_and_follows_the_author() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = fast_chain_spec(dir.path());
    let spec = spec.to_str().expect("utf8");
    let alice_base = dir.path().join("alice");
    let alice = TestNode::start(&[
        "--chain",
        spec,
        "--alice",
        "--base-path",
        alice_base.to_str().expect("utf8"),
        "--no-prometheus",
    ]);
    let alice_rpc = alice.rpc();
    wait_for_block(&alice_rpc, 5, Duration::from_secs(30)).await;
    let alice_addr = alice.p2p_addr();

    let follower_base = dir.path().join("follower");
    let follower = TestNode::start(&[
        "--chain",
        spec,
        "--base-path",
        follower_base.to_str().expect("utf8"),
        "--no-prometheus",
        "--bootnodes",
        &alice_addr,
    ]);
    let follower_rpc = follower.rpc();

    // Sync: the follower catches up from genesis past Alice's head at connection time.
    let target = best_number(&alice_rpc).await + 2;
    wait_for_block(&follower_rpc, target, Duration::from_secs(30)).await;

    // Both agree on a common block and on their finalized head within a bounded time.
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let a: String = call(&alice_rpc, "chain_getFinalizedHead", vec![])
            .await
            .expect("finalized");
        let f: String = call(&follower_rpc, "chain_getFinalizedHead", vec![])
            .await
            .expect("finalized");
        if a == f {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "finalized heads differ: {a} vs {f}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for number in 1..=target {
        assert_eq!(
            hash_at(&alice_rpc, number).await,
            hash_at(&follower_rpc, number).await,
            "block #{number} differs"
        );
    }

    // Peers are visible over RPC on both sides.
    for client in [&alice_rpc, &follower_rpc] {
        let list = peers(client).await;
        assert_eq!(list.len(), 1, "peers: {list:?}");
        assert_eq!(health_peers(client).await, 1);
    }
    assert!(
        follower.log().contains("Local node identity is: "),
        "{}",
        follower.log()
    );

    // A transfer submitted to the follower is gossiped to Alice, included in one of her blocks
    // and imported by the follower.
    let genesis = hash_at(&follower_rpc, 0).await.expect("genesis hash");
    let genesis =
        sp_core::H256::from_slice(&hex::decode(genesis.trim_start_matches("0x")).expect("hex"));
    let transfer = signed_transfer(
        &Sr25519Keyring::Alice.pair(),
        &Sr25519Keyring::Bob.to_account_id(),
        WCME,
        0,
        genesis,
    );
    let transfer_hex = format!("0x{}", hex::encode(&transfer));
    let from = best_number(&follower_rpc).await;
    let _: serde_json::Value = call(
        &follower_rpc,
        "author_submitExtrinsic",
        vec![serde_json::json!(transfer_hex)],
    )
    .await
    .expect("follower accepts the transfer");
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut next = from + 1;
    'found: loop {
        let best = best_number(&follower_rpc).await;
        while next <= best {
            let hash = hash_at(&follower_rpc, next).await.expect("canonical hash");
            let block: serde_json::Value = call(
                &follower_rpc,
                "chain_getBlock",
                vec![serde_json::json!(hash)],
            )
            .await
            .expect("block");
            let extrinsics = block["block"]["extrinsics"].as_array().expect("extrinsics");
            if extrinsics
                .iter()
                .any(|x| x.as_str() == Some(transfer_hex.as_str()))
            {
                break 'found;
            }
            next += 1;
        }
        assert!(
            Instant::now() < deadline,
            "the transfer never reached a block on the follower\nalice:\n{}",
            alice.log()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn undecodable_block_announcements_get_the_sender_banned() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = fast_chain_spec(dir.path());
    let base = dir.path().join("node");
    let node = TestNode::start(&[
        "--chain",
        spec.to_str().expect("utf8"),
        "--base-path",
        base.to_str().expect("utf8"),
        "--no-prometheus",
    ]);
    let rpc = node.rpc();

    // The chain id of the fast spec is the dev chain's.
    let mut bad = Harness::join(&node, &rpc, "dev").await;
    // Garbage on the blocks topic (each message different so gossip does not deduplicate it)
    // until the node disconnects and bans the sender.
    let sent = bad
        .send_until_banned(&node, &rpc, |n| format!("not a block {n}").into_bytes())
        .await;
    assert!(sent >= 1);
    let log = node.log();
    assert!(
        log.contains("banning peer") && log.contains("undecodable block"),
        "disconnected without a ban for bad blocks:\n{log}"
    );
}

fn identity(node: &TestNode) -> String {
    let addr = node.p2p_addr();
    addr.rsplit('/').next().expect("peer id").to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn node_key_file_keeps_the_identity_and_bad_flags_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = fast_chain_spec(dir.path());
    let base = dir.path().join("base");
    let args = [
        "--chain",
        spec.to_str().expect("utf8"),
        "--base-path",
        base.to_str().expect("utf8"),
        "--no-prometheus",
    ];
    let first = identity(&TestNode::start(&args));
    assert!(base.join("chains/dev/network/secret_ed25519").exists());
    let second = identity(&TestNode::start(&args));
    assert_eq!(first, second, "the key file keeps the peer id");

    let (ok, _, stderr) = common::run_cli(&[
        "--dev",
        "--port",
        "0",
        "--rpc-port",
        "0",
        "--no-prometheus",
        "--bootnodes",
        "not-a-multiaddr",
    ]);
    assert!(!ok);
    assert!(stderr.contains("invalid boot node"), "{stderr}");
    let (ok, _, stderr) = common::run_cli(&[
        "--dev",
        "--port",
        "0",
        "--rpc-port",
        "0",
        "--no-prometheus",
        "--node-key",
        "0x1234",
    ]);
    assert!(!ok);
    assert!(stderr.contains("invalid --node-key"), "{stderr}");
}
