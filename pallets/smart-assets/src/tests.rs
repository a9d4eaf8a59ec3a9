//! Unit tests of the smart-asset pallet on the mock runtime: every call, every error (each with
//! `assert_noop!`, i.e. no state change), the exact formulas, fees and the price accumulators.

use crate::{
    AmmError, AssetBalances, AssetDetails, AssetId, AssetKind, Assets, Error, Event,
    MINIMUM_LIQUIDITY, NextAssetId, PoolInfo, Pools, Shares, SmartAssetIssuer, SymbolIndex, WCME,
    math, mock::*,
};
use frame_support::{
    assert_noop, assert_ok,
    traits::{Hooks, fungible::Inspect},
};
use sp_core::U256;
use sp_runtime::DispatchError;

const GOLD_SUPPLY: u128 = 1_000_000_000_000;
const GOLD_COLLATERAL: u128 = 4_000_000_000_000;
const SILVER_SUPPLY: u128 = 5_000_000_000_000;
const SILVER_COLLATERAL: u128 = 1_000_000_000_000;
/// A deadline far in the future.
const LATER: u64 = 1_000;

type Pool = PoolInfo<u64>;

fn signed(who: u64) -> RuntimeOrigin {
    RuntimeOrigin::signed(who)
}

/// Alice issues GOLD: 10^12 units against 4·10^12 WCME (4 WCME units per GOLD unit). Id 1.
fn issue_gold() -> AssetId {
    assert_ok!(SmartAssets::issue(
        signed(ALICE),
        b"GOLD".to_vec(),
        12,
        GOLD_SUPPLY,
        GOLD_COLLATERAL
    ));
    1
}

/// Bob issues SILVER: 5·10^12 units against 10^12 WCME. Id 2 after GOLD.
fn issue_silver() -> AssetId {
    let id = NextAssetId::<Test>::get();
    assert_ok!(SmartAssets::issue(
        signed(BOB),
        b"SILVER".to_vec(),
        6,
        SILVER_SUPPLY,
        SILVER_COLLATERAL
    ));
    id
}

/// `who` registers an IOU `symbol`; returns its id.
fn register_iou(who: u64, symbol: &[u8]) -> AssetId {
    let id = NextAssetId::<Test>::get();
    assert_ok!(SmartAssets::register_iou(signed(who), symbol.to_vec(), 2));
    id
}

/// Alice registers USD, mints herself `amount`, and lists it.
fn listed_iou(amount: u128) -> AssetId {
    let usd = register_iou(ALICE, b"USD");
    assert_ok!(SmartAssets::mint_iou(signed(ALICE), usd, ALICE, amount));
    assert_ok!(SmartAssets::create_pool(signed(ALICE), usd));
    usd
}

fn pool(asset: AssetId) -> Pool {
    Pools::<Test>::get(asset).expect("pool exists")
}

fn k(p: &Pool) -> U256 {
    U256::from(p.wcme_reserve) * U256::from(p.asset_reserve)
}

fn wcme(who: u64) -> u128 {
    Balances::balance(&who)
}

fn asset_balance(asset: AssetId, who: u64) -> u128 {
    AssetBalances::<Test>::get(asset, who)
}

/// Uniswap v2's `getAmountOut` with the literal 997/1000.
fn uni_out(amount_in: u128, reserve_in: u128, reserve_out: u128) -> u128 {
    amount_in * 997 * reserve_out / (reserve_in * 1000 + amount_in * 997)
}

/// Uniswap v2's `getAmountIn` with the literal 997/1000.
fn uni_in(amount_out: u128, reserve_in: u128, reserve_out: u128) -> u128 {
    reserve_in * amount_out * 1000 / ((reserve_out - amount_out) * 997) + 1
}

fn events() -> Vec<Event<Test>> {
    System::events()
        .into_iter()
        .filter_map(|r| match r.event {
            RuntimeEvent::SmartAssets(e) => Some(e),
            _ => None,
        })
        .collect()
}

fn last_event() -> Event<Test> {
    events().pop().expect("an event")
}

/// Bob buys GOLD with `wcme_in` WCME; returns the GOLD received.
fn bob_buys_gold(gold: AssetId, wcme_in: u128) -> u128 {
    let before = asset_balance(gold, BOB);
    assert_ok!(SmartAssets::swap_exact_in(
        signed(BOB),
        vec![WCME, gold],
        wcme_in,
        0,
        LATER
    ));
    asset_balance(gold, BOB) - before
}

// ---------------------------------------------------------------------------------------------
// issue

#[test]
fn issue_creates_asset_pool_and_shares() {
    new_test_ext().execute_with(|| {
        let alice_before = wcme(ALICE);
        let gold = issue_gold();
        assert_eq!(gold, 1);
        assert_eq!(NextAssetId::<Test>::get(), 2);
        assert_eq!(
            Assets::<Test>::get(gold),
            Some(AssetDetails {
                symbol: b"GOLD".to_vec().try_into().unwrap(),
                decimals: 12,
                kind: AssetKind::Smart,
                issuer: ALICE,
                subchain: None,
                supply: GOLD_SUPPLY,
            })
        );
        assert_eq!(
            SymbolIndex::<Test>::get(
                frame_support::BoundedVec::try_from(b"GOLD".to_vec()).unwrap()
            ),
            Some(gold)
        );
        // sqrt(4·10^12 · 10^12) = 2·10^12 shares; 1000 locked for ever.
        let p = pool(gold);
        assert_eq!(p.wcme_reserve, GOLD_COLLATERAL);
        assert_eq!(p.asset_reserve, GOLD_SUPPLY);
        assert_eq!(p.total_shares, 2_000_000_000_000);
        assert_eq!(p.last_update, 1);
        assert_eq!(
            Shares::<Test>::get(gold, ALICE),
            2_000_000_000_000 - MINIMUM_LIQUIDITY
        );
        // The collateral moved to the pallet account; no GOLD is outside the pool.
        assert_eq!(wcme(ALICE), alice_before - GOLD_COLLATERAL);
        assert_eq!(wcme(SmartAssets::account_id()), GOLD_COLLATERAL);
        assert_eq!(asset_balance(gold, ALICE), 0);
        assert_eq!(
            last_event(),
            Event::Issued {
                asset_id: gold,
                issuer: ALICE,
                supply: GOLD_SUPPLY,
                collateral: GOLD_COLLATERAL
            }
        );
        // The price is the issuer's ratio: 4 WCME units per GOLD unit.
        let view = SmartAssets::pool_view(gold).unwrap();
        assert_eq!(view.wcme_reserve / view.asset_reserve, 4);
    });
}

