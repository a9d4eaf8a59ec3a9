//! Consensus engines for WCME nodes.
//!
//! A [`ConsensusEngine`] decides who may author a block in a slot, seals the blocks this node
//! authors, verifies the seal and slot of imported headers, and says when a block is final. The
//! node's authoring and import pipelines only talk to this trait, so an engine is swapped without
//! touching them: the single-authority [`DevEngine`] runs `--dev` chains; the
//! [`ScheduledEngine`] runs Proof-of-Credit, Aura and PBFT (each a [`Flavour`] over a runtime
//! [`SlotSchedule`]); the `PowEngine` mines.
//!
//! Time comes through the [`Clock`] trait so tests can drive slots deterministically.

mod dev;
pub mod equivocation;
pub mod finality;
mod pow;
mod scheduled;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sp_runtime::ConsensusEngineId;
use wcme_primitives::{DigestItem, Hash, Header};

pub use dev::{DEV_ENGINE_ID, DevEngine};
pub use equivocation::{EquivocationSink, SealWatch};
pub use pow::{PowEngine, PowParams};
pub use scheduled::{Flavour, ScheduledEngine, SlotSchedule};
pub use wcme_consensus_primitives::poc::DigestError;

/// Wall-clock time in milliseconds since the Unix epoch.
pub trait Clock: Send + Sync + 'static {
    /// Now.
    fn now_millis(&self) -> u64;
}

/// The operating system's clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_millis(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
            .unwrap_or(0)
    }
}

/// A slot this node may author in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlotClaim {
    /// The slot number.
    pub slot: u64,
    /// Pre-runtime digest items the block must carry (slot, author).
    pub pre_digest: Vec<DigestItem>,
}

/// An imported header whose consensus data checked out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedHeader {
    /// The header without its seal: what the runtime executes.
    pub pre_header: Header,
    /// The seal that was removed.
    pub seal: DigestItem,
    /// The header's slot.
    pub slot: u64,
}

/// Why a header's consensus data is not acceptable.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConsensusError {
    /// The header has no seal of this engine as its last digest item.
    #[error("header {0:?} carries no {1} seal")]
    MissingSeal(Hash, &'static str),
    /// The seal is not a valid signature of the slot's author.
    #[error("bad seal on header {0:?}")]
    BadSeal(Hash),
    /// The header has no (or a malformed) pre-runtime slot digest.
    #[error("header {0:?} has no valid slot digest")]
    MissingSlot(Hash),
    /// The slot does not advance past the parent's.
    #[error("slot {slot} of header {hash:?} is not after its parent's slot {parent_slot}")]
    SlotNotIncreasing {
        /// The header.
        hash: Hash,
        /// Its slot.
        slot: u64,
        /// The parent's slot.
        parent_slot: u64,
    },
    /// The slot lies in the future.
    #[error("slot {slot} of header {hash:?} is in the future (now: slot {now_slot})")]
    FutureSlot {
        /// The header.
        hash: Hash,
        /// Its slot.
        slot: u64,
        /// The current slot.
        now_slot: u64,
    },
    /// This node has no key to seal with.
    #[error("no signing key for {0}")]
    NoSigningKey(&'static str),
    /// The engine's digest items are missing, duplicated or malformed.
    #[error("header {0:?} has bad consensus digests: {1:?}")]
    BadDigest(Hash, DigestError),
    /// The runtime schedules nobody for the header's slot.
    #[error("nobody may author slot {slot} of header {hash:?}")]
    NoSlotOwner {
        /// The header.
        hash: Hash,
        /// Its slot.
        slot: u64,
    },
    /// The header claims a round or producer position the runtime does not schedule.
    #[error(
        "header {hash:?} claims round {} position {} for slot {slot}, the schedule says round {} position {}",
        claimed.0, claimed.1, scheduled.0, scheduled.1
    )]
    WrongAuthor {
        /// The header.
        hash: Hash,
        /// Its slot.
        slot: u64,
        /// Round and producer index in the header's digest.
        claimed: (u32, u32),
        /// Round and producer index the runtime schedules.
        scheduled: (u32, u32),
    },
    /// The runtime's schedule could not be read at the parent block.
    #[error("cannot read the slot schedule at {parent:?}: {reason}")]
    Schedule {
        /// The parent block whose state was asked.
        parent: Hash,
        /// What went wrong.
        reason: String,
    },
    /// The proof-of-work digest items are missing, duplicated or malformed (PoW has its own
    /// digest formats, hence its own error type).
    #[error("header {0:?} has bad proof-of-work digests: {1:?}")]
    BadPowDigest(Hash, wcme_consensus_primitives::pow::DigestError),
    /// The header was mined at another difficulty than its parent dictates.
    #[error("header {hash:?} claims difficulty {claimed}, its parent dictates {expected}")]
    WrongDifficulty {
        /// The header.
        hash: Hash,
        /// The difficulty in the header's pre-digest.
        claimed: u128,
        /// The difficulty computed from the parent.
        expected: u128,
    },
    /// The header's nonce does not meet its difficulty.
    #[error("the proof of work of header {0:?} does not meet its difficulty")]
    InsufficientWork(Hash),
    /// Mining found no nonce meeting the difficulty before the header's slot ended; the miner
    /// should build on the best block again in a later slot.
    #[error("no proof of work found for header {hash:?} before slot {slot} ended")]
    NoProofOfWork {
        /// The pre-header that was mined.
        hash: Hash,
        /// Its slot.
        slot: u64,
    },
}

