//! `author_*` and `payment_*`.

use serde_json::{Value, json};
use sp_core::H256;
use sp_runtime::traits::{BlakeTwo256, Hash as _};
use sp_runtime::transaction_validity::{InvalidTransaction, UnknownTransaction};
use wcme_primitives::TransactionStatus;
use wcme_rpc::SubmitError;

use crate::mock::GOOD_XT;
use crate::{WAIT, err, hex, next, ok, start, subscribe, within};

fn x(bytes: &[u8]) -> Value {
    json!(hex(bytes))
}

#[tokio::test]
async fn submit_returns_the_hash_and_fills_the_pool() {
    let node = start().await;
    let c = node.ws().await;
    let hash = ok(&c, "author_submitExtrinsic", vec![x(GOOD_XT)]).await;
    assert_eq!(hash, json!(hex(BlakeTwo256::hash(GOOD_XT).as_bytes())));
    assert_eq!(
        ok(&c, "author_pendingExtrinsics", vec![]).await,
        json!([x(GOOD_XT)])
    );
}

#[tokio::test]
async fn submit_errors_map_to_substrate_codes_and_data() {
    let node = start().await;
    let c = node.http();
    let cases: Vec<(SubmitError, i64, &str, Option<Value>)> = vec![
        (
            SubmitError::Invalid(InvalidTransaction::BadProof),
            1010,
            "Invalid Transaction",
            Some(json!("Transaction has a bad signature")),
        ),
        (
            SubmitError::Invalid(InvalidTransaction::Payment),
            1010,
            "Invalid Transaction",
            Some(json!(
                "Inability to pay some fees (e.g. account balance too low)"
            )),
        ),
        (
            SubmitError::Invalid(InvalidTransaction::Stale),
            1010,
            "Invalid Transaction",
            Some(json!("Transaction is outdated")),
        ),
        (
            SubmitError::Invalid(InvalidTransaction::Custom(7)),
            1010,
            "Invalid Transaction",
            Some(json!("Custom error: 7")),
        ),
        (
            SubmitError::UnknownValidity(UnknownTransaction::CannotLookup),
            1011,
            "Unknown Transaction Validity",
            Some(json!("CannotLookup")),
        ),
        (
            SubmitError::TemporarilyBanned,
            1012,
            "Transaction is temporarily banned",
            None,
        ),
        (
            SubmitError::AlreadyImported,
            1013,
            "Transaction Already Imported",
            Some(json!(format!("{:?}", BlakeTwo256::hash(&[0x04, 0x01])))),
        ),
        (
            SubmitError::TooLowPriority { old: 10, new: 5 },
            1014,
            "Priority is too low: (10 vs 5)",
            Some(json!(
                "The transaction has too low priority to replace another transaction already in \
                 the pool."
            )),
        ),
        (
            SubmitError::ImmediatelyDropped,
            1016,
            "Immediately Dropped",
            Some(json!(
                "The transaction couldn't enter the pool because of the limit"
            )),
        ),
        (
            SubmitError::Internal("disk on fire".into()),
            1000,
            "Internal error: disk on fire",
            None,
        ),
    ];
    for (error, code, message, data) in cases {
        node.chain.refuse(&[0x04, 0x01], error.clone());
        let e = err(&c, "author_submitExtrinsic", vec![x(&[0x04, 0x01])]).await;
        assert_eq!(i64::from(e.code()), code, "{error:?}");
        assert_eq!(e.message(), message, "{error:?}");
        let got: Option<Value> = e
            .data()
            .map(|d| serde_json::from_str(d.get()).expect("json"));
        assert_eq!(got, data, "{error:?}");
    }

    // Undecodable bytes: the pool says BadFormat.
    let e = err(&c, "author_submitExtrinsic", vec![x(&[0x08, 0x01])]).await;
    assert_eq!(e.code(), 1001);
    assert!(
        e.message().starts_with("Extrinsic has invalid format"),
        "{e:?}"
    );
    // Not hex at all: invalid params.
    let e = err(&c, "author_submitExtrinsic", vec![json!("0xnothex")]).await;
    assert_eq!(e.code(), -32602);
    assert_eq!(ok(&c, "author_pendingExtrinsics", vec![]).await, json!([]));
}

