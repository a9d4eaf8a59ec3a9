//! The credit window and the credit formula as pure functions, without storage, so they can be
//! tested and reasoned about on their own.
//!
//! The window ending at round `current` holds the `window` rounds `current - window + 1 ..=
//! current` (fewer near genesis). DESIGN §4:
//!
//! ```text
//! ability        =  blocks produced in window / window        in [0, 1]
//! responsibility = -yellow cards in window   / window        in [-1, 0]
//! credit         =  ability + responsibility                  in [-1, 1]
//! ```
//!
//! **Rounding.** Each part is computed in ten-thousandths with integer arithmetic and rounded
//! toward zero (`floor` of its magnitude), and the credit is their sum. Rounding toward zero means
//! neither part ever claims more than the account earned: a producer is never credited a fraction
//! of a block it did not produce, and never charged a fraction of a card it did not get. For the
//! default window of 100 rounds (and any window dividing 10 000) nothing is rounded at all.
//!
//! **Caps.** Each count is capped at `window` before dividing, so each part stays in its range
//! whatever the counts are (NULS caps the yellow-card count the same way, at 100). With one slot
//! per producer and round, `produced ≤ window` holds anyway.
//!
//! **Reaching −1.** Credit is `-1` exactly when the window holds no produced block and at least
//! `window` yellow cards, so rounding never makes an account reach `-1` early. Proof, for
//! `1 ≤ window ≤ 10 000`: ability is at least 0 and responsibility at least `-1`, so their sum is
//! `-1` only if ability is 0 (no block: one block is worth `⌊10⁴/window⌋ ≥ 1` unit) and
//! responsibility is `-1` (a capped count of `window - 1` or less is worth at most
//! `10⁴ - 10⁴/window ≤ 10⁴ - 1` units). A property test checks the same equivalence.

use crate::types::{Credit, RoundIndex, RoundRecord};
use frame_support::{BoundedVec, traits::Get};

/// The largest supported window: above 10 000 rounds a single block would be worth less than one
/// ten-thousandth of credit and could vanish in rounding.
pub const MAX_CREDIT_WINDOW: u32 = 10_000;

/// What happened to an account in a round.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mark {
    /// It produced a block.
    Produced,
    /// It received a yellow card.
    YellowCard,
}

/// Why a mark could not be recorded.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum WindowError {
    /// The round is after the current round.
    FutureRound,
    /// The round is before the window's first round: it would never count.
    OutsideWindow,
    /// The record cannot take another round. Unreachable while the bound is at least `window`.
    Full,
}

/// Blocks and yellow cards counted over a window.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub struct WindowCounts {
    /// Blocks produced in the window.
    pub produced: u32,
    /// Yellow cards received in the window.
    pub yellow_cards: u32,
}

/// The first round of the window that ends at `current`.
pub fn window_start(current: RoundIndex, window: u32) -> RoundIndex {
    current.saturating_sub(window.saturating_sub(1))
}

/// Whether `round` lies in the window that ends at `current`.
pub fn contains(round: RoundIndex, current: RoundIndex, window: u32) -> bool {
    round <= current && round >= window_start(current, window)
}

/// Checks that a mark for `round` can be recorded while the current round is `current`.
pub fn check_round(round: RoundIndex, current: RoundIndex, window: u32) -> Result<(), WindowError> {
    if round > current {
        return Err(WindowError::FutureRound);
    }
    if round < window_start(current, window) {
        return Err(WindowError::OutsideWindow);
    }
    Ok(())
}

/// Sums the records that lie in the window ending at `current`; older (or later) ones are ignored.
pub fn counts(records: &[RoundRecord], current: RoundIndex, window: u32) -> WindowCounts {
    records
        .iter()
        .filter(|record| contains(record.round, current, window))
        .fold(WindowCounts::default(), |sum, record| WindowCounts {
            produced: sum.produced.saturating_add(u32::from(record.produced)),
            yellow_cards: sum
                .yellow_cards
                .saturating_add(u32::from(record.yellow_cards)),
        })
}

/// `floor(min(count, window) · 10 000 / window)`, in `[0, 10 000]`; zero for an empty window.
fn share_units(count: u32, window: u32) -> i64 {
    let capped = u64::from(count.min(window));
    let units = capped
        .saturating_mul(Credit::SCALE.unsigned_abs().into())
        .checked_div(u64::from(window))
        .unwrap_or(0);
    i64::try_from(units).unwrap_or(i64::MAX)
}

/// `ability = blocks produced in window / window`, rounded down to four decimals, in `[0, 1]`.
pub fn ability(produced: u32, window: u32) -> Credit {
    Credit::saturating_from_units(share_units(produced, window))
}

/// `responsibility = -yellow cards in window / window`, rounded toward zero to four decimals, in
/// `[-1, 0]`.
pub fn responsibility(yellow_cards: u32, window: u32) -> Credit {
    Credit::saturating_from_units(share_units(yellow_cards, window).saturating_neg())
}

/// `credit = ability + responsibility`, clamped into `[-1, 1]` (the parts' ranges already keep
/// it there; the clamp is a second guard).
pub fn credit(counts: WindowCounts, window: u32) -> Credit {
    let ability = i64::from(ability(counts.produced, window).units());
    let responsibility = i64::from(responsibility(counts.yellow_cards, window).units());
    Credit::saturating_from_units(ability.saturating_add(responsibility))
}

/// Records `mark` for `round` in an account's `records`, dropping every round that has left the
/// window ending at `current`.
///
/// `records` is kept sorted by round with at most one entry per round, so after this call it holds
/// at most `window` entries. On error `records` is unchanged.
pub fn record<S: Get<u32>>(
    records: &mut BoundedVec<RoundRecord, S>,
    mark: Mark,
    round: RoundIndex,
    current: RoundIndex,
    window: u32,
) -> Result<(), WindowError> {
    check_round(round, current, window)?;
    let start = window_start(current, window);
    // Work on a copy so that `records` is untouched if the mark cannot be recorded.
    let mut updated = records.clone();
    // Rounds before the window never count again: dropping them is what keeps the list bounded.
    updated.retain(|record| record.round >= start);
    match updated.binary_search_by_key(&round, |record| record.round) {
        Ok(index) => {
            let entry = updated.get_mut(index).ok_or(WindowError::Full)?;
            bump(entry, mark);
        }
        Err(index) => {
            let mut entry = RoundRecord::new(round);
            bump(&mut entry, mark);
            updated
                .try_insert(index, entry)
                .map_err(|_| WindowError::Full)?;
        }
    }
    *records = updated;
    Ok(())
}

/// Adds `mark` to one round's counters, saturating.
fn bump(record: &mut RoundRecord, mark: Mark) {
    match mark {
        Mark::Produced => record.produced = record.produced.saturating_add(1),
        Mark::YellowCard => record.yellow_cards = record.yellow_cards.saturating_add(1),
    }
}

/// Whether none of `records` counts any longer in the window ending at `current`: such a list is
/// equivalent to no list at all and may be deleted.
pub fn is_stale(records: &[RoundRecord], current: RoundIndex, window: u32) -> bool {
    !records
        .iter()
        .any(|record| contains(record.round, current, window))
}
