//! `wcme-node`: the WCME main-chain node.
//!
//! A node binary is small on purpose: it names its runtime and its built-in chains and hands the
//! rest to `wcme-cli` and `wcme-service`. A business subchain forks this file and swaps the
//! runtime, the chain presets and, through `NodeBuilder`, any module.

use std::process::ExitCode;

use sp_keyring::Sr25519Keyring;
use wcme_cli::{CliError, NodeSpec};
use wcme_executor::RuntimeDescriptor;
use wcme_runtime_main as runtime;
use wcme_service::{ChainSpec, ChainType, ConsensusSpec, Genesis, RuntimeGenesis};

/// The built-in chains: `dev` (one node, Alice authors) and `local` (a local testnet).
fn builtin_chain(runtime: &RuntimeDescriptor, id: &str) -> Option<Result<ChainSpec, CliError>> {
    let (name, id, chain_type, preset) = match id {
        "dev" => ("Development", "dev", ChainType::Development, "development"),
        "local" => (
            "Local Testnet",
            "local_testnet",
            ChainType::Local,
            "local_testnet",
        ),
        _ => return None,
    };
    Some(runtime.preset(preset).map_err(CliError::from).map(|patch| {
        let alice = Sr25519Keyring::Alice.public();
        ChainSpec {
            name: name.into(),
            id: id.into(),
            chain_type,
            boot_nodes: Vec::new(),
            properties: properties(),
            consensus: ConsensusSpec {
                engine: "dev".into(),
                authority: format!("0x{}", hex::encode(alice.0)),
                slot_duration_ms: runtime::MILLISECS_PER_BLOCK,
            },
            genesis: Genesis::RuntimeGenesis(RuntimeGenesis::Patch(patch)),
        }
    }))
}

/// Token properties wallets read through `system_properties`.
fn properties() -> serde_json::Map<String, serde_json::Value> {
    let mut properties = serde_json::Map::new();
    properties.insert("ss58Format".into(), runtime::SS58_PREFIX.into());
    properties.insert("tokenDecimals".into(), runtime::TOKEN_DECIMALS.into());
    properties.insert("tokenSymbol".into(), runtime::TOKEN_SYMBOL.into());
    properties
}

fn main() -> ExitCode {
    wcme_cli::run(NodeSpec {
        impl_name: "WCME Node",
        impl_version: env!("CARGO_PKG_VERSION"),
        executable_name: "wcme-node",
        data_dir_name: "wcme-node",
        runtime: RuntimeDescriptor {
            dispatch: runtime::dispatch,
            version: || runtime::VERSION,
        },
        builtin_chain,
        transfer_signer: Some(runtime::signing::signed_transfer),
        rpc_extensions: &[wcme_smart_assets_rpc::rpc_module],
        // A business subchain returns its own modules here.
        extra_modules: Vec::new,
    })
}
