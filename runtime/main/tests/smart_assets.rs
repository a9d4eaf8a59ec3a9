//! The smart-asset pallet inside the real main-chain runtime: signed extrinsics through
//! `Executive` on the `development` genesis, the `SmartAssetsApi` through `dispatch` (what the
//! node's `state_call` runs), fees, and a block that re-executes to the same header.

mod common;

use codec::{Decode, Encode};
use common::dev_ext;
use frame_support::traits::fungible::Inspect;
use pallet_wcme_smart_assets::{AmmError, PoolView, WCME as WCME_ID};
use sp_core::sr25519;
use sp_keyring::Sr25519Keyring;
use sp_runtime::{
    DispatchError, ModuleError,
    traits::{Block as BlockT, Header as HeaderT},
};
use wcme_runtime_main::{
    AccountId, Balance, Balances, BlockNumber, Executive, Header, Runtime, RuntimeCall,
    RuntimeEvent, SmartAssets, SmartAssetsCall, System, TimestampCall, UncheckedExtrinsic, WCME,
    buckets, configs, dispatch, signing,
};

fn alice() -> AccountId {
    Sr25519Keyring::Alice.to_account_id()
}

fn bob() -> AccountId {
    Sr25519Keyring::Bob.to_account_id()
}

fn fund() -> AccountId {
    buckets::ECOSYSTEM_FUND.dev_account().expect("derivable")
}

fn timestamp() -> UncheckedExtrinsic {
    UncheckedExtrinsic::new_bare(RuntimeCall::Timestamp(TimestampCall::set {
        now: wcme_runtime_main::MILLISECS_PER_BLOCK,
    }))
}

/// Start block 1 on top of genesis and apply the timestamp inherent.
fn start_block_one() {
    let parent = System::block_hash(0);
    let header = Header::new(
        1,
        Default::default(),
        Default::default(),
        parent,
        Default::default(),
    );
    Executive::initialize_block(&header);
    Executive::apply_extrinsic(timestamp())
        .expect("inherent is valid")
        .expect("inherent dispatches");
}

fn sign(pair: &sr25519::Pair, call: SmartAssetsCall<Runtime>, nonce: u32) -> UncheckedExtrinsic {
    signing::sign(
        pair,
        RuntimeCall::SmartAssets(call),
        nonce,
        System::block_hash(0),
    )
}

/// The fee `who` paid for the last extrinsic, from its `TransactionFeePaid` event.
fn fee_paid(who: &AccountId) -> Balance {
    System::events()
        .iter()
        .rev()
        .find_map(|r| match &r.event {
            RuntimeEvent::TransactionPayment(
                pallet_transaction_payment::Event::TransactionFeePaid {
                    who: payer,
                    actual_fee,
                    ..
                },
            ) if payer == who => Some(*actual_fee),
            _ => None,
        })
        .expect("fee paid")
}

fn quote_exact_in(path: Vec<u32>, amount: Balance) -> Result<Balance, AmmError> {
    let out = dispatch("SmartAssetsApi_quote_exact_in", &(path, amount).encode()).expect("exists");
    Result::<Balance, AmmError>::decode(&mut &out[..]).expect("decodes")
}

fn quote_exact_out(path: Vec<u32>, amount: Balance) -> Result<Balance, AmmError> {
    let out = dispatch("SmartAssetsApi_quote_exact_out", &(path, amount).encode()).expect("exists");
    Result::<Balance, AmmError>::decode(&mut &out[..]).expect("decodes")
}

fn pool(asset: u32) -> Option<PoolView<BlockNumber>> {
    let out = dispatch("SmartAssetsApi_pool", &asset.encode()).expect("exists");
    Option::<PoolView<BlockNumber>>::decode(&mut &out[..]).expect("decodes")
}

/// 1,000,000 GOLD (12 decimals) against 10,000 WCME: 0.01 WCME per GOLD.
const GOLD_SUPPLY: Balance = 1_000_000 * WCME;
const GOLD_COLLATERAL: Balance = 10_000 * WCME;

