//! `state_*`: storage, keys, queries, runtime calls, metadata, versions and subscriptions.

use std::time::Duration;

use serde_json::{Value, json};
use sp_core::H256;
use sp_runtime::traits::{BlakeTwo256, Hash as _};

use crate::mock::{KEY_A, KEY_B, METADATA};
use crate::{err, hex, next, nothing_within, ok, start, subscribe};

fn h(hash: H256) -> Value {
    json!(hex(hash.as_bytes()))
}

fn x(bytes: &[u8]) -> Value {
    json!(hex(bytes))
}

#[tokio::test]
async fn storage_value_hash_and_size_at_best_and_at_block() {
    let node = start().await;
    let c = node.ws().await;
    let genesis = node.chain.hash(0);
    node.chain.import(&[(KEY_A, Some(&[9, 9]))], None);

    for method in ["state_getStorage", "state_getStorageAt"] {
        assert_eq!(ok(&c, method, vec![x(KEY_A)]).await, x(&[9, 9]));
        assert_eq!(
            ok(&c, method, vec![x(KEY_A), h(genesis)]).await,
            x(&[1, 2, 3])
        );
        assert_eq!(ok(&c, method, vec![x(b"nope")]).await, Value::Null);
    }
    for method in ["state_getStorageHash", "state_getStorageHashAt"] {
        let expected = h(BlakeTwo256::hash(&[1, 2, 3]));
        assert_eq!(ok(&c, method, vec![x(KEY_A), h(genesis)]).await, expected);
        assert_eq!(ok(&c, method, vec![x(b"nope")]).await, Value::Null);
    }
    for method in ["state_getStorageSize", "state_getStorageSizeAt"] {
        assert_eq!(ok(&c, method, vec![x(KEY_B)]).await, json!(10));
        // No value at the key itself: the sizes under it as a prefix.
        assert_eq!(ok(&c, method, vec![x(b"prefix-")]).await, json!(15));
        assert_eq!(ok(&c, method, vec![x(b"nope")]).await, Value::Null);
    }
}

#[tokio::test]
async fn read_proofs_prove_values_and_absence_against_the_state_trie() {
    let node = start().await;
    let c = node.ws().await;
    let genesis = node.chain.hash(0);
    let best = node.chain.import(&[(KEY_A, Some(&[9, 9]))], None);

    for (at, params, expected) in [
        (
            genesis,
            vec![json!([hex(KEY_A), hex(b"nope")]), h(genesis)],
            vec![1, 2, 3],
        ),
        (best, vec![json!([hex(KEY_A), hex(b"nope")])], vec![9, 9]),
    ] {
        let answer = ok(&c, "state_getReadProof", params).await;
        assert_eq!(answer["at"], h(at));
        let nodes: Vec<Vec<u8>> = answer["proof"]
            .as_array()
            .expect("proof nodes")
            .iter()
            .map(|node| {
                let text = node.as_str().expect("hex node");
                ::hex::decode(text.trim_start_matches("0x")).expect("hex")
            })
            .collect();
        let values = sp_state_machine::read_proof_check::<BlakeTwo256, _>(
            node.chain.trie_root(at),
            sp_state_machine::StorageProof::new(nodes),
            [KEY_A, b"nope".as_slice()],
        )
        .expect("the proof checks against the block's trie root");
        assert_eq!(values.get(KEY_A), Some(&Some(expected)));
        assert_eq!(values.get(b"nope".as_slice()), Some(&None));
    }

    let e = err(
        &c,
        "state_getReadProof",
        vec![json!([hex(KEY_A)]), h(H256::repeat_byte(7))],
    )
    .await;
    assert_eq!(e.code(), 4003);
    let too_many: Vec<String> = (0..1001u32).map(|i| hex(&i.to_le_bytes())).collect();
    let e = err(&c, "state_getReadProof", vec![json!(too_many)]).await;
    assert_eq!(e.code(), 4002, "{e:?}");
    let e = err(&c, "state_getReadProof", vec![json!("0x01")]).await;
    assert_eq!(e.code(), -32602, "{e:?}");
}

#[tokio::test]
async fn storage_errors_have_codes_and_the_server_keeps_serving() {
    let node = start().await;
    let c = node.ws().await;

    let e = err(
        &c,
        "state_getStorage",
        vec![x(KEY_A), h(H256::repeat_byte(7))],
    )
    .await;
    assert_eq!(e.code(), 4003);
    assert!(
        e.message().starts_with("Client error: unknown block"),
        "{e:?}"
    );

    for bad in [json!("0xabc"), json!("0xzz"), json!(5), json!(null)] {
        let e = err(&c, "state_getStorage", vec![bad.clone()]).await;
        assert_eq!(e.code(), -32602, "{bad}: {e:?}");
        assert_eq!(e.message(), "Invalid params");
    }
    let e = err(&c, "state_getStorage", vec![json!("0xabc")]).await;
    assert!(
        format!("{:?}", e.data()).contains("odd number of hex digits"),
        "{e:?}"
    );
    let e = err(&c, "state_getStorage", vec![x(KEY_A), json!("0x00")]).await;
    assert_eq!(e.code(), -32602);

    assert_eq!(
        ok(&c, "state_getStorage", vec![x(KEY_A)]).await,
        x(&[1, 2, 3])
    );
}

