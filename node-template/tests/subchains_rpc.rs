//! The subchain registry on a real node: a business registers its subchain with a gas stake
//! (listing its base token as a smart asset), `wcme_subchains` / `wcme_subchain` show it, and a
//! second registration with the same chain id is refused with nothing held.

mod common;

use std::time::{Duration, Instant};

use codec::Encode;
use common::{call, start_fast_node, wait_for_block};
use jsonrpsee::http_client::HttpClient;
use pallet_wcme_subchains::{BaseToken, SubchainConfig, TokenListing};
use sp_core::{H256, crypto::Ss58Codec};
use sp_keyring::Sr25519Keyring;
use wcme_runtime_main::{RuntimeCall, WCME, signing::sign};

/// Supply Chain's registration: PBFT, sr25519, the four dev validators.
fn supply_chain(chain_id: &str) -> SubchainConfig {
    SubchainConfig {
        name: b"Supply Chain".to_vec(),
        chain_id: chain_id.as_bytes().to_vec(),
        base_token: BaseToken {
            symbol: b"SUP".to_vec(),
            decimals: 12,
        },
        listing: Some(TokenListing {
            supply: 1_000_000,
            collateral: 100 * WCME,
        }),
        consensus: 2,
        signature_scheme: 0,
        validators: [
            Sr25519Keyring::Alice,
            Sr25519Keyring::Bob,
            Sr25519Keyring::Charlie,
            Sr25519Keyring::Dave,
        ]
        .iter()
        .map(|who| who.public().0.to_vec())
        .collect(),
        genesis_hash: H256::repeat_byte(0x11),
    }
}

async fn submit(rpc: &HttpClient, who: Sr25519Keyring, config: SubchainConfig, genesis: H256) {
    let call = RuntimeCall::Subchains(pallet_wcme_subchains::Call::register {
        config,
        stake: 1_000 * WCME,
    });
    let xt = sign(&who.pair(), call, 0, genesis);
    let _: H256 = call_rpc(rpc, "author_submitExtrinsic", xt.encode()).await;
}

async fn call_rpc(rpc: &HttpClient, method: &str, bytes: Vec<u8>) -> H256 {
    call(
        rpc,
        method,
        vec![format!("0x{}", hex::encode(bytes)).into()],
    )
    .await
    .expect("submitted")
}

async fn subchains(rpc: &HttpClient) -> Vec<serde_json::Value> {
    call(rpc, "wcme_subchains", vec![])
        .await
        .expect("wcme_subchains")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_subchain_registers_and_the_rpc_shows_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let node = start_fast_node(dir.path(), &["--alice", "--no-prometheus"]);
    let rpc = node.rpc();
    wait_for_block(&rpc, 1, Duration::from_secs(60)).await;
    let genesis: H256 = call(&rpc, "chain_getBlockHash", vec![0.into()])
        .await
        .expect("genesis");
    assert!(subchains(&rpc).await.is_empty());

    submit(
        &rpc,
        Sr25519Keyring::Alice,
        supply_chain("supply-chain"),
        genesis,
    )
    .await;
    let deadline = Instant::now() + Duration::from_secs(30);
    while subchains(&rpc).await.is_empty() {
        assert!(
            Instant::now() < deadline,
            "never registered\n{}",
            node.log()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let one: serde_json::Value = call(&rpc, "wcme_subchain", vec![1.into()])
        .await
        .expect("wcme_subchain");
    assert_eq!(one["name"], "Supply Chain", "{one}");
    assert_eq!(one["chainId"], "supply-chain");
    assert_eq!(one["symbol"], "SUP");
    assert_eq!(one["consensus"], "pbft");
    assert_eq!(one["signatureScheme"], "sr25519");
    assert_eq!(one["status"], "active");
    assert_eq!(one["gas"], (1_000 * WCME).to_string());
    assert_eq!(
        one["owner"],
        Sr25519Keyring::Alice.to_account_id().to_ss58check()
    );
    assert_eq!(one["validators"].as_array().map(Vec::len), Some(4));
    assert!(
        one["assetId"].is_u64(),
        "the base token is a smart asset: {one}"
    );

    // Bob takes the same chain id: included, but refused.
    let bob = Sr25519Keyring::Bob.to_account_id().to_ss58check();
    let before: serde_json::Value = call(&rpc, "system_accountNextIndex", vec![bob.clone().into()])
        .await
        .expect("nonce");
    assert_eq!(before, 0);
    submit(
        &rpc,
        Sr25519Keyring::Bob,
        supply_chain("supply-chain"),
        genesis,
    )
    .await;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let nonce: u64 = call(&rpc, "system_accountNextIndex", vec![bob.clone().into()])
            .await
            .expect("nonce");
        if nonce == 1 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "Bob's registration never included"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let best = common::best_number(&rpc).await;
    wait_for_block(&rpc, best + 1, Duration::from_secs(30)).await;
    assert_eq!(
        subchains(&rpc).await.len(),
        1,
        "a duplicate chain id registered"
    );
    let missing: serde_json::Value = call(&rpc, "wcme_subchain", vec![2.into()])
        .await
        .expect("wcme_subchain");
    assert!(missing.is_null());
}
