//! Unit tests of the credit pallet on the mock runtime, one or more per DESIGN §4 rule, plus the
//! `Credit` type and the pure window functions.

use crate::{
    Activity, Credit, CreditProvider, CreditRecorder, CurrentRound, Error, Event, LastSweptRound,
    RedCardReason, RedCardRecord, RedCards, RoundRecord, SweepCursor, WeightInfo,
    YellowCardOutcome, mock::*, window,
};
use codec::{Decode, Encode, MaxEncodedLen};
use frame_support::{
    BoundedVec, assert_noop, assert_ok,
    traits::{ConstU32, Hooks},
    weights::Weight,
};
use sp_runtime::{DispatchError, Perbill, traits::BadOrigin};

/// The credit of `units` ten-thousandths.
fn c(units: i32) -> Credit {
    Credit::from_units(units).expect("test credits are in range")
}

fn credit(who: u64) -> Credit {
    <CreditPallet as CreditProvider<u64>>::credit(&who)
}

fn has_red_card(who: u64) -> bool {
    <CreditPallet as CreditProvider<u64>>::has_red_card(&who)
}

fn is_eligible(who: u64, threshold: Credit) -> bool {
    <CreditPallet as CreditProvider<u64>>::is_eligible(&who, threshold)
}

fn produce(who: u64, round: u32) -> Result<(), DispatchError> {
    <CreditPallet as CreditRecorder<u64>>::note_block_produced(&who, round)
}

fn yellow(who: u64, round: u32) -> Result<YellowCardOutcome, DispatchError> {
    <CreditPallet as CreditRecorder<u64>>::note_yellow_card(&who, round)
}

fn red(who: u64, reason: RedCardReason) -> Result<(), DispatchError> {
    <CreditPallet as CreditRecorder<u64>>::note_red_card(&who, reason)
}

/// Produces one block in each round `from..=to`, starting each round first.
fn produce_every_round(who: u64, from: u32, to: u32) {
    for round in from..=to {
        start_round(round);
        assert_ok!(produce(who, round));
    }
}

// --- Credit type -----------------------------------------------------------------------------

#[test]
fn credit_type_holds_four_decimals_in_range() {
    assert_eq!(Credit::MAX.units(), 10_000);
    assert_eq!(Credit::MIN.units(), -10_000);
    assert_eq!(Credit::ZERO, Credit::default());
    assert_eq!(Credit::from_units(10_001), None);
    assert_eq!(Credit::from_units(-10_001), None);
    assert_eq!(Credit::from_units(-10_000), Some(Credit::MIN));
    assert_eq!(Credit::saturating_from_units(i64::MAX), Credit::MAX);
    assert_eq!(Credit::saturating_from_units(i64::MIN), Credit::MIN);
    assert_eq!(Credit::saturating_from_units(1234).units(), 1234);
    assert!(c(-1).is_negative());
    assert!(!Credit::ZERO.is_negative());
    assert!(Credit::MIN < c(-9_999) && c(1) < Credit::MAX);
}

#[test]
fn credit_displays_as_a_decimal() {
    assert_eq!(Credit::MAX.to_string(), "1.0000");
    assert_eq!(Credit::MIN.to_string(), "-1.0000");
    assert_eq!(Credit::ZERO.to_string(), "0.0000");
    assert_eq!(c(625).to_string(), "0.0625");
    assert_eq!(c(-1).to_string(), "-0.0001");
    assert_eq!(format!("{:?}", c(-3_333)), "Credit(-0.3333)");
}

#[test]
fn credit_encodes_in_four_bytes_and_rejects_out_of_range_values() {
    assert_eq!(Credit::max_encoded_len(), 4);
    for units in [-10_000, -1, 0, 1, 9_999, 10_000] {
        let encoded = c(units).encode();
        assert_eq!(encoded, units.encode());
        assert_eq!(Credit::decode(&mut &encoded[..]), Ok(c(units)));
    }
    for units in [-10_001, 10_001, i32::MIN, i32::MAX] {
        assert!(Credit::decode(&mut &units.encode()[..]).is_err());
    }
}

