//! Subchains under the Aura and PBFT engines, four validators each on 127.0.0.1, made by
//! `wcme-node subchain new --consensus …`: blocks are authored in turn and finalized by the
//! validators' votes; PBFT keeps committing with one validator down, halts without forking or
//! finalizing anything conflicting with two down, and resumes when they return; and it keeps
//! committing when a Byzantine leader proposes two blocks in its turn (the view change).

mod common;

use std::{
    collections::BTreeSet,
    time::{Duration, Instant},
};

use common::{
    TestNode, best_number, call,
    engines::{four_validator_subchain, hash_at, start},
    poc::{authored, eventually, finalized},
};

/// The tests here take turns: four nodes each are enough load for a two-core machine.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Waits until `node`'s finalized block is at least `number`; on timeout, fails with the end
/// of its log.
async fn finalizes(what: &str, node: &TestNode, number: u32, timeout: Duration) {
    let rpc = node.rpc();
    let deadline = Instant::now() + timeout;
    while finalized(&rpc).await.0 < number {
        if Instant::now() >= deadline {
            let log = node.log();
            let tail: Vec<&str> = log.lines().rev().take(80).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            panic!(
                "{what}: #{number} not final within {timeout:?} (best #{}, final #{})\n{}",
                best_number(&rpc).await,
                finalized(&rpc).await.0,
                tail.join("\n")
            );
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Every block up to `through` is the same on all `nodes`.
async fn agree(nodes: &[&TestNode], through: u32) {
    let reference = nodes[0].rpc();
    for number in 1..=through {
        let expected = hash_at(&reference, number).await;
        assert!(expected.is_some(), "block #{number} missing");
        for node in &nodes[1..] {
            assert_eq!(
                hash_at(&node.rpc(), number).await,
                expected,
                "conflicting blocks at #{number}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn aura_validators_author_in_turn_and_their_votes_finalize() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = four_validator_subchain(dir.path(), "aura");
    let alice = start(&spec, dir.path(), "alice", true, None);
    let boot = alice.p2p_addr();
    let bob = start(&spec, dir.path(), "bob", true, Some(&boot));
    let charlie = start(&spec, dir.path(), "charlie", true, Some(&boot));
    let dave = start(&spec, dir.path(), "dave", true, Some(&boot));
    let nodes = [&alice, &bob, &charlie, &dave];

    for node in nodes {
        finalizes("six blocks final", node, 6, Duration::from_secs(120)).await;
    }
    eventually(
        "every validator authored",
        Duration::from_secs(60),
        || async { nodes.iter().all(|node| authored(node) > 0) },
    )
    .await;
    agree(&nodes, 6).await;

    // The final block carries a justification: pre-commits of more than 2/3 of the set.
    let rpc = alice.rpc();
    let (_, hash) = finalized(&rpc).await;
    let justification: serde_json::Value = call(&rpc, "wcme_justification", vec![hash.into()])
        .await
        .expect("wcme_justification");
    let precommits = justification["precommits"].as_array().map(Vec::len);
    assert!(precommits >= Some(3), "{justification}");
    let version: serde_json::Value = call(&rpc, "state_getRuntimeVersion", vec![])
        .await
        .expect("version");
    assert_eq!(version["specName"], "wcme-subchain");
}

#[tokio::test(flavor = "multi_thread")]
async fn pbft_commits_each_block_survives_one_crash_and_halts_safely_with_two() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = four_validator_subchain(dir.path(), "pbft");
    let alice = start(&spec, dir.path(), "alice", true, None);
    let boot = alice.p2p_addr();
    let bob = start(&spec, dir.path(), "bob", true, Some(&boot));
    let charlie = start(&spec, dir.path(), "charlie", true, Some(&boot));
    let dave = start(&spec, dir.path(), "dave", true, Some(&boot));
    let (rpc, bob_rpc) = (alice.rpc(), bob.rpc());

    finalizes("four blocks committed", &alice, 4, Duration::from_secs(120)).await;
    // Instant finality: a height is committed before the next is proposed, so the best block
    // is never more than the one being committed above the final one.
    for _ in 0..8 {
        let best = best_number(&rpc).await;
        let (final_number, _) = finalized(&rpc).await;
        assert!(
            best <= final_number + 1,
            "best #{best}, final #{final_number}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }

    // One of four down (f = 1): the other three still commit, Dave's turns pass empty.
    dave.kill9();
    let before = finalized(&rpc).await.0;
    finalizes(
        "commits with Dave down",
        &alice,
        before + 4,
        Duration::from_secs(90),
    )
    .await;

    // Two down: no quorum. A block being committed may still finish; then nothing moves.
    charlie.kill9();
    tokio::time::sleep(Duration::from_secs(4)).await;
    let halted = finalized(&rpc).await.0;
    tokio::time::sleep(Duration::from_secs(6)).await;
    for node_rpc in [&rpc, &bob_rpc] {
        let (final_number, _) = finalized(node_rpc).await;
        assert_eq!(final_number, halted, "finality went on without a quorum");
        let best = best_number(node_rpc).await;
        assert!(
            best <= halted + 1,
            "blocks piled up unfinalized: best #{best}"
        );
    }
    agree(&[&alice, &bob], halted).await;

    // They come back (same databases, same keys): commits resume and all four agree.
    let charlie = start(&spec, dir.path(), "charlie", true, Some(&boot));
    let dave = start(&spec, dir.path(), "dave", true, Some(&boot));
    let nodes = [&alice, &bob, &charlie, &dave];
    for node in nodes {
        finalizes(
            "commits resume after the return",
            node,
            halted + 3,
            Duration::from_secs(120),
        )
        .await;
    }
    agree(&nodes, halted + 3).await;
}

/// Starts a second node with `who`'s key, from its own database: one validator that proposes
/// and votes twice, as a Byzantine one would.
fn start_twin(spec: &str, dir: &std::path::Path, who: &str, boot: &str) -> TestNode {
    let base = dir.join(format!("{who}-twin"));
    TestNode::start(&[
        "--chain",
        spec,
        "--base-path",
        base.to_str().expect("utf8"),
        "--no-prometheus",
        &format!("--{who}"),
        "--bootnodes",
        boot,
    ])
}

/// The heights a node proposed blocks at, by its `🎁 Prepared block for proposing at n` lines.
fn proposed(log: &str) -> BTreeSet<u32> {
    log.lines()
        .filter_map(|line| line.split("Prepared block for proposing at ").nth(1))
        .filter_map(|rest| rest.split_whitespace().next()?.parse().ok())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn pbft_keeps_committing_when_a_leader_proposes_twice() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = four_validator_subchain(dir.path(), "pbft");
    let alice = start(&spec, dir.path(), "alice", true, None);
    let boot = alice.p2p_addr();
    // Alice's key in two nodes: each proposes its own block in Alice's turns and votes for
    // it, so the honest three see two proposals for one height and their pre-votes split.
    let twin = start_twin(&spec, dir.path(), "alice", &boot);
    let bob = start(&spec, dir.path(), "bob", true, Some(&boot));
    let charlie = start(&spec, dir.path(), "charlie", true, Some(&boot));
    let dave = start(&spec, dir.path(), "dave", true, Some(&boot));
    let honest = [&bob, &charlie, &dave];

    // Runs until two heights that Alice's nodes proposed differently are final on every
    // honest node, with a block after each. (Her two nodes do not double every turn: one may
    // not have the previous commit yet when her slot begins.)
    let deadline = Instant::now() + Duration::from_secs(240);
    loop {
        // Both of Alice's nodes built a block for these heights; sealed (randomised sr25519
        // seals) they are two different blocks even when their contents match.
        let doubled: Vec<u32> = proposed(&alice.log())
            .intersection(&proposed(&twin.log()))
            .copied()
            .collect();
        let mut final_everywhere = u32::MAX;
        for node in honest {
            final_everywhere = final_everywhere.min(finalized(&node.rpc()).await.0);
        }
        let passed = doubled
            .iter()
            .filter(|number| **number < final_everywhere)
            .count();
        if passed >= 2 {
            agree(&[&bob, &charlie, &dave], final_everywhere).await;
            return;
        }
        if Instant::now() >= deadline {
            let log = bob.log();
            let tail: Vec<&str> = log.lines().rev().take(80).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            panic!(
                "finality did not pass two double proposals: doubled at {doubled:?}, final \
                 everywhere #{final_everywhere}; Bob's log ends:\n{}",
                tail.join("\n")
            );
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}
