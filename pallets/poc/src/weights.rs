//! Weights for `pallet-wcme-poc`.
//!
//! **Hand-derived, not benchmarked.** Each figure is a deliberately generous upper bound: the
//! storage items the operation reads and writes (listed above each function and priced with the
//! runtime's `DbWeight`), a fixed computation allowance, and per-item allowances for the parts
//! that loop (delegators refunded, agents snapshotted, producers ordered). `benchmarking.rs`
//! (feature `runtime-benchmarks`) measures every call in its worst case; replace these figures
//! with its output once the node's `benchmark pallet` command can run pallet benchmarks.
//!
//! Calls into the credit pallet are **not** included here: the pallet adds the
//! `CreditProvider::read_weight` / `CreditRecorder::*_weight` bounds the configured credit
//! pallet reports. A balance hold, release or mint touches one account (plus the hold list of
//! pallet-balances, stored with it) and is counted as one read and one write, with 60 µs of
//! computation (pallet-balances' benchmarked transfers cost ~40 µs).
//!
//! Proof sizes allow 3 500 bytes of trie path and value per item read, above what Substrate's
//! benchmarks report for maps of this depth with these value sizes (an agent record is ~190 B).

use core::marker::PhantomData;
use frame_support::{
    traits::Get,
    weights::{RuntimeDbWeight, Weight, constants::RocksDbWeight},
};

/// Weight functions needed by `pallet-wcme-poc`.
pub trait WeightInfo {
    /// Weight of [`crate::Pallet::register_agent`].
    fn register_agent() -> Weight;
    /// Weight of [`crate::Pallet::delegate`].
    fn delegate() -> Weight;
    /// Weight of [`crate::Pallet::undelegate`].
    fn undelegate() -> Weight;
    /// Weight of [`crate::Pallet::stop_agent`] refunding `d` delegators.
    fn stop_agent(d: u32) -> Weight;
    /// Weight of [`crate::Pallet::withdraw_unlocked`] settling `a` of the caller's delegations.
    fn withdraw_unlocked(a: u32) -> Weight;
    /// Weight of [`crate::Pallet::report_equivocation`] refunding `d` delegators.
    fn report_equivocation(d: u32) -> Weight;
    /// `on_initialize` of a block without a POC pre-digest.
    fn on_initialize_idle() -> Weight;
    /// `on_initialize` of a POC block that starts no round and cards nobody.
    fn on_initialize_block() -> Weight;
    /// Extra `on_initialize` work of a block that starts a round with `a` registered agents:
    /// scheduling up to four rounds' orders and the membership snapshot.
    fn round_change(a: u32) -> Weight;
    /// Looking up the owner of one missed slot and recording its yellow card (without the
    /// credit pallet's part).
    fn yellow_card() -> Weight;
    /// Stopping a red-carded agent with `d` delegators from a hook.
    fn red_card_stop(d: u32) -> Weight;
    /// `on_finalize` of a POC block: the coinbase.
    fn on_finalize_coinbase() -> Weight;
}

/// One microsecond of computation in weight `ref_time` units (picoseconds).
const MICROS: u64 = 1_000_000;
/// Proof allowance per storage item read, in bytes.
const PROOF_PER_READ: u64 = 3_500;
/// Computation allowance of one balance hold, release or mint, in µs.
const BALANCE_OP_MICROS: u64 = 60;

/// `micros` of computation plus `reads` and `writes` priced by `db`, and the proof allowance of
/// the items read.
fn weight(db: RuntimeDbWeight, micros: u64, reads: u64, writes: u64) -> Weight {
    Weight::from_parts(
        micros.saturating_mul(MICROS),
        reads.saturating_mul(PROOF_PER_READ),
    )
    .saturating_add(db.reads(reads))
    .saturating_add(db.writes(writes))
}

/// Refunding one delegator: `Delegations` and `DelegatorAgents` (r:1 w:1 each), one release and
/// one mint of its pending reward on its account (r:1 w:1, two balance operations).
fn per_delegator(db: RuntimeDbWeight) -> Weight {
    weight(db, 2 * BALANCE_OP_MICROS + 20, 3, 3)
}

/// `register_agent`: reads `Agents`, `PackingKeyOwner`, `AgentCount`, the account (hold); writes
/// those four. Plus the event and the checks.
fn register_agent(db: RuntimeDbWeight) -> Weight {
    weight(db, BALANCE_OP_MICROS + 60, 4, 4)
}

/// `delegate`: reads `Agents`, `Delegations`, the delegator's account (hold, reward mint);
/// writes `Agents`, `Delegations`, `DelegatorAgents`, the account.
fn delegate(db: RuntimeDbWeight) -> Weight {
    weight(db, 2 * BALANCE_OP_MICROS + 60, 4, 4)
}

/// `undelegate`: as `delegate`, with a release instead of a hold.
fn undelegate(db: RuntimeDbWeight) -> Weight {
    weight(db, 2 * BALANCE_OP_MICROS + 60, 4, 4)
}

/// `stop_agent`: reads and writes `Agents`; iterates `Delegations` of the agent, `d` entries.
fn stop_agent(db: RuntimeDbWeight, d: u32) -> Weight {
    weight(db, 60, 2, 1).saturating_add(per_delegator(db).saturating_mul(u64::from(d)))
}

