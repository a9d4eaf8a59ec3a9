//! Genesis presets of the main-chain runtime, as code.
//!
//! - `development` ([`sp_genesis_builder::DEV_RUNTIME_PRESET`]) and `local_testnet`
//!   ([`sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET`]): the six genesis buckets on their
//!   development accounts (see [`crate::buckets`]), the whole frozen-reserve bucket frozen by
//!   `Reserve`, the well-known development accounts (Alice … Ferdie and their `//stash`
//!   variants) with [`DEV_ACCOUNT_BALANCE`] each, and Alice as sudo. The two presets hold the
//!   same accounts; they will differ once the POC validator set is part of genesis.
//!
//! Total issuance of these presets is therefore 960,000,000 WCME (the buckets) plus 12 × 1,000,000
//! WCME (the development accounts).
//!
//! Unlike the polkadot-sdk templates, a preset here is the **complete** `RuntimeGenesisConfig`
//! serialized to JSON, not a partial patch: it is still a valid patch for Substrate tooling, and
//! the node can pass it to `GenesisBuilder_build_state` as is, without merging it onto defaults.

use alloc::{vec, vec::Vec};
use sp_core::crypto::SecretStringError;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::Sr25519Keyring;

use crate::{
    AccountId, Balance, BalancesConfig, ReserveConfig, RuntimeGenesisConfig, SudoConfig, WCME,
    buckets,
};

/// Genesis balance of each well-known development account: 1,000,000 WCME.
pub const DEV_ACCOUNT_BALANCE: Balance = 1_000_000 * WCME;

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

/// A test-network genesis: the six buckets on their development accounts with the frozen reserve
/// frozen, `endowed` accounts with [`DEV_ACCOUNT_BALANCE`] each, and `root` as sudo.
pub fn testnet_genesis(
    endowed: Vec<AccountId>,
    root: AccountId,
) -> Result<RuntimeGenesisConfig, SecretStringError> {
    let mut balances = buckets::dev_bucket_balances()?;
    balances.extend(endowed.into_iter().map(|who| (who, DEV_ACCOUNT_BALANCE)));
    let frozen_reserve = buckets::FROZEN_RESERVE.dev_account()?;

    Ok(RuntimeGenesisConfig {
        balances: BalancesConfig {
            balances,
            dev_accounts: None,
        },
        sudo: SudoConfig { key: Some(root) },
        // The whole bucket is frozen: the reserve account cannot move or spend any of it.
        reserve: ReserveConfig {
            frozen: vec![(frozen_reserve, buckets::FROZEN_RESERVE.amount)],
        },
        ..Default::default()
    })
}

/// The `development` genesis config.
pub fn development_config_genesis() -> Result<RuntimeGenesisConfig, SecretStringError> {
    testnet_genesis(dev_accounts(), Sr25519Keyring::Alice.to_account_id())
}

/// The `local_testnet` genesis config (same accounts as `development` for now).
pub fn local_config_genesis() -> Result<RuntimeGenesisConfig, SecretStringError> {
    testnet_genesis(dev_accounts(), Sr25519Keyring::Alice.to_account_id())
}

/// The genesis config of preset `id`, or `None` if there is no such preset (or, impossibly, a
/// development key cannot be derived).
pub fn preset_config(id: &str) -> Option<RuntimeGenesisConfig> {
    let config = match id {
        sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
        sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_config_genesis(),
        _ => return None,
    };
    config.ok()
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
