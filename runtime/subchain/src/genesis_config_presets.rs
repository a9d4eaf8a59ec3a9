//! Genesis presets of the subchain runtime, as code.
//!
//! - `development` ([`sp_genesis_builder::DEV_RUNTIME_PRESET`]): Alice is sudo and the only
//!   validator; consensus kind `aura` (with one validator, what the node's single-authority dev
//!   engine does).
//! - `local_testnet` ([`sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET`]): Alice is sudo; the
//!   validators are [`LOCAL_TESTNET_VALIDATORS`] (Alice, Bob, Charlie, Dave), consensus kind
//!   `aura`.
//!
//! In both, the well-known development accounts (Alice … Ferdie and their `//stash` variants)
//! hold [`DEV_ACCOUNT_BALANCE`] each, the base token is [`TOKEN_SYMBOL`] with
//! [`TOKEN_DECIMALS`] decimals, accounts sign with sr25519 ([`DEFAULT_ACCOUNT_SCHEME`]), and a
//! validator's key is the sr25519 key of its development account (`//Alice`, …), the key the
//! node's `--alice` … flags author with.
//!
//! A chain whose accounts use another scheme has other development accounts: the same names
//! (`//Alice`, …) as keys of that scheme ([`dev_account`], [`dev_accounts_for`]; for SM2,
//! `wcme_subchain_primitives::Sm2Pair::from_dev_uri`). [`testnet_genesis`] and
//! [`subchain_genesis`] take the scheme; validators keep their sr25519 keys whatever the
//! accounts use, since the node's engines author with sr25519.
//!
//! As the main-chain runtime's, a preset is the **complete** `RuntimeGenesisConfig` serialized to
//! JSON: still a valid patch for Substrate tooling, and what the node passes to
//! `GenesisBuilder_build_state` as is. A fork writes its own business's genesis with
//! [`subchain_genesis`].

use alloc::{format, string::String, vec, vec::Vec};
use sp_genesis_builder::{self, PresetId};
use sp_keyring::Sr25519Keyring;
use wcme_subchain_primitives::AccountPair;

use crate::{
    AccountId, Balance, BalancesConfig, ChainConfigConfig, RuntimeGenesisConfig, SudoConfig,
    TOKEN_DECIMALS, TOKEN_SYMBOL, UNIT,
    chain_config::{C3nKey, ConsensusKind, DEFAULT_ACCOUNT_SCHEME, SignatureScheme},
};

/// Genesis balance of each well-known development account: 1,000,000 tokens.
pub const DEV_ACCOUNT_BALANCE: Balance = 1_000_000 * UNIT;

/// The well-known development accounts the presets endow, in order: Alice, Bob, Charlie, Dave,
/// Eve, Ferdie and their `//stash` variants.
pub const DEV_ACCOUNTS: [Sr25519Keyring; 12] = [
    Sr25519Keyring::Alice,
    Sr25519Keyring::Bob,
    Sr25519Keyring::Charlie,
    Sr25519Keyring::Dave,
    Sr25519Keyring::Eve,
    Sr25519Keyring::Ferdie,
    Sr25519Keyring::AliceStash,
    Sr25519Keyring::BobStash,
    Sr25519Keyring::CharlieStash,
    Sr25519Keyring::DaveStash,
    Sr25519Keyring::EveStash,
    Sr25519Keyring::FerdieStash,
];

