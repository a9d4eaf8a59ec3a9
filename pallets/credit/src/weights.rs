//! Weights for `pallet-wcme-credit`.
//!
//! **Hand-derived, not benchmarked.** The figures below are deliberately generous upper bounds:
//! the storage each operation touches (counted item by item below), a fixed computation allowance
//! per operation, and a per-entry allowance for the work that walks an account's window (decode,
//! copy, prune, sum: at most `CreditWindow` entries of 8 bytes). `benchmarking.rs` (feature
//! `runtime-benchmarks`) measures the same operations in their worst case; replace these figures
//! with its output once the node's `benchmark` command can run pallet benchmarks.
//!
//! Proof sizes assume 32-byte account ids and allow 3 500 bytes of trie path per item touched,
//! which is above what Substrate's benchmarks report for maps of this depth.

use core::marker::PhantomData;
use frame_support::{
    traits::Get,
    weights::{RuntimeDbWeight, Weight, constants::RocksDbWeight},
};

/// Weight functions needed by `pallet-wcme-credit`. `w` is the configured `CreditWindow`.
pub trait WeightInfo {
    /// Weight of [`crate::Pallet::clear_red_card`].
    fn clear_red_card() -> Weight;
    /// Weight of [`crate::CreditRecorder::note_round_start`].
    fn note_round_start() -> Weight;
    /// Weight of [`crate::CreditRecorder::note_block_produced`] with a window of `w` rounds.
    fn note_block_produced(w: u32) -> Weight;
    /// Weight of [`crate::CreditRecorder::note_yellow_card`] with a window of `w` rounds
    /// (worst case: the card turns into a red card).
    fn note_yellow_card(w: u32) -> Weight;
    /// Weight of [`crate::CreditRecorder::note_red_card`].
    fn note_red_card() -> Weight;
    /// Weight of one [`crate::CreditProvider`] read with a window of `w` rounds.
    fn read_credit(w: u32) -> Weight;
    /// Fixed part of the stale-window sweep run in `on_idle`.
    fn sweep_base() -> Weight;
    /// One account visited by the sweep with a window of `w` rounds (worst case: it is removed).
    fn sweep_step(w: u32) -> Weight;
}

/// Computation allowance of any operation in picoseconds (20 µs), event included.
const BASE_REF_TIME: u64 = 20_000_000;
/// Computation allowance per entry of an account's window in picoseconds (500 ns): decoding,
/// copying, pruning and summing one 8-byte entry, with a wide margin.
const PER_ENTRY_REF_TIME: u64 = 500_000;
/// Proof allowance per storage item touched, in bytes: key, value up to a few bytes and the trie
/// path to it.
const PROOF_PER_ITEM: u64 = 3_500;
/// Encoded size of one entry of an account's window (`RoundRecord`: u32 + u16 + u16).
const ENTRY_BYTES: u64 = 8;

/// Weight of an operation touching `items` storage items (`reads` reads and `writes` writes
/// among them) and walking `entries` window entries.
fn weight(db: RuntimeDbWeight, reads: u64, writes: u64, items: u64, entries: u32) -> Weight {
    let entries = u64::from(entries);
    let ref_time = BASE_REF_TIME.saturating_add(PER_ENTRY_REF_TIME.saturating_mul(entries));
    let proof = PROOF_PER_ITEM
        .saturating_mul(items)
        .saturating_add(ENTRY_BYTES.saturating_mul(entries));
    Weight::from_parts(ref_time, proof)
        .saturating_add(db.reads(reads))
        .saturating_add(db.writes(writes))
}

/// Storage accessed by `clear_red_card`:
/// - `Credit::RedCards` (r:1 w:1)
fn clear_red_card(db: RuntimeDbWeight) -> Weight {
    weight(db, 1, 1, 1, 0)
}

/// Storage accessed by `note_round_start`:
/// - `Credit::CurrentRound` (r:1 w:1)
fn note_round_start(db: RuntimeDbWeight) -> Weight {
    weight(db, 1, 1, 1, 0)
}

