//! `benchmark` subcommands.
//!
//! - `transfers` and `swaps`: signed extrinsics through block production and through a full
//!   re-executing import into a fresh RocksDB database, on one harness ([`throughput`]); the node
//!   binary signs the workloads through [`BenchmarkHooks`], since only it knows its runtime's
//!   calls and extrinsic format. `transfers --chain local` runs the same workload through the
//!   Proof-of-Credit engine instead of the dev engine.
//! - `contracts`: the example token contract's (`examples/contracts/token/token.c`) `transfer`
//!   calls, and with `--instantiations` its instantiation, on the same harness ([`contracts`]),
//!   signed through the node's [`ContractHooks`](crate::ContractHooks); compare with
//!   `transfers`.
//! - `pallet` (feature `runtime-benchmarks`): the runtime's FRAME pallet benchmarks, run natively
//!   on a genesis-built state, analysed like `frame-benchmarking-cli` does, and written out as a
//!   `weights.rs`.

mod bridge;
mod contracts;
mod network;
#[cfg(feature = "runtime-benchmarks")]
mod pallet;
#[cfg(feature = "runtime-benchmarks")]
mod state;
mod throughput;
#[cfg(feature = "runtime-benchmarks")]
mod weights;

use std::path::Path;

use sp_core::sr25519;
use wcme_primitives::{AccountId, Balance, Hash, Nonce, WCME};

use crate::{NodeSpec, cli::BenchmarkCmd, error::CliError};

/// Signs a `transfer_keep_alive(to, amount)` from `from` with `nonce`, immortal, for the chain
/// with `genesis`; returns the encoded extrinsic.
pub type TransferSigner = fn(
    from: &sr25519::Pair,
    to: &AccountId,
    amount: Balance,
    nonce: Nonce,
    genesis: Hash,
) -> Vec<u8>;

/// Signs the extrinsics that prepare a chain for `benchmark swaps`, from nonce 0 of `funder`:
/// create the pools that swaps of `hops` hops go through and give each of `traders` what its
/// `swaps_per_trader` swaps spend. They are applied in untimed blocks before the measured ones.
/// `funder` holds [`BENCH_FUNDER_BALANCE`] at genesis, each trader [`BENCH_SENDER_BALANCE`].
pub type SwapSetupSigner = fn(
    funder: &sr25519::Pair,
    traders: &[AccountId],
    swaps_per_trader: u32,
    hops: u32,
    genesis: Hash,
) -> Vec<Vec<u8>>;

/// The swaps of `benchmark swaps`, signed with the runtime's own AMM calls.
#[derive(Clone, Copy)]
pub struct SwapSigner {
    /// The setup extrinsics.
    pub setup: SwapSetupSigner,
    /// One measured swap through `hops` pools (1 or 2), signed by `trader` with `nonce`.
    pub swap: fn(trader: &sr25519::Pair, hops: u32, nonce: Nonce, genesis: Hash) -> Vec<u8>,
}

/// Checks a block's `System::Events` storage value: `Err` describing an extrinsic that failed to
/// dispatch. Failed extrinsics are still included in a block (they pay fees), so without this a
/// benchmark could measure failures.
pub type EventCheck = fn(events: &[u8]) -> Result<(), String>;

/// `CrossChain::transfer_to_subchain(subchain, dest, amount)` signed by `sender` with `nonce`
/// for the main chain with `genesis`: the workload of `benchmark bridge`.
pub type BridgeTransferSigner = fn(
    sender: &sr25519::Pair,
    subchain: u32,
    dest: [u8; 32],
    amount: Balance,
    nonce: Nonce,
    genesis: Hash,
) -> Vec<u8>;

/// A runtime's `Benchmark` runtime API as a native dispatch function: `Benchmark_*` method name
/// and SCALE-encoded arguments in, SCALE-encoded result out.
pub type PalletBenchmarkDispatch = fn(method: &str, data: &[u8]) -> Option<Vec<u8>>;

/// One runtime's signed transfers and block check, for the transfer benchmarks.
#[derive(Clone, Copy)]
pub struct RuntimeTransfers {
    /// The runtime's `spec_name` (`RuntimeVersion::spec_name`).
    pub spec_name: &'static str,
    /// Signs a transfer in the runtime's extrinsic format.
    pub sign: TransferSigner,
    /// Checks that every extrinsic of one of the runtime's blocks dispatched successfully.
    pub check_events: EventCheck,
}

