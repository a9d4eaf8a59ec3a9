//! Unit tests of the registry on the mock runtime: every call and its error paths, the gas
//! cycle (drain → suspend → top up → reactivate), freezing, retirement and refund, audited
//! validator-set changes in all three schemes, the traits and the runtime-API views; and the
//! verification functions on their own.

use crate::{
    C3nKey, ChainIds, ConsensusKind, Error, Event, GasCharge, HoldReason, Names, NextSubchainId,
    SignatureScheme, SubchainGas, SubchainRegistry, SubchainStatus, Subchains as SubchainsMap,
    SuspendReason, ValidatorSets, ValidatorSignature, mock::*, types::*, verify,
};
use frame_support::{
    assert_noop, assert_ok,
    traits::{
        Hooks,
        fungible::{Inspect, InspectHold, Mutate},
        tokens::Preservation,
    },
};
use sp_core::{H256, Pair};
use sp_runtime::DispatchError;

fn gas_reason() -> RuntimeHoldReason {
    HoldReason::GasStake.into()
}

/// Registers `config` with `stake` from `who` and returns the new id.
fn register(who: u128, config: SubchainConfig, stake: Balance) -> SubchainId {
    let id = NextSubchainId::<Test>::get();
    assert_ok!(Subchains::register(
        RuntimeOrigin::signed(who),
        config,
        stake
    ));
    id
}

/// WCME held as gas on the account of `id`.
fn held(id: SubchainId) -> Balance {
    Balances::balance_on_hold(&gas_reason(), &Subchains::account_id(id))
}

fn info(id: SubchainId) -> crate::SubchainInfoOf<Test> {
    SubchainsMap::<Test>::get(id).expect("registered")
}

fn status(id: SubchainId) -> SubchainStatus<u64> {
    info(id).status
}

fn last_event() -> RuntimeEvent {
    System::events().pop().expect("an event").event
}

/// Checks the registry's invariants.
fn check_invariants() {
    assert_ok!(Subchains::do_try_state());
}

/// Asserts that registering `config` with `stake` from ALICE fails with `error` and changes
/// nothing at all (no hold, no transfer, no id used).
fn assert_refused(config: SubchainConfig, stake: Balance, error: impl Into<DispatchError>) {
    let free = Balances::balance(&ALICE);
    let next = NextSubchainId::<Test>::get();
    assert_noop!(
        Subchains::register(RuntimeOrigin::signed(ALICE), config, stake),
        error.into()
    );
    assert_eq!(Balances::balance(&ALICE), free);
    assert_eq!(Balances::total_balance_on_hold(&ALICE), 0);
    assert_eq!(held(next), 0);
    assert_eq!(NextSubchainId::<Test>::get(), next);
}

// --- register ---------------------------------------------------------------------------------

#[test]
fn register_holds_the_stake_on_the_subchain_account() {
    new_test_ext().execute_with(|| {
        let issuance = Balances::total_issuance();
        let id = register(ALICE, config("Supply"), 5_000);
        assert_eq!(id, 1);
        let account = Subchains::account_id(id);
        assert_ne!(account, ALICE);
        assert_ne!(account, Subchains::account_id(2));

        // The owner paid the stake and the subchain account's existential deposit.
        assert_eq!(Balances::balance(&ALICE), RICH - 5_000 - ED);
        assert_eq!(held(id), 5_000);
        assert_eq!(Balances::balance(&account), ED);
        assert_eq!(Balances::total_issuance(), issuance);

        let record = info(id);
        assert_eq!(record.owner, ALICE);
        assert_eq!(record.name.to_vec(), b"Supply".to_vec());
        assert_eq!(record.chain_id.to_vec(), b"supply".to_vec());
        assert_eq!(record.base_token.symbol.to_vec(), b"SUB".to_vec());
        assert_eq!(record.base_token.decimals, 12);
        assert_eq!(record.asset_id, None);
        assert_eq!(record.consensus, ConsensusKind::Pbft);
        assert_eq!(record.signature_scheme, SignatureScheme::Sr25519);
        assert_eq!(record.genesis_hash, H256::repeat_byte(0xab));
        assert_eq!(record.gas, 5_000);
        assert_eq!(record.gas_spent, 0);
        assert!(!record.frozen);
        assert_eq!(record.status, SubchainStatus::Active);
        assert_eq!(record.registered_at, 1);

        let set = ValidatorSets::<Test>::get(id).expect("a set");
        assert_eq!(set.id, 0);
        assert_eq!(set.keys.len(), 4);
        assert_eq!(
            set.keys.first(),
            Some(&C3nKey::Sr25519(sr_pair(1).public().0))
        );
        assert_eq!(ChainIds::<Test>::get(&record.chain_id), Some(id));
        assert_eq!(NextSubchainId::<Test>::get(), 2);
        assert_eq!(
            last_event(),
            RuntimeEvent::Subchains(Event::Registered {
                id,
                owner: ALICE,
                account,
                chain_id: record.chain_id.clone(),
                stake: 5_000,
                validators: 4,
            })
        );
        assert_eq!(Subchains::subchain_of(&account), Some(id));
        check_invariants();
    });
}

#[test]
fn register_accepts_every_consensus_kind_and_scheme() {
    new_test_ext().execute_with(|| {
        let schemes: [(u8, Vec<Signer>); 3] = [
            (0, sr_signers(1, 3)),
            (1, ed_signers(1, 3)),
            (2, sm2_signers(1, 3)),
        ];
        for (kind, name) in [(0u8, "a"), (1, "b"), (2, "c"), (3, "d")] {
            for (scheme, signers) in &schemes {
                let name = format!("{name}{scheme}");
                let mut cfg = config_with(&name, *scheme, signers);
                cfg.consensus = kind;
                let id = register(BOB, cfg, MIN_STAKE);
                let record = info(id);
                assert_eq!(record.consensus.code(), kind);
                assert_eq!(record.signature_scheme.code(), *scheme);
                let set = ValidatorSets::<Test>::get(id).expect("a set");
                assert!(
                    set.keys
                        .iter()
                        .all(|k| k.scheme() == record.signature_scheme)
                );
            }
        }
        assert_eq!(NextSubchainId::<Test>::get(), 13);
        check_invariants();
    });
}

#[test]
fn register_refuses_bad_names() {
    new_test_ext().execute_with(|| {
        for bad in [&b""[..], b" lead", b"trail ", b"bell\x07", b"caf\xc3\xa9"] {
            let mut cfg = config("x");
            cfg.name = bad.to_vec();
            assert_refused(cfg, MIN_STAKE, Error::<Test>::InvalidName);
        }
        let mut cfg = config("x");
        cfg.name = vec![b'a'; MAX_NAME as usize + 1];
        assert_refused(cfg, MIN_STAKE, Error::<Test>::NameTooLong);
        let mut longest = config("x");
        longest.name = vec![b'a'; MAX_NAME as usize];
        register(ALICE, longest, MIN_STAKE);

        register(ALICE, config("Taken Name"), MIN_STAKE);
        let mut cfg = config("tAKEN nAME");
        cfg.chain_id = b"other".to_vec();
        assert_refused(cfg, MIN_STAKE, Error::<Test>::NameTaken);
        assert_eq!(
            Names::<Test>::get(crate::NameOf::<Test>::truncate_from(b"taken name".to_vec())),
            Some(2)
        );
    });
}

#[test]
fn register_refuses_bad_chain_ids() {
    new_test_ext().execute_with(|| {
        for bad in [&b""[..], b"has space", b"slash/id", b"caf\xc3\xa9"] {
            let mut cfg = config("x");
            cfg.chain_id = bad.to_vec();
            assert_refused(cfg, MIN_STAKE, Error::<Test>::InvalidChainId);
        }
        let mut cfg = config("x");
        cfg.chain_id = vec![b'a'; 65];
        assert_refused(cfg, MIN_STAKE, Error::<Test>::ChainIdTooLong);
        let mut ok = config("x");
        ok.chain_id = b"Supply-chain_1.main".to_vec();
        register(ALICE, ok, MIN_STAKE);

        let mut again = config("y");
        again.chain_id = b"Supply-chain_1.main".to_vec();
        assert_refused(again, MIN_STAKE, Error::<Test>::ChainIdTaken);
    });
}