/// A slot more than this far ahead of the local clock is rejected (clock drift allowance).
const MAX_FUTURE_SLOTS: u64 = 1;

/// The slot rules every slot-based engine shares: a header's `slot` must come after its
/// parent's (genesis has none) and at most [`MAX_FUTURE_SLOTS`] after `now_slot`.
fn check_slot(
    hash: Hash,
    slot: u64,
    parent_slot: Option<u64>,
    now_slot: u64,
) -> Result<(), ConsensusError> {
    if let Some(parent_slot) = parent_slot
        && slot <= parent_slot
    {
        return Err(ConsensusError::SlotNotIncreasing {
            hash,
            slot,
            parent_slot,
        });
    }
    if slot > now_slot.saturating_add(MAX_FUTURE_SLOTS) {
        return Err(ConsensusError::FutureSlot {
            hash,
            slot,
            now_slot,
        });
    }
    Ok(())
}

/// A consensus engine: slot ownership, sealing, verification and finality.
pub trait ConsensusEngine: Send + Sync + 'static {
    /// Human-readable engine name (`dev`, `poc`, …).
    fn name(&self) -> &'static str;
    /// The engine id in digest items.
    fn engine_id(&self) -> ConsensusEngineId;
    /// Length of a slot: the target block time.
    fn slot_duration(&self) -> Duration;
    /// The slot at `now_millis`.
    fn slot_at(&self, now_millis: u64) -> u64 {
        let duration = u64::try_from(self.slot_duration().as_millis())
            .unwrap_or(u64::MAX)
            .max(1);
        now_millis / duration
    }
    /// The timestamp (ms) a block authored in `slot` carries.
    fn slot_timestamp(&self, slot: u64) -> u64 {
        let duration = u64::try_from(self.slot_duration().as_millis()).unwrap_or(u64::MAX);
        slot.saturating_mul(duration)
    }
    /// Whether this node may author on `parent` in `slot`; if so, the pre-runtime digest.
    fn claim_slot(&self, parent: &Header, slot: u64) -> Option<SlotClaim>;
    /// Adds the seal to a header this node built after claiming its slot.
    fn seal(&self, header: Header) -> Result<Header, ConsensusError>;
    /// Checks an imported header's slot and seal against its parent. `now_millis` bounds how
    /// far in the future a slot may be.
    fn verify(
        &self,
        header: &Header,
        parent: &Header,
        now_millis: u64,
    ) -> Result<VerifiedHeader, ConsensusError>;
    /// Whether a block is final as soon as it is imported (single authority).
    fn instant_finality(&self) -> bool;
    /// For probabilistic finality (proof of work): a best block makes its ancestor this many
    /// blocks below it final. `None` when finality comes otherwise (on import, or by votes).
    fn finality_depth(&self) -> Option<u32> {
        None
    }
    /// Whether this node may only author on a final parent (PBFT: one height is decided
    /// before the next is proposed, so the chain never forks).
    fn authors_on_final_only(&self) -> bool {
        false
    }
    /// Whether `candidate` should replace `best`, a block of the same height, as the best block.
    /// Longer chains always win; this only breaks ties. PBFT prefers the proposal of the earlier
    /// slot, so that nodes which saw two proposals for one height in different orders converge
    /// on the same one and their votes do not stay split.
    fn prefers_at_same_height(&self, _candidate: &Header, _best: &Header) -> bool {
        false
    }
}
