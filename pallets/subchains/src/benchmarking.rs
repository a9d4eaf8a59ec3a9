//! Benchmarks of every call of the subchain registry (frame-benchmarking v2), each in its worst
//! case: the largest validator sets, SM2 keys and signatures (the dearest scheme to check), a
//! subchain that changes status. Plus a gas charge through [`SubchainGas`].
//!
//! `wcme-node benchmark pallet --pallet pallet_wcme_subchains` runs them in the main runtime and
//! writes `weights.rs` (docs/performance.md); they also run as tests on the mock runtime with
//! `cargo test -p pallet-wcme-subchains --features runtime-benchmarks`.

use super::*;
use crate::Pallet as Registry;
use alloc::{format, vec::Vec};
use frame_benchmarking::v2::*;
use frame_support::{
    assert_ok,
    traits::{
        EnsureOrigin, Get,
        fungible::{BalancedHold, Mutate},
    },
};
use frame_system::RawOrigin;
use sm2::dsa::{SigningKey, signature::Signer as _};
use sm2::elliptic_curve::sec1::ToSec1Point;
use sp_core::H256;
use sp_runtime::Saturating;

/// WCME given to every benchmark account: far above any stake.
fn endow<T: Config>(who: &T::AccountId) {
    T::Currency::set_balance(who, 1_000_000_000_000_000_000_000_000);
}

/// The SM2 signing key of benchmark validator `i` of generation `generation`.
fn sm2_signer(generation: u8, i: u32) -> SigningKey {
    let mut secret = [0x11u8; 32];
    secret[0] = generation.saturating_add(1);
    secret[28..].copy_from_slice(&i.to_be_bytes());
    SigningKey::from_slice(SM2_DISTID, &secret).expect("a valid SM2 secret")
}

fn sm2_public(key: &SigningKey) -> Vec<u8> {
    key.verifying_key()
        .as_affine()
        .to_sec1_point(true)
        .as_bytes()
        .to_vec()
}

/// `n` SM2 validators of `generation`.
fn sm2_signers(generation: u8, n: u32) -> Vec<SigningKey> {
    (0..n).map(|i| sm2_signer(generation, i)).collect()
}

/// A valid SM2 configuration named `seed` with validators `keys`.
fn config_for(seed: u32, keys: &[SigningKey]) -> SubchainConfig {
    SubchainConfig {
        name: format!("bench{seed}").into_bytes(),
        chain_id: format!("bench-{seed}").into_bytes(),
        base_token: BaseToken {
            symbol: b"BEN".to_vec(),
            decimals: 12,
        },
        listing: None,
        consensus: ConsensusKind::Pbft.code(),
        signature_scheme: SignatureScheme::Sm2.code(),
        validators: keys.iter().map(sm2_public).collect(),
        genesis_hash: H256::repeat_byte(0x42),
    }
}

/// The registry's key of an SM2 validator.
fn validator_key(signer: &SigningKey) -> C3nKey {
    C3nKey::from_bytes(SignatureScheme::Sm2, &sm2_public(signer)).expect("an SM2 key")
}

/// A subchain of the largest set whose last key has a `MinBond` bond; its id, the bonder and
/// the key.
fn bonded<T: Config>() -> (SubchainId, T::AccountId, C3nKey) {
    let (id, _, keys) = subchain::<T>(T::MaxValidators::get());
    let key = validator_key(keys.last().expect("a validator"));
    let bonder: T::AccountId = account("bonder", 0, 0);
    endow::<T>(&bonder);
    assert_ok!(Registry::<T>::bond(
        RawOrigin::Signed(bonder.clone()).into(),
        id,
        key,
        T::MinBond::get()
    ));
    (id, bonder, key)
}

/// Replaces the validator set of `id` by one of the largest size without any of its keys (as
/// an audited change would, written directly).
fn replace_validators<T: Config>(id: SubchainId) {
    let keys: Vec<C3nKey> = sm2_signers(1, T::MaxValidators::get())
        .iter()
        .map(validator_key)
        .collect();
    ValidatorSets::<T>::mutate(id, |set| {
        if let Some(set) = set {
            set.id = set.id.saturating_add(1);
            set.keys = keys.try_into().expect("at most MaxValidators");
        }
    });
}