#[test]
fn register_refuses_bad_tokens() {
    new_test_ext().execute_with(|| {
        for bad in [&b""[..], b"sub", b"WCME", b"S B", b"S_B"] {
            let mut cfg = config("x");
            cfg.base_token.symbol = bad.to_vec();
            assert_refused(cfg, MIN_STAKE, Error::<Test>::InvalidSymbol);
        }
        let mut cfg = config("x");
        cfg.base_token.symbol = b"ABCDEFGHI".to_vec();
        assert_refused(cfg, MIN_STAKE, Error::<Test>::SymbolTooLong);
        let mut cfg = config("x");
        cfg.base_token.decimals = MAX_DECIMALS + 1;
        assert_refused(cfg, MIN_STAKE, Error::<Test>::InvalidDecimals);

        let mut ok = config("x");
        ok.base_token.decimals = MAX_DECIMALS;
        ok.base_token.symbol = b"A.B-9".to_vec();
        register(ALICE, ok, MIN_STAKE);
    });
}

#[test]
fn register_refuses_unknown_codes_and_zero_genesis() {
    new_test_ext().execute_with(|| {
        let mut cfg = config("x");
        cfg.consensus = 4;
        assert_refused(cfg, MIN_STAKE, Error::<Test>::UnknownConsensusKind);
        let mut cfg = config("x");
        cfg.signature_scheme = 3;
        assert_refused(cfg, MIN_STAKE, Error::<Test>::UnknownSignatureScheme);
        let mut cfg = config("x");
        cfg.genesis_hash = H256::zero();
        assert_refused(cfg, MIN_STAKE, Error::<Test>::ZeroGenesisHash);
    });
}

#[test]
fn register_refuses_bad_validator_sets() {
    new_test_ext().execute_with(|| {
        let mut cfg = config("x");
        cfg.validators = vec![];
        assert_refused(cfg, MIN_STAKE, Error::<Test>::NoValidators);

        let cfg = config_with("x", 0, &sr_signers(1, MAX_VALIDATORS as u8 + 1));
        assert_refused(cfg, MIN_STAKE, Error::<Test>::TooManyValidators);

        let mut cfg = config("x");
        cfg.validators.push(vec![7u8; 31]);
        assert_refused(cfg, MIN_STAKE, Error::<Test>::InvalidValidatorKey);
        // An SM2 key on an sr25519 chain is the wrong length.
        let mut cfg = config("x");
        cfg.validators.push(sm2_signers(1, 1)[0].public());
        assert_refused(cfg, MIN_STAKE, Error::<Test>::InvalidValidatorKey);
        // An uncompressed-looking prefix on an SM2 chain.
        let mut cfg = config_with("x", 2, &sm2_signers(1, 2));
        let mut key = sm2_signers(3, 1)[0].public();
        key[0] = 0x04;
        cfg.validators.push(key);
        assert_refused(cfg, MIN_STAKE, Error::<Test>::InvalidValidatorKey);
        // A 32-byte key on an SM2 chain.
        let mut cfg = config_with("x", 2, &sm2_signers(1, 2));
        cfg.validators.push(vec![2u8; 32]);
        assert_refused(cfg, MIN_STAKE, Error::<Test>::InvalidValidatorKey);

        let mut cfg = config("x");
        let first = cfg.validators[0].clone();
        cfg.validators.push(first);
        assert_refused(cfg, MIN_STAKE, Error::<Test>::DuplicateValidator);

        let full = config_with("x", 0, &sr_signers(1, MAX_VALIDATORS as u8));
        register(ALICE, full, MIN_STAKE);
    });
}

#[test]
fn register_refuses_low_stake_and_unaffordable_stake() {
    new_test_ext().execute_with(|| {
        assert_refused(config("x"), MIN_STAKE - 1, Error::<Test>::StakeTooLow);
        assert_refused(config("x"), 0, Error::<Test>::StakeTooLow);

        // CHARLIE has 500: not enough for the minimum stake.
        let free = Balances::balance(&CHARLIE);
        assert_noop!(
            Subchains::register(RuntimeOrigin::signed(CHARLIE), config("x"), MIN_STAKE),
            Error::<Test>::InsufficientBalance
        );
        assert_eq!(Balances::balance(&CHARLIE), free);

        // Exactly affordable: stake + ED for the subchain account + ED kept by the payer.
        let payer = 77;
        Balances::set_balance(&payer, MIN_STAKE + 2 * ED);
        register(payer, config("x"), MIN_STAKE);
        assert_eq!(Balances::balance(&payer), ED);

        let poorer = 78;
        Balances::set_balance(&poorer, MIN_STAKE + 2 * ED - 1);
        assert_noop!(
            Subchains::register(RuntimeOrigin::signed(poorer), config("y"), MIN_STAKE),
            Error::<Test>::InsufficientBalance
        );

        assert_noop!(
            Subchains::register(RuntimeOrigin::none(), config("z"), MIN_STAKE),
            DispatchError::BadOrigin
        );
    });
}

#[test]
fn register_refuses_when_ids_run_out() {
    new_test_ext().execute_with(|| {
        NextSubchainId::<Test>::put(u32::MAX);
        assert_refused(config("x"), MIN_STAKE, Error::<Test>::NoIdsLeft);
    });
}

#[test]
fn register_checks_listings() {
    new_test_ext().execute_with(|| {
        assert_refused(
            listed_config("x", "SUB", 0, 5_000),
            MIN_STAKE,
            Error::<Test>::InvalidListing,
        );
        assert_refused(
            listed_config("x", "SUB", 1_000, 0),
            MIN_STAKE,
            Error::<Test>::InvalidListing,
        );
        IssuerEnabled::set(false);
        assert_refused(
            listed_config("x", "SUB", 1_000, 5_000),
            MIN_STAKE,
            Error::<Test>::NoAssetIssuer,
        );
        // Without a listing the same runtime registers fine.
        register(ALICE, config("x"), MIN_STAKE);
    });
}

#[test]
fn register_with_listing_issues_the_base_token_as_a_smart_asset() {
    new_test_ext().execute_with(|| {
        let issuance = Balances::total_issuance();
        let id = register(
            ALICE,
            listed_config("Listed", "LST", 1_000_000, 5_000),
            2_000,
        );
        let account = Subchains::account_id(id);
        let asset_id = info(id).asset_id.expect("issued");

        let asset = pallet_wcme_smart_assets::Assets::<Test>::get(asset_id).expect("an asset");
        assert_eq!(asset.symbol.to_vec(), b"LST".to_vec());
        assert_eq!(asset.decimals, 12);
        assert_eq!(asset.issuer, account);
        assert_eq!(asset.subchain, Some(id));
        assert_eq!(asset.supply, 1_000_000);
        let pool = pallet_wcme_smart_assets::Pools::<Test>::get(asset_id).expect("a pool");
        assert_eq!(pool.wcme_reserve, 5_000);
        assert_eq!(pool.asset_reserve, 1_000_000);

        // The owner paid stake + collateral + ED; the subchain account keeps ED free and the
        // stake held; the collateral is in the pool.
        assert_eq!(Balances::balance(&ALICE), RICH - 2_000 - 5_000 - ED);
        assert_eq!(Balances::balance(&account), ED);
        assert_eq!(held(id), 2_000);
        assert_eq!(Balances::total_issuance(), issuance);
        assert_eq!(
            last_event(),
            RuntimeEvent::Subchains(Event::BaseTokenIssued {
                id,
                asset_id,
                supply: 1_000_000,
                collateral: 5_000,
            })
        );
        check_invariants();
    });
}

#[test]
fn a_failing_issue_undoes_the_whole_registration() {
    new_test_ext().execute_with(|| {
        // Collateral below the smart-asset pallet's minimum reserve.
        assert_refused(
            listed_config("x", "SUB", 1_000, MIN_WCME_RESERVE - 1),
            MIN_STAKE,
            pallet_wcme_smart_assets::Error::<Test>::CollateralTooLow,
        );
        // A symbol the smart-asset pallet already has.
        register(BOB, listed_config("first", "DUP", 1_000, 5_000), MIN_STAKE);
        assert_refused(
            listed_config("second", "DUP", 1_000, 5_000),
            MIN_STAKE,
            pallet_wcme_smart_assets::Error::<Test>::SymbolTaken,
        );
        check_invariants();
    });
}

// --- gas ----------------------------------------------------------------------------------------

