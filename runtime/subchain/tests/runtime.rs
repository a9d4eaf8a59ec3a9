//! Native tests of the subchain runtime, built from its genesis presets the way the node builds
//! genesis (`dispatch("GenesisBuilder_get_preset")`, then `dispatch("GenesisBuilder_build_state")`
//! inside `sp-io` externalities) and driven through `dispatch` as the node drives it.

mod common;

use codec::{Decode, Encode};
use common::{account, apply, dev_ext, finalize_block, local_ext, preset_json, start_block_one};
use frame_support::traits::Get;
use sp_api::RuntimeApiInfo;
use sp_core::{Pair, sr25519};
use sp_keyring::Sr25519Keyring::{self, Alice, Bob, Charlie, Dave, Ferdie};
use sp_runtime::{
    BuildStorage,
    traits::{Block as BlockT, Header as HeaderT},
    transaction_validity::{
        InvalidTransaction, TransactionSource, TransactionValidity, TransactionValidityError,
        ValidTransaction,
    },
};
use wcme_runtime_subchain::{
    AccountId, Balance, Balances, BalancesCall, Block, BlockNumber, Hash, Header,
    MILLISECS_PER_BLOCK, Nonce, Runtime, RuntimeCall, RuntimeEvent, System, TOKEN_DECIMALS,
    TOKEN_SYMBOL, TimestampCall, UNIT, UncheckedExtrinsic, VERSION,
    chain_config::{self, C3nKey, ConsensusKind, TokenInfo, ValidatorSetId},
    configs::FEE_PER_REF_TIME_PS,
    dispatch,
    genesis_config_presets::{self, DEV_ACCOUNT_BALANCE, LOCAL_TESTNET_VALIDATORS},
    signing,
};

/// The runtime API `method` with no arguments, its result decoded as `T`.
fn call<T: Decode>(method: &str) -> T {
    let out = dispatch(method, &[]).expect("api exists");
    T::decode(&mut &out[..]).expect("decodes")
}

fn sr25519_keys(accounts: &[Sr25519Keyring]) -> Vec<C3nKey> {
    accounts
        .iter()
        .map(|who| C3nKey::Sr25519(who.public().0))
        .collect()
}

fn genesis_hash() -> Hash {
    System::block_hash(0)
}

/// `TaggedTransactionQueue_validate_transaction` of `xt` (encoded) against the best block,
/// here genesis.
fn validate(xt: &[u8]) -> TransactionValidity {
    let mut input = TransactionSource::External.encode();
    input.extend_from_slice(xt);
    input.extend(genesis_hash().encode());
    let out = dispatch("TaggedTransactionQueue_validate_transaction", &input).expect("api exists");
    TransactionValidity::decode(&mut &out[..]).expect("decodes")
}

#[test]
fn development_preset_builds_with_alice_as_sudo_and_sole_validator() {
    dev_ext().execute_with(|| {
        for who in genesis_config_presets::dev_accounts() {
            assert_eq!(Balances::free_balance(&who), DEV_ACCOUNT_BALANCE);
        }
        assert_eq!(Balances::total_issuance(), 12 * DEV_ACCOUNT_BALANCE);
        assert_eq!(pallet_sudo::Key::<Runtime>::get(), Some(account(Alice)));
        assert_eq!(System::block_number(), 0);

        // The chain's identity, through the runtime APIs the node reads it with.
        let validators: Vec<C3nKey> = call("ValidatorSetApi_validators");
        assert_eq!(validators, sr25519_keys(&[Alice]));
        assert_eq!(
            call::<ValidatorSetId>("ValidatorSetApi_validator_set_id"),
            0
        );
        assert_eq!(
            call::<ConsensusKind>("ChainConfigApi_consensus_kind"),
            ConsensusKind::Aura
        );
        let token: Option<TokenInfo> = call("ChainConfigApi_base_token");
        let token = token.expect("recorded at genesis");
        assert_eq!(&token.symbol[..], TOKEN_SYMBOL.as_bytes());
        assert_eq!(token.decimals, TOKEN_DECIMALS);
    });
}

