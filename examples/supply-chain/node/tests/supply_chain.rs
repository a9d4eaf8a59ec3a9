//! The supply-chain subchain on four real `supply-chain-node` processes: the built-in `local`
//! chain (PBFT among Alice, Bob, Charlie and Dave, SM2 accounts) with 1-second slots. A product
//! is registered, handed over, inspected and handed over again by SM2-signed transactions sent to
//! one node, and its history, read on another node through `TraceabilityApi`, is exactly what
//! happened. An sr25519 signature is refused as a bad signature.

mod common;

use std::time::Duration;

use codec::Encode;
use common::{
    TestNode, call, error_code_and_data, eventually, finalized, hex_of, run_cli, state_call,
};
use jsonrpsee::http_client::HttpClient;
use sp_core::{H256, crypto::Ss58Codec};
use sp_keyring::Sr25519Keyring;
use supply_chain_runtime::{
    AccountId, Nonce, ProductView, RecordKind, RecordView, RuntimeCall,
    signing::{self, AccountPair},
};
use wcme_subchain_primitives::SignatureScheme;

/// How long one step (a transaction reaching a final block) may take.
const STEP: Duration = Duration::from_secs(60);

/// The development key `uri` of SM2, the chain's account scheme.
fn sm2(uri: &str) -> AccountPair {
    AccountPair::from_dev_uri(SignatureScheme::Sm2, uri).expect("a development key")
}

