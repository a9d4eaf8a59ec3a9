//! Benchmarks of the credit pallet: its one call, each [`CreditRecorder`] method and a credit
//! read in their worst case (an account whose window is full), and one step of the sweep.
//!
//! Run as tests with `cargo test -p pallet-wcme-credit --features runtime-benchmarks`.

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

/// Puts `who` in a full window ending at round `window`: one entry for each of the rounds
/// `0..window`, so that noting round `window` first has to drop round 0. `yellow` chooses what
/// each entry holds.
fn fill_window<T: Config>(who: &T::AccountId, yellow: bool) -> RoundIndex {
    let window = T::CreditWindow::get();
    let records: Vec<RoundRecord> = (0..window)
        .map(|round| RoundRecord {
            round,
            produced: u16::from(!yellow),
            yellow_cards: u16::from(yellow),
        })
        .collect();
    let records: ActivityOf<T> = BoundedVec::truncate_from(records);
    Activity::<T>::insert(who, records);
    CurrentRound::<T>::put(window);
    window
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
    fn note_block_produced() -> Result<(), BenchmarkError> {
        let who: T::AccountId = account("agent", 0, 0);
        let round = fill_window::<T>(&who, false);

        #[block]
        {
            <Pallet<T> as CreditRecorder<T::AccountId>>::note_block_produced(&who, round)?;
        }

        assert_eq!(
            <Pallet<T> as CreditProvider<T::AccountId>>::credit(&who),
            Credit::MAX
        );
        Ok(())
    }

    #[benchmark]
    fn note_yellow_card() -> Result<(), BenchmarkError> {
        // Worst case: the card completes a window of cards and turns into a red card.
        let who: T::AccountId = account("agent", 0, 0);
        let round = fill_window::<T>(&who, true);
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
        fill_window::<T>(&who, false);

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
    fn read_credit() {
        let who: T::AccountId = account("agent", 0, 0);
        fill_window::<T>(&who, false);
        let credit;

        #[block]
        {
            credit = <Pallet<T> as CreditProvider<T::AccountId>>::credit(&who);
        }

        assert!(credit > Credit::ZERO);
    }

    #[benchmark]
    fn sweep_one() {
        // One stale account with a full list, and exactly the weight to visit it.
        let who: T::AccountId = account("agent", 0, 0);
        let window = fill_window::<T>(&who, false);
        CurrentRound::<T>::put(window.saturating_mul(3));
        let window = T::CreditWindow::get();
        let budget = T::WeightInfo::sweep_base().saturating_add(T::WeightInfo::sweep_step(window));
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
