//! Native tests of the main-chain runtime, built from the `development` preset the way the node
//! builds genesis: through `dispatch("GenesisBuilder_get_preset")` and
//! `dispatch("GenesisBuilder_build_state")` inside `sp-io` externalities.

mod common;

use codec::{Decode, Encode};
use common::dev_ext;
use frame_support::traits::{
    Get,
    fungible::{Inspect, InspectFreeze},
};
use sp_core::{Pair, sr25519};
use sp_keyring::Sr25519Keyring;
use sp_runtime::{
    BuildStorage, MultiSignature, MultiSigner,
    generic::Era,
    traits::{Block as BlockT, Dispatchable, Header as HeaderT, IdentifyAccount},
    transaction_validity::{InvalidTransaction, TransactionValidityError},
};
use wcme_runtime_main::{
    AccountId, Balance, Balances, BalancesCall, Executive, Header, Reserve, Runtime, RuntimeCall,
    RuntimeEvent, RuntimeOrigin, SignedPayload, System, TimestampCall, TxExtension,
    UncheckedExtrinsic, VERSION, WCME, buckets, dispatch, genesis_config_presets,
};

fn alice() -> AccountId {
    Sr25519Keyring::Alice.to_account_id()
}

fn bob() -> AccountId {
    Sr25519Keyring::Bob.to_account_id()
}

/// The transaction extensions of a signed, immortal transaction with `nonce` and no tip.
fn tx_extension(nonce: u32) -> TxExtension {
    (
        frame_system::CheckNonZeroSender::<Runtime>::new(),
        frame_system::CheckSpecVersion::<Runtime>::new(),
        frame_system::CheckTxVersion::<Runtime>::new(),
        frame_system::CheckGenesis::<Runtime>::new(),
        frame_system::CheckEra::<Runtime>::from(Era::Immortal),
        frame_system::CheckNonce::<Runtime>::from(nonce),
        frame_system::CheckWeight::<Runtime>::new(),
        pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(0),
    )
}

/// Sign `call` as `pair` with `nonce`. Must run inside the externalities of the block the
/// transaction goes into (the implicit data includes the genesis hash as this state sees it).
fn sign(pair: &sr25519::Pair, call: RuntimeCall, nonce: u32) -> UncheckedExtrinsic {
    let ext = tx_extension(nonce);
    let payload = SignedPayload::new(call.clone(), ext.clone()).expect("implicit data");
    let signature = payload.using_encoded(|bytes| pair.sign(bytes));
    let signer: AccountId = MultiSigner::from(pair.public()).into_account();
    UncheckedExtrinsic::new_signed(call, signer.into(), MultiSignature::Sr25519(signature), ext)
}

/// Start block 1 on top of genesis and apply the timestamp inherent (which every block needs).
fn start_block_one() {
    let parent = System::block_hash(0);
    let header = Header::new(
        1,
        Default::default(),
        Default::default(),
        parent,
        Default::default(),
    );
    Executive::initialize_block(&header);
    let timestamp = UncheckedExtrinsic::new_bare(RuntimeCall::Timestamp(TimestampCall::set {
        now: wcme_runtime_main::MILLISECS_PER_BLOCK,
    }));
    Executive::apply_extrinsic(timestamp)
        .expect("inherent is valid")
        .expect("inherent dispatches");
}