fn issue_gold() -> SmartAssetsCall<Runtime> {
    SmartAssetsCall::issue {
        symbol: b"GOLD".to_vec(),
        decimals: 12,
        supply: GOLD_SUPPLY,
        wcme_collateral: GOLD_COLLATERAL,
    }
}

#[test]
fn ecosystem_fund_parameter_is_the_dev_bucket_account() {
    assert_eq!(
        AccountId::new(buckets::ECOSYSTEM_FUND_DEV_ACCOUNT),
        fund(),
        "the constant matches //wcme//ecosystem-fund"
    );
    dev_ext().execute_with(|| {
        assert_eq!(configs::EcosystemFund::get(), fund());
        // The account exists on dev chains: it holds the bucket.
        assert_eq!(Balances::balance(&fund()), buckets::ECOSYSTEM_FUND.amount);
    });
}

#[test]
fn issue_and_swap_through_executive() {
    dev_ext().execute_with(|| {
        start_block_one();
        let alice_before = Balances::balance(&alice());

        // Alice issues GOLD: her ratio is the price.
        Executive::apply_extrinsic(sign(&Sr25519Keyring::Alice.pair(), issue_gold(), 0))
            .expect("valid")
            .expect("dispatches");
        let issue_fee = fee_paid(&alice());
        assert!(System::events().iter().any(|r| matches!(
            &r.event,
            RuntimeEvent::SmartAssets(pallet_wcme_smart_assets::Event::Issued {
                asset_id: 1, issuer, supply: GOLD_SUPPLY, collateral: GOLD_COLLATERAL
            }) if *issuer == alice()
        )));
        assert_eq!(
            Balances::balance(&alice()),
            alice_before - GOLD_COLLATERAL - issue_fee
        );
        assert_eq!(
            Balances::balance(&SmartAssets::account_id()),
            GOLD_COLLATERAL
        );
        let view = pool(1).expect("pool exists");
        assert_eq!(view.wcme_reserve, GOLD_COLLATERAL);
        assert_eq!(view.asset_reserve, GOLD_SUPPLY);
        assert_eq!(view.swap_fee, sp_runtime::Permill::from_parts(3_000));
        assert_eq!(view.protocol_fee, sp_runtime::Permill::from_parts(500));
        assert_eq!(view.cumulative_at, 1);

        // Bob buys GOLD with 100 WCME at the quoted price.
        let amount_in = 100 * WCME;
        let quoted = quote_exact_in(vec![WCME_ID, 1], amount_in).expect("quote");
        // 100 WCME at 0.01 WCME/GOLD, less 0.3 % and ~1 % slippage: about 9,870 GOLD.
        assert!(quoted > 9_800 * WCME && quoted < 9_900 * WCME, "{quoted}");
        let fund_before = Balances::balance(&fund());
        let bob_before = Balances::balance(&bob());
        Executive::apply_extrinsic(sign(
            &Sr25519Keyring::Bob.pair(),
            SmartAssetsCall::swap_exact_in {
                path: vec![WCME_ID, 1],
                amount_in,
                min_out: quoted,
                deadline: 10,
            },
            0,
        ))
        .expect("valid")
        .expect("dispatches");
        let swap_fee = fee_paid(&bob());
        println!(
            "issue fee {} units, swap fee {} units (1 WCME = {WCME})",
            issue_fee, swap_fee
        );
        // Transaction fees of the order of a transfer's (~0.01 WCME), below 0.1 WCME.
        assert!(swap_fee < WCME / 10 && issue_fee < WCME / 10);
        assert_eq!(SmartAssets::balance(1, &bob()), quoted);
        assert_eq!(Balances::balance(&bob()), bob_before - amount_in - swap_fee);
        // 0.05 % of the input went to the technical-ecosystem fund.
        assert_eq!(
            Balances::balance(&fund()),
            fund_before + amount_in * 5 / 10_000
        );
        assert!(System::events().iter().any(|r| matches!(
            &r.event,
            RuntimeEvent::SmartAssets(pallet_wcme_smart_assets::Event::Swapped {
                who, amount_in: paid, amount_out, ..
            }) if *who == bob() && *paid == amount_in && *amount_out == quoted
        )));

        // Bob sells back exactly 50 WCME worth through swap_exact_out; the quote is what he pays.
        let cost = quote_exact_out(vec![1, WCME_ID], 50 * WCME).expect("quote");
        Executive::apply_extrinsic(sign(
            &Sr25519Keyring::Bob.pair(),
            SmartAssetsCall::swap_exact_out {
                path: vec![1, WCME_ID],
                amount_out: 50 * WCME,
                max_in: cost,
                deadline: 10,
            },
            1,
        ))
        .expect("valid")
        .expect("dispatches");
        assert_eq!(SmartAssets::balance(1, &bob()), quoted - cost);

        // The pool's WCME is exactly what the pallet account holds; k grew.
        let view = pool(1).expect("pool exists");
        assert_eq!(
            Balances::balance(&SmartAssets::account_id()),
            view.wcme_reserve
        );
        assert!(
            sp_core::U256::from(view.wcme_reserve) * sp_core::U256::from(view.asset_reserve)
                > sp_core::U256::from(GOLD_COLLATERAL) * sp_core::U256::from(GOLD_SUPPLY)
        );

        // A swap past its deadline is included, pays its fee, and changes nothing else.
        let bob_gold = SmartAssets::balance(1, &bob());
        let result = Executive::apply_extrinsic(sign(
            &Sr25519Keyring::Bob.pair(),
            SmartAssetsCall::swap_exact_in {
                path: vec![WCME_ID, 1],
                amount_in: WCME,
                min_out: 0,
                deadline: 0,
            },
            2,
        ))
        .expect("valid");
        match result {
            Err(DispatchError::Module(ModuleError { message, .. })) => {
                assert_eq!(message, Some("Expired"))
            }
            other => panic!("expected Expired, got {other:?}"),
        }
        assert_eq!(SmartAssets::balance(1, &bob()), bob_gold);
        assert_eq!(pool(1), Some(view));

        // Bad quotes are typed errors.
        assert_eq!(
            quote_exact_in(vec![WCME_ID, WCME_ID], 1),
            Err(AmmError::IdenticalAssets)
        );
        assert_eq!(
            quote_exact_in(vec![WCME_ID, 9], 1),
            Err(AmmError::UnknownAsset)
        );
        assert_eq!(pool(9), None);

        let header = Executive::finalize_block();
        assert_eq!(*header.number(), 1);
    });
}

#[test]
fn a_block_with_smart_asset_calls_reexecutes_to_the_same_header() {
    let mut builder = dev_ext();
    let block = builder.execute_with(|| {
        start_block_one();
        let issue = sign(&Sr25519Keyring::Alice.pair(), issue_gold(), 0);
        let swap = sign(
            &Sr25519Keyring::Bob.pair(),
            SmartAssetsCall::swap_exact_in {
                path: vec![WCME_ID, 1],
                amount_in: 10 * WCME,
                min_out: 1,
                deadline: 1,
            },
            0,
        );
        for xt in [issue.clone(), swap.clone()] {
            Executive::apply_extrinsic(xt)
                .expect("valid")
                .expect("dispatches");
        }
        let header = Executive::finalize_block();
        wcme_runtime_main::Block::new(header, vec![timestamp(), issue, swap])
    });

    let mut importer = dev_ext();
    importer.execute_with(|| {
        // `execute_block` panics if the state or extrinsics root does not match the header.
        let out = dispatch("Core_execute_block", &block.encode()).expect("api exists");
        assert!(out.is_empty());
        assert_eq!(System::block_hash(0), block.header().parent_hash);
        assert!(SmartAssets::balance(1, &bob()) > 0);
    });
}