#[tokio::test]
async fn keys_paged_and_keys() {
    let node = start().await;
    let c = node.http();
    let prefixed = |i: u8| [b"prefix-".as_slice(), &[i]].concat();

    for method in ["state_getKeysPaged", "state_getKeysPagedAt"] {
        let page = ok(&c, method, vec![x(b"prefix-"), json!(2)]).await;
        assert_eq!(page, json!([x(&prefixed(0)), x(&prefixed(1))]));
        let page = ok(&c, method, vec![x(b"prefix-"), json!(2), x(&prefixed(1))]).await;
        assert_eq!(page, json!([x(&prefixed(2)), x(&prefixed(3))]));
    }
    let all = ok(&c, "state_getKeysPaged", vec![Value::Null, json!(1000)]).await;
    assert_eq!(all.as_array().map(Vec::len), Some(7));

    let e = err(&c, "state_getKeysPaged", vec![x(b""), json!(1001)]).await;
    assert_eq!(e.code(), 4002);
    assert_eq!(
        e.message(),
        "count exceeds maximum value. value: 1001, max: 1000"
    );
    let e = err(&c, "state_getKeysPaged", vec![x(b""), json!("ten")]).await;
    assert_eq!(e.code(), -32602);
    let e = err(&c, "state_getKeysPaged", vec![x(b"")]).await;
    assert_eq!(e.code(), -32602);

    let keys = ok(&c, "state_getKeys", vec![x(b"prefix-")]).await;
    assert_eq!(keys.as_array().map(Vec::len), Some(5));
}

#[tokio::test]
async fn query_storage_at_and_range() {
    let node = start().await;
    let c = node.ws().await;
    let genesis = node.chain.hash(0);
    let b1 = node.chain.import(&[(KEY_A, Some(&[5]))], None);
    let b2 = node.chain.import(&[(KEY_B, None)], None);
    let b3 = node.chain.import(&[(b"other", Some(&[1]))], None);

    let at = ok(
        &c,
        "state_queryStorageAt",
        vec![json!([x(KEY_A), x(KEY_B)]), h(genesis)],
    )
    .await;
    assert_eq!(
        at,
        json!([{ "block": h(genesis), "changes": [[x(KEY_A), x(&[1, 2, 3])], [x(KEY_B), x(&[4; 10])]] }])
    );
    let best = ok(&c, "state_queryStorageAt", vec![json!([x(KEY_B)])]).await;
    assert_eq!(
        best,
        json!([{ "block": h(b3), "changes": [[x(KEY_B), Value::Null]] }])
    );
    assert_eq!(
        ok(&c, "state_queryStorageAt", vec![json!([])]).await,
        json!([])
    );

    let range = ok(
        &c,
        "state_queryStorage",
        vec![json!([x(KEY_A), x(KEY_B)]), h(genesis), h(b3)],
    )
    .await;
    assert_eq!(
        range,
        json!([
            { "block": h(genesis), "changes": [[x(KEY_A), x(&[1, 2, 3])], [x(KEY_B), x(&[4; 10])]] },
            { "block": h(b1), "changes": [[x(KEY_A), x(&[5])]] },
            { "block": h(b2), "changes": [[x(KEY_B), Value::Null]] },
        ])
    );
    let e = err(
        &c,
        "state_queryStorage",
        vec![json!([x(KEY_A)]), h(b3), h(b1)],
    )
    .await;
    assert_eq!(e.code(), 4001);
    let unknown = h(H256::repeat_byte(5));
    let e = err(
        &c,
        "state_queryStorage",
        vec![json!([x(KEY_A)]), unknown.clone()],
    )
    .await;
    assert_eq!(e.code(), 4001);
    let e = err(&c, "state_queryStorageAt", vec![json!([x(KEY_A)]), unknown]).await;
    assert_eq!(e.code(), 4001);
    assert!(
        e.message().starts_with("Cannot resolve a block range"),
        "{e:?}"
    );

    let too_many: Vec<Value> = (0..1001u32).map(|i| x(&i.to_le_bytes())).collect();
    let e = err(&c, "state_queryStorageAt", vec![json!(too_many)]).await;
    assert_eq!(e.code(), 4002);
    let e = err(&c, "state_queryStorageAt", vec![json!(["0x01", "nothex"])]).await;
    assert_eq!(e.code(), -32602);
    assert!(format!("{:?}", e.data()).contains("item 1"), "{e:?}");
}

