//! Property tests of the gas accounting over random sequences of registrations, charges,
//! top-ups, freezes, retirements and refunds:
//!
//! - the gas of every unrefunded subchain is exactly what is held on its account, so the total
//!   held equals the sum of the gas balances (`do_try_state`);
//! - gas is never created or lost: for each subchain, gas left + gas spent = stake + top-ups,
//!   the treasury received exactly the gas spent, and total issuance never changes;
//! - gas never goes below zero: a charge either succeeds with the whole fee or changes nothing,
//!   and an active subchain always has at least `MinGasBalance`;
//! - a subchain pays for exactly the headers its stake covers before it is suspended.

use crate::{
    GasCharge, HoldReason, SubchainGas, SubchainStatus, Subchains as SubchainsMap, mock::*,
    types::Balance,
};
use frame_support::traits::fungible::{Inspect, InspectHold};
use proptest::prelude::*;
use std::collections::BTreeMap;

/// One step of a random scenario. Subchains are named by `chain % 4 + 1`, which may not be
/// registered (then the step must fail and change nothing).
#[derive(Clone, Debug)]
enum Op {
    Register { who: u8, stake: Balance },
    ChargeHeaders { chain: u8, n: u8 },
    ChargeMessage { chain: u8 },
    TopUp { chain: u8, who: u8, amount: Balance },
    Freeze { chain: u8 },
    Unfreeze { chain: u8 },
    Deregister { chain: u8 },
    Withdraw { chain: u8 },
    Advance { blocks: u64 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        1 => (0u8..3, MIN_STAKE - 10..=3_000).prop_map(|(who, stake)| Op::Register { who, stake }),
        6 => (any::<u8>(), 1u8..=40).prop_map(|(chain, n)| Op::ChargeHeaders { chain, n }),
        3 => any::<u8>().prop_map(|chain| Op::ChargeMessage { chain }),
        2 => (any::<u8>(), 0u8..3, 0..=400u128)
            .prop_map(|(chain, who, amount)| Op::TopUp { chain, who, amount }),
        1 => any::<u8>().prop_map(|chain| Op::Freeze { chain }),
        1 => any::<u8>().prop_map(|chain| Op::Unfreeze { chain }),
        2 => any::<u8>().prop_map(|chain| Op::Deregister { chain }),
        2 => any::<u8>().prop_map(|chain| Op::Withdraw { chain }),
        2 => (0u64..=15).prop_map(|blocks| Op::Advance { blocks }),
    ]
}

fn account(who: u8) -> u128 {
    match who {
        0 => ALICE,
        1 => BOB,
        _ => CHARLIE,
    }
}

fn id_of(chain: u8) -> u32 {
    u32::from(chain % 4) + 1
}

/// What the model expects per subchain: everything ever put in as gas.
#[derive(Default)]
struct Model {
    deposited: BTreeMap<u32, Balance>,
    registered: u32,
}

fn check(model: &Model, issuance: Balance) -> Result<(), TestCaseError> {
    prop_assert_eq!(Subchains::do_try_state(), Ok(()));
    prop_assert_eq!(Balances::total_issuance(), issuance);
    let mut total_gas: Balance = 0;
    let mut total_held: Balance = 0;
    let mut total_spent: Balance = 0;
    for (id, info) in SubchainsMap::<Test>::iter() {
        let held =
            Balances::balance_on_hold(&HoldReason::GasStake.into(), &Subchains::account_id(id));
        total_gas += info.gas;
        total_held += held;
        total_spent += info.gas_spent;
        let refunded = matches!(info.status, SubchainStatus::Retired { refunded: true, .. });
        if !refunded {
            prop_assert_eq!(
                info.gas + info.gas_spent,
                model.deposited.get(&id).copied().unwrap_or_default()
            );
        }
        if info.status.is_active() {
            prop_assert!(info.gas >= MIN_GAS);
        }
    }
    prop_assert_eq!(total_held, total_gas);
    prop_assert_eq!(Balances::balance(&TREASURY), SEED + total_spent);
    prop_assert_eq!(
        SubchainsMap::<Test>::iter().count() as u32,
        model.registered
    );
    Ok(())
}

/// One charge of `id`: either the whole fee is drained from an active subchain, or nothing
/// changes.
fn charge(id: u32, kind: GasCharge) -> Result<(), TestCaseError> {
    let before = SubchainsMap::<Test>::get(id);
    let result = match kind {
        GasCharge::Header => Subchains::charge_header(id),
        GasCharge::Message => Subchains::charge_message(id),
    };
    let after = SubchainsMap::<Test>::get(id);
    match (result, before, after) {
        (Ok(fee), Some(before), Some(after)) => {
            prop_assert!(before.status.is_active());
            let expected = match kind {
                GasCharge::Header => header_fee(),
                GasCharge::Message => MESSAGE_FEE,
            };
            prop_assert_eq!(fee, expected);
            prop_assert_eq!(after.gas + fee, before.gas);
            prop_assert_eq!(after.gas_spent, before.gas_spent + fee);
        }
        (Err(_), before, after) => {
            prop_assert!(before.as_ref().is_none_or(|b| !b.status.is_active()));
            prop_assert_eq!(before, after);
        }
        (Ok(_), _, _) => prop_assert!(false, "charged an unknown subchain"),
    }
    Ok(())
}

