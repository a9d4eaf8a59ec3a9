//! Weights for the subchain side of `pallet_wcme_cross_chain` ([`crate::subchain`]).
//!
//! **Estimates, not measurements.** `wcme-node benchmark pallet` runs the main runtime's
//! benchmarks only and the template subchain runtime (`runtime/subchain`, which includes the
//! pallet) has no benchmark wiring, so its benchmarks (`benchmarking.rs`, which run as tests on
//! the mock runtime) have never produced figures. The `ref_time` and proof-size figures below are
//! hand-derived, deliberately on the high side, from the main-chain side's figures
//! (`crate::weights`: a storage proof costs about 10 µs per node of up to `MaxProofNodeSize`
//! bytes, hashing and inserting it; a `pallet_balances` mint or burn about 50 µs) and the code's
//! storage accesses, counted below. `n` is the proof's node count; each node is priced at the
//! largest size allowed. Replace them with `wcme-node benchmark pallet` output once the subchain
//! runtime's benchmarks are wired into it.
//!
//! The reads of [`super::MainChainRoots`] count as one storage read each (a light client keeps
//! its verified roots in storage).
//!
//! The C3D calls' proof sizes are those of the template subchain runtime's bounds (100 C3Ns a
//! side, batches of 256): `C3ns` encodes to at most about 6.5 KB, `C3dChannel` to about 15 KB
//! (256 hashes and 200 attesters). Their `ref_time` counts the quorum check (each side's set
//! against the attesters, some 40,000 comparisons of 32 bytes with full sets) at its largest.

use core::marker::PhantomData;
use frame_support::{
    traits::Get,
    weights::{RuntimeDbWeight, Weight, constants::RocksDbWeight},
};

