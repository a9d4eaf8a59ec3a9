//! The command-line interface every WCME node binary shares.
//!
//! A node binary (see `node-template/`) describes itself with a [`NodeSpec`] — its runtime, its
//! built-in chains — and calls [`run`]. Everything else, from argument parsing with Substrate's
//! flag names to the `build-spec`, `key`, `purge-chain`, `export-blocks`, `import-blocks`,
//! `benchmark`, `relay`, `subchain` and `contract` subcommands, lives here so that every
//! business subchain forked from the template behaves the same way for its operators.

mod benchmark;
mod blocks;
mod cli;
mod contract;
mod error;
mod key;
mod localnet;
mod logging;
mod register;
mod relay;
mod run;
mod subchain;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};
use wcme_executor::RuntimeDescriptor;
use wcme_service::ChainSpec;

pub use benchmark::{
    BENCH_FUNDER_BALANCE, BENCH_SENDER_BALANCE, BenchmarkHooks, BridgeTransferSigner, EventCheck,
    PalletBenchmarkDispatch, RuntimeTransfers, SwapSetupSigner, SwapSigner, TransferSigner,
};
pub use cli::{
    BenchmarkCmd, Cli, Command, ContractBuildCmd, ContractCallCmd, ContractClientParams,
    ContractCmd, ContractDeployCmd, KeyCmd, KeystoreParams, LocalnetCmd, PalletBenchmarkCmd,
    RelayCmd, RunCmd, SharedParams, SubchainCmd, SubchainNewCmd, SubchainRegisterCmd,
    SubchainTopUpCmd,
};
pub use contract::{
    CodeCheck, ContractAddress, ContractHooks, ContractTx, ContractTxSigner, ExtrinsicOutcome,
};
pub use error::CliError;
pub use register::{
    RegistrationHooks, RegistrationSigner, SetIdSigner, SubchainRegistration, TopUpSigner,
};
pub use subchain::{MainAnchor, NewSubchain};

/// Turns the arguments of `subchain new` into a chain spec on the node's subchain runtime.
pub type SubchainSpecBuilder = fn(&NewSubchain) -> Result<ChainSpec, CliError>;

/// What a node binary tells the CLI about itself.
#[derive(Clone, Copy)]
pub struct NodeSpec {
    /// `system_name`, e.g. `WCME Node`.
    pub impl_name: &'static str,
    /// `system_version`, and what `--version` prints.
    pub impl_version: &'static str,
    /// The binary's name in `--help` and `--version`.
    pub executable_name: &'static str,
    /// Directory name under the platform data directory for the default base path.
    pub data_dir_name: &'static str,
    /// The compiled-in runtimes. The first is the node's own: chain specs without a `runtime`
    /// field run it, and the `benchmark` subcommands measure it. A chain spec's `runtime`
    /// names another by its `spec_name` (the main node also runs the subchain template).
    pub runtimes: &'static [RuntimeDescriptor],
    /// The built-in chain specs by id (`dev`, `local`, …).
    pub builtin_chain: fn(&str) -> Option<Result<ChainSpec, CliError>>,
    /// What the first runtime supplies to the `benchmark` subcommands (signed workloads,
    /// pallet benchmarks); `BenchmarkHooks::default()` disables them.
    pub benchmarks: BenchmarkHooks,
    /// How `subchain new` turns its arguments into a chain spec on the node's subchain runtime;
    /// `None` if the node has none.
    pub new_subchain: Option<SubchainSpecBuilder>,
    /// How `subchain register` and `subchain top-up` sign for the main chain; `None` if the node
    /// has no main-chain runtime.
    pub register_subchain: Option<RegistrationHooks>,
    /// How `relay` signs its calls on the main chain (headers for audit, subchain → main
    /// messages, settlements) and on the subchain (main-chain headers, main → subchain
    /// messages, settlements); `None` if the node lacks either runtime.
    pub relay: Option<wcme_relayer::RelaySigners>,
    /// How `contract build | deploy | call` and `benchmark contracts` sign the contracts
    /// pallet's calls and read their outcome, per runtime that has the pallet (`contract` picks
    /// the entry of the chain's runtime, `build` and `benchmark` the node's own runtime's).
    pub contracts: &'static [ContractHooks],
    /// Extra JSON-RPC methods (e.g. the runtime's `wcme_*` namespace).
    pub rpc_extensions: &'static [wcme_service::RpcExtension],
    /// The business's own modules, loaded after the node's (they may depend on `chain`,
    /// `txpool` and `rpc`).
    pub extra_modules: fn() -> Vec<Box<dyn wcme_module::Module>>,
}

impl NodeSpec {
    /// The node's own runtime: the first of [`NodeSpec::runtimes`].
    pub fn default_runtime(&self) -> Result<RuntimeDescriptor, CliError> {
        self.runtimes.first().copied().ok_or(CliError::NoRuntime)
    }

    /// The runtime `chain` runs: the one its `runtime` field names, else the node's own.
    pub fn runtime_for(&self, chain: &ChainSpec) -> Result<RuntimeDescriptor, CliError> {
        let Some(name) = &chain.runtime else {
            return self.default_runtime();
        };
        self.runtimes
            .iter()
            .find(|runtime| (runtime.version)().spec_name == name.as_str())
            .copied()
            .ok_or_else(|| CliError::UnknownRuntime {
                name: name.clone(),
                known: self
                    .runtimes
                    .iter()
                    .map(|runtime| (runtime.version)().spec_name.to_string())
                    .collect(),
            })
    }
}