#[test]
fn bucket_amounts_are_exact_and_sum_to_the_genesis_supply() {
    let expected: [(&str, Balance); 6] = [
        ("frozen reserve", 480_000_000),
        ("founding team", 48_000_000),
        ("community activities", 80_640_000),
        ("technical team", 30_720_000),
        ("technical-ecosystem fund", 157_440_000),
        ("operations and business cooperation", 163_200_000),
    ];
    assert_eq!(buckets::BUCKETS.len(), expected.len());
    for (bucket, (name, whole_wcme)) in buckets::BUCKETS.iter().zip(expected) {
        assert_eq!(bucket.name, name);
        assert_eq!(bucket.amount, whole_wcme * WCME, "{name}");
    }
    assert_eq!(buckets::total(), Some(960_000_000 * WCME));
    assert_eq!(buckets::GENESIS_SUPPLY, 960_000_000 * WCME);
    assert_eq!(wcme_runtime_main::TOKEN_DECIMALS, 12);
    assert_eq!(WCME, 10u128.pow(12));

    // Shares of DESIGN §3, in per-mille of the supply.
    let per_mille: Vec<Balance> = buckets::BUCKETS
        .iter()
        .map(|b| b.amount * 1000 / buckets::GENESIS_SUPPLY)
        .collect();
    assert_eq!(per_mille, vec![500, 50, 84, 32, 164, 170]);
}

#[test]
fn bucket_accounts_are_distinct_and_not_dev_accounts() {
    let accounts = buckets::dev_bucket_accounts().expect("derivable");
    let mut all = accounts.clone();
    all.extend(genesis_config_presets::dev_accounts());
    let before = all.len();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), before, "every genesis account is distinct");
    assert_eq!(accounts.len(), 6);
    assert_eq!(
        buckets::FROZEN_RESERVE.dev_account().expect("derivable"),
        accounts[0]
    );
}

#[test]
fn genesis_holds_the_buckets_and_dev_accounts() {
    dev_ext().execute_with(|| {
        for bucket in buckets::BUCKETS {
            let who = bucket.dev_account().expect("derivable");
            assert_eq!(
                Balances::free_balance(&who),
                bucket.amount,
                "{}",
                bucket.name
            );
        }
        for who in genesis_config_presets::dev_accounts() {
            assert_eq!(
                Balances::free_balance(&who),
                genesis_config_presets::DEV_ACCOUNT_BALANCE
            );
        }
        let dev_total = 12 * genesis_config_presets::DEV_ACCOUNT_BALANCE;
        assert_eq!(
            Balances::total_issuance(),
            buckets::GENESIS_SUPPLY + dev_total
        );
        assert_eq!(pallet_sudo::Key::<Runtime>::get(), Some(alice()));
        assert_eq!(System::block_number(), 0);
    });
}

#[test]
fn typed_preset_builds_the_same_state_as_the_json_path() {
    let typed = genesis_config_presets::development_config_genesis()
        .expect("derivable")
        .build_storage()
        .expect("builds");
    let mut typed_ext = sp_io::TestExternalities::new(typed);
    let mut json_ext = dev_ext();
    let typed_root = typed_ext.execute_with(|| sp_io::storage::root(VERSION.state_version()));
    let json_root = json_ext.execute_with(|| sp_io::storage::root(VERSION.state_version()));
    assert_eq!(typed_root, json_root);
}

#[test]
fn frozen_reserve_is_frozen_and_cannot_move() {
    dev_ext().execute_with(|| {
        let reserve = buckets::FROZEN_RESERVE.dev_account().expect("derivable");
        let amount = buckets::FROZEN_RESERVE.amount;
        assert_eq!(
            pallet_wcme_reserve::Frozen::<Runtime>::get(&reserve),
            Some(amount)
        );
        let reason = wcme_runtime_main::RuntimeFreezeReason::Reserve(
            pallet_wcme_reserve::FreezeReason::GenesisReserve,
        );
        assert_eq!(Balances::balance_frozen(&reason, &reserve), amount);
        assert_eq!(Reserve::frozen_in_currency(&reserve), amount);
        assert_eq!(
            <Balances as Inspect<AccountId>>::reducible_balance(
                &reserve,
                frame_support::traits::tokens::Preservation::Expendable,
                frame_support::traits::tokens::Fortitude::Polite,
            ),
            0
        );

        // Not even 1 unit can be transferred by the owner.
        let res =
            Balances::transfer_keep_alive(RuntimeOrigin::signed(reserve.clone()), bob().into(), 1);
        assert!(res.is_err(), "{res:?}");
        let res =
            Balances::transfer_allow_death(RuntimeOrigin::signed(reserve.clone()), bob().into(), 1);
        assert!(res.is_err(), "{res:?}");

        // Nor can it pay a fee: a signed transaction from the reserve is invalid.
        start_block_one();
        let pair = buckets::dev_pair(buckets::FROZEN_RESERVE.derivation).expect("derivable");
        let xt = sign(
            &pair,
            RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
                dest: bob().into(),
                value: 1,
            }),
            0,
        );
        assert_eq!(
            Executive::apply_extrinsic(xt),
            Err(TransactionValidityError::Invalid(
                InvalidTransaction::Payment
            ))
        );
        assert_eq!(Balances::free_balance(&reserve), amount);
    });
}

