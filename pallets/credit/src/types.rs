//! The value types of the credit pallet: the 4-decimal [`Credit`], the per-round counters kept in
//! an account's window, and the red-card records.

use codec::{Decode, DecodeWithMemTracking, Encode, Input, MaxEncodedLen};
use core::fmt;
use scale_info::TypeInfo;
use sp_runtime::Perbill;

/// Index of a consensus round, as the POC pallet numbers them (round 0 is the genesis round).
pub type RoundIndex = u32;

/// An account's credit: a signed fixed-point number with exactly four decimals, always in
/// `[-1, 1]` (DESIGN §4: "credit in [-1, 1] … 4-decimal fixed point").
///
/// Stored as an integer count of `1 / 10_000` units, so `Credit::MAX` is `10_000` units (`1.0000`)
/// and `Credit::MIN` is `-10_000` units (`-1.0000`). An integer rather than `FixedI64` because:
///
/// - the DESIGN (and NULS, which rounds its `double` to 4 places) defines credit with *four*
///   decimals; `FixedI64` has nine, so every value would need a rounding convention on top and
///   equality between two nodes' results would depend on it;
/// - comparisons with a threshold and the range check are plain integer comparisons, and every
///   value is exact: `0.0001` is one unit, not a binary approximation;
/// - it encodes in 4 bytes, and [`Decode`] rejects anything outside `[-1, 1]`, so the range is an
///   invariant of the type, not only of the code that computes it.
///
/// For the coinbase weight `max(0, credit)` use [`Credit::reward_ratio`], which converts exactly
/// into a [`Perbill`].
#[derive(
    Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Encode, MaxEncodedLen, TypeInfo,
)]
pub struct Credit(i32);

impl Credit {
    /// Units per whole credit point: four decimals.
    pub const SCALE: i32 = 10_000;
    /// The lowest credit, `-1.0000`: where yellow cards turn into a red card, and where a
    /// red-carded account is held for ever.
    pub const MIN: Credit = Credit(-Self::SCALE);
    /// The highest credit, `1.0000`: a block in every round of the window and no yellow card.
    pub const MAX: Credit = Credit(Self::SCALE);
    /// Neutral credit, `0.0000`: an account with no activity in the window.
    pub const ZERO: Credit = Credit(0);

    /// The credit of `units` ten-thousandths, or `None` if that is outside `[-1, 1]`.
    pub const fn from_units(units: i32) -> Option<Credit> {
        if units < -Self::SCALE || units > Self::SCALE {
            None
        } else {
            Some(Credit(units))
        }
    }

    /// The credit of `units` ten-thousandths, clamped into `[-1, 1]`.
    ///
    /// `const`, so a runtime can write thresholds as constants, e.g.
    /// `Credit::saturating_from_units(5_000)` for `0.5`.
    pub const fn saturating_from_units(units: i64) -> Credit {
        if units < -(Self::SCALE as i64) {
            Self::MIN
        } else if units > Self::SCALE as i64 {
            Self::MAX
        } else {
            // In range, so the narrowing is lossless.
            Credit(units as i32)
        }
    }

    /// The credit in ten-thousandths, in `[-10_000, 10_000]`.
    pub const fn units(self) -> i32 {
        self.0
    }

    /// Whether the credit is below zero. DESIGN §4: negative credit earns no reward.
    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// `max(0, credit)` as a ratio, exactly (one unit is `100_000` parts per billion): the credit
    /// factor of the coinbase weight `w = (deposit + delegated) · max(0, credit)`.
    pub fn reward_ratio(self) -> Perbill {
        let units = u32::try_from(self.0).unwrap_or(0);
        Perbill::from_parts(units.saturating_mul(100_000))
    }
}

impl Decode for Credit {
    fn decode<I: Input>(input: &mut I) -> Result<Self, codec::Error> {
        let units = i32::decode(input)?;
        Credit::from_units(units).ok_or_else(|| "Credit: value outside [-1, 1]".into())
    }
}