/// Parses the command line and runs the node or a subcommand.
pub fn run(spec: NodeSpec) -> ExitCode {
    let matches = Cli::command()
        .name(spec.executable_name)
        .bin_name(spec.executable_name)
        .version(spec.impl_version)
        .get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(error) => error.exit(),
    };
    let log = match &cli.subcommand {
        None => cli.run.shared.log.clone(),
        Some(Command::BuildSpec(cmd)) => cmd.shared.log.clone(),
        Some(Command::PurgeChain(cmd)) => cmd.shared.log.clone(),
        Some(Command::ExportBlocks(cmd)) => cmd.shared.log.clone(),
        Some(Command::ImportBlocks(cmd)) => cmd.shared.log.clone(),
        Some(Command::Relay(cmd)) => cmd.log.clone(),
        Some(Command::Key(_))
        | Some(Command::Benchmark(_))
        | Some(Command::Localnet(_))
        | Some(Command::Subchain(_))
        | Some(Command::Contract(_)) => Vec::new(),
    };
    if let Err(error) = logging::init(&log) {
        eprintln!("Error: {error}");
        return ExitCode::from(2);
    }
    std::panic::set_hook(Box::new(|info| {
        if wcme_executor::in_runtime_call() {
            // The runtime rejects bad blocks and calls by panicking; the executor turns that
            // into an error that is reported where it is handled.
            tracing::debug!(target: "runtime", "runtime panicked: {info}");
        } else {
            tracing::error!(target: "wcme", "panic: {info}");
            eprintln!("panic: {info}");
        }
    }));
    let result = match cli.subcommand {
        None => run::run_node(&spec, &cli.run),
        Some(Command::BuildSpec(cmd)) => blocks::build_spec(&spec, &cmd),
        Some(Command::Key(cmd)) => key::run(&spec, &cmd, &mut std::io::stdout()),
        Some(Command::PurgeChain(cmd)) => blocks::purge_chain(&spec, &cmd),
        Some(Command::ExportBlocks(cmd)) => blocks::export_blocks(&spec, &cmd),
        Some(Command::ImportBlocks(cmd)) => blocks::import_blocks(&spec, &cmd),
        Some(Command::Benchmark(cmd)) => benchmark::run(&spec, &cmd),
        Some(Command::Localnet(cmd)) => localnet::run(&cmd),
        Some(Command::Subchain(SubchainCmd::New(cmd))) => subchain::new(&spec, &cmd),
        Some(Command::Subchain(SubchainCmd::Register(cmd))) => register::register(&spec, &cmd),
        Some(Command::Subchain(SubchainCmd::TopUp(cmd))) => register::top_up(&spec, &cmd),
        Some(Command::Subchain(SubchainCmd::SetId(cmd))) => register::set_id(&spec, &cmd),
        Some(Command::Relay(cmd)) => relay::relay(&spec, &cmd),
        Some(Command::Contract(cmd)) => contract::run(&spec, &cmd),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(target: "wcme", "{error}");
            eprintln!("Error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Runs `future` (a subcommand's RPC work) to completion on a runtime of its own: the CLI is
/// synchronous outside `run`.
pub(crate) fn block_on<T>(
    future: impl std::future::Future<Output = Result<T, CliError>>,
) -> Result<T, CliError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(CliError::io("starting the async runtime"))?
        .block_on(future)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wcme_service::{ChainType, ConsensusSpec, Genesis, RawGenesis};

    fn no_call(_: &str, _: &[u8]) -> Option<Vec<u8>> {
        None
    }

    const MAIN: RuntimeDescriptor = RuntimeDescriptor {
        dispatch: no_call,
        version: || sp_version::RuntimeVersion {
            spec_name: "main".into(),
            ..Default::default()
        },
    };

    const SUB: RuntimeDescriptor = RuntimeDescriptor {
        dispatch: no_call,
        version: || sp_version::RuntimeVersion {
            spec_name: "sub".into(),
            ..Default::default()
        },
    };

    fn node(runtimes: &'static [RuntimeDescriptor]) -> NodeSpec {
        NodeSpec {
            impl_name: "test",
            impl_version: "0",
            executable_name: "test-node",
            data_dir_name: "test-node",
            runtimes,
            builtin_chain: |_| None,
            benchmarks: BenchmarkHooks::default(),
            new_subchain: None,
            register_subchain: None,
            relay: None,
            contracts: &[],
            rpc_extensions: &[],
            extra_modules: Vec::new,
        }
    }

    fn chain(runtime: Option<&str>) -> ChainSpec {
        ChainSpec {
            name: "Test".into(),
            id: "test".into(),
            chain_type: ChainType::Development,
            boot_nodes: Vec::new(),
            properties: Default::default(),
            runtime: runtime.map(Into::into),
            consensus: ConsensusSpec::Poc {},
            genesis: Genesis::Raw(RawGenesis::default()),
        }
    }

    fn spec_name(runtime: Result<RuntimeDescriptor, CliError>) -> String {
        (runtime.expect("a runtime").version)()
            .spec_name
            .to_string()
    }

    #[test]
    fn a_chain_runs_the_runtime_it_names_or_the_nodes_own() {
        let two = node(&[MAIN, SUB]);
        assert_eq!(spec_name(two.runtime_for(&chain(None))), "main");
        assert_eq!(spec_name(two.runtime_for(&chain(Some("sub")))), "sub");
        assert_eq!(spec_name(two.runtime_for(&chain(Some("main")))), "main");
        match two.runtime_for(&chain(Some("other"))) {
            Err(CliError::UnknownRuntime { name, known }) => {
                assert_eq!(name, "other");
                assert_eq!(known, ["main", "sub"]);
            }
            other => panic!("expected UnknownRuntime, got {:?}", other.map(|_| ())),
        }
        assert!(matches!(
            node(&[]).runtime_for(&chain(None)),
            Err(CliError::NoRuntime)
        ));
    }
}
