//! Unit tests of the reserve pallet on the mock runtime.

use crate::{Error, Event, Frozen, mock::*};
use frame_support::{
    assert_noop, assert_ok,
    traits::fungible::{Inspect, Mutate},
};
use sp_runtime::{DispatchError, TokenError, traits::BadOrigin};

#[test]
fn genesis_freezes_the_configured_amount() {
    new_test_ext().execute_with(|| {
        assert_eq!(Frozen::<Test>::get(FROZEN_OWNER), Some(FROZEN_AMOUNT));
        assert_eq!(Reserve::frozen_in_currency(&FROZEN_OWNER), FROZEN_AMOUNT);
        assert_eq!(Frozen::<Test>::get(OTHER), None);
        assert_eq!(Reserve::frozen_in_currency(&OTHER), 0);
        // The balance itself is untouched: the freeze only restricts what can leave.
        assert_eq!(Balances::balance(&FROZEN_OWNER), OWNER_BALANCE);
    });
}

#[test]
fn frozen_funds_cannot_be_transferred_by_their_owner() {
    new_test_ext().execute_with(|| {
        let surplus = OWNER_BALANCE - FROZEN_AMOUNT;
        assert_noop!(
            Balances::transfer_allow_death(RuntimeOrigin::signed(FROZEN_OWNER), OTHER, surplus + 1),
            TokenError::Frozen
        );
        assert_noop!(
            Balances::transfer_keep_alive(
                RuntimeOrigin::signed(FROZEN_OWNER),
                OTHER,
                OWNER_BALANCE
            ),
            TokenError::Frozen
        );
        // Paying a fee is a withdrawal too, and is refused the same way.
        assert!(
            <Balances as Mutate<u64>>::burn_from(
                &FROZEN_OWNER,
                surplus + 1,
                frame_support::traits::tokens::Preservation::Expendable,
                frame_support::traits::tokens::Precision::Exact,
                frame_support::traits::tokens::Fortitude::Polite,
            )
            .is_err()
        );
    });
}

#[test]
fn surplus_above_the_freeze_can_be_transferred() {
    new_test_ext().execute_with(|| {
        let surplus = OWNER_BALANCE - FROZEN_AMOUNT;
        assert_ok!(Balances::transfer_allow_death(
            RuntimeOrigin::signed(FROZEN_OWNER),
            OTHER,
            surplus
        ));
        assert_eq!(Balances::balance(&FROZEN_OWNER), FROZEN_AMOUNT);
        assert_eq!(Balances::balance(&OTHER), 50 + surplus);
        // Nothing more can leave.
        assert_noop!(
            Balances::transfer_allow_death(RuntimeOrigin::signed(FROZEN_OWNER), OTHER, 1),
            TokenError::Frozen
        );
    });
}

#[test]
fn root_can_release_part_of_the_freeze() {
    new_test_ext().execute_with(|| {
        assert_ok!(Reserve::release(RuntimeOrigin::root(), FROZEN_OWNER, 30));
        assert_eq!(Frozen::<Test>::get(FROZEN_OWNER), Some(FROZEN_AMOUNT - 30));
        assert_eq!(
            Reserve::frozen_in_currency(&FROZEN_OWNER),
            FROZEN_AMOUNT - 30
        );
        System::assert_last_event(
            Event::Released {
                who: FROZEN_OWNER,
                amount: 30,
            }
            .into(),
        );
        // 20 surplus + 30 released are spendable now, one more unit is not.
        assert_noop!(
            Balances::transfer_allow_death(RuntimeOrigin::signed(FROZEN_OWNER), OTHER, 51),
            TokenError::Frozen
        );
        assert_ok!(Balances::transfer_allow_death(
            RuntimeOrigin::signed(FROZEN_OWNER),
            OTHER,
            50
        ));
    });
}

#[test]
fn releasing_everything_thaws_and_forgets_the_account() {
    new_test_ext().execute_with(|| {
        assert_ok!(Reserve::release(
            RuntimeOrigin::root(),
            FROZEN_OWNER,
            FROZEN_AMOUNT
        ));
        assert_eq!(Frozen::<Test>::get(FROZEN_OWNER), None);
        assert_eq!(Reserve::frozen_in_currency(&FROZEN_OWNER), 0);
        assert_ok!(Balances::transfer_allow_death(
            RuntimeOrigin::signed(FROZEN_OWNER),
            OTHER,
            OWNER_BALANCE
        ));
        // A second release finds nothing frozen.
        assert_noop!(
            Reserve::release(RuntimeOrigin::root(), FROZEN_OWNER, 1),
            Error::<Test>::NotFrozen
        );
    });
}