#[test]
fn negative_credit_earns_no_reward() {
    // DESIGN §4: w = stake · max(0, credit).
    assert_eq!(Credit::MIN.reward_ratio(), Perbill::zero());
    assert_eq!(c(-1).reward_ratio(), Perbill::zero());
    assert_eq!(Credit::ZERO.reward_ratio(), Perbill::zero());
    assert_eq!(c(1).reward_ratio(), Perbill::from_parts(100_000));
    assert_eq!(c(5_000).reward_ratio(), Perbill::from_percent(50));
    assert_eq!(Credit::MAX.reward_ratio(), Perbill::one());
}

// --- The formula (pure) ----------------------------------------------------------------------

#[test]
fn window_is_the_current_round_and_the_ones_before_it() {
    assert_eq!(window::window_start(100, 10), 91);
    assert_eq!(window::window_start(5, 10), 0);
    assert_eq!(window::window_start(7, 1), 7);
    assert!(window::contains(91, 100, 10));
    assert!(!window::contains(90, 100, 10));
    assert!(!window::contains(101, 100, 10));
}

#[test]
fn ability_and_responsibility_round_toward_zero() {
    // Window 100 (NULS): every count is exact.
    assert_eq!(window::ability(37, 100), c(3_700));
    assert_eq!(window::responsibility(37, 100), c(-3_700));
    // Window 3: one third is 0.3333 for both parts, never 0.3334.
    assert_eq!(window::ability(1, 3), c(3_333));
    assert_eq!(window::ability(2, 3), c(6_666));
    assert_eq!(window::responsibility(1, 3), c(-3_333));
    // Window 7: 2/7 - 1/7 is 0.2857 - 0.1428 = 0.1429.
    let counts = window::WindowCounts {
        produced: 2,
        yellow_cards: 1,
    };
    assert_eq!(window::credit(counts, 7), c(1_429));
}

#[test]
fn parts_are_capped_at_a_full_window() {
    assert_eq!(window::ability(250, 100), Credit::MAX);
    assert_eq!(window::responsibility(250, 100), Credit::MIN);
    let counts = window::WindowCounts {
        produced: 150,
        yellow_cards: 60,
    };
    // Ability is capped at 1 before the penalty applies (as NULS caps the yellow count).
    assert_eq!(window::credit(counts, 100), c(4_000));
}

#[test]
fn a_zero_window_yields_zero_instead_of_dividing_by_zero() {
    assert_eq!(window::ability(5, 0), Credit::ZERO);
    let counts = window::WindowCounts {
        produced: 5,
        yellow_cards: 9,
    };
    assert_eq!(window::credit(counts, 0), Credit::ZERO);
}

#[test]
fn recording_prunes_rounds_that_left_the_window() {
    let mut records: BoundedVec<RoundRecord, ConstU32<3>> = BoundedVec::default();
    for round in 0..3 {
        assert_eq!(
            window::record(&mut records, window::Mark::Produced, round, round, 3),
            Ok(())
        );
    }
    assert_eq!(records.len(), 3);
    // Round 3: round 0 leaves the window and makes room.
    assert_eq!(
        window::record(&mut records, window::Mark::YellowCard, 3, 3, 3),
        Ok(())
    );
    let rounds: Vec<u32> = records.iter().map(|r| r.round).collect();
    assert_eq!(rounds, vec![1, 2, 3]);
    // A late mark for a round still in the window lands in its own entry.
    assert_eq!(
        window::record(&mut records, window::Mark::YellowCard, 2, 3, 3),
        Ok(())
    );
    assert_eq!(
        records.get(1).map(|r| (r.produced, r.yellow_cards)),
        Some((1, 1))
    );
    // Errors leave the list untouched.
    let before = records.clone();
    assert_eq!(
        window::record(&mut records, window::Mark::Produced, 4, 3, 3),
        Err(window::WindowError::FutureRound)
    );
    assert_eq!(
        window::record(&mut records, window::Mark::Produced, 0, 3, 3),
        Err(window::WindowError::OutsideWindow)
    );
    assert_eq!(records, before);
}