/// What a node's runtimes supply to the `benchmark` subcommands; a subchain node fills it from
/// its own runtime. A `None` (or a runtime missing from `transfers`) disables the subcommand
/// that needs it.
#[derive(Clone, Copy, Default)]
pub struct BenchmarkHooks {
    /// Transfers of each runtime the node runs: `benchmark transfers` and `swaps` use the node's
    /// own runtime's entry, `benchmark network` the entry of each chain's runtime.
    pub transfers: &'static [RuntimeTransfers],
    /// Signs the setup and the swaps of `benchmark swaps`.
    pub swaps: Option<SwapSigner>,
    /// The runtime's pallet benchmarks, for `benchmark pallet` (`None` unless the runtime was
    /// built with its `runtime-benchmarks` feature).
    pub pallets: Option<PalletBenchmarkDispatch>,
    /// Signs the transfers of `benchmark bridge` with the main runtime.
    pub bridge: Option<BridgeTransferSigner>,
}

/// The storage key of `System::Events`, the events of the block a state belongs to.
pub(crate) fn system_events_key() -> Vec<u8> {
    [
        sp_crypto_hashing::twox_128(b"System"),
        sp_crypto_hashing::twox_128(b"Events"),
    ]
    .concat()
}

/// WCME every benchmark sender or trader holds at genesis.
pub const BENCH_SENDER_BALANCE: Balance = 1_000_000 * WCME;
/// WCME the setup account of a workload (e.g. the issuer of the swap pools) holds at genesis.
pub const BENCH_FUNDER_BALANCE: Balance = 1_000_000_000 * WCME;

/// Runs a `benchmark` subcommand.
pub(crate) fn run(spec: &NodeSpec, cmd: &BenchmarkCmd) -> Result<(), CliError> {
    match cmd {
        BenchmarkCmd::Transfers {
            transfers,
            accounts,
            block_size,
            chain,
            base_path,
        } => {
            let signer = own_transfers(spec)?;
            let flags = [
                ("--transfers", *transfers),
                ("--accounts", *accounts),
                ("--block-size", *block_size),
            ];
            run_throughput(&flags, base_path.as_deref(), |dir| {
                throughput::transfers(
                    spec,
                    signer,
                    chain,
                    dir,
                    count(*transfers),
                    count(*accounts),
                    count(*block_size),
                )
            })
        }
        BenchmarkCmd::Swaps {
            swaps,
            accounts,
            hops,
            block_size,
            base_path,
        } => {
            let signer = hook(spec.benchmarks.swaps, "swaps to benchmark")?;
            let flags = [
                ("--swaps", *swaps),
                ("--accounts", *accounts),
                ("--block-size", *block_size),
            ];
            run_throughput(&flags, base_path.as_deref(), |dir| {
                let (swaps, accounts) = (count(*swaps), count(*accounts));
                throughput::swaps(
                    spec,
                    signer,
                    dir,
                    swaps,
                    accounts,
                    *hops,
                    count(*block_size),
                )
            })
        }
        BenchmarkCmd::Contracts {
            transfers,
            accounts,
            block_size,
            code,
            instantiations,
            base_path,
        } => {
            let own = spec.default_runtime()?;
            let hooks = hook(
                crate::contract::hooks_for(spec, &(own.version)().spec_name),
                "a contracts pallet",
            )?;
            let flags = [
                ("--transfers", *transfers),
                ("--accounts", *accounts),
                ("--block-size", *block_size),
            ];
            positive(&flags)?;
            let code = std::fs::read(code).map_err(CliError::io(format!(
                "reading the contract code {} (build the example token with \
                 `examples/contracts/build.sh`, or pass its module with --code)",
                code.display()
            )))?;
            let (accounts, block_size) = (count(*accounts), count(*block_size));
            let report = in_directory(base_path.as_deref(), |dir| {
                on_contract_stack(|| {
                    let mut report = contracts::transfers(
                        spec,
                        hooks,
                        &code,
                        &dir.join("transfers"),
                        count(*transfers),
                        accounts,
                        block_size,
                    )?
                    .to_string();
                    if *instantiations > 0 {
                        let instantiated = contracts::instantiations(
                            spec,
                            hooks,
                            &code,
                            &dir.join("instantiations"),
                            count(*instantiations),
                            accounts,
                            block_size,
                        )?;
                        report = format!("{report}\n\n{instantiated}");
                    }
                    Ok(report)
                })
            })?;
            println!("{report}");
            Ok(())
        }
        BenchmarkCmd::Pallet(cmd) => run_pallet(spec, cmd),
        BenchmarkCmd::Network(cmd) => {
            let report =
                in_directory(cmd.base_path.as_deref(), |dir| network::run(spec, cmd, dir))?;
            println!("{report}");
            Ok(())
        }
        BenchmarkCmd::Bridge(cmd) => {
            let report = in_directory(cmd.base_path.as_deref(), |dir| bridge::run(spec, cmd, dir))?;
            println!("{report}");
            Ok(())
        }
    }
}