#[test]
fn issue_by_a_subchain_account_records_the_subchain() {
    new_test_ext().execute_with(|| {
        // Through the trait the subchain registry will use.
        let id = <SmartAssets as SmartAssetIssuer<u64>>::issue(
            &SUBCHAIN_ACCOUNT,
            b"SUB".to_vec(),
            12,
            GOLD_SUPPLY,
            GOLD_COLLATERAL,
        )
        .unwrap();
        let details = Assets::<Test>::get(id).unwrap();
        assert_eq!(details.subchain, Some(SUBCHAIN_ID));
        assert_eq!(details.issuer, SUBCHAIN_ACCOUNT);
        assert_eq!(
            Shares::<Test>::get(id, SUBCHAIN_ACCOUNT),
            2_000_000_000_000 - MINIMUM_LIQUIDITY
        );
        // A failing issue through the trait leaves nothing behind.
        let root = sp_io::storage::root(sp_runtime::StateVersion::V1);
        assert_eq!(
            <SmartAssets as SmartAssetIssuer<u64>>::issue(
                &SUBCHAIN_ACCOUNT,
                b"SUB".to_vec(),
                12,
                1,
                1
            ),
            Err(Error::<Test>::SymbolTaken.into())
        );
        assert_eq!(sp_io::storage::root(sp_runtime::StateVersion::V1), root);
        assert!(<SmartAssets as SmartAssetIssuer<u64>>::issue_weight().ref_time() > 0);
    });
}

#[test]
fn issue_rejects_bad_input() {
    new_test_ext().execute_with(|| {
        let issue = |who, symbol: &[u8], decimals, supply, collateral| {
            SmartAssets::issue(signed(who), symbol.to_vec(), decimals, supply, collateral)
        };
        assert_noop!(
            SmartAssets::issue(RuntimeOrigin::none(), b"GOLD".to_vec(), 12, 1, 1),
            DispatchError::BadOrigin
        );
        // MaxSymbolLength is 8 in the mock.
        assert_noop!(
            issue(ALICE, b"TOOLONGXX", 12, GOLD_SUPPLY, GOLD_COLLATERAL),
            Error::<Test>::SymbolTooLong
        );
        for bad in [&b""[..], b"gold", b"GO LD", b"G\xffLD", b"GO_LD"] {
            assert_noop!(
                issue(ALICE, bad, 12, GOLD_SUPPLY, GOLD_COLLATERAL),
                Error::<Test>::InvalidSymbol
            );
        }
        assert_noop!(
            issue(ALICE, b"WCME", 12, GOLD_SUPPLY, GOLD_COLLATERAL),
            Error::<Test>::SymbolTaken
        );
        assert_noop!(
            issue(ALICE, b"GOLD", 19, GOLD_SUPPLY, GOLD_COLLATERAL),
            Error::<Test>::InvalidDecimals
        );
        assert_noop!(
            issue(ALICE, b"GOLD", 12, 0, GOLD_COLLATERAL),
            Error::<Test>::ZeroAmount
        );
        assert_noop!(
            issue(ALICE, b"GOLD", 12, GOLD_SUPPLY, 0),
            Error::<Test>::ZeroAmount
        );
        // MinWcmeReserve is 1000 in the mock.
        assert_noop!(
            issue(ALICE, b"GOLD", 12, GOLD_SUPPLY, 999),
            Error::<Test>::CollateralTooLow
        );
        // sqrt(1000 · 1000) = 1000 shares, all of them locked: nothing for the issuer.
        assert_noop!(
            issue(ALICE, b"GOLD", 12, 1_000, 1_000),
            Error::<Test>::InsufficientLiquidityMinted
        );
        // Charlie holds 10,000 and must keep the existential deposit.
        assert_noop!(
            issue(CHARLIE, b"GOLD", 12, GOLD_SUPPLY, POOR),
            Error::<Test>::InsufficientWcme
        );
        assert_noop!(
            issue(NOBODY, b"GOLD", 12, GOLD_SUPPLY, 1_000),
            Error::<Test>::InsufficientWcme
        );
        assert_noop!(
            issue(ALICE, b"GOLD", 12, GOLD_SUPPLY, RICH + 1),
            Error::<Test>::InsufficientWcme
        );

        issue_gold();
        assert_noop!(
            issue(BOB, b"GOLD", 12, GOLD_SUPPLY, GOLD_COLLATERAL),
            Error::<Test>::SymbolTaken
        );
        // The id space is used up.
        NextAssetId::<Test>::put(u32::MAX);
        assert_noop!(
            issue(ALICE, b"LAST", 12, GOLD_SUPPLY, GOLD_COLLATERAL),
            Error::<Test>::Overflow
        );
    });
}

#[test]
fn issue_at_the_extremes_of_u128() {
    new_test_ext().execute_with(|| {
        // The largest supply: sqrt(collateral · u128::MAX) still fits.
        assert_ok!(SmartAssets::issue(
            signed(ALICE),
            b"MAX".to_vec(),
            18,
            u128::MAX,
            GOLD_COLLATERAL
        ));
        let p = pool(1);
        assert_eq!(p.asset_reserve, u128::MAX);
        assert_eq!(
            p.total_shares,
            (U256::from(GOLD_COLLATERAL) * U256::from(u128::MAX))
                .integer_sqrt()
                .low_u128()
        );
        // Swapping against it neither panics nor overflows.
        let out = bob_buys_gold(1, 1_000_000);
        assert!(out > 0);
        assert!(k(&pool(1)) >= U256::from(GOLD_COLLATERAL) * U256::from(u128::MAX));

        // Results that do not fit u128 are a typed error: the reserve plus the largest input…
        assert_noop!(
            SmartAssets::swap_exact_in(signed(BOB), vec![1, WCME], u128::MAX, 0, LATER),
            Error::<Test>::Overflow
        );
        // …or the input needed to take all but the minimum WCME out of this pool (~10^48).
        let wcme_out = pool(1).wcme_reserve - MinWcmeReserve::get();
        assert_noop!(
            SmartAssets::swap_exact_out(signed(BOB), vec![1, WCME], wcme_out, u128::MAX, LATER),
            Error::<Test>::Overflow
        );
        assert_eq!(
            SmartAssets::quote_exact_out(&[1, WCME], wcme_out),
            Err(AmmError::Overflow)
        );
    });
}

// ---------------------------------------------------------------------------------------------
// IOUs

#[test]
fn register_mint_and_burn_an_iou() {
    new_test_ext().execute_with(|| {
        let usd = register_iou(ALICE, b"USD");
        assert_eq!(usd, 1);
        let details = Assets::<Test>::get(usd).unwrap();
        assert_eq!(details.kind, AssetKind::Iou);
        assert_eq!(details.supply, 0);
        assert_eq!(details.issuer, ALICE);
        assert_eq!(details.decimals, 2);
        assert!(!Pools::<Test>::contains_key(usd));
        assert_eq!(
            last_event(),
            Event::IouRegistered {
                asset_id: usd,
                issuer: ALICE,
                symbol: b"USD".to_vec().try_into().unwrap()
            }
        );

        assert_ok!(SmartAssets::mint_iou(signed(ALICE), usd, BOB, 500));
        assert_eq!(asset_balance(usd, BOB), 500);
        assert_eq!(Assets::<Test>::get(usd).unwrap().supply, 500);
        assert_eq!(
            last_event(),
            Event::IouMinted {
                asset_id: usd,
                to: BOB,
                amount: 500
            }
        );

        // Bob redeems 200 by sending them back; Alice burns them.
        assert_ok!(SmartAssets::transfer(signed(BOB), usd, ALICE, 200));
        assert_ok!(SmartAssets::burn_iou(signed(ALICE), usd, 200));
        assert_eq!(asset_balance(usd, ALICE), 0);
        assert!(!AssetBalances::<Test>::contains_key(usd, ALICE));
        assert_eq!(Assets::<Test>::get(usd).unwrap().supply, 300);
        assert_eq!(
            last_event(),
            Event::IouBurned {
                asset_id: usd,
                from: ALICE,
                amount: 200
            }
        );
    });
}

