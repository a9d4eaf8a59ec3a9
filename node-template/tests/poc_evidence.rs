//! Red cards from evidence on a real node: anyone submits two headers sealed by one packing key
//! for one slot, the runtime verifies them and red-cards the agent; evidence that does not
//! verify is refused and the accused keeps its standing.

mod common;

use std::time::Duration;

use codec::Encode;
use common::{TestNode, call, run_cli, wait_for_block};
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

#[tokio::test(flavor = "multi_thread")]
async fn equivocation_evidence_red_cards_and_forged_evidence_does_not() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (ok, stdout, stderr) = run_cli(&["build-spec", "--chain", "local"]);
    assert!(ok, "build-spec failed: {stderr}");
    let mut spec: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    spec["genesis"]["runtimeGenesis"]["patch"]["poc"]["slotDurationMs"] = 1000.into();
    let spec_path = dir.path().join("local.json");
    std::fs::write(&spec_path, spec.to_string()).expect("writes");
    let base = dir.path().join("alice");
    // Alice alone authors her slots (one in four); that is enough to include transactions.
    let alice = TestNode::start(&[
        "--chain",
        spec_path.to_str().expect("utf8"),
        "--base-path",
        base.to_str().expect("utf8"),
        "--alice",
    ]);
    let rpc = alice.rpc();
    wait_for_block(&rpc, 1, Duration::from_secs(60)).await;
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

    let deadline = std::time::Instant::now() + Duration::from_secs(90);
    loop {
        let credit: serde_json::Value =
            call(&rpc, "wcme_credit", vec![ss58(Sr25519Keyring::Bob).into()])
                .await
                .expect("credit");
        if credit["redCard"] == true {
            assert_eq!(credit["units"], -10_000, "{credit}");
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no red card for Bob: {credit}\n{}",
            alice.log()
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
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
