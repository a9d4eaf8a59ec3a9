//! Weights for `pallet-wcme-smart-assets`.
//!
//! **Hand-derived, not benchmarked.** `benchmarking.rs` has a benchmark for every call, but
//! running benchmarks needs node support (`wcme-node benchmark pallet`) that does not exist yet.
//! Until it does, each weight below is a deliberately generous upper bound: the storage items the
//! call reads and writes (listed above each function, priced with the runtime's `DbWeight`), plus
//! a computation allowance (`ref_time`) and a proof-size allowance per item read. The allowances
//! are several times what comparable benchmarked FRAME calls cost (a `pallet-balances` transfer is
//! ~40 µs of computation; a `pallet-asset-conversion` swap hop ~60 µs), so no call is
//! under-charged. Replace this file with benchmark output once the node can run benchmarks.

use core::marker::PhantomData;
use frame_support::{
    traits::Get,
    weights::{RuntimeDbWeight, Weight, constants::RocksDbWeight},
};

use crate::types::MAX_PATH_LENGTH;

/// Weight functions needed by `pallet-wcme-smart-assets`.
pub trait WeightInfo {
    /// Weight of [`crate::Pallet::issue`].
    fn issue() -> Weight;
    /// Weight of [`crate::Pallet::register_iou`].
    fn register_iou() -> Weight;
    /// Weight of [`crate::Pallet::mint_iou`].
    fn mint_iou() -> Weight;
    /// Weight of [`crate::Pallet::burn_iou`].
    fn burn_iou() -> Weight;
    /// Weight of [`crate::Pallet::transfer`].
    fn transfer() -> Weight;
    /// Weight of [`crate::Pallet::create_pool`].
    fn create_pool() -> Weight;
    /// Weight of [`crate::Pallet::add_liquidity`].
    fn add_liquidity() -> Weight;
    /// Weight of [`crate::Pallet::remove_liquidity`].
    fn remove_liquidity() -> Weight;
    /// Weight of [`crate::Pallet::swap_exact_in`] along a path of `n` assets (2 or 3).
    fn swap_exact_in(n: u32) -> Weight;
    /// Weight of [`crate::Pallet::swap_exact_out`] along a path of `n` assets (2 or 3).
    fn swap_exact_out(n: u32) -> Weight;
}

/// Proof-size allowance per storage item read, in bytes: the largest value here (an asset record
/// with a 16-byte symbol, ~110 B; a pool, ~140 B; an account, 128 B) plus its Merkle path in a
/// large trie (~1.5 KiB), rounded up.
const PROOF_PER_READ: u64 = 3_000;

/// One microsecond of computation in weight `ref_time` units (picoseconds).
const MICROS: u64 = 1_000_000;

/// Computation allowance plus `reads` and `writes` priced by `db`, and the proof allowance of the
/// items read.
fn weight(db: RuntimeDbWeight, ref_time_micros: u64, reads: u64, writes: u64) -> Weight {
    Weight::from_parts(
        ref_time_micros.saturating_mul(MICROS),
        reads.saturating_mul(PROOF_PER_READ),
    )
    .saturating_add(db.reads(reads))
    .saturating_add(db.writes(writes))
}

/// Hops of a swap along a path of `n` assets, clamped to the valid range 1..=2 (longer paths are
/// refused before any work, so charging the longest valid path is an upper bound).
fn hops(n: u32) -> u64 {
    u64::from(n.clamp(2, MAX_PATH_LENGTH).saturating_sub(1))
}

/// `issue`: reads `SymbolIndex`, `NextAssetId`, `System::Account` (issuer, pallet account);
/// writes those four plus `Assets`, `Pools`, `Shares`. The subchain hook is a read too.
fn issue(db: RuntimeDbWeight) -> Weight {
    weight(db, 120, 5, 7)
}

/// `register_iou`: reads `SymbolIndex`, `NextAssetId`; writes those and `Assets`. The subchain
/// hook is a read too.
fn register_iou(db: RuntimeDbWeight) -> Weight {
    weight(db, 50, 3, 3)
}

/// `mint_iou` / `burn_iou`: reads and writes `Assets` and one `AssetBalances` entry.
fn mint_or_burn(db: RuntimeDbWeight) -> Weight {
    weight(db, 40, 2, 2)
}

/// `transfer`: reads `Assets` and two `AssetBalances` entries; writes the two balances.
fn transfer(db: RuntimeDbWeight) -> Weight {
    weight(db, 40, 3, 2)
}

/// `create_pool`: reads `Assets`, `Pools`; writes `Pools`.
fn create_pool(db: RuntimeDbWeight) -> Weight {
    weight(db, 40, 2, 1)
}

/// `add_liquidity` / `remove_liquidity`: reads `Assets`, `Pools`, `Shares`, `AssetBalances`,
/// `System::Account` (provider, pallet account); writes all but `Assets`.
fn liquidity(db: RuntimeDbWeight) -> Weight {
    weight(db, 120, 6, 5)
}

/// A swap over `hops` pools: per hop `Assets`, `Pools` and the ecosystem fund's balance (read and
/// written) and the pool (written); once the trader's input and output balances and the pallet
/// account (read and written), and the ecosystem fund's account id (read: a runtime may keep it
/// in storage).
fn swap(db: RuntimeDbWeight, hops: u64) -> Weight {
    let per_hop = weight(db, 80, 3, 2);
    weight(db, 80, 4, 3).saturating_add(per_hop.saturating_mul(hops))
}

/// Weights using the runtime's configured database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
    fn issue() -> Weight {
        issue(T::DbWeight::get())
    }
    fn register_iou() -> Weight {
        register_iou(T::DbWeight::get())
    }
    fn mint_iou() -> Weight {
        mint_or_burn(T::DbWeight::get())
    }
    fn burn_iou() -> Weight {
        mint_or_burn(T::DbWeight::get())
    }
    fn transfer() -> Weight {
        transfer(T::DbWeight::get())
    }
    fn create_pool() -> Weight {
        create_pool(T::DbWeight::get())
    }
    fn add_liquidity() -> Weight {
        liquidity(T::DbWeight::get())
    }
    fn remove_liquidity() -> Weight {
        liquidity(T::DbWeight::get())
    }
    fn swap_exact_in(n: u32) -> Weight {
        swap(T::DbWeight::get(), hops(n))
    }
    fn swap_exact_out(n: u32) -> Weight {
        swap(T::DbWeight::get(), hops(n))
    }
}

/// Weights for tests and runtimes that do not configure database weights: RocksDB figures.
impl WeightInfo for () {
    fn issue() -> Weight {
        issue(RocksDbWeight::get())
    }
    fn register_iou() -> Weight {
        register_iou(RocksDbWeight::get())
    }
    fn mint_iou() -> Weight {
        mint_or_burn(RocksDbWeight::get())
    }
    fn burn_iou() -> Weight {
        mint_or_burn(RocksDbWeight::get())
    }
    fn transfer() -> Weight {
        transfer(RocksDbWeight::get())
    }
    fn create_pool() -> Weight {
        create_pool(RocksDbWeight::get())
    }
    fn add_liquidity() -> Weight {
        liquidity(RocksDbWeight::get())
    }
    fn remove_liquidity() -> Weight {
        liquidity(RocksDbWeight::get())
    }
    fn swap_exact_in(n: u32) -> Weight {
        swap(RocksDbWeight::get(), hops(n))
    }
    fn swap_exact_out(n: u32) -> Weight {
        swap(RocksDbWeight::get(), hops(n))
    }
}