#[test]
fn register_iou_rejects_bad_input() {
    new_test_ext().execute_with(|| {
        assert_noop!(
            SmartAssets::register_iou(RuntimeOrigin::none(), b"USD".to_vec(), 2),
            DispatchError::BadOrigin
        );
        assert_noop!(
            SmartAssets::register_iou(signed(ALICE), b"TOOLONGXX".to_vec(), 2),
            Error::<Test>::SymbolTooLong
        );
        assert_noop!(
            SmartAssets::register_iou(signed(ALICE), b"usd".to_vec(), 2),
            Error::<Test>::InvalidSymbol
        );
        assert_noop!(
            SmartAssets::register_iou(signed(ALICE), Vec::new(), 2),
            Error::<Test>::InvalidSymbol
        );
        assert_noop!(
            SmartAssets::register_iou(signed(ALICE), b"WCME".to_vec(), 2),
            Error::<Test>::SymbolTaken
        );
        assert_noop!(
            SmartAssets::register_iou(signed(ALICE), b"USD".to_vec(), 19),
            Error::<Test>::InvalidDecimals
        );
        issue_gold();
        assert_noop!(
            SmartAssets::register_iou(signed(BOB), b"GOLD".to_vec(), 2),
            Error::<Test>::SymbolTaken
        );
        NextAssetId::<Test>::put(u32::MAX);
        assert_noop!(
            SmartAssets::register_iou(signed(ALICE), b"USD".to_vec(), 2),
            Error::<Test>::Overflow
        );
    });
}

#[test]
fn mint_iou_rejects_bad_input() {
    new_test_ext().execute_with(|| {
        let gold = issue_gold();
        let usd = register_iou(ALICE, b"USD");
        assert_noop!(
            SmartAssets::mint_iou(RuntimeOrigin::none(), usd, BOB, 1),
            DispatchError::BadOrigin
        );
        assert_noop!(
            SmartAssets::mint_iou(signed(ALICE), usd, BOB, 0),
            Error::<Test>::ZeroAmount
        );
        assert_noop!(
            SmartAssets::mint_iou(signed(ALICE), WCME, BOB, 1),
            Error::<Test>::NativeAsset
        );
        assert_noop!(
            SmartAssets::mint_iou(signed(ALICE), 42, BOB, 1),
            Error::<Test>::UnknownAsset
        );
        assert_noop!(
            SmartAssets::mint_iou(signed(ALICE), gold, BOB, 1),
            Error::<Test>::NotIou
        );
        assert_noop!(
            SmartAssets::mint_iou(signed(BOB), usd, BOB, 1),
            Error::<Test>::NotIssuer
        );
        assert_ok!(SmartAssets::mint_iou(signed(ALICE), usd, BOB, u128::MAX));
        assert_noop!(
            SmartAssets::mint_iou(signed(ALICE), usd, ALICE, 1),
            Error::<Test>::Overflow
        );
    });
}

#[test]
fn burn_iou_rejects_bad_input() {
    new_test_ext().execute_with(|| {
        let gold = issue_gold();
        let usd = register_iou(ALICE, b"USD");
        assert_ok!(SmartAssets::mint_iou(signed(ALICE), usd, ALICE, 100));
        assert_ok!(SmartAssets::mint_iou(signed(ALICE), usd, BOB, 100));
        assert_noop!(
            SmartAssets::burn_iou(RuntimeOrigin::none(), usd, 1),
            DispatchError::BadOrigin
        );
        assert_noop!(
            SmartAssets::burn_iou(signed(ALICE), usd, 0),
            Error::<Test>::ZeroAmount
        );
        assert_noop!(
            SmartAssets::burn_iou(signed(ALICE), WCME, 1),
            Error::<Test>::NativeAsset
        );
        assert_noop!(
            SmartAssets::burn_iou(signed(ALICE), 42, 1),
            Error::<Test>::UnknownAsset
        );
        assert_noop!(
            SmartAssets::burn_iou(signed(ALICE), gold, 1),
            Error::<Test>::NotIou
        );
        // Holders cannot burn; the issuer burns only what she holds.
        assert_noop!(
            SmartAssets::burn_iou(signed(BOB), usd, 1),
            Error::<Test>::NotIssuer
        );
        assert_noop!(
            SmartAssets::burn_iou(signed(ALICE), usd, 101),
            Error::<Test>::InsufficientBalance
        );
    });
}

// ---------------------------------------------------------------------------------------------
// transfer

#[test]
fn transfer_moves_assets() {
    new_test_ext().execute_with(|| {
        let usd = register_iou(ALICE, b"USD");
        assert_ok!(SmartAssets::mint_iou(signed(ALICE), usd, ALICE, 100));
        assert_ok!(SmartAssets::transfer(signed(ALICE), usd, BOB, 30));
        assert_eq!(asset_balance(usd, ALICE), 70);
        assert_eq!(asset_balance(usd, BOB), 30);
        assert_eq!(
            last_event(),
            Event::Transferred {
                asset_id: usd,
                from: ALICE,
                to: BOB,
                amount: 30
            }
        );
        // To oneself: nothing changes but the event.
        assert_ok!(SmartAssets::transfer(signed(BOB), usd, BOB, 30));
        assert_eq!(asset_balance(usd, BOB), 30);
        // Everything: the entry goes away.
        assert_ok!(SmartAssets::transfer(signed(BOB), usd, ALICE, 30));
        assert!(!AssetBalances::<Test>::contains_key(usd, BOB));
        assert_eq!(Assets::<Test>::get(usd).unwrap().supply, 100);
    });
}

#[test]
fn transfer_rejects_bad_input() {
    new_test_ext().execute_with(|| {
        let usd = register_iou(ALICE, b"USD");
        assert_ok!(SmartAssets::mint_iou(signed(ALICE), usd, ALICE, 100));
        assert_noop!(
            SmartAssets::transfer(RuntimeOrigin::none(), usd, BOB, 1),
            DispatchError::BadOrigin
        );
        assert_noop!(
            SmartAssets::transfer(signed(ALICE), usd, BOB, 0),
            Error::<Test>::ZeroAmount
        );
        assert_noop!(
            SmartAssets::transfer(signed(ALICE), WCME, BOB, 1),
            Error::<Test>::NativeAsset
        );
        assert_noop!(
            SmartAssets::transfer(signed(ALICE), 42, BOB, 1),
            Error::<Test>::UnknownAsset
        );
        assert_noop!(
            SmartAssets::transfer(signed(ALICE), usd, BOB, 101),
            Error::<Test>::InsufficientBalance
        );
        assert_noop!(
            SmartAssets::transfer(signed(BOB), usd, ALICE, 1),
            Error::<Test>::InsufficientBalance
        );
    });
}

