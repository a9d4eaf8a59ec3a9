//! Native tests of the supply-chain runtime, built from its genesis presets the way the node
//! builds genesis (`GenesisBuilder_get_preset`, then `GenesisBuilder_build_state`) and driven
//! through `dispatch` as the node drives it: the fork keeps every API of the template, adds
//! `TraceabilityApi`, runs the template's chain-config pallet at index 5, and follows a product
//! through SM2-signed transactions.

use codec::{Decode, Encode};
use frame_support::traits::{IntegrityTest, PalletInfoAccess};
use sp_api::RuntimeApiInfo;
use sp_keyring::Sr25519Keyring::{self, Alice, Bob, Charlie, Dave};
use sp_runtime::{
    DispatchError, ModuleError,
    traits::Header as _,
    transaction_validity::{InvalidTransaction, TransactionValidityError},
};
use supply_chain_runtime::{
    AccountId, AllPalletsWithSystem, Balances, Block, BlockNumber, ChainConfig, Header,
    MILLISECS_PER_BLOCK, ProductView, RecordKind, RecordView, Runtime, RuntimeCall, System,
    TOKEN_SYMBOL, TimestampCall, Traceability, UNIT, UncheckedExtrinsic, VERSION,
    chain_config::{C3nKey, ConsensusKind, SignatureScheme, TokenInfo},
    dispatch,
    genesis_config_presets::{DEV_ACCOUNT_BALANCE, DEV_ACCOUNTS, dev_account, dev_pair},
    signing::{self, AccountPair, CallError, Field},
};

/// The runtime API `method` with SCALE `args`, its result decoded as `T`.
fn call<T: Decode>(method: &str, args: &[u8]) -> T {
    let out = dispatch(method, args).expect("api exists");
    T::decode(&mut &out[..]).expect("decodes")
}

/// Externalities holding preset `id`'s genesis, built through the runtime API as the node does.
fn preset_ext(id: &str) -> sp_io::TestExternalities {
    let id: Option<String> = Some(id.into());
    let json: Option<Vec<u8>> = call("GenesisBuilder_get_preset", &id.encode());
    let json = json.expect("preset exists");
    let mut ext = sp_io::TestExternalities::new_empty();
    let result: sp_genesis_builder::Result =
        ext.execute_with(|| call("GenesisBuilder_build_state", &json.encode()));
    assert_eq!(result, Ok(()), "build_state accepts the preset as is");
    ext.commit_all().expect("commit genesis");
    ext
}

/// Development account `who`'s SM2 key.
fn sm2(who: Sr25519Keyring) -> AccountPair {
    dev_pair(who, SignatureScheme::Sm2).expect("a dev key")
}

/// Starts block 1 on genesis and applies the timestamp inherent, as the node's block builder.
fn start_block_one() {
    let parent = System::block_hash(0);
    let header = Header::new(
        1,
        Default::default(),
        Default::default(),
        parent,
        Default::default(),
    );
    dispatch("Core_initialize_block", &header.encode()).expect("api exists");
    let timestamp = UncheckedExtrinsic::new_bare(RuntimeCall::Timestamp(TimestampCall::set {
        now: MILLISECS_PER_BLOCK,
    }));
    apply(&timestamp.encode())
        .expect("valid")
        .expect("dispatches");
}

/// `BlockBuilder_apply_extrinsic` of the encoded extrinsic `xt`.
fn apply(xt: &[u8]) -> sp_runtime::ApplyExtrinsicResult {
    call("BlockBuilder_apply_extrinsic", xt)
}

/// `call` signed by `who`'s SM2 key with `nonce`, encoded.
fn signed(who: &AccountPair, call: RuntimeCall, nonce: u32) -> Vec<u8> {
    signing::sign_with(who, call, nonce, System::block_hash(0))
        .expect("SM2 signs")
        .encode()
}

