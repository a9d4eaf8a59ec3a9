//! Genesis presets of the supply-chain runtime, as code.
//!
//! Both presets run **PBFT** ([`CONSENSUS`]) and have **SM2 accounts** ([`ACCOUNT_SCHEME`]):
//!
//! - `development` ([`sp_genesis_builder::DEV_RUNTIME_PRESET`]): Alice is the only validator;
//!   with one validator every block Alice proposes is committed by her own vote.
//! - `local_testnet` ([`sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET`]): the validators are
//!   [`LOCAL_TESTNET_VALIDATORS`] (Alice, Bob, Charlie, Dave), so one of them may fail.
//!
//! In both, Alice's SM2 account is sudo, the development accounts of SM2 (the well-known names
//! Alice … Ferdie and their `//stash` variants as SM2 keys,
//! `AccountPair::from_dev_uri(SignatureScheme::Sm2, "//Alice")`) hold [`DEV_ACCOUNT_BALANCE`]
//! each, and the base token is [`TOKEN_SYMBOL`]. Validators keep their **sr25519** keys (the
//! `//Alice` … account keys): the node's engines author and vote with sr25519 whatever the
//! accounts use, so `--alice` runs Alice's validator.
//!
//! The development-account helpers are the template's
//! (`wcme_runtime_subchain::genesis_config_presets`), re-exported here; only the genesis config
//! itself, which is this runtime's own type, is written here ([`supply_chain_genesis`]).
//!
//! As the template's, a preset is the **complete** `RuntimeGenesisConfig` serialized to JSON.

use alloc::{string::String, vec, vec::Vec};
use sp_genesis_builder::{self, PresetId};
use sp_keyring::Sr25519Keyring;

pub use wcme_runtime_subchain::genesis_config_presets::{
    DEV_ACCOUNTS, LOCAL_TESTNET_VALIDATORS, dev_account, dev_accounts_for, dev_pair, dev_uri,
    dev_validator_key,
};

use crate::{
    AccountId, Balance, BalancesConfig, ChainConfigConfig, RuntimeGenesisConfig, SudoConfig,
    TOKEN_DECIMALS, TOKEN_SYMBOL, UNIT,
    chain_config::{C3nKey, ConsensusKind, SignatureScheme},
};

/// Genesis balance of each development account: 1,000,000 `TRACE`.
pub const DEV_ACCOUNT_BALANCE: Balance = 1_000_000 * UNIT;

/// The scheme the presets' accounts sign with: SM2 (SM3 hashing).
pub const ACCOUNT_SCHEME: SignatureScheme = SignatureScheme::Sm2;

/// The consensus kind of the presets: PBFT. The node's chain specs name the same engine.
pub const CONSENSUS: ConsensusKind = ConsensusKind::Pbft;

/// A supply-chain genesis: `endowed` accounts with their balances, `root` as sudo, the base
/// token `symbol` (with the runtime's [`TOKEN_DECIMALS`]), `consensus`, the scheme accounts
/// sign with (`account_scheme`; `endowed` and `root` must be accounts of that scheme to be
/// usable) and `validators`. No products: they are registered by transactions.
pub fn supply_chain_genesis(
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

/// A test-network genesis: the SM2 development accounts with [`DEV_ACCOUNT_BALANCE`] each,
/// Alice's SM2 account as sudo, the token [`TOKEN_SYMBOL`], PBFT among `validators` (their
/// sr25519 keys).
pub fn testnet_genesis(validators: &[Sr25519Keyring]) -> RuntimeGenesisConfig {
    // `dev_account` finds every well-known key (the template tests it); the fallback only keeps
    // this total.
    let root = dev_account(Sr25519Keyring::Alice, ACCOUNT_SCHEME)
        .unwrap_or_else(|| Sr25519Keyring::Alice.to_account_id());
    supply_chain_genesis(
        dev_accounts_for(ACCOUNT_SCHEME)
            .into_iter()
            .map(|who| (who, DEV_ACCOUNT_BALANCE))
            .collect(),
        root,
        TOKEN_SYMBOL,
        CONSENSUS,
        ACCOUNT_SCHEME,
        validators.iter().copied().map(dev_validator_key).collect(),
    )
}

/// The `development` genesis config: Alice the only validator.
pub fn development_config_genesis() -> RuntimeGenesisConfig {
    testnet_genesis(&[Sr25519Keyring::Alice])
}

/// The `local_testnet` genesis config: [`LOCAL_TESTNET_VALIDATORS`].
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
