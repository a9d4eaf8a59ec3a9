//! # WCME credit pallet
//!
//! Keeps the **credit** of Proof-of-Credit (DESIGN §4): for every account the POC pallet reports
//! on, the blocks it produced and the yellow cards it received over the last
//! [`Config::CreditWindow`] rounds, and the red cards that bar an account for ever. It has no
//! consensus logic of its own and (except a governance escape hatch) no extrinsics: the POC pallet
//! drives it through [`CreditRecorder`] and reads it, like any other pallet, through
//! [`CreditProvider`], never through its storage.
//!
//! Which DESIGN §4 rule each piece implements:
//!
//! - *"Credit in [-1, 1] … 4-decimal fixed point"*: the [`Credit`] type, an integer count of
//!   ten-thousandths whose decoding rejects anything outside `[-1, 1]`.
//! - *"ability = blocks produced in window / CreditWindow, responsibility = −yellow cards in window
//!   / CreditWindow, credit = ability + responsibility"*: [`window::credit`], integer-only, each part
//!   rounded toward zero and capped to its range (the rounding rule and why it never makes an
//!   account reach `-1` early are in [`window`]). The window is the current round and the
//!   `CreditWindow - 1` before it; [`CreditRecorder::note_round_start`] moves it.
//! - *"Storage stays bounded (window rolls)"*: [`Activity`] keeps per account one
//!   [`RoundRecord`] per round with activity, at most `CreditWindow` of them, and drops rounds
//!   that left the window whenever it is written; accounts with no activity left in the window are
//!   deleted by a weight-bounded sweep in `on_idle`, once per round.
//! - *"Negative credit earns no reward"*: [`Credit::reward_ratio`] is `max(0, credit)` as a
//!   `Perbill`, the credit factor of the coinbase weight.
//! - *"Yellow card … each card lowers credit"* and *"credit reaching −1 through yellow cards turns
//!   into a red card"*: [`CreditRecorder::note_yellow_card`], whose [`YellowCardOutcome`] tells the
//!   POC pallet whether to freeze the agent's deposit for 72 h or to stop it.
//! - *"Red card: … proven misbehaviour; the account can never register again"* and *"an account
//!   with a red card is held below the threshold for ever"*: [`CreditRecorder::note_red_card`] and
//!   [`RedCards`]; a red-carded account's credit is `-1` and [`CreditProvider::is_eligible`] is
//!   false for it at any threshold.
//! - Not this pallet's job: freezing or locking deposits, stopping agents, verifying evidence,
//!   the entry threshold itself. Those belong to the POC pallet, which learns what it needs from
//!   the trait results and this pallet's events.
//!
//! Red cards are permanent by design. [`Pallet::clear_red_card`], gated by
//! [`Config::ClearRedCardOrigin`], exists only so that governance can undo a card issued by a
//! software fault; a runtime that wants them irrevocable sets that origin to `EnsureNever`.
//!
//! ## Weights
//!
//! `benchmarking.rs` benchmarks each [`WeightInfo`] function; [`weights::SubstrateWeight`] is
//! their output on the main runtime (`wcme-node benchmark pallet`, see the header of `weights.rs`).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

pub mod traits;
pub mod types;
pub mod weights;
pub mod window;

pub use traits::{CreditProvider, CreditRecorder};
pub use types::{
    Credit, CreditBreakdown, RedCardReason, RedCardRecord, RoundIndex, RoundRecord,
    YellowCardOutcome,
};
pub use weights::WeightInfo;
pub use window::MAX_CREDIT_WINDOW;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

#[frame_support::pallet]
pub mod pallet {
    use super::WeightInfo;
    use crate::{
        traits::{CreditProvider, CreditRecorder},
        types::{
            Credit, CreditBreakdown, RedCardReason, RedCardRecord, RoundIndex, RoundRecord,
            YellowCardOutcome,
        },
        window::{self, Mark, WindowCounts, WindowError},
    };
    use frame_support::{pallet_prelude::*, traits::EnsureOrigin};
    use frame_system::pallet_prelude::*;
    use sp_runtime::traits::StaticLookup;