#[tokio::test]
async fn watch_streams_statuses_and_ends_after_a_final_one() {
    let node = start().await;
    let c = node.ws().await;
    let mut sub = subscribe(
        &c,
        "author_submitAndWatchExtrinsic",
        vec![x(GOOD_XT)],
        "author_unwatchExtrinsic",
    )
    .await
    .expect("subscribes");
    assert_eq!(next(&mut sub).await, json!("ready"));

    let statuses = node.chain.last_watcher().expect("watcher registered");
    let block = H256::repeat_byte(0x42);
    let block_hex = hex(block.as_bytes());
    statuses
        .send(TransactionStatus::InBlock(block))
        .await
        .expect("send");
    assert_eq!(next(&mut sub).await, json!({ "inBlock": block_hex }));
    statuses
        .send(TransactionStatus::Retracted(block))
        .await
        .expect("send");
    assert_eq!(next(&mut sub).await, json!({ "retracted": block_hex }));
    statuses
        .send(TransactionStatus::Finalized(block))
        .await
        .expect("send");
    assert_eq!(next(&mut sub).await, json!({ "finalized": block_hex }));

    // The server ends the subscription after the final status and drops the status stream.
    within(statuses.closed()).await;
}

#[tokio::test]
async fn watch_ends_when_the_client_unwatches() {
    let node = start().await;
    let c = node.ws().await;
    let mut sub = subscribe(
        &c,
        "author_submitAndWatchExtrinsic",
        vec![x(GOOD_XT)],
        "author_unwatchExtrinsic",
    )
    .await
    .expect("subscribes");
    assert_eq!(next(&mut sub).await, json!("ready"));
    let statuses = node.chain.last_watcher().expect("watcher registered");
    sub.unsubscribe().await.expect("unwatches");
    tokio::time::timeout(WAIT, statuses.closed())
        .await
        .expect("status stream dropped");
}

#[tokio::test]
async fn watch_refused_by_the_pool_is_an_error() {
    let node = start().await;
    let c = node.ws().await;
    node.chain
        .refuse(GOOD_XT, SubmitError::Invalid(InvalidTransaction::BadProof));
    let e = subscribe(
        &c,
        "author_submitAndWatchExtrinsic",
        vec![x(GOOD_XT)],
        "author_unwatchExtrinsic",
    )
    .await
    .expect_err("refused");
    assert_eq!(e.code(), 1010);
    assert_eq!(
        e.data().map(|d| d.get().to_string()),
        Some("\"Transaction has a bad signature\"".to_string())
    );
}

#[tokio::test]
async fn payment_query_info_and_fee_details() {
    let node = start().await;
    let c = node.ws().await;
    let info = ok(&c, "payment_queryInfo", vec![x(GOOD_XT)]).await;
    assert_eq!(
        info,
        json!({
            "weight": { "ref_time": 1_000_000 + GOOD_XT.len(), "proof_size": 4096 },
            "class": "normal",
            "partialFee": (1000 * GOOD_XT.len()).to_string(),
        })
    );
    let at = ok(&c, "chain_getBlockHash", vec![json!(0)]).await;
    assert_eq!(
        ok(&c, "payment_queryInfo", vec![x(GOOD_XT), at]).await,
        info
    );

    let e = err(&c, "payment_queryInfo", vec![x(&[0x08, 0x01])]).await;
    assert_eq!(e.code(), 2);
    assert_eq!(e.message(), "Unable to query dispatch info.");
    let e = err(
        &c,
        "payment_queryInfo",
        vec![x(GOOD_XT), json!(hex(&[7; 32]))],
    )
    .await;
    assert_eq!(e.code(), 1);

    assert_eq!(
        ok(&c, "payment_queryFeeDetails", vec![x(GOOD_XT)]).await,
        json!({ "inclusionFee": { "baseFee": "0x1", "lenFee": "0x2", "adjustedWeightFee": "0x10000000000000000" } })
    );
}
