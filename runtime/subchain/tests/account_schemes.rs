//! Account signature schemes: a subchain fixes sr25519, ed25519 or SM2 at genesis, and its
//! runtime accepts transactions signed in that scheme only. Driven through `dispatch` as the node
//! drives it (genesis through `GenesisBuilder_build_state`, transactions through
//! `TaggedTransactionQueue_validate_transaction` and `BlockBuilder_apply_extrinsic`).

mod common;

use codec::{Decode, Encode};
use common::{apply, build_state, preset_json, start_block_one};
use sp_keyring::Sr25519Keyring::{self, Alice, Bob};
use sp_runtime::transaction_validity::{
    InvalidTransaction, TransactionSource, TransactionValidity, TransactionValidityError,
};
use wcme_runtime_subchain::{
    AccountId, Balance, Balances, ChainConfig, Hash, RuntimeCall, SudoCall, System, UNIT,
    chain_config::{self, C3nKey, ConsensusKind, SignatureScheme},
    dispatch,
    genesis_config_presets::{
        DEV_ACCOUNT_BALANCE, DEV_ACCOUNTS, dev_account, dev_accounts, dev_accounts_for, dev_pair,
        dev_uri, subchain_genesis, testnet_genesis,
    },
    signing::{self, AccountPair, Sm2Pair},
};

const SCHEMES: [SignatureScheme; 3] = [
    SignatureScheme::Sr25519,
    SignatureScheme::Ed25519,
    SignatureScheme::Sm2,
];

/// Development account `who`'s key pair in `scheme`.
fn pair(who: Sr25519Keyring, scheme: SignatureScheme) -> AccountPair {
    dev_pair(who, scheme).expect("a development key")
}

/// Development account `who`'s account in `scheme`.
fn account(who: Sr25519Keyring, scheme: SignatureScheme) -> AccountId {
    pair(who, scheme).account_id()
}

/// Genesis state of `config`, built through the runtime API as the node builds it.
fn ext_of(config: &wcme_runtime_subchain::RuntimeGenesisConfig) -> sp_io::TestExternalities {
    let (result, ext) = build_state(serde_json::to_vec(config).expect("json"));
    assert_eq!(result, Ok(()));
    ext
}

/// A development chain (Alice validator) whose accounts use `scheme`, whose development
/// accounts of that scheme are endowed, and where Alice's and Bob's accounts of every other
/// scheme are endowed too, so that a refused signature is refused for its scheme and not for
/// want of funds.
fn chain_with_foreign_funds(scheme: SignatureScheme) -> sp_io::TestExternalities {
    let mut endowed: Vec<(AccountId, Balance)> = dev_accounts_for(scheme)
        .into_iter()
        .map(|who| (who, DEV_ACCOUNT_BALANCE))
        .collect();
    for other in SCHEMES.into_iter().filter(|other| *other != scheme) {
        for who in [Alice, Bob] {
            endowed.push((account(who, other), DEV_ACCOUNT_BALANCE));
        }
    }
    ext_of(&subchain_genesis(
        endowed,
        account(Alice, scheme),
        "SUB",
        ConsensusKind::Aura,
        scheme,
        vec![C3nKey::Sr25519(Alice.public().0)],
    ))
}

fn genesis_hash() -> Hash {
    System::block_hash(0)
}

/// `TaggedTransactionQueue_validate_transaction` of `xt` (encoded) against genesis, on a
/// throwaway overlay as the pool runs it (it initialises the next block).
fn validate(xt: &[u8]) -> TransactionValidity {
    let mut input = TransactionSource::External.encode();
    input.extend_from_slice(xt);
    input.extend(genesis_hash().encode());
    sp_io::storage::start_transaction();
    let out = dispatch("TaggedTransactionQueue_validate_transaction", &input).expect("api exists");
    sp_io::storage::rollback_transaction();
    TransactionValidity::decode(&mut &out[..]).expect("decodes")
}

/// `from` transfers `amount` to `to`, nonce 0, signed with `from`'s scheme.
fn transfer(from: &AccountPair, to: &AccountId, amount: Balance) -> Vec<u8> {
    signing::signed_transfer_with(from, to, amount, 0, genesis_hash()).expect("signs")
}

/// What the pool and the block builder say of a signature that does not verify.
fn bad_proof<T>() -> Result<T, TransactionValidityError> {
    Err(TransactionValidityError::Invalid(
        InvalidTransaction::BadProof,
    ))
}

fn account_scheme_api() -> SignatureScheme {
    let out = dispatch("ChainConfigApi_account_scheme", &[]).expect("api exists");
    SignatureScheme::decode(&mut &out[..]).expect("decodes")
}

