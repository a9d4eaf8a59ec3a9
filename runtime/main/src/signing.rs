//! Building signed extrinsics natively: what a wallet does, for the node's benchmarks, tests and
//! tools. Wallets such as @polkadot/api build the same bytes from the metadata.
//!
//! The node's `benchmark` subcommands take their workloads from here: [`signed_transfer`] for
//! `benchmark transfers`, [`swap_setup`] and [`signed_swap`] for `benchmark swaps`, and
//! [`check_block_events`] to make sure every measured extrinsic really dispatched.

use alloc::{string::String, vec, vec::Vec};
use codec::Encode;
use pallet_wcme_smart_assets::AssetId;
use sp_core::sr25519;
use sp_runtime::generic::Era;

use crate::{
    AccountId, Address, Balance, BalancesCall, BlockNumber, Hash, Nonce, Runtime, RuntimeCall,
    RuntimeEvent, SmartAssetsCall, TxExtension, UncheckedExtrinsic, VERSION, WCME,
};

/// The transaction extensions for a transaction with `nonce`, valid for `era`, paying `tip`.
pub fn tx_extension(nonce: Nonce, era: Era, tip: Balance) -> TxExtension {
    wcme_runtime_common::tx_extension::<Runtime>(nonce, era, tip)
}

/// Signs `call` by `signer` with `nonce` as an immortal transaction of the chain with `genesis`
/// (needs no externalities; see [`wcme_runtime_common::sign`]).
pub fn sign(
    signer: &sr25519::Pair,
    call: RuntimeCall,
    nonce: Nonce,
    genesis: Hash,
) -> UncheckedExtrinsic {
    wcme_runtime_common::sign::<Runtime>(signer, call, nonce, genesis, &VERSION)
}

/// The encoded `Balances::transfer_keep_alive(to, amount)` signed by `signer`.
pub fn signed_transfer(
    signer: &sr25519::Pair,
    to: &AccountId,
    amount: Balance,
    nonce: Nonce,
    genesis: Hash,
) -> Vec<u8> {
    let call = RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
        dest: Address::Id(to.clone()),
        value: amount,
    });
    sign(signer, call, nonce, genesis).encode()
}

/// The encoded `Subchains::top_up(id, amount)` signed by `payer`: what `subchain top-up` sends.
pub fn signed_top_up(
    payer: &sr25519::Pair,
    id: u32,
    amount: Balance,
    nonce: Nonce,
    genesis: Hash,
) -> Vec<u8> {
    let call = RuntimeCall::Subchains(pallet_wcme_subchains::Call::top_up { id, amount });
    sign(payer, call, nonce, genesis).encode()
}

/// The smart asset every benchmark swap buys or sells: the first asset a fresh chain issues, which
/// [`swap_setup`] issues first.
pub const BENCH_ASSET_A: AssetId = 1;
/// The asset 2-hop benchmark swaps buy (`A → WCME → B`), issued second by [`swap_setup`].
pub const BENCH_ASSET_B: AssetId = 2;
/// What one benchmark swap pays in: 1 WCME on the 1-hop path `[WCME, A]`, one whole unit of `A`
/// (12 decimals, like WCME) on the 2-hop path `[A, WCME, B]`.
pub const BENCH_SWAP_AMOUNT: Balance = WCME;
/// WCME collateral, and asset supply (a price of 1 WCME per unit), of each benchmark pool:
/// 100,000,000 WCME, so that 100,000 swaps of [`BENCH_SWAP_AMOUNT`] move its price by 0.2 %.
pub const BENCH_POOL_RESERVE: Balance = 100_000_000 * WCME;

/// The path of a benchmark swap with `hops` hops: `[WCME, A]` for 1, `[A, WCME, B]` for 2 (or
/// more; longer paths do not exist).
pub fn swap_path(hops: u32) -> Vec<AssetId> {
    if hops >= 2 {
        vec![BENCH_ASSET_A, pallet_wcme_smart_assets::WCME, BENCH_ASSET_B]
    } else {
        vec![pallet_wcme_smart_assets::WCME, BENCH_ASSET_A]
    }
}

