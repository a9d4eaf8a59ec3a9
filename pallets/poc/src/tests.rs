//! Unit tests of the POC pallet on the mock runtime: genesis, every call and every error, round
//! transitions and the schedule, yellow and red cards, the coinbase and the fee handler.

use crate::{
    AgentCount, AgentState, Agents, CurrentAuthor, CurrentRound, Delegation, Delegations,
    DelegatorAgents, Error, Event, HoldReason, LastSlot, NextProducers, PackingKeyOwner,
    RoundRandomness, SlotDuration, mock::*, rewards, schedule,
};
use frame_support::{
    assert_noop, assert_ok,
    dispatch::{GetDispatchInfo, Pays},
    traits::fungible::{Inspect, InspectHold},
};
use frame_system::pallet_prelude::HeaderFor;
use pallet_wcme_credit::{Credit, CreditProvider, CreditRecorder, RedCardReason};
use sp_core::{H256, Pair, U256};
use sp_runtime::{Perbill, traits::BadOrigin, traits::Header as _};
use wcme_consensus_primitives::poc::{
    AgentStatus, Evidence, HeaderEquivocation, PreDigest, PrecommitEquivocation, SignedVote, Slot,
    Vote, VoteKind, seal_item,
};

/// The first slot the tests' chains start at (a multiple of 4, so round 0 starts exactly here).
const START: Slot = 1_000;

fn origin(who: u64) -> RuntimeOrigin {
    RuntimeOrigin::signed(who)
}

fn held_deposit(who: u64) -> u128 {
    Balances::balance_on_hold(&HoldReason::AgentDeposit.into(), &who)
}

fn held_delegation(who: u64) -> u128 {
    Balances::balance_on_hold(&HoldReason::Delegation.into(), &who)
}

fn agent(who: u64) -> crate::AgentRecordOf<Test> {
    Agents::<Test>::get(who).expect("agent exists")
}

fn credit(who: u64) -> Credit {
    <CreditPallet as CreditProvider<u64>>::credit(&who)
}

fn register(who: u64, seed: u64, deposit: u128) -> sp_runtime::DispatchResult {
    Poc::register_agent(
        origin(who),
        key(seed),
        who,
        Perbill::from_percent(10),
        deposit,
    )
}

fn try_state() {
    assert_eq!(Poc::do_try_state(), Ok(()));
}

/// The first slot at or after `from` whose owner (in a child of the current state) is `who`.
fn slot_of(who: u64, from: Slot) -> Slot {
    (from..from + 64)
        .find(|s| Poc::slot_owner(*s).is_some_and(|o| o.agent == who))
        .expect("the agent owns a slot soon")
}

/// Produces every slot of `from..to`.
fn produce_all(from: Slot, to: Slot) {
    for slot in from..to {
        produce(slot);
    }
}

/// A header for `slot` sealed by `signer`'s packing key; `state` makes headers differ.
fn sealed(slot: Slot, state: u8, signer: u64) -> HeaderFor<Test> {
    let mut header = HeaderFor::<Test>::new(
        7,
        H256::repeat_byte(state),
        H256::zero(),
        H256::zero(),
        Default::default(),
    );
    header.digest_mut().push(
        PreDigest {
            round: 0,
            slot,
            author_index: 0,
        }
        .to_digest_item(),
    );
    let signature = pair(signer).sign(header.hash().as_ref());
    header.digest_mut().push(seal_item(&signature));
    header
}

fn header_evidence(
    offender: u64,
    first: HeaderFor<Test>,
    second: HeaderFor<Test>,
) -> Box<Evidence<HeaderFor<Test>>> {
    Box::new(Evidence::Headers(HeaderEquivocation {
        offender: key(offender),
        first,
        second,
    }))
}

// --- Genesis ---------------------------------------------------------------------------------

#[test]
fn genesis_registers_agents_and_holds_their_deposits() {
    new_test_ext().execute_with(|| {
        assert_eq!(SlotDuration::<Test>::get(), SLOT_MS);
        assert_eq!(Poc::slot_duration_ms(), SLOT_MS);
        assert_eq!(AgentCount::<Test>::get(), 4);
        for n in GENESIS_AGENTS {
            let record = agent(n);
            assert_eq!(record.deposit, deposit_of(n));
            assert_eq!(record.packing_key, key(n));
            assert_eq!(record.reward_account, reward_of(n));
            assert_eq!(record.state, AgentState::Active);
            assert_eq!(held_deposit(n), deposit_of(n));
            assert_eq!(Balances::balance(&n), RICH - deposit_of(n));
            assert_eq!(PackingKeyOwner::<Test>::get(key(n)), Some(n));
        }
        // Held, not minted: issuance is the sum of genesis balances.
        assert_eq!(Balances::total_issuance(), 10 * RICH + 10);
        let round = CurrentRound::<Test>::get().expect("genesis round");
        assert_eq!(round.index, 0);
        assert_eq!(round.start_slot, None);
        assert_eq!(round.producers.len(), 4);
        // Credit 0 at genesis: no coinbase weight yet.
        assert_eq!(round.total_weight, 0);
        // Round 0 is ordered by the genesis randomness; round 1 has the same members.
        let mut expected: Vec<u64> = GENESIS_AGENTS.to_vec();
        schedule::order(&mut expected, 0, &schedule::GENESIS_RANDOMNESS, |n| key(*n));
        let order: Vec<u64> = round.producers.iter().map(|p| p.agent).collect();
        assert_eq!(order, expected);
        let mut next: Vec<u64> = NextProducers::<Test>::get()
            .iter()
            .map(|p| p.agent)
            .collect();
        next.sort();
        assert_eq!(next, GENESIS_AGENTS.to_vec());
        // Ranked by stake, largest first.
        assert_eq!(NextProducers::<Test>::get()[0].agent, 4);
        assert_eq!(NextProducers::<Test>::get()[0].stake, deposit_of(4));
        assert_eq!(LastSlot::<Test>::get(), None);
        try_state();
    });
}

#[test]
#[should_panic(expected = "slot_duration_ms must be at least 1000")]
fn genesis_rejects_slots_shorter_than_a_second() {
    let _ = ExtBuilder::default().slot_ms(999).storage();
}

#[test]
fn genesis_accepts_one_second_slots() {
    ExtBuilder::default()
        .slot_ms(1_000)
        .build()
        .execute_with(|| {
            assert_eq!(Poc::slot_duration_ms(), 1_000);
        });
}

#[test]
#[should_panic(expected = "cannot register")]
fn genesis_rejects_an_agent_that_cannot_afford_its_deposit() {
    let _ = ExtBuilder::default()
        .agents(vec![(
            POOR,
            key(9),
            POOR,
            Perbill::from_percent(10),
            MIN_DEPOSIT,
        )])
        .storage();
}

#[test]
#[should_panic(expected = "PackingKeyInUse")]
fn genesis_rejects_a_reused_packing_key() {
    let _ = ExtBuilder::default()
        .agents(vec![
            (1, key(1), 1, Perbill::from_percent(10), MIN_DEPOSIT),
            (2, key(1), 2, Perbill::from_percent(10), MIN_DEPOSIT),
        ])
        .storage();
}

