//! Weights for `pallet-wcme-reserve`.
//!
//! Not benchmarked: `frame-benchmarking` is not yet a dependency of the workspace. The figures
//! below are deliberately generous upper bounds built from the storage `release` touches plus a
//! fixed computation allowance, so the call can never be under-charged. Replace them with
//! benchmark output once benchmarking is wired in.

use core::marker::PhantomData;
use frame_support::{
    traits::Get,
    weights::{Weight, constants::RocksDbWeight},
};

/// Weight functions needed by `pallet-wcme-reserve`.
pub trait WeightInfo {
    /// Weight of [`crate::Pallet::release`].
    fn release() -> Weight;
}

/// Computation allowance of `release` in picoseconds (50 µs), about the cost of a balance
/// transfer's logic with a safety margin.
const RELEASE_REF_TIME: u64 = 50_000_000;
/// Proof size allowance of `release` in bytes: `Reserve::Frozen` (~64 B), `Balances::Freezes`
/// (~80 B), `Balances::Locks` (~1.3 KiB at `MaxLocks` 50) and `System::Account` (128 B), each
/// with its Merkle path, rounded up.
const RELEASE_PROOF_SIZE: u64 = 10_000;

/// Storage accessed by `release`:
/// - `Reserve::Frozen` (r:1 w:1)
/// - `Balances::Freezes` (r:1 w:1)
/// - `Balances::Locks` (r:1 w:0), read when the frozen total is recomputed
/// - `System::Account` (r:1 w:1)
fn release_weight(db: frame_support::weights::RuntimeDbWeight) -> Weight {
    Weight::from_parts(RELEASE_REF_TIME, RELEASE_PROOF_SIZE)
        .saturating_add(db.reads(4))
        .saturating_add(db.writes(3))
}

/// Weights using the runtime's configured database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
    fn release() -> Weight {
        release_weight(T::DbWeight::get())
    }
}

/// Weights for tests and runtimes that do not configure database weights: RocksDB figures.
impl WeightInfo for () {
    fn release() -> Weight {
        release_weight(RocksDbWeight::get())
    }
}
