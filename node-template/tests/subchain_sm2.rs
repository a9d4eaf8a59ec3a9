//! A subchain whose accounts sign with SM2 (SM3 hashing), made by `wcme-node subchain new
//! --accounts sm2` and run by a real node: an SM2-signed transfer moves its token, an
//! sr25519-signed one by a funded sr25519 account is refused as a bad signature and moves
//! nothing. The validator still authors with its sr25519 key (`--alice`).

mod common;

use std::time::{Duration, Instant};

use codec::Decode;
use common::{TestNode, call, error_code_and_data, run_cli, wait_for_block};
use sp_core::H256;
use sp_keyring::Sr25519Keyring;
use wcme_runtime_subchain::{
    AccountId, Balance, UNIT,
    signing::{AccountPair, signed_transfer, signed_transfer_with},
};
use wcme_subchain_primitives::SignatureScheme;

#[tokio::test(flavor = "multi_thread")]
async fn an_sm2_subchain_takes_sm2_transfers_and_refuses_sr25519() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec_path = dir.path().join("spec.json");
    let spec = spec_path.to_str().expect("utf8");
    // `alice` in `--endow` is Alice's SM2 account here; Alice's sr25519 account is funded too
    // (by its key in hex), so its transfer is refused for its scheme, not for want of funds.
    let sr_alice = Sr25519Keyring::Alice.to_account_id();
    let sr_alice_endowment = format!("0x{}=1000", hex::encode(<[u8; 32]>::from(sr_alice.clone())));
    let (ok, _, stderr) = run_cli(&[
        "subchain",
        "new",
        "Guomi Chain",
        "--symbol",
        "GM",
        "--accounts",
        "sm2",
        "--consensus",
        "aura",
        "--validators",
        "alice",
        "--endow",
        "alice=1000000",
        "--endow",
        &sr_alice_endowment,
        "--slot-duration-ms",
        "1000",
        "-o",
        spec,
    ]);
    assert!(ok, "subchain new --accounts sm2 failed: {stderr}");
    // An unknown scheme is an argument error.
    let (ok, _, stderr) = run_cli(&[
        "subchain",
        "new",
        "Bad",
        "--symbol",
        "B",
        "--accounts",
        "ecdsa",
    ]);
    assert!(!ok && stderr.contains("--accounts"), "{stderr}");

    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&spec_path).expect("spec written")).expect("json");
    let genesis_config = json
        .pointer("/genesis/runtimeGenesis/config")
        .expect("a full genesis config");
    assert_eq!(
        genesis_config["chainConfig"]["accountScheme"], "sm2",
        "{json}"
    );

    let sm2_alice = dev(SignatureScheme::Sm2, "//Alice");
    let sm2_bob = dev(SignatureScheme::Sm2, "//Bob").account_id();
    assert_eq!(
        genesis_config["sudo"]["key"],
        serde_json::to_value(sm2_alice.account_id()).expect("json"),
        "root defaults to the first validator's SM2 account"
    );

    let base = dir.path().join("base");
    let node = TestNode::start(&[
        "--chain",
        spec,
        "--base-path",
        base.to_str().expect("utf8"),
        "--alice",
        "--no-prometheus",
    ]);
    let rpc = node.rpc();
    wait_for_block(&rpc, 1, Duration::from_secs(60)).await;

    // The chain says which scheme its accounts use.
    let scheme: String = call(
        &rpc,
        "state_call",
        vec!["ChainConfigApi_account_scheme".into(), "0x".into()],
    )
    .await
    .expect("state_call");
    assert_eq!(scheme, "0x02", "SM2's code");
    assert_eq!(
        free_balance(&rpc, &sm2_alice.account_id()).await,
        1_000_000 * UNIT
    );
    assert_eq!(free_balance(&rpc, &sr_alice).await, 1000 * UNIT);
    assert_eq!(free_balance(&rpc, &sm2_bob).await, 0);

    let genesis: H256 = call(&rpc, "chain_getBlockHash", vec![0.into()])
        .await
        .expect("genesis");

    // sr25519, correctly signed by a funded account: a bad signature on this chain.
    let sr25519_xt = signed_transfer(
        &Sr25519Keyring::Alice.pair(),
        &sm2_bob,
        7 * UNIT,
        0,
        genesis,
    );
    let refused = call::<H256>(
        &rpc,
        "author_submitExtrinsic",
        vec![hex_of(&sr25519_xt).into()],
    )
    .await
    .expect_err("an sr25519 signature is refused on an SM2 chain");
    let (code, data) = error_code_and_data(refused);
    assert_eq!(code, 1010, "invalid transaction: {data}");
    assert!(data.contains("bad signature"), "{data}");

    // SM2, by Alice's SM2 account: accepted and applied.
    let sm2_xt = signed_transfer_with(&sm2_alice, &sm2_bob, 5 * UNIT, 0, genesis).expect("signs");
    let _: H256 = call(&rpc, "author_submitExtrinsic", vec![hex_of(&sm2_xt).into()])
        .await
        .expect("the SM2 chain accepts an SM2 transfer");
    let deadline = Instant::now() + Duration::from_secs(30);
    while free_balance(&rpc, &sm2_bob).await != 5 * UNIT {
        assert!(
            Instant::now() < deadline,
            "the SM2 transfer never landed\n{}",
            node.log()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // The refused transfer moved nothing: Bob got exactly the SM2 transfer, and the sr25519
    // account paid neither amount nor fee.
    let best = common::best_number(&rpc).await;
    wait_for_block(&rpc, best + 2, Duration::from_secs(30)).await;
    assert_eq!(free_balance(&rpc, &sm2_bob).await, 5 * UNIT);
    assert_eq!(free_balance(&rpc, &sr_alice).await, 1000 * UNIT);
    assert!(free_balance(&rpc, &sm2_alice.account_id()).await < (1_000_000 - 5) * UNIT);
}

/// The development key `uri` of `scheme`.
fn dev(scheme: SignatureScheme, uri: &str) -> AccountPair {
    AccountPair::from_dev_uri(scheme, uri).expect("a development key")
}

/// `0x`-hex of `bytes`.
fn hex_of(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

/// `who`'s free balance at the best block (0 for an account that does not exist).
async fn free_balance(rpc: &jsonrpsee::http_client::HttpClient, who: &AccountId) -> Balance {
    let key = frame_system::Account::<wcme_runtime_subchain::Runtime>::hashed_key_for(who);
    let value: Option<String> = call(rpc, "state_getStorage", vec![hex_of(&key).into()])
        .await
        .expect("state_getStorage");
    let Some(value) = value else {
        return 0;
    };
    let bytes = hex::decode(value.trim_start_matches("0x")).expect("hex");
    let info: frame_system::AccountInfo<u32, pallet_balances::AccountData<u128>> =
        Decode::decode(&mut &bytes[..]).expect("account info");
    info.data.free
}
