//! Genesis presets of the main-chain runtime, as code.
//!
//! - `development` ([`sp_genesis_builder::DEV_RUNTIME_PRESET`]) and `local_testnet`
//!   ([`sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET`]): the six genesis buckets on their
//!   development accounts (see [`crate::buckets`]), the whole frozen-reserve bucket frozen by
//!   `Reserve`, the well-known development accounts (Alice … Ferdie and their `//stash`
//!   variants) with [`DEV_ACCOUNT_BALANCE`] each, and Alice as sudo.
//! - Proof-of-Credit (`Poc`): 6-s slots in both. `development` has **no agents**: the `--dev`
//!   chain is authored by the single-authority dev engine, which writes no POC pre-digest, so the
//!   `Poc` pallet stays idle there (no rounds, no cards, no coinbase; fees are burned).
//!   `local_testnet` has four agents, [`LOCAL_TESTNET_AGENTS`] (Alice, Bob, Charlie, Dave), each
//!   with a deposit of [`LOCAL_AGENT_DEPOSIT`] held from its development balance, 10 %
//!   commission, itself as reward account and the packing key [`dev_packing_key`] of
//!   `//<Name>//poc`; they form rounds 0 and 1.
//!
//! Total issuance of these presets is therefore 960,000,000 WCME (the buckets) plus 12 × 1,000,000
//! WCME (the development accounts): agents' deposits are held, not minted.
//!
//! Unlike the polkadot-sdk templates, a preset here is the **complete** `RuntimeGenesisConfig`
//! serialized to JSON, not a partial patch: it is still a valid patch for Substrate tooling, and
//! the node can pass it to `GenesisBuilder_build_state` as is, without merging it onto defaults.

use alloc::{format, string::String, vec, vec::Vec};
use sp_core::{
    Pair,
    crypto::{AccountId32, SecretStringError},
    sr25519,
};
use sp_genesis_builder::{self, PresetId};
use sp_keyring::Sr25519Keyring;
use sp_runtime::Perbill;

use crate::{
    AccountId, Balance, BalancesConfig, CrossChainConfig, MILLISECS_PER_BLOCK, PocConfig,
    ReserveConfig, RuntimeGenesisConfig, SudoConfig, WCME, buckets,
};

/// The main chain's C3Ns of the development presets ([`dev_c3ns`]): the two relayers a
/// local bridge needs at least (no C3N broadcasts two batches in a row).
pub const DEV_C3NS: [Sr25519Keyring; 2] = [Sr25519Keyring::Alice, Sr25519Keyring::Bob];

/// The accounts of [`DEV_C3NS`].
pub fn dev_c3ns() -> Vec<AccountId> {
    DEV_C3NS.iter().map(|key| key.to_account_id()).collect()
}

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

/// The development names of the `local_testnet` preset's POC agents.
pub const LOCAL_TESTNET_AGENTS: [&str; 4] = ["Alice", "Bob", "Charlie", "Dave"];

/// Deposit of each `local_testnet` agent: 50,000 WCME.
pub const LOCAL_AGENT_DEPOSIT: Balance = 50_000 * WCME;

/// Commission of each `local_testnet` agent: 10 %.
pub const LOCAL_AGENT_COMMISSION: Perbill = Perbill::from_percent(10);

/// The secret URI of development account `name`'s packing key: `//<name>//poc` (e.g.
/// `//Alice//poc`), derived from the well-known development phrase. A node authoring for a
/// development agent puts this key in its keystore (key type `poc_`).
pub fn dev_packing_key_uri(name: &str) -> String {
    format!(
        "//{name}{}",
        wcme_consensus_primitives::poc::DEV_PACKING_KEY_PATH
    )
}

/// The packing key pair of development account `name` ([`dev_packing_key_uri`]).
pub fn dev_packing_pair(name: &str) -> Result<sr25519::Pair, SecretStringError> {
    sr25519::Pair::from_string(&dev_packing_key_uri(name), None)
}

/// The packing key of development account `name` ([`dev_packing_key_uri`]).
pub fn dev_packing_key(name: &str) -> Result<sr25519::Public, SecretStringError> {
    dev_packing_pair(name).map(|pair| pair.public())
}

/// The account of development account `name` (`//<name>`).
fn dev_account(name: &str) -> Result<AccountId, SecretStringError> {
    sr25519::Pair::from_string(&format!("//{name}"), None)
        .map(|pair| AccountId32::from(pair.public()))
}

/// The `local_testnet` agents: `(account, packing key, reward account, commission, deposit)` of
/// each of [`LOCAL_TESTNET_AGENTS`].
pub fn local_testnet_agents()
-> Result<Vec<pallet_wcme_poc::GenesisAgent<AccountId>>, SecretStringError> {
    LOCAL_TESTNET_AGENTS
        .iter()
        .map(|name| {
            let account = dev_account(name)?;
            Ok((
                account.clone(),
                dev_packing_key(name)?,
                account,
                LOCAL_AGENT_COMMISSION,
                LOCAL_AGENT_DEPOSIT,
            ))
        })
        .collect()
}

/// A test-network genesis: the six buckets on their development accounts with the frozen reserve
/// frozen, `endowed` accounts with [`DEV_ACCOUNT_BALANCE`] each, `root` as sudo, Alice and Bob
/// as the main chain's C3Ns ([`DEV_C3NS`]); no POC agent.
pub fn testnet_genesis(
    endowed: Vec<AccountId>,
    root: AccountId,
) -> Result<RuntimeGenesisConfig, SecretStringError> {
    testnet_genesis_with_agents(endowed, root, Vec::new())
}

/// [`testnet_genesis`] with POC `agents` (who must be among `endowed` to afford their deposits)
/// and 6-s slots.
pub fn testnet_genesis_with_agents(
    endowed: Vec<AccountId>,
    root: AccountId,
    agents: Vec<pallet_wcme_poc::GenesisAgent<AccountId>>,
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
        poc: PocConfig {
            slot_duration_ms: MILLISECS_PER_BLOCK,
            agents,
        },
        cross_chain: CrossChainConfig {
            main_c3ns: dev_c3ns(),
        },
        ..Default::default()
    })
}

/// The `development` genesis config: no POC agent (the dev engine authors).
pub fn development_config_genesis() -> Result<RuntimeGenesisConfig, SecretStringError> {
    testnet_genesis(dev_accounts(), Sr25519Keyring::Alice.to_account_id())
}

/// The `local_testnet` genesis config: the `development` accounts plus the four POC agents of
/// [`local_testnet_agents`].
pub fn local_config_genesis() -> Result<RuntimeGenesisConfig, SecretStringError> {
    testnet_genesis_with_agents(
        dev_accounts(),
        Sr25519Keyring::Alice.to_account_id(),
        local_testnet_agents()?,
    )
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
