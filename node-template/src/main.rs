//! `wcme-node`: the WCME main-chain node, which also runs the subchain runtime template.
//!
//! A node binary is small on purpose: it names its runtimes and its built-in chains and hands the
//! rest to `wcme-cli` and `wcme-service`. A business subchain forks this file and swaps the
//! runtime, the chain presets and, through `NodeBuilder`, any module.

use std::process::ExitCode;

use sp_core::crypto::AccountId32;
use sp_keyring::Sr25519Keyring;
use wcme_cli::{CliError, NewSubchain, NodeSpec, SubchainRegistration};
use wcme_executor::RuntimeDescriptor;
use wcme_runtime_main as runtime;
use wcme_runtime_subchain as subchain;
use wcme_service::{ChainSpec, ChainType, ConsensusSpec, Genesis, RuntimeGenesis};
use wcme_subchain_primitives::{C3nKey, ConsensusKind};

/// The main-chain runtime, compiled in: chains run it unless their spec names another.
const MAIN_RUNTIME: RuntimeDescriptor = RuntimeDescriptor {
    dispatch: runtime::dispatch,
    version: || runtime::VERSION,
};

/// The subchain runtime template (`"runtime": "wcme-subchain"` in a chain spec).
const SUBCHAIN_RUNTIME: RuntimeDescriptor = RuntimeDescriptor {
    dispatch: subchain::dispatch,
    version: || subchain::VERSION,
};