/// The `local` chain spec with 1-second slots, written to `dir/local.json`.
fn fast_local_spec(dir: &std::path::Path) -> String {
    let (ok, stdout, stderr) = run_cli(&["build-spec", "--chain", "local"]);
    assert!(ok, "build-spec failed: {stderr}");
    let mut spec: serde_json::Value = serde_json::from_str(&stdout).expect("spec is JSON");
    assert_eq!(spec["consensus"]["engine"], "pbft", "{spec}");
    assert_eq!(spec["properties"]["tokenSymbol"], "TRACE");
    let patch = &spec["genesis"]["runtimeGenesis"]["patch"];
    assert_eq!(patch["chainConfig"]["consensus"], "pbft");
    assert_eq!(patch["chainConfig"]["accountScheme"], "sm2");
    spec["consensus"]["slotDurationMs"] = 1000.into();
    let path = dir.join("local.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&spec).expect("json")).expect("writes");
    path.to_str().expect("utf8").to_string()
}

/// Starts the validator `who` (`alice`, …) of `spec` from `dir/<who>`, booting from `boot`.
fn start(spec: &str, dir: &std::path::Path, who: &str, boot: Option<&str>) -> TestNode {
    let base = dir.join(who);
    let key = format!("--{who}");
    let mut args = vec![
        "--chain",
        spec,
        "--base-path",
        base.to_str().expect("utf8"),
        &key,
        "--no-prometheus",
    ];
    if let Some(boot) = boot {
        args.extend(["--bootnodes", boot]);
    }
    TestNode::start(&args)
}

/// `who`'s next nonce, counting its pooled transactions.
async fn next_nonce(rpc: &HttpClient, who: &AccountId) -> Nonce {
    call(
        rpc,
        "system_accountNextIndex",
        vec![who.to_ss58check().into()],
    )
    .await
    .expect("system_accountNextIndex")
}

/// Signs `call` by `signer` with its next nonce on `rpc` and submits it there.
async fn submit(rpc: &HttpClient, signer: &AccountPair, call: RuntimeCall, genesis: H256) {
    let nonce = next_nonce(rpc, &signer.account_id()).await;
    let xt = signing::sign_with(signer, call, nonce, genesis).expect("SM2 signs");
    let _: H256 = common::call(
        rpc,
        "author_submitExtrinsic",
        vec![hex_of(&xt.encode()).into()],
    )
    .await
    .expect("the chain takes an SM2-signed transaction");
}

/// The product's history at `rpc`'s finalized block.
async fn history(rpc: &HttpClient, id: H256) -> Vec<RecordView> {
    let (_, at) = finalized(rpc).await;
    state_call(rpc, "TraceabilityApi_history", &id.encode(), &at).await
}

/// The product at `rpc`'s finalized block.
async fn product(rpc: &HttpClient, id: H256) -> Option<ProductView> {
    let (_, at) = finalized(rpc).await;
    state_call(rpc, "TraceabilityApi_product", &id.encode(), &at).await
}

/// Waits until the product's history on `rpc` (final) has `len` records.
async fn history_reaches(rpc: &HttpClient, id: H256, len: usize, what: &str) {
    eventually(what, STEP, || async { history(rpc, id).await.len() >= len }).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_product_changes_hands_on_a_four_validator_pbft_chain() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = fast_local_spec(dir.path());
    let alice_node = start(&spec, dir.path(), "alice", None);
    let boot = alice_node.p2p_addr();
    let bob_node = start(&spec, dir.path(), "bob", Some(&boot));
    let charlie_node = start(&spec, dir.path(), "charlie", Some(&boot));
    let dave_node = start(&spec, dir.path(), "dave", Some(&boot));
    let nodes = [&alice_node, &bob_node, &charlie_node, &dave_node];
    for node in nodes {
        let rpc = node.rpc();
        eventually("blocks are finalized", Duration::from_secs(120), || async {
            finalized(&rpc).await.0 >= 2
        })
        .await;
    }
    // Transactions go to Alice's and Bob's nodes; the history is read on Dave's.
    let (to_alice, to_bob, reader) = (alice_node.rpc(), bob_node.rpc(), dave_node.rpc());
    let version: serde_json::Value = call(&reader, "state_getRuntimeVersion", vec![])
        .await
        .expect("version");
    assert_eq!(version["specName"], "supply-chain");
    let genesis: H256 = call(&to_alice, "chain_getBlockHash", vec![0.into()])
        .await
        .expect("genesis");

    let (alice, bob, charlie) = (sm2("//Alice"), sm2("//Bob"), sm2("//Charlie"));
    let id = signing::product_id(b"LOT-2026-0001");

    // Alice (the manufacturer) registers the product.
    let register = signing::register_product(id, b"Arabica green coffee, 60 kg", b"Huila, CO")
        .expect("within bounds");
    submit(&to_alice, &alice, register, genesis).await;
    eventually("the product is registered", STEP, || async {
        product(&reader, id).await.is_some()
    })
    .await;

    // Alice hands it over to Bob (the carrier) at the port.
    let handover = signing::transfer_custody(
        id,
        &bob.account_id(),
        b"Port of Buenaventura",
        b"B/L MSCU1234567, seal 889201",
    )
    .expect("within bounds");
    submit(&to_alice, &alice, handover, genesis).await;
    history_reaches(&reader, id, 1, "Alice's handover").await;

    // Bob records a checkpoint on arrival, then hands it over to Charlie (the roaster).
    let checkpoint =
        signing::record_checkpoint(id, b"Port of Rotterdam", b"customs cleared; 17 C, 61 % RH")
            .expect("within bounds");
    submit(&to_bob, &bob, checkpoint, genesis).await;
    history_reaches(&reader, id, 2, "Bob's checkpoint").await;
    let delivery = signing::transfer_custody(
        id,
        &charlie.account_id(),
        b"Hamburg roastery",
        b"delivery note 4471",
    )
    .expect("within bounds");
    submit(&to_bob, &bob, delivery, genesis).await;
    history_reaches(&reader, id, 3, "Bob's handover").await;

    // The history, read on a node nobody submitted to, is exactly what happened, in order.
    let records = history(&reader, id).await;
    let summary: Vec<_> = records
        .iter()
        .map(|r| {
            (
                r.kind,
                r.from.clone(),
                r.to.clone(),
                r.location.clone(),
                r.note.clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                RecordKind::Transfer,
                alice.account_id(),
                bob.account_id(),
                b"Port of Buenaventura".to_vec(),
                b"B/L MSCU1234567, seal 889201".to_vec(),
            ),
            (
                RecordKind::Checkpoint,
                bob.account_id(),
                bob.account_id(),
                b"Port of Rotterdam".to_vec(),
                b"customs cleared; 17 C, 61 % RH".to_vec(),
            ),
            (
                RecordKind::Transfer,
                bob.account_id(),
                charlie.account_id(),
                b"Hamburg roastery".to_vec(),
                b"delivery note 4471".to_vec(),
            ),
        ]
    );
    let blocks: Vec<u32> = records.iter().map(|r| r.block).collect();
    assert!(blocks.is_sorted(), "records in block order: {blocks:?}");

    let info = product(&reader, id).await.expect("registered");
    assert_eq!(info.manufacturer, alice.account_id());
    assert_eq!(info.custodian, charlie.account_id());
    assert_eq!(info.name, b"Arabica green coffee, 60 kg".to_vec());
    assert_eq!(info.origin_location, b"Huila, CO".to_vec());
    assert!(info.registered_at <= blocks[0]);
    assert_eq!(info.retired_at, None);
    let (_, at) = finalized(&reader).await;
    let held: Vec<H256> = state_call(
        &reader,
        "TraceabilityApi_products_of",
        &charlie.account_id().encode(),
        &at,
    )
    .await;
    assert_eq!(held, vec![id]);

    // An sr25519 signature, correct for Alice's sr25519 key, is no signature on this SM2 chain.
    let other = signing::register_product(signing::product_id(b"LOT-2026-0002"), b"Tea", b"Uji")
        .expect("within bounds");
    let xt = signing::sign(&Sr25519Keyring::Alice.pair(), other, 0, genesis);
    let refused = call::<H256>(
        &to_alice,
        "author_submitExtrinsic",
        vec![hex_of(&xt.encode()).into()],
    )
    .await
    .expect_err("an sr25519 signature is refused on an SM2 chain");
    let (code, data) = error_code_and_data(refused);
    assert_eq!(code, 1010, "invalid transaction: {data}");
    assert!(data.contains("bad signature"), "{data}");
}

#[test]
fn the_built_in_chains_run_pbft_with_the_trace_token() {
    for (chain, id, validators) in [
        ("dev", "supply_chain_dev", 1),
        ("local", "supply_chain_local", 4),
    ] {
        let (ok, stdout, stderr) = run_cli(&["build-spec", "--chain", chain]);
        assert!(ok, "build-spec --chain {chain}: {stderr}");
        let spec: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
        assert_eq!(spec["id"], id);
        assert_eq!(spec["consensus"]["engine"], "pbft");
        assert_eq!(spec["consensus"]["slotDurationMs"], 6000);
        assert_eq!(spec["properties"]["tokenSymbol"], "TRACE");
        assert_eq!(spec["properties"]["tokenDecimals"], 12);
        assert_eq!(spec["properties"]["ss58Format"], 42);
        // The node's only runtime: specs need not name it.
        assert!(spec.get("runtime").is_none(), "{spec}");
        let config = &spec["genesis"]["runtimeGenesis"]["patch"]["chainConfig"];
        assert_eq!(
            config["validators"].as_array().map(Vec::len),
            Some(validators)
        );
        assert_eq!(config["tokenSymbol"], "TRACE");
    }
    // The fork has no `subchain new`: its genesis lives in the runtime's presets.
    let (ok, _, stderr) = run_cli(&["subchain", "new", "X", "--symbol", "X"]);
    assert!(!ok && stderr.contains("no subchain runtime"), "{stderr}");
}
