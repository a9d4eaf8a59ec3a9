//! `benchmark bridge`: WCME moved from a Proof-of-Credit main chain to a PBFT subchain through
//! the relayer, all real nodes on 127.0.0.1.
//!
//! It starts a main chain of two validator nodes (`local` with its first two agents and 1 s
//! slots, the senders endowed), makes a PBFT subchain of two validators anchored on it (as
//! `subchain new --main-anchor`), starts its two nodes, registers it and sets its id (as
//! `subchain register` and `subchain set-id`), runs two relay modules in this process (Alice's
//! and Bob's, the C3D's two C3Ns, which broadcast and attest the batches), and sends
//! the transfers (`CrossChain::transfer_to_subchain`, 1 WCME each, each sender to itself on the
//! subchain) to main node 0. It follows the main chain's sent messages
//! (`CrossChainApi_next_outbound_seq`) and the subchain's received ones
//! (`SubchainBridgeApi_next_inbound_seq`) in the nodes' best blocks every 50 ms, and reports
//! the time from lock (a main-chain block holds the message) to mint (a subchain block holds
//! the minted WCME), and messages per second from the first lock to the last mint.

use std::{
    path::Path,
    time::{Duration, Instant},
};

use codec::Encode;
use jsonrpsee::http_client::HttpClient;
use serde_json::{Value, json};
use sp_core::{Pair as _, crypto::AccountId32, sr25519};
use wcme_module::ModuleManager;
use wcme_primitives::{Hash, WCME};
use wcme_relayer::{
    RelayerConfig,
    module::{RelayModule, RelaySettings},
    rpc::{connect, request},
};
use wcme_service::{ChainSpec, Genesis, RuntimeGenesis};
use wcme_subchain_primitives::{ConsensusKind, SignatureScheme};

use super::{hook, throughput::bench_keys};
use crate::register::state_call;
use crate::{
    NodeSpec,
    cli::BridgeBenchmarkCmd,
    error::CliError,
    localnet::{LocalNetwork, NetworkPlan},
    subchain::NewSubchain,
};

/// How the benchmark names the nodes in RPC errors.
const RPC: &str = "benchmark bridge";
/// How often the chains' sequence numbers are read.
const POLL: Duration = Duration::from_millis(50);
/// How long the chains may take to start, finalize and register the subchain.
const START_TIMEOUT: Duration = Duration::from_secs(120);
/// How long each transfer may add to the run before it is called stuck.
const TIME_PER_TRANSFER: Duration = Duration::from_millis(200);
/// WCME each transfer moves.
const AMOUNT: u128 = WCME;
/// The subchain's gas stake: far more than the run's header and message fees.
const STAKE: u128 = 10_000 * WCME;

/// What `benchmark bridge` measured.
#[derive(Debug)]
pub(crate) struct BridgeReport {
    transfers: usize,
    senders: usize,
    subchain: u32,
    /// Lock → mint of each message, sorted.
    latencies: Vec<Duration>,
    /// From the first lock to the last mint.
    span: Duration,
}

impl std::fmt::Display for BridgeReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = |q: usize| {
            let index = self.latencies.len().saturating_sub(1).saturating_mul(q) / 100;
            self.latencies.get(index).copied().unwrap_or_default()
        };
        let per_second = self.transfers as f64 / self.span.as_secs_f64().max(f64::EPSILON);
        writeln!(
            f,
            "bridge: {} transfers main → subchain {} from {} senders (POC main chain, 2 nodes; \
             PBFT subchain, 2 nodes; 1 s slots; two relayers, the C3Ns)",
            self.transfers, self.subchain, self.senders
        )?;
        writeln!(
            f,
            "  messages: {per_second:.1}/s (first lock to last mint: {:.2} s)",
            self.span.as_secs_f64()
        )?;
        write!(
            f,
            "  lock → mint: p50 {:.2} s, p95 {:.2} s, max {:.2} s",
            at(50).as_secs_f64(),
            at(95).as_secs_f64(),
            at(100).as_secs_f64()
        )
    }
}

