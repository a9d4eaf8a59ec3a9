//! `supply-chain-node`: the node of the supply-chain example subchain.
//!
//! A fork of `node-template/src/main.rs` (`wcme-node`) that runs one runtime,
//! `supply-chain-runtime`, and hands everything else to `wcme-cli` and `wcme-service`, so its
//! operators get the same flags and subcommands as `wcme-node`. What the fork changed:
//!
//! - `runtimes`: only [`SUPPLY_RUNTIME`] (no main-chain runtime to run, no subchain template),
//!   so chain specs need no `runtime` field;
//! - the built-in chains: `dev` (PBFT, Alice the one validator) and `local` (PBFT among Alice,
//!   Bob, Charlie and Dave), with the `TRACE` token;
//! - no `subchain new` (the business writes its genesis in the runtime's presets), no main-chain
//!   RPC namespaces (`wcme_poc`, `wcme_subchains`, …), no `benchmark` workloads (the template's
//!   transfer workload signs with sr25519 keys, which this chain's SM2 accounts refuse);
//! - `subchain register` kept: [`sign_registration`] signs the main chain's
//!   `Subchains::register` with the main-chain runtime crate, as `wcme-node` does, so the
//!   business registers its chain with its own binary (only it can build its genesis).

use std::process::ExitCode;

use supply_chain_runtime as runtime;
use wcme_cli::{CliError, NodeSpec, SubchainRegistration};
use wcme_executor::RuntimeDescriptor;
use wcme_runtime_main as main_chain;
use wcme_service::{ChainSpec, ChainType, ConsensusSpec, Genesis, RuntimeGenesis};

/// The supply-chain runtime, compiled in: every chain of this node runs it.
const SUPPLY_RUNTIME: RuntimeDescriptor = RuntimeDescriptor {
    dispatch: runtime::dispatch,
    version: || runtime::VERSION,
};

/// A built-in chain: its names, the preset its genesis comes from and its engine.
struct Builtin {
    name: &'static str,
    id: &'static str,
    chain_type: ChainType,
    preset: &'static str,
    consensus: ConsensusSpec,
}

/// The built-in chains: `dev` (PBFT with Alice the only validator, one block per
/// `MILLISECS_PER_BLOCK`) and `local` (PBFT among Alice, Bob, Charlie and Dave). Both have SM2
/// accounts, and both engines match the runtime presets' consensus kind (`pbft`), which the node
/// checks at start.
fn builtin_chain(id: &str) -> Option<Result<ChainSpec, CliError>> {
    let consensus = ConsensusSpec::Pbft {
        slot_duration_ms: runtime::MILLISECS_PER_BLOCK,
    };
    let builtin = match id {
        "dev" => Builtin {
            name: "Supply Chain Development",
            id: "supply_chain_dev",
            chain_type: ChainType::Development,
            preset: "development",
            consensus,
        },
        "local" => Builtin {
            name: "Supply Chain Local Testnet",
            id: "supply_chain_local",
            chain_type: ChainType::Local,
            preset: "local_testnet",
            consensus,
        },
        _ => return None,
    };
    Some(
        SUPPLY_RUNTIME
            .preset(builtin.preset)
            .map_err(CliError::from)
            .map(|patch| ChainSpec {
                name: builtin.name.into(),
                id: builtin.id.into(),
                chain_type: builtin.chain_type,
                boot_nodes: Vec::new(),
                properties: properties(),
                // The node's own (and only) runtime: no need to name it.
                runtime: None,
                consensus: builtin.consensus,
                genesis: Genesis::RuntimeGenesis(RuntimeGenesis::Patch(patch)),
            }),
    )
}

/// `subchain register`: `Subchains::register(config, stake)` signed by `owner` for the main
/// chain with `genesis`, the base token not listed as a smart asset (as `wcme-node` signs it).
fn sign_registration(
    owner: &sp_core::sr25519::Pair,
    registration: &SubchainRegistration,
    stake: u128,
    nonce: u32,
    genesis: sp_core::H256,
) -> Vec<u8> {
    let config = pallet_wcme_subchains::SubchainConfig {
        name: registration.name.clone().into_bytes(),
        chain_id: registration.chain_id.clone().into_bytes(),
        base_token: pallet_wcme_subchains::BaseToken {
            symbol: registration.symbol.clone().into_bytes(),
            decimals: registration.decimals,
        },
        listing: None,
        consensus: registration.consensus,
        signature_scheme: registration.signature_scheme,
        validators: registration.validators.clone(),
        genesis_hash: registration.genesis_hash,
    };
    let call =
        main_chain::RuntimeCall::Subchains(pallet_wcme_subchains::Call::register { config, stake });
    codec::Encode::encode(&main_chain::signing::sign(owner, call, nonce, genesis))
}

