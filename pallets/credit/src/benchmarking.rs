//! Benchmarks of the credit pallet (frame-benchmarking v2): its one call, each
//! [`CreditRecorder`] method, a credit read and the two parts of the stale-window sweep, named and
//! parametrised as the [`WeightInfo`] functions they price. `w` is the number of entries in the
//! account's activity list, from 1 up to the configured `CreditWindow` (where the window is full
//! and noting a round first has to drop the oldest entry); the pallet charges each fitted line at
//! `w = CreditWindow`.
//!
//! `cargo test -p pallet-wcme-credit` runs them on the mock runtime (the crate enables
//! `runtime-benchmarks` for its own tests); `wcme-node benchmark pallet` runs them on a runtime and
//! writes `weights.rs`.

use super::*;
use crate::{
    traits::{CreditProvider, CreditRecorder},
    types::{Credit, RedCardReason, RedCardRecord, RoundIndex, RoundRecord, YellowCardOutcome},
};
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::{
    BoundedVec,
    traits::{EnsureOrigin, Get},
    weights::Weight,
};
use sp_runtime::traits::StaticLookup;

/// Makes `window` (the configured `CreditWindow`) the current round and gives `who` `w` entries
/// for the rounds just before it, `window - w .. window`; with `w = window` that includes round 0,
/// which noting round `window` has to drop. Each entry holds one produced block, or with `brink`
/// yellow cards only: `window - 1` of them spread over the entries that stay in the window, so
/// that one more card takes the credit to `-1` and turns into a red card, whatever `w` is.
fn fill_window<T: Config>(who: &T::AccountId, w: u32, brink: bool) -> RoundIndex {
    let window = T::CreditWindow::get();
    let first = window.saturating_sub(w);
    // The entries that stay in the window once round `window` is noted: all but round 0.
    let start = first.max(1);
    let counting = window.saturating_sub(start);
    let cards = window.saturating_sub(1);
    let records: Vec<RoundRecord> = (first..window)
        .map(|round| {
            let yellow_cards = if !brink {
                0
            } else if round < start {
                1
            } else {
                let index = round.saturating_sub(start);
                let share = cards.checked_div(counting).unwrap_or(0);
                let extra = u32::from(index < cards.checked_rem(counting).unwrap_or(0));
                share.saturating_add(extra)
            };
            RoundRecord {
                round,
                produced: u16::from(!brink),
                yellow_cards: u16::try_from(yellow_cards).unwrap_or(u16::MAX),
            }
        })
        .collect();
    let records: ActivityOf<T> = BoundedVec::truncate_from(records);
    Activity::<T>::insert(who, records);
    CurrentRound::<T>::put(window);
    window
}

/// The sweep's budget for visiting exactly one account, as the pallet prices it.
fn one_step_budget<T: Config>() -> Weight {
    T::WeightInfo::sweep_base().saturating_add(T::WeightInfo::sweep_step(T::CreditWindow::get()))
}

#[benchmarks]
mod benchmarks {
    use super::*;

    #[benchmark]
    fn clear_red_card() -> Result<(), BenchmarkError> {
        let who: T::AccountId = account("agent", 0, 0);
        RedCards::<T>::insert(
            &who,
            RedCardRecord {
                round: 0,
                reason: RedCardReason::Equivocation,
            },
        );
        let origin = T::ClearRedCardOrigin::try_successful_origin()
            .map_err(|_| BenchmarkError::Weightless)?;
        let lookup = T::Lookup::unlookup(who.clone());

        #[extrinsic_call]
        _(origin as T::RuntimeOrigin, lookup);

        assert!(!RedCards::<T>::contains_key(&who));
        Ok(())
    }

    #[benchmark]
    fn note_round_start() -> Result<(), BenchmarkError> {
        CurrentRound::<T>::put(1);

        #[block]
        {
            <Pallet<T> as CreditRecorder<T::AccountId>>::note_round_start(2)?;
        }

        assert_eq!(CurrentRound::<T>::get(), 2);
        Ok(())
    }

    #[benchmark]
    fn note_block_produced(w: Linear<1, { T::CreditWindow::get() }>) -> Result<(), BenchmarkError> {
        let who: T::AccountId = account("agent", 0, 0);
        let round = fill_window::<T>(&who, w, false);

        #[block]
        {
            <Pallet<T> as CreditRecorder<T::AccountId>>::note_block_produced(&who, round)?;
        }

        assert!(<Pallet<T> as CreditProvider<T::AccountId>>::credit(&who) > Credit::ZERO);
        Ok(())
    }

    #[benchmark]
    fn note_yellow_card(w: Linear<1, { T::CreditWindow::get() }>) -> Result<(), BenchmarkError> {
        // The costliest outcome at every `w`: the card takes the credit to -1 and turns into a
        // red card.
        let who: T::AccountId = account("agent", 0, 0);
        let round = fill_window::<T>(&who, w, true);
        let outcome;

        #[block]
        {
            outcome = <Pallet<T> as CreditRecorder<T::AccountId>>::note_yellow_card(&who, round)?;
        }

        assert_eq!(outcome, YellowCardOutcome::RedCarded);
        Ok(())
    }

    #[benchmark]
    fn note_red_card() -> Result<(), BenchmarkError> {
        let who: T::AccountId = account("agent", 0, 0);
        fill_window::<T>(&who, T::CreditWindow::get(), false);

        #[block]
        {
            <Pallet<T> as CreditRecorder<T::AccountId>>::note_red_card(
                &who,
                RedCardReason::Equivocation,
            )?;
        }

        assert!(RedCards::<T>::contains_key(&who));
        Ok(())
    }

    #[benchmark]
    fn read_credit(w: Linear<1, { T::CreditWindow::get() }>) {
        let who: T::AccountId = account("agent", 0, 0);
        fill_window::<T>(&who, w, false);
        let credit;

        #[block]
        {
            credit = <Pallet<T> as CreditProvider<T::AccountId>>::credit(&who);
        }

        assert!(credit > Credit::ZERO);
    }

    #[benchmark]
    fn sweep_base() {
        // A full pass over an empty map: the reads and writes of the fixed part and the iteration
        // that finds no account.
        CurrentRound::<T>::put(1);
        let budget = one_step_budget::<T>();
        let used: Weight;

        #[block]
        {
            used = Pallet::<T>::sweep(budget);
        }

        assert!(used.all_lte(budget));
        assert_eq!(LastSweptRound::<T>::get(), Some(1));
    }

    #[benchmark]
    fn sweep_step(w: Linear<1, { T::CreditWindow::get() }>) {
        // One stale account with `w` entries and exactly the budget to visit (and remove) it.
        // Measured with the sweep's fixed part, so the step's weight includes it once more: an
        // upper bound.
        let who: T::AccountId = account("agent", 0, 0);
        let window = fill_window::<T>(&who, w, false);
        CurrentRound::<T>::put(window.saturating_mul(3));
        let budget = one_step_budget::<T>();
        let used: Weight;

        #[block]
        {
            used = Pallet::<T>::sweep(budget);
        }

        assert!(used.all_lte(budget));
        assert!(!Activity::<T>::contains_key(&who));
    }

    impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
