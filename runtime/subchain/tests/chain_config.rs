//! The chain-config pallet in the subchain runtime: the genesis record and its checks, and
//! validator-set changes, which only root (sudo) may make.

mod common;

use codec::{Decode, Encode};
use common::{account, apply, build_state, dev_ext, local_ext, preset_json, start_block_one};
use frame_support::dispatch::GetDispatchInfo;
use sp_keyring::Sr25519Keyring::{self, Alice, Bob, Charlie, Dave, Eve};
use sp_runtime::{DispatchError, traits::Dispatchable};
use wcme_runtime_subchain::{
    ChainConfig, ChainConfigCall, Runtime, RuntimeCall, RuntimeEvent, RuntimeOrigin, System,
    chain_config::{
        self, C3nKey, ConsensusKind, CurrentSetId, Error, SignatureScheme, TokenError, TokenInfo,
        ValidatorSetId, Validators,
    },
    dispatch, signing,
};

fn keys(accounts: &[Sr25519Keyring]) -> Vec<C3nKey> {
    accounts
        .iter()
        .map(|who| C3nKey::Sr25519(who.public().0))
        .collect()
}

fn set_validators(validators: Vec<C3nKey>) -> RuntimeCall {
    RuntimeCall::ChainConfig(ChainConfigCall::set_validators { validators })
}

fn sudo(call: RuntimeCall) -> RuntimeCall {
    RuntimeCall::Sudo(pallet_sudo::Call::sudo {
        call: Box::new(call),
    })
}

/// The module error of the chain-config pallet `error`, as a dispatch reports it.
fn module_error(error: Error<Runtime>) -> DispatchError {
    DispatchError::from(error)
}

/// `set_validators(validators)` dispatched as root; its outcome.
fn root_sets(validators: Vec<C3nKey>) -> Result<(), DispatchError> {
    set_validators(validators)
        .dispatch(RuntimeOrigin::root())
        .map(|_| ())
        .map_err(|e| e.error)
}

#[test]
fn sudo_replaces_the_validator_set() {
    local_ext().execute_with(|| {
        System::set_block_number(1);
        let new_set = keys(&[Bob, Charlie, Eve]);
        let result = sudo(set_validators(new_set.clone())).dispatch(RuntimeOrigin::signed(account(Alice)));
        assert!(result.is_ok(), "{result:?}");
        // `sudo` succeeds even when the inner call fails; the inner result is its event.
        assert!(System::events().iter().any(|r| matches!(
            &r.event,
            RuntimeEvent::Sudo(pallet_sudo::Event::Sudid { sudo_result: Ok(()) })
        )));
        assert!(System::events().iter().any(|r| matches!(
            &r.event,
            RuntimeEvent::ChainConfig(chain_config::Event::ValidatorsChanged { set_id: 1, validators })
                if validators.to_vec() == new_set
        )));
        assert_eq!(ChainConfig::validators(), new_set);
        assert_eq!(CurrentSetId::<Runtime>::get(), 1);

        // The node sees the change through the runtime API.
        let out = dispatch("ValidatorSetApi_validators", &[]).expect("exists");
        assert_eq!(
            Vec::<C3nKey>::decode(&mut &out[..]).expect("decodes"),
            new_set
        );
        let out = dispatch("ValidatorSetApi_validator_set_id", &[]).expect("exists");
        assert_eq!(ValidatorSetId::decode(&mut &out[..]).expect("decodes"), 1);

        // A second change takes the next id.
        assert_eq!(root_sets(keys(&[Dave])), Ok(()));
        assert_eq!(CurrentSetId::<Runtime>::get(), 2);
        assert_eq!(ChainConfig::validators(), keys(&[Dave]));
    });
}

#[test]
fn only_sudo_changes_the_validator_set() {
    local_ext().execute_with(|| {
        System::set_block_number(1);
        let before = Validators::<Runtime>::get();
        let new_set = keys(&[Eve]);

        // Not even the sudo key holder may call it directly: it needs root.
        let direct =
            set_validators(new_set.clone()).dispatch(RuntimeOrigin::signed(account(Alice)));
        assert_eq!(direct.map_err(|e| e.error), Err(DispatchError::BadOrigin));

        // Bob is not the sudo key: `sudo` itself refuses him.
        let by_bob =
            sudo(set_validators(new_set.clone())).dispatch(RuntimeOrigin::signed(account(Bob)));
        assert_eq!(
            by_bob.map_err(|e| e.error),
            Err(pallet_sudo::Error::<Runtime>::RequireSudo.into())
        );

        assert_eq!(Validators::<Runtime>::get(), before);
        assert_eq!(CurrentSetId::<Runtime>::get(), 0);
        assert!(
            !System::events()
                .iter()
                .any(|r| matches!(r.event, RuntimeEvent::ChainConfig(_)))
        );
    });
}