// ---------------------------------------------------------------------------------------------
// pools and liquidity

#[test]
fn create_pool_lists_an_iou() {
    new_test_ext().execute_with(|| {
        let usd = register_iou(ALICE, b"USD");
        assert_ok!(SmartAssets::create_pool(signed(BOB), usd));
        assert_eq!(pool(usd), Pool::empty(1));
        assert_eq!(
            last_event(),
            Event::PoolCreated {
                asset_id: usd,
                creator: BOB
            }
        );
    });
}

#[test]
fn create_pool_rejects_bad_input() {
    new_test_ext().execute_with(|| {
        let gold = issue_gold();
        let usd = register_iou(ALICE, b"USD");
        assert_noop!(
            SmartAssets::create_pool(RuntimeOrigin::none(), usd),
            DispatchError::BadOrigin
        );
        assert_noop!(
            SmartAssets::create_pool(signed(ALICE), WCME),
            Error::<Test>::NativeAsset
        );
        assert_noop!(
            SmartAssets::create_pool(signed(ALICE), 42),
            Error::<Test>::UnknownAsset
        );
        // A smart asset's pool exists from its issue.
        assert_noop!(
            SmartAssets::create_pool(signed(ALICE), gold),
            Error::<Test>::PoolExists
        );
        assert_ok!(SmartAssets::create_pool(signed(ALICE), usd));
        assert_noop!(
            SmartAssets::create_pool(signed(BOB), usd),
            Error::<Test>::PoolExists
        );
    });
}

#[test]
fn first_liquidity_sets_the_price_and_locks_minimum_liquidity() {
    new_test_ext().execute_with(|| {
        let usd = listed_iou(1_000_000);
        let pallet_before = wcme(SmartAssets::account_id());
        assert_ok!(SmartAssets::add_liquidity(
            signed(ALICE),
            usd,
            9_000_000,
            1_000_000,
            0,
            0,
            LATER
        ));
        // sqrt(9·10^6 · 10^6) = 3·10^6.
        let p = pool(usd);
        assert_eq!(
            (p.wcme_reserve, p.asset_reserve, p.total_shares),
            (9_000_000, 1_000_000, 3_000_000)
        );
        assert_eq!(
            Shares::<Test>::get(usd, ALICE),
            3_000_000 - MINIMUM_LIQUIDITY
        );
        assert_eq!(asset_balance(usd, ALICE), 0);
        assert_eq!(wcme(SmartAssets::account_id()), pallet_before + 9_000_000);
        assert_eq!(
            last_event(),
            Event::LiquidityAdded {
                who: ALICE,
                asset_id: usd,
                wcme_amount: 9_000_000,
                asset_amount: 1_000_000,
                shares: 3_000_000 - MINIMUM_LIQUIDITY
            }
        );
    });
}

#[test]
fn later_liquidity_follows_the_pool_ratio() {
    new_test_ext().execute_with(|| {
        let gold = issue_gold();
        let got = bob_buys_gold(gold, 400_000_000);
        let p = pool(gold);

        // Bob offers more GOLD than the ratio needs: the WCME side sets the amounts.
        let wcme_desired = 40_000_000;
        let asset_optimal = wcme_desired * p.asset_reserve / p.wcme_reserve;
        assert!(asset_optimal < got);
        assert_ok!(SmartAssets::add_liquidity(
            signed(BOB),
            gold,
            wcme_desired,
            got,
            wcme_desired,
            asset_optimal,
            LATER
        ));
        let shares = (wcme_desired * p.total_shares / p.wcme_reserve)
            .min(asset_optimal * p.total_shares / p.asset_reserve);
        assert_eq!(Shares::<Test>::get(gold, BOB), shares);
        assert_eq!(asset_balance(gold, BOB), got - asset_optimal);
        let after = pool(gold);
        assert_eq!(after.wcme_reserve, p.wcme_reserve + wcme_desired);
        assert_eq!(after.asset_reserve, p.asset_reserve + asset_optimal);
        assert_eq!(after.total_shares, p.total_shares + shares);

        // Bob offers more WCME than the ratio needs: the GOLD side sets the amounts.
        let p = after;
        let asset_desired = asset_balance(gold, BOB);
        let wcme_optimal = asset_desired * p.wcme_reserve / p.asset_reserve;
        assert_ok!(SmartAssets::add_liquidity(
            signed(BOB),
            gold,
            wcme_optimal * 2,
            asset_desired,
            0,
            0,
            LATER
        ));
        let after = pool(gold);
        assert_eq!(after.wcme_reserve, p.wcme_reserve + wcme_optimal);
        assert_eq!(after.asset_reserve, p.asset_reserve + asset_desired);
        assert_eq!(asset_balance(gold, BOB), 0);
    });
}

#[test]
fn add_liquidity_rejects_bad_input() {
    new_test_ext().execute_with(|| {
        let gold = issue_gold();
        let unlisted = register_iou(ALICE, b"EUR");
        let got = bob_buys_gold(gold, 400_000_000);
        let add = |who, asset, w, a, w_min, a_min, deadline| {
            SmartAssets::add_liquidity(signed(who), asset, w, a, w_min, a_min, deadline)
        };
        assert_noop!(
            SmartAssets::add_liquidity(RuntimeOrigin::none(), gold, 1, 1, 0, 0, LATER),
            DispatchError::BadOrigin
        );
        System::set_block_number(10);
        assert_noop!(
            add(BOB, gold, 4_000, 1_000, 0, 0, 9),
            Error::<Test>::Expired
        );
        assert_noop!(
            add(BOB, WCME, 4_000, 1_000, 0, 0, LATER),
            Error::<Test>::NativeAsset
        );
        assert_noop!(
            add(BOB, gold, 0, 1_000, 0, 0, LATER),
            Error::<Test>::ZeroAmount
        );
        assert_noop!(
            add(BOB, gold, 4_000, 0, 0, 0, LATER),
            Error::<Test>::ZeroAmount
        );
        assert_noop!(
            add(BOB, 42, 4_000, 1_000, 0, 0, LATER),
            Error::<Test>::UnknownAsset
        );
        assert_noop!(
            add(BOB, unlisted, 4_000, 1_000, 0, 0, LATER),
            Error::<Test>::PoolNotFound
        );
        // Slippage bounds: the ratio cuts the GOLD side to ~1,000, below asset_min; or cuts the
        // WCME side below wcme_min.
        assert_noop!(
            add(BOB, gold, 4_000_000, got, 0, 1_100_000, LATER),
            Error::<Test>::AssetBelowMinimum
        );
        assert_noop!(
            add(BOB, gold, 400_000_000, 10_000, 400_000_000, 0, LATER),
            Error::<Test>::WcmeBelowMinimum
        );
        // Dust worth less than one share.
        assert_noop!(
            add(BOB, gold, 1, 1, 0, 0, LATER),
            Error::<Test>::InsufficientLiquidityMinted
        );
        // Not enough WCME or GOLD.
        assert_noop!(
            add(CHARLIE, gold, POOR, POOR, 0, 0, LATER),
            Error::<Test>::InsufficientWcme
        );
        assert_noop!(
            add(BOB, gold, 400_000_000, got + 1_000_000, 0, 0, LATER),
            Error::<Test>::InsufficientBalance
        );
    });
}

