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
//! [`TOKEN_DECIMALS`] decimals, and a validator's key is the sr25519 key of its development
//! account (`//Alice`, …), the key the node's `--alice` … flags author with.
//!
//! As the main-chain runtime's, a preset is the **complete** `RuntimeGenesisConfig` serialized to
//! JSON: still a valid patch for Substrate tooling, and what the node passes to
//! `GenesisBuilder_build_state` as is. A fork writes its own business's genesis with
//! [`subchain_genesis`].

use alloc::{string::String, vec, vec::Vec};
use sp_genesis_builder::{self, PresetId};
use sp_keyring::Sr25519Keyring;

use crate::{
    AccountId, Balance, BalancesConfig, ChainConfigConfig, RuntimeGenesisConfig, SudoConfig,
    TOKEN_DECIMALS, TOKEN_SYMBOL, UNIT,
    chain_config::{C3nKey, ConsensusKind},
};

/// Genesis balance of each well-known development account: 1,000,000 tokens.
pub const DEV_ACCOUNT_BALANCE: Balance = 1_000_000 * UNIT;

/// The well-known development accounts endowed by the presets: Alice, Bob, Charlie, Dave, Eve,
/// Ferdie and their `//stash` variants.
pub fn dev_accounts() -> Vec<AccountId> {
    [
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
    ]
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
/// `symbol` (with the runtime's [`TOKEN_DECIMALS`]), `consensus` and `validators`.
pub fn subchain_genesis(
    endowed: Vec<(AccountId, Balance)>,
    root: AccountId,
    symbol: &str,
    consensus: ConsensusKind,
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
            validators,
            ..Default::default()
        },
        ..Default::default()
    }
}

/// A test-network genesis: the development accounts with [`DEV_ACCOUNT_BALANCE`] each, Alice as
/// sudo, the token [`TOKEN_SYMBOL`], Aura among the development accounts `validators`.
pub fn testnet_genesis(validators: &[Sr25519Keyring]) -> RuntimeGenesisConfig {
    subchain_genesis(
        dev_accounts()
            .into_iter()
            .map(|who| (who, DEV_ACCOUNT_BALANCE))
            .collect(),
        Sr25519Keyring::Alice.to_account_id(),
        TOKEN_SYMBOL,
        ConsensusKind::Aura,
        validators.iter().copied().map(dev_validator_key).collect(),
    )
}

/// The `development` genesis config: Alice sudo and sole validator.
pub fn development_config_genesis() -> RuntimeGenesisConfig {
    testnet_genesis(&[Sr25519Keyring::Alice])
}

/// The `local_testnet` genesis config: Alice sudo, [`LOCAL_TESTNET_VALIDATORS`] validators.
pub fn local_config_genesis() -> RuntimeGenesisConfig {
    testnet_genesis(&LOCAL_TESTNET_VALIDATORS)
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