#[test]
fn a_signed_change_by_a_non_sudo_account_is_included_but_fails() {
    // Through the node's path: Bob's signed `sudo(set_validators)` is a valid transaction (he
    // pays its fee) whose dispatch fails with `RequireSudo`; Alice's succeeds.
    dev_ext().execute_with(|| {
        start_block_one();
        let genesis = System::block_hash(0);
        let call = sudo(set_validators(keys(&[Bob])));

        let by_bob = signing::sign(&Bob.pair(), call.clone(), 0, genesis).encode();
        let outcome = apply(&by_bob).expect("valid transaction");
        assert_eq!(
            outcome,
            Err(pallet_sudo::Error::<Runtime>::RequireSudo.into())
        );
        assert_eq!(ChainConfig::validators(), keys(&[Alice]));
        let events = common::raw_events();
        let failed = signing::check_block_events(&events).expect_err("Bob's extrinsic failed");
        assert!(failed.contains("extrinsic 1"), "{failed}");

        let by_alice = signing::sign(&Alice.pair(), call, 0, genesis).encode();
        assert_eq!(apply(&by_alice), Ok(Ok(())));
        assert_eq!(ChainConfig::validators(), keys(&[Bob]));
        assert_eq!(CurrentSetId::<Runtime>::get(), 1);
    });
}

#[test]
fn invalid_sets_are_refused_with_typed_errors() {
    dev_ext().execute_with(|| {
        System::set_block_number(1);
        let sm2_key = |prefix: u8| {
            let mut key = [7u8; 33];
            key[0] = prefix;
            C3nKey::Sm2(key)
        };
        let too_many: Vec<C3nKey> = (0u8..101).map(|i| C3nKey::Sr25519([i; 32])).collect();
        let cases: [(Vec<C3nKey>, Error<Runtime>); 6] = [
            (Vec::new(), Error::NoValidators),
            (too_many, Error::TooManyValidators),
            (vec![sm2_key(0x04)], Error::InvalidValidatorKey),
            (
                vec![C3nKey::Sr25519([1; 32]), C3nKey::Ed25519([2; 32])],
                Error::MixedKeySchemes,
            ),
            (keys(&[Bob, Charlie, Bob]), Error::DuplicateValidator),
            (keys(&[Alice]), Error::Unchanged),
        ];
        for (validators, error) in cases {
            assert_eq!(root_sets(validators), Err(module_error(error)));
        }
        assert_eq!(ChainConfig::validators(), keys(&[Alice]));
        assert_eq!(CurrentSetId::<Runtime>::get(), 0);

        // The limits themselves are accepted: 100 keys, SM2 keys of either parity, ed25519.
        let hundred: Vec<C3nKey> = (0u8..100).map(|i| C3nKey::Sr25519([i; 32])).collect();
        assert_eq!(root_sets(hundred), Ok(()));
        assert_eq!(root_sets(vec![sm2_key(0x02), sm2_key(0x03)]), Ok(()));
        assert_eq!(ChainConfig::validators()[0].scheme(), SignatureScheme::Sm2);
        assert_eq!(root_sets(vec![C3nKey::Ed25519([9; 32])]), Ok(()));
        assert_eq!(CurrentSetId::<Runtime>::get(), 3);
    });
}

#[test]
fn set_validators_weight_grows_with_the_set() {
    let weight = |n: u8| {
        set_validators((0..n).map(|i| C3nKey::Sr25519([i; 32])).collect())
            .get_dispatch_info()
            .call_weight
    };
    assert!(weight(1).ref_time() > 0);
    assert!(weight(100).ref_time() > weight(1).ref_time());
    assert!(weight(100).proof_size() > weight(1).proof_size());
    // Operational fee class is not claimed: a validator-set change pays like any call.
    let info = set_validators(keys(&[Alice])).get_dispatch_info();
    assert_eq!(info.class, frame_support::dispatch::DispatchClass::Normal);
}

/// The development preset's JSON with `chainConfig` changed by `edit`.
fn edited_preset(edit: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    let mut json: serde_json::Value =
        serde_json::from_slice(&preset_json("development")).expect("json");
    edit(&mut json["chainConfig"]);
    serde_json::to_vec(&json).expect("json")
}