/// Registers subchain `chain{id}` for `who` with `stake`, updating the model.
fn register(model: &mut Model, who: u128, stake: Balance) -> bool {
    let id = crate::NextSubchainId::<Test>::get();
    let ok = Subchains::register(
        RuntimeOrigin::signed(who),
        config(&format!("chain{id}")),
        stake,
    )
    .is_ok();
    if ok {
        model.deposited.insert(id, stake);
        model.registered += 1;
    }
    ok
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn gas_accounting_holds_over_random_scenarios(
        stakes in prop::collection::vec(MIN_STAKE..=1_400u128, 1..=3),
        header_fee in prop_oneof![Just(MIN_GAS), 0..=MIN_GAS],
        ops in prop::collection::vec(op(), 1..80),
    ) {
        new_test_ext().execute_with(|| -> Result<(), TestCaseError> {
            set_header_fee(header_fee);
            let issuance = Balances::total_issuance();
            let mut model = Model::default();
            for (i, stake) in stakes.into_iter().enumerate() {
                let who = if i % 2 == 0 { ALICE } else { BOB };
                prop_assert!(register(&mut model, who, stake));
            }
            check(&model, issuance)?;
            for op in ops {
                match op {
                    Op::Register { who, stake } => {
                        let ok = register(&mut model, account(who), stake);
                        prop_assert_eq!(ok, stake >= MIN_STAKE && account(who) != CHARLIE);
                    }
                    Op::ChargeHeaders { chain, n } => {
                        for _ in 0..n {
                            charge(id_of(chain), GasCharge::Header)?;
                        }
                    }
                    Op::ChargeMessage { chain } => charge(id_of(chain), GasCharge::Message)?,
                    Op::TopUp { chain, who, amount } => {
                        let id = id_of(chain);
                        if Subchains::top_up(RuntimeOrigin::signed(account(who)), id, amount).is_ok() {
                            *model.deposited.entry(id).or_default() += amount;
                        }
                    }
                    Op::Freeze { chain } => {
                        let _ = Subchains::freeze(RuntimeOrigin::root(), id_of(chain));
                    }
                    Op::Unfreeze { chain } => {
                        let _ = Subchains::unfreeze(RuntimeOrigin::root(), id_of(chain));
                    }
                    Op::Deregister { chain } => {
                        let id = id_of(chain);
                        let owner = SubchainsMap::<Test>::get(id).map_or(ALICE, |i| i.owner);
                        let _ = Subchains::deregister(RuntimeOrigin::signed(owner), id);
                    }
                    Op::Withdraw { chain } => {
                        let id = id_of(chain);
                        let before = SubchainsMap::<Test>::get(id);
                        let owner_before = before.as_ref().map(|i| Balances::balance(&i.owner));
                        if Subchains::withdraw_retired(RuntimeOrigin::signed(BOB), id).is_ok() {
                            let before = before.expect("refunded a registered subchain");
                            // The owner gets the gas left plus the account's existential
                            // deposit.
                            let gained = Balances::balance(&before.owner)
                                - owner_before.unwrap_or_default();
                            prop_assert_eq!(gained, before.gas + ED);
                        }
                    }
                    Op::Advance { blocks } => {
                        System::set_block_number(System::block_number() + blocks);
                    }
                }
                check(&model, issuance)?;
            }
            Ok(())
        })?;
    }
}

proptest! {
    // Each case charges up to 400 headers one by one.
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn a_stake_pays_exactly_the_headers_it_covers(
        stake in prop_oneof![Just(MIN_STAKE), MIN_STAKE..=5_000u128],
        fee in prop_oneof![Just(HEADER_FEE), Just(MIN_GAS), 1..=MIN_GAS],
    ) {
        new_test_ext().execute_with(|| -> Result<(), TestCaseError> {
            set_header_fee(fee);
            let id = crate::NextSubchainId::<Test>::get();
            prop_assert!(Subchains::register(RuntimeOrigin::signed(ALICE), config("x"), stake).is_ok());
            let mut paid = 0u128;
            while Subchains::charge_header(id).is_ok() {
                paid += 1;
                prop_assert!(paid <= stake / fee, "charged more than the stake");
            }
            // Active while at least MIN_GAS is left, so charges go on until the gas drops
            // below it: the first n with stake − n·fee < MIN_GAS.
            let expected = (stake - MIN_GAS) / fee + 1;
            prop_assert_eq!(paid, expected);
            let info = SubchainsMap::<Test>::get(id).expect("registered");
            prop_assert_eq!(info.gas, stake - expected * fee);
            prop_assert!(info.gas < MIN_GAS);
            prop_assert_eq!(info.status, SubchainStatus::Suspended);
            prop_assert_eq!(Subchains::do_try_state(), Ok(()));
            Ok(())
        })?;
    }
}