#[test]
fn charges_drain_the_hold_into_the_treasury() {
    new_test_ext().execute_with(|| {
        let id = register(ALICE, config("x"), 2_000);
        let issuance = Balances::total_issuance();
        assert_eq!(Subchains::charge_header(id), Ok(HEADER_FEE));
        assert_eq!(
            last_event(),
            RuntimeEvent::Subchains(Event::GasCharged {
                id,
                charge: GasCharge::Header,
                fee: HEADER_FEE,
                gas: 2_000 - HEADER_FEE,
            })
        );
        assert_eq!(Subchains::charge_message(id), Ok(MESSAGE_FEE));
        assert_eq!(Subchains::charge_message(id), Ok(MESSAGE_FEE));
        let spent = HEADER_FEE + 2 * MESSAGE_FEE;
        assert_eq!(held(id), 2_000 - spent);
        assert_eq!(Balances::balance(&TREASURY), SEED + spent);
        assert_eq!(Balances::total_issuance(), issuance);
        let record = info(id);
        assert_eq!(record.gas, 2_000 - spent);
        assert_eq!(record.gas_spent, spent);
        assert_eq!(record.headers_charged, 1);
        assert_eq!(record.messages_charged, 2);
        assert_eq!(
            <Subchains as SubchainGas>::charge_weight(),
            <() as crate::WeightInfo>::charge()
        );
        check_invariants();
    });
}

#[test]
fn charges_refuse_unknown_and_inactive_subchains() {
    new_test_ext().execute_with(|| {
        assert_noop!(Subchains::charge_header(9), Error::<Test>::UnknownSubchain);
        let id = register(ALICE, config("x"), MIN_STAKE);
        assert_ok!(Subchains::freeze(RuntimeOrigin::root(), id));
        assert_noop!(Subchains::charge_header(id), Error::<Test>::NotActive);
        assert_noop!(Subchains::charge_message(id), Error::<Test>::NotActive);
        assert_ok!(Subchains::unfreeze(RuntimeOrigin::root(), id));
        assert_ok!(Subchains::deregister(RuntimeOrigin::signed(ALICE), id));
        assert_noop!(Subchains::charge_header(id), Error::<Test>::NotActive);
    });
}

#[test]
fn a_defensive_gas_mismatch_is_a_typed_error() {
    new_test_ext().execute_with(|| {
        let id = register(ALICE, config("x"), MIN_STAKE);
        // Corrupt the record: less gas than a header costs while still active.
        SubchainsMap::<Test>::mutate(id, |i| {
            if let Some(i) = i {
                i.gas = HEADER_FEE - 1;
            }
        });
        assert_noop!(Subchains::charge_header(id), Error::<Test>::InsufficientGas);
    });
}

#[test]
fn drain_suspend_top_up_reactivate() {
    new_test_ext().execute_with(|| {
        let id = register(ALICE, config("x"), MIN_STAKE);
        // 1 000 of gas, 10 per header: active while at least 100 remain.
        for _ in 0..90 {
            assert_ok!(Subchains::charge_header(id));
            assert_eq!(status(id), SubchainStatus::Active);
        }
        assert_eq!(info(id).gas, 100);
        assert_ok!(Subchains::charge_header(id));
        assert_eq!(info(id).gas, 90);
        assert_eq!(status(id), SubchainStatus::Suspended);
        assert_eq!(
            last_event(),
            RuntimeEvent::Subchains(Event::Suspended {
                id,
                reason: SuspendReason::OutOfGas,
            })
        );
        assert!(!Subchains::is_active(id));
        assert_noop!(Subchains::charge_header(id), Error::<Test>::NotActive);
        assert_noop!(Subchains::charge_message(id), Error::<Test>::NotActive);
        check_invariants();

        // Anyone may top up; below the minimum it stays suspended.
        assert_ok!(Subchains::top_up(RuntimeOrigin::signed(BOB), id, 5));
        assert_eq!(status(id), SubchainStatus::Suspended);
        assert_eq!(
            last_event(),
            RuntimeEvent::Subchains(Event::ToppedUp {
                id,
                who: BOB,
                amount: 5,
                gas: 95,
            })
        );
        assert_ok!(Subchains::top_up(RuntimeOrigin::signed(BOB), id, 5));
        assert_eq!(status(id), SubchainStatus::Active);
        assert_eq!(
            last_event(),
            RuntimeEvent::Subchains(Event::Reactivated { id })
        );
        assert_eq!(held(id), 100);
        assert_eq!(Balances::balance(&BOB), RICH - 10);
        assert_ok!(Subchains::charge_message(id));
        assert_eq!(status(id), SubchainStatus::Suspended);
        check_invariants();
    });
}

#[test]
fn top_up_errors() {
    new_test_ext().execute_with(|| {
        assert_noop!(
            Subchains::top_up(RuntimeOrigin::signed(BOB), 1, 10),
            Error::<Test>::UnknownSubchain
        );
        let id = register(ALICE, config("x"), MIN_STAKE);
        assert_noop!(
            Subchains::top_up(RuntimeOrigin::signed(BOB), id, 0),
            Error::<Test>::ZeroAmount
        );
        assert_noop!(
            Subchains::top_up(RuntimeOrigin::signed(CHARLIE), id, POOR),
            Error::<Test>::InsufficientBalance
        );
        assert_ok!(Subchains::top_up(
            RuntimeOrigin::signed(CHARLIE),
            id,
            POOR - ED
        ));
        assert_noop!(
            Subchains::top_up(RuntimeOrigin::none(), id, 10),
            DispatchError::BadOrigin
        );
        SubchainsMap::<Test>::mutate(id, |i| {
            if let Some(i) = i {
                i.gas = Balance::MAX;
            }
        });
        assert_noop!(
            Subchains::top_up(RuntimeOrigin::signed(BOB), id, 1),
            Error::<Test>::Overflow
        );
        SubchainsMap::<Test>::mutate(id, |i| {
            if let Some(i) = i {
                i.gas = MIN_STAKE + POOR - ED;
            }
        });
        assert_ok!(Subchains::deregister(RuntimeOrigin::signed(ALICE), id));
        assert_noop!(
            Subchains::top_up(RuntimeOrigin::signed(BOB), id, 10),
            Error::<Test>::SubchainRetired
        );
        check_invariants();
    });
}

// --- freeze -----------------------------------------------------------------------------------

#[test]
fn freeze_suspends_until_governance_unfreezes() {
    new_test_ext().execute_with(|| {
        let id = register(ALICE, config("x"), MIN_STAKE);
        assert_noop!(
            Subchains::freeze(RuntimeOrigin::signed(ALICE), id),
            DispatchError::BadOrigin
        );
        assert_ok!(Subchains::freeze(RuntimeOrigin::root(), id));
        assert!(info(id).frozen);
        assert_eq!(status(id), SubchainStatus::Suspended);
        System::assert_has_event(RuntimeEvent::Subchains(Event::Frozen { id }));
        System::assert_last_event(RuntimeEvent::Subchains(Event::Suspended {
            id,
            reason: SuspendReason::Frozen,
        }));
        assert_noop!(
            Subchains::freeze(RuntimeOrigin::root(), id),
            Error::<Test>::AlreadyFrozen
        );
        // A top-up does not lift a freeze.
        assert_ok!(Subchains::top_up(RuntimeOrigin::signed(BOB), id, 100));
        assert_eq!(status(id), SubchainStatus::Suspended);
        // Frozen subchains cannot be deregistered or change validators.
        assert_noop!(
            Subchains::deregister(RuntimeOrigin::signed(ALICE), id),
            Error::<Test>::SubchainFrozen
        );
        let signers = sr_signers(1, 4);
        let next = publics(&sr_signers(5, 4));
        assert_noop!(
            Subchains::update_validators(
                RuntimeOrigin::signed(BOB),
                id,
                next.clone(),
                proof(
                    id,
                    1,
                    &next,
                    &[(0, &signers[0]), (1, &signers[1]), (2, &signers[2])]
                ),
            ),
            Error::<Test>::SubchainFrozen
        );
        check_invariants();

        assert_noop!(
            Subchains::unfreeze(RuntimeOrigin::signed(ALICE), id),
            DispatchError::BadOrigin
        );
        assert_ok!(Subchains::unfreeze(RuntimeOrigin::root(), id));
        assert!(!info(id).frozen);
        assert_eq!(status(id), SubchainStatus::Active);
        System::assert_has_event(RuntimeEvent::Subchains(Event::Unfrozen { id }));
        System::assert_last_event(RuntimeEvent::Subchains(Event::Reactivated { id }));
        assert_noop!(
            Subchains::unfreeze(RuntimeOrigin::root(), id),
            Error::<Test>::NotFrozen
        );
        assert_noop!(
            Subchains::freeze(RuntimeOrigin::root(), 9),
            Error::<Test>::UnknownSubchain
        );
        assert_noop!(
            Subchains::unfreeze(RuntimeOrigin::root(), 9),
            Error::<Test>::UnknownSubchain
        );
        check_invariants();
    });
}