#[test]
fn genesis_takes_token_consensus_and_validators_from_the_chain_spec() {
    let json = edited_preset(|config| {
        config["tokenSymbol"] = "TRACE".into();
        config["consensus"] = "pbft".into();
        config["validators"] = serde_json::json!([
            { "sm2": format!("0x02{}", "ab".repeat(32)) },
            { "sm2": format!("0x03{}", "cd".repeat(32)) },
        ]);
    });
    let (result, mut ext) = build_state(json);
    assert_eq!(result, Ok(()));
    ext.execute_with(|| {
        let out = dispatch("ChainConfigApi_consensus_kind", &[]).expect("exists");
        assert_eq!(
            ConsensusKind::decode(&mut &out[..]).expect("decodes"),
            ConsensusKind::Pbft
        );
        let out = dispatch("ChainConfigApi_base_token", &[]).expect("exists");
        let token = Option::<TokenInfo>::decode(&mut &out[..])
            .expect("decodes")
            .expect("recorded");
        assert_eq!(&token.symbol[..], b"TRACE");
        let validators = ChainConfig::validators();
        assert_eq!(validators.len(), 2);
        assert!(
            validators
                .iter()
                .all(|key| key.scheme() == SignatureScheme::Sm2)
        );
        assert_eq!(ChainConfig::validator_set_id(), 0);
    });
}

/// An edit of the `chainConfig` section of a genesis config.
type Edit = Box<dyn FnOnce(&mut serde_json::Value)>;

/// An SM2 validator key in genesis JSON, starting with `prefix`.
fn sm2(prefix: u8) -> serde_json::Value {
    serde_json::json!({ "sm2": format!("0x{prefix:02x}{}", "ab".repeat(32)) })
}

/// `build_state` of `json`: the panic message if the genesis build refused it.
fn genesis_refusal(json: Vec<u8>) -> String {
    let outcome = std::panic::catch_unwind(|| build_state(json).0);
    match outcome {
        Ok(result) => format!("not refused: {result:?}"),
        Err(payload) => payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default(),
    }
}

#[test]
fn genesis_refuses_a_bad_token_or_validator_set() {
    let cases: [(Edit, &str); 6] = [
        (
            Box::new(|c| c["validators"] = serde_json::json!([sm2(0x04)])),
            "InvalidValidatorKey",
        ),
        (
            Box::new(|c| {
                let alice = c["validators"][0].clone();
                c["validators"] = serde_json::json!([alice.clone(), alice]);
            }),
            "DuplicateValidator",
        ),
        (Box::new(|c| c["tokenSymbol"] = "".into()), "EmptySymbol"),
        (
            Box::new(|c| c["tokenSymbol"] = "wcme".into()),
            "InvalidSymbol",
        ),
        (
            Box::new(|c| c["tokenSymbol"] = "WCME".into()),
            "ReservedSymbol",
        ),
        (
            Box::new(|c| c["tokenDecimals"] = 18.into()),
            "DecimalsMismatch { declared: 18, runtime: 12 }",
        ),
    ];
    for (edit, expected) in cases {
        let message = genesis_refusal(edited_preset(edit));
        assert!(message.contains(expected), "{expected}: {message}");
    }

    // Malformed JSON is refused by the decoder, not the pallet: an unknown consensus kind, a
    // key of the wrong length.
    for edit in [
        Box::new(|c: &mut serde_json::Value| c["consensus"] = "raft".into()) as Edit,
        Box::new(|c: &mut serde_json::Value| {
            c["validators"] = serde_json::json!([{ "sr25519": "0x1234" }])
        }),
    ] {
        let (result, _) = build_state(edited_preset(edit));
        assert!(result.is_err(), "{result:?}");
    }
}

#[test]
fn token_rules() {
    assert!(TokenInfo::new(b"SUB", 12, 12).is_ok());
    assert!(TokenInfo::new(b"A.B-9", 12, 12).is_ok());
    assert_eq!(
        TokenInfo::new(b"SEVENTEEN-LETTERS", 12, 12),
        Err(TokenError::SymbolTooLong)
    );
    assert_eq!(
        TokenInfo::new(b"S B", 12, 12),
        Err(TokenError::InvalidSymbol)
    );
}

#[test]
fn a_genesis_without_validators_has_none_until_root_sets_them() {
    // Allowed only because the default genesis config must build; real specs name validators.
    let (result, mut ext) = build_state(edited_preset(|c| c["validators"] = serde_json::json!([])));
    assert_eq!(result, Ok(()));
    ext.execute_with(|| {
        System::set_block_number(1);
        assert!(ChainConfig::validators().is_empty());
        assert_eq!(
            root_sets(Vec::new()),
            Err(module_error(Error::NoValidators))
        );
        assert_eq!(root_sets(keys(&[Alice])), Ok(()));
        assert_eq!(ChainConfig::validators(), keys(&[Alice]));
        assert_eq!(ChainConfig::validator_set_id(), 1);
    });
}
