//! A proof-of-work subchain on 127.0.0.1: two of four nodes mine, the longest chain wins, and
//! blocks become final at the chain's finality depth on every node alike.

mod common;

use std::time::Duration;

use common::{
    best_number,
    engines::{four_validator_subchain, hash_at, hash_rate, start},
    poc::{authored, eventually, finalized},
};

#[tokio::test(flavor = "multi_thread")]
async fn two_miners_extend_one_chain_that_becomes_final_by_depth() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = four_validator_subchain(dir.path(), "pow");
    let mut json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&spec).expect("spec")).expect("json");
    assert_eq!(json["consensus"]["engine"], "pow", "{json}");
    let depth = json["consensus"]["finalityDepth"].as_u64().expect("depth") as u32;
    // About half a slot of one miner's hashing per block: blocks in random slots, so two miners
    // rarely tie and a tie is soon broken, as on a real proof-of-work network.
    json["consensus"]["initialDifficulty"] = (hash_rate() / 2).max(1).into();
    std::fs::write(&spec, json.to_string()).expect("writes");

    let alice = start(&spec, dir.path(), "alice", true, None);
    let boot = alice.p2p_addr();
    let bob = start(&spec, dir.path(), "bob", true, Some(&boot));
    let charlie = start(&spec, dir.path(), "charlie", false, Some(&boot));
    let dave = start(&spec, dir.path(), "dave", false, Some(&boot));
    let nodes = [&alice, &bob, &charlie, &dave];

    let target = 4;
    for node in nodes {
        let rpc = node.rpc();
        eventually(
            "blocks final by depth",
            Duration::from_secs(180),
            || async { finalized(&rpc).await.0 >= target },
        )
        .await;
        // Final means `depth` blocks on top: never closer to the best block.
        let (final_number, _) = finalized(&rpc).await;
        let best = best_number(&rpc).await;
        assert!(
            best >= final_number + depth,
            "best #{best}, final #{final_number}"
        );
    }
    assert!(
        authored(&alice) > 0 && authored(&bob) > 0,
        "both miners mine"
    );
    assert_eq!(
        authored(&charlie) + authored(&dave),
        0,
        "followers never mine"
    );
    let reference = alice.rpc();
    for number in 1..=target {
        let expected = hash_at(&reference, number).await;
        for node in &nodes[1..] {
            assert_eq!(hash_at(&node.rpc(), number).await, expected, "#{number}");
        }
    }
}
