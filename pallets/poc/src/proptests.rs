//! Property tests of the invariants, against unbounded-integer references:
//!
//! - one round's coinbase sums to `5M · rnc · bti / spy` (± rounding, never above);
//! - shares are proportional to `deposit · max(0, credit)`;
//! - credit always stays within `[-1, 1]`, whatever slots are missed;
//! - the coinbase split never mints more than `C`, and no delegator is ever paid more than its
//!   exact share.

use crate::{Event, Pallet, mock::*, rewards};
use frame_support::{
    assert_ok,
    traits::fungible::{Inspect, Mutate},
};
use num_bigint::BigUint;
use pallet_wcme_credit::CreditRecorder;
use proptest::prelude::*;
use sp_core::U256;
use sp_runtime::Perbill;

fn big(x: u128) -> BigUint {
    BigUint::from(x)
}

/// `⌊annual · n · ms / (31 536 000 · 1000)⌋` in unbounded integers.
fn ref_round(annual: u128, n: u32, ms: u64) -> BigUint {
    big(annual) * BigUint::from(n) * BigUint::from(ms) / BigUint::from(31_536_000_000u64)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn a_rounds_coinbase_sums_to_the_round_inflation_never_above(
        annual in prop_oneof![Just(5_000_000 * WCME), 0u128..=u128::MAX / 1_000_000],
        slot_ms in 1_000u64..=60_000,
        weights in prop::collection::vec(0u128..=1u128 << 100, 1..=100),
    ) {
        let n = u32::try_from(weights.len()).expect("small");
        let p = rewards::round_inflation(annual, n, slot_ms);
        prop_assert_eq!(big(p), ref_round(annual, n, slot_ms));
        let total: u128 = weights.iter().sum();
        let paid: BigUint = weights
            .iter()
            .map(|w| big(rewards::author_share(p, *w, total)))
            .sum();
        if total == 0 {
            prop_assert_eq!(paid, BigUint::from(0u32));
        } else {
            // Never above, and below by less than one unit per producer.
            prop_assert!(paid <= big(p));
            prop_assert!(big(p) - &paid < BigUint::from(n));
        }
        for w in &weights {
            let share = rewards::author_share(p, *w, total);
            if total > 0 {
                // floor(p · w / Σw) exactly.
                prop_assert_eq!(big(share), big(p) * big(*w) / big(total));
            }
        }
    }

    #[test]
    fn the_split_never_mints_more_than_the_coinbase(
        deposit in 1u128..=1u128 << 90,
        delegations in prop::collection::vec(1u128..=1u128 << 80, 0..=8),
        commission in 0u32..=1_000_000_000,
        coinbases in prop::collection::vec(0u128..=1u128 << 100, 1..=6),
    ) {
        let commission = Perbill::from_parts(commission);
        let delegated: u128 = delegations.iter().sum();
        let mut acc = U256::zero();
        let mut minted_to_agent = BigUint::from(0u32);
        let mut delegators_exact_num = BigUint::from(0u32);
        let total_c: BigUint = coinbases.iter().map(|c| big(*c)).sum();
        for c in &coinbases {
            let split = rewards::split(*c, deposit, delegated, commission);
            prop_assert_eq!(split.delegators + split.agent, *c);
            // The formula: floor(C·D/(d+D)) minus floor(that · commission).
            let gross = big(*c) * big(delegated) / (big(deposit) + big(delegated));
            prop_assert_eq!(big(split.delegators_gross), gross);
            prop_assert_eq!(split.commission, commission.mul_floor(split.delegators_gross));
            let distribution = rewards::distribute(acc, split.delegators, delegated);
            prop_assert!(distribution.represented <= split.delegators);
            acc = distribution.reward_per_stake;
            minted_to_agent += big(*c - distribution.represented);
            delegators_exact_num += big(split.delegators);
        }
        let mut paid_to_delegators = BigUint::from(0u32);
        for a in &delegations {
            let paid = rewards::pending(*a, acc, U256::zero());
            // Exact share: Σ P_b · a / D (D constant here); paid ≤ it.
            prop_assert!(big(paid) * big(delegated) <= &delegators_exact_num * big(*a));
            paid_to_delegators += big(paid);
        }
        prop_assert!(minted_to_agent + paid_to_delegators <= total_c);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn coinbase_weights_are_stake_times_positive_credit(
        deposits in prop::collection::vec(MIN_DEPOSIT..=MAX_DEPOSIT, 4),
        marks in prop::collection::vec((0u32..=12, 0u32..=12), 4),
    ) {
        let agents = (1..=4u64)
            .zip(&deposits)
            .map(|(n, d)| (n, key(n), reward_of(n), Perbill::from_percent(10), *d))
            .collect();
        ExtBuilder::default().agents(agents).build().execute_with(|| {
            for (n, (produced, cards)) in (1..=4u64).zip(&marks) {
                for _ in 0..*produced {
                    assert_ok!(<CreditPallet as CreditRecorder<u64>>::note_block_produced(&n, 0));
                }
                for _ in 0..*cards {
                    let _ = <CreditPallet as CreditRecorder<u64>>::note_yellow_card(&n, 0);
                }
            }
            let members = Pallet::<Test>::membership_snapshot();
            let total: u128 = members.iter().map(|m| m.reward_weight).sum();
            let p = rewards::round_inflation(ANNUAL_INFLATION, 4, SLOT_MS);
            for member in &members {
                let units = Pallet::<Test>::credit_info(&member.agent).units;
                prop_assert!((-10_000..=10_000).contains(&units));
                let positive = u128::try_from(units.max(0)).expect("non-negative");
                // w = (deposit + delegated) · max(0, credit), credit in ten-thousandths.
                prop_assert_eq!(member.stake, deposits[(member.agent - 1) as usize]);
                prop_assert_eq!(member.reward_weight, member.stake * positive / 10_000);
                let share = rewards::author_share(p, member.reward_weight, total);
                if total > 0 {
                    prop_assert_eq!(big(share), big(p) * big(member.reward_weight) / big(total));
                } else {
                    prop_assert_eq!(share, 0);
                }
            }
            Ok(())
        })?;
    }

    #[test]
    fn credit_stays_within_bounds_whatever_slots_are_missed(
        steps in prop::collection::vec(1u64..=7, 1..=60),
    ) {
        new_test_ext().execute_with(|| {
            let mut slot = 1_000;
            for step in steps {
                let predicted = Pallet::<Test>::slot_owner(slot).expect("owner");
                let owner = produce(slot);
                prop_assert_eq!(predicted, owner);
                for agent in Pallet::<Test>::agents() {
                    prop_assert!((-10_000..=10_000).contains(&agent.credit));
                }
                prop_assert_eq!(Pallet::<Test>::do_try_state(), Ok(()));
                slot += step;
            }
            Ok(())
        })?;
    }

    #[test]
    fn a_blocks_payouts_never_exceed_its_coinbase(
        delegations in prop::collection::vec(MIN_DELEGATION..=16_000u128, 0..=3),
        fee in 0u128..=1u128 << 70,
    ) {
        new_test_ext().execute_with(|| {
            let delegators = [DAVE, CAROL, TREY];
            for (who, amount) in delegators.iter().zip(&delegations) {
                assert_ok!(Pallet::<Test>::delegate(RuntimeOrigin::signed(*who), 4, *amount));
            }
            let slot = (1_000..1_004)
                .find(|s| Pallet::<Test>::slot_owner(*s).is_some_and(|o| o.agent == 4))
                .expect("agent 4 owns a slot of round 0");
            // The fee comes from an account funded for it.
            assert_ok!(<Balances as Mutate<u64>>::mint_into(&FERDIE, fee));
            let issuance = Balances::total_issuance();
            let reward_before = Balances::balance(&reward_of(4));
            produce_with(slot, || {
                if fee > 0 {
                    pay_fee(FERDIE, fee);
                }
            });
            let agent_paid = Balances::balance(&reward_of(4)) - reward_before;
            let pending: Vec<u128> = delegators
                .iter()
                .take(delegations.len())
                .map(Pallet::<Test>::pending_rewards)
                .collect();
            let total_pending: u128 = pending.iter().sum();
            // Round 0 pays no inflation, so the coinbase is the fee.
            prop_assert!(agent_paid + total_pending <= fee);
            prop_assert!(Balances::total_issuance() <= issuance);
            let delegated: u128 = delegations.iter().sum();
            let split = rewards::split(fee, deposit_of(4), delegated, Perbill::from_percent(10));
            for (paid, amount) in pending.iter().zip(&delegations) {
                // paid ≤ P · a / D.
                prop_assert!(big(*paid) * big(delegated) <= big(split.delegators) * big(*amount));
            }
            let coinbase = crate::mock::poc_events().into_iter().find(|e| matches!(e, Event::Coinbase { .. }));
            prop_assert_eq!(coinbase.is_some(), fee > 0);
            Ok(())
        })?;
    }
}