#[test]
fn first_liquidity_rejects_bad_input() {
    new_test_ext().execute_with(|| {
        let usd = listed_iou(10_000_000);
        // Below MinWcmeReserve (1000 in the mock).
        assert_noop!(
            SmartAssets::add_liquidity(signed(ALICE), usd, 999, 10_000_000, 0, 0, LATER),
            Error::<Test>::ReserveBelowMinimum
        );
        // sqrt(1000 · 1000) = MINIMUM_LIQUIDITY: nothing left for the provider.
        assert_noop!(
            SmartAssets::add_liquidity(signed(ALICE), usd, 1_000, 1_000, 0, 0, LATER),
            Error::<Test>::InsufficientLiquidityMinted
        );
        // The bounds apply to a first deposit too.
        assert_noop!(
            SmartAssets::add_liquidity(signed(ALICE), usd, 5_000, 5_000, 5_001, 0, LATER),
            Error::<Test>::WcmeBelowMinimum
        );
        assert_noop!(
            SmartAssets::add_liquidity(signed(ALICE), usd, 5_000, 5_000, 0, 5_001, LATER),
            Error::<Test>::AssetBelowMinimum
        );
        assert_noop!(
            SmartAssets::add_liquidity(signed(ALICE), usd, 5_000, 10_000_001, 0, 0, LATER),
            Error::<Test>::InsufficientBalance
        );
    });
}

#[test]
fn remove_liquidity_pays_pro_rata() {
    new_test_ext().execute_with(|| {
        let gold = issue_gold();
        bob_buys_gold(gold, 1_000_000_000);
        let p = pool(gold);
        let shares = Shares::<Test>::get(gold, ALICE);
        let half = shares / 2;
        let alice_wcme = wcme(ALICE);

        assert_ok!(SmartAssets::remove_liquidity(
            signed(ALICE),
            gold,
            half,
            0,
            0,
            LATER
        ));
        let wcme_out = half * p.wcme_reserve / p.total_shares;
        let asset_out = half * p.asset_reserve / p.total_shares;
        assert_eq!(wcme(ALICE), alice_wcme + wcme_out);
        assert_eq!(asset_balance(gold, ALICE), asset_out);
        assert_eq!(Shares::<Test>::get(gold, ALICE), shares - half);
        let after = pool(gold);
        assert_eq!(after.wcme_reserve, p.wcme_reserve - wcme_out);
        assert_eq!(after.asset_reserve, p.asset_reserve - asset_out);
        assert_eq!(after.total_shares, p.total_shares - half);
        assert_eq!(
            last_event(),
            Event::LiquidityRemoved {
                who: ALICE,
                asset_id: gold,
                wcme_amount: wcme_out,
                asset_amount: asset_out,
                shares: half
            }
        );

        // All the rest: only the locked shares remain, and the pool is not empty.
        let rest = Shares::<Test>::get(gold, ALICE);
        assert_ok!(SmartAssets::remove_liquidity(
            signed(ALICE),
            gold,
            rest,
            0,
            0,
            LATER
        ));
        assert!(!Shares::<Test>::contains_key(gold, ALICE));
        let left = pool(gold);
        assert_eq!(left.total_shares, MINIMUM_LIQUIDITY);
        assert!(left.wcme_reserve >= MinWcmeReserve::get() && left.asset_reserve > 0);
        // The pallet account holds exactly the pool's WCME.
        assert_eq!(wcme(SmartAssets::account_id()), left.wcme_reserve);
    });
}

#[test]
fn remove_liquidity_rejects_bad_input() {
    new_test_ext().execute_with(|| {
        let gold = issue_gold();
        let unlisted = register_iou(ALICE, b"EUR");
        let shares = Shares::<Test>::get(gold, ALICE);
        let remove = |who, asset, s, w_min, a_min, deadline| {
            SmartAssets::remove_liquidity(signed(who), asset, s, w_min, a_min, deadline)
        };
        assert_noop!(
            SmartAssets::remove_liquidity(RuntimeOrigin::none(), gold, 1, 0, 0, LATER),
            DispatchError::BadOrigin
        );
        System::set_block_number(10);
        assert_noop!(remove(ALICE, gold, 1_000, 0, 0, 9), Error::<Test>::Expired);
        assert_noop!(
            remove(ALICE, WCME, 1_000, 0, 0, LATER),
            Error::<Test>::NativeAsset
        );
        assert_noop!(
            remove(ALICE, gold, 0, 0, 0, LATER),
            Error::<Test>::ZeroAmount
        );
        assert_noop!(
            remove(ALICE, 42, 1_000, 0, 0, LATER),
            Error::<Test>::UnknownAsset
        );
        assert_noop!(
            remove(ALICE, unlisted, 1_000, 0, 0, LATER),
            Error::<Test>::PoolNotFound
        );
        assert_noop!(
            remove(BOB, gold, 1, 0, 0, LATER),
            Error::<Test>::InsufficientShares
        );
        assert_noop!(
            remove(ALICE, gold, shares + 1, 0, 0, LATER),
            Error::<Test>::InsufficientShares
        );
        // One share is worth 2 WCME units and half a GOLD unit: the GOLD side rounds to zero.
        assert_noop!(
            remove(ALICE, gold, 1, 0, 0, LATER),
            Error::<Test>::ZeroOutput
        );
        // 10^6 shares pay 2·10^6 WCME and 5·10^5 GOLD.
        assert_noop!(
            remove(ALICE, gold, 1_000_000, 2_000_001, 0, LATER),
            Error::<Test>::WcmeBelowMinimum
        );
        assert_noop!(
            remove(ALICE, gold, 1_000_000, 0, 500_001, LATER),
            Error::<Test>::AssetBelowMinimum
        );
    });
}

#[test]
fn remove_liquidity_keeps_the_wcme_reserve_minimum() {
    new_test_ext().execute_with(|| {
        // A pool with little WCME and many units: the locked shares are worth < 1000 WCME.
        let usd = listed_iou(1_000_000_000_000);
        assert_ok!(SmartAssets::add_liquidity(
            signed(ALICE),
            usd,
            2_000,
            1_000_000_000_000,
            0,
            0,
            LATER
        ));
        let shares = Shares::<Test>::get(usd, ALICE);
        assert_noop!(
            SmartAssets::remove_liquidity(signed(ALICE), usd, shares, 0, 0, LATER),
            Error::<Test>::ReserveBelowMinimum
        );
        // Half is fine.
        assert_ok!(SmartAssets::remove_liquidity(
            signed(ALICE),
            usd,
            shares / 2,
            0,
            0,
            LATER
        ));
        assert!(pool(usd).wcme_reserve >= MinWcmeReserve::get());
    });
}