/// Registers an SM2 subchain with `n` validators owned by a funded account; returns the id,
/// the owner and the signing keys.
fn subchain<T: Config>(n: u32) -> (SubchainId, T::AccountId, Vec<SigningKey>) {
    let owner: T::AccountId = account("owner", 0, 0);
    endow::<T>(&owner);
    let keys = sm2_signers(0, n);
    let id = NextSubchainId::<T>::get();
    assert_ok!(Registry::<T>::register(
        RawOrigin::Signed(owner.clone()).into(),
        config_for(id, &keys),
        T::MinStake::get(),
    ));
    (id, owner, keys)
}

/// Drains `amount` of subchain `id`'s gas directly (burning it), suspending the subchain if
/// that leaves less than `MinGasBalance`: the state many charges would leave.
fn drain<T: Config>(id: SubchainId, amount: Balance) {
    let account = Registry::<T>::account_id(id);
    let (credit, _) = <T::Currency as BalancedHold<T::AccountId>>::slash(
        &HoldReason::GasStake.into(),
        &account,
        amount,
    );
    drop(credit);
    Subchains::<T>::mutate(id, |info| {
        if let Some(info) = info {
            info.gas = info.gas.saturating_sub(amount);
            info.gas_spent = info.gas_spent.saturating_add(amount);
            if info.gas < T::MinGasBalance::get() {
                info.status = SubchainStatus::Suspended;
            }
        }
    });
}

#[benchmarks]
mod benchmarks {
    use super::*;

    #[benchmark]
    fn register(v: Linear<1, { T::MaxValidators::get() }>) {
        let owner: T::AccountId = whitelisted_caller();
        endow::<T>(&owner);
        let keys = sm2_signers(0, v);
        let id = NextSubchainId::<T>::get();
        let config = config_for(id, &keys);
        let stake = T::MinStake::get();

        #[extrinsic_call]
        _(RawOrigin::Signed(owner), config, stake);

        assert_eq!(
            ValidatorSets::<T>::get(id).map(|s| s.keys.len()),
            usize::try_from(v).ok()
        );
    }

    #[benchmark]
    fn top_up() {
        let (id, _, _) = subchain::<T>(1);
        // Suspended, one unit short of the minimum: the top-up reactivates it.
        let min_gas = T::MinGasBalance::get();
        drain::<T>(
            id,
            T::MinStake::get().saturating_sub(min_gas.saturating_sub(1)),
        );
        let payer: T::AccountId = whitelisted_caller();
        endow::<T>(&payer);
        let amount = T::MinGasBalance::get();

        #[extrinsic_call]
        _(RawOrigin::Signed(payer), id, amount);

        assert!(Registry::<T>::subchain_view(id).is_some_and(|v| v.status.is_active()));
    }

    #[benchmark]
    fn update_validators(
        s: Linear<1, { T::MaxValidators::get() }>,
        v: Linear<1, { T::MaxValidators::get() }>,
    ) {
        // A set of `s` validators, every one of which signs.
        let (id, _, current) = subchain::<T>(s);
        let next: Vec<Vec<u8>> = sm2_signers(1, v).iter().map(sm2_public).collect();
        let info = Registry::<T>::subchain_view(id).expect("registered");
        let keys: Vec<C3nKey> = next
            .iter()
            .map(|k| C3nKey::from_bytes(SignatureScheme::Sm2, k).expect("an SM2 key"))
            .collect();
        let payload =
            verify::validator_set_payload(id, &info.chain_id, &info.genesis_hash, 1, &keys);
        let proof: Vec<ValidatorSignature> = current
            .iter()
            .enumerate()
            .map(|(index, key)| {
                let signature: sm2::dsa::Signature = key.sign(&payload);
                ValidatorSignature {
                    index: index as u32,
                    signature: signature.to_bytes().into(),
                }
            })
            .collect();
        let relayer: T::AccountId = whitelisted_caller();

        #[extrinsic_call]
        _(RawOrigin::Signed(relayer), id, next, proof);

        assert_eq!(ValidatorSets::<T>::get(id).map(|s| s.id), Some(1));
    }

    #[benchmark]
    fn deregister() {
        let (id, owner, _) = subchain::<T>(1);

        #[extrinsic_call]
        _(RawOrigin::Signed(owner), id);

        assert!(Registry::<T>::subchain_view(id).is_some_and(|v| v.status.is_retired()));
    }

    #[benchmark]
    fn withdraw_retired() {
        let (id, owner, _) = subchain::<T>(1);
        assert_ok!(Registry::<T>::deregister(
            RawOrigin::Signed(owner).into(),
            id
        ));
        let now = frame_system::Pallet::<T>::block_number();
        frame_system::Pallet::<T>::set_block_number(now.saturating_add(T::RetirementDelay::get()));
        let caller: T::AccountId = whitelisted_caller();

        #[extrinsic_call]
        _(RawOrigin::Signed(caller), id);

        assert!(
            Registry::<T>::subchain_view(id).is_some_and(|v| matches!(
                v.status,
                SubchainStatus::Retired { refunded: true, .. }
            ))
        );
    }