/// Weight functions needed by the subchain side of `pallet_wcme_cross_chain`.
pub trait WeightInfo {
    /// Weight of `receive_from_main` (estimate) with a proof of `n` nodes: the delivered path
    /// (proof, mint, receipt); an expired message does less.
    fn receive_from_main(n: u32) -> Weight;
    /// Weight of `transfer_to_main` (estimate): the burn and the queued message.
    fn transfer_to_main() -> Weight;
    /// Weight of `settle_outbound` (estimate) with a proof of `n` nodes: the refund path (proof,
    /// mint); a delivered receipt does less.
    fn settle_outbound(n: u32) -> Weight;
    /// Weight of `set_subchain_id` (estimate).
    fn set_subchain_id() -> Weight;
    /// Weight of `set_c3ns` (estimate) with `m` main-chain and `s` subchain C3Ns.
    fn set_c3ns(m: u32, s: u32) -> Weight;
    /// Weight of `broadcast_batch` (estimate) of `n` hashes, including their acceptance (when
    /// the broadcaster alone is a quorum).
    fn broadcast_batch(n: u32) -> Weight;
    /// Weight of `attest_batch` (estimate) accepting `n` messages (0: the batch is not accepted
    /// yet).
    fn attest_batch(n: u32) -> Weight;
    /// Weight of `sync_c3ns` (estimate) with a proof of `n` nodes and both sets in full.
    fn sync_c3ns(n: u32) -> Weight;
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

/// Per proof node: hashing and inserting a node of up to `MaxProofNodeSize` bytes, counted
/// 10 µs.
fn per_node(db: RuntimeDbWeight, n: u32) -> Weight {
    cost(db, (10_000_000, 0), 0, 0).saturating_mul(u64::from(n))
}

/// Storage: `OwnId` (r:1), the main-chain root (r:1), `NextInboundSeq` (r:1 w:1),
/// `AttestedMessages` (r:1 w:1), `Minted` (r:1 w:1), `Receipts` (w:1), `System::Account` or the
/// currency's account (r:1 w:1: the destination), the currency's total issuance (r:1 w:1).
/// The range of component `n` is `[1, MaxProofNodes]`.
/// **Estimate** (see the module's documentation).
fn receive_from_main(db: RuntimeDbWeight, n: u32) -> Weight {
    cost(db, (155_000_000, 1_600), 7, 6).saturating_add(per_node(db, n))
}

/// Storage: `OwnId` (r:1), `Minted` (r:1 w:1), `NextOutboundSeq` (r:1 w:1), `Outbound` (w:1),
/// the main-chain finalized number (r:1), the sender's account (r:1 w:1), the currency's total
/// issuance (r:1 w:1).
/// **Estimate** (see the module's documentation).
fn transfer_to_main(db: RuntimeDbWeight) -> Weight {
    cost(db, (120_000_000, 1_200), 6, 5)
}

/// Storage: `OwnId` (r:1), `Outbound` (r:1 w:1), the main-chain root (r:1), `Minted` (r:1 w:1),
/// the sender's account (r:1 w:1), the currency's total issuance (r:1 w:1).
/// The range of component `n` is `[1, MaxProofNodes]`.
/// **Estimate** (see the module's documentation).
fn settle_outbound(db: RuntimeDbWeight, n: u32) -> Weight {
    cost(db, (150_000_000, 1_200), 6, 4).saturating_add(per_node(db, n))
}

/// Storage: `OwnId` (r:1 w:1).
/// **Estimate** (see the module's documentation).
fn set_subchain_id(db: RuntimeDbWeight) -> Weight {
    cost(db, (20_000_000, 500), 1, 1)
}

/// Storage: `C3ns` (w:1).
/// The range of component `m` is `[MinMainC3ns, MaxC3ns]`, of `s` `[MinSubchainC3ns, MaxC3ns]`.
/// Per C3N: its account's encoding and the duplicate check (quadratic, 100 comparisons at most),
/// counted 1 µs.
/// **Estimate** (see the module's documentation).
fn set_c3ns(db: RuntimeDbWeight, m: u32, s: u32) -> Weight {
    cost(db, (20_000_000, 500), 0, 1)
        .saturating_add(cost(db, (1_000_000, 0), 0, 0).saturating_mul(u64::from(m)))
        .saturating_add(cost(db, (1_000_000, 0), 0, 0).saturating_mul(u64::from(s)))
}

/// Storage: `OwnId` (r:1), `C3ns` (r:1), `C3dChannel` (r:1 w:1), and when the broadcaster alone
/// is a quorum `NextInboundSeq` (r:1) and `AttestedMessages` (w:n).
/// The range of component `n` is `[1, MaxBatch]`. Per hash: its decoding, the batch digest's
/// hashing and its share of the channel's encoding, counted 1 µs.
/// **Estimate** (see the module's documentation).
fn broadcast_batch(db: RuntimeDbWeight, n: u32) -> Weight {
    cost(db, (60_000_000, 23_000), 4, 1)
        .saturating_add(cost(db, (1_000_000, 0), 0, 1).saturating_mul(u64::from(n)))
}

/// Storage: `C3ns` (r:1), `C3dChannel` (r:1 w:1), and on acceptance `NextInboundSeq` (r:1)
/// and `AttestedMessages` (w:n).
/// The range of component `n` is `[0, MaxBatch]`: the messages accepted. The base covers the
/// digest of a full batch and the quorum check with full sets.
/// **Estimate** (see the module's documentation).
fn attest_batch(db: RuntimeDbWeight, n: u32) -> Weight {
    cost(db, (300_000_000, 23_000), 3, 1)
        .saturating_add(cost(db, (1_000_000, 0), 0, 1).saturating_mul(u64::from(n)))
}

/// Storage: `OwnId` (r:1), the main-chain root (r:1), `C3nsSyncedAt` (r:1 w:1), `C3ns` (w:1).
/// The range of component `n` is `[1, MaxProofNodes]`: two keys read from one proof (each node
/// counted twice), then both sets decoded and checked for duplicates at their largest.
/// **Estimate** (see the module's documentation).
fn sync_c3ns(db: RuntimeDbWeight, n: u32) -> Weight {
    cost(db, (150_000_000, 7_000), 3, 2)
        .saturating_add(per_node(db, n))
        .saturating_add(per_node(db, n))
}

/// The trait's functions, with database accesses priced by `$db`.
macro_rules! weight_info {
    ($db:expr) => {
        fn receive_from_main(n: u32) -> Weight {
            receive_from_main($db, n)
        }
        fn transfer_to_main() -> Weight {
            transfer_to_main($db)
        }
        fn settle_outbound(n: u32) -> Weight {
            settle_outbound($db, n)
        }
        fn set_subchain_id() -> Weight {
            set_subchain_id($db)
        }
        fn set_c3ns(m: u32, s: u32) -> Weight {
            set_c3ns($db, m, s)
        }
        fn broadcast_batch(n: u32) -> Weight {
            broadcast_batch($db, n)
        }
        fn attest_batch(n: u32) -> Weight {
            attest_batch($db, n)
        }
        fn sync_c3ns(n: u32) -> Weight {
            sync_c3ns($db, n)
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
