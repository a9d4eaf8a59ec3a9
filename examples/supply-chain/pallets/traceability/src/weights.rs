//! Weights of `pallet_traceability`.
//!
//! **Hand-derived until the example node runs `benchmark pallet`.** The benchmarks in
//! `benchmarking.rs` exist and run as tests on the mock runtime, but no runtime runs them yet;
//! once the supply-chain node is built with its runtime's benchmarks and runs them
//! (`supply-chain-node benchmark pallet --pallet pallet_traceability`), its output replaces
//! this file. Until then each weight is:
//!
//! - **database accesses**, counted from the code of each call and priced with the runtime's
//!   `T::DbWeight` ([`SubstrateWeight`]) or RocksDB's figures (`()`):
//!   - `register_product`: `Products` (r:1 w:1), `ProductsByCustodian` (r:0 w:1);
//!   - `transfer_custody`: `Products` (r:1 w:1), `History` (r:1 w:1: its length, then an
//!     append), `ProductsByCustodian` (r:0 w:2: one removal, one insertion);
//!   - `record_checkpoint`: `Products` (r:1 w:0), `History` (r:1 w:1);
//!   - `retire`: `Products` (r:1 w:1), `ProductsByCustodian` (r:0 w:1);
//! - **computation** (`ref_time`): a base of [`BASE_REF_TIME`] (20 µs) per call for the origin
//!   check, the checks, the event and encoding the written items — generous against FRAME's
//!   benchmarked figures for calls of this shape (a `pallet-sudo` `set_key` is ~15 µs) — plus
//!   [`REF_TIME_PER_RECORD`] (1 µs) per record already in the history for the calls that append
//!   to it (the host copies the stored history to append to it);
//! - **proof size**: per item read, [`TRIE_PATH_BYTES`] of trie nodes (FRAME's 2.5 kB allowance
//!   for a map entry), its key, and the item's largest encoding. The history is charged for the
//!   records it already has (`h`).
//!
//! The dispatchables charge the worst case, `h = MaxHistory - 1`, and refund down to the
//! history's actual length after the call.

use core::marker::PhantomData;
use frame_support::{
    traits::Get,
    weights::{RuntimeDbWeight, Weight, constants::RocksDbWeight},
};

/// Weight functions needed by `pallet_traceability`.
pub trait WeightInfo {
    /// Weight of `register_product`.
    fn register_product() -> Weight;
    /// Weight of `transfer_custody` on a history of `h` records.
    fn transfer_custody(h: u32) -> Weight;
    /// Weight of `record_checkpoint` on a history of `h` records.
    fn record_checkpoint(h: u32) -> Weight;
    /// Weight of `retire`.
    fn retire() -> Weight;
}

/// Computation allowed to every call, in picoseconds: 20 µs.
pub const BASE_REF_TIME: u64 = 20_000_000;
/// Computation allowed per history record already stored, in picoseconds: 1 µs.
pub const REF_TIME_PER_RECORD: u64 = 1_000_000;
/// Proof bytes allowed for the trie nodes above one map entry.
pub const TRIE_PATH_BYTES: u64 = 2_500;
/// Bytes of a map key of this pallet: 32 of pallet and item prefixes, 16 of Blake2-128 and the
/// 32-byte product id.
pub const KEY_BYTES: u64 = 80;

/// Largest encodings, in bytes, of the items the calls read.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Sizes {
    /// A [`crate::ProductInfoOf`].
    pub product: u64,
    /// One [`crate::RecordOf`].
    pub record: u64,
}

impl Sizes {
    /// The sizes under the suggested runtime configuration (32-byte accounts, `u32` block
    /// numbers, `MaxNameLength` = `MaxLocationLength` = 64, `MaxNoteLength` = 128), used by the
    /// `()` weights.
    pub const SUGGESTED: Sizes = Sizes {
        // 32 + 32 + (2 + 64) + (2 + 64) + 4 + (1 + 4)
        product: 205,
        // 1 + 32 + 32 + 4 + (2 + 64) + (2 + 128)
        record: 265,
    };

