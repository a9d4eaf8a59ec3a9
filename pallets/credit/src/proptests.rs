//! Property tests: the formula on its own, and the pallet against a plain model that keeps every
//! note for ever and applies DESIGN §4 directly at each read.

use crate::{
    Activity, Credit, CreditProvider, CreditRecorder, Error, RedCardReason, RoundRecord,
    YellowCardOutcome, mock::*, window,
};
use codec::{Decode, Encode};
use frame_support::{BoundedVec, traits::ConstU32, traits::Hooks, weights::Weight};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// DESIGN §4 written out independently of `window.rs`: each part is the capped count over the
/// window in ten-thousandths, rounded toward zero; credit is their sum.
fn expected_units(produced: u64, yellow_cards: u64, window: u64) -> i64 {
    let part = |count: u64| (count.min(window) * 10_000 / window) as i64;
    part(produced) - part(yellow_cards)
}

// --- The formula -----------------------------------------------------------------------------

proptest! {
    #[test]
    fn credit_is_always_within_minus_one_and_one(
        produced in any::<u32>(),
        yellow_cards in any::<u32>(),
        window_len in any::<u32>(),
    ) {
        let counts = window::WindowCounts { produced, yellow_cards };
        let credit = window::credit(counts, window_len);
        prop_assert!(Credit::MIN <= credit && credit <= Credit::MAX);
        prop_assert!(window::ability(produced, window_len) >= Credit::ZERO);
        prop_assert!(window::responsibility(yellow_cards, window_len) <= Credit::ZERO);
    }

    #[test]
    fn ability_is_the_formula_rounded_down_to_four_decimals(
        window_len in 1u32..=window::MAX_CREDIT_WINDOW,
        share in 0.0f64..=1.0,
    ) {
        let produced = (f64::from(window_len) * share) as u32;
        let units = u64::try_from(window::ability(produced, window_len).units()).unwrap();
        let (produced, window_len) = (u64::from(produced), u64::from(window_len));
        // floor: units / 10⁴ <= produced / window < (units + 1) / 10⁴
        prop_assert!(units * window_len <= produced * 10_000);
        prop_assert!(produced * 10_000 < (units + 1) * window_len);
        let penalty = -i64::from(window::responsibility(produced as u32, window_len as u32).units());
        prop_assert_eq!(penalty, units as i64);
    }

    #[test]
    fn credit_reaches_minus_one_exactly_with_a_full_window_of_cards_and_no_block(
        window_len in 1u32..=window::MAX_CREDIT_WINDOW,
        produced in 0u32..=3,
        extra in 0u32..=3,
        short in 0u32..=3,
    ) {
        for yellow_cards in [window_len.saturating_add(extra), window_len.saturating_sub(short)] {
            let counts = window::WindowCounts { produced, yellow_cards };
            let at_minimum = window::credit(counts, window_len) == Credit::MIN;
            prop_assert_eq!(at_minimum, produced == 0 && yellow_cards >= window_len);
        }
    }

    #[test]
    fn credit_decodes_only_in_range(units in any::<i32>()) {
        let decoded = Credit::decode(&mut &units.encode()[..]);
        let in_range = (-10_000..=10_000).contains(&units);
        prop_assert_eq!(decoded.is_ok(), in_range);
        if let Ok(credit) = decoded {
            prop_assert_eq!(credit.units(), units);
            prop_assert_eq!(credit.encode(), units.encode());
        }
    }

    #[test]
    fn a_recorded_window_is_sorted_bounded_and_counts_right(
        window_len in 1u32..=12,
        steps in prop::collection::vec((0u32..=4, any::<bool>(), 0u32..=14), 1..120),
    ) {
        let mut records: BoundedVec<RoundRecord, ConstU32<64>> = BoundedVec::default();
        let mut all: Vec<(u32, bool)> = Vec::new();
        let mut current = 0u32;
        for (advance, produced, back) in steps {
            current += advance;
            let mark = if produced { window::Mark::Produced } else { window::Mark::YellowCard };
            let Some(round) = current.checked_sub(back) else { continue };
            let result = window::record(&mut records, mark, round, current, window_len);
            if window::contains(round, current, window_len) {
                prop_assert_eq!(result, Ok(()));
                all.push((round, produced));
            } else {
                prop_assert_eq!(result, Err(window::WindowError::OutsideWindow));
            }
            prop_assert!(records.len() <= window_len as usize);
            prop_assert!(records.windows(2).all(|pair| pair[0].round < pair[1].round));
            let counts = window::counts(&records, current, window_len);
            let live = all.iter().filter(|(r, _)| window::contains(*r, current, window_len));
            let produced_in_window = live.clone().filter(|(_, p)| *p).count() as u32;
            let cards_in_window = live.filter(|(_, p)| !*p).count() as u32;
            prop_assert_eq!(counts.produced, produced_in_window);
            prop_assert_eq!(counts.yellow_cards, cards_in_window);
        }
    }
}

// --- The pallet against a model --------------------------------------------------------------

/// The accounts the operations pick from.
const ACCOUNTS: u64 = 4;

/// One thing the POC pallet (or the block's idle time) can do.
#[derive(Clone, Debug)]
enum Op {
    /// Start the round `gap` rounds after the current one (0: note the current round again).
    Advance { gap: u32 },
    /// `who` produced a block in the round `offset` from the current one (positive: the future).
    Produce { who: u64, offset: i64 },
    /// `who` missed its slot in the round `offset` from the current one.
    Yellow { who: u64, offset: i64 },
    /// `who` is proven to have misbehaved.
    Red { who: u64 },
    /// Idle time: the stale-window sweep runs.
    Sweep,
}