/// `withdraw_unlocked`: reads `Agents`, the account (release), `AgentCount`; writes them; then
/// iterates the caller's `DelegatorAgents`, `a` entries, each reading the agent and the
/// delegation, writing the delegation and minting (one account write).
fn withdraw_unlocked(db: RuntimeDbWeight, a: u32) -> Weight {
    let per_agent = weight(db, BALANCE_OP_MICROS + 20, 4, 2);
    weight(db, BALANCE_OP_MICROS + 60, 4, 3).saturating_add(per_agent.saturating_mul(u64::from(a)))
}

/// `report_equivocation`: verifies two sr25519 signatures and hashes two headers (allow 400 µs),
/// reads `PackingKeyOwner`, `Agents`; writes `Agents`; then refunds `d` delegators.
fn report_equivocation(db: RuntimeDbWeight, d: u32) -> Weight {
    weight(db, 400, 2, 1).saturating_add(per_delegator(db).saturating_mul(u64::from(d)))
}

/// `on_initialize` without a POC pre-digest: reads the digest.
fn on_initialize_idle(db: RuntimeDbWeight) -> Weight {
    weight(db, 10, 1, 0)
}

/// `on_initialize` of a POC block: reads the digest, `CurrentRound` (up to `MaxAgents`
/// producers), `NextProducers`, `Randomness`, `LastSlot`, `SlotDuration`, the parent hash;
/// writes `Randomness`, `LastSlot`, `CurrentAuthor`.
fn on_initialize_block(db: RuntimeDbWeight) -> Weight {
    weight(db, 80, 7, 3)
}

/// A round change with `a` registered agents: reads every agent (`Agents`, `a` entries) for the
/// snapshot, orders up to four rounds of up to `a` producers (a hash each, allow 5 µs per
/// producer and round) and writes `CurrentRound`, `NextProducers` and `Randomness`.
fn round_change(db: RuntimeDbWeight, a: u32) -> Weight {
    let a = u64::from(a);
    weight(db, 100u64.saturating_add(a.saturating_mul(25)), 2, 3)
        .saturating_add(db.reads(a))
        .saturating_add(Weight::from_parts(0, a.saturating_mul(PROOF_PER_READ)))
}

/// One yellow card: reads and writes the carded agent in `Agents`.
fn yellow_card(db: RuntimeDbWeight) -> Weight {
    weight(db, 30, 1, 1)
}

/// A red card's stop from a hook: as `stop_agent`.
fn red_card_stop(db: RuntimeDbWeight, d: u32) -> Weight {
    stop_agent(db, d)
}

/// `on_finalize` of a POC block: reads `CurrentAuthor`, `BlockFees`, `CurrentRound`,
/// `SlotDuration`, `Agents`; writes `Agents` (accumulator), kills `CurrentAuthor` and
/// `BlockFees`; mints into the reward account (one balance operation) and checks total
/// issuance.
fn on_finalize_coinbase(db: RuntimeDbWeight) -> Weight {
    weight(db, BALANCE_OP_MICROS + 60, 7, 5)
}

/// Weights using the runtime's configured database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
    fn register_agent() -> Weight {
        register_agent(T::DbWeight::get())
    }
    fn delegate() -> Weight {
        delegate(T::DbWeight::get())
    }
    fn undelegate() -> Weight {
        undelegate(T::DbWeight::get())
    }
    fn stop_agent(d: u32) -> Weight {
        stop_agent(T::DbWeight::get(), d)
    }
    fn withdraw_unlocked(a: u32) -> Weight {
        withdraw_unlocked(T::DbWeight::get(), a)
    }
    fn report_equivocation(d: u32) -> Weight {
        report_equivocation(T::DbWeight::get(), d)
    }
    fn on_initialize_idle() -> Weight {
        on_initialize_idle(T::DbWeight::get())
    }
    fn on_initialize_block() -> Weight {
        on_initialize_block(T::DbWeight::get())
    }
    fn round_change(a: u32) -> Weight {
        round_change(T::DbWeight::get(), a)
    }
    fn yellow_card() -> Weight {
        yellow_card(T::DbWeight::get())
    }
    fn red_card_stop(d: u32) -> Weight {
        red_card_stop(T::DbWeight::get(), d)
    }
    fn on_finalize_coinbase() -> Weight {
        on_finalize_coinbase(T::DbWeight::get())
    }
}

/// Weights for tests and runtimes that do not configure database weights: RocksDB figures.
impl WeightInfo for () {
    fn register_agent() -> Weight {
        register_agent(RocksDbWeight::get())
    }
    fn delegate() -> Weight {
        delegate(RocksDbWeight::get())
    }
    fn undelegate() -> Weight {
        undelegate(RocksDbWeight::get())
    }
    fn stop_agent(d: u32) -> Weight {
        stop_agent(RocksDbWeight::get(), d)
    }
    fn withdraw_unlocked(a: u32) -> Weight {
        withdraw_unlocked(RocksDbWeight::get(), a)
    }
    fn report_equivocation(d: u32) -> Weight {
        report_equivocation(RocksDbWeight::get(), d)
    }
    fn on_initialize_idle() -> Weight {
        on_initialize_idle(RocksDbWeight::get())
    }
    fn on_initialize_block() -> Weight {
        on_initialize_block(RocksDbWeight::get())
    }
    fn round_change(a: u32) -> Weight {
        round_change(RocksDbWeight::get(), a)
    }
    fn yellow_card() -> Weight {
        yellow_card(RocksDbWeight::get())
    }
    fn red_card_stop(d: u32) -> Weight {
        red_card_stop(RocksDbWeight::get(), d)
    }
    fn on_finalize_coinbase() -> Weight {
        on_finalize_coinbase(RocksDbWeight::get())
    }
}
