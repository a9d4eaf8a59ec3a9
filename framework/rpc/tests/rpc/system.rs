//! `system_*` and `rpc_methods`.

use serde_json::json;
use sp_core::crypto::{AccountId32, Ss58Codec};

use crate::{err, ok, start};

#[tokio::test]
async fn static_facts_have_substrate_shapes() {
    let node = start().await;
    let c = node.ws().await;
    assert_eq!(ok(&c, "system_name", vec![]).await, json!("WCME Node"));
    assert_eq!(ok(&c, "system_version", vec![]).await, json!("0.1.0-test"));
    assert_eq!(ok(&c, "system_chain", vec![]).await, json!("Development"));
    assert_eq!(
        ok(&c, "system_chainType", vec![]).await,
        json!("Development")
    );
    assert_eq!(
        ok(&c, "system_properties", vec![]).await,
        json!({ "ss58Format": 42, "tokenDecimals": 12, "tokenSymbol": "WCME" })
    );
}

#[tokio::test]
async fn health_peers_and_sync_state() {
    let node = start().await;
    let c = node.http();
    assert_eq!(
        ok(&c, "system_health", vec![]).await,
        json!({ "peers": 2, "isSyncing": false, "shouldHavePeers": true })
    );
    assert_eq!(
        ok(&c, "system_peers", vec![]).await,
        json!([{
            "peerId": "12D3KooWTestPeer",
            "roles": "FULL",
            "bestHash": format!("0x{}", "11".repeat(32)),
            "bestNumber": 7,
        }])
    );
    node.chain.import(&[], None);
    assert_eq!(
        ok(&c, "system_syncState", vec![]).await,
        json!({ "startingBlock": 0, "currentBlock": 1, "highestBlock": 1 })
    );
}

#[tokio::test]
async fn account_next_index_accepts_any_ss58_prefix_and_hex() {
    let node = start().await;
    let c = node.ws().await;
    let account = AccountId32::new([42; 32]);
    node.chain.set_nonce(account.clone(), 5);

    let generic = account.to_ss58check();
    let polkadot = account.to_ss58check_with_version(0u16.into());
    let hex = crate::hex(account.as_ref());
    for address in [generic, polkadot, hex] {
        assert_eq!(
            ok(&c, "system_accountNextIndex", vec![json!(address)]).await,
            json!(5)
        );
    }
    let unknown = AccountId32::new([1; 32]).to_ss58check();
    assert_eq!(
        ok(&c, "system_accountNextIndex", vec![json!(unknown)]).await,
        json!(0)
    );

    for bad in [json!("5NotAnAddress"), json!(12), json!("0x1234")] {
        let e = err(&c, "system_accountNextIndex", vec![bad]).await;
        assert_eq!(e.code(), -32602, "{e:?}");
    }
    let e = err(&c, "system_accountNextIndex", vec![]).await;
    assert_eq!(e.code(), -32602);
    assert!(
        format!("{:?}", e.data()).contains("missing required parameter"),
        "{e:?}"
    );
}

#[tokio::test]
async fn rpc_methods_lists_every_name_and_alias_sorted() {
    let node = start().await;
    let c = node.ws().await;
    let answer = ok(&c, "rpc_methods", vec![]).await;
    assert_eq!(answer["version"], json!(1));
    let methods: Vec<String> = answer["methods"]
        .as_array()
        .expect("array")
        .iter()
        .map(|m| m.as_str().expect("string").to_string())
        .collect();
    let mut sorted = methods.clone();
    sorted.sort();
    assert_eq!(methods, sorted);
    for name in [
        "rpc_methods",
        "system_name",
        "system_version",
        "system_chain",
        "system_chainType",
        "system_properties",
        "system_health",
        "system_peers",
        "system_accountNextIndex",
        "chain_getBlockHash",
        "chain_getHead",
        "chain_getHeader",
        "chain_getBlock",
        "chain_getFinalizedHead",
        "chain_getFinalisedHead",
        "chain_subscribeNewHeads",
        "chain_subscribeNewHead",
        "subscribe_newHead",
        "chain_unsubscribeNewHeads",
        "chain_unsubscribeNewHead",
        "unsubscribe_newHead",
        "chain_subscribeAllHeads",
        "chain_unsubscribeAllHeads",
        "chain_subscribeFinalizedHeads",
        "chain_subscribeFinalisedHeads",
        "chain_unsubscribeFinalizedHeads",
        "chain_unsubscribeFinalisedHeads",
        "state_getStorage",
        "state_getStorageAt",
        "state_getStorageHash",
        "state_getStorageHashAt",
        "state_getStorageSize",
        "state_getStorageSizeAt",
        "state_getKeysPaged",
        "state_getKeysPagedAt",
        "state_queryStorageAt",
        "state_getMetadata",
        "state_getRuntimeVersion",
        "chain_getRuntimeVersion",
        "state_call",
        "state_callAt",
        "state_subscribeStorage",
        "state_unsubscribeStorage",
        "state_subscribeRuntimeVersion",
        "chain_subscribeRuntimeVersion",
        "state_unsubscribeRuntimeVersion",
        "chain_unsubscribeRuntimeVersion",
        "author_submitExtrinsic",
        "author_submitAndWatchExtrinsic",
        "author_unwatchExtrinsic",
        "author_pendingExtrinsics",
        "payment_queryInfo",
        "payment_queryFeeDetails",
    ] {
        assert!(
            methods.iter().any(|m| m == name),
            "{name} missing from rpc_methods"
        );
    }
}