#[tokio::test]
async fn call_metadata_and_runtime_version() {
    let node = start().await;
    let c = node.ws().await;
    for method in ["state_call", "state_callAt"] {
        assert_eq!(
            ok(&c, method, vec![json!("Echo"), x(&[1, 2])]).await,
            x(&[1, 2])
        );
        assert_eq!(
            ok(
                &c,
                method,
                vec![json!("Echo"), x(&[3]), h(node.chain.hash(0))]
            )
            .await,
            x(&[3])
        );
    }
    let e = err(&c, "state_call", vec![json!("Nope_nope"), x(&[])]).await;
    assert_eq!(e.code(), 4003);
    assert!(
        e.message().contains("unknown runtime API Nope_nope"),
        "{e:?}"
    );
    let e = err(&c, "state_call", vec![json!(1), x(&[])]).await;
    assert_eq!(e.code(), -32602);

    assert_eq!(ok(&c, "state_getMetadata", vec![]).await, x(METADATA));

    let expected = json!({
        "specName": "wcme",
        "implName": "wcme-node",
        "authoringVersion": 1,
        "specVersion": 100,
        "implVersion": 1,
        "apis": [["0xdf6acb689907609b", 5]],
        "transactionVersion": 1,
        "systemVersion": 1,
        "stateVersion": 1,
    });
    for method in ["state_getRuntimeVersion", "chain_getRuntimeVersion"] {
        assert_eq!(ok(&c, method, vec![]).await, expected);
    }
}

#[tokio::test]
async fn storage_subscription_sends_current_values_then_changes_only() {
    let node = start().await;
    let c = node.ws().await;
    let mut sub = subscribe(
        &c,
        "state_subscribeStorage",
        vec![json!([x(KEY_A), x(KEY_B), x(b"absent")])],
        "state_unsubscribeStorage",
    )
    .await
    .expect("subscribes");
    assert_eq!(
        next(&mut sub).await,
        json!({
            "block": h(node.chain.hash(0)),
            "changes": [[x(KEY_A), x(&[1, 2, 3])], [x(KEY_B), x(&[4; 10])], [x(b"absent"), Value::Null]],
        })
    );

    let b1 = node.chain.import(&[(KEY_A, Some(&[7]))], None);
    assert_eq!(
        next(&mut sub).await,
        json!({ "block": h(b1), "changes": [[x(KEY_A), x(&[7])]] })
    );

    node.chain.import(&[(b"unrelated", Some(&[1]))], None);
    nothing_within(&mut sub, Duration::from_millis(150)).await;

    let b3 = node
        .chain
        .import(&[(KEY_B, None), (b"absent", Some(&[0]))], None);
    assert_eq!(
        next(&mut sub).await,
        json!({ "block": h(b3), "changes": [[x(KEY_B), Value::Null], [x(b"absent"), x(&[0])]] })
    );
    sub.unsubscribe().await.expect("unsubscribes");
}

#[tokio::test]
async fn storage_subscription_requires_keys() {
    let node = start().await;
    let c = node.ws().await;
    for params in [vec![], vec![Value::Null]] {
        let e = subscribe(
            &c,
            "state_subscribeStorage",
            params,
            "state_unsubscribeStorage",
        )
        .await
        .expect_err("all-keys subscription refused");
        assert_eq!(e.code(), -32601);
    }
    let e = subscribe(
        &c,
        "state_subscribeStorage",
        vec![json!(["0xq"])],
        "state_unsubscribeStorage",
    )
    .await
    .expect_err("bad key refused");
    assert_eq!(e.code(), -32602);
    let too_many: Vec<Value> = (0..1001u32).map(|i| x(&i.to_le_bytes())).collect();
    let e = subscribe(
        &c,
        "state_subscribeStorage",
        vec![json!(too_many)],
        "state_unsubscribeStorage",
    )
    .await
    .expect_err("too many keys refused");
    assert_eq!(e.code(), 4002);
    assert_eq!(ok(&c, "system_name", vec![]).await, json!("WCME Node"));
}

#[tokio::test]
async fn runtime_version_subscription_sends_on_change_only() {
    let node = start().await;
    let c = node.ws().await;
    for (sub_name, unsub_name) in [
        (
            "state_subscribeRuntimeVersion",
            "state_unsubscribeRuntimeVersion",
        ),
        (
            "chain_subscribeRuntimeVersion",
            "chain_unsubscribeRuntimeVersion",
        ),
    ] {
        let mut sub = subscribe(&c, sub_name, vec![], unsub_name)
            .await
            .expect("subscribes");
        let current = next(&mut sub).await;
        assert_eq!(current, ok(&c, "state_getRuntimeVersion", vec![]).await);

        node.chain.import(&[], None);
        nothing_within(&mut sub, Duration::from_millis(150)).await;

        let spec = current["specVersion"].as_u64().expect("number") as u32 + 1;
        node.chain.import(&[], Some(spec));
        assert_eq!(next(&mut sub).await["specVersion"], json!(spec));
        sub.unsubscribe().await.expect("unsubscribes");
    }
}
