//! `system_peers` reports each peer's role as it announced it: `AUTHORITY` for a node with
//! authoring keys, `FULL` for a follower.

mod common;

use std::time::{Duration, Instant};

use common::{TestNode, call, fast_chain_spec};
use jsonrpsee::http_client::HttpClient;

/// Waits (bounded) until `system_peers` lists `peer_id` with `roles` equal to `expected`.
async fn wait_for_role(client: &HttpClient, peer_id: &str, expected: &str, node: &TestNode) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let peers: Vec<serde_json::Value> = call(client, "system_peers", vec![])
            .await
            .expect("system_peers");
        let role = peers
            .iter()
            .find(|p| p["peerId"] == peer_id)
            .and_then(|p| p["roles"].as_str().map(str::to_string));
        if role.as_deref() == Some(expected) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{peer_id} never listed as {expected} (last: {role:?}, peers {peers:?})\n{}",
            node.log()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn peer_id(node: &TestNode) -> String {
    let addr = node.p2p_addr();
    addr.rsplit('/').next().expect("peer id").to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn system_peers_tells_authorities_from_full_nodes() {
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

    wait_for_role(&follower.rpc(), &peer_id(&alice), "AUTHORITY", &follower).await;
    wait_for_role(&alice.rpc(), &peer_id(&follower), "FULL", &alice).await;
}
