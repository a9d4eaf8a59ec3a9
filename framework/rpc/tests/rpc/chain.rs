//! `chain_*`: hashes, headers, blocks and head subscriptions.

use std::time::Duration;

use codec::Encode;
use serde_json::{Value, json};
use sp_core::H256;
use sp_runtime::DigestItem;

use crate::{err, hex, next, nothing_within, ok, start, subscribe};

fn h(hash: H256) -> Value {
    json!(hex(hash.as_bytes()))
}

#[tokio::test]
async fn block_hash_by_number_hex_list_and_default() {
    let node = start().await;
    let c = node.ws().await;
    let b1 = node.chain.import(&[], None);
    let b2 = node.chain.import(&[], None);
    let genesis = node.chain.hash(0);

    for method in ["chain_getBlockHash", "chain_getHead"] {
        assert_eq!(ok(&c, method, vec![]).await, h(b2));
        assert_eq!(ok(&c, method, vec![Value::Null]).await, h(b2));
        assert_eq!(ok(&c, method, vec![json!(0)]).await, h(genesis));
        assert_eq!(ok(&c, method, vec![json!("0x1")]).await, h(b1));
        assert_eq!(ok(&c, method, vec![json!(99)]).await, Value::Null);
        assert_eq!(
            ok(&c, method, vec![json!([0, "0x2", 99])]).await,
            json!([h(genesis), h(b2), Value::Null])
        );
    }

    let e = err(&c, "chain_getBlockHash", vec![json!(1u64 << 32)]).await;
    assert_eq!(e.code(), 3001);
    assert!(e.message().contains("u32::MAX"), "{e:?}");
    let e = err(&c, "chain_getBlockHash", vec![json!("0x100000000")]).await;
    assert_eq!(e.code(), 3001);
    for bad in [
        json!(-1),
        json!("12"),
        json!("0xzz"),
        json!(1.5),
        json!({"n": 1}),
        json!([1, "x"]),
    ] {
        let e = err(&c, "chain_getBlockHash", vec![bad.clone()]).await;
        assert_eq!(e.code(), -32602, "{bad}: {e:?}");
    }
    // Still serving after the errors.
    assert_eq!(
        ok(&c, "chain_getBlockHash", vec![json!(0)]).await,
        h(genesis)
    );
}

#[tokio::test]
async fn header_has_substrate_json_shape() {
    let node = start().await;
    let c = node.ws().await;
    let genesis = node.chain.hash(0);
    let b1 = node.chain.import(&[], None);

    let header = ok(&c, "chain_getHeader", vec![]).await;
    let digest = DigestItem::PreRuntime(*b"aura", 1u32.encode()).encode();
    assert_eq!(
        header,
        json!({
            "parentHash": h(genesis),
            "number": "0x1",
            "stateRoot": h(node.chain.header_of(b1).state_root),
            "extrinsicsRoot": h(node.chain.header_of(b1).extrinsics_root),
            "digest": { "logs": [hex(&digest)] },
        })
    );
    assert_eq!(ok(&c, "chain_getHeader", vec![h(b1)]).await, header);
    assert_eq!(
        ok(&c, "chain_getHeader", vec![h(genesis)]).await["number"],
        json!("0x0")
    );
    assert_eq!(
        ok(&c, "chain_getHeader", vec![h(H256::repeat_byte(9))]).await,
        Value::Null
    );

    let e = err(&c, "chain_getHeader", vec![json!("0x1234")]).await;
    assert_eq!(e.code(), -32602);
    assert!(
        format!("{:?}", e.data()).contains("expected 32 bytes"),
        "{e:?}"
    );
}