/// Runs the benchmark with its nodes' databases and logs under `dir`.
pub(crate) fn run(
    spec: &NodeSpec,
    cmd: &BridgeBenchmarkCmd,
    dir: &Path,
) -> Result<BridgeReport, CliError> {
    let transfer = hook(spec.benchmarks.bridge, "WCME transfers to a subchain")?;
    let build = hook(spec.new_subchain, "a subchain runtime")?;
    let registration = hook(spec.register_subchain, "main-chain registration")?;
    let set_id = hook(registration.set_id, "a subchain with a bridge")?;
    let signers = hook(spec.relay, "the relayer's calls")?;
    hook(signers.subchain, "the relayer's subchain calls")?;
    super::positive(&[("--transfers", cmd.transfers), ("--senders", cmd.senders)])?;
    let transfers = super::count(cmd.transfers);
    let senders = bench_keys("wcme-bench-bridge", super::count(cmd.senders));
    let alice = dev_pair("//Alice")?;
    let bob = dev_pair("//Bob")?;

    // The main chain: Alice's and Bob's nodes.
    let main_spec = main_spec(spec, &senders)?;
    let mut main = start(dir, "main", &main_spec, cmd.port, cmd.rpc_port)?;
    let main_url = first_url(&main)?;
    let main_client = connect(RPC, &main_url)?;
    crate::block_on(until("the main chain finalizes", &mut main, async || {
        Ok(finalized_number(&main_client).await? >= 2)
    }))?;

    // The subchain, anchored on the main chain's final block.
    let new = NewSubchain {
        name: "Bench Bridge".into(),
        id: "bench_bridge_sub".into(),
        symbol: "BRB".into(),
        validators: vec![alice.public(), bob.public()],
        account_scheme: SignatureScheme::Sr25519,
        root: AccountId32::from(alice.public().0),
        endowed: vec![
            (AccountId32::from(alice.public().0), 1_000),
            (AccountId32::from(bob.public().0), 1_000),
        ],
        consensus: ConsensusKind::Pbft,
        slot_duration_ms: 1_000,
        main_anchor: Some(crate::subchain::read_main_anchor(&main_url)?),
    };
    let sub_spec = crate::subchain::build_spec(spec, build, &new)?;
    let port = |base: u16| {
        base.checked_add(10)
            .ok_or_else(|| CliError::BadArgument(format!("port {base} + 10 exceeds 65535")))
    };
    let mut subchain = start(
        dir,
        "subchain",
        &sub_spec,
        port(cmd.port)?,
        port(cmd.rpc_port)?,
    )?;
    let sub_url = first_url(&subchain)?;
    let sub_client = connect(RPC, &sub_url)?;
    crate::block_on(until("the subchain produces", &mut subchain, async || {
        let header: Value = request(&sub_client, RPC, "chain_getHeader", vec![]).await?;
        Ok(header["number"] != "0x0")
    }))?;

    // Registered, its id set, relayed.
    let described = crate::register::describe(spec, &sub_spec)?;
    let id = crate::block_on(crate::register::submit(
        &main_url,
        &alice,
        &described,
        STAKE,
        registration.sign,
    ))?;
    let id = u32::try_from(id)
        .map_err(|_| CliError::Benchmark(format!("subchain id {id} is not a u32")))?;
    crate::block_on(crate::register::set_subchain_id(
        &sub_url, id, &alice, set_id,
    ))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(CliError::io("starting the async runtime"))?;
    // Two relayers, Alice's and Bob's: the C3D's C3Ns (the main chain's and the validators),
    // one broadcasting each batch and the other attesting it.
    let mut relayers = Vec::new();
    for key in [alice, bob] {
        let mut modules = ModuleManager::new(runtime.handle().clone());
        modules.register(Box::new(RelayModule::new(RelaySettings {
            main_url: main_url.clone(),
            subchain_url: sub_url.clone(),
            key,
            signers,
            config: RelayerConfig::for_subchain(id),
            metrics: None,
        })))?;
        modules.start_all()?;
        relayers.push(modules);
    }

    // The transfers, signed in advance, each sender's in nonce order.
    let genesis: Hash = crate::block_on(async {
        Ok(request(&main_client, RPC, "chain_getBlockHash", vec![0.into()]).await?)
    })?;
    let signed = super::throughput::round_robin(&senders, transfers, |sender, nonce| {
        transfer(sender, id, sender.public().0, AMOUNT, nonce, genesis)
    });
    let bar = super::throughput::progress(transfers as u64, "Minted", "transfers");
    let outcome = runtime.block_on(drive(&main_client, &sub_client, id, &signed, &bar));
    bar.finish_and_clear();
    for error in relayers.iter_mut().flat_map(ModuleManager::stop_all) {
        tracing::warn!(target: "benchmark", %error, "Stopping a relayer");
    }
    let (locked, minted) = match outcome {
        Ok(times) => times,
        Err(error) => {
            return Err(main.exited().or_else(|| subchain.exited()).unwrap_or(error));
        }
    };
    main.stop();
    subchain.stop();
    let mut latencies: Vec<Duration> = locked
        .iter()
        .zip(&minted)
        .map(|(lock, mint)| mint.saturating_duration_since(*lock))
        .collect();
    latencies.sort();
    let first_lock = locked.iter().min().copied();
    let last_mint = minted.iter().max().copied();
    let span = match (first_lock, last_mint) {
        (Some(first), Some(last)) => last.saturating_duration_since(first),
        _ => Duration::ZERO,
    };
    Ok(BridgeReport {
        transfers,
        senders: senders.len(),
        subchain: id,
        latencies,
        span,
    })
}