#[test]
fn a_bound_below_the_window_is_reported_not_ignored() {
    let mut records: BoundedVec<RoundRecord, ConstU32<1>> = BoundedVec::default();
    assert_eq!(
        window::record(&mut records, window::Mark::Produced, 0, 1, 5),
        Ok(())
    );
    assert_eq!(
        window::record(&mut records, window::Mark::Produced, 1, 1, 5),
        Err(window::WindowError::Full)
    );
    assert_eq!(records.len(), 1);
}

// --- Credit on the runtime -------------------------------------------------------------------

#[test]
fn an_unknown_account_has_neutral_credit() {
    new_test_ext().execute_with(|| {
        assert_eq!(credit(CHARLIE), Credit::ZERO);
        assert!(!has_red_card(CHARLIE));
        assert!(is_eligible(CHARLIE, Credit::ZERO));
        assert!(!is_eligible(CHARLIE, c(1)));
        assert_eq!(Activity::<Test>::get(CHARLIE), None);
    });
}

#[test]
fn each_block_adds_one_window_share_of_ability() {
    new_test_ext().execute_with(|| {
        start_round(1);
        assert_ok!(produce(ALICE, 1));
        assert_eq!(credit(ALICE), c(1_000));
        System::assert_last_event(
            Event::BlockCredited {
                who: ALICE,
                round: 1,
                credit: c(1_000),
            }
            .into(),
        );
        start_round(2);
        assert_ok!(produce(ALICE, 2));
        assert_eq!(credit(ALICE), c(2_000));
        // Other accounts are untouched.
        assert_eq!(credit(BOB), Credit::ZERO);
    });
}

#[test]
fn a_block_in_every_round_of_the_window_gives_full_credit() {
    new_test_ext().execute_with(|| {
        produce_every_round(ALICE, 1, DEFAULT_WINDOW);
        assert_eq!(credit(ALICE), Credit::MAX);
        // And it stays there while the window rolls.
        produce_every_round(ALICE, DEFAULT_WINDOW + 1, 3 * DEFAULT_WINDOW);
        assert_eq!(credit(ALICE), Credit::MAX);
    });
}

#[test]
fn extra_blocks_in_a_round_cannot_push_credit_above_one() {
    new_test_ext().execute_with(|| {
        start_round(1);
        for _ in 0..3 * DEFAULT_WINDOW {
            assert_ok!(produce(ALICE, 1));
        }
        assert_eq!(credit(ALICE), Credit::MAX);
        assert_eq!(
            CreditPallet::window_counts(&ALICE).produced,
            3 * DEFAULT_WINDOW
        );
    });
}

#[test]
fn a_yellow_card_lowers_credit_by_one_window_share() {
    new_test_ext().execute_with(|| {
        produce_every_round(ALICE, 1, 5);
        assert_eq!(credit(ALICE), c(5_000));
        assert_eq!(
            yellow(ALICE, 5),
            Ok(YellowCardOutcome::Warned { credit: c(4_000) })
        );
        assert_eq!(credit(ALICE), c(4_000));
        System::assert_last_event(
            Event::YellowCard {
                who: ALICE,
                round: 5,
                credit: c(4_000),
            }
            .into(),
        );
        assert!(!has_red_card(ALICE));
    });
}

#[test]
fn credit_is_ability_plus_responsibility() {
    new_test_ext().execute_with(|| {
        produce_every_round(ALICE, 1, 7);
        assert_ok!(yellow(ALICE, 7));
        assert_ok!(yellow(ALICE, 6));
        assert_ok!(yellow(ALICE, 5));
        let breakdown = CreditPallet::breakdown(&ALICE);
        assert_eq!(breakdown.produced, 7);
        assert_eq!(breakdown.yellow_cards, 3);
        assert_eq!(breakdown.ability, c(7_000));
        assert_eq!(breakdown.responsibility, c(-3_000));
        assert_eq!(breakdown.credit, c(4_000));
        assert_eq!(credit(ALICE), breakdown.credit);
        assert!(!breakdown.red_card);
    });
}