/// The secret URI of development account `who`: `//Alice`, `//Alice//stash`, ….
pub fn dev_uri(who: Sr25519Keyring) -> String {
    format!("//{}", <&'static str>::from(who))
}

/// The key pair of development account `who` in `scheme` (for sr25519 `who`'s own key; see
/// `AccountPair::from_dev_uri`). `None` only if the scheme's derivation finds no key, which
/// does not happen for the well-known names (a test checks every one).
pub fn dev_pair(who: Sr25519Keyring, scheme: SignatureScheme) -> Option<AccountPair> {
    AccountPair::from_dev_uri(scheme, &dev_uri(who)).ok()
}

/// The account of development account `who` in `scheme`: `who`'s sr25519 account on an sr25519
/// chain, the account of its ed25519 or SM2 key on chains of those schemes.
pub fn dev_account(who: Sr25519Keyring, scheme: SignatureScheme) -> Option<AccountId> {
    dev_pair(who, scheme).map(|pair| pair.account_id())
}

/// The well-known development accounts ([`DEV_ACCOUNTS`]) of a chain whose accounts use
/// `scheme`.
pub fn dev_accounts_for(scheme: SignatureScheme) -> Vec<AccountId> {
    DEV_ACCOUNTS
        .into_iter()
        .filter_map(|who| dev_account(who, scheme))
        .collect()
}

/// The well-known development accounts endowed by the presets (sr25519 accounts).
pub fn dev_accounts() -> Vec<AccountId> {
    DEV_ACCOUNTS
        .into_iter()
        .map(Sr25519Keyring::to_account_id)
        .collect()
}

/// The `local_testnet` validators, in order.
pub const LOCAL_TESTNET_VALIDATORS: [Sr25519Keyring; 4] = [
    Sr25519Keyring::Alice,
    Sr25519Keyring::Bob,
    Sr25519Keyring::Charlie,
    Sr25519Keyring::Dave,
];

/// The validator key of a development account: its sr25519 public key.
pub fn dev_validator_key(account: Sr25519Keyring) -> C3nKey {
    C3nKey::Sr25519(account.public().0)
}

/// A subchain genesis: `endowed` accounts with their balances, `root` as sudo, the base token
/// `symbol` (with the runtime's [`TOKEN_DECIMALS`]), `consensus`, the scheme accounts sign with
/// (`account_scheme`; `endowed` and `root` must be accounts of that scheme to be usable) and
/// `validators`.
pub fn subchain_genesis(
    endowed: Vec<(AccountId, Balance)>,
    root: AccountId,
    symbol: &str,
    consensus: ConsensusKind,
    account_scheme: SignatureScheme,
    validators: Vec<C3nKey>,
) -> RuntimeGenesisConfig {
    RuntimeGenesisConfig {
        balances: BalancesConfig {
            balances: endowed,
            dev_accounts: None,
        },
        sudo: SudoConfig { key: Some(root) },
        chain_config: ChainConfigConfig {
            token_symbol: String::from(symbol),
            token_decimals: TOKEN_DECIMALS,
            consensus,
            account_scheme,
            validators,
            ..Default::default()
        },
        ..Default::default()
    }
}

/// A test-network genesis whose accounts use `account_scheme`: the development accounts of that
/// scheme with [`DEV_ACCOUNT_BALANCE`] each, Alice's account of that scheme as sudo, the token
/// [`TOKEN_SYMBOL`], Aura among the development accounts `validators` (their sr25519 keys).
pub fn testnet_genesis(
    validators: &[Sr25519Keyring],
    account_scheme: SignatureScheme,
) -> RuntimeGenesisConfig {
    // `dev_account` finds every well-known key (tested); the fallback only keeps this total.
    let root = dev_account(Sr25519Keyring::Alice, account_scheme)
        .unwrap_or_else(|| Sr25519Keyring::Alice.to_account_id());
    subchain_genesis(
        dev_accounts_for(account_scheme)
            .into_iter()
            .map(|who| (who, DEV_ACCOUNT_BALANCE))
            .collect(),
        root,
        TOKEN_SYMBOL,
        ConsensusKind::Aura,
        account_scheme,
        validators.iter().copied().map(dev_validator_key).collect(),
    )
}

/// The `development` genesis config: Alice sudo and sole validator, sr25519 accounts.
pub fn development_config_genesis() -> RuntimeGenesisConfig {
    testnet_genesis(&[Sr25519Keyring::Alice], DEFAULT_ACCOUNT_SCHEME)
}

/// The `local_testnet` genesis config: Alice sudo, [`LOCAL_TESTNET_VALIDATORS`] validators,
/// sr25519 accounts.
pub fn local_config_genesis() -> RuntimeGenesisConfig {
    testnet_genesis(&LOCAL_TESTNET_VALIDATORS, DEFAULT_ACCOUNT_SCHEME)
}

/// The genesis config of preset `id`, or `None` if there is no such preset.
pub fn preset_config(id: &str) -> Option<RuntimeGenesisConfig> {
    match id {
        sp_genesis_builder::DEV_RUNTIME_PRESET => Some(development_config_genesis()),
        sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => Some(local_config_genesis()),
        _ => None,
    }
}

/// The JSON of preset `id` (the complete genesis config), or `None` if there is no such preset.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
    serde_json::to_vec(&preset_config(id)?).ok()
}

/// The names of the presets this runtime provides.
pub fn preset_names() -> Vec<PresetId> {
    vec![
        PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
        PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
    ]
}