#[test]
fn presets_run_pbft_with_sm2_accounts_and_the_trace_token() {
    for (preset, validators) in [
        ("development", vec![Alice]),
        ("local_testnet", vec![Alice, Bob, Charlie, Dave]),
    ] {
        preset_ext(preset).execute_with(|| {
            let keys: Vec<C3nKey> = call("ValidatorSetApi_validators", &[]);
            let expected: Vec<C3nKey> = validators
                .iter()
                .map(|who| C3nKey::Sr25519(who.public().0))
                .collect();
            assert_eq!(
                keys, expected,
                "{preset}: validators keep their sr25519 keys"
            );
            let kind: ConsensusKind = call("ChainConfigApi_consensus_kind", &[]);
            assert_eq!(kind, ConsensusKind::Pbft, "{preset}");
            let scheme: SignatureScheme = call("ChainConfigApi_account_scheme", &[]);
            assert_eq!(scheme, SignatureScheme::Sm2, "{preset}");
            let token: Option<TokenInfo> = call("ChainConfigApi_base_token", &[]);
            let token = token.expect("a token");
            assert_eq!(token.symbol.as_slice(), TOKEN_SYMBOL.as_bytes());
            assert_eq!(token.decimals, 12);
            assert_eq!(ChainConfig::consensus_kind(), ConsensusKind::Pbft);

            // Alice's SM2 account is sudo; the SM2 development accounts are endowed.
            let sm2_alice = sm2(Alice).account_id();
            assert_eq!(pallet_sudo::Key::<Runtime>::get(), Some(sm2_alice));
            for who in DEV_ACCOUNTS {
                let account = dev_account(who, SignatureScheme::Sm2).expect("an SM2 account");
                assert_eq!(Balances::free_balance(&account), DEV_ACCOUNT_BALANCE);
                assert_eq!(Balances::free_balance(who.to_account_id()), 0);
            }
        });
    }
}

#[test]
fn the_fork_keeps_the_template_apis_and_adds_traceability() {
    let version: sp_version::RuntimeVersion = call("Core_version", &[]);
    assert_eq!(version, VERSION);
    assert_eq!(version.spec_name, "supply-chain");
    assert_eq!(version.impl_name, "supply-chain-node");
    let traceability =
        <dyn pallet_traceability::runtime_api::TraceabilityApi<Block, AccountId, BlockNumber>>::ID;
    // Every API of the template (the node's and the chain-config ones), same versions, but the
    // contracts pallet's and the cross-chain pallet's (this fork has neither), plus
    // TraceabilityApi, and nothing else.
    let contracts = <dyn pallet_wcme_contracts::runtime_api::ContractsApi<Block>>::ID;
    let bridge = <dyn pallet_wcme_cross_chain::runtime_api::SubchainBridgeApi<Block>>::ID;
    let template: Vec<_> = wcme_runtime_subchain::VERSION
        .apis
        .iter()
        .filter(|(id, _)| *id != contracts && *id != bridge)
        .collect();
    assert_eq!(template.len(), 11);
    for api in &template {
        assert!(version.apis.contains(api), "{api:?} missing");
    }
    assert!(
        version
            .apis
            .iter()
            .all(|(id, _)| *id != contracts && *id != bridge)
    );
    assert!(version.apis.iter().any(|(id, _)| *id == traceability));
    assert_eq!(version.apis.len(), template.len() + 1);

    // The template's chain-config pallet at its index, the business pallet at 10.
    assert_eq!(ChainConfig::index(), 5);
    assert_eq!(ChainConfig::name(), "ChainConfig");
    assert_eq!(Traceability::index(), 10);
    sp_io::TestExternalities::new_empty()
        .execute_with(<AllPalletsWithSystem as IntegrityTest>::integrity_test);
}