// ---------------------------------------------------------------------------------------------
// swaps

#[test]
fn swap_exact_in_wcme_for_asset() {
    new_test_ext().execute_with(|| {
        let gold = issue_gold();
        let p = pool(gold);
        let amount_in = 1_000_000_000;
        let expected = uni_out(amount_in, p.wcme_reserve, p.asset_reserve);
        let bob_before = wcme(BOB);
        let fund_before = wcme(FUND);

        assert_ok!(SmartAssets::swap_exact_in(
            signed(BOB),
            vec![WCME, gold],
            amount_in,
            expected,
            LATER
        ));
        assert_eq!(asset_balance(gold, BOB), expected);
        assert_eq!(wcme(BOB), bob_before - amount_in);
        // 0.05 % of the input to the ecosystem fund; 0.25 % stays in the pool.
        let cut = amount_in * 500 / 1_000_000;
        assert_eq!(wcme(FUND), fund_before + cut);
        let after = pool(gold);
        assert_eq!(after.wcme_reserve, p.wcme_reserve + amount_in - cut);
        assert_eq!(after.asset_reserve, p.asset_reserve - expected);
        assert!(k(&after) > k(&p));
        assert_eq!(
            wcme(SmartAssets::account_id()),
            after.wcme_reserve,
            "the pallet account holds exactly the reserves"
        );
        assert_eq!(
            events()[events().len() - 2..],
            [
                Event::ProtocolFeePaid {
                    asset_id: WCME,
                    amount: cut
                },
                Event::Swapped {
                    who: BOB,
                    path: vec![WCME, gold].try_into().unwrap(),
                    amount_in,
                    amount_out: expected
                }
            ]
        );
    });
}

#[test]
fn swap_exact_in_asset_for_wcme() {
    new_test_ext().execute_with(|| {
        let gold = issue_gold();
        let got = bob_buys_gold(gold, 1_000_000_000);
        let p = pool(gold);
        let bob_wcme = wcme(BOB);
        let amount_in = got / 2;
        let expected = uni_out(amount_in, p.asset_reserve, p.wcme_reserve);

        assert_ok!(SmartAssets::swap_exact_in(
            signed(BOB),
            vec![gold, WCME],
            amount_in,
            expected,
            LATER
        ));
        assert_eq!(wcme(BOB), bob_wcme + expected);
        assert_eq!(asset_balance(gold, BOB), got - amount_in);
        // The protocol's cut is paid in GOLD.
        let cut = amount_in * 500 / 1_000_000;
        assert_eq!(asset_balance(gold, FUND), cut);
        let after = pool(gold);
        assert_eq!(after.asset_reserve, p.asset_reserve + amount_in - cut);
        assert_eq!(after.wcme_reserve, p.wcme_reserve - expected);
        assert!(k(&after) > k(&p));
        // Supply is conserved: balances plus the reserve.
        let holders: u128 = AssetBalances::<Test>::iter_prefix(gold)
            .map(|(_, b)| b)
            .sum();
        assert_eq!(holders + after.asset_reserve, GOLD_SUPPLY);
    });
}

#[test]
fn multi_hop_swaps_go_through_wcme() {
    new_test_ext().execute_with(|| {
        let gold = issue_gold();
        let silver = issue_silver();
        let got = bob_buys_gold(gold, 1_000_000_000);
        let (g, s) = (pool(gold), pool(silver));
        let fund_wcme = wcme(FUND);

        // Exact in: GOLD → WCME → SILVER.
        let amount_in = got;
        let mid = uni_out(amount_in, g.asset_reserve, g.wcme_reserve);
        let expected = uni_out(mid, s.wcme_reserve, s.asset_reserve);
        assert_eq!(
            SmartAssets::quote_exact_in(&[gold, WCME, silver], amount_in),
            Ok(expected)
        );
        assert_ok!(SmartAssets::swap_exact_in(
            signed(BOB),
            vec![gold, WCME, silver],
            amount_in,
            expected,
            LATER
        ));
        assert_eq!(asset_balance(gold, BOB), 0);
        assert_eq!(asset_balance(silver, BOB), expected);
        let (cut1, cut2) = (amount_in * 500 / 1_000_000, mid * 500 / 1_000_000);
        assert_eq!(asset_balance(gold, FUND), cut1);
        assert_eq!(wcme(FUND), fund_wcme + cut2);
        let (g2, s2) = (pool(gold), pool(silver));
        assert_eq!(g2.asset_reserve, g.asset_reserve + amount_in - cut1);
        assert_eq!(g2.wcme_reserve, g.wcme_reserve - mid);
        assert_eq!(s2.wcme_reserve, s.wcme_reserve + mid - cut2);
        assert_eq!(s2.asset_reserve, s.asset_reserve - expected);
        assert!(k(&g2) > k(&g) && k(&s2) > k(&s));
        assert_eq!(
            wcme(SmartAssets::account_id()),
            g2.wcme_reserve + s2.wcme_reserve
        );

        // Exact out: SILVER → WCME → GOLD for exactly 1000 GOLD.
        let want = 1_000;
        let mid = uni_in(want, g2.wcme_reserve, g2.asset_reserve);
        let needed = uni_in(mid, s2.asset_reserve, s2.wcme_reserve);
        assert_eq!(
            SmartAssets::quote_exact_out(&[silver, WCME, gold], want),
            Ok(needed)
        );
        assert_ok!(SmartAssets::swap_exact_out(
            signed(BOB),
            vec![silver, WCME, gold],
            want,
            needed,
            LATER
        ));
        assert_eq!(asset_balance(gold, BOB), want);
        assert_eq!(asset_balance(silver, BOB), expected - needed);
        assert_eq!(
            last_event(),
            Event::Swapped {
                who: BOB,
                path: vec![silver, WCME, gold].try_into().unwrap(),
                amount_in: needed,
                amount_out: want
            }
        );
    });
}

#[test]
fn swap_exact_out_both_directions() {
    new_test_ext().execute_with(|| {
        let gold = issue_gold();
        let p = pool(gold);
        let want = 1_000_000;
        let needed = uni_in(want, p.wcme_reserve, p.asset_reserve);
        let bob_wcme = wcme(BOB);
        assert_ok!(SmartAssets::swap_exact_out(
            signed(BOB),
            vec![WCME, gold],
            want,
            needed,
            LATER
        ));
        assert_eq!(asset_balance(gold, BOB), want);
        assert_eq!(wcme(BOB), bob_wcme - needed);
        assert!(k(&pool(gold)) > k(&p));

        // And back: exactly 1,000 WCME for GOLD.
        let p = pool(gold);
        let needed = uni_in(1_000, p.asset_reserve, p.wcme_reserve);
        assert_ok!(SmartAssets::swap_exact_out(
            signed(BOB),
            vec![gold, WCME],
            1_000,
            needed,
            LATER
        ));
        assert_eq!(asset_balance(gold, BOB), want - needed);
        assert!(k(&pool(gold)) > k(&p));
    });
}