#[test]
fn rounding_uses_the_stated_rule_on_the_runtime() {
    ext_with_window(3).execute_with(|| {
        start_round(1);
        assert_ok!(produce(ALICE, 1));
        assert_eq!(credit(ALICE), c(3_333));
        assert_ok!(yellow(BOB, 1));
        assert_eq!(credit(BOB), c(-3_333));
    });
    ext_with_window(7).execute_with(|| {
        start_round(1);
        assert_ok!(produce(ALICE, 1));
        start_round(2);
        assert_ok!(produce(ALICE, 2));
        assert_ok!(yellow(ALICE, 2));
        assert_eq!(credit(ALICE), c(1_429));
    });
}

#[test]
fn negative_credit_is_possible_and_earns_no_reward() {
    new_test_ext().execute_with(|| {
        start_round(1);
        assert_ok!(produce(ALICE, 1));
        start_round(2);
        assert_ok!(yellow(ALICE, 2));
        start_round(3);
        assert_ok!(yellow(ALICE, 3));
        assert_eq!(credit(ALICE), c(-1_000));
        assert_eq!(credit(ALICE).reward_ratio(), Perbill::zero());
        assert!(!is_eligible(ALICE, Credit::ZERO));
        assert!(is_eligible(ALICE, c(-1_000)));
    });
}

// --- The window rolls ------------------------------------------------------------------------

#[test]
fn rounds_older_than_the_window_stop_counting() {
    new_test_ext().execute_with(|| {
        start_round(1);
        assert_ok!(produce(ALICE, 1));
        assert_ok!(yellow(BOB, 1));
        // Round 1 is still in the window ending at round 10 (rounds 1..=10)...
        start_round(DEFAULT_WINDOW);
        assert_eq!(credit(ALICE), c(1_000));
        assert_eq!(credit(BOB), c(-1_000));
        // ...and out of the one ending at round 11.
        start_round(DEFAULT_WINDOW + 1);
        assert_eq!(credit(ALICE), Credit::ZERO);
        assert_eq!(credit(BOB), Credit::ZERO);
    });
}

#[test]
fn a_jump_over_many_rounds_clears_the_window() {
    new_test_ext().execute_with(|| {
        produce_every_round(ALICE, 1, 5);
        start_round(1_000);
        assert_eq!(credit(ALICE), Credit::ZERO);
        assert_ok!(produce(ALICE, 1_000));
        assert_eq!(credit(ALICE), c(1_000));
        // The write dropped every stale round.
        assert_eq!(
            Activity::<Test>::get(ALICE).map(|records| records.len()),
            Some(1)
        );
    });
}

#[test]
fn activity_never_holds_more_than_the_window() {
    new_test_ext().execute_with(|| {
        for round in 1..=5 * DEFAULT_WINDOW {
            start_round(round);
            assert_ok!(produce(ALICE, round));
            // Bob goes red after a full window of cards; later cards are no-ops.
            assert_ok!(yellow(BOB, round));
            let len = Activity::<Test>::get(ALICE).map_or(0, |records| records.len());
            assert!(len <= DEFAULT_WINDOW as usize);
            assert_ok!(CreditPallet::do_try_state());
        }
        assert_eq!(
            Activity::<Test>::get(ALICE).map(|records| records.len()),
            Some(DEFAULT_WINDOW as usize)
        );
    });
}

// --- Round bookkeeping -----------------------------------------------------------------------