    /// The sizes under runtime `T`'s configuration.
    pub fn of<T: crate::Config>() -> Sizes {
        use codec::MaxEncodedLen;
        let len = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
        Sizes {
            product: len(crate::ProductInfoOf::<T>::max_encoded_len()),
            record: len(crate::RecordOf::<T>::max_encoded_len()),
        }
    }

    /// Proof bytes of reading the product.
    fn product_read(self) -> u64 {
        TRIE_PATH_BYTES
            .saturating_add(KEY_BYTES)
            .saturating_add(self.product)
    }

    /// Proof bytes of reading a history of `h` records (with its length prefix).
    fn history_read(self, h: u32) -> u64 {
        TRIE_PATH_BYTES
            .saturating_add(KEY_BYTES)
            .saturating_add(5)
            .saturating_add(self.record.saturating_mul(u64::from(h)))
    }
}

/// `ref_time` and proof size, plus `reads` and `writes` priced by `db`.
fn cost(db: RuntimeDbWeight, ref_time: u64, proof: u64, reads: u64, writes: u64) -> Weight {
    Weight::from_parts(ref_time, proof).saturating_add(db.reads_writes(reads, writes))
}

/// `ref_time` of a call that appends to a history of `h` records.
fn appending(h: u32) -> u64 {
    REF_TIME_PER_RECORD
        .saturating_mul(u64::from(h))
        .saturating_add(BASE_REF_TIME)
}

/// `Products` (r:1 w:1), `ProductsByCustodian` (r:0 w:1).
fn register_product(db: RuntimeDbWeight, sizes: Sizes) -> Weight {
    cost(db, BASE_REF_TIME, sizes.product_read(), 1, 2)
}

/// `Products` (r:1 w:1), `History` (r:1 w:1), `ProductsByCustodian` (r:0 w:2).
fn transfer_custody(db: RuntimeDbWeight, sizes: Sizes, h: u32) -> Weight {
    let proof = sizes.product_read().saturating_add(sizes.history_read(h));
    cost(db, appending(h), proof, 2, 4)
}

/// `Products` (r:1 w:0), `History` (r:1 w:1).
fn record_checkpoint(db: RuntimeDbWeight, sizes: Sizes, h: u32) -> Weight {
    let proof = sizes.product_read().saturating_add(sizes.history_read(h));
    cost(db, appending(h), proof, 2, 1)
}

/// `Products` (r:1 w:1), `ProductsByCustodian` (r:0 w:1).
fn retire(db: RuntimeDbWeight, sizes: Sizes) -> Weight {
    cost(db, BASE_REF_TIME, sizes.product_read(), 1, 2)
}

/// The trait's functions, with database accesses priced by `$db` and item sizes `$sizes`.
macro_rules! weight_info {
    ($db:expr, $sizes:expr) => {
        fn register_product() -> Weight {
            register_product($db, $sizes)
        }
        fn transfer_custody(h: u32) -> Weight {
            transfer_custody($db, $sizes, h)
        }
        fn record_checkpoint(h: u32) -> Weight {
            record_checkpoint($db, $sizes, h)
        }
        fn retire() -> Weight {
            retire($db, $sizes)
        }
    };
}

/// Weights on runtime `T`: its `DbWeight` and the largest encodings under its bounds.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: crate::Config> WeightInfo for SubstrateWeight<T> {
    weight_info!(T::DbWeight::get(), Sizes::of::<T>());
}

/// Weights for tests and runtimes that do not configure database weights: RocksDB figures and
/// the item sizes of the suggested configuration ([`Sizes::SUGGESTED`]).
impl WeightInfo for () {
    weight_info!(RocksDbWeight::get(), Sizes::SUGGESTED);
}
