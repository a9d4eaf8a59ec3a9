//! Benchmarks of every call of the POC pallet (frame-benchmarking v2), each in its worst case:
//! delegations with pending rewards to mint, a full list of delegators to refund, the longest
//! list of the caller's delegations to settle, evidence with two sr25519 seals to verify.
//!
//! `wcme-node benchmark pallet --pallet pallet_wcme_poc` runs them in the main runtime and writes
//! `weights.rs` (docs/performance.md); they also run as tests on the mock runtime with
//! `cargo test -p pallet-wcme-poc --features runtime-benchmarks`.

use super::*;
use crate::Pallet as Poc;
use alloc::{boxed::Box, vec::Vec};
use frame_benchmarking::v2::*;
use frame_support::{
    assert_ok,
    traits::{Get, fungible::Mutate},
};
use frame_system::{
    RawOrigin,
    pallet_prelude::{BlockNumberFor, HeaderFor},
};
use sp_core::{Pair, U256, sr25519};
use sp_runtime::{
    Perbill, Saturating,
    traits::{Hash as _, Header as HeaderT, One, StaticLookup},
};
use wcme_consensus_primitives::poc::{
    Evidence, HeaderEquivocation, PackingKey, PreDigest, seal_item,
};

/// WCME given to every benchmark account: far above any deposit or delegation.
fn endow<T: Config>(who: &T::AccountId) {
    T::Currency::set_balance(who, 1_000_000_000_000_000_000_000_000);
}

/// The packing key pair of benchmark seed `seed`.
fn key_pair(seed: u32) -> sr25519::Pair {
    let mut bytes = [7u8; 32];
    bytes[..4].copy_from_slice(&seed.to_le_bytes());
    sr25519::Pair::from_seed(&bytes)
}

fn packing_key(seed: u32) -> PackingKey {
    key_pair(seed).public()
}

/// Registers a funded agent `account("agent", seed)` with the minimum deposit.
fn agent<T: Config>(seed: u32) -> T::AccountId {
    let who: T::AccountId = account("agent", seed, 0);
    endow::<T>(&who);
    let reward = T::Lookup::unlookup(who.clone());
    assert_ok!(Poc::<T>::register_agent(
        RawOrigin::Signed(who.clone()).into(),
        packing_key(seed),
        reward,
        T::MinCommission::get().max(Perbill::from_percent(10)),
        T::MinDeposit::get(),
    ));
    who
}

/// `d` funded delegators of `agent`, each delegating `MinDelegation`.
fn delegators<T: Config>(agent: &T::AccountId, d: u32) -> Vec<T::AccountId> {
    (0..d)
        .map(|i| {
            let who: T::AccountId = account("delegator", i, 0);
            endow::<T>(&who);
            assert_ok!(Poc::<T>::delegate(
                RawOrigin::Signed(who.clone()).into(),
                T::Lookup::unlookup(agent.clone()),
                T::MinDelegation::get(),
            ));
            who
        })
        .collect()
}

/// Gives every delegation of `agent` a pending reward, so settling it mints.
fn accrue<T: Config>(agent: &T::AccountId) {
    Agents::<T>::mutate(agent, |record| {
        if let Some(record) = record {
            record.reward_per_stake = rewards::acc_scale().saturating_mul(U256::from(3u32));
        }
    });
}

/// A header for slot 9 sealed by `pair`; `salt` makes headers differ.
fn sealed<T: Config>(pair: &sr25519::Pair, salt: &[u8]) -> HeaderFor<T> {
    let mut header = HeaderFor::<T>::new(
        One::one(),
        <HeaderFor<T> as HeaderT>::Hashing::hash(salt),
        Default::default(),
        Default::default(),
        Default::default(),
    );
    header.digest_mut().push(
        PreDigest {
            round: 0,
            slot: 9,
            author_index: 0,
        }
        .to_digest_item(),
    );
    let signature = pair.sign(header.hash().as_ref());
    header.digest_mut().push(seal_item(&signature));
    header
}

#[benchmarks]
mod benchmarks {
    use super::*;

    #[benchmark]
    fn register_agent() {
        let who: T::AccountId = whitelisted_caller();
        endow::<T>(&who);
        let reward = T::Lookup::unlookup(who.clone());
        let deposit = T::MaxDeposit::get();

        #[extrinsic_call]
        _(
            RawOrigin::Signed(who.clone()),
            packing_key(1_000),
            reward,
            Perbill::one(),
            deposit,
        );

        assert!(Agents::<T>::contains_key(&who));
    }