#[test]
fn local_testnet_preset_has_four_validators() {
    local_ext().execute_with(|| {
        let validators: Vec<C3nKey> = call("ValidatorSetApi_validators");
        assert_eq!(validators, sr25519_keys(&[Alice, Bob, Charlie, Dave]));
        assert_eq!(validators, sr25519_keys(&LOCAL_TESTNET_VALIDATORS));
        assert_eq!(
            call::<ConsensusKind>("ChainConfigApi_consensus_kind"),
            ConsensusKind::Aura
        );
        assert_eq!(pallet_sudo::Key::<Runtime>::get(), Some(account(Alice)));
        assert_eq!(Balances::free_balance(account(Ferdie)), DEV_ACCOUNT_BALANCE);
    });
}

#[test]
fn typed_preset_builds_the_same_state_as_the_json_path() {
    for (typed, mut json_ext) in [
        (
            genesis_config_presets::development_config_genesis(),
            dev_ext(),
        ),
        (genesis_config_presets::local_config_genesis(), local_ext()),
    ] {
        let storage = typed.build_storage().expect("builds");
        let mut typed_ext = sp_io::TestExternalities::new(storage);
        let typed_root = typed_ext.execute_with(|| sp_io::storage::root(VERSION.state_version()));
        let json_root = json_ext.execute_with(|| sp_io::storage::root(VERSION.state_version()));
        assert_eq!(typed_root, json_root);
    }
}

#[test]
fn preset_json_is_what_a_chain_spec_carries() {
    let json: serde_json::Value =
        serde_json::from_slice(&preset_json("development")).expect("json");
    let alice = format!("0x{}", hex::encode(Alice.public().0));
    assert_eq!(
        json["chainConfig"],
        serde_json::json!({
            "tokenSymbol": "SUB",
            "tokenDecimals": 12,
            "consensus": "aura",
            "accountScheme": "sr25519",
            "validators": [{ "sr25519": alice }],
        })
    );
    assert_eq!(json["sudo"]["key"], Alice.to_account_id().to_string());
    // The WCME node adds its benchmark accounts to exactly this list.
    assert!(
        json.pointer("/balances/balances")
            .is_some_and(|b| b.is_array())
    );
}

#[test]
fn preset_names_and_unknown_presets_and_methods() {
    let names: Vec<String> = call("GenesisBuilder_preset_names");
    assert_eq!(names, vec!["development", "local_testnet"]);

    let missing: Option<String> = Some("no-such-preset".into());
    let out = dispatch("GenesisBuilder_get_preset", &missing.encode()).expect("exists");
    assert_eq!(
        Option::<Vec<u8>>::decode(&mut &out[..]).expect("decodes"),
        None
    );
    assert_eq!(dispatch("No_such_method", &[]), None);
    // The main chain's own APIs are not served here.
    assert_eq!(dispatch("PocApi_slot_duration_ms", &[]), None);
    assert_eq!(
        wcme_runtime_subchain::api::dispatch("Core_version", &[]),
        dispatch("Core_version", &[])
    );
}