#[test]
#[should_panic(expected = "CommissionTooLow")]
fn genesis_applies_the_registration_rules() {
    let _ = ExtBuilder::default()
        .agents(vec![(1, key(1), 1, Perbill::from_percent(5), MIN_DEPOSIT)])
        .storage();
}

#[test]
fn a_chain_without_agents_has_no_slot_owner() {
    ExtBuilder::no_agents().build().execute_with(|| {
        assert_eq!(Poc::slot_owner(START), None);
        assert!(Poc::current_round().producers.is_empty());
        assert!(Poc::agents().is_empty());
        run_dev_block(|| {});
        assert_eq!(LastSlot::<Test>::get(), None);
    });
}

// --- register_agent --------------------------------------------------------------------------

#[test]
fn register_agent_holds_the_deposit_and_records_the_agent() {
    call_test_ext().execute_with(|| {
        assert_ok!(Poc::register_agent(
            origin(EVE),
            key(5),
            FERDIE,
            Perbill::from_percent(20),
            MIN_DEPOSIT
        ));
        let record = agent(EVE);
        assert_eq!(record.reward_account, FERDIE);
        assert_eq!(record.commission, Perbill::from_percent(20));
        assert_eq!(record.deposit, MIN_DEPOSIT);
        assert_eq!(record.state, AgentState::Active);
        assert_eq!(held_deposit(EVE), MIN_DEPOSIT);
        assert_eq!(AgentCount::<Test>::get(), 5);
        assert_eq!(PackingKeyOwner::<Test>::get(key(5)), Some(EVE));
        System::assert_last_event(RuntimeEvent::Poc(Event::AgentRegistered {
            agent: EVE,
            packing_key: key(5),
            reward_account: FERDIE,
            commission: Perbill::from_percent(20),
            deposit: MIN_DEPOSIT,
        }));
        // Not in the current round nor in the fixed next one: it joins at the next snapshot.
        assert!(NextProducers::<Test>::get().iter().all(|p| p.agent != EVE));
        // The largest deposit and 100 % commission are accepted.
        assert_ok!(Poc::register_agent(
            origin(FERDIE),
            key(6),
            FERDIE,
            Perbill::one(),
            MAX_DEPOSIT
        ));
        try_state();
    });
}

#[test]
fn register_agent_errors() {
    call_test_ext().execute_with(|| {
        assert_noop!(
            Poc::register_agent(
                RuntimeOrigin::root(),
                key(5),
                EVE,
                Perbill::from_percent(10),
                MIN_DEPOSIT
            ),
            BadOrigin
        );
        assert_noop!(
            Poc::register_agent(
                RuntimeOrigin::none(),
                key(5),
                EVE,
                Perbill::from_percent(10),
                MIN_DEPOSIT
            ),
            BadOrigin
        );
        assert_noop!(register(1, 7, MIN_DEPOSIT), Error::<Test>::AlreadyAgent);
        // The packing key signs as an account: it may be neither the agent nor the reward one.
        let key_account = <KeyToAccount as sp_runtime::traits::Convert<_, u64>>::convert(key(5));
        assert_noop!(
            Poc::register_agent(
                origin(key_account),
                key(5),
                EVE,
                Perbill::from_percent(10),
                MIN_DEPOSIT
            ),
            Error::<Test>::PackingKeyIsAccount
        );
        assert_noop!(
            Poc::register_agent(
                origin(EVE),
                key(5),
                key_account,
                Perbill::from_percent(10),
                MIN_DEPOSIT
            ),
            Error::<Test>::PackingKeyIsAccount
        );
        assert_noop!(
            register(EVE, 1, MIN_DEPOSIT),
            Error::<Test>::PackingKeyInUse
        );
        assert_noop!(
            Poc::register_agent(
                origin(EVE),
                key(5),
                EVE,
                Perbill::from_percent(9),
                MIN_DEPOSIT
            ),
            Error::<Test>::CommissionTooLow
        );
        assert_noop!(
            register(EVE, 5, MIN_DEPOSIT - 1),
            Error::<Test>::DepositTooLow
        );
        assert_noop!(
            register(EVE, 5, MAX_DEPOSIT + 1),
            Error::<Test>::DepositTooHigh
        );
        assert_noop!(
            register(POOR, 5, MIN_DEPOSIT),
            Error::<Test>::InsufficientBalance
        );
        // Credit below the entry threshold: a new account has credit 0.
        EntryThreshold::set(Credit::from_units(1).expect("in range"));
        assert_noop!(
            register(EVE, 5, MIN_DEPOSIT),
            Error::<Test>::CreditBelowThreshold
        );
        EntryThreshold::set(Credit::ZERO);
        // A red card bars an account for ever.
        assert_ok!(<CreditPallet as CreditRecorder<u64>>::note_red_card(
            &FERDIE,
            RedCardReason::Equivocation
        ));
        assert_noop!(register(FERDIE, 6, MIN_DEPOSIT), Error::<Test>::RedCarded);
        // MaxAgents (6) bounds the registry.
        assert_ok!(register(EVE, 5, MIN_DEPOSIT));
        assert_ok!(register(DAVE, 10, MIN_DEPOSIT));
        assert_noop!(
            register(CAROL, 11, MIN_DEPOSIT),
            Error::<Test>::TooManyAgents
        );
        try_state();
    });
}

#[test]
fn a_stopped_agent_cannot_register_again_before_withdrawing() {
    call_test_ext().execute_with(|| {
        assert_ok!(Poc::stop_agent(origin(1)));
        assert_noop!(register(1, 7, MIN_DEPOSIT), Error::<Test>::AlreadyAgent);
        System::set_block_number(1 + STOP_LOCK);
        assert_ok!(Poc::withdraw_unlocked(origin(1)));
        // A new key (the old one is used for ever) and it is back.
        assert_noop!(register(1, 1, MIN_DEPOSIT), Error::<Test>::PackingKeyInUse);
        assert_ok!(register(1, 7, MIN_DEPOSIT));
        try_state();
    });
}

// --- delegate / undelegate -------------------------------------------------------------------

#[test]
fn delegate_holds_stake_and_counts_delegators() {
    call_test_ext().execute_with(|| {
        assert_ok!(Poc::delegate(origin(DAVE), 1, 1_000));
        assert_eq!(held_delegation(DAVE), 1_000);
        assert_eq!(agent(1).delegated, 1_000);
        assert_eq!(agent(1).delegators, 1);
        assert_eq!(agent(1).stake(), deposit_of(1) + 1_000);
        System::assert_last_event(RuntimeEvent::Poc(Event::Delegated {
            delegator: DAVE,
            agent: 1,
            amount: 1_000,
            total: 1_000,
        }));
        // Topping up keeps one delegator.
        assert_ok!(Poc::delegate(origin(DAVE), 1, 500));
        assert_eq!(agent(1).delegators, 1);
        assert_eq!(
            Delegations::<Test>::get(1, DAVE).map(|d| d.amount),
            Some(1_500)
        );
        assert!(DelegatorAgents::<Test>::contains_key(DAVE, 1));
        // One delegator may delegate to several agents.
        assert_ok!(Poc::delegate(origin(DAVE), 2, 100));
        assert_eq!(held_delegation(DAVE), 1_600);
        try_state();
    });
}