#[test]
fn a_product_changes_hands_on_chain() {
    preset_ext("local_testnet").execute_with(|| {
        start_block_one();
        let (alice, bob, charlie) = (sm2(Alice), sm2(Bob), sm2(Charlie));
        let id = signing::product_id(b"LOT-1");
        let before = Balances::free_balance(alice.account_id());
        let register = signing::register_product(id, b"Coffee", b"Huila").expect("within bounds");
        assert_eq!(apply(&signed(&alice, register, 0)), Ok(Ok(())));
        let fee = before - Balances::free_balance(alice.account_id());
        println!(
            "an SM2-signed register_product costs {fee} units = {} TRACE",
            fee as f64 / UNIT as f64
        );
        assert!(fee > 0 && fee < UNIT / 10, "{fee}");

        let handover = signing::transfer_custody(id, &bob.account_id(), b"Port", b"B/L 1")
            .expect("within bounds");
        assert_eq!(apply(&signed(&alice, handover, 1)), Ok(Ok(())));
        let checkpoint = signing::record_checkpoint(id, b"Customs", b"cleared").expect("ok");
        assert_eq!(apply(&signed(&bob, checkpoint, 0)), Ok(Ok(())));
        // Alice no longer holds it: included, fee paid, refused by the pallet.
        let stale = signing::record_checkpoint(id, b"Huila", b"late").expect("ok");
        let Ok(Err(DispatchError::Module(ModuleError { index, .. }))) =
            apply(&signed(&alice, stale, 2))
        else {
            panic!("a non-custodian's checkpoint fails in the pallet");
        };
        assert_eq!(index, 10);
        let delivery = signing::transfer_custody(id, &charlie.account_id(), b"Roastery", b"DN 9")
            .expect("within bounds");
        assert_eq!(apply(&signed(&bob, delivery, 1)), Ok(Ok(())));

        // An sr25519 signature on this SM2 chain: a bad proof, whoever signs.
        let tea =
            signing::register_product(signing::product_id(b"LOT-2"), b"Tea", b"Uji").expect("ok");
        let xt = signing::sign(&Alice.pair(), tea, 0, System::block_hash(0));
        assert_eq!(
            apply(&xt.encode()),
            Err(TransactionValidityError::Invalid(
                InvalidTransaction::BadProof
            ))
        );

        // What wallets read through the runtime API.
        let history: Vec<RecordView> = call("TraceabilityApi_history", &id.encode());
        let kinds: Vec<_> = history
            .iter()
            .map(|r| (r.kind, r.from.clone(), r.to.clone(), r.location.clone()))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (
                    RecordKind::Transfer,
                    alice.account_id(),
                    bob.account_id(),
                    b"Port".to_vec()
                ),
                (
                    RecordKind::Checkpoint,
                    bob.account_id(),
                    bob.account_id(),
                    b"Customs".to_vec()
                ),
                (
                    RecordKind::Transfer,
                    bob.account_id(),
                    charlie.account_id(),
                    b"Roastery".to_vec()
                ),
            ]
        );
        assert!(history.iter().all(|r| r.block == 1));
        let product: Option<ProductView> = call("TraceabilityApi_product", &id.encode());
        let product = product.expect("registered");
        assert_eq!(product.manufacturer, alice.account_id());
        assert_eq!(product.custodian, charlie.account_id());
        assert_eq!(product.name, b"Coffee".to_vec());
        let held: Vec<sp_core::H256> = call(
            "TraceabilityApi_products_of",
            &charlie.account_id().encode(),
        );
        assert_eq!(held, vec![id]);
        let unknown: Option<ProductView> = call(
            "TraceabilityApi_product",
            &signing::product_id(b"none").encode(),
        );
        assert_eq!(unknown, None);

        // The block's events name the failed extrinsic.
        let key = frame_support::storage::storage_prefix(b"System", b"Events");
        let events = sp_io::storage::get(&key).expect("events").to_vec();
        let failed = signing::check_block_events(&events).expect_err("one extrinsic failed");
        // 0 is the timestamp; 4 Alice's stale checkpoint, refused by pallet 10.
        assert!(
            failed.contains("extrinsic 4 ") && failed.contains("index: 10"),
            "{failed}"
        );
    });
}

#[test]
fn call_builders_check_the_runtime_bounds() {
    let id = signing::product_id(b"LOT-3");
    assert_eq!(
        signing::register_product(id, &[b'n'; 65], b"here"),
        Err(CallError::TooLong {
            field: Field::Name,
            len: 65,
            max: 64
        })
    );
    assert!(signing::register_product(id, &[b'n'; 64], &[b'l'; 64]).is_ok());
    assert_eq!(
        signing::record_checkpoint(id, b"here", &[b'x'; 129]),
        Err(CallError::TooLong {
            field: Field::Note,
            len: 129,
            max: 128
        })
    );
    let to = AccountId::from([7; 32]);
    assert_eq!(
        signing::transfer_custody(id, &to, &[b'l'; 65], b""),
        Err(CallError::TooLong {
            field: Field::Location,
            len: 65,
            max: 64
        })
    );
    // Ids are the labels' blake2-256: stable, distinct.
    assert_eq!(signing::product_id(b"LOT-3"), id);
    assert_ne!(signing::product_id(b"LOT-4"), id);
}