#[test]
fn sudo_can_release_the_reserve() {
    dev_ext().execute_with(|| {
        System::set_block_number(1);
        let reserve = buckets::FROZEN_RESERVE.dev_account().expect("derivable");
        let release = RuntimeCall::Reserve(pallet_wcme_reserve::Call::release {
            who: reserve.clone().into(),
            amount: 1_000 * WCME,
        });
        // Alice is not root herself…
        assert!(Dispatchable::dispatch(release.clone(), RuntimeOrigin::signed(alice())).is_err());
        // …but as sudo she can act as root.
        let sudo = RuntimeCall::Sudo(pallet_sudo::Call::sudo {
            call: Box::new(release),
        });
        assert!(Dispatchable::dispatch(sudo, RuntimeOrigin::signed(alice())).is_ok());
        assert!(System::events().iter().any(|r| matches!(
            &r.event,
            RuntimeEvent::Reserve(pallet_wcme_reserve::Event::Released { who, amount })
                if *who == reserve && *amount == 1_000 * WCME
        )));
        assert_eq!(
            pallet_wcme_reserve::Frozen::<Runtime>::get(&reserve),
            Some(buckets::FROZEN_RESERVE.amount - 1_000 * WCME)
        );
        assert!(
            Balances::transfer_keep_alive(RuntimeOrigin::signed(reserve), bob().into(), 999 * WCME)
                .is_ok()
        );
    });
}

#[test]
fn transfer_through_executive() {
    dev_ext().execute_with(|| {
        start_block_one();
        let issuance_before = Balances::total_issuance();
        let alice_before = Balances::free_balance(alice());
        let bob_before = Balances::free_balance(bob());
        let value = 10 * WCME;

        let xt = sign(
            &Sr25519Keyring::Alice.pair(),
            RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
                dest: bob().into(),
                value,
            }),
            0,
        );
        let len = xt.encoded_size();

        // The fee the RPC would quote for it.
        let quoted =
            pallet_transaction_payment::Pallet::<Runtime>::query_info(xt.clone(), len as u32)
                .partial_fee;

        Executive::apply_extrinsic(xt)
            .expect("valid")
            .expect("dispatches");

        let fee = System::events()
            .iter()
            .find_map(|r| match &r.event {
                RuntimeEvent::TransactionPayment(
                    pallet_transaction_payment::Event::TransactionFeePaid {
                        who,
                        actual_fee,
                        tip,
                    },
                ) if *who == alice() => {
                    assert_eq!(*tip, 0);
                    Some(*actual_fee)
                }
                _ => None,
            })
            .expect("fee paid");
        println!(
            "transfer_keep_alive: {len} bytes, fee {fee} units = {}.{:012} WCME",
            fee / WCME,
            fee % WCME
        );

        assert_eq!(fee, quoted, "the charged fee is the quoted one");
        // About 0.01 WCME (the figure documented in configs::FEE_PER_REF_TIME_PS).
        assert!(fee > 8 * WCME / 1000 && fee < 12 * WCME / 1000, "fee {fee}");
        assert_eq!(Balances::free_balance(bob()), bob_before + value);
        assert_eq!(Balances::free_balance(alice()), alice_before - value - fee);
        // Fees are burned until the POC coinbase distributes them.
        assert_eq!(Balances::total_issuance(), issuance_before - fee);
        assert_eq!(System::account_nonce(alice()), 1);

        // Replaying the same nonce is refused.
        let replay = sign(
            &Sr25519Keyring::Alice.pair(),
            RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
                dest: bob().into(),
                value,
            }),
            0,
        );
        assert_eq!(
            Executive::apply_extrinsic(replay),
            Err(TransactionValidityError::Invalid(InvalidTransaction::Stale))
        );

        let header = Executive::finalize_block();
        assert_eq!(*header.number(), 1);
    });
}