#[test]
fn delegate_errors() {
    call_test_ext().execute_with(|| {
        assert_noop!(Poc::delegate(RuntimeOrigin::root(), 1, 1_000), BadOrigin);
        assert_noop!(
            Poc::delegate(origin(DAVE), 1, MIN_DELEGATION - 1),
            Error::<Test>::DelegationTooLow
        );
        assert_noop!(
            Poc::delegate(origin(DAVE), EVE, 1_000),
            Error::<Test>::UnknownAgent
        );
        assert_noop!(
            Poc::delegate(origin(POOR), 1, MIN_DELEGATION),
            Error::<Test>::InsufficientBalance
        );
        assert_noop!(
            Poc::delegate(origin(DAVE), 1, MAX_DELEGATED + 1),
            Error::<Test>::DelegationCapExceeded
        );
        assert_ok!(Poc::delegate(origin(DAVE), 1, MAX_DELEGATED - 100));
        assert_noop!(
            Poc::delegate(origin(CAROL), 1, 101),
            Error::<Test>::DelegationCapExceeded
        );
        assert_ok!(Poc::delegate(origin(CAROL), 1, 100));
        // MaxDelegatorsPerAgent (3).
        assert_ok!(Poc::delegate(origin(TREY), 2, 100));
        assert_ok!(Poc::delegate(origin(CAROL), 2, 100));
        assert_ok!(Poc::delegate(origin(DAVE), 2, 100));
        assert_noop!(
            Poc::delegate(origin(ZED), 2, 100),
            Error::<Test>::TooManyDelegators
        );
        // An existing delegator may still top up.
        assert_ok!(Poc::delegate(origin(DAVE), 2, 100));
        assert_ok!(Poc::stop_agent(origin(3)));
        assert_noop!(
            Poc::delegate(origin(DAVE), 3, 1_000),
            Error::<Test>::AgentNotActive
        );
        try_state();
    });
}

#[test]
fn undelegate_releases_at_once() {
    call_test_ext().execute_with(|| {
        assert_ok!(Poc::delegate(origin(DAVE), 1, 1_000));
        assert_ok!(Poc::undelegate(origin(DAVE), 1, 400));
        assert_eq!(held_delegation(DAVE), 600);
        assert_eq!(agent(1).delegated, 600);
        System::assert_last_event(RuntimeEvent::Poc(Event::Undelegated {
            delegator: DAVE,
            agent: 1,
            amount: 400,
            remaining: 600,
        }));
        assert_ok!(Poc::undelegate(origin(DAVE), 1, 600));
        assert_eq!(held_delegation(DAVE), 0);
        assert_eq!(agent(1).delegators, 0);
        assert!(!Delegations::<Test>::contains_key(1, DAVE));
        assert!(!DelegatorAgents::<Test>::contains_key(DAVE, 1));
        assert_eq!(Balances::balance(&DAVE), RICH);
        try_state();
    });
}

#[test]
fn undelegate_errors() {
    call_test_ext().execute_with(|| {
        assert_ok!(Poc::delegate(origin(DAVE), 1, 1_000));
        assert_noop!(Poc::undelegate(RuntimeOrigin::root(), 1, 1), BadOrigin);
        assert_noop!(
            Poc::undelegate(origin(DAVE), 1, 0),
            Error::<Test>::ZeroAmount
        );
        assert_noop!(
            Poc::undelegate(origin(CAROL), 1, 100),
            Error::<Test>::NoDelegation
        );
        assert_noop!(
            Poc::undelegate(origin(DAVE), 1, 1_001),
            Error::<Test>::InsufficientDelegation
        );
        assert_noop!(
            Poc::undelegate(origin(DAVE), 1, 901),
            Error::<Test>::RemainderTooLow
        );
        assert_ok!(Poc::undelegate(origin(DAVE), 1, 900));
        try_state();
    });
}

// --- stop_agent / withdraw_unlocked ----------------------------------------------------------

#[test]
fn stop_agent_refunds_delegators_and_locks_the_deposit() {
    call_test_ext().execute_with(|| {
        assert_ok!(Poc::delegate(origin(DAVE), 1, 1_000));
        assert_ok!(Poc::delegate(origin(CAROL), 1, 2_000));
        assert_ok!(Poc::stop_agent(origin(1)));
        assert_eq!(held_delegation(DAVE), 0);
        assert_eq!(held_delegation(CAROL), 0);
        assert_eq!(Balances::balance(&DAVE), RICH);
        let record = agent(1);
        assert_eq!(
            record.state,
            AgentState::Stopped {
                unlock_at: 1 + STOP_LOCK
            }
        );
        assert_eq!((record.delegated, record.delegators), (0, 0));
        assert_eq!(held_deposit(1), deposit_of(1));
        assert!(NextProducers::<Test>::get().iter().all(|p| p.agent != 1));
        System::assert_last_event(RuntimeEvent::Poc(Event::AgentStopped {
            agent: 1,
            unlock_at: 1 + STOP_LOCK,
            refunded: 2,
        }));
        assert_eq!(
            Poc::agents()[0].status,
            AgentStatus::Stopped {
                unlock_at: 1 + STOP_LOCK
            }
        );
        try_state();
    });
}

#[test]
fn stop_agent_errors() {
    call_test_ext().execute_with(|| {
        assert_noop!(Poc::stop_agent(RuntimeOrigin::root()), BadOrigin);
        assert_noop!(Poc::stop_agent(origin(EVE)), Error::<Test>::NotAgent);
        assert_ok!(Poc::stop_agent(origin(1)));
        assert_noop!(Poc::stop_agent(origin(1)), Error::<Test>::AlreadyStopped);
    });
}

#[test]
fn withdraw_unlocked_waits_for_the_stop_lock() {
    call_test_ext().execute_with(|| {
        assert_noop!(Poc::withdraw_unlocked(RuntimeOrigin::root()), BadOrigin);
        assert_noop!(
            Poc::withdraw_unlocked(origin(1)),
            Error::<Test>::NothingToWithdraw
        );
        assert_noop!(
            Poc::withdraw_unlocked(origin(EVE)),
            Error::<Test>::NothingToWithdraw
        );
        assert_ok!(Poc::stop_agent(origin(1)));
        System::set_block_number(STOP_LOCK);
        assert_noop!(
            Poc::withdraw_unlocked(origin(1)),
            Error::<Test>::StillLocked
        );
        System::set_block_number(1 + STOP_LOCK);
        assert_ok!(Poc::withdraw_unlocked(origin(1)));
        assert_eq!(held_deposit(1), 0);
        assert_eq!(Balances::balance(&1), RICH);
        assert!(!Agents::<Test>::contains_key(1));
        assert_eq!(AgentCount::<Test>::get(), 3);
        // The packing key stays mapped, for evidence.
        assert_eq!(PackingKeyOwner::<Test>::get(key(1)), Some(1));
        System::assert_last_event(RuntimeEvent::Poc(Event::Withdrawn {
            agent: 1,
            deposit: deposit_of(1),
        }));
        try_state();
    });
}