#[test]
fn development_accounts_per_scheme() {
    assert_eq!(dev_accounts_for(SignatureScheme::Sr25519), dev_accounts());
    assert_eq!(dev_uri(Alice), "//Alice");
    assert_eq!(dev_uri(Sr25519Keyring::AliceStash), "//Alice//stash");
    for scheme in SCHEMES {
        let accounts = dev_accounts_for(scheme);
        assert_eq!(accounts.len(), DEV_ACCOUNTS.len(), "{scheme:?}");
        let mut distinct = accounts.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), accounts.len(), "{scheme:?}");
        assert_eq!(pair(Alice, scheme).scheme(), scheme);
    }
    assert_eq!(
        account(Alice, SignatureScheme::Sr25519),
        Alice.to_account_id()
    );
    assert_eq!(
        account(Alice, SignatureScheme::Ed25519),
        sp_keyring::Ed25519Keyring::Alice.to_account_id()
    );
    assert_eq!(
        account(Alice, SignatureScheme::Sm2),
        Sm2Pair::from_dev_uri("//Alice").expect("key").account_id()
    );
    assert_eq!(
        dev_account(Bob, SignatureScheme::Sm2),
        Some(account(Bob, SignatureScheme::Sm2))
    );
}

#[test]
fn genesis_records_the_account_scheme() {
    // The presets: sr25519, written out in the JSON a chain spec carries.
    let preset: serde_json::Value =
        serde_json::from_slice(&preset_json("development")).expect("json");
    assert_eq!(preset["chainConfig"]["accountScheme"], "sr25519");

    for scheme in SCHEMES {
        let config = testnet_genesis(&[Alice], scheme);
        let json = serde_json::to_value(&config).expect("json");
        assert_eq!(json["chainConfig"]["accountScheme"], scheme.name());
        // Sudo and the endowed accounts are the development accounts of the scheme.
        assert_eq!(
            json["sudo"]["key"],
            serde_json::to_value(account(Alice, scheme)).expect("json")
        );
        ext_of(&config).execute_with(|| {
            assert_eq!(account_scheme_api(), scheme);
            assert_eq!(ChainConfig::account_scheme(), scheme);
            assert_eq!(
                Balances::free_balance(account(Alice, scheme)),
                DEV_ACCOUNT_BALANCE
            );
            assert_eq!(
                pallet_sudo::Key::<wcme_runtime_subchain::Runtime>::get(),
                Some(account(Alice, scheme))
            );
            // The validator keeps its sr25519 key.
            assert_eq!(
                ChainConfig::validators(),
                vec![C3nKey::Sr25519(Alice.public().0)]
            );
        });
    }
    // On a non-sr25519 chain, the sr25519 development accounts hold nothing.
    ext_of(&testnet_genesis(&[Alice], SignatureScheme::Sm2)).execute_with(|| {
        assert_eq!(Balances::free_balance(Alice.to_account_id()), 0);
    });
}

#[test]
fn genesis_json_names_the_scheme_or_defaults_to_sr25519() {
    let with = |scheme: Option<serde_json::Value>| {
        let mut json: serde_json::Value =
            serde_json::from_slice(&preset_json("development")).expect("json");
        let config = json["chainConfig"].as_object_mut().expect("object");
        match scheme {
            Some(scheme) => config.insert("accountScheme".into(), scheme),
            None => config.remove("accountScheme"),
        };
        build_state(serde_json::to_vec(&json).expect("json"))
    };
    let (result, mut ext) = with(Some("sm2".into()));
    assert_eq!(result, Ok(()));
    ext.execute_with(|| assert_eq!(account_scheme_api(), SignatureScheme::Sm2));
    let (result, mut ext) = with(Some("ed25519".into()));
    assert_eq!(result, Ok(()));
    ext.execute_with(|| assert_eq!(account_scheme_api(), SignatureScheme::Ed25519));
    // A chain spec written before the field existed: sr25519.
    let (result, mut ext) = with(None);
    assert_eq!(result, Ok(()));
    ext.execute_with(|| assert_eq!(account_scheme_api(), SignatureScheme::Sr25519));
    // Not a scheme a subchain can choose.
    for refused in ["ecdsa", "SM2", "2"] {
        let (result, _) = with(Some(refused.into()));
        assert!(result.is_err(), "{refused}: {result:?}");
    }
    assert_eq!(
        chain_config::DEFAULT_ACCOUNT_SCHEME,
        SignatureScheme::Sr25519
    );
}

#[test]
fn sm2_signed_transfer_applies_on_an_sm2_chain() {
    let scheme = SignatureScheme::Sm2;
    ext_of(&testnet_genesis(&[Alice], scheme)).execute_with(|| {
        let alice = pair(Alice, scheme);
        let bob = account(Bob, scheme);
        let xt = transfer(&alice, &bob, 10 * UNIT);
        let valid = validate(&xt).expect("the pool accepts it");
        assert_eq!(valid.provides, vec![(alice.account_id(), 0u32).encode()]);

        start_block_one();
        let alice_before = Balances::free_balance(alice.account_id());
        apply(&xt).expect("valid").expect("dispatches");
        assert_eq!(
            Balances::free_balance(&bob),
            DEV_ACCOUNT_BALANCE + 10 * UNIT
        );
        let paid = alice_before - Balances::free_balance(alice.account_id());
        assert!(paid > 10 * UNIT, "transfer plus fee: {paid}");
        assert_eq!(System::account_nonce(alice.account_id()), 1);
        // Replays are stale, as with any scheme.
        assert_eq!(
            apply(&xt),
            Err(TransactionValidityError::Invalid(InvalidTransaction::Stale))
        );
        assert_eq!(signing::check_block_events(&common::raw_events()), Ok(()));
    });
}