    #[benchmark]
    fn freeze() -> Result<(), BenchmarkError> {
        let (id, _, _) = subchain::<T>(1);
        let origin =
            T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

        #[extrinsic_call]
        _(origin as T::RuntimeOrigin, id);

        assert!(Registry::<T>::subchain_view(id).is_some_and(|v| v.frozen));
        Ok(())
    }

    #[benchmark]
    fn unfreeze() -> Result<(), BenchmarkError> {
        let (id, _, _) = subchain::<T>(1);
        Registry::<T>::do_freeze(id).expect("freezes");
        let origin =
            T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

        #[extrinsic_call]
        _(origin as T::RuntimeOrigin, id);

        assert!(Registry::<T>::subchain_view(id).is_some_and(|v| v.status.is_active()));
        Ok(())
    }

    #[benchmark]
    fn charge() {
        let (id, _, _) = subchain::<T>(1);
        // Leave exactly the minimum, so this charge suspends the subchain (the longest path).
        let fee = Fees::<T>::get().header_fee;
        let spare = T::MinStake::get().saturating_sub(T::MinGasBalance::get());
        drain::<T>(id, spare);

        #[block]
        {
            assert_ok!(<Registry<T> as SubchainGas>::charge_header(id));
        }

        let suspended = fee > 0;
        assert_eq!(
            Registry::<T>::subchain_view(id).is_some_and(|v| v.status.is_active()),
            !suspended
        );
    }

    #[benchmark]
    fn set_gas_fees() {
        let min_gas = T::MinGasBalance::get();

        #[extrinsic_call]
        _(RawOrigin::Root, min_gas, min_gas);

        assert_eq!(
            Fees::<T>::get(),
            GasFees {
                header_fee: min_gas,
                message_fee: min_gas
            }
        );
    }

    /// Adding to an existing bond (the longer path: the bond is read and checked) for the last
    /// key of the largest set.
    #[benchmark]
    fn bond() {
        let (id, _, keys) = subchain::<T>(T::MaxValidators::get());
        let key = validator_key(keys.last().expect("a validator"));
        let bonder: T::AccountId = account("bonder", 0, 0);
        endow::<T>(&bonder);
        let amount = T::MinBond::get();
        assert_ok!(Registry::<T>::bond(
            RawOrigin::Signed(bonder.clone()).into(),
            id,
            key,
            amount
        ));

        #[extrinsic_call]
        _(RawOrigin::Signed(bonder), id, key, amount);

        assert_eq!(
            Bonds::<T>::get(id, key).map(|held| held.amount),
            Some(amount.saturating_mul(2))
        );
    }

    /// Unbonding a key that left the largest set (searched in full).
    #[benchmark]
    fn unbond() {
        let (id, bonder, key) = bonded::<T>();
        replace_validators::<T>(id);

        #[extrinsic_call]
        _(RawOrigin::Signed(bonder), id, key);

        assert!(Bonds::<T>::get(id, key).is_some_and(|held| held.withdrawable_at.is_some()));
    }

    #[benchmark]
    fn withdraw_bond() {
        let (id, bonder, key) = bonded::<T>();
        replace_validators::<T>(id);
        assert_ok!(Registry::<T>::unbond(
            RawOrigin::Signed(bonder.clone()).into(),
            id,
            key
        ));
        let now = frame_system::Pallet::<T>::block_number();
        frame_system::Pallet::<T>::set_block_number(now.saturating_add(T::BondingDuration::get()));

        #[extrinsic_call]
        _(RawOrigin::Signed(bonder), id, key);

        assert!(Bonds::<T>::get(id, key).is_none());
    }

    /// Slashing one signer's bond on fork evidence: the per-signer part of
    /// [`SubchainRegistry::freeze`].
    #[benchmark]
    fn slash_bond() {
        let (id, _, key) = bonded::<T>();

        #[block]
        {
            assert_eq!(
                Registry::<T>::slash_bonds(id, core::slice::from_ref(&key)),
                T::MinBond::get()
            );
        }

        assert!(Bonds::<T>::get(id, key).is_none());
    }

    impl_benchmark_test_suite!(Registry, crate::mock::new_test_ext(), crate::mock::Test);
}