#[test]
fn round_trip_never_favours_the_trader() {
    new_test_ext().execute_with(|| {
        let gold = issue_gold();
        let bob_before = wcme(BOB);
        let got = bob_buys_gold(gold, 123_456_789);
        assert_ok!(SmartAssets::swap_exact_in(
            signed(BOB),
            vec![gold, WCME],
            got,
            0,
            LATER
        ));
        assert!(wcme(BOB) < bob_before);
        assert_eq!(asset_balance(gold, BOB), 0);
    });
}

#[test]
fn swaps_reject_bad_input() {
    new_test_ext().execute_with(|| {
        let gold = issue_gold();
        let silver = issue_silver();
        let unlisted = register_iou(ALICE, b"EUR");
        let empty = listed_iou(1_000);
        let got = bob_buys_gold(gold, 1_000_000);
        let p = pool(gold);

        let exact_in = |who, path: Vec<AssetId>, amount, min_out, deadline| {
            SmartAssets::swap_exact_in(signed(who), path, amount, min_out, deadline)
        };
        let exact_out = |who, path: Vec<AssetId>, amount, max_in, deadline| {
            SmartAssets::swap_exact_out(signed(who), path, amount, max_in, deadline)
        };

        assert_noop!(
            SmartAssets::swap_exact_in(RuntimeOrigin::none(), vec![WCME, gold], 1, 0, LATER),
            DispatchError::BadOrigin
        );
        assert_noop!(
            SmartAssets::swap_exact_out(RuntimeOrigin::none(), vec![WCME, gold], 1, 1, LATER),
            DispatchError::BadOrigin
        );
        System::set_block_number(10);
        assert_noop!(
            exact_in(BOB, vec![WCME, gold], 1_000, 0, 9),
            Error::<Test>::Expired
        );
        assert_noop!(
            exact_out(BOB, vec![WCME, gold], 1_000, u128::MAX, 9),
            Error::<Test>::Expired
        );
        assert_noop!(
            exact_in(BOB, vec![WCME, gold], 0, 0, LATER),
            Error::<Test>::ZeroAmount
        );
        assert_noop!(
            exact_out(BOB, vec![WCME, gold], 0, u128::MAX, LATER),
            Error::<Test>::ZeroAmount
        );
        for path in [
            vec![],
            vec![gold],
            vec![gold, silver],
            vec![WCME, gold, silver],
            vec![gold, WCME, silver, WCME],
            vec![gold, WCME, silver, unlisted],
        ] {
            assert_noop!(
                exact_in(BOB, path.clone(), 1_000, 0, LATER),
                Error::<Test>::InvalidPath
            );
            assert_noop!(
                exact_out(BOB, path, 1_000, u128::MAX, LATER),
                Error::<Test>::InvalidPath
            );
        }
        for path in [vec![gold, gold], vec![WCME, WCME], vec![gold, WCME, gold]] {
            assert_noop!(
                exact_in(BOB, path.clone(), 1_000, 0, LATER),
                Error::<Test>::IdenticalAssets
            );
            assert_noop!(
                exact_out(BOB, path, 1_000, u128::MAX, LATER),
                Error::<Test>::IdenticalAssets
            );
        }
        assert_noop!(
            exact_in(BOB, vec![WCME, 42], 1_000, 0, LATER),
            Error::<Test>::UnknownAsset
        );
        assert_noop!(
            exact_out(BOB, vec![42, WCME], 1_000, u128::MAX, LATER),
            Error::<Test>::UnknownAsset
        );
        assert_noop!(
            exact_in(BOB, vec![WCME, unlisted], 1_000, 0, LATER),
            Error::<Test>::PoolNotFound
        );
        assert_noop!(
            exact_out(BOB, vec![gold, WCME, unlisted], 1_000, u128::MAX, LATER),
            Error::<Test>::PoolNotFound
        );
        // A listed pool without liquidity.
        assert_noop!(
            exact_in(BOB, vec![WCME, empty], 1_000, 0, LATER),
            Error::<Test>::InsufficientLiquidity
        );
        assert_noop!(
            exact_out(BOB, vec![WCME, empty], 1, u128::MAX, LATER),
            Error::<Test>::InsufficientLiquidity
        );
        // Asking for the whole reserve (or more).
        assert_noop!(
            exact_out(BOB, vec![WCME, gold], p.asset_reserve, u128::MAX, LATER),
            Error::<Test>::InsufficientLiquidity
        );
        assert_noop!(
            exact_out(BOB, vec![WCME, gold], u128::MAX, u128::MAX, LATER),
            Error::<Test>::InsufficientLiquidity
        );
        // Dust: 1 WCME unit buys less than one GOLD unit (the price is 4).
        assert_noop!(
            exact_in(BOB, vec![WCME, gold], 1, 0, LATER),
            Error::<Test>::ZeroOutput
        );
        // Taking the WCME reserve below MinWcmeReserve (1000): all but 999 of it.
        assert_noop!(
            exact_out(
                BOB,
                vec![gold, WCME],
                p.wcme_reserve - 999,
                u128::MAX,
                LATER
            ),
            Error::<Test>::ReserveBelowMinimum
        );
        // Slippage bounds.
        let quote = uni_out(1_000_000, p.wcme_reserve, p.asset_reserve);
        assert_noop!(
            exact_in(BOB, vec![WCME, gold], 1_000_000, quote + 1, LATER),
            Error::<Test>::OutputBelowMinimum
        );
        let cost = uni_in(1_000, p.wcme_reserve, p.asset_reserve);
        assert_noop!(
            exact_out(BOB, vec![WCME, gold], 1_000, cost - 1, LATER),
            Error::<Test>::InputAboveMaximum
        );
        // Balances.
        assert_noop!(
            exact_in(CHARLIE, vec![WCME, gold], POOR, 0, LATER),
            Error::<Test>::InsufficientWcme
        );
        assert_noop!(
            exact_out(NOBODY, vec![WCME, gold], 1_000, u128::MAX, LATER),
            Error::<Test>::InsufficientWcme
        );
        assert_noop!(
            exact_in(BOB, vec![gold, WCME], got + 1, 0, LATER),
            Error::<Test>::InsufficientBalance
        );
        assert_noop!(
            exact_out(ALICE, vec![gold, WCME], 1_000, u128::MAX, LATER),
            Error::<Test>::InsufficientBalance
        );
        // The largest input would drain GOLD's WCME reserve: refused, not a panic.
        assert_noop!(
            exact_in(BOB, vec![gold, WCME, silver], u128::MAX, 0, LATER),
            Error::<Test>::ReserveBelowMinimum
        );
    });
}

#[test]
fn a_swap_draining_wcme_below_the_minimum_is_refused() {
    new_test_ext().execute_with(|| {
        // 2,000 WCME against 10^12 units: selling 10^15 units would take ~1,998 WCME out.
        let usd = listed_iou(2_000_000_000_000_000);
        assert_ok!(SmartAssets::add_liquidity(
            signed(ALICE),
            usd,
            2_000,
            1_000_000_000_000,
            0,
            0,
            LATER
        ));
        assert_noop!(
            SmartAssets::swap_exact_in(
                signed(ALICE),
                vec![usd, WCME],
                1_000_000_000_000_000,
                0,
                LATER
            ),
            Error::<Test>::ReserveBelowMinimum
        );
        assert_eq!(
            SmartAssets::quote_exact_in(&[usd, WCME], 1_000_000_000_000_000),
            Err(AmmError::ReserveBelowMinimum)
        );
    });
}

