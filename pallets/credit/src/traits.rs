//! The traits other pallets use instead of touching this pallet's storage: [`CreditProvider`] to
//! read credit (POC registration, round membership, coinbase), [`CreditRecorder`] for the POC
//! pallet to report what happened in each round.
//!
//! Both are implemented by [`crate::Pallet`] and, as neutral doubles, by `()`: every account has
//! credit zero and no red card, and every note is accepted and forgotten.

use crate::types::{Credit, RedCardReason, RoundIndex, YellowCardOutcome};
use frame_support::weights::Weight;
use sp_runtime::{DispatchError, DispatchResult};

/// Read access to accounts' credit.
pub trait CreditProvider<AccountId> {
    /// `who`'s credit now: `ability + responsibility` over the last `CreditWindow` rounds
    /// including the current one, in `[-1, 1]`; `-1` for ever once `who` holds a red card.
    ///
    /// The value moves within a round as blocks and cards are noted; a caller that needs one
    /// value per round (round membership, the coinbase weights) reads it once when it fixes the
    /// round and keeps it.
    fn credit(who: &AccountId) -> Credit;

    /// Whether `who` holds a red card. DESIGN §4: such an account can never register again.
    fn has_red_card(who: &AccountId) -> bool;

    /// Whether `who` may join consensus at entry threshold `threshold`: no red card and
    /// `credit(who) >= threshold`. A red-carded account is never eligible, whatever the threshold.
    fn is_eligible(who: &AccountId, threshold: Credit) -> bool {
        !Self::has_red_card(who) && Self::credit(who) >= threshold
    }

    /// Upper bound of the weight of any one of the reads above, for callers to charge.
    fn read_weight() -> Weight;
}

/// What the POC pallet reports so that credit follows DESIGN §4. Every method validates its input
/// before writing anything; on error nothing has changed.
pub trait CreditRecorder<AccountId> {
    /// Round `round` has started. Rounds are noted in increasing order (gaps allowed: skipped
    /// rounds simply hold no activity); noting the current round again does nothing. Rounds that
    /// fall out of the window stop counting from here on.
    ///
    /// Fails if `round` is before the current round.
    fn note_round_start(round: RoundIndex) -> DispatchResult;

    /// `who` produced a block in `round` (the current round, or an earlier one still in the
    /// window). Raises its ability by `1 / CreditWindow`. Does nothing for a red-carded account.
    ///
    /// Fails if `round` is after the current round or has left the window.
    fn note_block_produced(who: &AccountId, round: RoundIndex) -> DispatchResult;

    /// `who` missed its slot in `round` (the current round or an earlier one still in the
    /// window): one yellow card, lowering its responsibility by `1 / CreditWindow`. If that brings
    /// its credit to `-1`, the card turns into a red card ([`RedCardReason::CreditExhausted`]).
    /// Does nothing for an account that already holds a red card. The outcome tells the caller
    /// which of these happened (freeze the deposit for 72 h, or stop the agent).
    ///
    /// Fails if `round` is after the current round or has left the window.
    fn note_yellow_card(
        who: &AccountId,
        round: RoundIndex,
    ) -> Result<YellowCardOutcome, DispatchError>;

    /// `who` is proven to have misbehaved: a red card, issued in the current round. Permanent:
    /// its credit is `-1` and it is never eligible again (only governance can clear it).
    ///
    /// Fails if `who` already holds a red card, so one offence is never punished twice.
    fn note_red_card(who: &AccountId, reason: RedCardReason) -> DispatchResult;

    /// Upper bound of the weight of [`CreditRecorder::note_round_start`].
    fn note_round_start_weight() -> Weight;
    /// Upper bound of the weight of [`CreditRecorder::note_block_produced`].
    fn note_block_produced_weight() -> Weight;
    /// Upper bound of the weight of [`CreditRecorder::note_yellow_card`].
    fn note_yellow_card_weight() -> Weight;
    /// Upper bound of the weight of [`CreditRecorder::note_red_card`].
    fn note_red_card_weight() -> Weight;
}

/// No credit tracking: every account has credit zero and no red card.
impl<AccountId> CreditProvider<AccountId> for () {
    fn credit(_who: &AccountId) -> Credit {
        Credit::ZERO
    }

    fn has_red_card(_who: &AccountId) -> bool {
        false
    }

    fn read_weight() -> Weight {
        Weight::zero()
    }
}

/// No credit tracking: every note is accepted and forgotten; yellow cards never turn red.
impl<AccountId> CreditRecorder<AccountId> for () {
    fn note_round_start(_round: RoundIndex) -> DispatchResult {
        Ok(())
    }

    fn note_block_produced(_who: &AccountId, _round: RoundIndex) -> DispatchResult {
        Ok(())
    }

    fn note_yellow_card(
        _who: &AccountId,
        _round: RoundIndex,
    ) -> Result<YellowCardOutcome, DispatchError> {
        Ok(YellowCardOutcome::Warned {
            credit: Credit::ZERO,
        })
    }

    fn note_red_card(_who: &AccountId, _reason: RedCardReason) -> DispatchResult {
        Ok(())
    }

    fn note_round_start_weight() -> Weight {
        Weight::zero()
    }

    fn note_block_produced_weight() -> Weight {
        Weight::zero()
    }

    fn note_yellow_card_weight() -> Weight {
        Weight::zero()
    }

    fn note_red_card_weight() -> Weight {
        Weight::zero()
    }
}