#[test]
fn a_yellow_card_freeze_delays_withdrawal() {
    new_test_ext().execute_with(|| {
        produce(START);
        // Skip slot START + 1: its owner is carded in block 2 and frozen until 2 + 20.
        let missed = Poc::slot_owner(START + 1).expect("owner").agent;
        produce(START + 2);
        assert_eq!(agent(missed).frozen_until, Some(2 + YELLOW_FREEZE));
        assert_ok!(Poc::stop_agent(origin(missed)));
        // Stop lock ends at 2 + 10, the freeze at 2 + 20.
        System::set_block_number(2 + STOP_LOCK);
        assert_noop!(
            Poc::withdraw_unlocked(origin(missed)),
            Error::<Test>::StillLocked
        );
        System::set_block_number(2 + YELLOW_FREEZE);
        assert_ok!(Poc::withdraw_unlocked(origin(missed)));
        try_state();
    });
}

// --- Rounds and slots ------------------------------------------------------------------------

#[test]
fn the_first_block_fixes_round_zero_at_an_aligned_slot() {
    new_test_ext().execute_with(|| {
        // Any genesis producer can start the chain: slot s is position s mod 4 of round 0.
        let round = CurrentRound::<Test>::get().expect("round");
        for slot in [START, START + 1, START + 3, START + 4 * 1_000 + 2] {
            let owner = Poc::slot_owner(slot).expect("owner");
            assert_eq!(owner.round, 0);
            assert_eq!(u64::from(owner.index), slot % 4);
            assert_eq!(owner.agent, round.producers[(slot % 4) as usize].agent);
            assert_eq!(
                owner.packing_key,
                round.producers[(slot % 4) as usize].packing_key
            );
        }
        let owner = produce(START + 2);
        assert_eq!(owner.index, 2);
        assert_eq!(
            CurrentRound::<Test>::get().and_then(|r| r.start_slot),
            Some(START)
        );
        assert_eq!(LastSlot::<Test>::get(), Some(START + 2));
        // The round's earlier slots are past now.
        assert_eq!(Poc::slot_owner(START + 1), None);
        assert_eq!(Poc::slot_owner(START + 2), None);
        assert_eq!(Poc::slot_owner(START + 3).map(|o| o.index), Some(3));
        assert_eq!(Poc::current_round().start_slot, START);
        // Nothing was missed before the chain's first block.
        assert!(
            !poc_events()
                .iter()
                .any(|e| matches!(e, Event::YellowCarded { .. }))
        );
        try_state();
    });
}

#[test]
fn rounds_advance_with_the_fixed_membership_ordered_by_the_round_randomness() {
    new_test_ext().execute_with(|| {
        produce_all(START, START + 4);
        let randomness = RoundRandomness::<Test>::get();
        // Round 1's slots are known from the last block of round 0.
        let predicted: Vec<u64> = (START + 4..START + 8)
            .map(|s| Poc::slot_owner(s).expect("owner").agent)
            .collect();
        let mut expected: Vec<_> = NextProducers::<Test>::get().into_inner();
        schedule::order(&mut expected, 1, &randomness, |p| p.packing_key);
        let expected: Vec<u64> = expected.iter().map(|p| p.agent).collect();
        assert_eq!(predicted, expected);

        let owner = produce(START + 4);
        assert_eq!(owner.round, 1);
        assert_eq!(owner.index, 0);
        assert!(poc_events().contains(&Event::RoundStarted {
            index: 1,
            start_slot: START + 4,
            producers: 4,
        }));
        let round = CurrentRound::<Test>::get().expect("round");
        assert_eq!(round.index, 1);
        let order: Vec<u64> = round.producers.iter().map(|p| p.agent).collect();
        assert_eq!(order, predicted);
        // The credit pallet follows the rounds.
        assert_eq!(pallet_wcme_credit::CurrentRound::<Test>::get(), 1);
        // The randomness accumulates this block's parent hash on top of round 0's.
        let produced_rest: Vec<u64> = (START + 5..START + 8).map(|s| produce(s).agent).collect();
        assert_eq!(produced_rest, predicted[1..].to_vec());
        try_state();
    });
}

#[test]
fn the_round_randomness_accumulates_parent_hashes() {
    new_test_ext().execute_with(|| {
        let before = RoundRandomness::<Test>::get();
        let parent = ParentHash::get();
        produce(START);
        assert_eq!(
            RoundRandomness::<Test>::get(),
            schedule::accumulate(&before, parent.as_ref())
        );
    });
}

#[test]
fn the_schedule_is_deterministic() {
    let run = || {
        new_test_ext().execute_with(|| {
            let mut owners = Vec::new();
            let mut slot = START;
            for step in 0..30u64 {
                // Skip a slot now and then.
                slot += 1 + step % 3 / 2;
                owners.push(produce(slot));
            }
            (
                owners,
                RoundRandomness::<Test>::get(),
                CurrentRound::<Test>::get(),
            )
        })
    };
    assert_eq!(run(), run());
}

#[test]
fn slot_owner_predicts_every_block_it_accepts() {
    new_test_ext().execute_with(|| {
        let mut slot = START;
        for step in 0..40u64 {
            let predicted = Poc::slot_owner(slot).expect("owner");
            let produced = produce(slot);
            assert_eq!(predicted, produced);
            let round = CurrentRound::<Test>::get().expect("round");
            assert_eq!(round.index, produced.round);
            assert_eq!(
                round.producers[produced.index as usize].agent,
                produced.agent
            );
            slot += 1 + (step * 7) % 5 / 4;
        }
        try_state();
    });
}

#[test]
#[should_panic(expected = "the pre-digest says round 0 index 1")]
fn a_block_by_the_wrong_producer_is_rejected() {
    new_test_ext().execute_with(|| {
        run_block_with(
            digest_of(&PreDigest {
                round: 0,
                slot: START,
                author_index: 1,
            }),
            || {},
        );
    });
}

#[test]
#[should_panic(expected = "the pre-digest says round 0 index 0")]
fn a_block_claiming_the_wrong_round_is_rejected() {
    new_test_ext().execute_with(|| {
        produce_all(START, START + 4);
        run_block_with(
            digest_of(&PreDigest {
                round: 0,
                slot: START + 4,
                author_index: 0,
            }),
            || {},
        );
    });
}

#[test]
#[should_panic(expected = "is not after the parent's slot")]
fn a_block_whose_slot_does_not_advance_is_rejected() {
    new_test_ext().execute_with(|| {
        produce(START + 1);
        run_block_with(
            digest_of(&PreDigest {
                round: 0,
                slot: START + 1,
                author_index: 1,
            }),
            || {},
        );
    });
}

