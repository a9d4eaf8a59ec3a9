//! Red cards from evidence on a real node: anyone submits two headers sealed by one packing key
//! for one slot, the runtime verifies them and red-cards the agent; evidence that does not
//! verify is refused and the accused keeps its standing. And a node that receives two blocks
//! sealed by one key for one slot reports the equivocation on chain by itself.

mod common;

use std::time::Duration;

use codec::Encode;
use common::{
    TestNode, call,
    peer::Harness,
    poc::{chain_id, fast_local_spec, start_validator, state_call},
    wait_for_block,
};
use jsonrpsee::http_client::HttpClient;
use sp_core::{H256, Pair as _, crypto::Ss58Codec, sr25519};
use sp_keyring::Sr25519Keyring;
use sp_runtime::traits::Header as _;
use wcme_consensus_primitives::poc::{Evidence, HeaderEquivocation, PreDigest, seal_item};
use wcme_primitives::Header;
use wcme_runtime_main::{
    PocCall, RuntimeCall, genesis_config_presets::dev_packing_pair, signing::sign,
};

/// A dev account as the RPC shows accounts (SS58, generic prefix).
fn ss58(who: Sr25519Keyring) -> String {
    who.to_account_id().to_ss58check()
}

/// A header for `slot` sealed by `key`; `variant` makes otherwise equal headers differ.
fn sealed_header(slot: u64, variant: u8, key: &sr25519::Pair) -> Header {
    let mut header = Header::new(
        7,
        H256::repeat_byte(variant),
        H256::zero(),
        H256::repeat_byte(1),
        Default::default(),
    );
    header.digest_mut().push(
        PreDigest {
            round: 1,
            slot,
            author_index: 1,
        }
        .to_digest_item(),
    );
    let signature = key.sign(header.hash().as_ref());
    header.digest_mut().push(seal_item(&signature));
    header
}

fn report(
    reporter: &sr25519::Pair,
    evidence: Evidence<Header>,
    nonce: u32,
    genesis: H256,
) -> String {
    let call = RuntimeCall::Poc(PocCall::report_equivocation {
        evidence: Box::new(evidence),
    });
    format!(
        "0x{}",
        hex::encode(sign(reporter, call, nonce, genesis).encode())
    )
}

/// Alice's validator alone on the 4-agent local chain with 1 s slots: she authors her slots
/// (one in four), enough to include transactions; Bob, Charlie and Dave never author. Returns
/// the node and the chain id (the network's protocol names carry it).
async fn alice_alone(dir: &std::path::Path) -> (TestNode, String) {
    let spec = fast_local_spec(dir);
    let alice = start_validator(&spec, dir, "--alice", None);
    wait_for_block(&alice.rpc(), 1, Duration::from_secs(60)).await;
    (alice, chain_id(&spec))
}