/// A built-in chain: its names, the runtime and preset its genesis comes from, its engine and
/// the token wallets show.
struct Builtin {
    name: &'static str,
    id: &'static str,
    chain_type: ChainType,
    runtime: RuntimeDescriptor,
    preset: &'static str,
    consensus: ConsensusSpec,
    token: (&'static str, u8, u16),
}

/// The built-in chains: `dev` (one node, Alice authors) and `local` (a Proof-of-Credit testnet of
/// four agents: Alice, Bob, Charlie, Dave) of the main chain, and `subchain-dev` (the subchain
/// template under Aura, Alice its one validator).
fn builtin_chain(id: &str) -> Option<Result<ChainSpec, CliError>> {
    let alice = format!("0x{}", hex::encode(Sr25519Keyring::Alice.public().0));
    let main_token = (
        runtime::TOKEN_SYMBOL,
        runtime::TOKEN_DECIMALS,
        runtime::SS58_PREFIX,
    );
    let builtin = match id {
        "dev" => Builtin {
            name: "Development",
            id: "dev",
            chain_type: ChainType::Development,
            runtime: MAIN_RUNTIME,
            preset: "development",
            consensus: ConsensusSpec::Dev {
                authority: alice,
                slot_duration_ms: runtime::MILLISECS_PER_BLOCK,
            },
            token: main_token,
        },
        // Proof-of-Credit among the preset's four agents; the slot length is the runtime's.
        "local" => Builtin {
            name: "Local Testnet",
            id: "local_testnet",
            chain_type: ChainType::Local,
            runtime: MAIN_RUNTIME,
            preset: "local_testnet",
            consensus: ConsensusSpec::Poc {},
            token: main_token,
        },
        "subchain-dev" => Builtin {
            name: "Subchain Development",
            id: "subchain_dev",
            chain_type: ChainType::Development,
            runtime: SUBCHAIN_RUNTIME,
            preset: "development",
            consensus: ConsensusSpec::Aura {
                slot_duration_ms: subchain::MILLISECS_PER_BLOCK,
            },
            token: (
                subchain::TOKEN_SYMBOL,
                subchain::TOKEN_DECIMALS,
                subchain::SS58_PREFIX,
            ),
        },
        _ => return None,
    };
    // Chains of the main runtime, the node's own, need not name it.
    let spec_name = (builtin.runtime.version)().spec_name.to_string();
    let runtime_name = (spec_name != runtime::VERSION.spec_name).then_some(spec_name);
    Some(
        builtin
            .runtime
            .preset(builtin.preset)
            .map_err(CliError::from)
            .map(|patch| ChainSpec {
                name: builtin.name.into(),
                id: builtin.id.into(),
                chain_type: builtin.chain_type,
                boot_nodes: Vec::new(),
                properties: properties(builtin.token),
                runtime: runtime_name,
                consensus: builtin.consensus,
                genesis: Genesis::RuntimeGenesis(RuntimeGenesis::Patch(patch)),
            }),
    )
}

/// Proof-of-work settings of a new subchain: a block every two slots, starting at a difficulty
/// a debug build mines in well under a slot, final six blocks deep.
const POW_TARGET_SLOTS: u64 = 2;
const POW_INITIAL_DIFFICULTY: u64 = 20_000;
const POW_FINALITY_DEPTH: u32 = 6;

/// `subchain new`: a business subchain on the subchain runtime template. Its engine and
/// validators are recorded in `ChainConfig` and the spec's `consensus` section names the same
/// engine (the node refuses a spec and genesis that disagree).
fn new_subchain(new: &NewSubchain) -> Result<ChainSpec, CliError> {
    let endowed = new
        .endowed
        .iter()
        .map(|(who, tokens)| {
            tokens
                .checked_mul(subchain::UNIT)
                .map(|amount| (who.clone(), amount))
                .ok_or_else(|| CliError::BadArgument(format!("--endow {who}: amount too large")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let validators = new
        .validators
        .iter()
        .map(|key| C3nKey::Sr25519(key.0))
        .collect();
    let mut genesis = subchain::genesis_config_presets::subchain_genesis(
        endowed,
        new.root.clone(),
        &new.symbol,
        new.consensus,
        // The CLI resolved `--sudo` and `--endow` to accounts of this scheme.
        new.account_scheme,
        validators,
    );
    if let Some(anchor) = &new.main_anchor {
        let light_client = &mut genesis.main_chain;
        light_client.genesis_hash = anchor.genesis_hash;
        light_client.checkpoint_number = anchor.number;
        light_client.checkpoint_hash = anchor.hash;
        light_client.checkpoint_state_root = anchor.state_root;
        light_client.round = anchor.round;
        light_client.voters = anchor.voters.clone();
        // The C3D: the main chain's C3Ns and the validators, if each side has its minimum
        // (a subchain with fewer validators cannot take transfers until root sets C3Ns).
        let subchain_c3ns: Vec<AccountId32> = new
            .validators
            .iter()
            .map(|key| AccountId32::from(key.0))
            .collect();
        let main_c3ns: Vec<AccountId32> =
            anchor.c3ns.iter().copied().map(AccountId32::from).collect();
        if main_c3ns.len() >= subchain::MIN_MAIN_C3NS as usize
            && subchain_c3ns.len() >= subchain::MIN_SUBCHAIN_C3NS as usize
        {
            genesis.cross_chain.main_c3ns = main_c3ns;
            genesis.cross_chain.subchain_c3ns = subchain_c3ns;
        } else {
            tracing::warn!(
                target: "cli",
                "No C3D at genesis: the main chain has {} C3Ns and the subchain {} validators, \
                 at least {} and {} are needed; root sets them with CrossChain::set_c3ns",
                main_c3ns.len(),
                subchain_c3ns.len(),
                subchain::MIN_MAIN_C3NS,
                subchain::MIN_SUBCHAIN_C3NS,
            );
        }
    }
    let config = serde_json::to_value(genesis)
        .map_err(|e| CliError::BadArgument(format!("genesis does not serialize: {e}")))?;
    let slot_duration_ms = new.slot_duration_ms;
    let consensus = match new.consensus {
        ConsensusKind::Aura => ConsensusSpec::Aura { slot_duration_ms },
        ConsensusKind::Pbft => ConsensusSpec::Pbft { slot_duration_ms },
        ConsensusKind::Pow => ConsensusSpec::Pow {
            slot_duration_ms,
            target_slots: POW_TARGET_SLOTS,
            initial_difficulty: POW_INITIAL_DIFFICULTY,
            finality_depth: POW_FINALITY_DEPTH,
        },
        ConsensusKind::Poc => {
            return Err(CliError::BadArgument(
                "the subchain template has no Proof-of-Credit pallet".into(),
            ));
        }
    };
    let symbol = new.symbol.as_str();
    Ok(ChainSpec {
        name: new.name.clone(),
        id: new.id.clone(),
        chain_type: ChainType::Live,
        boot_nodes: Vec::new(),
        properties: properties((symbol, subchain::TOKEN_DECIMALS, subchain::SS58_PREFIX)),
        runtime: Some(subchain::VERSION.spec_name.to_string()),
        consensus,
        genesis: Genesis::RuntimeGenesis(RuntimeGenesis::Config(config)),
    })
}

/// `subchain register`: `Subchains::register(config, stake)` signed by `owner` for the main
/// chain with `genesis`, the base token not listed as a smart asset.
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
        runtime::RuntimeCall::Subchains(pallet_wcme_subchains::Call::register { config, stake });
    codec::Encode::encode(&runtime::signing::sign(owner, call, nonce, genesis))
}

/// `subchain set-id`: `Sudo::sudo(CrossChain::set_subchain_id(id))` signed by the subchain's
/// root for the template's subchain runtime.
fn sign_set_subchain_id(
    sudo: &sp_core::sr25519::Pair,
    id: u32,
    nonce: u32,
    genesis: sp_core::H256,
) -> Vec<u8> {
    let set_id = subchain::RuntimeCall::CrossChain(
        pallet_wcme_cross_chain::subchain::Call::set_subchain_id { id },
    );
    let call = subchain::RuntimeCall::Sudo(pallet_sudo::Call::sudo {
        call: Box::new(set_id),
    });
    codec::Encode::encode(&subchain::signing::sign(sudo, call, nonce, genesis))
}

/// `relay`: the relayer's calls on the main chain, signed.
fn sign_main_relay_call(
    relayer: &sp_core::sr25519::Pair,
    call: wcme_relayer::MainCall<'_>,
    nonce: u32,
    genesis: sp_core::H256,
) -> Result<Vec<u8>, String> {
    let call = runtime::RuntimeCall::CrossChain(wcme_relayer::calls::main_call(call)?);
    Ok(codec::Encode::encode(&runtime::signing::sign(
        relayer, call, nonce, genesis,
    )))
}

/// `relay`: the relayer's calls on a subchain of the template's runtime, signed (sr25519
/// accounts).
fn sign_subchain_relay_call(
    relayer: &sp_core::sr25519::Pair,
    call: wcme_relayer::SubchainCall<'_>,
    nonce: u32,
    genesis: sp_core::H256,
) -> Result<Vec<u8>, String> {
    use wcme_relayer::calls::BridgeCall;
    let call = match wcme_relayer::calls::subchain_call(call)? {
        BridgeCall::MainChain(call) => subchain::RuntimeCall::MainChain(call),
        BridgeCall::CrossChain(call) => subchain::RuntimeCall::CrossChain(call),
    };
    Ok(codec::Encode::encode(&subchain::signing::sign(
        relayer, call, nonce, genesis,
    )))
}

/// `contract deploy | call`: the contracts pallet's call of runtime `R` for `tx`.
fn contracts_call<R: pallet_wcme_contracts::Config<AccountId = sp_core::crypto::AccountId32>>(
    tx: &wcme_cli::ContractTx,
) -> pallet_wcme_contracts::Call<R> {
    use pallet_wcme_contracts::Call;
    match tx.clone() {
        wcme_cli::ContractTx::UploadCode {
            code,
            storage_deposit_limit,
        } => Call::upload_code {
            code,
            storage_deposit_limit,
        },
        wcme_cli::ContractTx::Instantiate {
            code_hash,
            value,
            gas_limit,
            data,
            salt,
        } => Call::instantiate {
            code_hash,
            value,
            gas_limit,
            data,
            salt,
        },
        wcme_cli::ContractTx::Call {
            dest,
            value,
            gas_limit,
            data,
        } => Call::call {
            dest: dest.into(),
            value,
            gas_limit,
            data,
        },
    }
}

/// Runtime `R`'s contract address derivation.
fn contract_address<R: pallet_wcme_contracts::Config<AccountId = sp_core::crypto::AccountId32>>(
    deployer: &[u8; 32],
    code_hash: &[u8; 32],
    salt: &[u8],
) -> [u8; 32] {
    let address =
        pallet_wcme_contracts::Pallet::<R>::contract_address(&(*deployer).into(), code_hash, salt);
    *address.as_ref()
}

/// Checks contract `code` as runtime `R`'s `Contracts::upload_code` will (its `MaxCodeLen`, and
/// the VM's validation with its schedule) before a wallet pays to upload it: the code hash, or
/// why the chain would refuse it.
fn check_contract_code<R: pallet_wcme_contracts::Config>(code: &[u8]) -> Result<[u8; 32], String> {
    let vm = pallet_wcme_contracts::Pallet::<R>::vm()
        .map_err(|error| format!("the contract VM is unavailable: {error:?}"))?;
    pallet_wcme_contracts::Pallet::<R>::check_code(vm, code).map_err(|error| error.to_string())
}

/// The storage key of runtime `R`'s `Contracts::CodeInfoOf[code_hash]`: present once uploaded.
fn contract_code_key<R: pallet_wcme_contracts::Config>(code_hash: &[u8; 32]) -> Vec<u8> {
    pallet_wcme_contracts::CodeInfoOf::<R>::hashed_key_for(code_hash)
}

/// Token properties wallets read through `system_properties`: symbol, decimals, SS58 prefix.
fn properties(
    (symbol, decimals, ss58): (&str, u8, u16),
) -> serde_json::Map<String, serde_json::Value> {
    let mut properties = serde_json::Map::new();
    properties.insert("ss58Format".into(), ss58.into());
    properties.insert("tokenDecimals".into(), decimals.into());
    properties.insert("tokenSymbol".into(), symbol.into());
    properties
}

fn main() -> ExitCode {
    wcme_cli::run(NodeSpec {
        impl_name: "WCME Node",
        impl_version: env!("CARGO_PKG_VERSION"),
        executable_name: "wcme-node",
        data_dir_name: "wcme-node",
        runtimes: &[MAIN_RUNTIME, SUBCHAIN_RUNTIME],
        builtin_chain,
        // The runtime's workloads for `benchmark transfers` / `swaps` and, when built with
        // `--features runtime-benchmarks`, its pallet benchmarks for `benchmark pallet`.
        benchmarks: wcme_cli::BenchmarkHooks {
            transfers: &[
                wcme_cli::RuntimeTransfers {
                    spec_name: runtime::SPEC_NAME,
                    sign: runtime::signing::signed_transfer,
                    check_events: runtime::signing::check_block_events,
                },
                wcme_cli::RuntimeTransfers {
                    spec_name: subchain::SPEC_NAME,
                    sign: subchain::signing::signed_transfer,
                    check_events: subchain::signing::check_block_events,
                },
            ],
            swaps: Some(wcme_cli::SwapSigner {
                setup: runtime::signing::swap_setup,
                swap: runtime::signing::signed_swap,
            }),
            pallets: runtime::benchmarks::DISPATCH,
            bridge: Some(|sender, subchain, dest, amount, nonce, genesis| {
                let call = runtime::RuntimeCall::CrossChain(
                    pallet_wcme_cross_chain::Call::transfer_to_subchain {
                        subchain,
                        dest,
                        amount,
                    },
                );
                codec::Encode::encode(&runtime::signing::sign(sender, call, nonce, genesis))
            }),
        },
        new_subchain: Some(new_subchain),
        register_subchain: Some(wcme_cli::RegistrationHooks {
            sign: sign_registration,
            top_up: runtime::signing::signed_top_up,
            set_id: Some(sign_set_subchain_id),
            unit: runtime::WCME,
        }),
        relay: Some(wcme_relayer::RelaySigners {
            main: sign_main_relay_call,
            subchain: Some(sign_subchain_relay_call),
        }),
        contracts: &[
            wcme_cli::ContractHooks {
                spec_name: runtime::SPEC_NAME,
                sign: |signer, tx, nonce, genesis| {
                    let call = runtime::RuntimeCall::Contracts(contracts_call(tx));
                    codec::Encode::encode(&runtime::signing::sign(signer, call, nonce, genesis))
                },
                address: contract_address::<runtime::Runtime>,
                outcome: runtime::signing::extrinsic_outcome,
                check_code: check_contract_code::<runtime::Runtime>,
                code_key: contract_code_key::<runtime::Runtime>,
            },
            wcme_cli::ContractHooks {
                spec_name: subchain::SPEC_NAME,
                sign: |signer, tx, nonce, genesis| {
                    let call = subchain::RuntimeCall::Contracts(contracts_call(tx));
                    codec::Encode::encode(&subchain::signing::sign(signer, call, nonce, genesis))
                },
                address: contract_address::<subchain::Runtime>,
                outcome: subchain::signing::extrinsic_outcome,
                check_code: check_contract_code::<subchain::Runtime>,
                code_key: contract_code_key::<subchain::Runtime>,
            },
        ],
        rpc_extensions: &[
            wcme_smart_assets_rpc::rpc_module,
            wcme_poc_rpc::rpc_module,
            wcme_subchains_rpc::rpc_module,
            wcme_cross_chain_rpc::rpc_module,
            wcme_contracts_rpc::rpc_module,
        ],
        // A business subchain returns its own modules here.
        extra_modules: Vec::new,
    })
}