fn op(window_len: u32) -> impl Strategy<Value = Op> {
    let offset = -(i64::from(window_len) + 2)..=1i64;
    prop_oneof![
        4 => prop_oneof![0u32..=2, 0u32..=window_len.saturating_mul(3)]
            .prop_map(|gap| Op::Advance { gap }),
        6 => (0..ACCOUNTS, offset.clone()).prop_map(|(who, offset)| Op::Produce { who, offset }),
        6 => (0..ACCOUNTS, offset).prop_map(|(who, offset)| Op::Yellow { who, offset }),
        1 => (0..ACCOUNTS).prop_map(|who| Op::Red { who }),
        1 => Just(Op::Sweep),
    ]
}

fn scenario() -> impl Strategy<Value = (u32, Vec<Op>)> {
    (1u32..=12).prop_flat_map(|window_len| {
        (
            Just(window_len),
            prop::collection::vec(op(window_len), 1..100),
        )
    })
}

/// Every note ever accepted, and the red cards.
#[derive(Default)]
struct Model {
    window: u32,
    current: u32,
    /// Per account: (round, true for a block / false for a yellow card).
    notes: BTreeMap<u64, Vec<(u32, bool)>>,
    red: BTreeSet<u64>,
}

impl Model {
    fn credit(&self, who: u64) -> Credit {
        if self.red.contains(&who) {
            return Credit::MIN;
        }
        let start = self.current.saturating_sub(self.window - 1);
        let live = self
            .notes
            .get(&who)
            .map(|notes| {
                notes
                    .iter()
                    .filter(|(round, _)| *round >= start && *round <= self.current)
                    .copied()
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        let produced = live.iter().filter(|(_, block)| *block).count() as u64;
        let cards = live.iter().filter(|(_, block)| !*block).count() as u64;
        Credit::from_units(expected_units(produced, cards, u64::from(self.window)) as i32)
            .expect("the model's credit is in range")
    }

    /// The round `offset` from the current one, and what the pallet must say about it: `None`
    /// if it is before round 0 (the operation is skipped).
    fn round(&self, offset: i64) -> Option<(u32, Result<(), Error<Test>>)> {
        let round = u32::try_from(i64::from(self.current) + offset).ok()?;
        let verdict = if round > self.current {
            Err(Error::FutureRound)
        } else if round < self.current.saturating_sub(self.window - 1) {
            Err(Error::RoundOutsideWindow)
        } else {
            Ok(())
        };
        Some((round, verdict))
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn the_pallet_follows_the_design_rules((window_len, ops) in scenario()) {
        ext_with_window(window_len).execute_with(|| -> Result<(), TestCaseError> {
            let mut model = Model { window: window_len, ..Model::default() };
            for op in ops {
                match op {
                    Op::Advance { gap } => {
                        model.current += gap;
                        prop_assert!(<CreditPallet as CreditRecorder<u64>>::note_round_start(
                            model.current
                        ).is_ok());
                    }
                    Op::Produce { who, offset } => {
                        let Some((round, verdict)) = model.round(offset) else { continue };
                        let result = <CreditPallet as CreditRecorder<u64>>::note_block_produced(
                            &who, round,
                        );
                        prop_assert_eq!(result, verdict.map_err(Into::into));
                        if result.is_ok() && !model.red.contains(&who) {
                            model.notes.entry(who).or_default().push((round, true));
                        }
                    }
                    Op::Yellow { who, offset } => {
                        let Some((round, verdict)) = model.round(offset) else { continue };
                        let result = <CreditPallet as CreditRecorder<u64>>::note_yellow_card(
                            &who, round,
                        );
                        if let Err(error) = verdict {
                            prop_assert_eq!(result, Err(error.into()));
                            continue;
                        }
                        if model.red.contains(&who) {
                            prop_assert_eq!(result, Ok(YellowCardOutcome::AlreadyRedCarded));
                            continue;
                        }
                        model.notes.entry(who).or_default().push((round, false));
                        let credit = model.credit(who);
                        if credit == Credit::MIN {
                            prop_assert_eq!(result, Ok(YellowCardOutcome::RedCarded));
                            model.red.insert(who);
                        } else {
                            prop_assert_eq!(result, Ok(YellowCardOutcome::Warned { credit }));
                        }
                    }
                    Op::Red { who } => {
                        let result = <CreditPallet as CreditRecorder<u64>>::note_red_card(
                            &who,
                            RedCardReason::Equivocation,
                        );
                        if model.red.insert(who) {
                            prop_assert!(result.is_ok());
                        } else {
                            prop_assert_eq!(result, Err(Error::<Test>::AlreadyRedCarded.into()));
                        }
                    }
                    Op::Sweep => {
                        CreditPallet::on_idle(1, Weight::from_parts(u64::MAX / 2, u64::MAX / 2));
                    }
                }

                for who in 0..ACCOUNTS {
                    let credit = <CreditPallet as CreditProvider<u64>>::credit(&who);
                    // Always in [-1, 1], and exactly the formula at four decimals.
                    prop_assert!(Credit::MIN <= credit && credit <= Credit::MAX);
                    prop_assert_eq!(credit, model.credit(who), "account {}", who);
                    // A red card is permanent and bars the account at any threshold.
                    let red = <CreditPallet as CreditProvider<u64>>::has_red_card(&who);
                    prop_assert_eq!(red, model.red.contains(&who));
                    if red {
                        prop_assert!(!<CreditPallet as CreditProvider<u64>>::is_eligible(
                            &who,
                            Credit::MIN,
                        ));
                    }
                    // Storage per account never exceeds the window.
                    let len = Activity::<Test>::get(who).map_or(0, |records| records.len());
                    prop_assert!(len <= window_len as usize);
                }
                prop_assert_eq!(CreditPallet::do_try_state(), Ok(()));
            }
            Ok(())
        })?;
    }
}