#[test]
fn validate_transaction_through_dispatch() {
    // The pool validates against the state of the best block (here genesis) on a throwaway
    // overlay: `validate_transaction` initialises the next block, so it never runs mid-block.
    dev_ext().execute_with(|| {
        let genesis = System::block_hash(0);
        let transfer = |value| {
            RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
                dest: bob().into(),
                value,
            })
        };
        let validate = |xt: UncheckedExtrinsic| {
            let input = (
                sp_runtime::transaction_validity::TransactionSource::External,
                xt,
                genesis,
            )
                .encode();
            let out = dispatch("TaggedTransactionQueue_validate_transaction", &input)
                .expect("api exists");
            sp_runtime::transaction_validity::TransactionValidity::decode(&mut &out[..])
                .expect("decodes")
        };

        let valid =
            validate(sign(&Sr25519Keyring::Alice.pair(), transfer(WCME), 0)).expect("valid");
        // Provides (Alice, nonce 0); requires nothing; has a fee-based priority.
        assert_eq!(valid.provides, vec![(alice(), 0u32).encode()]);
        assert!(valid.requires.is_empty());
        assert!(valid.priority > 0);

        // A future nonce is valid but waits for (Alice, 0).
        let future =
            validate(sign(&Sr25519Keyring::Alice.pair(), transfer(WCME), 1)).expect("valid");
        assert_eq!(future.requires, vec![(alice(), 0u32).encode()]);

        // The frozen reserve cannot pay the fee.
        let pair = buckets::dev_pair(buckets::FROZEN_RESERVE.derivation).expect("derivable");
        assert_eq!(
            validate(sign(&pair, transfer(1), 0)),
            Err(TransactionValidityError::Invalid(
                InvalidTransaction::Payment
            ))
        );
    });
}

#[test]
fn built_block_reexecutes_to_the_same_header() {
    // Build block 1, then execute it on a fresh copy of genesis: the node's import path.
    let mut builder = dev_ext();
    let block = builder.execute_with(|| {
        start_block_one();
        let timestamp = UncheckedExtrinsic::new_bare(RuntimeCall::Timestamp(TimestampCall::set {
            now: wcme_runtime_main::MILLISECS_PER_BLOCK,
        }));
        let xt = sign(
            &Sr25519Keyring::Alice.pair(),
            RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
                dest: bob().into(),
                value: WCME,
            }),
            0,
        );
        Executive::apply_extrinsic(xt.clone())
            .expect("valid")
            .expect("dispatches");
        let header = Executive::finalize_block();
        wcme_runtime_main::Block::new(header, vec![timestamp, xt])
    });

    let mut importer = dev_ext();
    importer.execute_with(|| {
        // `execute_block` panics if the header's state or extrinsics root does not match.
        let out = dispatch("Core_execute_block", &block.encode()).expect("api exists");
        assert!(out.is_empty(), "returns ()");
        assert_eq!(System::block_number(), 1);
        assert_eq!(System::block_hash(0), block.header().parent_hash);
        assert_eq!(
            Balances::free_balance(bob()),
            genesis_config_presets::DEV_ACCOUNT_BALANCE + WCME
        );
    });
}