/// Sends `signed` to the main node and follows both chains until every message is minted;
/// when each message was locked and minted, by sequence number.
async fn drive(
    main: &HttpClient,
    sub: &HttpClient,
    id: u32,
    signed: &[Vec<u8>],
    bar: &indicatif::ProgressBar,
) -> Result<(Vec<Instant>, Vec<Instant>), CliError> {
    let first =
        state_call::<u64>(main, RPC, "CrossChainApi_next_outbound_seq", &id.encode()).await?;
    for extrinsic in signed {
        let _: Hash = request(
            main,
            RPC,
            "author_submitExtrinsic",
            vec![format!("0x{}", hex::encode(extrinsic)).into()],
        )
        .await?;
    }
    let total = signed.len();
    let mut locked = Vec::with_capacity(total);
    let mut minted = Vec::with_capacity(total);
    let deadline = Instant::now()
        + START_TIMEOUT
        + TIME_PER_TRANSFER.saturating_mul(u32::try_from(total).unwrap_or(u32::MAX));
    while minted.len() < total {
        if Instant::now() > deadline {
            return Err(CliError::Benchmark(format!(
                "only {} of {total} transfers locked and {} minted before the deadline",
                locked.len(),
                minted.len()
            )));
        }
        let now = Instant::now();
        let sent = state_call::<u64>(main, RPC, "CrossChainApi_next_outbound_seq", &id.encode())
            .await?
            .saturating_sub(first);
        while (locked.len() as u64) < sent.min(total as u64) {
            locked.push(now);
        }
        let received = state_call::<u64>(sub, RPC, "SubchainBridgeApi_next_inbound_seq", &[])
            .await?
            .saturating_sub(first);
        while (minted.len() as u64) < received.min(locked.len() as u64) {
            minted.push(now);
            bar.inc(1);
        }
        tokio::time::sleep(POLL).await;
    }
    Ok((locked, minted))
}