/// Waits until `who` holds a red card.
async fn wait_for_red_card(rpc: &HttpClient, who: Sr25519Keyring, node: &TestNode) {
    let deadline = std::time::Instant::now() + Duration::from_secs(90);
    loop {
        let credit: serde_json::Value = call(rpc, "wcme_credit", vec![ss58(who).into()])
            .await
            .expect("credit");
        if credit["redCard"] == true {
            assert_eq!(credit["units"], -10_000, "{credit}");
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no red card for {who:?}: {credit}\n{}",
            node.log()
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn equivocation_evidence_red_cards_and_forged_evidence_does_not() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (alice, _) = alice_alone(dir.path()).await;
    let rpc = alice.rpc();
    let genesis: H256 = call(&rpc, "chain_getBlockHash", vec![0.into()])
        .await
        .expect("genesis hash");
    let reporter = sr25519::Pair::from_string("//Ferdie", None).expect("dev key");
    let bob_key = dev_packing_pair("Bob").expect("dev packing key");

    // Forged: the second header is sealed by Charlie's key, so nothing is proven against Bob.
    let forged = Evidence::Headers(HeaderEquivocation {
        offender: bob_key.public(),
        first: sealed_header(1_000, 1, &bob_key),
        second: sealed_header(1_000, 2, &dev_packing_pair("Charlie").expect("key")),
    });
    let _: H256 = call(
        &rpc,
        "author_submitExtrinsic",
        vec![report(&reporter, forged, 0, genesis).into()],
    )
    .await
    .expect("the forged report is a well-formed transaction");

    // Real: two different headers for one slot, both sealed by Bob's packing key.
    let evidence = Evidence::Headers(HeaderEquivocation {
        offender: bob_key.public(),
        first: sealed_header(1_000, 1, &bob_key),
        second: sealed_header(1_000, 2, &bob_key),
    });
    let _: H256 = call(
        &rpc,
        "author_submitExtrinsic",
        vec![report(&reporter, evidence, 1, genesis).into()],
    )
    .await
    .expect("submitted");

    wait_for_red_card(&rpc, Sr25519Keyring::Bob, &alice).await;
    let agents: serde_json::Value = call(&rpc, "wcme_pocAgents", vec![]).await.expect("agents");
    let bob = agents
        .as_array()
        .expect("list")
        .iter()
        .find(|agent| agent["agent"] == ss58(Sr25519Keyring::Bob))
        .expect("Bob stays listed until withdrawal");
    assert!(
        bob["status"].get("redCarded").is_some(),
        "Bob is stopped by the red card: {bob}"
    );
    // The forged report (nonce 0, included first) punished no one.
    let charlie: serde_json::Value = call(
        &rpc,
        "wcme_credit",
        vec![ss58(Sr25519Keyring::Charlie).into()],
    )
    .await
    .expect("credit");
    assert_eq!(charlie["redCard"], false, "{charlie}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_node_that_receives_two_blocks_sealed_for_one_slot_reports_the_equivocation() {
    use wcme_consensus_primitives::poc::SlotOwner;
    use wcme_primitives::{AccountId, Block, SignedBlock};

    let dir = tempfile::tempdir().expect("tempdir");
    let (alice, chain_id) = alice_alone(dir.path()).await;
    let rpc = alice.rpc();
    // A peer holding Bob's packing key (Bob's own node is not running, so these are the only
    // blocks for his slot).
    let equivocator = Harness::join(&alice, &rpc, &chain_id).await;
    let bob_key = dev_packing_pair("Bob").expect("dev packing key");

    // Bob's next slot on Alice's best block.
    let best: Header = call(&rpc, "chain_getHeader", vec![])
        .await
        .expect("best header");
    let now_slot = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
            .as_millis() as u64
            / 1000
    };
    let mut bobs_slot = None;
    for slot in now_slot() + 1..now_slot() + 16 {
        let owner: Option<SlotOwner<AccountId>> =
            state_call(&rpc, "PocApi_slot_owner", &slot.encode(), Some(best.hash())).await;
        if let Some(owner) = owner.filter(|owner| owner.packing_key == bob_key.public()) {
            bobs_slot = Some((slot, owner));
            break;
        }
    }
    let (slot, owner) = bobs_slot.expect("Bob owns one slot in four");
    while now_slot() < slot {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Two different blocks for that slot on the same parent, both sealed by Bob's key.
    let block = |variant: u8| {
        let mut header = Header::new(
            best.number() + 1,
            H256::repeat_byte(variant),
            H256::repeat_byte(variant),
            best.hash(),
            Default::default(),
        );
        header.digest_mut().push(
            PreDigest {
                round: owner.round,
                slot,
                author_index: owner.index,
            }
            .to_digest_item(),
        );
        let signature = bob_key.sign(header.hash().as_ref());
        header.digest_mut().push(seal_item(&signature));
        SignedBlock {
            block: Block {
                header,
                extrinsics: Vec::new(),
            },
            justifications: None,
        }
        .encode()
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    for variant in [1, 2] {
        while equivocator
            .network
            .publish_block(block(variant))
            .await
            .is_err()
        {
            assert!(
                std::time::Instant::now() < deadline,
                "the equivocating peer never reached Alice"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    // Alice's node saw both seals, reported Bob unsigned, and included the report.
    wait_for_red_card(&rpc, Sr25519Keyring::Bob, &alice).await;
    let log = alice.log();
    assert!(
        log.contains("Two headers sealed for one slot") && log.contains("Equivocation reported"),
        "{log}"
    );
    equivocator.network.shutdown().await;
}
