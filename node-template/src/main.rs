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

/// The built-in chains: `dev` (one node, Alice authors) and `local` (a Proof-of-Credit testnet of
/// four agents: Alice, Bob, Charlie, Dave).
fn builtin_chain(runtime: &RuntimeDescriptor, id: &str) -> Option<Result<ChainSpec, CliError>> {
    let alice = Sr25519Keyring::Alice.public();
    let (name, id, chain_type, preset, consensus) = match id {
        "dev" => (
            "Development",
            "dev",
            ChainType::Development,
            "development",
            ConsensusSpec::Dev {
                authority: format!("0x{}", hex::encode(alice.0)),
                slot_duration_ms: runtime::MILLISECS_PER_BLOCK,
            },
        ),
        // Proof-of-Credit among the preset's four agents; the slot length is the runtime's.
        "local" => (
            "Local Testnet",
            "local_testnet",
            ChainType::Local,
            "local_testnet",
            ConsensusSpec::Poc {},
        ),
        _ => return None,
    };
    Some(
        runtime
            .preset(preset)
            .map_err(CliError::from)
            .map(|patch| ChainSpec {
                name: name.into(),
                id: id.into(),
                chain_type,
                boot_nodes: Vec::new(),
                properties: properties(),
                consensus,
                genesis: Genesis::RuntimeGenesis(RuntimeGenesis::Patch(patch)),
            }),
    )
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
        // The runtime's workloads for `benchmark transfers` / `swaps` and, when built with
        // `--features runtime-benchmarks`, its pallet benchmarks for `benchmark pallet`.
        benchmarks: wcme_cli::BenchmarkHooks {
            transfer: Some(runtime::signing::signed_transfer),
            swaps: Some(wcme_cli::SwapSigner {
                setup: runtime::signing::swap_setup,
                swap: runtime::signing::signed_swap,
            }),
            check_events: Some(runtime::signing::check_block_events),
            pallets: runtime::benchmarks::DISPATCH,
        },
        rpc_extensions: &[wcme_smart_assets_rpc::rpc_module, wcme_poc_rpc::rpc_module],
        // A business subchain returns its own modules here.
        extra_modules: Vec::new,
    })
}