// Decoding reads a fixed four bytes and allocates nothing.
impl DecodeWithMemTracking for Credit {}

/// Shown as a decimal with four places, e.g. `-0.0625`.
impl fmt::Display for Credit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let magnitude = self.0.unsigned_abs();
        let scale = Self::SCALE.unsigned_abs();
        let whole = magnitude.checked_div(scale).unwrap_or(0);
        let fraction = magnitude.checked_rem(scale).unwrap_or(0);
        write!(f, "{sign}{whole}.{fraction:04}")
    }
}

/// Same as [`fmt::Display`], so logs and test failures read as numbers.
impl fmt::Debug for Credit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Credit({self})")
    }
}

/// What one account did in one round: the blocks it produced and the yellow cards it received.
///
/// An account's window is a list of these, one per round with activity, sorted by round.
#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    Debug,
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
)]
pub struct RoundRecord {
    /// The round these counters belong to.
    pub round: RoundIndex,
    /// Blocks the account produced in the round (one slot per producer and round, so normally 0
    /// or 1; saturates at `u16::MAX`).
    pub produced: u16,
    /// Yellow cards the account received for the round (saturates at `u16::MAX`).
    pub yellow_cards: u16,
}

impl RoundRecord {
    /// An empty record for `round`.
    pub const fn new(round: RoundIndex) -> Self {
        RoundRecord {
            round,
            produced: 0,
            yellow_cards: 0,
        }
    }
}

/// Why an account received a red card (DESIGN §4, "Red card").
#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    Debug,
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
)]
pub enum RedCardReason {
    /// Yellow cards brought the account's credit down to `-1`.
    #[codec(index = 0)]
    CreditExhausted,
    /// Two different headers for the same slot signed by the same packing key.
    #[codec(index = 1)]
    Equivocation,
    /// Two conflicting finality pre-commits at one height signed by the same producer.
    #[codec(index = 2)]
    ConflictingVotes,
    /// A provably invalid block signed by the producer.
    #[codec(index = 3)]
    InvalidBlock,
}

/// A red card on record: permanent unless governance clears it.
#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    Debug,
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
)]
pub struct RedCardRecord {
    /// The round in which the card was issued.
    pub round: RoundIndex,
    /// Why it was issued.
    pub reason: RedCardReason,
}

/// What a yellow card did, as [`crate::CreditRecorder::note_yellow_card`] reports it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum YellowCardOutcome {
    /// The card was recorded; the account's credit is now `credit` (above `-1`). The POC pallet
    /// freezes the agent's deposit for 72 h.
    Warned {
        /// The account's credit after the card.
        credit: Credit,
    },
    /// The card was recorded and brought credit to `-1`: the account now holds a red card
    /// ([`RedCardReason::CreditExhausted`]). The POC pallet stops the agent and locks its deposit.
    RedCarded,
    /// The account already held a red card; nothing was recorded.
    AlreadyRedCarded,
}

impl YellowCardOutcome {
    /// Whether this card turned into a red card.
    pub const fn turned_red(&self) -> bool {
        matches!(self, YellowCardOutcome::RedCarded)
    }
}

/// An account's credit and the counts it comes from, for RPC and UIs.
#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    Debug,
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
)]
pub struct CreditBreakdown {
    /// Blocks produced in the window.
    pub produced: u32,
    /// Yellow cards received in the window.
    pub yellow_cards: u32,
    /// `floor(min(produced, window) · 10⁴ / window)` units, in `[0, 1]`.
    pub ability: Credit,
    /// `-floor(min(yellow_cards, window) · 10⁴ / window)` units, in `[-1, 0]`.
    pub responsibility: Credit,
    /// The credit: `ability + responsibility`, or `-1` with a red card.
    pub credit: Credit,
    /// Whether the account holds a red card.
    pub red_card: bool,
}