#[test]
fn round_starts_move_forward_only() {
    new_test_ext().execute_with(|| {
        assert_eq!(CurrentRound::<Test>::get(), 0);
        start_round(3);
        System::assert_last_event(Event::RoundStarted { round: 3 }.into());
        assert_eq!(CurrentRound::<Test>::get(), 3);
        assert_noop!(
            <CreditPallet as CreditRecorder<u64>>::note_round_start(2),
            Error::<Test>::RoundNotIncreasing
        );
        // Noting the current round again is a no-op without an event.
        let events = System::events().len();
        assert_ok!(<CreditPallet as CreditRecorder<u64>>::note_round_start(3));
        assert_eq!(System::events().len(), events);
    });
    // Round 0 is the genesis round; noting it at genesis is accepted.
    new_test_ext().execute_with(|| {
        assert_ok!(<CreditPallet as CreditRecorder<u64>>::note_round_start(0));
        assert_ok!(produce(ALICE, 0));
        assert_eq!(credit(ALICE), c(1_000));
    });
}

#[test]
fn notes_for_future_rounds_are_rejected() {
    new_test_ext().execute_with(|| {
        start_round(4);
        assert_noop!(produce(ALICE, 5), Error::<Test>::FutureRound);
        assert_noop!(yellow(ALICE, 5), Error::<Test>::FutureRound);
    });
}

#[test]
fn notes_for_rounds_outside_the_window_are_rejected() {
    new_test_ext().execute_with(|| {
        start_round(20);
        // The window ending at 20 starts at 11.
        assert_noop!(produce(ALICE, 10), Error::<Test>::RoundOutsideWindow);
        assert_noop!(yellow(ALICE, 10), Error::<Test>::RoundOutsideWindow);
        assert_ok!(produce(ALICE, 11));
    });
}

#[test]
fn a_missed_slot_of_the_previous_round_can_still_be_carded() {
    // The first block of a round records the slots skipped since the previous block, which may
    // belong to the round before.
    new_test_ext().execute_with(|| {
        start_round(1);
        start_round(2);
        assert_eq!(
            yellow(ALICE, 1),
            Ok(YellowCardOutcome::Warned { credit: c(-1_000) })
        );
        let rounds: Vec<u32> = Activity::<Test>::get(ALICE)
            .map(|records| records.iter().map(|r| r.round).collect())
            .unwrap_or_default();
        assert_eq!(rounds, vec![1]);
    });
}

// --- Yellow cards turning red ----------------------------------------------------------------

#[test]
fn yellow_cards_reaching_minus_one_turn_into_a_red_card() {
    new_test_ext().execute_with(|| {
        for round in 1..DEFAULT_WINDOW {
            start_round(round);
            assert!(matches!(
                yellow(ALICE, round),
                Ok(YellowCardOutcome::Warned { .. })
            ));
        }
        assert_eq!(credit(ALICE), c(-9_000));
        start_round(DEFAULT_WINDOW);
        let outcome = yellow(ALICE, DEFAULT_WINDOW);
        assert_eq!(outcome, Ok(YellowCardOutcome::RedCarded));
        assert!(outcome.is_ok_and(|o| o.turned_red()));
        assert!(has_red_card(ALICE));
        assert_eq!(credit(ALICE), Credit::MIN);
        assert_eq!(
            RedCards::<Test>::get(ALICE),
            Some(RedCardRecord {
                round: DEFAULT_WINDOW,
                reason: RedCardReason::CreditExhausted
            })
        );
        let events = credit_events();
        let tail = events.get(events.len().saturating_sub(2)..);
        assert_eq!(
            tail,
            Some(
                &[
                    Event::YellowCard {
                        who: ALICE,
                        round: DEFAULT_WINDOW,
                        credit: Credit::MIN
                    },
                    Event::RedCard {
                        who: ALICE,
                        round: DEFAULT_WINDOW,
                        reason: RedCardReason::CreditExhausted
                    },
                ][..]
            )
        );
        // The history is discarded: the credit is pinned, not computed.
        assert_eq!(Activity::<Test>::get(ALICE), None);
    });
}

