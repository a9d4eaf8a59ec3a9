//! Weights of the chain-config pallet.
//!
//! **Hand-derived, not benchmarked.** `set_validators(n)` reads and writes two storage values
//! (`ChainConfig::Validators`, `ChainConfig::CurrentSetId`), priced with the runtime's
//! `DbWeight`, plus a computation allowance: 20 µs for the origin check, the event and the
//! writes' encoding, and 2 µs per key for the checks (well-formedness, one scheme, no
//! duplicates after sorting a copy) — generous against FRAME's benchmarked figures for calls of
//! this shape (a `pallet-sudo` `set_key` is ~15 µs). Proof size allows 3 500 bytes of trie path
//! per value read plus the stored set itself (34 bytes per key). Replace with the output of a
//! `frame-benchmarking` benchmark once a fork benchmarks its runtime.

use core::marker::PhantomData;
use frame_support::{
    traits::Get,
    weights::{RuntimeDbWeight, Weight, constants::RocksDbWeight},
};

/// Weight functions needed by the chain-config pallet.
pub trait WeightInfo {
    /// Weight of `set_validators` with `n` keys.
    fn set_validators(n: u32) -> Weight;
}

/// One microsecond of computation in weight `ref_time` units (picoseconds).
const MICROS: u64 = 1_000_000;
/// Proof allowance per storage value read, in bytes.
const PROOF_PER_READ: u64 = 3_500;
/// Largest encoded validator key, in bytes (the SM2 variant: index + 33).
const KEY_BYTES: u64 = 34;

/// `set_validators(n)`: `Validators` (r:1 w:1), `CurrentSetId` (r:1 w:1).
fn set_validators(db: RuntimeDbWeight, n: u32) -> Weight {
    let n = u64::from(n);
    Weight::from_parts(
        n.saturating_mul(2)
            .saturating_add(20)
            .saturating_mul(MICROS),
        n.saturating_mul(KEY_BYTES)
            .saturating_add(2u64.saturating_mul(PROOF_PER_READ)),
    )
    .saturating_add(db.reads(2))
    .saturating_add(db.writes(2))
}

/// The weights on a runtime, with its `DbWeight`.
pub struct SubstrateWeight<T>(PhantomData<T>);

impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
    fn set_validators(n: u32) -> Weight {
        set_validators(T::DbWeight::get(), n)
    }
}

/// The weights with RocksDB's database costs, for tests.
impl WeightInfo for () {
    fn set_validators(n: u32) -> Weight {
        set_validators(RocksDbWeight::get(), n)
    }
}