#[test]
#[should_panic(expected = "invalid pre-runtime digest: DuplicatePreDigest")]
fn a_block_with_two_pre_digests_is_rejected() {
    new_test_ext().execute_with(|| {
        let pre = PreDigest {
            round: 0,
            slot: START,
            author_index: 0,
        };
        let mut digest = digest_of(&pre);
        digest.push(pre.to_digest_item());
        run_block_with(digest, || {});
    });
}

#[test]
#[should_panic(expected = "no producer is scheduled")]
fn a_poc_block_on_a_chain_without_producers_is_rejected() {
    ExtBuilder::no_agents().build().execute_with(|| {
        run_block_with(
            digest_of(&PreDigest {
                round: 0,
                slot: START,
                author_index: 0,
            }),
            || {},
        );
    });
}

#[test]
fn blocks_without_a_poc_digest_do_nothing_and_burn_fees() {
    new_test_ext().execute_with(|| {
        let issuance = Balances::total_issuance();
        let round = CurrentRound::<Test>::get();
        let randomness = RoundRandomness::<Test>::get();
        run_dev_block(|| pay_fee(EVE, 1_000));
        run_dev_block(|| {});
        assert_eq!(Balances::total_issuance(), issuance - 1_000);
        assert_eq!(CurrentRound::<Test>::get(), round);
        assert_eq!(RoundRandomness::<Test>::get(), randomness);
        assert_eq!(LastSlot::<Test>::get(), None);
        assert!(poc_events().is_empty());
        assert_eq!(
            pallet_wcme_credit::Activity::<Test>::iter().count(),
            0,
            "no credit noted"
        );
        try_state();
    });
}

#[test]
fn a_stalled_chain_continues_by_division_with_extended_randomness() {
    new_test_ext().execute_with(|| {
        produce_all(START, START + 2);
        let acc = RoundRandomness::<Test>::get();
        // Round 0: [1000, 1004); round 1: [1004, 1008); rounds ≥ 2 have the current membership.
        let far = START + 4 * 1_000 + 2; // round 1 000, index 2
        let owner = Poc::slot_owner(far).expect("owner");
        assert_eq!(owner.round, 1_000);
        assert_eq!(owner.index, 2);
        let mut members = crate::Pallet::<Test>::membership_snapshot();
        let ordering = schedule::skipped_round_randomness(&acc, 999);
        schedule::order(&mut members, 1_000, &ordering, |p| p.packing_key);
        assert_eq!(owner.agent, members[2].agent);

        let parent = ParentHash::get();
        produce(far);
        let round = CurrentRound::<Test>::get().expect("round");
        assert_eq!(round.index, 1_000);
        assert_eq!(round.start_slot, Some(far - 2));
        assert_eq!(
            RoundRandomness::<Test>::get(),
            schedule::accumulate(&ordering, parent.as_ref())
        );
        try_state();
    });
}

#[test]
fn an_empty_membership_keeps_the_previous_producers() {
    new_test_ext().execute_with(|| {
        produce(START);
        for n in GENESIS_AGENTS {
            assert_ok!(Poc::stop_agent(origin(n)));
        }
        assert!(NextProducers::<Test>::get().is_empty());
        // The chain goes on through three more rounds with the stopped agents' schedule.
        produce_all(START + 1, START + 16);
        let round = CurrentRound::<Test>::get().expect("round");
        assert_eq!(round.index, 3);
        assert_eq!(round.producers.len(), 4);
        try_state();
    });
}

#[test]
fn agents_registered_during_a_round_join_at_the_next_snapshot() {
    new_test_ext().execute_with(|| {
        produce(START);
        assert_ok!(register(EVE, 5, MAX_DEPOSIT));
        produce_all(START + 1, START + 4);
        // Round 1 is the membership fixed at genesis; round 2's is fixed at round 1's start.
        produce(START + 4);
        assert!(
            CurrentRound::<Test>::get()
                .expect("round")
                .producers
                .iter()
                .all(|p| p.agent != EVE)
        );
        assert_eq!(
            NextProducers::<Test>::get()[0].agent,
            EVE,
            "largest stake first"
        );
        produce_all(START + 5, START + 8);
        produce(START + 8);
        let round = CurrentRound::<Test>::get().expect("round");
        assert_eq!(round.index, 2);
        assert!(round.producers.iter().any(|p| p.agent == EVE));
        assert_eq!(round.producers.len(), 5);
        try_state();
    });
}

// --- Yellow cards ----------------------------------------------------------------------------

#[test]
fn a_missed_slot_yellow_cards_its_owner_and_freezes_the_deposit() {
    new_test_ext().execute_with(|| {
        produce(START);
        let missed = Poc::slot_owner(START + 1).expect("owner").agent;
        produce(START + 2);
        let events = poc_events();
        assert!(events.contains(&Event::YellowCarded {
            agent: missed,
            round: 0,
            slot: START + 1
        }));
        assert!(events.contains(&Event::DepositFrozen {
            agent: missed,
            until: 2 + YELLOW_FREEZE
        }));
        assert_eq!(
            credit(missed),
            Credit::from_units(-1_000).expect("in range")
        );
        assert_eq!(
            events
                .iter()
                .filter(|e| matches!(e, Event::YellowCarded { .. }))
                .count(),
            1
        );
        let info = Poc::agents()
            .into_iter()
            .find(|a| a.agent == missed)
            .expect("agent");
        assert_eq!(info.frozen_until, Some(2 + YELLOW_FREEZE));
        assert_eq!(info.credit, -1_000);
        try_state();
    });
}

#[test]
fn missed_slots_across_a_round_boundary_are_carded_in_their_round() {
    new_test_ext().execute_with(|| {
        produce_all(START, START + 3);
        let last_of_round_0 = Poc::slot_owner(START + 3).expect("owner").agent;
        let first_of_round_1 = Poc::slot_owner(START + 4).expect("owner").agent;
        produce(START + 5);
        let events = poc_events();
        assert!(events.contains(&Event::YellowCarded {
            agent: last_of_round_0,
            round: 0,
            slot: START + 3
        }));
        if first_of_round_1 != last_of_round_0 {
            assert!(events.contains(&Event::YellowCarded {
                agent: first_of_round_1,
                round: 1,
                slot: START + 4
            }));
        }
    });
}

#[test]
fn an_outage_cards_each_agent_at_most_once_and_looks_one_round_back() {
    new_test_ext().execute_with(|| {
        produce(START);
        // Five whole rounds pass without a block.
        let slot = START + 4 * 5 + 1;
        produce(slot);
        let cards: Vec<(u64, u32, Slot)> = poc_events()
            .into_iter()
            .filter_map(|e| match e {
                Event::YellowCarded { agent, round, slot } => Some((agent, round, slot)),
                _ => None,
            })
            .collect();
        assert!(!cards.is_empty() && cards.len() <= 4, "{cards:?}");
        let mut agents: Vec<u64> = cards.iter().map(|c| c.0).collect();
        agents.sort();
        agents.dedup();
        assert_eq!(agents.len(), cards.len(), "one card per agent");
        assert!(
            cards.iter().all(|c| (slot - 4..slot).contains(&c.2)),
            "{cards:?}"
        );
        for n in GENESIS_AGENTS {
            assert!(credit(n) >= Credit::from_units(-1_000).expect("in range"));
        }
        try_state();
    });
}