/// Storage accessed by `note_block_produced`:
/// - `Credit::CurrentRound` (r:1 w:0)
/// - `Credit::RedCards` (r:1 w:0)
/// - `Credit::Activity` (r:1 w:1), up to `w` entries
fn note_block_produced(db: RuntimeDbWeight, w: u32) -> Weight {
    weight(db, 3, 1, 3, w)
}

/// Storage accessed by `note_yellow_card`, worst case (the card turns red):
/// - `Credit::CurrentRound` (r:1 w:0)
/// - `Credit::RedCards` (r:1 w:1)
/// - `Credit::Activity` (r:1 w:1), up to `w` entries, then removed
fn note_yellow_card(db: RuntimeDbWeight, w: u32) -> Weight {
    weight(db, 3, 2, 3, w)
}

/// Storage accessed by `note_red_card`:
/// - `Credit::CurrentRound` (r:1 w:0)
/// - `Credit::RedCards` (r:1 w:1)
/// - `Credit::Activity` (r:0 w:1), removed
fn note_red_card(db: RuntimeDbWeight) -> Weight {
    weight(db, 2, 2, 3, 0)
}

/// Storage accessed by a credit read:
/// - `Credit::CurrentRound` (r:1 w:0)
/// - `Credit::RedCards` (r:1 w:0)
/// - `Credit::Activity` (r:1 w:0), up to `w` entries
fn read_credit(db: RuntimeDbWeight, w: u32) -> Weight {
    weight(db, 3, 0, 3, w)
}

/// Storage accessed by the sweep's fixed part:
/// - `Credit::CurrentRound` (r:1 w:0)
/// - `Credit::SweepCursor` (r:1 w:1)
/// - `Credit::LastSweptRound` (r:1 w:1)
fn sweep_base(db: RuntimeDbWeight) -> Weight {
    weight(db, 3, 2, 3, 0)
}

/// Storage accessed per account visited by the sweep:
/// - the next key of `Credit::Activity` (r:1)
/// - `Credit::Activity` (r:1 w:1), up to `w` entries, removed when stale
fn sweep_step(db: RuntimeDbWeight, w: u32) -> Weight {
    weight(db, 2, 1, 2, w)
}

/// Weights using the runtime's configured database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
    fn clear_red_card() -> Weight {
        clear_red_card(T::DbWeight::get())
    }
    fn note_round_start() -> Weight {
        note_round_start(T::DbWeight::get())
    }
    fn note_block_produced(w: u32) -> Weight {
        note_block_produced(T::DbWeight::get(), w)
    }
    fn note_yellow_card(w: u32) -> Weight {
        note_yellow_card(T::DbWeight::get(), w)
    }
    fn note_red_card() -> Weight {
        note_red_card(T::DbWeight::get())
    }
    fn read_credit(w: u32) -> Weight {
        read_credit(T::DbWeight::get(), w)
    }
    fn sweep_base() -> Weight {
        sweep_base(T::DbWeight::get())
    }
    fn sweep_step(w: u32) -> Weight {
        sweep_step(T::DbWeight::get(), w)
    }
}

/// Weights for tests and runtimes that do not configure database weights: RocksDB figures.
impl WeightInfo for () {
    fn clear_red_card() -> Weight {
        clear_red_card(RocksDbWeight::get())
    }
    fn note_round_start() -> Weight {
        note_round_start(RocksDbWeight::get())
    }
    fn note_block_produced(w: u32) -> Weight {
        note_block_produced(RocksDbWeight::get(), w)
    }
    fn note_yellow_card(w: u32) -> Weight {
        note_yellow_card(RocksDbWeight::get(), w)
    }
    fn note_red_card() -> Weight {
        note_red_card(RocksDbWeight::get())
    }
    fn read_credit(w: u32) -> Weight {
        read_credit(RocksDbWeight::get(), w)
    }
    fn sweep_base() -> Weight {
        sweep_base(RocksDbWeight::get())
    }
    fn sweep_step(w: u32) -> Weight {
        sweep_step(RocksDbWeight::get(), w)
    }
}