#[test]
fn unfreezing_an_exhausted_subchain_leaves_it_suspended() {
    new_test_ext().execute_with(|| {
        let id = register(ALICE, config("x"), MIN_STAKE);
        for _ in 0..91 {
            assert_ok!(Subchains::charge_header(id));
        }
        assert_eq!(status(id), SubchainStatus::Suspended);
        // The freeze hook of the cross-chain pallet.
        assert_ok!(<Subchains as SubchainRegistry<u128, u64>>::freeze(id, &[]));
        assert_eq!(status(id), SubchainStatus::Suspended);
        assert_ok!(Subchains::unfreeze(RuntimeOrigin::root(), id));
        assert_eq!(status(id), SubchainStatus::Suspended);
        assert_eq!(
            last_event(),
            RuntimeEvent::Subchains(Event::Unfrozen { id })
        );
        assert_ok!(Subchains::top_up(RuntimeOrigin::signed(ALICE), id, 10));
        assert_eq!(status(id), SubchainStatus::Active);
        check_invariants();
    });
}

// --- retirement ---------------------------------------------------------------------------------

#[test]
fn retirement_refunds_everything_to_the_owner_after_the_delay() {
    new_test_ext().execute_with(|| {
        let issuance = Balances::total_issuance();
        let id = register(ALICE, config("x"), 3_000);
        let account = Subchains::account_id(id);
        assert_ok!(Subchains::charge_header(id));
        // Someone sends WCME to the subchain account directly.
        assert_ok!(<Balances as Mutate<u128>>::transfer(
            &BOB,
            &account,
            7,
            Preservation::Preserve
        ));

        assert_noop!(
            Subchains::withdraw_retired(RuntimeOrigin::signed(ALICE), id),
            Error::<Test>::NotRetired
        );
        assert_noop!(
            Subchains::deregister(RuntimeOrigin::signed(BOB), id),
            Error::<Test>::NotOwner
        );
        assert_ok!(Subchains::deregister(RuntimeOrigin::signed(ALICE), id));
        let refund_at = 1 + RETIREMENT_DELAY;
        assert_eq!(
            status(id),
            SubchainStatus::Retired {
                refund_at,
                refunded: false
            }
        );
        assert_eq!(
            last_event(),
            RuntimeEvent::Subchains(Event::Deregistered { id, refund_at })
        );
        assert!(!Subchains::is_active(id));
        assert_noop!(
            Subchains::deregister(RuntimeOrigin::signed(ALICE), id),
            Error::<Test>::SubchainRetired
        );
        assert_noop!(Subchains::charge_header(id), Error::<Test>::NotActive);
        check_invariants();

        System::set_block_number(refund_at - 1);
        assert_noop!(
            Subchains::withdraw_retired(RuntimeOrigin::signed(BOB), id),
            Error::<Test>::RefundNotDue
        );
        System::set_block_number(refund_at);
        let before = Balances::balance(&ALICE);
        // Anyone may trigger it; the owner is paid.
        assert_ok!(Subchains::withdraw_retired(RuntimeOrigin::signed(BOB), id));
        let amount = 3_000 - HEADER_FEE + ED + 7;
        assert_eq!(Balances::balance(&ALICE), before + amount);
        assert_eq!(
            last_event(),
            RuntimeEvent::Subchains(Event::Refunded {
                id,
                owner: ALICE,
                amount,
            })
        );
        assert_eq!(held(id), 0);
        assert_eq!(Balances::total_balance(&account), 0);
        assert!(!System::account_exists(&account));
        assert_eq!(
            status(id),
            SubchainStatus::Retired {
                refund_at,
                refunded: true
            }
        );
        assert_eq!(info(id).gas, 0);
        assert_eq!(Balances::total_issuance(), issuance);
        assert_noop!(
            Subchains::withdraw_retired(RuntimeOrigin::signed(ALICE), id),
            Error::<Test>::AlreadyRefunded
        );
        // The chain id and name stay taken.
        let mut again = config("x");
        again.name = b"other".to_vec();
        assert_refused(again, MIN_STAKE, Error::<Test>::ChainIdTaken);
        assert_refused(
            SubchainConfig {
                chain_id: b"other".to_vec(),
                ..config("X")
            },
            MIN_STAKE,
            Error::<Test>::NameTaken,
        );
        // A refunded subchain cannot be frozen any more.
        assert_noop!(
            Subchains::freeze(RuntimeOrigin::root(), id),
            Error::<Test>::SubchainRetired
        );
        check_invariants();
    });
}

#[test]
fn evidence_can_freeze_a_retiring_subchain_and_hold_its_refund() {
    new_test_ext().execute_with(|| {
        let id = register(ALICE, config("x"), MIN_STAKE);
        assert_ok!(Subchains::deregister(RuntimeOrigin::signed(ALICE), id));
        assert_ok!(<Subchains as SubchainRegistry<u128, u64>>::freeze(id, &[]));
        // The status stays retired; no suspension event for a retired subchain.
        assert!(status(id).is_retired());
        assert_eq!(last_event(), RuntimeEvent::Subchains(Event::Frozen { id }));
        System::set_block_number(1 + RETIREMENT_DELAY);
        assert_noop!(
            Subchains::withdraw_retired(RuntimeOrigin::signed(ALICE), id),
            Error::<Test>::SubchainFrozen
        );
        assert_ok!(Subchains::unfreeze(RuntimeOrigin::root(), id));
        assert!(status(id).is_retired());
        assert_ok!(Subchains::withdraw_retired(
            RuntimeOrigin::signed(ALICE),
            id
        ));
        check_invariants();
    });
}

#[test]
fn retirement_calls_refuse_unknown_subchains_and_bad_origins() {
    new_test_ext().execute_with(|| {
        assert_noop!(
            Subchains::deregister(RuntimeOrigin::signed(ALICE), 3),
            Error::<Test>::UnknownSubchain
        );
        assert_noop!(
            Subchains::withdraw_retired(RuntimeOrigin::signed(ALICE), 3),
            Error::<Test>::UnknownSubchain
        );
        let id = register(ALICE, config("x"), MIN_STAKE);
        assert_noop!(
            Subchains::deregister(RuntimeOrigin::none(), id),
            DispatchError::BadOrigin
        );
        assert_noop!(
            Subchains::withdraw_retired(RuntimeOrigin::none(), id),
            DispatchError::BadOrigin
        );
    });
}

#[test]
fn a_retired_subchain_whose_gas_was_used_up_refunds_what_is_left() {
    new_test_ext().execute_with(|| {
        let id = register(ALICE, config("x"), MIN_STAKE);
        for _ in 0..91 {
            assert_ok!(Subchains::charge_header(id));
        }
        assert_ok!(Subchains::deregister(RuntimeOrigin::signed(ALICE), id));
        System::set_block_number(100);
        let before = Balances::balance(&ALICE);
        assert_ok!(Subchains::withdraw_retired(
            RuntimeOrigin::signed(ALICE),
            id
        ));
        assert_eq!(Balances::balance(&ALICE), before + 90 + ED);
        check_invariants();
    });
}

// --- validator sets -----------------------------------------------------------------------------

/// Registers an sr25519 chain with `n` validators (seeds 1..=n) and returns its id and signers.
fn sr_chain(n: u8) -> (SubchainId, Vec<Signer>) {
    let signers = sr_signers(1, n);
    let id = register(ALICE, config_with("chain", 0, &signers), MIN_STAKE);
    (id, signers)
}