#[test]
fn stopped_agents_get_no_yellow_card() {
    new_test_ext().execute_with(|| {
        produce(START);
        let missed = Poc::slot_owner(START + 1).expect("owner").agent;
        assert_ok!(Poc::stop_agent(origin(missed)));
        produce(START + 2);
        assert!(
            !poc_events()
                .iter()
                .any(|e| matches!(e, Event::YellowCarded { .. }))
        );
        assert_eq!(credit(missed), Credit::ZERO);
        assert_eq!(agent(missed).frozen_until, None);
    });
}

#[test]
fn yellow_cards_down_to_minus_one_turn_into_a_red_card() {
    new_test_ext().execute_with(|| {
        assert_ok!(Poc::delegate(origin(DAVE), 2, 1_000));
        let lazy = Poc::slot_owner(START + 1).expect("owner").agent;
        // Nine cards already in the window: credit -0.9.
        for _ in 0..9 {
            assert_ok!(<CreditPallet as CreditRecorder<u64>>::note_yellow_card(
                &lazy, 0
            ));
        }
        assert_eq!(credit(lazy), Credit::from_units(-9_000).expect("in range"));
        produce(START);
        // The tenth card, for missing slot START + 1, brings credit to -1: a red card.
        produce(START + 2);
        let events = poc_events();
        assert!(events.contains(&Event::YellowCarded {
            agent: lazy,
            round: 0,
            slot: START + 1
        }));
        assert!(events.contains(&Event::RedCarded {
            agent: lazy,
            reason: RedCardReason::CreditExhausted,
            unlock_at: Some(2 + RED_LOCK),
        }));
        assert!(matches!(agent(lazy).state, AgentState::RedCarded { .. }));
        assert!(<CreditPallet as CreditProvider<u64>>::has_red_card(&lazy));
        assert_eq!(credit(lazy), Credit::MIN);
        if lazy == 2 {
            assert_eq!(held_delegation(DAVE), 0, "delegators refunded");
        }
        assert!(NextProducers::<Test>::get().iter().all(|p| p.agent != lazy));
        // Stopped agents get no further cards, and the red-carded agent's deposit is locked.
        produce(START + 5);
        assert!(
            !poc_events()
                .iter()
                .any(|e| matches!(e, Event::YellowCarded { agent, .. } if *agent == lazy))
        );
        try_state();
    });
}

#[test]
fn an_offline_agent_keeps_getting_cards_round_after_round() {
    new_test_ext().execute_with(|| {
        let lazy = 2;
        let mut cards = 0;
        for slot in START..START + 4 * 12 {
            let owner = Poc::slot_owner(slot).expect("owner");
            if owner.agent != lazy {
                produce(slot);
                cards += poc_events()
                    .iter()
                    .filter(|e| matches!(e, Event::YellowCarded { agent, .. } if *agent == lazy))
                    .count();
            }
        }
        // One card per round, except when its slots of two rounds are adjacent (one gap, one
        // card).
        assert!((8..=12).contains(&cards), "{cards}");
        assert!(credit(lazy) <= Credit::from_units(-7_000).expect("in range"));
        for n in [1, 3, 4] {
            assert!(credit(n) > Credit::ZERO);
        }
        try_state();
    });
}

// --- Equivocation ----------------------------------------------------------------------------

#[test]
fn valid_header_evidence_red_cards_and_stops_the_offender() {
    call_test_ext().execute_with(|| {
        assert_ok!(Poc::delegate(origin(DAVE), 3, 1_000));
        let evidence = header_evidence(3, sealed(77, 1, 3), sealed(77, 2, 3));
        let call = crate::Call::<Test>::report_equivocation {
            evidence: evidence.clone(),
        };
        assert_eq!(call.get_dispatch_info().pays_fee, Pays::Yes);
        let post = Poc::report_equivocation(origin(EVE), evidence).expect("valid evidence");
        assert_eq!(post.pays_fee, Pays::No);
        let record = agent(3);
        assert_eq!(
            record.state,
            AgentState::RedCarded {
                unlock_at: 1 + RED_LOCK
            }
        );
        assert_eq!(held_deposit(3), deposit_of(3));
        assert_eq!(held_delegation(DAVE), 0);
        assert!(<CreditPallet as CreditProvider<u64>>::has_red_card(&3));
        assert_eq!(credit(3), Credit::MIN);
        assert!(NextProducers::<Test>::get().iter().all(|p| p.agent != 3));
        let events = poc_events();
        assert!(events.contains(&Event::EquivocationReported {
            reporter: Some(EVE),
            agent: 3,
            packing_key: key(3),
            slot: Some(77),
        }));
        assert!(events.contains(&Event::RedCarded {
            agent: 3,
            reason: RedCardReason::Equivocation,
            unlock_at: Some(1 + RED_LOCK),
        }));
        assert_eq!(
            pallet_wcme_credit::RedCards::<Test>::get(3).map(|r| r.reason),
            Some(RedCardReason::Equivocation)
        );
        // Locked for a month, then withdrawable; never registrable again.
        System::set_block_number(RED_LOCK);
        assert_noop!(
            Poc::withdraw_unlocked(origin(3)),
            Error::<Test>::StillLocked
        );
        System::set_block_number(1 + RED_LOCK);
        assert_ok!(Poc::withdraw_unlocked(origin(3)));
        assert_noop!(register(3, 8, MIN_DEPOSIT), Error::<Test>::RedCarded);
        try_state();
    });
}

#[test]
fn precommit_evidence_red_cards_for_conflicting_votes() {
    call_test_ext().execute_with(|| {
        let vote = |byte| Vote {
            kind: VoteKind::Precommit,
            round: 0,
            view: 0,
            number: 5u64,
            hash: H256::repeat_byte(byte),
        };
        let evidence = Box::new(Evidence::<HeaderFor<Test>>::Precommits(
            PrecommitEquivocation {
                first: SignedVote::sign(vote(1), &pair(2)),
                second: SignedVote::sign(vote(2), &pair(2)),
            },
        ));
        assert_ok!(Poc::report_equivocation(origin(EVE), evidence));
        assert!(poc_events().contains(&Event::RedCarded {
            agent: 2,
            reason: RedCardReason::ConflictingVotes,
            unlock_at: Some(1 + RED_LOCK),
        }));
    });
}

