//! A real `wcme-node` on 127.0.0.1 with a real RocksDB directory, driven over JSON-RPC.

mod common;

use std::time::Duration;

use codec::{Decode, Encode};
use common::{
    TestNode, best_number, call, error_code_and_data, fast_chain_spec, run_cli, start_fast_node,
    wait_for_block,
};
use jsonrpsee::http_client::HttpClient;
use serde_json::{Value, json};
use sp_keyring::Sr25519Keyring;
use wcme_runtime_main::{
    AccountId, Balance, Nonce, Runtime, WCME, buckets, signing::signed_transfer,
};

type AccountInfo = frame_system::AccountInfo<Nonce, pallet_balances::AccountData<Balance>>;

fn hex(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

fn unhex(text: &str) -> Vec<u8> {
    hex::decode(text.trim_start_matches("0x")).expect("hex")
}

fn h256(value: &Value) -> sp_core::H256 {
    let bytes = unhex(value.as_str().expect("hash string"));
    sp_core::H256::from_slice(&bytes)
}

async fn account_at(client: &HttpClient, who: &AccountId, at: Option<&Value>) -> AccountInfo {
    let key = frame_system::Account::<Runtime>::hashed_key_for(who);
    let mut params = vec![json!(hex(&key))];
    if let Some(at) = at {
        params.push(at.clone());
    }
    let value: Option<String> = call(client, "state_getStorage", params)
        .await
        .expect("storage");
    match value {
        Some(bytes) => AccountInfo::decode(&mut &unhex(&bytes)[..]).expect("account decodes"),
        None => AccountInfo::default(),
    }
}

async fn genesis_hash(client: &HttpClient) -> sp_core::H256 {
    h256(
        &call::<Value>(client, "chain_getBlockHash", vec![json!(0)])
            .await
            .expect("genesis"),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn dev_chain_produces_blocks_and_serves_substrate_rpc() {
    let dir = tempfile::tempdir().expect("tempdir");
    let node = start_fast_node(dir.path(), &["--alice", "--no-prometheus"]);
    let rpc = node.rpc();
    wait_for_block(&rpc, 2, Duration::from_secs(30)).await;

    let chain: String = call(&rpc, "system_chain", vec![]).await.expect("chain");
    assert_eq!(chain, "Development");
    let chain_type: Value = call(&rpc, "system_chainType", vec![]).await.expect("type");
    assert_eq!(chain_type, json!("Development"));
    let properties: Value = call(&rpc, "system_properties", vec![])
        .await
        .expect("properties");
    assert_eq!(
        properties,
        json!({"ss58Format": 42, "tokenDecimals": 12, "tokenSymbol": "WCME"})
    );
    let version: Value = call(&rpc, "state_getRuntimeVersion", vec![])
        .await
        .expect("version");
    assert_eq!(version["specName"], "wcme");
    let metadata: String = call(&rpc, "state_getMetadata", vec![])
        .await
        .expect("metadata");
    assert!(metadata.starts_with("0x6d657461"), "metadata magic");
    let methods: Value = call(&rpc, "rpc_methods", vec![]).await.expect("methods");
    for method in [
        "system_health",
        "system_accountNextIndex",
        "chain_getBlock",
        "chain_subscribeNewHeads",
        "chain_subscribeFinalizedHeads",
        "state_getKeysPaged",
        "state_queryStorageAt",
        "state_subscribeStorage",
        "author_submitAndWatchExtrinsic",
        "payment_queryInfo",
    ] {
        assert!(
            methods["methods"]
                .as_array()
                .expect("list")
                .contains(&json!(method)),
            "{method} missing"
        );
    }
    // In a dev chain every imported block is final.
    let best = best_number(&rpc).await;
    let finalized: Value = call(&rpc, "chain_getFinalizedHead", vec![])
        .await
        .expect("final");
    let finalized_header: Value = call(&rpc, "chain_getHeader", vec![finalized])
        .await
        .expect("header");
    let finalized_number = u32::from_str_radix(
        finalized_header["number"]
            .as_str()
            .expect("hex")
            .trim_start_matches("0x"),
        16,
    )
    .expect("number");
    assert!(
        finalized_number + 1 >= best,
        "finalized #{finalized_number}, best #{best}"
    );
    assert!(node.log().contains("Imported #1 ("), "log:\n{}", node.log());
}

/// `state_getReadProof` proves a value and an absence against a block's state root, in the
/// format the cross-chain pallet reads proofs in (what a relayer sends it).
#[tokio::test(flavor = "multi_thread")]
async fn read_proofs_verify_against_the_block_state_root() {
    let dir = tempfile::tempdir().expect("tempdir");
    let node = start_fast_node(dir.path(), &["--alice", "--no-prometheus"]);
    let client = node.rpc();
    wait_for_block(&client, 1, Duration::from_secs(30)).await;
    let at: Value = call(&client, "chain_getBlockHash", vec![])
        .await
        .expect("best");
    let header: Value = call(&client, "chain_getHeader", vec![at.clone()])
        .await
        .expect("header");
    let root = h256(&header["stateRoot"]);
    let alice = frame_system::Account::<Runtime>::hashed_key_for(AccountId::from(
        Sr25519Keyring::Alice.public(),
    ));
    let nobody = frame_system::Account::<Runtime>::hashed_key_for(AccountId::from([0xee; 32]));
    let proof: Value = call(
        &client,
        "state_getReadProof",
        vec![json!([hex(&alice), hex(&nobody)]), at.clone()],
    )
    .await
    .expect("read proof");
    assert_eq!(proof["at"], at);
    let nodes: Vec<Vec<u8>> = proof["proof"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|node| unhex(node.as_str().expect("hex")))
        .collect();
    let stored: Option<String> = call(&client, "state_getStorage", vec![json!(hex(&alice)), at])
        .await
        .expect("storage");
    let read = |key: &[u8], nodes: &[Vec<u8>]| {
        pallet_wcme_cross_chain::proof::read_proof(root, nodes, key)
    };
    assert_eq!(read(&alice, &nodes), Ok(stored.map(|value| unhex(&value))));
    assert_eq!(read(&nobody, &nodes), Ok(None));
    // Without its root node the proof proves nothing.
    let rootless: Vec<Vec<u8>> = nodes
        .iter()
        .filter(|node| {
            <sp_runtime::traits::BlakeTwo256 as sp_runtime::traits::Hash>::hash(node) != root
        })
        .cloned()
        .collect();
    assert!(read(&alice, &rootless).is_err());
}

#[tokio::test(flavor = "multi_thread")]
async fn genesis_buckets_hold_exactly_the_designed_supply() {
    let dir = tempfile::tempdir().expect("tempdir");
    // No authoring: genesis state only.
    let node = start_fast_node(dir.path(), &["--no-prometheus"]);
    let rpc = node.rpc();
    let genesis = json!(hex(genesis_hash(&rpc).await.as_bytes()));
    let mut total: Balance = 0;
    for bucket in buckets::BUCKETS {
        let account = bucket.dev_account().expect("dev account");
        let info = account_at(&rpc, &account, Some(&genesis)).await;
        assert_eq!(info.data.free, bucket.amount, "{}", bucket.name);
        total += info.data.free;
    }
    assert_eq!(total, 960_000_000 * WCME);
    assert_eq!(buckets::FROZEN_RESERVE.amount, 480_000_000 * WCME);
    let reserve = account_at(
        &rpc,
        &buckets::FROZEN_RESERVE.dev_account().expect("account"),
        Some(&genesis),
    )
    .await;
    assert_eq!(
        reserve.data.frozen,
        buckets::FROZEN_RESERVE.amount,
        "reserve is frozen"
    );
}

async fn submit(
    rpc: &HttpClient,
    extrinsic: &[u8],
) -> Result<Value, jsonrpsee::core::client::Error> {
    call(rpc, "author_submitExtrinsic", vec![json!(hex(extrinsic))]).await
}

#[tokio::test(flavor = "multi_thread")]
async fn transfers_apply_and_bad_input_is_rejected_without_state_change() {
    let dir = tempfile::tempdir().expect("tempdir");
    let node = start_fast_node(dir.path(), &["--alice", "--no-prometheus"]);
    let rpc = node.rpc();
    wait_for_block(&rpc, 1, Duration::from_secs(30)).await;
    let genesis = genesis_hash(&rpc).await;
    let alice = Sr25519Keyring::Alice;
    let bob: AccountId = Sr25519Keyring::Bob.to_account_id();
    let bob_before = account_at(&rpc, &bob, None).await.data.free;

    // A valid transfer lands.
    let transfer = signed_transfer(&alice.pair(), &bob, 2 * WCME, 0, genesis);
    submit(&rpc, &transfer).await.expect("accepted");
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while account_at(&rpc, &bob, None).await.data.free != bob_before + 2 * WCME {
        assert!(std::time::Instant::now() < deadline, "transfer not applied");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let next: u32 = call(
        &rpc,
        "system_accountNextIndex",
        vec![json!(alice.to_account_id().to_string())],
    )
    .await
    .expect("nonce");
    assert_eq!(next, 1);

    let alice_before = account_at(&rpc, &alice.to_account_id(), None).await;
    let bob_before = account_at(&rpc, &bob, None).await;

    // Malformed hex and parameters: invalid params, the node keeps serving.
    let (code, _) = error_code_and_data(
        call::<Value>(&rpc, "author_submitExtrinsic", vec![json!("0xzz")])
            .await
            .expect_err("bad hex"),
    );
    assert_eq!(code, -32602);
    let (code, _) = error_code_and_data(
        call::<Value>(&rpc, "chain_getBlockHash", vec![json!("not a number")])
            .await
            .expect_err("bad"),
    );
    assert_eq!(code, -32602);
    let (code, _) = error_code_and_data(
        submit(&rpc, &[0x04, 0x01])
            .await
            .expect_err("garbage extrinsic"),
    );
    assert_eq!(code, 1001, "undecodable extrinsic is a format error");

    // Bad signature: signed by Bob but claiming to be Alice.
    let mut forged = signed_transfer(&Sr25519Keyring::Bob.pair(), &bob, WCME, 1, genesis);
    let alice_id = alice.to_account_id();
    let bob_id = Sr25519Keyring::Bob.to_account_id();
    let position = forged
        .windows(32)
        .position(|w| w == AsRef::<[u8]>::as_ref(&bob_id))
        .expect("signer in extrinsic");
    forged[position..position + 32].copy_from_slice(alice_id.as_ref());
    let (code, data) = error_code_and_data(submit(&rpc, &forged).await.expect_err("bad signature"));
    assert_eq!(
        (code, data.as_str()),
        (1010, "\"Transaction has a bad signature\"")
    );

    // Stale nonce.
    let stale = signed_transfer(&alice.pair(), &bob, WCME, 0, genesis);
    let (code, data) = error_code_and_data(submit(&rpc, &stale).await.expect_err("stale"));
    assert_eq!((code, data.as_str()), (1010, "\"Transaction is outdated\""));

    // Unknown genesis: the signature covers the genesis hash, so it no longer verifies.
    let other_chain = signed_transfer(&alice.pair(), &bob, WCME, 1, sp_core::H256::repeat_byte(7));
    let (code, data) = error_code_and_data(submit(&rpc, &other_chain).await.expect_err("genesis"));
    assert_eq!(
        (code, data.as_str()),
        (1010, "\"Transaction has a bad signature\"")
    );

    // Too low a balance to pay fees: a fresh account.
    let pauper =
        <sp_core::sr25519::Pair as sp_core::Pair>::from_string("//Pauper", None).expect("key");
    let broke = signed_transfer(&pauper, &bob, WCME, 0, genesis);
    let (code, data) = error_code_and_data(submit(&rpc, &broke).await.expect_err("no funds"));
    assert_eq!(code, 1010);
    assert!(data.contains("Inability to pay some fees"), "{data}");

    // Nothing changed, and the node keeps producing.
    let best = best_number(&rpc).await;
    wait_for_block(&rpc, best + 2, Duration::from_secs(30)).await;
    assert_eq!(
        account_at(&rpc, &alice.to_account_id(), None).await,
        alice_before
    );
    assert_eq!(account_at(&rpc, &bob, None).await, bob_before);
    let pending: Vec<Value> = call(&rpc, "author_pendingExtrinsics", vec![])
        .await
        .expect("pending");
    assert!(
        pending.is_empty(),
        "rejected extrinsics stay out of the pool: {pending:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn restart_after_kill_9_resumes_best_block_and_state() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = fast_chain_spec(dir.path());
    let base = dir.path().join("base");
    let args = |author: bool| {
        let mut args = vec![
            "--chain".to_string(),
            spec.to_str().expect("utf8").to_string(),
            "--base-path".to_string(),
            base.to_str().expect("utf8").to_string(),
            "--no-prometheus".to_string(),
        ];
        if author {
            args.push("--alice".to_string());
        }
        args
    };
    let start = |author: bool| {
        let args = args(author);
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        TestNode::start(&refs)
    };
    let bob: AccountId = Sr25519Keyring::Bob.to_account_id();
    let mut expected_bob: Option<Balance> = None;
    // Kill at different points of the slot so some kills land mid-block.
    for (round, delay_ms) in [0u64, 350, 700].into_iter().enumerate() {
        let node = start(true);
        let rpc = node.rpc();
        let best = best_number(&rpc).await;
        if let Some(expected) = expected_bob {
            assert_eq!(
                account_at(&rpc, &bob, None).await.data.free,
                expected,
                "round {round}"
            );
        }
        wait_for_block(&rpc, best + 2, Duration::from_secs(30)).await;
        if round == 0 {
            let genesis = genesis_hash(&rpc).await;
            let before = account_at(&rpc, &bob, None).await.data.free;
            let transfer =
                signed_transfer(&Sr25519Keyring::Alice.pair(), &bob, 3 * WCME, 0, genesis);
            submit(&rpc, &transfer).await.expect("accepted");
            let deadline = std::time::Instant::now() + Duration::from_secs(30);
            while account_at(&rpc, &bob, None).await.data.free != before + 3 * WCME {
                assert!(std::time::Instant::now() < deadline, "transfer not applied");
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            expected_bob = Some(before + 3 * WCME);
        }
        let header: Value = call(&rpc, "chain_getHeader", vec![]).await.expect("header");
        let hash: Value = call(&rpc, "chain_getBlockHash", vec![])
            .await
            .expect("hash");
        tokio::time::sleep(Duration::from_millis(delay_ms)).await;
        node.kill9();

        // Restart without authoring: the chain must hold the block seen before the kill with the
        // same state root, and the best block cannot be older.
        let node = start(false);
        let rpc = node.rpc();
        let number = u32::from_str_radix(
            header["number"]
                .as_str()
                .expect("hex")
                .trim_start_matches("0x"),
            16,
        )
        .expect("number");
        assert!(
            best_number(&rpc).await >= number,
            "round {round}: best went back"
        );
        let same: Value = call(&rpc, "chain_getBlockHash", vec![json!(number)])
            .await
            .expect("hash");
        assert_eq!(same, hash, "round {round}: block #{number} changed");
        let stored: Value = call(&rpc, "chain_getHeader", vec![hash.clone()])
            .await
            .expect("h");
        assert_eq!(stored["stateRoot"], header["stateRoot"], "round {round}");
        assert_eq!(
            account_at(&rpc, &bob, Some(&hash)).await.data.free,
            expected_bob.expect("set in round 0"),
            "round {round}"
        );
        drop(node);
    }
    // And it keeps producing after all that.
    let node = start(true);
    let rpc = node.rpc();
    let best = best_number(&rpc).await;
    wait_for_block(&rpc, best + 2, Duration::from_secs(30)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn raw_chain_spec_and_block_export_import_reproduce_the_chain() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = fast_chain_spec(dir.path());
    let spec_str = spec.to_str().expect("utf8");

    // A raw spec gives the same genesis.
    let (ok, raw, stderr) = run_cli(&["build-spec", "--chain", spec_str, "--raw"]);
    assert!(ok, "{stderr}");
    let raw_path = dir.path().join("raw.json");
    std::fs::write(&raw_path, &raw).expect("write");

    let base = dir.path().join("a");
    let node = TestNode::start(&[
        "--chain",
        spec_str,
        "--base-path",
        base.to_str().expect("utf8"),
        "--no-prometheus",
        "--alice",
    ]);
    let rpc = node.rpc();
    wait_for_block(&rpc, 4, Duration::from_secs(40)).await;
    let genesis = genesis_hash(&rpc).await;
    drop(node);

    // Export the chain, import it into a fresh base path started from the raw spec.
    let blocks = dir.path().join("blocks.bin");
    let (ok, _, stderr) = run_cli(&[
        "export-blocks",
        "--chain",
        spec_str,
        "--base-path",
        base.to_str().expect("utf8"),
        blocks.to_str().expect("utf8"),
    ]);
    assert!(ok, "export failed: {stderr}");
    let copy = dir.path().join("b");
    let raw_str = raw_path.to_str().expect("utf8");
    let (ok, _, stderr) = run_cli(&[
        "import-blocks",
        "--chain",
        raw_str,
        "--base-path",
        copy.to_str().expect("utf8"),
        blocks.to_str().expect("utf8"),
    ]);
    assert!(ok, "import failed: {stderr}");
    assert!(stderr.contains("Imported"), "{stderr}");

    let original = TestNode::start(&[
        "--chain",
        spec_str,
        "--base-path",
        base.to_str().expect("utf8"),
        "--no-prometheus",
    ]);
    let imported = TestNode::start(&[
        "--chain",
        raw_str,
        "--base-path",
        copy.to_str().expect("utf8"),
        "--no-prometheus",
    ]);
    let (a, b) = (original.rpc(), imported.rpc());
    assert_eq!(genesis_hash(&b).await, genesis);
    let best_a: Value = call(&a, "chain_getHeader", vec![]).await.expect("a");
    let best_b: Value = call(&b, "chain_getHeader", vec![]).await.expect("b");
    assert_eq!(best_a, best_b, "imported chain differs");

    // A truncated block file is refused with a message naming the problem; nothing is imported.
    let bytes = std::fs::read(&blocks).expect("read");
    let cut = dir.path().join("cut.bin");
    std::fs::write(&cut, &bytes[..bytes.len() - 7]).expect("write");
    let empty = dir.path().join("c");
    let (ok, _, stderr) = run_cli(&[
        "import-blocks",
        "--chain",
        spec_str,
        "--base-path",
        empty.to_str().expect("utf8"),
        cut.to_str().expect("utf8"),
    ]);
    assert!(!ok);
    assert!(stderr.contains("block file is invalid"), "{stderr}");
}

#[test]
fn bad_chain_specs_and_arguments_are_named_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = fast_chain_spec(dir.path());
    let text = std::fs::read_to_string(&spec).expect("read");
    let truncated = dir.path().join("truncated.json");
    std::fs::write(&truncated, &text[..text.len() / 3]).expect("write");
    let (ok, _, stderr) = run_cli(&["build-spec", "--chain", truncated.to_str().expect("utf8")]);
    assert!(!ok);
    assert!(
        stderr.contains("invalid chain spec") && stderr.contains("truncated.json"),
        "{stderr}"
    );

    let (ok, _, stderr) = run_cli(&["build-spec", "--chain", "no-such-chain"]);
    assert!(!ok);
    assert!(stderr.contains("unknown chain `no-such-chain`"), "{stderr}");

    let (ok, _, stderr) = run_cli(&["--rpc-port", "not-a-port"]);
    assert!(!ok);
    assert!(stderr.contains("invalid value"), "{stderr}");

    let (ok, stdout, _) = run_cli(&["key", "inspect", "//Alice"]);
    assert!(ok);
    assert!(stdout.contains("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"));
}

#[tokio::test(flavor = "multi_thread")]
async fn corrupted_database_is_refused() {
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
    let mut with_alice = args.to_vec();
    with_alice.push("--alice");
    let node = TestNode::start(&with_alice);
    wait_for_block(&node.rpc(), 2, Duration::from_secs(30)).await;
    drop(node);

    // Point the best-block record at a block that does not exist.
    let db_path = base.join("chains/dev/db");
    {
        let mut options = rocksdb::Options::default();
        options.create_missing_column_families(true);
        let names = rocksdb::DB::list_cf(&options, &db_path).expect("column families");
        let db = rocksdb::DB::open_cf(&options, &db_path, &names).expect("opens");
        let meta = db.cf_handle("meta").expect("meta column");
        db.put_cf(
            meta,
            b"best",
            (9u32, sp_core::H256::repeat_byte(9)).encode(),
        )
        .expect("put");
    }
    let output = std::process::Command::new(common::node_binary())
        .args(args)
        .args(["--rpc-port", "0"])
        .output()
        .expect("runs");
    assert!(
        !output.status.success(),
        "a corrupted database must not be served"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("database is inconsistent"), "{stderr}");
}