#[test]
fn dispatch_core_version() {
    let out = dispatch("Core_version", &[]).expect("Core_version exists");
    let version = sp_version::RuntimeVersion::decode(&mut &out[..]).expect("decodes");
    assert_eq!(version.spec_name, "wcme");
    assert_eq!(version.impl_name, "wcme-node");
    assert_eq!(version.spec_version, 100);
    assert_eq!(version.impl_version, 1);
    assert_eq!(version.transaction_version, 1);
    assert_eq!(version.system_version, 1);
    assert_eq!(version, VERSION);
    assert_eq!(VERSION.state_version(), sp_core::storage::StateVersion::V1);
    // Every implemented API is advertised, by the ids a client looks them up with.
    use sp_api::RuntimeApiInfo;
    use wcme_runtime_main::{Block, Nonce};
    type ApiIds = [(&'static str, [u8; 8]); 14];
    let ids: ApiIds =
        [
            ("Core", <dyn sp_api::Core<Block>>::ID),
            ("Metadata", <dyn sp_api::Metadata<Block>>::ID),
            (
                "BlockBuilder",
                <dyn sp_block_builder::BlockBuilder<Block>>::ID,
            ),
            (
                "TaggedTransactionQueue",
                <dyn sp_transaction_pool::runtime_api::TaggedTransactionQueue<Block>>::ID,
            ),
            (
                "OffchainWorkerApi",
                <dyn sp_offchain::OffchainWorkerApi<Block>>::ID,
            ),
            (
                "AccountNonceApi",
                <dyn frame_system_rpc_runtime_api::AccountNonceApi<Block, AccountId, Nonce>>::ID,
            ),
            (
                "TransactionPaymentApi",
                <dyn pallet_transaction_payment_rpc_runtime_api::TransactionPaymentApi<
                        Block,
                        Balance,
                    >>::ID,
            ),
            (
                "TransactionPaymentCallApi",
                <dyn pallet_transaction_payment_rpc_runtime_api::TransactionPaymentCallApi<
                        Block,
                        Balance,
                        RuntimeCall,
                    >>::ID,
            ),
            (
                "GenesisBuilder",
                <dyn sp_genesis_builder::GenesisBuilder<Block>>::ID,
            ),
            (
                "SmartAssetsApi",
                <dyn pallet_wcme_smart_assets::runtime_api::SmartAssetsApi<
                        Block,
                        wcme_runtime_main::BlockNumber,
                    >>::ID,
            ),
            (
                "PocApi",
                <dyn wcme_consensus_primitives::poc::PocApi<
                        Block,
                        AccountId,
                        Balance,
                        wcme_runtime_main::BlockNumber,
                    >>::ID,
            ),
            (
                "SubchainsApi",
                <dyn pallet_wcme_subchains::runtime_api::SubchainsApi<
                        Block,
                        AccountId,
                        wcme_runtime_main::BlockNumber,
                    >>::ID,
            ),
            (
                "CrossChainApi",
                <dyn pallet_wcme_cross_chain::runtime_api::CrossChainApi<Block>>::ID,
            ),
            (
                "ContractsApi",
                <dyn pallet_wcme_contracts::runtime_api::ContractsApi<Block>>::ID,
            ),
        ];
    for (name, id) in ids {
        assert!(version.has_api_with(&id, |_| true), "{name} advertised");
    }
    assert_eq!(version.apis.len(), ids.len());
}

#[test]
fn dispatch_metadata() {
    sp_io::TestExternalities::new_empty().execute_with(|| {
        let out = dispatch("Metadata_metadata_versions", &[]).expect("exists");
        let versions = Vec::<u32>::decode(&mut &out[..]).expect("decodes");
        for v in [14, 15, 16] {
            assert!(versions.contains(&v), "metadata v{v} in {versions:?}");
        }
        for v in [14u32, 15, 16] {
            let out = dispatch("Metadata_metadata_at_version", &v.encode()).expect("exists");
            let md = Option::<sp_core::OpaqueMetadata>::decode(&mut &out[..]).expect("decodes");
            let md = md.expect("version available");
            // "meta" magic followed by the version byte.
            assert_eq!(&md[..4], b"meta");
            assert_eq!(md[4] as u32, v);
        }
        let out = dispatch("Metadata_metadata", &[]).expect("exists");
        let md = sp_core::OpaqueMetadata::decode(&mut &out[..]).expect("decodes");
        assert_eq!(&md[..4], b"meta");
    });
}

#[test]
fn dispatch_preset_names_and_unknown_method() {
    let out = dispatch("GenesisBuilder_preset_names", &[]).expect("exists");
    let names = Vec::<String>::decode(&mut &out[..]).expect("decodes");
    assert!(names.contains(&"development".to_string()), "{names:?}");
    assert!(names.contains(&"local_testnet".to_string()), "{names:?}");

    let missing: Option<String> = Some("no-such-preset".into());
    let out = dispatch("GenesisBuilder_get_preset", &missing.encode()).expect("exists");
    assert_eq!(
        Option::<Vec<u8>>::decode(&mut &out[..]).expect("decodes"),
        None
    );

    let local: Option<String> = Some("local_testnet".into());
    let out = dispatch("GenesisBuilder_get_preset", &local.encode()).expect("exists");
    let json = Option::<Vec<u8>>::decode(&mut &out[..])
        .expect("decodes")
        .expect("exists");
    let value: serde_json::Value = serde_json::from_slice(&json).expect("json");
    assert!(value.get("reserve").and_then(|r| r.get("frozen")).is_some());

    assert_eq!(dispatch("No_such_method", &[]), None);
    // The runtime-level and the macro-generated entry points are the same function.
    assert_eq!(
        wcme_runtime_main::api::dispatch("Core_version", &[]),
        dispatch("Core_version", &[])
    );
}

#[test]
fn account_nonce_and_fee_apis_through_dispatch() {
    dev_ext().execute_with(|| {
        let out = dispatch("AccountNonceApi_account_nonce", &alice().encode()).expect("exists");
        assert_eq!(u32::decode(&mut &out[..]).expect("decodes"), 0);

        let weight = frame_support::weights::Weight::from_parts(1_000_000, 0);
        let out = dispatch(
            "TransactionPaymentApi_query_weight_to_fee",
            &weight.encode(),
        )
        .expect("exists");
        assert_eq!(
            Balance::decode(&mut &out[..]).expect("decodes"),
            1_000_000 * wcme_runtime_main::configs::FEE_PER_REF_TIME_PS
        );
    });
}

#[test]
fn constants() {
    assert_eq!(wcme_runtime_main::MILLISECS_PER_BLOCK, 6000);
    assert_eq!(wcme_runtime_main::EXISTENTIAL_DEPOSIT, 1_000_000_000);
    // Consecutive timestamps must advance by at least this much; the 6-s block time itself is
    // the consensus slot.
    assert_eq!(
        <<Runtime as pallet_timestamp::Config>::MinimumPeriod as Get<u64>>::get(),
        wcme_runtime_main::MINIMUM_PERIOD_MS
    );
    const { assert!(2 * wcme_runtime_main::MINIMUM_PERIOD_MS <= wcme_runtime_main::MILLISECS_PER_BLOCK) };
    assert_eq!(<Runtime as frame_system::Config>::SS58Prefix::get(), 42);
    let weights = <Runtime as frame_system::Config>::BlockWeights::get();
    assert_eq!(
        weights.max_block.ref_time(),
        2 * frame_support::weights::constants::WEIGHT_REF_TIME_PER_SECOND
    );
    let length = <Runtime as frame_system::Config>::BlockLength::get();
    assert_eq!(
        *length
            .max
            .get(frame_support::dispatch::DispatchClass::Operational),
        5 * 1024 * 1024
    );
    // The runtime's block uses the chain-wide header type.
    let _: fn(&wcme_runtime_main::Block) -> &Header = <wcme_runtime_main::Block as BlockT>::header;
}