/// The `local` chain with its first two agents and 1 s slots, the senders endowed.
fn main_spec(spec: &NodeSpec, senders: &[sr25519::Pair]) -> Result<ChainSpec, CliError> {
    let mut chain_spec = super::throughput::bench_spec(spec, "local", senders, &[])?;
    chain_spec.id = "bench_bridge_main".into();
    let Genesis::RuntimeGenesis(RuntimeGenesis::Patch(config) | RuntimeGenesis::Config(config)) =
        &mut chain_spec.genesis
    else {
        return Err(CliError::Benchmark(
            "the local chain has no runtime genesis".into(),
        ));
    };
    let poc = config
        .get_mut("poc")
        .and_then(Value::as_object_mut)
        .ok_or_else(|| CliError::Benchmark("the local chain has no `poc` genesis".into()))?;
    let agents: Vec<Value> = poc
        .get("agents")
        .and_then(Value::as_array)
        .map(|agents| agents.iter().take(2).cloned().collect())
        .unwrap_or_default();
    if agents.len() < 2 {
        return Err(CliError::Benchmark(
            "the local chain has fewer than two agents".into(),
        ));
    }
    poc.insert("agents".into(), json!(agents));
    poc.insert("slotDurationMs".into(), json!(1_000));
    Ok(chain_spec)
}

/// Writes `chain_spec` under `dir/<name>` and starts its two validator nodes.
fn start(
    dir: &Path,
    name: &str,
    chain_spec: &ChainSpec,
    port: u16,
    rpc_port: u16,
) -> Result<LocalNetwork, CliError> {
    let chain_dir = dir.join(name);
    std::fs::create_dir_all(&chain_dir).map_err(CliError::io("creating a chain's directory"))?;
    let spec_path = chain_dir.join("spec.json");
    std::fs::write(&spec_path, chain_spec.to_json()).map_err(CliError::io("writing a spec"))?;
    let spec_arg = spec_path
        .to_str()
        .ok_or_else(|| CliError::BadArgument(format!("{} is not UTF-8", spec_path.display())))?;
    LocalNetwork::start(&NetworkPlan {
        chain: spec_arg,
        base_path: &chain_dir,
        label: &chain_spec.id,
        nodes: 2,
        validators: 2,
        port,
        rpc_port,
        prometheus_port: None,
        node_args: &["--no-mdns".to_owned()],
    })
}

fn first_url(network: &LocalNetwork) -> Result<String, CliError> {
    network
        .rpc_urls()
        .into_iter()
        .next()
        .ok_or_else(|| CliError::Benchmark("a network without nodes".into()))
}

fn dev_pair(uri: &str) -> Result<sr25519::Pair, CliError> {
    sr25519::Pair::from_string(uri, None).map_err(|e| CliError::Benchmark(format!("{uri}: {e:?}")))
}

/// Waits until `done` holds, at most [`START_TIMEOUT`]; a node of `network` that exits ends the
/// wait with its error.
async fn until(
    what: &str,
    network: &mut LocalNetwork,
    done: impl AsyncFn() -> Result<bool, CliError>,
) -> Result<(), CliError> {
    let deadline = Instant::now() + START_TIMEOUT;
    loop {
        if let Some(exited) = network.exited() {
            return Err(exited);
        }
        // A node still starting refuses connections: not an error yet.
        if done().await.unwrap_or(false) {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(CliError::Benchmark(format!(
                "{what}: not within {START_TIMEOUT:?}"
            )));
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

async fn finalized_number(client: &HttpClient) -> Result<u32, CliError> {
    let hash: Value = request(client, RPC, "chain_getFinalizedHead", vec![]).await?;
    let header: Value = request(client, RPC, "chain_getHeader", vec![hash]).await?;
    header["number"]
        .as_str()
        .and_then(|hex| u32::from_str_radix(hex.trim_start_matches("0x"), 16).ok())
        .ok_or_else(|| CliError::Rpc("chain_getHeader: no number".into()))
}