#[tokio::test]
async fn block_has_extrinsics_and_justifications() {
    let node = start().await;
    let c = node.http();
    let genesis = node.chain.hash(0);
    let b1 = node.chain.import(&[], None);

    let block = ok(&c, "chain_getBlock", vec![h(b1)]).await;
    assert_eq!(block["block"]["header"]["number"], json!("0x1"));
    assert_eq!(
        block["block"]["extrinsics"],
        json!([hex(crate::mock::GOOD_XT)])
    );
    assert_eq!(
        block["justifications"],
        json!([[[70, 82, 78, 75], [1, 1, 2]]])
    );
    assert_eq!(ok(&c, "chain_getBlock", vec![]).await, block);

    let genesis_block = ok(&c, "chain_getBlock", vec![h(genesis)]).await;
    assert_eq!(genesis_block["justifications"], Value::Null);
    assert_eq!(genesis_block["block"]["extrinsics"], json!([]));
    assert_eq!(
        ok(&c, "chain_getBlock", vec![h(H256::repeat_byte(3))]).await,
        Value::Null
    );
}

#[tokio::test]
async fn finalized_head_and_alias() {
    let node = start().await;
    let c = node.ws().await;
    node.chain.import(&[], None);
    node.chain.import(&[], None);
    assert_eq!(
        ok(&c, "chain_getFinalizedHead", vec![]).await,
        h(node.chain.hash(0))
    );
    let f = node.chain.finalize(1);
    assert_eq!(ok(&c, "chain_getFinalizedHead", vec![]).await, h(f));
    assert_eq!(ok(&c, "chain_getFinalisedHead", vec![]).await, h(f));
}

#[tokio::test]
async fn new_heads_sends_best_then_each_new_best() {
    let node = start().await;
    let c = node.ws().await;
    for (sub_name, unsub_name) in [
        ("chain_subscribeNewHeads", "chain_unsubscribeNewHeads"),
        ("chain_subscribeNewHead", "chain_unsubscribeNewHead"),
        ("subscribe_newHead", "unsubscribe_newHead"),
    ] {
        let best = node.chain.best();
        let mut sub = subscribe(&c, sub_name, vec![], unsub_name)
            .await
            .expect("subscribes");
        assert_eq!(
            next(&mut sub).await,
            ok(&c, "chain_getHeader", vec![h(best)]).await
        );

        node.chain.import_fork();
        let b = node.chain.import(&[], None);
        let header = next(&mut sub).await;
        assert_eq!(header, ok(&c, "chain_getHeader", vec![h(b)]).await);
        sub.unsubscribe().await.expect("unsubscribes");
    }
}

#[tokio::test]
async fn all_heads_includes_forks() {
    let node = start().await;
    let c = node.ws().await;
    let mut sub = subscribe(
        &c,
        "chain_subscribeAllHeads",
        vec![],
        "chain_unsubscribeAllHeads",
    )
    .await
    .expect("subscribes");
    let fork = node.chain.import_fork();
    let b1 = node.chain.import(&[], None);
    assert_eq!(
        next(&mut sub).await,
        ok(&c, "chain_getHeader", vec![h(fork)]).await
    );
    assert_eq!(
        next(&mut sub).await,
        ok(&c, "chain_getHeader", vec![h(b1)]).await
    );
}

#[tokio::test]
async fn finalized_heads_sends_current_then_each_finalized() {
    let node = start().await;
    let c = node.ws().await;
    node.chain.import(&[], None);
    node.chain.import(&[], None);
    for (sub_name, unsub_name) in [
        (
            "chain_subscribeFinalizedHeads",
            "chain_unsubscribeFinalizedHeads",
        ),
        (
            "chain_subscribeFinalisedHeads",
            "chain_unsubscribeFinalisedHeads",
        ),
    ] {
        let mut sub = subscribe(&c, sub_name, vec![], unsub_name)
            .await
            .expect("subscribes");
        let current = ok(&c, "chain_getFinalizedHead", vec![]).await;
        assert_eq!(
            next(&mut sub).await,
            ok(&c, "chain_getHeader", vec![current]).await
        );
        node.chain.import(&[], None);
        nothing_within(&mut sub, Duration::from_millis(100)).await;
        let count = node.chain.best_number();
        let f = node.chain.finalize(count);
        assert_eq!(
            next(&mut sub).await,
            ok(&c, "chain_getHeader", vec![h(f)]).await
        );
        sub.unsubscribe().await.expect("unsubscribes");
    }
}