#[test]
fn signed_transfer_pays_its_fee_in_the_base_token() {
    dev_ext().execute_with(|| {
        start_block_one();
        let issuance_before = Balances::total_issuance();
        let alice_before = Balances::free_balance(account(Alice));
        let bob_before = Balances::free_balance(account(Bob));
        let value = 10 * UNIT;

        let xt = signing::signed_transfer(&Alice.pair(), &account(Bob), value, 0, genesis_hash());
        // The fee the RPC would quote for it (`payment_queryInfo`).
        let mut query = xt.clone();
        query.extend(u32::try_from(xt.len()).expect("small").encode());
        let out = dispatch("TransactionPaymentApi_query_info", &query).expect("exists");
        let quoted =
            pallet_transaction_payment_rpc_runtime_api::RuntimeDispatchInfo::<Balance>::decode(
                &mut &out[..],
            )
            .expect("decodes")
            .partial_fee;

        apply(&xt).expect("valid").expect("dispatches");

        let fee = System::events()
            .iter()
            .find_map(|r| match &r.event {
                RuntimeEvent::TransactionPayment(
                    pallet_transaction_payment::Event::TransactionFeePaid {
                        who,
                        actual_fee,
                        tip,
                    },
                ) if *who == account(Alice) => {
                    assert_eq!(*tip, 0);
                    Some(*actual_fee)
                }
                _ => None,
            })
            .expect("fee paid");
        println!(
            "transfer_keep_alive: {} bytes, fee {fee} units = {}.{:012} {TOKEN_SYMBOL}",
            xt.len(),
            fee / UNIT,
            fee % UNIT
        );
        assert_eq!(fee, quoted, "the charged fee is the quoted one");
        // About 0.01 token (the figure documented in configs::FEE_PER_REF_TIME_PS).
        assert!(fee > 8 * UNIT / 1000 && fee < 12 * UNIT / 1000, "fee {fee}");
        assert_eq!(Balances::free_balance(account(Bob)), bob_before + value);
        assert_eq!(
            Balances::free_balance(account(Alice)),
            alice_before - value - fee
        );
        // The fee is burned.
        assert_eq!(Balances::total_issuance(), issuance_before - fee);
        assert_eq!(System::account_nonce(account(Alice)), 1);

        // Replaying the same nonce is refused.
        assert_eq!(
            apply(&xt),
            Err(TransactionValidityError::Invalid(InvalidTransaction::Stale))
        );
        // The block's events show no failed extrinsic.
        let events = common::raw_events();
        assert_eq!(signing::check_block_events(&events), Ok(()));

        let header = finalize_block();
        assert_eq!(*header.number(), 1);
    });
}

#[test]
fn validate_transaction_through_dispatch() {
    // The pool validates against the state of the best block (here genesis) on a throwaway
    // overlay: `validate_transaction` initialises the next block, so it never runs mid-block.
    dev_ext().execute_with(|| {
        let transfer = |from: &sr25519::Pair, nonce: Nonce| {
            signing::signed_transfer(from, &account(Bob), UNIT, nonce, genesis_hash())
        };

        let valid: ValidTransaction = validate(&transfer(&Alice.pair(), 0)).expect("valid");
        // Provides (Alice, nonce 0); requires nothing; has a fee-based priority.
        assert_eq!(valid.provides, vec![(account(Alice), 0u32).encode()]);
        assert!(valid.requires.is_empty());
        assert!(valid.priority > 0);

        // A future nonce is valid but waits for (Alice, 0).
        let future = validate(&transfer(&Alice.pair(), 1)).expect("valid");
        assert_eq!(future.requires, vec![(account(Alice), 0u32).encode()]);

        // An account without funds cannot pay the fee.
        let (broke, _) = sr25519::Pair::generate();
        assert_eq!(
            validate(&transfer(&broke, 0)),
            Err(TransactionValidityError::Invalid(
                InvalidTransaction::Payment
            ))
        );

        // Signed for another chain (another genesis hash): the signature does not verify.
        let foreign =
            signing::signed_transfer(&Alice.pair(), &account(Bob), UNIT, 0, Hash::repeat_byte(7));
        assert_eq!(
            validate(&foreign),
            Err(TransactionValidityError::Invalid(
                InvalidTransaction::BadProof
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
            now: MILLISECS_PER_BLOCK,
        }));
        let xt = signing::sign(
            &Alice.pair(),
            RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
                dest: account(Bob).into(),
                value: UNIT,
            }),
            0,
            genesis_hash(),
        );
        apply(&xt.encode()).expect("valid").expect("dispatches");
        Block::new(finalize_block(), vec![timestamp, xt])
    });

    let mut importer = dev_ext();
    importer.execute_with(|| {
        // `execute_block` panics if the header's state or extrinsics root does not match.
        let out = dispatch("Core_execute_block", &block.encode()).expect("api exists");
        assert!(out.is_empty(), "returns ()");
        assert_eq!(System::block_number(), 1);
        assert_eq!(System::block_hash(0), block.header().parent_hash);
        assert_eq!(
            Balances::free_balance(account(Bob)),
            DEV_ACCOUNT_BALANCE + UNIT
        );
    });
    // The node stores and gossips the block as `wcme_primitives::Block` (opaque extrinsics):
    // the same bytes.
    let opaque = wcme_primitives::Block::decode(&mut &block.encode()[..]).expect("decodes");
    assert_eq!(opaque.encode(), block.encode());
}