#[test]
fn update_validators_with_more_than_two_thirds() {
    new_test_ext().execute_with(|| {
        let (id, signers) = sr_chain(4);
        let next = publics(&sr_signers(10, 5));
        let approvals = proof(
            id,
            1,
            &next,
            &[(3, &signers[3]), (0, &signers[0]), (2, &signers[2])],
        );
        assert_ok!(Subchains::update_validators(
            RuntimeOrigin::signed(CHARLIE),
            id,
            next.clone(),
            approvals
        ));
        let set = ValidatorSets::<Test>::get(id).expect("a set");
        assert_eq!(set.id, 1);
        assert_eq!(
            set.keys
                .iter()
                .map(|k| k.as_bytes().to_vec())
                .collect::<Vec<_>>(),
            next
        );
        assert_eq!(
            last_event(),
            RuntimeEvent::Subchains(Event::ValidatorsUpdated {
                id,
                set_id: 1,
                validators: 5,
                signers: 3,
            })
        );
        // The new set now approves the next change; the old one cannot.
        let new_signers = sr_signers(10, 5);
        let after = publics(&sr_signers(20, 1));
        assert_noop!(
            Subchains::update_validators(
                RuntimeOrigin::signed(CHARLIE),
                id,
                after.clone(),
                proof(
                    id,
                    2,
                    &after,
                    &[
                        (0, &signers[0]),
                        (1, &signers[1]),
                        (2, &signers[2]),
                        (3, &signers[3])
                    ]
                ),
            ),
            Error::<Test>::InvalidSignature
        );
        let quorum: Vec<(u32, &Signer)> =
            (0..4u32).map(|i| (i, &new_signers[i as usize])).collect();
        assert_ok!(Subchains::update_validators(
            RuntimeOrigin::signed(CHARLIE),
            id,
            after.clone(),
            proof(id, 2, &after, &quorum),
        ));
        assert_eq!(ValidatorSets::<Test>::get(id).map(|s| s.id), Some(2));
        check_invariants();
    });
}

#[test]
fn exactly_two_thirds_is_not_enough() {
    new_test_ext().execute_with(|| {
        let (id, signers) = sr_chain(3);
        let next = publics(&sr_signers(10, 3));
        assert_noop!(
            Subchains::update_validators(
                RuntimeOrigin::signed(BOB),
                id,
                next.clone(),
                proof(id, 1, &next, &[(0, &signers[0]), (1, &signers[1])]),
            ),
            Error::<Test>::InsufficientSignatures
        );
        assert_ok!(Subchains::update_validators(
            RuntimeOrigin::signed(BOB),
            id,
            next.clone(),
            proof(
                id,
                1,
                &next,
                &[(0, &signers[0]), (1, &signers[1]), (2, &signers[2])]
            ),
        ));

        // Six validators: four (= 2/3) fail, five pass.
        let six = sr_signers(30, 6);
        let mut cfg = config_with("six", 0, &six);
        cfg.chain_id = b"six".to_vec();
        let id = register(ALICE, cfg, MIN_STAKE);
        let four: Vec<(u32, &Signer)> = (0..4u32).map(|i| (i, &six[i as usize])).collect();
        let five: Vec<(u32, &Signer)> = (0..5u32).map(|i| (i, &six[i as usize])).collect();
        assert_noop!(
            Subchains::update_validators(
                RuntimeOrigin::signed(BOB),
                id,
                next.clone(),
                proof(id, 1, &next, &four),
            ),
            Error::<Test>::InsufficientSignatures
        );
        assert_ok!(Subchains::update_validators(
            RuntimeOrigin::signed(BOB),
            id,
            next.clone(),
            proof(id, 1, &next, &five),
        ));
        check_invariants();
    });
}

#[test]
fn a_replayed_proof_is_rejected() {
    new_test_ext().execute_with(|| {
        let (id, signers) = sr_chain(4);
        // The same keys again: only the set id changes, and that is enough.
        let same = publics(&signers);
        let all: Vec<(u32, &Signer)> = (0..4u32).map(|i| (i, &signers[i as usize])).collect();
        let approvals = proof(id, 1, &same, &all);
        assert_ok!(Subchains::update_validators(
            RuntimeOrigin::signed(BOB),
            id,
            same.clone(),
            approvals.clone()
        ));
        assert_noop!(
            Subchains::update_validators(RuntimeOrigin::signed(BOB), id, same.clone(), approvals),
            Error::<Test>::InvalidSignature
        );
        // A proof for another subchain with the same validators does not carry over.
        let mut other = config_with("other", 0, &signers);
        other.chain_id = b"other".to_vec();
        let other_id = register(ALICE, other, MIN_STAKE);
        let foreign = proof(other_id, 1, &same, &all);
        assert_noop!(
            Subchains::update_validators(RuntimeOrigin::signed(BOB), id, same.clone(), foreign),
            Error::<Test>::InvalidSignature
        );
        // A proof for another new set does not either.
        let approvals = proof(id, 2, &publics(&sr_signers(40, 2)), &all);
        assert_noop!(
            Subchains::update_validators(RuntimeOrigin::signed(BOB), id, same, approvals),
            Error::<Test>::InvalidSignature
        );
    });
}

#[test]
fn malformed_proofs_are_rejected() {
    new_test_ext().execute_with(|| {
        let (id, signers) = sr_chain(4);
        let next = publics(&sr_signers(10, 2));
        let call = |approvals: Vec<ValidatorSignature>| {
            Subchains::update_validators(RuntimeOrigin::signed(BOB), id, next.clone(), approvals)
        };
        assert_noop!(call(vec![]), Error::<Test>::InsufficientSignatures);
        assert_noop!(
            call(proof(
                id,
                1,
                &next,
                &[(0, &signers[0]), (1, &signers[1]), (9, &signers[2])]
            )),
            Error::<Test>::UnknownSigner
        );
        assert_noop!(
            call(proof(
                id,
                1,
                &next,
                &[(0, &signers[0]), (1, &signers[1]), (1, &signers[1])]
            )),
            Error::<Test>::DuplicateSigner
        );
        assert_noop!(
            call(proof(
                id,
                1,
                &next,
                &[
                    (0, &signers[0]),
                    (1, &signers[1]),
                    (2, &signers[2]),
                    (3, &signers[3]),
                    (0, &signers[0])
                ]
            )),
            Error::<Test>::TooManySignatures
        );
        // An outsider signing in a member's place.
        let outsider = &sr_signers(50, 1)[0];
        assert_noop!(
            call(proof(
                id,
                1,
                &next,
                &[(0, &signers[0]), (1, &signers[1]), (2, outsider)]
            )),
            Error::<Test>::InvalidSignature
        );
        // A corrupted signature.
        let mut approvals = proof(
            id,
            1,
            &next,
            &[(0, &signers[0]), (1, &signers[1]), (2, &signers[2])],
        );
        approvals[2].signature[5] ^= 1;
        assert_noop!(call(approvals), Error::<Test>::InvalidSignature);
        assert_noop!(
            Subchains::update_validators(RuntimeOrigin::none(), id, next.clone(), vec![]),
            DispatchError::BadOrigin
        );
        assert_noop!(
            Subchains::update_validators(RuntimeOrigin::signed(BOB), 9, next.clone(), vec![]),
            Error::<Test>::UnknownSubchain
        );
    });
}

#[test]
fn update_validators_checks_the_new_set() {
    new_test_ext().execute_with(|| {
        let (id, signers) = sr_chain(4);
        let quorum: Vec<(u32, &Signer)> = (0..3u32).map(|i| (i, &signers[i as usize])).collect();
        let try_set = |set: Vec<Vec<u8>>| {
            Subchains::update_validators(RuntimeOrigin::signed(BOB), id, set, vec![])
        };
        assert_noop!(try_set(vec![]), Error::<Test>::NoValidators);
        assert_noop!(
            try_set(publics(&sr_signers(10, MAX_VALIDATORS as u8 + 1))),
            Error::<Test>::TooManyValidators
        );
        assert_noop!(
            try_set(vec![vec![1u8; 33]]),
            Error::<Test>::InvalidValidatorKey
        );
        let dup = publics(&sr_signers(10, 1));
        assert_noop!(
            try_set(vec![dup[0].clone(), dup[0].clone()]),
            Error::<Test>::DuplicateValidator
        );
        // The largest set is fine.
        let full = publics(&sr_signers(10, MAX_VALIDATORS as u8));
        assert_ok!(Subchains::update_validators(
            RuntimeOrigin::signed(BOB),
            id,
            full.clone(),
            proof(id, 1, &full, &quorum),
        ));
        // A retired subchain's set cannot change.
        assert_ok!(Subchains::deregister(RuntimeOrigin::signed(ALICE), id));
        assert_noop!(
            Subchains::update_validators(RuntimeOrigin::signed(BOB), id, full, vec![]),
            Error::<Test>::SubchainRetired
        );
    });
}