/// The transfers of the node's own runtime, or [`CliError::BenchmarkUnavailable`].
fn own_transfers(spec: &NodeSpec) -> Result<RuntimeTransfers, CliError> {
    let runtime = spec.default_runtime()?;
    transfers_of(spec, &(runtime.version)().spec_name)
}

/// The transfers of the runtime `spec_name`, or [`CliError::BenchmarkUnavailable`].
fn transfers_of(spec: &NodeSpec, spec_name: &str) -> Result<RuntimeTransfers, CliError> {
    let found = spec
        .benchmarks
        .transfers
        .iter()
        .find(|hooks| hooks.spec_name == spec_name)
        .copied();
    hook(
        found,
        &format!("signed transfers for its runtime `{spec_name}`"),
    )
}

/// The hook a benchmark needs, or [`CliError::BenchmarkUnavailable`] naming `what` is missing.
fn hook<H>(hook: Option<H>, what: &str) -> Result<H, CliError> {
    hook.ok_or_else(|| {
        CliError::BenchmarkUnavailable(format!("this node's runtime does not provide {what}"))
    })
}

/// Checks that `flags` are positive, runs a throughput benchmark in `base_path` (or a temporary
/// directory deleted afterwards) and prints its report.
fn run_throughput(
    flags: &[(&str, u32)],
    base_path: Option<&Path>,
    run: impl FnOnce(&Path) -> Result<throughput::ThroughputReport, CliError>,
) -> Result<(), CliError> {
    positive(flags)?;
    let report = in_directory(base_path, run)?;
    println!("{report}");
    Ok(())
}

/// Runs `run` on a thread with the node's worker stack: contracts run natively on the thread
/// that builds or imports a block and need the Vm's `native_stack_required()` of it.
fn on_contract_stack<T: Send>(
    run: impl FnOnce() -> Result<T, CliError> + Send,
) -> Result<T, CliError> {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("wcme-bench".into())
            .stack_size(crate::run::NODE_THREAD_STACK)
            .spawn_scoped(scope, run)
            .map_err(CliError::io("starting the benchmark thread"))?
            .join()
            .map_err(|_| CliError::Benchmark("the benchmark thread panicked".into()))?
    })
}

/// Runs `run` in `base_path`, or in a temporary directory deleted afterwards.
fn in_directory<T>(
    base_path: Option<&Path>,
    run: impl FnOnce(&Path) -> Result<T, CliError>,
) -> Result<T, CliError> {
    match base_path {
        Some(path) => run(path),
        None => {
            let tmp = tempfile::Builder::new()
                .prefix("wcme-bench-")
                .tempdir()
                .map_err(CliError::io("creating the benchmark directory"))?;
            run(tmp.path())
        }
    }
}

#[cfg(feature = "runtime-benchmarks")]
fn run_pallet(spec: &NodeSpec, cmd: &crate::cli::PalletBenchmarkCmd) -> Result<(), CliError> {
    pallet::run(spec, cmd)
}

#[cfg(not(feature = "runtime-benchmarks"))]
fn run_pallet(_: &NodeSpec, _: &crate::cli::PalletBenchmarkCmd) -> Result<(), CliError> {
    Err(CliError::BenchmarkUnavailable(
        "this node was built without pallet benchmarks; build it with \
         `cargo build --release -p wcme-node --features runtime-benchmarks`"
            .into(),
    ))
}

/// [`CliError::BadArgument`] naming the flags that are zero.
fn positive(flags: &[(&str, u32)]) -> Result<(), CliError> {
    let zero: Vec<&str> = flags
        .iter()
        .filter(|(_, value)| *value == 0)
        .map(|(flag, _)| *flag)
        .collect();
    if zero.is_empty() {
        return Ok(());
    }
    let all: Vec<&str> = flags.iter().map(|(flag, _)| *flag).collect();
    Err(CliError::BadArgument(format!(
        "{} must be positive (got 0 for {})",
        all.join(", "),
        zero.join(", ")
    )))
}

fn count(value: u32) -> usize {
    usize::try_from(value).unwrap_or(usize::MAX)
}