#[test]
fn bad_evidence_is_rejected_and_the_accused_is_unaffected() {
    call_test_ext().execute_with(|| {
        assert_noop!(
            Poc::report_equivocation(
                RuntimeOrigin::root(),
                header_evidence(3, sealed(77, 1, 3), sealed(77, 2, 3))
            ),
            BadOrigin
        );
        // Different slots.
        assert_noop!(
            Poc::report_equivocation(
                origin(EVE),
                header_evidence(3, sealed(77, 1, 3), sealed(78, 2, 3))
            ),
            Error::<Test>::EvidenceDifferentSlotOrView
        );
        // The same header twice.
        let header = sealed(77, 1, 3);
        assert_noop!(
            Poc::report_equivocation(origin(EVE), header_evidence(3, header.clone(), header)),
            Error::<Test>::EvidenceNotConflicting
        );
        // Framing: one header sealed by someone else.
        assert_noop!(
            Poc::report_equivocation(
                origin(EVE),
                header_evidence(3, sealed(77, 1, 3), sealed(77, 2, 4))
            ),
            Error::<Test>::EvidenceBadHeader
        );
        let vote = |kind, byte| Vote {
            kind,
            round: 0,
            view: 0,
            number: 5u64,
            hash: H256::repeat_byte(byte),
        };
        let votes = |a: SignedVote<H256, u64>, b: SignedVote<H256, u64>| {
            Box::new(Evidence::<HeaderFor<Test>>::Precommits(
                PrecommitEquivocation {
                    first: a,
                    second: b,
                },
            ))
        };
        assert_noop!(
            Poc::report_equivocation(
                origin(EVE),
                votes(
                    SignedVote::sign(vote(VoteKind::Prevote, 1), &pair(3)),
                    SignedVote::sign(vote(VoteKind::Precommit, 2), &pair(3))
                )
            ),
            Error::<Test>::EvidenceNotPrecommits
        );
        assert_noop!(
            Poc::report_equivocation(
                origin(EVE),
                votes(
                    SignedVote::sign(vote(VoteKind::Precommit, 1), &pair(3)),
                    SignedVote::sign(vote(VoteKind::Precommit, 2), &pair(4))
                )
            ),
            Error::<Test>::EvidenceDifferentSigners
        );
        let mut forged = SignedVote::sign(vote(VoteKind::Precommit, 2), &pair(3));
        forged.vote.hash = H256::repeat_byte(9);
        assert_noop!(
            Poc::report_equivocation(
                origin(EVE),
                votes(
                    SignedVote::sign(vote(VoteKind::Precommit, 1), &pair(3)),
                    forged
                )
            ),
            Error::<Test>::EvidenceBadVoteSignature
        );
        // A key nobody registered.
        assert_noop!(
            Poc::report_equivocation(
                origin(EVE),
                header_evidence(42, sealed(77, 1, 42), sealed(77, 2, 42))
            ),
            Error::<Test>::UnknownOffender
        );
        assert_eq!(agent(3).state, AgentState::Active);
        assert_eq!(credit(3), Credit::ZERO);
        assert!(!<CreditPallet as CreditProvider<u64>>::has_red_card(&3));
    });
}

#[test]
#[allow(deprecated)] // `ValidateUnsigned`, see the pallet.
fn a_node_reports_unsigned_once_and_only_valid_evidence_enters_the_pool() {
    use frame_support::{
        pallet_prelude::{InvalidTransaction, TransactionSource},
        unsigned::ValidateUnsigned,
    };
    call_test_ext().execute_with(|| {
        let unsigned = |evidence| crate::Call::<Test>::report_equivocation_unsigned { evidence };
        let valid = header_evidence(3, sealed(77, 1, 3), sealed(77, 2, 3));
        let forged = header_evidence(3, sealed(77, 1, 3), sealed(77, 2, 4));
        for source in [TransactionSource::External, TransactionSource::Local] {
            assert_eq!(
                Poc::validate_unsigned(source, &unsigned(forged.clone())),
                InvalidTransaction::BadProof.into()
            );
            let validity = Poc::validate_unsigned(source, &unsigned(valid.clone()))
                .expect("valid evidence is pooled");
            // One report per offender: a second piece of evidence about it replaces the first.
            assert_eq!(
                validity.provides,
                vec![codec::Encode::encode(&("PocEquivocation", 3u64))]
            );
            assert!(validity.propagate);
        }
        assert_noop!(
            Poc::report_equivocation_unsigned(origin(EVE), valid.clone()),
            BadOrigin
        );
        assert_noop!(
            Poc::report_equivocation_unsigned(RuntimeOrigin::none(), forged),
            Error::<Test>::EvidenceBadHeader
        );
        assert_eq!(agent(3).state, AgentState::Active);

        let post = Poc::report_equivocation_unsigned(RuntimeOrigin::none(), valid.clone())
            .expect("valid evidence");
        assert_eq!(post.pays_fee, Pays::No);
        assert!(matches!(agent(3).state, AgentState::RedCarded { .. }));
        assert!(poc_events().contains(&Event::EquivocationReported {
            reporter: None,
            agent: 3,
            packing_key: key(3),
            slot: Some(77),
        }));
        // Once the offender is red-carded, the report is stale everywhere.
        assert_eq!(
            Poc::validate_unsigned(TransactionSource::External, &unsigned(valid)),
            InvalidTransaction::BadProof.into()
        );
    });
}

#[test]
fn one_offence_is_punished_once() {
    call_test_ext().execute_with(|| {
        assert_ok!(Poc::report_equivocation(
            origin(EVE),
            header_evidence(3, sealed(77, 1, 3), sealed(77, 2, 3))
        ));
        assert_noop!(
            Poc::report_equivocation(
                origin(FERDIE),
                header_evidence(3, sealed(80, 1, 3), sealed(80, 2, 3))
            ),
            Error::<Test>::AlreadyRedCarded
        );
    });
}

#[test]
fn evidence_reaches_an_agent_that_already_left() {
    call_test_ext().execute_with(|| {
        assert_ok!(Poc::stop_agent(origin(3)));
        System::set_block_number(1 + STOP_LOCK);
        assert_ok!(Poc::withdraw_unlocked(origin(3)));
        assert_ok!(Poc::report_equivocation(
            origin(EVE),
            header_evidence(3, sealed(77, 1, 3), sealed(77, 2, 3))
        ));
        assert!(<CreditPallet as CreditProvider<u64>>::has_red_card(&3));
        assert!(poc_events().contains(&Event::RedCarded {
            agent: 3,
            reason: RedCardReason::Equivocation,
            unlock_at: None,
        }));
        assert_noop!(register(3, 8, MIN_DEPOSIT), Error::<Test>::RedCarded);
    });
}

// --- Coinbase and fees -----------------------------------------------------------------------

#[test]
fn fees_of_a_poc_block_go_to_its_author() {
    new_test_ext().execute_with(|| {
        let issuance = Balances::total_issuance();
        let owner = produce_with(START, || pay_fee(EVE, 5_000));
        // Round 0 pays no inflation (credit 0 at genesis): the coinbase is the fees.
        assert_eq!(Balances::balance(&reward_of(owner.agent)), 5_000);
        assert_eq!(Balances::total_issuance(), issuance);
        assert!(poc_events().contains(&Event::Coinbase {
            author: owner.agent,
            round: 0,
            inflation: 0,
            fees: 5_000,
            agent_reward: 5_000,
            delegators_reward: 0,
        }));
        assert!(!CurrentAuthor::<Test>::exists());
        try_state();
    });
}

