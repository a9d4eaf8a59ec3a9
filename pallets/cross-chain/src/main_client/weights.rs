//! Weights of the light client of the main chain ([`crate::main_client`]).
//!
//! **Estimates, not measurements.** No subchain runtime includes the light client yet and it has
//! no benchmarks, so the `ref_time` and proof-size figures below are hand-derived, deliberately
//! on the high side, from the main-chain side's benchmarked figures for the same work
//! (`crate::weights::submit_headers_bft`: about 11.5 µs per header hashed and checked plus two
//! writes, about 54 µs per sr25519 pre-commit verified; a storage proof about 10 µs per node of
//! up to `MaxProofNodeSize` bytes, hashed and inserted) and the storage accesses counted below.
//! `h` is the number of headers, `p` of pre-commits, `n` of hand-off proof nodes (0 without a
//! hand-off), `v` of voters decoded from the hand-off proof (at most `MaxVoters`); each is
//! priced at its largest size. Replace them with `wcme-node benchmark pallet` output once a
//! subchain runtime includes the light client and benchmarks exist.

use core::marker::PhantomData;
use frame_support::{
    traits::Get,
    weights::{RuntimeDbWeight, Weight, constants::RocksDbWeight},
};

/// Weight functions needed by the light client of the main chain.
pub trait WeightInfo {
    /// Weight of `submit_main_headers` (estimate): `h` headers, a justification of `p`
    /// pre-commits and, when the submission hands off to the next round, a proof of `n` nodes
    /// and a new voter set of up to `v` voters.
    fn submit_main_headers(h: u32, p: u32, n: u32, v: u32) -> Weight;
    /// Weight of `force_checkpoint` (estimate) with up to `k` finalized headers removed and `v`
    /// voters written.
    fn force_checkpoint(k: u32, v: u32) -> Weight;
}

/// `ref_time` (picoseconds) and proof size (bytes), plus `reads` and `writes` priced by `db`.
fn cost(
    db: RuntimeDbWeight,
    (ref_time, proof_size): (u64, u64),
    reads: u64,
    writes: u64,
) -> Weight {
    Weight::from_parts(ref_time, proof_size)
        .saturating_add(db.reads(reads))
        .saturating_add(db.writes(writes))
}

/// `count` times `cost(db, parts, reads, writes)`.
fn per(db: RuntimeDbWeight, count: u32, parts: (u64, u64), reads: u64, writes: u64) -> Weight {
    cost(db, parts, reads, writes).saturating_mul(u64::from(count))
}

/// Storage: `MainClient::FinalizedHead` (r:1 w:1), `MainClient::Voters` (r:1 w:1 on a hand-off,
/// at most `MaxVoters` × 48 B), `MainClient::FinalizedHeaders` (w:2 per header: the new one and
/// the one leaving the history).
/// The ranges: `h` `[1, MaxHeadersPerSubmission]`, `p` `[1, MaxVoters]`, `n` `[0,
/// MaxProofNodes]`, `v` `[0, MaxVoters]`.
/// **Estimate** (see the module's documentation).
fn submit_main_headers(db: RuntimeDbWeight, h: u32, p: u32, n: u32, v: u32) -> Weight {
    cost(db, (60_000_000, 2_000), 2, 2)
        .saturating_add(per(db, h, (15_000_000, 100), 0, 2))
        .saturating_add(per(db, p, (60_000_000, 100), 0, 0))
        .saturating_add(per(db, n, (10_000_000, 0), 0, 0))
        .saturating_add(per(db, v, (1_000_000, 48), 0, 0))
}

/// Storage: `MainClient::FinalizedHead` (r:1 w:1), `MainClient::Voters` (w:1),
/// `MainClient::FinalizedHeaders` (w:`k`+1: the history cleared, the checkpoint written).
/// The ranges: `k` `[0, FinalizedHistory]`, `v` `[1, MaxVoters]`.
/// **Estimate** (see the module's documentation).
fn force_checkpoint(db: RuntimeDbWeight, k: u32, v: u32) -> Weight {
    cost(db, (30_000_000, 500), 1, 3)
        .saturating_add(per(db, k, (1_000_000, 0), 0, 1))
        .saturating_add(per(db, v, (1_000_000, 48), 0, 0))
}

/// The trait's functions, with database accesses priced by `$db`.
macro_rules! weight_info {
    ($db:expr) => {
        fn submit_main_headers(h: u32, p: u32, n: u32, v: u32) -> Weight {
            submit_main_headers($db, h, p, n, v)
        }
        fn force_checkpoint(k: u32, v: u32) -> Weight {
            force_checkpoint($db, k, v)
        }
    };
}

/// Weights using the runtime's configured database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
    weight_info!(T::DbWeight::get());
}

/// Weights for tests and runtimes that do not configure database weights: RocksDB figures.
impl WeightInfo for () {
    weight_info!(RocksDbWeight::get());
}