#[test]
fn yellow_cards_with_a_block_in_the_window_do_not_reach_minus_one() {
    // As in NULS, a red card through yellow cards needs a whole window of cards and no block.
    new_test_ext().execute_with(|| {
        start_round(1);
        assert_ok!(produce(ALICE, 1));
        for _ in 0..3 * DEFAULT_WINDOW {
            assert!(matches!(
                yellow(ALICE, 1),
                Ok(YellowCardOutcome::Warned { .. })
            ));
        }
        assert_eq!(credit(ALICE), c(-9_000));
        assert!(!has_red_card(ALICE));
    });
}

#[test]
fn a_red_carded_account_is_never_eligible() {
    new_test_ext().execute_with(|| {
        assert_ok!(red(ALICE, RedCardReason::Equivocation));
        assert!(!is_eligible(ALICE, Credit::MIN));
        assert!(!is_eligible(ALICE, Credit::ZERO));
        assert_eq!(credit(ALICE), Credit::MIN);
    });
}

// --- Red cards -------------------------------------------------------------------------------

#[test]
fn proven_misbehaviour_gives_a_red_card() {
    new_test_ext().execute_with(|| {
        produce_every_round(ALICE, 1, DEFAULT_WINDOW);
        assert_eq!(credit(ALICE), Credit::MAX);
        assert_ok!(red(ALICE, RedCardReason::Equivocation));
        System::assert_last_event(
            Event::RedCard {
                who: ALICE,
                round: DEFAULT_WINDOW,
                reason: RedCardReason::Equivocation,
            }
            .into(),
        );
        assert_eq!(credit(ALICE), Credit::MIN);
        assert_eq!(
            CreditPallet::red_card(&ALICE).map(|card| card.reason),
            Some(RedCardReason::Equivocation)
        );
        assert_eq!(Activity::<Test>::get(ALICE), None);
    });
}

#[test]
fn a_red_card_is_never_issued_twice() {
    new_test_ext().execute_with(|| {
        assert_ok!(red(ALICE, RedCardReason::InvalidBlock));
        assert_noop!(
            red(ALICE, RedCardReason::ConflictingVotes),
            Error::<Test>::AlreadyRedCarded
        );
        assert_eq!(
            CreditPallet::red_card(&ALICE).map(|card| card.reason),
            Some(RedCardReason::InvalidBlock)
        );
    });
}

#[test]
fn a_red_card_is_permanent() {
    new_test_ext().execute_with(|| {
        start_round(1);
        assert_ok!(red(ALICE, RedCardReason::Equivocation));
        let events = System::events().len();
        // Blocks and cards noted afterwards change nothing and emit nothing.
        produce_every_round(ALICE, 2, 5 * DEFAULT_WINDOW);
        assert_eq!(
            yellow(ALICE, 5 * DEFAULT_WINDOW),
            Ok(YellowCardOutcome::AlreadyRedCarded)
        );
        assert_eq!(
            System::events().len(),
            events + (5 * DEFAULT_WINDOW as usize - 1)
        ); // only the RoundStarted events
        assert!(has_red_card(ALICE));
        assert_eq!(credit(ALICE), Credit::MIN);
        assert_eq!(Activity::<Test>::get(ALICE), None);
        // Even long after the window rolled past the card.
        start_round(100 * DEFAULT_WINDOW);
        assert_eq!(credit(ALICE), Credit::MIN);
        assert!(!is_eligible(ALICE, Credit::MIN));
    });
}

#[test]
fn notes_for_red_carded_accounts_are_still_validated() {
    new_test_ext().execute_with(|| {
        start_round(2);
        assert_ok!(red(ALICE, RedCardReason::Equivocation));
        assert_noop!(produce(ALICE, 3), Error::<Test>::FutureRound);
        assert_noop!(yellow(ALICE, 3), Error::<Test>::FutureRound);
    });
}

// --- Governance ------------------------------------------------------------------------------