    /// The source an account id is looked up from in calls (`MultiAddress` on WCME runtimes).
    pub type AccountIdLookupOf<T> = <<T as frame_system::Config>::Lookup as StaticLookup>::Source;

    /// One account's activity in the window: at most `CreditWindow` rounds, sorted by round.
    pub type ActivityOf<T> = BoundedVec<RoundRecord, <T as Config>::CreditWindow>;

    /// The pallet: credit, yellow cards and red cards of POC accounts.
    #[pallet::pallet]
    pub struct Pallet<T>(_);

    /// Configuration of the credit pallet.
    #[pallet::config]
    pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
        /// How many rounds credit looks back over, the current one included (NULS: 100). Between
        /// 1 and [`crate::MAX_CREDIT_WINDOW`]; checked by `integrity_test`.
        ///
        /// It also bounds each account's [`Activity`]: lowering it on a live chain needs a
        /// migration that trims the stored lists (a list longer than the new bound no longer
        /// decodes and would read as no activity).
        #[pallet::constant]
        type CreditWindow: Get<u32>;

        /// Who may clear a red card (root while the chain has sudo, a council later; `EnsureNever`
        /// to make red cards irrevocable).
        type ClearRedCardOrigin: EnsureOrigin<Self::RuntimeOrigin>;