#[test]
fn sm2_root_can_use_sudo() {
    let scheme = SignatureScheme::Sm2;
    ext_of(&testnet_genesis(&[Alice], scheme)).execute_with(|| {
        start_block_one();
        let call = RuntimeCall::Sudo(SudoCall::sudo {
            call: Box::new(RuntimeCall::ChainConfig(
                chain_config::Call::set_validators {
                    validators: vec![C3nKey::Sr25519(Bob.public().0)],
                },
            )),
        });
        let xt = signing::sign_with(&pair(Alice, scheme), call, 0, genesis_hash()).expect("signs");
        apply(&xt.encode()).expect("valid").expect("dispatches");
        assert_eq!(
            ChainConfig::validators(),
            vec![C3nKey::Sr25519(Bob.public().0)]
        );
    });
}

#[test]
fn other_schemes_are_bad_proofs_on_an_sm2_chain() {
    chain_with_foreign_funds(SignatureScheme::Sm2).execute_with(|| {
        let bob = account(Bob, SignatureScheme::Sm2);
        // A funded sr25519 account, signing correctly for itself: refused for its scheme.
        assert_eq!(
            Balances::free_balance(Alice.to_account_id()),
            DEV_ACCOUNT_BALANCE
        );
        let sr = signing::signed_transfer(&Alice.pair(), &bob, UNIT, 0, genesis_hash());
        assert_eq!(validate(&sr), bad_proof());
        let ed = transfer(&pair(Alice, SignatureScheme::Ed25519), &bob, UNIT);
        assert_eq!(validate(&ed), bad_proof());

        start_block_one();
        assert_eq!(apply(&sr), bad_proof());
        assert_eq!(apply(&ed), bad_proof());
        assert_eq!(Balances::free_balance(&bob), DEV_ACCOUNT_BALANCE);
        assert_eq!(
            Balances::free_balance(Alice.to_account_id()),
            DEV_ACCOUNT_BALANCE
        );
    });
}

#[test]
fn sm2_is_a_bad_proof_on_the_default_chain() {
    chain_with_foreign_funds(SignatureScheme::Sr25519).execute_with(|| {
        assert_eq!(account_scheme_api(), SignatureScheme::Sr25519);
        let sm2 = pair(Alice, SignatureScheme::Sm2);
        assert_eq!(
            Balances::free_balance(sm2.account_id()),
            DEV_ACCOUNT_BALANCE
        );
        let bob = Bob.to_account_id();
        assert_eq!(validate(&transfer(&sm2, &bob, UNIT)), bad_proof());
        let ed = pair(Alice, SignatureScheme::Ed25519);
        assert_eq!(validate(&transfer(&ed, &bob, UNIT)), bad_proof());
        // sr25519, the chain's scheme, goes through.
        let sr = signing::signed_transfer(&Alice.pair(), &bob, UNIT, 0, genesis_hash());
        assert!(validate(&sr).is_ok());
        // `sign_with` an sr25519 pair makes a transaction that verifies the same way.
        let sr_pair = AccountPair::from(Alice.pair());
        assert!(validate(&transfer(&sr_pair, &bob, UNIT)).is_ok());
    });
}

#[test]
fn an_ed25519_chain_accepts_ed25519_only() {
    let scheme = SignatureScheme::Ed25519;
    chain_with_foreign_funds(scheme).execute_with(|| {
        let bob = account(Bob, scheme);
        let ed = transfer(&pair(Alice, scheme), &bob, UNIT);
        assert!(validate(&ed).is_ok());
        let sr = signing::signed_transfer(&Alice.pair(), &bob, UNIT, 0, genesis_hash());
        assert_eq!(validate(&sr), bad_proof());
        let sm2 = transfer(&pair(Alice, SignatureScheme::Sm2), &bob, UNIT);
        assert_eq!(validate(&sm2), bad_proof());

        start_block_one();
        apply(&ed).expect("valid").expect("dispatches");
        assert_eq!(Balances::free_balance(&bob), DEV_ACCOUNT_BALANCE + UNIT);
    });
}

#[test]
fn an_sm2_key_that_is_not_the_senders_is_a_bad_proof() {
    let scheme = SignatureScheme::Sm2;
    ext_of(&testnet_genesis(&[Alice], scheme)).execute_with(|| {
        let alice = pair(Alice, scheme);
        let bob = pair(Bob, scheme);
        // Bob signs a transfer from Alice's account: his key does not hash to her account.
        let call = signing::transfer_call(&bob.account_id(), UNIT);
        let xt = wcme_runtime_common::try_sign_with::<
            wcme_runtime_subchain::Runtime,
            wcme_runtime_subchain::Signature,
            signing::KeyError,
            _,
        >(
            call,
            alice.account_id(),
            0,
            genesis_hash(),
            &wcme_runtime_subchain::VERSION,
            |payload| bob.sign(payload).map(Into::into),
        )
        .expect("signs");
        assert_eq!(validate(&xt.encode()), bad_proof());
    });
}