#[test]
fn dispatch_core_version() {
    let version: sp_version::RuntimeVersion = call("Core_version");
    assert_eq!(version.spec_name, "wcme-subchain");
    assert_ne!(
        version.spec_name, "wcme",
        "distinct from the main chain's runtime"
    );
    assert_eq!(version.impl_name, "wcme-node");
    assert_eq!(version.spec_version, 100);
    assert_eq!(version.transaction_version, 1);
    assert_eq!(version.system_version, 1);
    assert_eq!(version, VERSION);
    assert_eq!(VERSION.state_version(), sp_core::storage::StateVersion::V1);

    // Every API the node needs for any chain, plus the chain-config APIs, and nothing else.
    let ids: [(&str, [u8; 8]); 13] =
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
                "ValidatorSetApi",
                <dyn chain_config::runtime_api::ValidatorSetApi<Block>>::ID,
            ),
            (
                "ChainConfigApi",
                <dyn chain_config::runtime_api::ChainConfigApi<Block>>::ID,
            ),
            (
                "ContractsApi",
                <dyn pallet_wcme_contracts::runtime_api::ContractsApi<Block>>::ID,
            ),
            (
                "SubchainBridgeApi",
                <dyn pallet_wcme_cross_chain::runtime_api::SubchainBridgeApi<Block>>::ID,
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
        let versions: Vec<u32> = call("Metadata_metadata_versions");
        for v in [14, 15, 16] {
            assert!(versions.contains(&v), "metadata v{v} in {versions:?}");
        }
        let md: sp_core::OpaqueMetadata = call("Metadata_metadata");
        assert_eq!(&md[..4], b"meta");
    });
}

#[test]
fn account_nonce_api_through_dispatch() {
    dev_ext().execute_with(|| {
        let out =
            dispatch("AccountNonceApi_account_nonce", &account(Alice).encode()).expect("exists");
        assert_eq!(Nonce::decode(&mut &out[..]).expect("decodes"), 0);

        let weight = frame_support::weights::Weight::from_parts(1_000_000, 0);
        let out = dispatch(
            "TransactionPaymentApi_query_weight_to_fee",
            &weight.encode(),
        )
        .expect("exists");
        assert_eq!(
            Balance::decode(&mut &out[..]).expect("decodes"),
            1_000_000 * FEE_PER_REF_TIME_PS
        );
    });
}

#[test]
fn constants() {
    assert_eq!(UNIT, 10u128.pow(u32::from(TOKEN_DECIMALS)));
    assert_eq!(wcme_runtime_subchain::EXISTENTIAL_DEPOSIT, UNIT / 1000);
    assert_eq!(
        <<Runtime as pallet_timestamp::Config>::MinimumPeriod as Get<u64>>::get(),
        wcme_runtime_subchain::MINIMUM_PERIOD_MS
    );
    assert_eq!(
        <Runtime as frame_system::Config>::SS58Prefix::get(),
        wcme_runtime_subchain::SS58_PREFIX
    );
    assert_eq!(
        <<Runtime as chain_config::Config>::TokenDecimals as Get<u8>>::get(),
        TOKEN_DECIMALS
    );
    assert_eq!(
        <<Runtime as chain_config::Config>::MaxValidators as Get<u32>>::get(),
        100
    );
    // The runtime's block uses the chain-wide header, block number and hash types.
    let _: fn(&Block) -> &Header = <Block as BlockT>::header;
    let _: BlockNumber = 0u32;
    let _: wcme_primitives::Header = Header::new(
        0,
        Default::default(),
        Default::default(),
        Default::default(),
        Default::default(),
    );
}