        /// Weights of this pallet's calls, trait methods and hooks.
        type WeightInfo: WeightInfo;
    }

    /// The current round, as last noted by [`CreditRecorder::note_round_start`]. The credit
    /// window ends here. Round 0 (the default) is the genesis round.
    #[pallet::storage]
    pub type CurrentRound<T: Config> = StorageValue<_, RoundIndex, ValueQuery>;

    /// Per account, the rounds in which it produced blocks or received yellow cards, sorted by
    /// round, one entry per round, at most `CreditWindow` entries.
    ///
    /// Entries for rounds that left the window are ignored when credit is read, dropped when the
    /// account is next written, and an account whose entries have all left the window is removed
    /// by the `on_idle` sweep. Absent for red-carded accounts (their credit is fixed at `-1`).
    #[pallet::storage]
    pub type Activity<T: Config> =
        StorageMap<_, Blake2_128Concat, T::AccountId, ActivityOf<T>, OptionQuery>;

    /// Accounts holding a red card, with the round it was issued in and why. Entries are never
    /// removed except by [`Pallet::clear_red_card`]; the map grows only with red cards, each of
    /// which costs an agent its place and its deposit's liquidity.
    #[pallet::storage]
    pub type RedCards<T: Config> =
        StorageMap<_, Blake2_128Concat, T::AccountId, RedCardRecord, OptionQuery>;

    /// The last account the `on_idle` sweep visited while a pass over [`Activity`] is under way;
    /// absent between passes.
    #[pallet::storage]
    pub type SweepCursor<T: Config> = StorageValue<_, T::AccountId, OptionQuery>;

    /// The round in which the `on_idle` sweep last finished a full pass over [`Activity`]. Entries
    /// only go stale when the round advances, so one pass per round is enough.
    #[pallet::storage]
    pub type LastSweptRound<T: Config> = StorageValue<_, RoundIndex, OptionQuery>;

    /// Events of the credit pallet.
    #[pallet::event]
    #[pallet::generate_deposit(pub(super) fn deposit_event)]
    pub enum Event<T: Config> {
        /// Round `round` started; rounds before `round - CreditWindow + 1` no longer count.
        RoundStarted {
            /// The new current round.
            round: RoundIndex,
        },
        /// `who` produced a block in `round`; its credit is now `credit`.
        BlockCredited {
            /// The producer.
            who: T::AccountId,
            /// The round the block belongs to.
            round: RoundIndex,
            /// Its credit after the block.
            credit: Credit,
        },
        /// `who` received a yellow card for `round`; its credit is now `credit` (`-1` if the card
        /// turned into a red card, which a [`Event::RedCard`] then reports).
        YellowCard {
            /// The carded account.
            who: T::AccountId,
            /// The round of the missed slot.
            round: RoundIndex,
            /// Its credit after the card.
            credit: Credit,
        },
        /// `who` received a red card in `round`: its credit is `-1` for ever and it can never
        /// register again.
        RedCard {
            /// The carded account.
            who: T::AccountId,
            /// The round the card was issued in.
            round: RoundIndex,
            /// Why.
            reason: RedCardReason,
        },
        /// Governance cleared `who`'s red card; its credit starts again from zero.
        RedCardCleared {
            /// The account whose card was cleared.
            who: T::AccountId,
        },
        /// The `on_idle` sweep removed `count` accounts that had no activity left in the window
        /// (their credit was, and stays, zero).
        StaleActivityRemoved {
            /// How many accounts were removed from [`Activity`].
            count: u32,
        },
    }

    /// Errors of the credit pallet.
    #[pallet::error]
    pub enum Error<T> {
        /// A round start was noted for a round before the current one.
        RoundNotIncreasing,
        /// A block or card was noted for a round after the current one.
        FutureRound,
        /// A block or card was noted for a round that has already left the credit window.
        RoundOutsideWindow,
        /// The account's activity list cannot take another round. Unreachable while
        /// `CreditWindow` is unchanged; reported rather than ignored if it ever happens.
        WindowFull,
        /// The account already holds a red card.
        AlreadyRedCarded,
        /// The account holds no red card.
        NotRedCarded,
    }

    impl<T> From<WindowError> for Error<T> {
        fn from(error: WindowError) -> Self {
            match error {
                WindowError::FutureRound => Error::FutureRound,
                WindowError::OutsideWindow => Error::RoundOutsideWindow,
                WindowError::Full => Error::WindowFull,
            }
        }
    }

    #[pallet::hooks]
    impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
        /// Spends leftover block weight removing accounts with no activity left in the window.
        fn on_idle(_n: BlockNumberFor<T>, remaining_weight: Weight) -> Weight {
            Self::sweep(remaining_weight)
        }

        /// Checks the configuration: a window of at least one and at most
        /// [`crate::MAX_CREDIT_WINDOW`] rounds. Runs in the runtime's tests and at node start,
        /// never in a block.
        fn integrity_test() {
            let window = T::CreditWindow::get();
            assert!(
                (1..=crate::MAX_CREDIT_WINDOW).contains(&window),
                "pallet-wcme-credit: CreditWindow must be in 1..={}, is {window}",
                crate::MAX_CREDIT_WINDOW
            );
        }
    }

    #[pallet::call]
    impl<T: Config> Pallet<T> {
        /// Clear `who`'s red card, e.g. one issued by a software fault. `who` starts again from
        /// credit zero: its window history was discarded when the card was issued.
        ///
        /// Origin: [`Config::ClearRedCardOrigin`]. Fails with [`Error::NotRedCarded`] if `who`
        /// holds no red card. Emits [`Event::RedCardCleared`].
        #[pallet::call_index(0)]
        #[pallet::weight(T::WeightInfo::clear_red_card())]
        pub fn clear_red_card(origin: OriginFor<T>, who: AccountIdLookupOf<T>) -> DispatchResult {
            T::ClearRedCardOrigin::ensure_origin(origin)?;
            let who = T::Lookup::lookup(who)?;
            ensure!(RedCards::<T>::contains_key(&who), Error::<T>::NotRedCarded);
            RedCards::<T>::remove(&who);
            Self::deposit_event(Event::RedCardCleared { who });
            Ok(())
        }
    }

    impl<T: Config> Pallet<T> {
        /// The blocks and yellow cards of `who` that count in the current window (zero for a
        /// red-carded account, whose history is discarded).
        pub fn window_counts(who: &T::AccountId) -> WindowCounts {
            let current = CurrentRound::<T>::get();
            Activity::<T>::get(who)
                .map(|records| window::counts(&records, current, T::CreditWindow::get()))
                .unwrap_or_default()
        }

        /// `who`'s credit with the counts and parts it is made of.
        pub fn breakdown(who: &T::AccountId) -> CreditBreakdown {
            let window = T::CreditWindow::get();
            let counts = Self::window_counts(who);
            let red_card = RedCards::<T>::contains_key(who);
            CreditBreakdown {
                produced: counts.produced,
                yellow_cards: counts.yellow_cards,
                ability: window::ability(counts.produced, window),
                responsibility: window::responsibility(counts.yellow_cards, window),
                credit: if red_card {
                    Credit::MIN
                } else {
                    window::credit(counts, window)
                },
                red_card,
            }
        }

        /// `who`'s red card, if it holds one.
        pub fn red_card(who: &T::AccountId) -> Option<RedCardRecord> {
            RedCards::<T>::get(who)
        }

        /// Validates a mark for `who` in `round` and returns the activity list it would leave
        /// with the resulting credit, without writing anything; `None` if `who` is red-carded.
        fn prepare_mark(
            who: &T::AccountId,
            round: RoundIndex,
            mark: Mark,
        ) -> Result<Option<(ActivityOf<T>, Credit)>, DispatchError> {
            let current = CurrentRound::<T>::get();
            let window = T::CreditWindow::get();
            window::check_round(round, current, window).map_err(Error::<T>::from)?;
            if RedCards::<T>::contains_key(who) {
                return Ok(None);
            }
            let mut records = Activity::<T>::get(who).unwrap_or_default();
            window::record(&mut records, mark, round, current, window).map_err(Error::<T>::from)?;
            let credit = window::credit(window::counts(&records, current, window), window);
            Ok(Some((records, credit)))
        }

        /// Issues a red card to `who` in the current round: records it, discards its window
        /// history (its credit is `-1` from now on) and emits [`Event::RedCard`]. The caller has
        /// checked that `who` holds no red card yet.
        fn issue_red_card(who: &T::AccountId, reason: RedCardReason) {
            let round = CurrentRound::<T>::get();
            RedCards::<T>::insert(who, RedCardRecord { round, reason });
            Activity::<T>::remove(who);
            Self::deposit_event(Event::RedCard {
                who: who.clone(),
                round,
                reason,
            });
        }

        /// Removes accounts with no activity left in the window, within `remaining` weight,
        /// resuming where the previous block stopped; one full pass per round.
        pub(crate) fn sweep(remaining: Weight) -> Weight {
            let window = T::CreditWindow::get();
            let base = T::WeightInfo::sweep_base();
            let step = T::WeightInfo::sweep_step(window);
            if remaining.any_lt(base.saturating_add(step)) {
                return Weight::zero();
            }
            let current = CurrentRound::<T>::get();
            let cursor = SweepCursor::<T>::get();
            if cursor.is_none() && LastSweptRound::<T>::get() == Some(current) {
                return base;
            }

            let mut keys = match &cursor {
                Some(last) => Activity::<T>::iter_keys_from_key(last),
                None => Activity::<T>::iter_keys(),
            };
            let mut used = base;
            let mut last = cursor;
            let mut removed: u32 = 0;
            let finished = loop {
                let next_used = used.saturating_add(step);
                if remaining.any_lt(next_used) {
                    break false;
                }
                used = next_used;
                let Some(who) = keys.next() else {
                    break true;
                };
                // A list that no longer decodes (see `Config::CreditWindow`) counts for nothing
                // and is removed like a stale one. Removing the key just visited is safe: the
                // iterator continues from that key, whether or not it still exists.
                let stale = Activity::<T>::get(&who)
                    .is_none_or(|records| window::is_stale(&records, current, window));
                if stale {
                    Activity::<T>::remove(&who);
                    removed = removed.saturating_add(1);
                }
                last = Some(who);
            };

            if finished {
                SweepCursor::<T>::kill();
                LastSweptRound::<T>::put(current);
            } else if let Some(last) = last {
                SweepCursor::<T>::put(last);
            }
            if removed > 0 {
                Self::deposit_event(Event::StaleActivityRemoved { count: removed });
            }
            used
        }

        /// Checks the pallet's storage invariants: every activity list is sorted by round with
        /// one entry per round, holds at most `CreditWindow` entries, has no entry after the
        /// current round, and no red-carded account has one.
        #[cfg(test)]
        pub(crate) fn do_try_state() -> Result<(), &'static str> {
            let current = CurrentRound::<T>::get();
            let window = T::CreditWindow::get();
            for (who, records) in Activity::<T>::iter() {
                if records.len() > window as usize {
                    return Err("an activity list is longer than the window");
                }
                if !records.windows(2).all(|pair| match pair {
                    [a, b] => a.round < b.round,
                    _ => true,
                }) {
                    return Err("an activity list is not strictly sorted by round");
                }
                if records.iter().any(|record| record.round > current) {
                    return Err("an activity list has an entry after the current round");
                }
                if RedCards::<T>::contains_key(&who) {
                    return Err("a red-carded account still has an activity list");
                }
            }
            Ok(())
        }
    }

    impl<T: Config> CreditProvider<T::AccountId> for Pallet<T> {
        fn credit(who: &T::AccountId) -> Credit {
            if RedCards::<T>::contains_key(who) {
                return Credit::MIN;
            }
            window::credit(Self::window_counts(who), T::CreditWindow::get())
        }

        fn has_red_card(who: &T::AccountId) -> bool {
            RedCards::<T>::contains_key(who)
        }

        fn read_weight() -> Weight {
            T::WeightInfo::read_credit(T::CreditWindow::get())
        }
    }

    impl<T: Config> CreditRecorder<T::AccountId> for Pallet<T> {
        fn note_round_start(round: RoundIndex) -> DispatchResult {
            let current = CurrentRound::<T>::get();
            ensure!(round >= current, Error::<T>::RoundNotIncreasing);
            if round == current {
                return Ok(());
            }
            CurrentRound::<T>::put(round);
            Self::deposit_event(Event::RoundStarted { round });
            Ok(())
        }

        fn note_block_produced(who: &T::AccountId, round: RoundIndex) -> DispatchResult {
            let Some((records, credit)) = Self::prepare_mark(who, round, Mark::Produced)? else {
                return Ok(());
            };
            Activity::<T>::insert(who, records);
            Self::deposit_event(Event::BlockCredited {
                who: who.clone(),
                round,
                credit,
            });
            Ok(())
        }

        fn note_yellow_card(
            who: &T::AccountId,
            round: RoundIndex,
        ) -> Result<YellowCardOutcome, DispatchError> {
            let Some((records, credit)) = Self::prepare_mark(who, round, Mark::YellowCard)? else {
                return Ok(YellowCardOutcome::AlreadyRedCarded);
            };
            Self::deposit_event(Event::YellowCard {
                who: who.clone(),
                round,
                credit,
            });
            if credit <= Credit::MIN {
                // DESIGN §4: credit reaching -1 through yellow cards turns into a red card. The
                // history is discarded with it, so the list is not written first.
                Self::issue_red_card(who, RedCardReason::CreditExhausted);
                return Ok(YellowCardOutcome::RedCarded);
            }
            Activity::<T>::insert(who, records);
            Ok(YellowCardOutcome::Warned { credit })
        }

        fn note_red_card(who: &T::AccountId, reason: RedCardReason) -> DispatchResult {
            ensure!(
                !RedCards::<T>::contains_key(who),
                Error::<T>::AlreadyRedCarded
            );
            Self::issue_red_card(who, reason);
            Ok(())
        }

        fn note_round_start_weight() -> Weight {
            T::WeightInfo::note_round_start()
        }

        fn note_block_produced_weight() -> Weight {
            T::WeightInfo::note_block_produced(T::CreditWindow::get())
        }

        fn note_yellow_card_weight() -> Weight {
            T::WeightInfo::note_yellow_card(T::CreditWindow::get())
        }

        fn note_red_card_weight() -> Weight {
            T::WeightInfo::note_red_card()
        }
    }
}