#[test]
fn only_the_configured_origin_clears_a_red_card() {
    new_test_ext().execute_with(|| {
        assert_ok!(red(ALICE, RedCardReason::Equivocation));
        assert_noop!(
            CreditPallet::clear_red_card(RuntimeOrigin::signed(ALICE), ALICE),
            BadOrigin
        );
        assert_noop!(
            CreditPallet::clear_red_card(RuntimeOrigin::signed(BOB), ALICE),
            BadOrigin
        );
        assert!(has_red_card(ALICE));
    });
}

#[test]
fn clearing_a_red_card_restarts_from_zero() {
    new_test_ext().execute_with(|| {
        produce_every_round(ALICE, 1, 5);
        assert_ok!(red(ALICE, RedCardReason::Equivocation));
        assert_ok!(CreditPallet::clear_red_card(RuntimeOrigin::root(), ALICE));
        System::assert_last_event(Event::RedCardCleared { who: ALICE }.into());
        assert!(!has_red_card(ALICE));
        assert_eq!(credit(ALICE), Credit::ZERO);
        assert!(is_eligible(ALICE, Credit::ZERO));
        assert_ok!(produce(ALICE, 5));
        assert_eq!(credit(ALICE), c(1_000));
    });
}

#[test]
fn clearing_requires_a_red_card() {
    new_test_ext().execute_with(|| {
        assert_noop!(
            CreditPallet::clear_red_card(RuntimeOrigin::root(), ALICE),
            Error::<Test>::NotRedCarded
        );
    });
}

// --- Storage sweep ---------------------------------------------------------------------------

/// Plenty of weight for a whole sweep.
fn ample() -> Weight {
    Weight::from_parts(u64::MAX / 2, u64::MAX / 2)
}

#[test]
fn the_sweep_removes_accounts_with_nothing_left_in_the_window() {
    new_test_ext().execute_with(|| {
        start_round(1);
        assert_ok!(produce(ALICE, 1));
        assert_ok!(yellow(BOB, 1));
        start_round(5);
        assert_ok!(produce(CHARLIE, 5));
        // Round 1 leaves the window at round 11: Alice and Bob go stale, Charlie does not.
        start_round(11);
        let used = CreditPallet::on_idle(1, ample());
        assert!(used.all_gt(Weight::zero()));
        assert_eq!(Activity::<Test>::get(ALICE), None);
        assert_eq!(Activity::<Test>::get(BOB), None);
        assert!(Activity::<Test>::get(CHARLIE).is_some());
        assert_eq!(credit(CHARLIE), c(1_000));
        System::assert_last_event(Event::StaleActivityRemoved { count: 2 }.into());
        assert_eq!(LastSweptRound::<Test>::get(), Some(11));
        assert_eq!(SweepCursor::<Test>::get(), None);
    });
}

#[test]
fn the_sweep_runs_once_per_round() {
    new_test_ext().execute_with(|| {
        start_round(1);
        assert_ok!(produce(ALICE, 1));
        CreditPallet::on_idle(1, ample());
        assert_eq!(LastSweptRound::<Test>::get(), Some(1));
        // Same round: only the fixed part is spent.
        assert_eq!(
            CreditPallet::on_idle(2, ample()),
            <() as WeightInfo>::sweep_base()
        );
        start_round(2);
        assert!(CreditPallet::on_idle(3, ample()).all_gt(<() as WeightInfo>::sweep_base()));
        assert_eq!(LastSweptRound::<Test>::get(), Some(2));
    });
}

#[test]
fn the_sweep_stays_within_its_weight_and_resumes() {
    new_test_ext().execute_with(|| {
        start_round(1);
        for who in 100..110 {
            assert_ok!(produce(who, 1));
        }
        start_round(50);
        let base = <() as WeightInfo>::sweep_base();
        let step = <() as WeightInfo>::sweep_step(DEFAULT_WINDOW);
        // Not even one step fits: nothing happens.
        assert_eq!(CreditPallet::on_idle(1, base), Weight::zero());
        // Three steps per block.
        let budget = base.saturating_add(step.saturating_mul(3));
        let mut blocks = 0;
        while LastSweptRound::<Test>::get() != Some(50) {
            let used = CreditPallet::on_idle(1, budget);
            assert!(used.all_lte(budget));
            blocks += 1;
            assert!(blocks <= 10, "the sweep does not progress");
        }
        // Ten accounts at three per block, plus the step that finds the end.
        assert_eq!(blocks, 4);
        assert_eq!(Activity::<Test>::iter().count(), 0);
    });
}