#[test]
fn update_validators_in_ed25519_and_sm2() {
    new_test_ext().execute_with(|| {
        for (scheme, signers, next) in [
            (1u8, ed_signers(1, 4), ed_signers(10, 2)),
            (2u8, sm2_signers(1, 4), sm2_signers(10, 2)),
        ] {
            let name = format!("chain{scheme}");
            let id = register(ALICE, config_with(&name, scheme, &signers), MIN_STAKE);
            let next = publics(&next);
            let quorum: Vec<(u32, &Signer)> =
                (1..4u32).map(|i| (i, &signers[i as usize])).collect();
            // Signatures of the wrong scheme's signer do not verify.
            let stranger = &sr_signers(60, 1)[0];
            assert_noop!(
                Subchains::update_validators(
                    RuntimeOrigin::signed(BOB),
                    id,
                    next.clone(),
                    proof(
                        id,
                        1,
                        &next,
                        &[(1, &signers[1]), (2, &signers[2]), (3, stranger)]
                    ),
                ),
                Error::<Test>::InvalidSignature
            );
            assert_ok!(Subchains::update_validators(
                RuntimeOrigin::signed(BOB),
                id,
                next.clone(),
                proof(id, 1, &next, &quorum),
            ));
            let set = ValidatorSets::<Test>::get(id).expect("a set");
            assert_eq!(set.id, 1);
            assert!(set.keys.iter().all(|k| k.scheme().code() == scheme));
        }
        check_invariants();
    });
}

#[test]
fn a_verifier_without_sm2_refuses_sm2_proofs_with_a_typed_error() {
    new_test_ext().execute_with(|| {
        let signers = sm2_signers(1, 3);
        let id = register(ALICE, config_with("sm2", 2, &signers), MIN_STAKE);
        let next = publics(&sm2_signers(10, 3));
        let all: Vec<(u32, &Signer)> = (0..3u32).map(|i| (i, &signers[i as usize])).collect();
        Sm2Enabled::set(false);
        assert_noop!(
            Subchains::update_validators(
                RuntimeOrigin::signed(BOB),
                id,
                next.clone(),
                proof(id, 1, &next, &all),
            ),
            Error::<Test>::UnsupportedScheme
        );
        Sm2Enabled::set(true);
        assert_ok!(Subchains::update_validators(
            RuntimeOrigin::signed(BOB),
            id,
            next.clone(),
            proof(id, 1, &next, &all),
        ));
    });
}

// --- traits and views ---------------------------------------------------------------------------

#[test]
fn the_registry_trait_reads_the_registry() {
    new_test_ext().execute_with(|| {
        let (id, signers) = sr_chain(4);
        assert_eq!(
            <Subchains as SubchainRegistry<u128, u64>>::status(id),
            Some(SubchainStatus::Active)
        );
        assert_eq!(<Subchains as SubchainRegistry<u128, u64>>::status(9), None);
        assert!(<Subchains as SubchainRegistry<u128, u64>>::is_active(id));
        assert!(!<Subchains as SubchainRegistry<u128, u64>>::is_active(9));
        let set = <Subchains as SubchainRegistry<u128, u64>>::validators(id).expect("a set");
        assert_eq!(set.set_id, 0);
        assert_eq!(set.scheme, SignatureScheme::Sr25519);
        assert_eq!(set.consensus, ConsensusKind::Pbft);
        assert_eq!(
            set.keys,
            signers
                .iter()
                .map(|s| C3nKey::from_bytes(SignatureScheme::Sr25519, &s.public()).expect("key"))
                .collect::<Vec<_>>()
        );
        assert_eq!(
            <Subchains as SubchainRegistry<u128, u64>>::validators(9),
            None
        );
        let account = <Subchains as SubchainRegistry<u128, u64>>::account(id);
        assert_eq!(account, Subchains::account_id(id));
        assert_eq!(
            <Subchains as SubchainRegistry<u128, u64>>::subchain_of(&account),
            Some(id)
        );
        // Not registered (yet), or not a subchain account at all.
        assert_eq!(Subchains::subchain_of(&Subchains::account_id(2)), None);
        assert_eq!(Subchains::subchain_of(&ALICE), None);
        assert_eq!(Subchains::subchain_of(&u128::MAX), None);
        assert_eq!(
            <Subchains as SubchainRegistry<u128, u64>>::freeze_weight(2),
            <() as crate::WeightInfo>::freeze()
                .saturating_add(<() as crate::WeightInfo>::slash_bond().saturating_mul(2))
        );
        assert_noop!(
            <Subchains as SubchainRegistry<u128, u64>>::freeze(9, &[]),
            Error::<Test>::UnknownSubchain
        );
        assert_eq!(
            <Subchains as SubchainRegistry<u128, u64>>::genesis_hash(id),
            Some(H256::repeat_byte(0xab))
        );
        assert_eq!(
            <Subchains as SubchainRegistry<u128, u64>>::genesis_hash(9),
            None
        );
        assert!(!<Subchains as SubchainRegistry<u128, u64>>::is_frozen(id));
        assert!(!<Subchains as SubchainRegistry<u128, u64>>::is_frozen(9));
        assert_ok!(<Subchains as SubchainRegistry<u128, u64>>::freeze(id, &[]));
        assert!(<Subchains as SubchainRegistry<u128, u64>>::is_frozen(id));
        assert!(!<Subchains as SubchainRegistry<u128, u64>>::is_active(id));
    });
}

// --- gas fees -----------------------------------------------------------------------------------

#[test]
fn genesis_fees_default_to_the_config_and_charges_read_storage() {
    new_test_ext().execute_with(|| {
        assert_eq!(
            crate::Fees::<Test>::get(),
            GasFees {
                header_fee: HEADER_FEE,
                message_fee: MESSAGE_FEE
            }
        );
        let id = register(ALICE, config("Fees"), 2_000);
        assert_ok!(Subchains::set_gas_fees(RuntimeOrigin::root(), 30, 7));
        assert_eq!(
            last_event(),
            RuntimeEvent::Subchains(Event::GasFeesSet {
                header_fee: 30,
                message_fee: 7
            })
        );
        assert_eq!(Subchains::charge_header(id), Ok(30));
        assert_eq!(Subchains::charge_message(id), Ok(7));
        assert_eq!(info(id).gas, 2_000 - 37);
        assert_eq!(held(id), 2_000 - 37);
        check_invariants();
    });
}

#[test]
fn set_gas_fees_is_root_only_and_refuses_fees_above_min_gas() {
    new_test_ext().execute_with(|| {
        assert_noop!(
            Subchains::set_gas_fees(RuntimeOrigin::signed(ALICE), 1, 1),
            DispatchError::BadOrigin
        );
        assert_noop!(
            Subchains::set_gas_fees(RuntimeOrigin::root(), MIN_GAS + 1, 1),
            Error::<Test>::FeeAboveMinGas
        );
        assert_noop!(
            Subchains::set_gas_fees(RuntimeOrigin::root(), 1, MIN_GAS + 1),
            Error::<Test>::FeeAboveMinGas
        );
        // Exactly MinGasBalance, and zero, are allowed.
        assert_ok!(Subchains::set_gas_fees(RuntimeOrigin::root(), MIN_GAS, 0));
        assert_eq!(
            crate::Fees::<Test>::get(),
            GasFees {
                header_fee: MIN_GAS,
                message_fee: 0
            }
        );
        check_invariants();
    });
}

#[test]
fn a_fee_of_min_gas_drains_a_stake_in_few_headers() {
    new_test_ext().execute_with(|| {
        assert_ok!(Subchains::set_gas_fees(RuntimeOrigin::root(), MIN_GAS, 0));
        let id = register(ALICE, config("Short"), MIN_STAKE);
        // Active down to exactly MIN_GAS: MIN_STAKE / MIN_GAS charges, the last one suspends.
        let charges = MIN_STAKE / MIN_GAS;
        for _ in 0..charges {
            assert_eq!(Subchains::charge_header(id), Ok(MIN_GAS));
        }
        assert_eq!(status(id), SubchainStatus::Suspended);
        assert_eq!(info(id).gas, 0);
        assert_noop!(Subchains::charge_header(id), Error::<Test>::NotActive);
        check_invariants();
    });
}

#[test]
fn genesis_refuses_fees_above_min_gas() {
    use sp_runtime::BuildStorage;
    let too_high = crate::GenesisConfig::<Test> {
        header_fee: MIN_GAS + 1,
        message_fee: 0,
        _config: Default::default(),
    };
    let built = std::panic::catch_unwind(|| too_high.build_storage());
    assert!(
        built.is_err(),
        "a header fee above MinGasBalance is refused"
    );
    let ok = crate::GenesisConfig::<Test> {
        header_fee: MIN_GAS,
        message_fee: 1,
        _config: Default::default(),
    };
    let mut ext = sp_io::TestExternalities::new(ok.build_storage().expect("builds"));
    ext.execute_with(|| {
        assert_eq!(
            crate::Fees::<Test>::get(),
            GasFees {
                header_fee: MIN_GAS,
                message_fee: 1
            }
        );
    });
}