#[test]
fn a_trader_without_wcme_can_sell_assets() {
    new_test_ext().execute_with(|| {
        // Nobody holds no WCME: the payout creates the account.
        let gold = issue_gold();
        let got = bob_buys_gold(gold, 1_000_000);
        assert_ok!(SmartAssets::transfer(signed(BOB), gold, NOBODY, got));
        assert_ok!(SmartAssets::swap_exact_in(
            signed(NOBODY),
            vec![gold, WCME],
            got,
            1,
            LATER
        ));
        assert!(wcme(NOBODY) > 0);
        assert_eq!(asset_balance(gold, NOBODY), 0);
    });
}

// ---------------------------------------------------------------------------------------------
// quotes, pool view and the price accumulators

#[test]
fn quotes_match_the_swaps_and_fail_like_them() {
    new_test_ext().execute_with(|| {
        let gold = issue_gold();
        let quoted = SmartAssets::quote_exact_in(&[WCME, gold], 5_000_000).unwrap();
        assert_eq!(bob_buys_gold(gold, 5_000_000), quoted);

        let cost = SmartAssets::quote_exact_out(&[WCME, gold], 777).unwrap();
        let bob_wcme = wcme(BOB);
        assert_ok!(SmartAssets::swap_exact_out(
            signed(BOB),
            vec![WCME, gold],
            777,
            cost,
            LATER
        ));
        assert_eq!(wcme(BOB), bob_wcme - cost);

        assert_eq!(
            SmartAssets::quote_exact_in(&[WCME, WCME], 1),
            Err(AmmError::IdenticalAssets)
        );
        assert_eq!(
            SmartAssets::quote_exact_in(&[WCME], 1),
            Err(AmmError::InvalidPath)
        );
        assert_eq!(
            SmartAssets::quote_exact_in(&[WCME, 9], 1),
            Err(AmmError::UnknownAsset)
        );
        assert_eq!(
            SmartAssets::quote_exact_in(&[WCME, gold], 0),
            Err(AmmError::ZeroAmount)
        );
        assert_eq!(
            SmartAssets::quote_exact_out(&[WCME, gold], GOLD_SUPPLY),
            Err(AmmError::InsufficientLiquidity)
        );
        assert_eq!(SmartAssets::pool_view(9), None);
    });
}

#[test]
fn price_accumulators_advance_once_per_block() {
    new_test_ext().execute_with(|| {
        let gold = issue_gold();
        let p = pool(gold);
        assert_eq!(p.wcme_price_cumulative, U256::zero());
        let wcme_price = math::price(p.asset_reserve, p.wcme_reserve);
        let asset_price = math::price(p.wcme_reserve, p.asset_reserve);
        // 4 WCME per GOLD: 4·10^18 and 0.25·10^18.
        assert_eq!(asset_price, U256::from(4_000_000_000_000_000_000u128));
        assert_eq!(wcme_price, U256::from(250_000_000_000_000_000u128));

        // The view brings them forward without writing.
        System::set_block_number(5);
        let view = SmartAssets::pool_view(gold).unwrap();
        assert_eq!(view.cumulative_at, 5);
        assert_eq!(view.asset_price_cumulative, asset_price * 4);
        assert_eq!(view.wcme_price_cumulative, wcme_price * 4);
        assert_eq!(view.swap_fee, SwapFee::get());
        assert_eq!(view.protocol_fee, ProtocolFee::get());
        assert_eq!(pool(gold).last_update, 1);

        // First touch in block 5: 4 blocks at the genesis price.
        bob_buys_gold(gold, 1_000_000_000);
        let after = pool(gold);
        assert_eq!(after.last_update, 5);
        assert_eq!(after.asset_price_cumulative, asset_price * 4);
        // A second touch in the same block adds nothing.
        bob_buys_gold(gold, 1_000_000_000);
        assert_eq!(pool(gold).asset_price_cumulative, asset_price * 4);

        // Block 8: 3 more blocks at the price left by block 5's swaps.
        let p5 = pool(gold);
        System::set_block_number(8);
        assert_ok!(SmartAssets::add_liquidity(
            signed(BOB),
            gold,
            1_000_000,
            1_000_000,
            0,
            0,
            LATER
        ));
        let p8 = pool(gold);
        assert_eq!(
            p8.asset_price_cumulative,
            asset_price * 4 + math::price(p5.wcme_reserve, p5.asset_reserve) * 3
        );
        assert_eq!(
            p8.wcme_price_cumulative,
            wcme_price * 4 + math::price(p5.asset_reserve, p5.wcme_reserve) * 3
        );
        // TWAP over blocks 5..8 is the block-5 price.
        assert_eq!(
            (p8.asset_price_cumulative - asset_price * 4) / 3,
            math::price(p5.wcme_reserve, p5.asset_reserve)
        );
    });
}

#[test]
fn empty_pools_accumulate_nothing() {
    new_test_ext().execute_with(|| {
        let usd = listed_iou(1_000_000);
        System::set_block_number(50);
        let view = SmartAssets::pool_view(usd).unwrap();
        assert_eq!(view.asset_price_cumulative, U256::zero());
        assert_eq!(view.cumulative_at, 50);
        assert_ok!(SmartAssets::add_liquidity(
            signed(ALICE),
            usd,
            9_000_000,
            1_000_000,
            0,
            0,
            LATER
        ));
        let p = pool(usd);
        assert_eq!(p.last_update, 50);
        assert_eq!(p.asset_price_cumulative, U256::zero());
    });
}

#[test]
fn integrity_test_passes() {
    new_test_ext().execute_with(|| {
        <SmartAssets as Hooks<u64>>::integrity_test();
    });
}

#[test]
fn weights_are_positive_and_grow_with_the_path() {
    use crate::WeightInfo;
    let w2 = <() as WeightInfo>::swap_exact_in(2);
    let w3 = <() as WeightInfo>::swap_exact_in(3);
    assert!(w3.ref_time() > w2.ref_time() && w3.proof_size() > w2.proof_size());
    // Lengths outside 2..=3 are clamped (bad paths are refused before any work).
    assert_eq!(SmartAssets::path_weight_len(&[7; 100]), 3);
    assert_eq!(SmartAssets::path_weight_len(&[]), 2);
    for w in [
        <() as WeightInfo>::issue(),
        <() as WeightInfo>::register_iou(),
        <() as WeightInfo>::mint_iou(),
        <() as WeightInfo>::burn_iou(),
        <() as WeightInfo>::transfer(),
        <() as WeightInfo>::create_pool(),
        <() as WeightInfo>::add_liquidity(),
        <() as WeightInfo>::remove_liquidity(),
    ] {
        assert!(w.ref_time() > 0 && w.proof_size() > 0);
    }
}