#[test]
fn the_sweep_removes_lists_that_no_longer_decode() {
    new_test_ext().execute_with(|| {
        start_round(1);
        // A list longer than the window, as a careless lowering of `CreditWindow` would leave.
        let too_long: Vec<RoundRecord> = (0..=DEFAULT_WINDOW).map(RoundRecord::new).collect();
        frame_support::storage::unhashed::put(&Activity::<Test>::hashed_key_for(ALICE), &too_long);
        assert_eq!(Activity::<Test>::get(ALICE), None);
        assert_eq!(credit(ALICE), Credit::ZERO);
        CreditPallet::on_idle(1, ample());
        assert!(!Activity::<Test>::contains_key(ALICE));
    });
}

// --- Configuration and weights ---------------------------------------------------------------

#[test]
fn integrity_test_accepts_the_mock_window() {
    new_test_ext().execute_with(|| {
        <CreditPallet as Hooks<u64>>::integrity_test();
    });
}

#[test]
#[should_panic(expected = "CreditWindow must be in 1..=10000")]
fn integrity_test_rejects_a_zero_window() {
    ext_with_window(0).execute_with(|| {
        <CreditPallet as Hooks<u64>>::integrity_test();
    });
}

#[test]
#[should_panic(expected = "CreditWindow must be in 1..=10000")]
fn integrity_test_rejects_a_window_too_long_for_four_decimals() {
    ext_with_window(10_001).execute_with(|| {
        <CreditPallet as Hooks<u64>>::integrity_test();
    });
}

#[test]
fn weights_cover_the_window_and_the_red_card_path() {
    let small = <() as WeightInfo>::note_block_produced(1);
    let large = <() as WeightInfo>::note_block_produced(100);
    assert!(large.all_gt(small));
    assert!(
        <() as WeightInfo>::note_yellow_card(100)
            .all_gte(<() as WeightInfo>::note_block_produced(100))
    );
    for weight in [
        <() as WeightInfo>::clear_red_card(),
        <() as WeightInfo>::note_round_start(),
        <() as WeightInfo>::note_red_card(),
        <() as WeightInfo>::read_credit(100),
        <() as WeightInfo>::sweep_base(),
        <() as WeightInfo>::sweep_step(100),
    ] {
        assert!(weight.all_gt(Weight::zero()));
    }
    new_test_ext().execute_with(|| {
        assert_eq!(
            <CreditPallet as CreditRecorder<u64>>::note_yellow_card_weight(),
            <() as WeightInfo>::note_yellow_card(DEFAULT_WINDOW)
        );
        assert_eq!(
            <CreditPallet as CreditProvider<u64>>::read_weight(),
            <() as WeightInfo>::read_credit(DEFAULT_WINDOW)
        );
    });
}

#[test]
fn the_unit_doubles_are_neutral() {
    assert_eq!(<() as CreditProvider<u64>>::credit(&ALICE), Credit::ZERO);
    assert!(!<() as CreditProvider<u64>>::has_red_card(&ALICE));
    assert!(<() as CreditProvider<u64>>::is_eligible(
        &ALICE,
        Credit::ZERO
    ));
    assert_eq!(
        <() as CreditRecorder<u64>>::note_yellow_card(&ALICE, 7),
        Ok(YellowCardOutcome::Warned {
            credit: Credit::ZERO
        })
    );
    assert_ok!(<() as CreditRecorder<u64>>::note_red_card(
        &ALICE,
        RedCardReason::Equivocation
    ));
}