#[test]
fn genesis_json_is_camel_case_and_optional() {
    let config: crate::GenesisConfig<Test> =
        serde_json::from_str(r#"{"headerFee": 100, "messageFee": 3}"#).expect("parses");
    assert_eq!((config.header_fee, config.message_fee), (100, 3));
    // Old specs without the fees, or with only one, still load with the defaults.
    let config: crate::GenesisConfig<Test> = serde_json::from_str("{}").expect("parses");
    assert_eq!(
        (config.header_fee, config.message_fee),
        (HEADER_FEE, MESSAGE_FEE)
    );
    let config: crate::GenesisConfig<Test> =
        serde_json::from_str(r#"{"headerFee": 50}"#).expect("parses");
    assert_eq!((config.header_fee, config.message_fee), (50, MESSAGE_FEE));
    assert!(serde_json::from_str::<crate::GenesisConfig<Test>>(r#"{"fee": 1}"#).is_err());
    let json = serde_json::to_value(crate::GenesisConfig::<Test>::default()).expect("json");
    assert_eq!(
        json,
        serde_json::json!({"headerFee": HEADER_FEE, "messageFee": MESSAGE_FEE})
    );
}

#[test]
fn views_show_every_subchain_in_order() {
    new_test_ext().execute_with(|| {
        assert!(Subchains::subchain_views().is_empty());
        for i in 0..12u8 {
            register(
                ALICE,
                config(&format!("chain{i}")),
                MIN_STAKE + u128::from(i),
            );
        }
        let views = Subchains::subchain_views();
        assert_eq!(
            views.iter().map(|v| v.id).collect::<Vec<_>>(),
            (1..=12).collect::<Vec<_>>()
        );
        assert_ok!(Subchains::charge_header(3));
        let view = Subchains::subchain_view(3).expect("a view");
        assert_eq!(view.owner, ALICE);
        assert_eq!(view.account, Subchains::account_id(3));
        assert_eq!(view.name, b"chain2".to_vec());
        assert_eq!(view.chain_id, b"chain2".to_vec());
        assert_eq!(view.symbol, b"SUB".to_vec());
        assert_eq!(view.decimals, 12);
        assert_eq!(view.asset_id, None);
        assert_eq!(view.consensus, ConsensusKind::Pbft);
        assert_eq!(view.signature_scheme, SignatureScheme::Sr25519);
        assert_eq!(view.gas, MIN_STAKE + 2 - HEADER_FEE);
        assert_eq!(view.gas_spent, HEADER_FEE);
        assert_eq!(view.headers_charged, 1);
        assert_eq!(view.messages_charged, 0);
        assert!(!view.frozen);
        assert_eq!(view.status, SubchainStatus::Active);
        assert_eq!(view.registered_at, 1);
        assert_eq!(view.validator_set_id, 0);
        assert_eq!(view.validators.len(), 4);
        assert_eq!(Subchains::subchain_view(13), None);
    });
}

#[test]
fn integrity_test_passes_on_the_mock() {
    <crate::Pallet<Test> as Hooks<u64>>::integrity_test();
}

// --- verification functions -------------------------------------------------------------------

#[test]
fn two_thirds_rule() {
    for (signers, total, expected) in [
        (0, 0, false),
        (0, 1, false),
        (1, 1, true),
        (1, 2, false),
        (2, 2, true),
        (2, 3, false),
        (3, 3, true),
        (2, 4, false),
        (3, 4, true),
        (4, 6, false),
        (5, 6, true),
        (66, 100, false),
        (67, 100, true),
        (usize::MAX, usize::MAX, true),
    ] {
        assert_eq!(
            verify::exceeds_two_thirds(signers, total),
            expected,
            "{signers} of {total}"
        );
    }
}

/// The key of a test validator.
fn key_of(signer: &Signer) -> C3nKey {
    let scheme = match signer {
        Signer::Sr(_) => SignatureScheme::Sr25519,
        Signer::Ed(_) => SignatureScheme::Ed25519,
        Signer::Sm2(_) => SignatureScheme::Sm2,
    };
    C3nKey::from_bytes(scheme, &signer.public()).expect("a well-formed key")
}

#[test]
fn every_scheme_verifies_its_own_signatures_only() {
    new_test_ext().execute_with(|| {
        use crate::{DefaultVerifier, SignatureVerifier, WithoutSm2, verify::VerifyError};
        let message = b"payload";
        for signer in [
            sr_signers(1, 1).remove(0),
            ed_signers(1, 1).remove(0),
            sm2_signers(1, 1).remove(0),
        ] {
            let key = key_of(&signer);
            let signature = signer.sign(message);
            assert_eq!(DefaultVerifier::verify(&key, message, &signature), Ok(()));
            assert_eq!(
                DefaultVerifier::verify(&key, b"other", &signature),
                Err(VerifyError::BadSignature)
            );
            let mut bad = signature;
            bad[63] ^= 0x10;
            assert_eq!(
                DefaultVerifier::verify(&key, message, &bad),
                Err(VerifyError::BadSignature)
            );
            let expected = if key.scheme() == SignatureScheme::Sm2 {
                Err(VerifyError::UnsupportedScheme)
            } else {
                Ok(())
            };
            assert_eq!(WithoutSm2::verify(&key, message, &signature), expected);
        }
        // An SM2 "key" that is not a curve point never verifies.
        let mut not_a_point = [0xffu8; 33];
        not_a_point[0] = 0x02;
        assert_eq!(
            DefaultVerifier::verify(&C3nKey::Sm2(not_a_point), message, &[1; 64]),
            Err(VerifyError::BadSignature)
        );
        assert!(!verify::sm2_verify(&not_a_point, message, &[0; 64]));
    });
}

#[test]
fn the_payload_binds_every_field() {
    let keys = [C3nKey::Sr25519([1; 32]), C3nKey::Sm2([2; 33])];
    let genesis = H256::repeat_byte(9);
    let base = verify::validator_set_payload(1, b"chain", &genesis, 1, &keys);
    let variants = [
        verify::validator_set_payload(2, b"chain", &genesis, 1, &keys),
        verify::validator_set_payload(1, b"chaim", &genesis, 1, &keys),
        verify::validator_set_payload(1, b"chain", &H256::repeat_byte(8), 1, &keys),
        verify::validator_set_payload(1, b"chain", &genesis, 2, &keys),
        verify::validator_set_payload(1, b"chain", &genesis, 1, &keys[..1]),
        verify::validator_set_payload(1, b"chain", &genesis, 1, &[keys[1], keys[0]]),
    ];
    for variant in variants {
        assert_ne!(variant, base);
    }
    // The encoding is fixed: subchains sign exactly these bytes.
    let encoded = codec::Encode::encode(&(
        VALIDATOR_SET_DOMAIN,
        1u32,
        &b"chain"[..],
        genesis,
        1u64,
        &keys[..],
    ));
    assert_eq!(base, sp_crypto_hashing::blake2_256(&encoded));
    assert_eq!(encoded.len(), 1 + 31 + 4 + 1 + 5 + 32 + 8 + 1 + 33 + 34);
    assert_eq!(
        hex(&base),
        PAYLOAD_FIXTURE,
        "the validator-set payload encoding changed"
    );
}

/// `validator_set_payload(1, "chain", 0x0909…09, 1, [sr25519 0x01…01, sm2 0x02…02])`.
const PAYLOAD_FIXTURE: &str = "35c20bb9712a45f40c5ee2cde4c18591b2b9d6e3d1751011fa7b926f02e52659";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn check_quorum_checks_structure_before_signatures() {
    // A verifier that accepts nothing: structural errors must come first.
    struct Never;
    impl crate::SignatureVerifier for Never {
        fn verify(_: &C3nKey, _: &[u8], _: &C3nSignature) -> Result<(), verify::VerifyError> {
            Err(verify::VerifyError::BadSignature)
        }
    }
    let keys = [
        C3nKey::Ed25519([1; 32]),
        C3nKey::Ed25519([2; 32]),
        C3nKey::Ed25519([3; 32]),
    ];
    let sig = |index| ValidatorSignature {
        index,
        signature: [0; 64],
    };
    use verify::{QuorumError::*, check_quorum};
    assert_eq!(
        check_quorum::<Never>(&keys, b"m", &[sig(0), sig(1), sig(2), sig(0)]),
        Err(TooManySignatures)
    );
    assert_eq!(
        check_quorum::<Never>(&keys, b"m", &[sig(3)]),
        Err(UnknownSigner)
    );
    assert_eq!(
        check_quorum::<Never>(&keys, b"m", &[sig(u32::MAX)]),
        Err(UnknownSigner)
    );
    assert_eq!(
        check_quorum::<Never>(&keys, b"m", &[sig(1), sig(1)]),
        Err(DuplicateSigner)
    );
    assert_eq!(
        check_quorum::<Never>(&keys, b"m", &[sig(1), sig(2)]),
        Err(InsufficientSignatures)
    );
    assert_eq!(
        check_quorum::<Never>(&keys, b"m", &[sig(1), sig(2), sig(0)]),
        Err(InvalidSignature)
    );
    assert_eq!(
        check_quorum::<Never>(&[], b"m", &[]),
        Err(InsufficientSignatures)
    );
}

// --- validator bonds ----------------------------------------------------------------------------

fn bond_reason() -> RuntimeHoldReason {
    HoldReason::ValidatorBond.into()
}

#[test]
fn bonds_are_held_grow_and_unbond_only_after_the_key_leaves_the_set() {
    new_test_ext().execute_with(|| {
        let (id, signers) = sr_chain(4);
        let key = key_of(&signers[0]);
        // A new bond needs MinBond; a stranger's key cannot be bonded.
        assert_noop!(
            Subchains::bond(RuntimeOrigin::signed(BOB), id, key, MIN_BOND - 1),
            Error::<Test>::BondTooLow
        );
        let outsider = key_of(&sr_signers(40, 1)[0]);
        assert_noop!(
            Subchains::bond(RuntimeOrigin::signed(BOB), id, outsider, MIN_BOND),
            Error::<Test>::NotValidator
        );
        assert_noop!(
            Subchains::bond(RuntimeOrigin::signed(BOB), id, key, 0),
            Error::<Test>::ZeroAmount
        );
        assert_noop!(
            Subchains::bond(RuntimeOrigin::signed(BOB), 9, key, MIN_BOND),
            Error::<Test>::UnknownSubchain
        );
        assert_noop!(
            Subchains::bond(RuntimeOrigin::signed(CHARLIE), id, key, POOR),
            Error::<Test>::InsufficientBalance
        );
        let free = Balances::balance(&BOB);
        assert_ok!(Subchains::bond(
            RuntimeOrigin::signed(BOB),
            id,
            key,
            MIN_BOND
        ));
        assert_ok!(Subchains::bond(RuntimeOrigin::signed(BOB), id, key, 5));
        assert_eq!(
            last_event(),
            RuntimeEvent::Subchains(Event::Bonded {
                id,
                key,
                bonder: BOB,
                amount: 5,
                bond: MIN_BOND + 5,
            })
        );
        assert_eq!(
            Balances::balance_on_hold(&bond_reason(), &BOB),
            MIN_BOND + 5
        );
        assert_eq!(Balances::balance(&BOB), free - MIN_BOND - 5);
        // One bonder per key.
        assert_noop!(
            Subchains::bond(RuntimeOrigin::signed(ALICE), id, key, MIN_BOND),
            Error::<Test>::NotBonder
        );
        // Still validating: no unbonding; only the bonder may unbond.
        assert_noop!(
            Subchains::unbond(RuntimeOrigin::signed(BOB), id, key),
            Error::<Test>::StillValidating
        );
        assert_noop!(
            Subchains::unbond(RuntimeOrigin::signed(ALICE), id, key),
            Error::<Test>::NotBonder
        );
        assert_noop!(
            Subchains::withdraw_bond(RuntimeOrigin::signed(BOB), id, key),
            Error::<Test>::BondLocked
        );
        // The key leaves the set: it unbonds, and is withdrawable after the bonding duration.
        let next = publics(&sr_signers(10, 4));
        let approvals = proof(
            id,
            1,
            &next,
            &[(0, &signers[0]), (1, &signers[1]), (2, &signers[2])],
        );
        assert_ok!(Subchains::update_validators(
            RuntimeOrigin::signed(CHARLIE),
            id,
            next,
            approvals
        ));
        assert_ok!(Subchains::unbond(RuntimeOrigin::signed(BOB), id, key));
        let withdrawable_at = 1 + BONDING_DURATION;
        assert_eq!(
            last_event(),
            RuntimeEvent::Subchains(Event::Unbonding {
                id,
                key,
                withdrawable_at,
            })
        );
        assert_noop!(
            Subchains::unbond(RuntimeOrigin::signed(BOB), id, key),
            Error::<Test>::AlreadyUnbonding
        );
        assert_noop!(
            Subchains::bond(RuntimeOrigin::signed(BOB), id, key, 1),
            Error::<Test>::NotValidator
        );
        System::set_block_number(withdrawable_at - 1);
        assert_noop!(
            Subchains::withdraw_bond(RuntimeOrigin::signed(CHARLIE), id, key),
            Error::<Test>::BondLocked
        );
        System::set_block_number(withdrawable_at);
        // Anyone may withdraw it; it goes to the bonder.
        assert_ok!(Subchains::withdraw_bond(
            RuntimeOrigin::signed(CHARLIE),
            id,
            key
        ));
        assert_eq!(Balances::balance(&BOB), free);
        assert_eq!(Balances::balance_on_hold(&bond_reason(), &BOB), 0);
        assert_noop!(
            Subchains::withdraw_bond(RuntimeOrigin::signed(BOB), id, key),
            Error::<Test>::NoBond
        );
        check_invariants();
    });
}

#[test]
fn fork_evidence_slashes_the_signers_bonds_even_while_unbonding() {
    new_test_ext().execute_with(|| {
        let (id, signers) = sr_chain(4);
        let keys: Vec<C3nKey> = signers.iter().map(key_of).collect();
        for key in &keys[..3] {
            assert_ok!(Subchains::bond(
                RuntimeOrigin::signed(BOB),
                id,
                *key,
                MIN_BOND
            ));
        }
        let treasury = Balances::balance(&TREASURY);
        let issuance = Balances::total_issuance();
        // Signers 2 and 3 (bonded) and 4 (no bond) signed both sides.
        let slashed = <Subchains as SubchainRegistry<u128, u64>>::freeze(id, &keys[1..]);
        assert_eq!(slashed, Ok(2 * MIN_BOND));
        assert!(info(id).frozen);
        assert_eq!(Balances::balance(&TREASURY), treasury + 2 * MIN_BOND);
        assert_eq!(
            Balances::total_issuance(),
            issuance,
            "moved to OnBondSlashed"
        );
        assert_eq!(Balances::balance_on_hold(&bond_reason(), &BOB), MIN_BOND);
        assert!(System::events().iter().any(|record| {
            record.event
                == RuntimeEvent::Subchains(Event::BondSlashed {
                    id,
                    key: keys[1],
                    bonder: BOB,
                    amount: MIN_BOND,
                })
        }));
        // Frozen: nothing bonds, unbonds or is withdrawn until governance unfreezes it.
        assert_noop!(
            Subchains::bond(RuntimeOrigin::signed(BOB), id, keys[3], MIN_BOND),
            Error::<Test>::SubchainFrozen
        );
        assert_noop!(
            Subchains::unbond(RuntimeOrigin::signed(BOB), id, keys[0]),
            Error::<Test>::SubchainFrozen
        );
        // A second freeze is refused and slashes nothing more.
        assert_noop!(
            <Subchains as SubchainRegistry<u128, u64>>::freeze(id, &keys),
            Error::<Test>::AlreadyFrozen
        );
        check_invariants();
    });
}

#[test]
fn an_unbonding_bond_is_still_slashed() {
    new_test_ext().execute_with(|| {
        let (id, signers) = sr_chain(4);
        let key = key_of(&signers[0]);
        assert_ok!(Subchains::bond(
            RuntimeOrigin::signed(BOB),
            id,
            key,
            MIN_BOND
        ));
        assert_ok!(Subchains::deregister(RuntimeOrigin::signed(ALICE), id));
        // Retired: the key may unbond though it is still in the last set.
        assert_ok!(Subchains::unbond(RuntimeOrigin::signed(BOB), id, key));
        assert_eq!(
            <Subchains as SubchainRegistry<u128, u64>>::freeze(id, core::slice::from_ref(&key)),
            Ok(MIN_BOND)
        );
        System::set_block_number(1 + BONDING_DURATION);
        assert_noop!(
            Subchains::withdraw_bond(RuntimeOrigin::signed(BOB), id, key),
            Error::<Test>::NoBond
        );
        assert_eq!(Balances::balance_on_hold(&bond_reason(), &BOB), 0);
        check_invariants();
    });
}