    #[benchmark]
    fn delegate() {
        // Worst case: a top-up that first pays pending rewards.
        let agent = agent::<T>(0);
        let who: T::AccountId = whitelisted_caller();
        endow::<T>(&who);
        assert_ok!(Poc::<T>::delegate(
            RawOrigin::Signed(who.clone()).into(),
            T::Lookup::unlookup(agent.clone()),
            T::MinDelegation::get(),
        ));
        accrue::<T>(&agent);
        let lookup = T::Lookup::unlookup(agent.clone());

        #[extrinsic_call]
        _(
            RawOrigin::Signed(who.clone()),
            lookup,
            T::MinDelegation::get(),
        );

        assert_eq!(
            Delegations::<T>::get(&agent, &who).map(|d| d.amount),
            Some(T::MinDelegation::get().saturating_mul(2))
        );
    }

    #[benchmark]
    fn undelegate() {
        // Worst case: the last of the delegation, with rewards pending.
        let agent = agent::<T>(0);
        let who: T::AccountId = whitelisted_caller();
        endow::<T>(&who);
        assert_ok!(Poc::<T>::delegate(
            RawOrigin::Signed(who.clone()).into(),
            T::Lookup::unlookup(agent.clone()),
            T::MinDelegation::get(),
        ));
        accrue::<T>(&agent);
        let lookup = T::Lookup::unlookup(agent.clone());

        #[extrinsic_call]
        _(
            RawOrigin::Signed(who.clone()),
            lookup,
            T::MinDelegation::get(),
        );

        assert!(!Delegations::<T>::contains_key(&agent, &who));
    }

    #[benchmark]
    fn stop_agent(d: Linear<0, { T::MaxDelegatorsPerAgent::get() }>) {
        let agent = agent::<T>(0);
        delegators::<T>(&agent, d);
        accrue::<T>(&agent);

        #[extrinsic_call]
        _(RawOrigin::Signed(agent.clone()));

        assert!(
            Agents::<T>::get(&agent).is_some_and(|r| !r.state.is_active() && r.delegators == 0)
        );
    }

    #[benchmark]
    fn withdraw_unlocked(a: Linear<0, { T::MaxAgents::get().saturating_sub(1) }>) {
        // The caller's stopped agent unlocks, and it delegates to `a` agents with rewards.
        let caller = agent::<T>(0);
        for seed in 1..=a {
            let other = agent::<T>(seed);
            assert_ok!(Poc::<T>::delegate(
                RawOrigin::Signed(caller.clone()).into(),
                T::Lookup::unlookup(other.clone()),
                T::MinDelegation::get(),
            ));
            accrue::<T>(&other);
        }
        assert_ok!(Poc::<T>::stop_agent(
            RawOrigin::Signed(caller.clone()).into()
        ));
        let unlocked = frame_system::Pallet::<T>::block_number()
            .saturating_add(T::StopLock::get())
            .saturating_add(BlockNumberFor::<T>::one());
        frame_system::Pallet::<T>::set_block_number(unlocked);

        #[extrinsic_call]
        _(RawOrigin::Signed(caller.clone()));

        assert!(!Agents::<T>::contains_key(&caller));
    }

    #[benchmark]
    fn report_equivocation(d: Linear<0, { T::MaxDelegatorsPerAgent::get() }>) {
        let offender = agent::<T>(0);
        delegators::<T>(&offender, d);
        accrue::<T>(&offender);
        let pair = key_pair(0);
        let evidence = Evidence::Headers(HeaderEquivocation {
            offender: pair.public(),
            first: sealed::<T>(&pair, b"first"),
            second: sealed::<T>(&pair, b"second"),
        });
        let reporter: T::AccountId = whitelisted_caller();

        #[extrinsic_call]
        _(RawOrigin::Signed(reporter), Box::new(evidence));

        assert!(
            Agents::<T>::get(&offender)
                .is_some_and(|r| matches!(r.state, AgentState::RedCarded { .. }))
        );
    }

    impl_benchmark_test_suite!(
        Poc,
        crate::mock::ExtBuilder::no_agents().build(),
        crate::mock::Test
    );
}