#[test]
fn inflation_is_shared_by_coinbase_weight_once_credit_is_positive() {
    new_test_ext().execute_with(|| {
        // Round 0: everyone produces (credit 0.1 each); round 1 fixes round 2's weights.
        produce_all(START, START + 8);
        let round = CurrentRound::<Test>::get().expect("round");
        assert_eq!(round.index, 1);
        assert_eq!(round.total_weight, 0, "round 1 was fixed at genesis");
        let issuance = Balances::total_issuance();
        let mut paid = 0u128;
        for slot in START + 8..START + 12 {
            let owner = produce(slot);
            let round = CurrentRound::<Test>::get().expect("round");
            assert_eq!(round.index, 2);
            let producer = &round.producers[owner.index as usize];
            // stake · max(0, credit) with credit 0.1 (one block in a window of 10).
            assert_eq!(producer.reward_weight, producer.stake / 10);
            let p = rewards::round_inflation(ANNUAL_INFLATION, 4, SLOT_MS);
            let expected = p * producer.reward_weight / round.total_weight;
            let inflation = poc_events()
                .into_iter()
                .find_map(|e| match e {
                    Event::Coinbase { inflation, .. } => Some(inflation),
                    _ => None,
                })
                .expect("coinbase");
            assert_eq!(inflation, expected);
            paid += inflation;
        }
        let p = rewards::round_inflation(ANNUAL_INFLATION, 4, SLOT_MS);
        assert!(paid <= p && p - paid < 4, "{paid} vs {p}");
        assert_eq!(Balances::total_issuance(), issuance + paid);
        try_state();
    });
}

#[test]
fn delegators_share_the_coinbase_lazily() {
    new_test_ext().execute_with(|| {
        // Agent 1: deposit 10 000; DAVE delegates 10 000.
        assert_ok!(Poc::delegate(origin(DAVE), 1, 10_000));
        let slot = slot_of(1, START);
        produce_with(slot, || pay_fee(EVE, 1_000_000));
        // C = 1 000 000: delegators' stake half = 500 000, minus 10 % commission = 450 000.
        assert!(poc_events().contains(&Event::Coinbase {
            author: 1,
            round: 0,
            inflation: 0,
            fees: 1_000_000,
            agent_reward: 550_000,
            delegators_reward: 450_000,
        }));
        assert_eq!(Balances::balance(&reward_of(1)), 550_000);
        assert_eq!(Poc::pending_rewards(&DAVE), 450_000);
        assert_eq!(Poc::pending_rewards(&1), 0);
        let before = Balances::balance(&DAVE);
        System::set_block_number(System::block_number() + 1);
        assert_ok!(Poc::withdraw_unlocked(origin(DAVE)));
        assert_eq!(Balances::balance(&DAVE), before + 450_000);
        assert_eq!(Poc::pending_rewards(&DAVE), 0);
        System::assert_last_event(RuntimeEvent::Poc(Event::RewardsPaid {
            delegator: DAVE,
            agent: 1,
            amount: 450_000,
        }));
        assert_noop!(
            Poc::withdraw_unlocked(origin(DAVE)),
            Error::<Test>::NothingToWithdraw
        );
        try_state();
    });
}

#[test]
fn pending_rewards_are_paid_on_delegate_undelegate_and_stop() {
    new_test_ext().execute_with(|| {
        assert_ok!(Poc::delegate(origin(DAVE), 1, 10_000));
        assert_ok!(Poc::delegate(origin(CAROL), 1, 10_000));
        let slot = slot_of(1, START);
        produce_with(slot, || pay_fee(EVE, 3_000_000));
        // Delegators' half is 2/3 of 3 000 000 = 2 000 000, minus 10 % = 1 800 000, 900 000 each.
        assert_eq!(Poc::pending_rewards(&DAVE), 900_000);
        assert_eq!(Poc::pending_rewards(&CAROL), 900_000);
        let dave = Balances::balance(&DAVE);
        assert_ok!(Poc::delegate(origin(DAVE), 1, 1_000));
        assert_eq!(Balances::balance(&DAVE), dave + 900_000 - 1_000);
        let carol = Balances::balance(&CAROL);
        assert_ok!(Poc::undelegate(origin(CAROL), 1, 5_000));
        assert_eq!(Balances::balance(&CAROL), carol + 900_000 + 5_000);
        assert_eq!(Poc::pending_rewards(&DAVE), 0);
        assert_eq!(Poc::pending_rewards(&CAROL), 0);

        let slot = slot_of(1, slot + 1);
        produce_with(slot, || pay_fee(EVE, 2_600_000));
        let pending = Poc::pending_rewards(&DAVE) + Poc::pending_rewards(&CAROL);
        assert!(pending > 0);
        let (dave, carol) = (Balances::balance(&DAVE), Balances::balance(&CAROL));
        let (dave_pending, carol_pending) =
            (Poc::pending_rewards(&DAVE), Poc::pending_rewards(&CAROL));
        assert_ok!(Poc::stop_agent(origin(1)));
        assert_eq!(Balances::balance(&DAVE), dave + dave_pending + 11_000);
        assert_eq!(Balances::balance(&CAROL), carol + carol_pending + 5_000);
        try_state();
    });
}

#[test]
fn a_red_carded_author_gets_no_coinbase() {
    new_test_ext().execute_with(|| {
        let slot = slot_of(3, START);
        let issuance = Balances::total_issuance();
        produce_with(slot, || {
            pay_fee(EVE, 1_000);
            assert_ok!(Poc::report_equivocation(
                origin(EVE),
                header_evidence(3, sealed(77, 1, 3), sealed(77, 2, 3))
            ));
        });
        assert!(
            !poc_events()
                .iter()
                .any(|e| matches!(e, Event::Coinbase { .. }))
        );
        assert_eq!(Balances::total_issuance(), issuance - 1_000);
        try_state();
    });
}

// --- Runtime API views -----------------------------------------------------------------------

#[test]
fn api_views_show_agents_credit_and_rounds() {
    new_test_ext().execute_with(|| {
        let agents = Poc::agents();
        assert_eq!(agents.len(), 4);
        assert_eq!(agents[0].agent, 1);
        assert_eq!(agents[0].deposit, deposit_of(1));
        assert_eq!(agents[0].status, AgentStatus::Active);
        assert_eq!(agents[0].credit, 0);
        let info = Poc::credit_info(&1);
        assert_eq!((info.units, info.red_card), (0, false));
        produce(START);
        let round = Poc::current_round();
        assert_eq!(round.index, 0);
        assert_eq!(round.start_slot, START);
        assert_eq!(round.producers.len(), 4);
        let produced = round.producers[0].agent;
        assert_eq!(Poc::credit_info(&produced).units, 1_000);
    });
}

#[test]
fn delegation_records_use_the_accumulator_snapshot() {
    call_test_ext().execute_with(|| {
        assert_ok!(Poc::delegate(origin(DAVE), 1, 1_000));
        assert_eq!(
            Delegations::<Test>::get(1, DAVE),
            Some(Delegation {
                amount: 1_000,
                reward_snapshot: U256::zero()
            })
        );
    });
}
