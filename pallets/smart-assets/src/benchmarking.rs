//! Benchmarks of every call of the smart-asset pallet (frame-benchmarking v2).
//!
//! Each benchmark sets up the costliest path of its call: the longest symbol, a non-empty pool
//! whose price accumulators must be brought forward (a new block since the pool was last
//! touched), a protocol fee to pay, and for swaps the longest path of each length.
//!
//! `wcme-node benchmark pallet --pallet pallet_wcme_smart_assets` runs them on the main runtime
//! and writes `weights.rs`. The test suite at the bottom runs every benchmark on the mock runtime
//! in `cargo test -p pallet-wcme-smart-assets` (the crate enables `runtime-benchmarks` for its own
//! tests).

use super::*;
use crate::Pallet as SmartAssets;
use alloc::{vec, vec::Vec};
use frame_benchmarking::{account, v2::*, whitelisted_caller};
use frame_support::{
    assert_ok,
    traits::{Get, fungible::Mutate},
};
use frame_system::{RawOrigin, pallet_prelude::BlockNumberFor};
use sp_runtime::traits::{Bounded, One, StaticLookup};

/// Units of each benchmark asset.
const SUPPLY: u128 = 1_000_000_000_000_000_000;

/// WCME given to every benchmark account.
fn endow<T: Config>(who: &T::AccountId) {
    T::Currency::set_balance(who, 1_000_000_000_000_000_000_000_000);
}

/// Collateral of each benchmark asset: well above the minimum reserve.
fn collateral<T: Config>() -> u128 {
    T::MinWcmeReserve::get()
        .max(1_000_000)
        .saturating_mul(1_000_000)
}

/// The longest valid symbol, distinguished by `seed` in its first byte.
fn symbol<T: Config>(seed: u8) -> Vec<u8> {
    let len = usize::try_from(T::MaxSymbolLength::get()).unwrap_or(1);
    let mut symbol = vec![b'A'; len];
    if let Some(first) = symbol.first_mut() {
        *first = b'B'.saturating_add(seed % 20);
    }
    symbol
}

fn deadline<T: Config>() -> BlockNumberFor<T> {
    BlockNumberFor::<T>::max_value()
}

/// Move to the next block, so the next touch of a pool brings its accumulators forward.
fn next_block<T: Config>() {
    let now = frame_system::Pallet::<T>::block_number();
    frame_system::Pallet::<T>::set_block_number(now + One::one());
}

/// `issuer` issues a smart asset; returns its id.
fn issue_asset<T: Config>(issuer: &T::AccountId, seed: u8) -> AssetId {
    let id = NextAssetId::<T>::get();
    assert_ok!(SmartAssets::<T>::issue(
        RawOrigin::Signed(issuer.clone()).into(),
        symbol::<T>(seed),
        12,
        SUPPLY,
        collateral::<T>()
    ));
    id
}

/// `who` registers an IOU and mints itself `amount`; returns its id.
fn iou_with_balance<T: Config>(who: &T::AccountId, amount: u128) -> AssetId {
    let id = NextAssetId::<T>::get();
    assert_ok!(SmartAssets::<T>::register_iou(
        RawOrigin::Signed(who.clone()).into(),
        symbol::<T>(0),
        2
    ));
    assert_ok!(SmartAssets::<T>::mint_iou(
        RawOrigin::Signed(who.clone()).into(),
        id,
        T::Lookup::unlookup(who.clone()),
        amount
    ));
    id
}

/// `who` buys some of `asset` with WCME.
fn buy<T: Config>(who: &T::AccountId, asset: AssetId) {
    assert_ok!(SmartAssets::<T>::swap_exact_in(
        RawOrigin::Signed(who.clone()).into(),
        vec![WCME, asset],
        collateral::<T>() / 100,
        0,
        deadline::<T>()
    ));
}

/// The path of `n` assets benchmarked: `[0, A]` or `[A, 0, B]`.
fn path_of(n: u32, a: AssetId, b: AssetId) -> Vec<AssetId> {
    if n >= 3 {
        vec![a, WCME, b]
    } else {
        vec![WCME, a]
    }
}

#[benchmarks]
mod benchmarks {
    use super::*;

    #[benchmark]
    fn issue() {
        let caller: T::AccountId = whitelisted_caller();
        endow::<T>(&caller);

        #[extrinsic_call]
        _(
            RawOrigin::Signed(caller.clone()),
            symbol::<T>(0),
            12,
            SUPPLY,
            collateral::<T>(),
        );

        assert!(Pools::<T>::contains_key(1));
        assert!(Shares::<T>::get(1, &caller) > 0);
    }

    #[benchmark]
    fn register_iou() {
        let caller: T::AccountId = whitelisted_caller();

        #[extrinsic_call]
        _(RawOrigin::Signed(caller.clone()), symbol::<T>(0), 2);

        assert_eq!(Assets::<T>::get(1).map(|a| a.issuer), Some(caller));
    }

