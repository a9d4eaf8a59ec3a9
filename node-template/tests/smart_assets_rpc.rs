//! The smart-asset `wcme_*` RPC methods on a real node: issue an asset with a signed extrinsic,
//! then read the pool and quotes over JSON-RPC and check them against the AMM formulas.

mod common;

use std::time::{Duration, Instant};

use codec::Encode;
use common::{call, error_code_and_data, start_fast_node};
use serde_json::{Value, json};
use sp_keyring::Sr25519Keyring;
use wcme_runtime_main::{RuntimeCall, SmartAssetsCall, WCME, signing::sign};

const SUPPLY: u128 = 1_000_000 * WCME;
const COLLATERAL: u128 = 2_000 * WCME;

/// Uniswap v2 with a 0.3 % fee, as the issue states it.
fn out_given_in(amount_in: u128, reserve_in: u128, reserve_out: u128) -> u128 {
    let in_with_fee = amount_in * 997;
    in_with_fee * reserve_out / (reserve_in * 1000 + in_with_fee)
}

fn in_given_out(amount_out: u128, reserve_in: u128, reserve_out: u128) -> u128 {
    reserve_in * amount_out * 1000 / ((reserve_out - amount_out) * 997) + 1
}

#[tokio::test(flavor = "multi_thread")]
async fn pool_and_quotes_follow_the_formulas() {
    let dir = tempfile::tempdir().expect("tempdir");
    let node = start_fast_node(dir.path(), &["--alice", "--no-prometheus"]);
    let rpc = node.rpc();

    // No pool yet.
    let none: Value = call(&rpc, "wcme_pool", vec![json!(1)]).await.expect("pool");
    assert_eq!(none, Value::Null);
    let (code, data) = error_code_and_data(
        call::<String>(
            &rpc,
            "wcme_quoteExactIn",
            vec![json!([0, 1]), json!("1000")],
        )
        .await
        .expect_err("no pool"),
    );
    assert_eq!(code, 5001);
    assert!(
        data.contains("PoolNotFound") || data.contains("UnknownAsset"),
        "{data}"
    );

    let genesis: String = call(&rpc, "chain_getBlockHash", vec![json!(0)])
        .await
        .expect("hash");
    let genesis = sp_core::H256::from_slice(&hex::decode(&genesis[2..]).expect("hex"));
    let issue = RuntimeCall::SmartAssets(SmartAssetsCall::issue {
        symbol: b"GOLD".to_vec(),
        decimals: 12,
        supply: SUPPLY,
        wcme_collateral: COLLATERAL,
    });
    let extrinsic = sign(&Sr25519Keyring::Alice.pair(), issue, 0, genesis).encode();
    let _: Value = call(
        &rpc,
        "author_submitExtrinsic",
        vec![json!(format!("0x{}", hex::encode(extrinsic)))],
    )
    .await
    .expect("accepted");

    let deadline = Instant::now() + Duration::from_secs(30);
    let pool = loop {
        let pool: Value = call(&rpc, "wcme_pool", vec![json!(1)]).await.expect("pool");
        if !pool.is_null() {
            break pool;
        }
        assert!(
            Instant::now() < deadline,
            "pool not created:\n{}",
            node.log()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(pool["wcmeReserve"], json!(COLLATERAL.to_string()));
    assert_eq!(pool["assetReserve"], json!(SUPPLY.to_string()));
    assert_eq!(pool["swapFeePpm"], json!(3000));
    let (r_wcme, r_gold) = (COLLATERAL, SUPPLY);

    let amount_in = 10 * WCME;
    let out: String = call(
        &rpc,
        "wcme_quoteExactIn",
        vec![json!([0, 1]), json!(amount_in.to_string())],
    )
    .await
    .expect("quote");
    assert_eq!(
        out.parse::<u128>().expect("u128"),
        out_given_in(amount_in, r_wcme, r_gold)
    );

    let amount_out = 500 * WCME;
    let needed: String = call(
        &rpc,
        "wcme_quoteExactOut",
        vec![json!([1, 0]), json!(amount_out.to_string())],
    )
    .await
    .expect("quote");
    assert_eq!(
        needed.parse::<u128>().expect("u128"),
        in_given_out(amount_out, r_gold, r_wcme)
    );

    // Quotes at a block before the pool existed fail; malformed parameters are invalid params.
    let (code, _) = error_code_and_data(
        call::<String>(
            &rpc,
            "wcme_quoteExactIn",
            vec![json!([0, 1]), json!("1"), json!(format!("{genesis:?}"))],
        )
        .await
        .expect_err("no pool at genesis"),
    );
    assert_eq!(code, 5001);
    let (code, _) = error_code_and_data(
        call::<String>(&rpc, "wcme_quoteExactIn", vec![json!("0,1"), json!("1")])
            .await
            .expect_err("bad"),
    );
    assert_eq!(code, -32602);
    let (code, _) = error_code_and_data(
        call::<String>(&rpc, "wcme_quoteExactIn", vec![json!([0, 1]), json!("-5")])
            .await
            .expect_err("bad"),
    );
    assert_eq!(code, -32602);
    let (code, _) = error_code_and_data(
        call::<String>(&rpc, "wcme_quoteExactIn", vec![json!([0, 0]), json!("5")])
            .await
            .expect_err("bad"),
    );
    assert_eq!(code, 5001);
    let (code, _) = error_code_and_data(
        call::<Value>(&rpc, "wcme_pool", vec![json!(1), json!("0x1234")])
            .await
            .expect_err("bad at"),
    );
    assert_eq!(code, -32602);
    let (code, _) = error_code_and_data(
        call::<Value>(
            &rpc,
            "wcme_pool",
            vec![
                json!(1),
                json!(format!("{:?}", sp_core::H256::repeat_byte(9))),
            ],
        )
        .await
        .expect_err("unknown block"),
    );
    assert_eq!(code, 5002);
}