#[test]
fn non_root_cannot_release() {
    new_test_ext().execute_with(|| {
        assert_noop!(
            Reserve::release(RuntimeOrigin::signed(FROZEN_OWNER), FROZEN_OWNER, 1),
            BadOrigin
        );
        assert_noop!(
            Reserve::release(RuntimeOrigin::signed(OTHER), FROZEN_OWNER, 1),
            BadOrigin
        );
        assert_noop!(
            Reserve::release(RuntimeOrigin::none(), FROZEN_OWNER, 1),
            BadOrigin
        );
        assert_eq!(Frozen::<Test>::get(FROZEN_OWNER), Some(FROZEN_AMOUNT));
    });
}

#[test]
fn releasing_more_than_frozen_fails() {
    new_test_ext().execute_with(|| {
        assert_noop!(
            Reserve::release(RuntimeOrigin::root(), FROZEN_OWNER, FROZEN_AMOUNT + 1),
            Error::<Test>::InsufficientFrozen
        );
        assert_noop!(
            Reserve::release(RuntimeOrigin::root(), FROZEN_OWNER, u64::MAX),
            Error::<Test>::InsufficientFrozen
        );
    });
}

#[test]
fn releasing_from_an_account_without_reserve_fails() {
    new_test_ext().execute_with(|| {
        assert_noop!(
            Reserve::release(RuntimeOrigin::root(), OTHER, 1),
            Error::<Test>::NotFrozen
        );
    });
}

#[test]
fn release_has_a_non_zero_weight() {
    use crate::WeightInfo;
    let w = <() as WeightInfo>::release();
    assert!(w.ref_time() > 0 && w.proof_size() > 0);
    let call = crate::Call::<Test>::release {
        who: FROZEN_OWNER,
        amount: 1,
    };
    let info = frame_support::dispatch::GetDispatchInfo::get_dispatch_info(&call);
    assert_eq!(info.call_weight, w);
}

#[test]
#[should_panic(expected = "does not cover its frozen amount")]
fn genesis_rejects_a_freeze_larger_than_the_balance() {
    let _ = ext_with(vec![(FROZEN_OWNER, 10)], vec![(FROZEN_OWNER, 11)]);
}

#[test]
#[should_panic(expected = "listed twice")]
fn genesis_rejects_duplicate_accounts() {
    let _ = ext_with(
        vec![(FROZEN_OWNER, 100)],
        vec![(FROZEN_OWNER, 10), (FROZEN_OWNER, 20)],
    );
}

#[test]
#[should_panic(expected = "must be non-zero")]
fn genesis_rejects_zero_amounts() {
    let _ = ext_with(vec![(FROZEN_OWNER, 100)], vec![(FROZEN_OWNER, 0)]);
}

#[test]
fn release_error_is_a_module_error() {
    // Callers (and the node's RPC) see a typed module error, not a string.
    new_test_ext().execute_with(|| {
        let err = Reserve::release(RuntimeOrigin::root(), OTHER, 1).unwrap_err();
        assert!(matches!(err, DispatchError::Module(_)));
    });
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Whatever sequence of releases root makes, the pallet's record and the currency's freeze
        /// agree, nothing is released twice, and over-releases change nothing.
        #[test]
        fn releases_keep_storage_and_freeze_in_step(
            frozen in 1u64..1_000_000,
            surplus in 0u64..1_000,
            releases in proptest::collection::vec(0u64..400_000, 0..12),
        ) {
            ext_with(vec![(FROZEN_OWNER, frozen + surplus)], vec![(FROZEN_OWNER, frozen)])
                .execute_with(|| {
                    let mut remaining = frozen;
                    for amount in releases {
                        let result = Reserve::release(RuntimeOrigin::root(), FROZEN_OWNER, amount);
                        if remaining == 0 {
                            prop_assert_eq!(result, Err(Error::<Test>::NotFrozen.into()));
                        } else if amount > remaining {
                            prop_assert_eq!(result, Err(Error::<Test>::InsufficientFrozen.into()));
                        } else {
                            prop_assert!(result.is_ok());
                            remaining -= amount;
                        }
                        let stored = Frozen::<Test>::get(FROZEN_OWNER);
                        prop_assert_eq!(stored, (remaining > 0).then_some(remaining));
                        prop_assert_eq!(Reserve::frozen_in_currency(&FROZEN_OWNER), remaining);
                    }
                    // Exactly the unfrozen part can leave the account.
                    let spendable = frozen + surplus - remaining;
                    prop_assert!(Balances::transfer_allow_death(
                        RuntimeOrigin::signed(FROZEN_OWNER), OTHER, spendable + 1
                    ).is_err());
                    if spendable > 0 {
                        prop_assert!(Balances::transfer_allow_death(
                            RuntimeOrigin::signed(FROZEN_OWNER), OTHER, spendable
                        ).is_ok());
                    }
                    Ok(())
                })?;
        }
    }
}