    #[benchmark]
    fn mint_iou() {
        let caller: T::AccountId = whitelisted_caller();
        let to: T::AccountId = account("holder", 0, 0);
        let iou = iou_with_balance::<T>(&caller, 1_000);

        #[extrinsic_call]
        _(
            RawOrigin::Signed(caller),
            iou,
            T::Lookup::unlookup(to.clone()),
            1_000,
        );

        assert_eq!(AssetBalances::<T>::get(iou, &to), 1_000);
    }

    #[benchmark]
    fn burn_iou() {
        let caller: T::AccountId = whitelisted_caller();
        let iou = iou_with_balance::<T>(&caller, 1_000);

        #[extrinsic_call]
        _(RawOrigin::Signed(caller.clone()), iou, 400);

        assert_eq!(AssetBalances::<T>::get(iou, &caller), 600);
    }

    #[benchmark]
    fn transfer() {
        let caller: T::AccountId = whitelisted_caller();
        let to: T::AccountId = account("holder", 0, 0);
        let iou = iou_with_balance::<T>(&caller, 1_000);

        #[extrinsic_call]
        _(
            RawOrigin::Signed(caller.clone()),
            iou,
            T::Lookup::unlookup(to.clone()),
            400,
        );

        assert_eq!(AssetBalances::<T>::get(iou, &to), 400);
    }

    #[benchmark]
    fn create_pool() {
        let caller: T::AccountId = whitelisted_caller();
        let iou = iou_with_balance::<T>(&caller, 1_000);

        #[extrinsic_call]
        _(RawOrigin::Signed(caller), iou);

        assert!(Pools::<T>::contains_key(iou));
    }

    #[benchmark]
    fn add_liquidity() {
        let caller: T::AccountId = whitelisted_caller();
        endow::<T>(&caller);
        let asset = issue_asset::<T>(&caller, 0);
        buy::<T>(&caller, asset);
        let held = AssetBalances::<T>::get(asset, &caller);
        let shares_before = Shares::<T>::get(asset, &caller);
        next_block::<T>();

        #[extrinsic_call]
        _(
            RawOrigin::Signed(caller.clone()),
            asset,
            collateral::<T>() / 1_000,
            held,
            0,
            0,
            deadline::<T>(),
        );

        assert!(Shares::<T>::get(asset, &caller) > shares_before);
    }

    #[benchmark]
    fn remove_liquidity() {
        let caller: T::AccountId = whitelisted_caller();
        endow::<T>(&caller);
        let asset = issue_asset::<T>(&caller, 0);
        let shares = Shares::<T>::get(asset, &caller);
        next_block::<T>();

        #[extrinsic_call]
        _(
            RawOrigin::Signed(caller.clone()),
            asset,
            shares / 2,
            0,
            0,
            deadline::<T>(),
        );

        assert_eq!(Shares::<T>::get(asset, &caller), shares - shares / 2);
    }

    #[benchmark]
    fn swap_exact_in(n: Linear<2, { MAX_PATH_LENGTH }>) {
        let caller: T::AccountId = whitelisted_caller();
        endow::<T>(&caller);
        let a = issue_asset::<T>(&caller, 0);
        let b = issue_asset::<T>(&caller, 1);
        buy::<T>(&caller, a);
        let path = path_of(n, a, b);
        let amount_in = if n >= 3 {
            AssetBalances::<T>::get(a, &caller) / 2
        } else {
            collateral::<T>() / 1_000
        };
        next_block::<T>();

        #[extrinsic_call]
        _(
            RawOrigin::Signed(caller.clone()),
            path,
            amount_in,
            1,
            deadline::<T>(),
        );

        assert!(AssetBalances::<T>::get(if n >= 3 { b } else { a }, &caller) > 0);
    }

    #[benchmark]
    fn swap_exact_out(n: Linear<2, { MAX_PATH_LENGTH }>) {
        let caller: T::AccountId = whitelisted_caller();
        endow::<T>(&caller);
        let a = issue_asset::<T>(&caller, 0);
        let b = issue_asset::<T>(&caller, 1);
        buy::<T>(&caller, a);
        let path = path_of(n, a, b);
        let out_asset = if n >= 3 { b } else { a };
        let before = AssetBalances::<T>::get(out_asset, &caller);
        // Large enough that every hop's input pays a protocol fee (a transfer to the fund).
        let amount_out = SUPPLY / 1_000;
        next_block::<T>();

        #[extrinsic_call]
        _(
            RawOrigin::Signed(caller.clone()),
            path,
            amount_out,
            u128::MAX,
            deadline::<T>(),
        );

        assert_eq!(
            AssetBalances::<T>::get(out_asset, &caller),
            before + amount_out
        );
    }

    impl_benchmark_test_suite!(SmartAssets, crate::mock::new_test_ext(), crate::mock::Test);
}
