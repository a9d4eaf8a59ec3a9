//! Proof-of-Credit on real processes: four validators of the `local` chain on 127.0.0.1 author in
//! their slots, a late node syncs from genesis, a killed validator is yellow-carded while the
//! others go on, and after a restart it catches up and authors again.

mod common;

use std::time::Duration;

use common::{
    TestNode, best_number, call,
    poc::{authored, block_hash, eventually, fast_local_spec, finalized, start_validator},
    wait_for_block,
};
use sp_core::crypto::Ss58Codec;

/// Dave's account (`//Dave`), as the RPC shows accounts (SS58).
fn dave_account() -> String {
    sp_keyring::Sr25519Keyring::Dave
        .to_account_id()
        .to_ss58check()
}

#[tokio::test(flavor = "multi_thread")]
async fn four_validators_author_a_late_node_syncs_and_a_dead_one_is_carded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = fast_local_spec(dir.path());
    let alice = start_validator(&spec, dir.path(), "--alice", None);
    let boot = alice.p2p_addr();
    let bob = start_validator(&spec, dir.path(), "--bob", Some(&boot));
    let charlie = start_validator(&spec, dir.path(), "--charlie", Some(&boot));
    let dave = start_validator(&spec, dir.path(), "--dave", Some(&boot));
    let rpc = alice.rpc();

    // Every validator authors in its own slots.
    wait_for_block(&rpc, 12, Duration::from_secs(90)).await;
    let validators = [&alice, &bob, &charlie, &dave];
    eventually(
        "every validator authored",
        Duration::from_secs(60),
        || async { validators.iter().all(|node| authored(node) > 0) },
    )
    .await;
    // They agree on the chain.
    let height = best_number(&rpc).await.saturating_sub(3);
    let reference = block_hash(&rpc, height).await;
    for node in &validators[1..] {
        let other = node.rpc();
        wait_for_block(&other, height, Duration::from_secs(30)).await;
        assert_eq!(block_hash(&other, height).await, reference);
    }
    let round: serde_json::Value = call(&rpc, "wcme_pocRound", vec![]).await.expect("round");
    assert_eq!(
        round["producers"].as_array().map(Vec::len),
        Some(4),
        "{round}"
    );

    // The producers' votes finalize blocks close behind the best one, with a justification of
    // pre-commits from more than 2/3 of the stake.
    eventually(
        "finality within 2 blocks of best",
        Duration::from_secs(60),
        || async {
            let best = best_number(&rpc).await;
            let (final_number, _) = finalized(&rpc).await;
            final_number > 0 && best.saturating_sub(final_number) <= 2
        },
    )
    .await;
    let (final_number, final_hash) = finalized(&rpc).await;
    let justification: serde_json::Value =
        call(&rpc, "wcme_justification", vec![final_hash.clone().into()])
            .await
            .expect("justification");
    assert_eq!(justification["number"], final_number);
    assert!(
        justification["precommits"].as_array().map(Vec::len) >= Some(3),
        "{justification}"
    );

    // A fifth node started later syncs from genesis to the same chain.
    let late_base = dir.path().join("late");
    let late = TestNode::start(&[
        "--chain",
        &spec,
        "--base-path",
        late_base.to_str().expect("utf8"),
        "--bootnodes",
        &boot,
    ]);
    let late_rpc = late.rpc();
    wait_for_block(&late_rpc, height, Duration::from_secs(60)).await;
    assert_eq!(block_hash(&late_rpc, height).await, reference);
    eventually(
        "the late node finalizes as far",
        Duration::from_secs(60),
        || async { finalized(&late_rpc).await.0 >= final_number },
    )
    .await;
    assert_eq!(block_hash(&late_rpc, final_number).await, final_hash);

    // Dave dies: the others keep producing, and Dave's missed slots become yellow cards.
    let credit_before: serde_json::Value = call(&rpc, "wcme_credit", vec![dave_account().into()])
        .await
        .expect("credit");
    dave.kill9();
    let killed_at = best_number(&rpc).await;
    wait_for_block(&rpc, killed_at + 8, Duration::from_secs(60)).await;
    // Three of four equal stakes are still more than 2/3: finality goes on.
    let (final_at_kill, _) = finalized(&rpc).await;
    eventually(
        "finality continues without Dave",
        Duration::from_secs(60),
        || async { finalized(&rpc).await.0 > final_at_kill + 3 },
    )
    .await;
    let before = credit_before["units"].as_i64();
    eventually("Dave's credit drops", Duration::from_secs(60), || async {
        let after: serde_json::Value = call(&rpc, "wcme_credit", vec![dave_account().into()])
            .await
            .expect("credit");
        after["units"].as_i64() < before
    })
    .await;
    let agents: serde_json::Value = call(&rpc, "wcme_pocAgents", vec![]).await.expect("agents");
    let dave_agent = agents
        .as_array()
        .expect("list")
        .iter()
        .find(|agent| agent["agent"] == dave_account())
        .expect("Dave is an agent");
    assert!(!dave_agent["frozenUntil"].is_null(), "{dave_agent}");

    // Restarted on the same base path, Dave catches up and authors again.
    let dave = start_validator(&spec, dir.path(), "--dave", Some(&boot));
    let now = best_number(&rpc).await;
    wait_for_block(&dave.rpc(), now, Duration::from_secs(60)).await;
    eventually("Dave authors again", Duration::from_secs(60), || async {
        authored(&dave) > 0
    })
    .await;
    drop((bob, charlie, late));
}