/// The encoded `SmartAssets::swap_exact_in` of a benchmark swap with `hops` hops (see
/// [`swap_path`]) of [`BENCH_SWAP_AMOUNT`], any output above zero accepted, no deadline, signed by
/// `trader`.
pub fn signed_swap(trader: &sr25519::Pair, hops: u32, nonce: Nonce, genesis: Hash) -> Vec<u8> {
    let call = RuntimeCall::SmartAssets(SmartAssetsCall::swap_exact_in {
        path: swap_path(hops),
        amount_in: BENCH_SWAP_AMOUNT,
        min_out: 1,
        deadline: BlockNumber::MAX,
    });
    sign(trader, call, nonce, genesis).encode()
}

/// What `benchmark swaps` runs before its measured swaps, signed by `funder` from nonce 0 (it
/// needs `2 × BENCH_POOL_RESERVE` WCME plus what buying the traders' `A` costs): issue
/// [`BENCH_ASSET_A`] (and for 2 hops [`BENCH_ASSET_B`]) with [`BENCH_POOL_RESERVE`] collateral
/// and supply; for 2 hops also buy the `A` the traders will sell (`swaps_per_trader` ×
/// [`BENCH_SWAP_AMOUNT`] each) and transfer it to each of `traders`.
pub fn swap_setup(
    funder: &sr25519::Pair,
    traders: &[AccountId],
    swaps_per_trader: u32,
    hops: u32,
    genesis: Hash,
) -> Vec<Vec<u8>> {
    let mut nonce: Nonce = 0;
    let mut signed = |call: SmartAssetsCall<Runtime>| {
        let bytes = sign(funder, RuntimeCall::SmartAssets(call), nonce, genesis).encode();
        nonce = nonce.saturating_add(1);
        bytes
    };
    let issue = |symbol: &[u8]| SmartAssetsCall::issue {
        symbol: symbol.to_vec(),
        decimals: 12,
        supply: BENCH_POOL_RESERVE,
        wcme_collateral: BENCH_POOL_RESERVE,
    };
    let mut setup = vec![signed(issue(b"BENCHA"))];
    if hops < 2 {
        return setup;
    }
    setup.push(signed(issue(b"BENCHB")));
    let per_trader = BENCH_SWAP_AMOUNT.saturating_mul(Balance::from(swaps_per_trader));
    let total = per_trader.saturating_mul(Balance::try_from(traders.len()).unwrap_or(Balance::MAX));
    setup.push(signed(SmartAssetsCall::swap_exact_out {
        path: vec![pallet_wcme_smart_assets::WCME, BENCH_ASSET_A],
        amount_out: total,
        max_in: Balance::MAX,
        deadline: BlockNumber::MAX,
    }));
    for trader in traders {
        setup.push(signed(SmartAssetsCall::transfer {
            asset: BENCH_ASSET_A,
            to: Address::Id(trader.clone()),
            amount: per_trader,
        }));
    }
    setup
}

/// Checks the `System::Events` of a block: `Err` describing the first extrinsic that failed to
/// dispatch (`System::ExtrinsicFailed`), or the events do not decode.
pub fn check_block_events(events: &[u8]) -> Result<(), String> {
    wcme_runtime_common::check_block_events::<Runtime, RuntimeEvent>(events)
}

/// What the extrinsic at `index` of a block did, from the block's `System::Events`: its events,
/// or its dispatch error by name (`Contracts::ContractReverted`).
pub fn extrinsic_outcome(events: &[u8], index: u32) -> Result<Vec<String>, String> {
    wcme_runtime_common::extrinsic_outcome::<Runtime, RuntimeEvent>(
        events,
        index,
        &Runtime::metadata_ir(),
    )
}