/// Token properties wallets read through `system_properties`: `TRACE`, 12 decimals, prefix 42.
fn properties() -> serde_json::Map<String, serde_json::Value> {
    let mut properties = serde_json::Map::new();
    properties.insert("ss58Format".into(), runtime::SS58_PREFIX.into());
    properties.insert("tokenDecimals".into(), runtime::TOKEN_DECIMALS.into());
    properties.insert("tokenSymbol".into(), runtime::TOKEN_SYMBOL.into());
    properties
}

fn main() -> ExitCode {
    wcme_cli::run(NodeSpec {
        impl_name: "Supply Chain Node",
        impl_version: env!("CARGO_PKG_VERSION"),
        executable_name: "supply-chain-node",
        data_dir_name: "supply-chain-node",
        runtimes: &[SUPPLY_RUNTIME],
        builtin_chain,
        benchmarks: wcme_cli::BenchmarkHooks::default(),
        new_subchain: None,
        register_subchain: Some(wcme_cli::RegistrationHooks {
            sign: sign_registration,
            top_up: main_chain::signing::signed_top_up,
            // No bridge in this runtime: no id to set.
            set_id: None,
            unit: main_chain::WCME,
        }),
        // Headers only: this runtime has no bridge pallets to sign for.
        relay: Some(wcme_relayer::RelaySigners {
            main: |relayer, call, nonce, genesis| {
                let call =
                    main_chain::RuntimeCall::CrossChain(wcme_relayer::calls::main_call(call)?);
                Ok(codec::Encode::encode(&main_chain::signing::sign(
                    relayer, call, nonce, genesis,
                )))
            },
            subchain: None,
        }),
        // The supply-chain runtime has no contracts pallet.
        contracts: &[],
        rpc_extensions: &[],
        // The business's own modules (an ERP bridge, a label printer feed) go here.
        extra_modules: Vec::new,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sp_core::Pair as _;

    #[test]
    fn built_in_chains_build_their_genesis() {
        for id in ["dev", "local"] {
            let spec = builtin_chain(id)
                .expect("built in")
                .expect("the preset builds");
            assert!(matches!(spec.consensus, ConsensusSpec::Pbft { .. }), "{id}");
            assert_eq!(spec.properties["tokenSymbol"], runtime::TOKEN_SYMBOL);
        }
        assert!(builtin_chain("subchain-dev").is_none());
    }

    #[test]
    fn the_registration_is_a_main_chain_extrinsic() {
        let owner = sp_core::sr25519::Pair::from_string("//Alice", None).expect("dev key");
        let registration = SubchainRegistration {
            name: "Supply Chain Local Testnet".into(),
            chain_id: "supply_chain_local".into(),
            symbol: "TRACE".into(),
            decimals: 12,
            consensus: 2,
            signature_scheme: 0,
            validators: vec![vec![1; 32]],
            genesis_hash: sp_core::H256::repeat_byte(9),
        };
        let bytes = sign_registration(&owner, &registration, 5, 3, sp_core::H256::zero());
        let xt = <main_chain::UncheckedExtrinsic as codec::Decode>::decode(&mut &bytes[..])
            .expect("decodes as a main-chain extrinsic");
        let main_chain::RuntimeCall::Subchains(pallet_wcme_subchains::Call::register {
            config,
            stake,
        }) = xt.function
        else {
            panic!("not Subchains::register");
        };
        assert_eq!(stake, 5);
        assert_eq!(config.chain_id, b"supply_chain_local".to_vec());
        assert_eq!(config.base_token.symbol, b"TRACE".to_vec());
        assert_eq!(config.genesis_hash, registration.genesis_hash);
    }
}
