//! `benchmark network`: signed transfers through real networks of nodes on 127.0.0.1.
//!
//! For each chain it is given the benchmark writes the chain's spec with its sending accounts
//! endowed, starts a local network of this binary's nodes on it ([`LocalNetwork`], as
//! `localnet` does) and, once the network produces blocks, sends the chain's transfers over
//! JSON-RPC (`author_submitExtrinsic`, in batches, each account always to the same node so its
//! nonces arrive in order) while it follows node 0's best and finalized chain. Every chain runs
//! at the same time, so several chains on one machine share its cores. It reports, per chain and
//! added up, transfers per second into blocks and into final blocks, and each transfer's time
//! from submission to inclusion and to finality. A transfer counts only in a final block whose
//! events show it dispatched ([`RuntimeTransfers::check_events`]).

use std::{
    collections::{HashMap, HashSet, VecDeque},
    fmt,
    path::Path,
    time::{Duration, Instant},
};

use indicatif::ProgressBar;
use jsonrpsee::{
    core::{client::ClientT, params::BatchRequestBuilder},
    http_client::HttpClient,
};
use serde::Deserialize;
use serde_json::Value;
use sp_core::{crypto::AccountId32, sr25519};
use sp_runtime::traits::{BlakeTwo256, Hash as _};
use wcme_primitives::{AccountId, Hash, WCME};
use wcme_relayer::rpc::{connect, request};

use super::{
    RuntimeTransfers,
    throughput::{bench_keys, bench_spec, round_robin},
};
use crate::{
    NodeSpec,
    cli::NetworkBenchmarkCmd,
    error::CliError,
    localnet::{LocalNetwork, NetworkPlan},
};

/// How the benchmark names the nodes in RPC errors.
const RPC: &str = "benchmark network";
/// How often node 0's chain is read.
const POLL: Duration = Duration::from_millis(50);
/// Most transfers in one JSON-RPC batch request.
const SUBMIT_BATCH: usize = 256;
/// How long a network may take to start producing blocks.
const START_TIMEOUT: Duration = Duration::from_secs(120);
/// A transfer no block has this long after its sending is sent again, as is one not final
/// three times as long after it.
const STALE_AFTER: Duration = Duration::from_secs(20);
/// `author_submitExtrinsic`: the pool already holds the transaction.
const POOL_ALREADY_IMPORTED: i32 = 1013;
/// `author_submitExtrinsic`: the pool saw the transaction in a block a moment ago (it may be
/// resent if that block leaves the best chain and nothing includes it again).
const POOL_BANNED: i32 = 1012;
/// `author_submitExtrinsic`: the pool is full.
const POOL_IMMEDIATELY_DROPPED: i32 = 1016;
/// Time allowed per transfer, on top of [`START_TIMEOUT`], before a run is declared stuck.
const TIME_PER_TRANSFER: Duration = Duration::from_millis(20);

/// One chain's workload, ready to send.
struct ChainLoad {
    /// The chain as given on the command line.
    chain: String,
    engine: &'static str,
    transfers: RuntimeTransfers,
    senders: Vec<sr25519::Pair>,
    urls: Vec<String>,
}

/// The settings every chain's run shares.
#[derive(Clone, Copy)]
struct Settings {
    transfers: usize,
    in_flight: usize,
}

/// Runs `benchmark network` with its databases and logs under `dir`.
pub(super) fn run(
    spec: &NodeSpec,
    cmd: &NetworkBenchmarkCmd,
    dir: &Path,
) -> Result<NetworkReport, CliError> {
    super::positive(&[
        ("--transfers", cmd.transfers),
        ("--accounts", cmd.accounts),
        ("--in-flight", cmd.in_flight),
        ("--nodes", u32::from(cmd.nodes)),
    ])?;
    let settings = Settings {
        transfers: super::count(cmd.transfers),
        in_flight: super::count(cmd.in_flight),
    };
    let mut networks = Vec::new();
    let mut loads = Vec::new();
    for (index, chain) in cmd.chains.iter().enumerate() {
        let (network, load) = start_chain(spec, cmd, dir, index, chain)?;
        networks.push(network);
        loads.push(load);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(CliError::io("starting the async runtime"))?;
    let total = settings.transfers.saturating_mul(loads.len());
    let bar = super::throughput::progress(total as u64, "Final", "transfers");
    let mut outcomes = runtime.block_on(async {
        let mut runs = tokio::task::JoinSet::new();
        for (index, load) in loads.into_iter().enumerate() {
            let bar = bar.clone();
            runs.spawn(async move { (index, drive(load, settings, bar).await) });
        }
        let mut outcomes = Vec::new();
        while let Some(joined) = runs.join_next().await {
            outcomes.push(joined.map_err(|e| CliError::Benchmark(e.to_string()))?);
        }
        Ok::<_, CliError>(outcomes)
    })?;
    bar.finish_and_clear();
    outcomes.sort_by_key(|(index, _)| *index);
    let mut chains = Vec::new();
    for (_, outcome) in outcomes {
        match outcome {
            Ok(report) => chains.push(report),
            // A node that died explains a stuck or refused run better than the run's own error.
            Err(error) => {
                return Err(networks
                    .iter_mut()
                    .find_map(LocalNetwork::exited)
                    .unwrap_or(error));
            }
        }
    }
    Ok(NetworkReport {
        nodes: cmd.nodes,
        chains,
    })
}

/// Writes chain `index`'s spec under `dir` and starts its network.
fn start_chain(
    spec: &NodeSpec,
    cmd: &NetworkBenchmarkCmd,
    dir: &Path,
    index: usize,
    chain: &str,
) -> Result<(LocalNetwork, ChainLoad), CliError> {
    let senders = bench_keys(
        &format!("wcme-bench-network-{index}"),
        super::count(cmd.accounts),
    );
    let mut chain_spec = bench_spec(spec, chain, &senders, &[])?;
    chain_spec.id = format!("bench_{index}");
    let runtime = spec.runtime_for(&chain_spec)?;
    let transfers = super::transfers_of(spec, &(runtime.version)().spec_name)?;
    let chain_dir = dir.join(format!("chain-{index}"));
    std::fs::create_dir_all(&chain_dir).map_err(CliError::io("creating a chain's directory"))?;
    let spec_path = chain_dir.join("spec.json");
    let json = serde_json::to_vec_pretty(&chain_spec)
        .map_err(|e| CliError::Benchmark(format!("writing the spec of {chain}: {e}")))?;
    std::fs::write(&spec_path, json).map_err(CliError::io("writing a chain spec"))?;
    let spec_arg = spec_path
        .to_str()
        .ok_or_else(|| CliError::BadArgument(format!("{} is not UTF-8", spec_path.display())))?;
    let first_node = u16::try_from(index)
        .ok()
        .and_then(|index| index.checked_mul(cmd.nodes))
        .ok_or_else(|| CliError::BadArgument("too many chains and nodes for the ports".into()))?;
    let port = |base: u16, what: &str| {
        base.checked_add(first_node).ok_or_else(|| {
            CliError::BadArgument(format!("{what} {base} + {first_node} exceeds 65535"))
        })
    };
    let network = LocalNetwork::start(&NetworkPlan {
        chain: spec_arg,
        base_path: &chain_dir,
        label: &chain_spec.id,
        nodes: cmd.nodes,
        validators: cmd.nodes.min(4),
        port: port(cmd.port, "--port")?,
        rpc_port: port(cmd.rpc_port, "--rpc-port")?,
        prometheus_port: None,
        // The networks find each other through `--bootnodes`; mDNS would also have them meet
        // the other networks' nodes (and anything else on the host).
        node_args: &["--no-mdns".to_owned()],
    })?;
    // A spec file is shown by its name, a built-in chain by its id.
    let shown = Path::new(chain)
        .file_stem()
        .and_then(|stem| stem.to_str())
        .unwrap_or(chain);
    let load = ChainLoad {
        chain: shown.to_owned(),
        engine: chain_spec.consensus.engine_name(),
        transfers,
        senders,
        urls: network.rpc_urls(),
    };
    Ok((network, load))
}

/// When each transfer was sent, first seen in a best block, and seen final.
struct Timeline {
    submitted: Vec<Option<Instant>>,
    included: Vec<Option<Instant>>,
    finalized: Vec<Option<Instant>>,
    included_count: usize,
    finalized_count: usize,
    /// Final blocks holding at least one of the transfers.
    blocks: usize,
    /// Transfers sent again because they were neither in a block [`STALE_AFTER`] after their
    /// sending nor final three times as long after it.
    resent: usize,
}

impl Timeline {
    fn new(transfers: usize) -> Self {
        Self {
            submitted: vec![None; transfers],
            included: vec![None; transfers],
            finalized: vec![None; transfers],
            included_count: 0,
            finalized_count: 0,
            blocks: 0,
            resent: 0,
        }
    }
}

/// A block of node 0's chain, as far as the benchmark needs it.
struct SeenBlock {
    number: u64,
    parent: Hash,
    /// Indices of the benchmark's transfers in it.
    transfers: Vec<usize>,
}

/// Follows node 0's best and finalized chain.
struct ChainWatch<'a> {
    client: &'a HttpClient,
    genesis: Hash,
    /// Transfer index by extrinsic hash.
    index: HashMap<Hash, usize>,
    blocks: HashMap<Hash, SeenBlock>,
    finalized_number: u64,
    check_events: super::EventCheck,
}

#[derive(Deserialize)]
struct RpcBlock {
    block: RpcBlockBody,
}

#[derive(Deserialize)]
struct RpcBlockBody {
    header: RpcHeader,
    extrinsics: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RpcHeader {
    parent_hash: Hash,
    number: String,
}

impl ChainWatch<'_> {
    /// Fetches `hash` unless already seen; returns its number and parent.
    async fn fetch(
        &mut self,
        hash: Hash,
        now: Instant,
        timeline: &mut Timeline,
    ) -> Result<(u64, Hash), CliError> {
        if let Some(block) = self.blocks.get(&hash) {
            return Ok((block.number, block.parent));
        }
        let rpc: Option<RpcBlock> =
            request(self.client, RPC, "chain_getBlock", vec![hash_param(&hash)]).await?;
        let rpc = rpc.ok_or_else(|| CliError::Benchmark(format!("node 0 lost block {hash:?}")))?;
        let number = parse_number(&rpc.block.header.number)?;
        let mut transfers = Vec::new();
        for extrinsic in &rpc.block.extrinsics {
            let bytes = decode_hex(extrinsic)?;
            if let Some(&index) = self.index.get(&BlakeTwo256::hash(&bytes)) {
                transfers.push(index);
                if let Some(slot) = timeline.included.get_mut(index)
                    && slot.is_none()
                {
                    *slot = Some(now);
                    timeline.included_count += 1;
                }
            }
        }
        let parent = rpc.block.header.parent_hash;
        self.blocks.insert(
            hash,
            SeenBlock {
                number,
                parent,
                transfers,
            },
        );
        Ok((number, parent))
    }

    /// Reads node 0's new best and final blocks into `timeline`; returns how many transfers
    /// became final.
    async fn poll(&mut self, timeline: &mut Timeline) -> Result<usize, CliError> {
        let now = Instant::now();
        let best: Hash = request(self.client, RPC, "chain_getBlockHash", vec![]).await?;
        let mut hash = best;
        while hash != self.genesis && !self.blocks.contains_key(&hash) {
            let (_, parent) = self.fetch(hash, now, timeline).await?;
            hash = parent;
        }

        let finalized: Hash = request(self.client, RPC, "chain_getFinalizedHead", vec![]).await?;
        let mut newly_final = Vec::new();
        let mut hash = finalized;
        while hash != self.genesis {
            let (number, parent) = self.fetch(hash, now, timeline).await?;
            if number <= self.finalized_number {
                break;
            }
            newly_final.push(hash);
            hash = parent;
        }
        let mut became_final = 0;
        for hash in newly_final.into_iter().rev() {
            let Some(block) = self.blocks.get(&hash) else {
                continue;
            };
            self.finalized_number = block.number;
            if block.transfers.is_empty() {
                continue;
            }
            let transfers = block.transfers.clone();
            let number = block.number;
            self.check_events(hash, number).await?;
            timeline.blocks += 1;
            for index in transfers {
                if let Some(slot) = timeline.finalized.get_mut(index)
                    && slot.is_none()
                {
                    *slot = Some(now);
                    timeline.finalized_count += 1;
                    became_final += 1;
                }
            }
        }
        Ok(became_final)
    }

    /// Fails unless every extrinsic of final block `hash` dispatched.
    async fn check_events(&self, hash: Hash, number: u64) -> Result<(), CliError> {
        let key = format!("0x{}", hex::encode(super::system_events_key()));
        let events: Option<String> = request(
            self.client,
            RPC,
            "state_getStorage",
            vec![key.into(), hash_param(&hash)],
        )
        .await?;
        let events = events
            .map(|hex| decode_hex(&hex))
            .transpose()?
            .unwrap_or_default();
        (self.check_events)(&events)
            .map_err(|reason| CliError::Benchmark(format!("block #{number}: {reason}")))
    }
}

/// Sends `load`'s transfers to its network and follows them into final blocks.
async fn drive(
    load: ChainLoad,
    settings: Settings,
    bar: ProgressBar,
) -> Result<ChainReport, CliError> {
    let clients = load
        .urls
        .iter()
        .map(|url| connect(RPC, url))
        .collect::<Result<Vec<_>, _>>()?;
    let node0 = clients
        .first()
        .ok_or_else(|| CliError::Benchmark("a network without nodes".into()))?;
    wait_until_producing(node0, clients.len()).await?;
    let genesis: Hash = request(node0, RPC, "chain_getBlockHash", vec![0.into()]).await?;
    let recipient: AccountId = AccountId32::from([7u8; 32]);
    let signed = round_robin(&load.senders, settings.transfers, |sender, nonce| {
        (load.transfers.sign)(sender, &recipient, WCME, nonce, genesis)
    });
    let index = signed
        .iter()
        .enumerate()
        .map(|(i, bytes)| (BlakeTwo256::hash(bytes), i))
        .collect();
    let mut watch = ChainWatch {
        client: node0,
        genesis,
        index,
        blocks: HashMap::new(),
        finalized_number: 0,
        check_events: load.transfers.check_events,
    };
    let mut timeline = Timeline::new(signed.len());
    // Blocks from before the run are read now, so that their time does not count.
    watch.poll(&mut timeline).await?;
    let senders = load.senders.len().max(1);
    let deadline = Instant::now()
        + START_TIMEOUT
        + TIME_PER_TRANSFER.saturating_mul(u32::try_from(signed.len()).unwrap_or(u32::MAX));
    let mut next = 0;
    // Transfers a node's pool refused for being full, to send again first.
    let mut refused: VecDeque<usize> = VecDeque::new();
    let mut last_stale_check = Instant::now();
    while timeline.finalized_count < signed.len() {
        if Instant::now() > deadline {
            let mut pools = Vec::new();
            for client in &clients {
                let pending: Result<Vec<String>, _> =
                    request(client, RPC, "author_pendingExtrinsics", vec![]).await;
                pools.push(pending.map_or_else(|e| e.to_string(), |p| p.len().to_string()));
            }
            return Err(CliError::Benchmark(format!(
                "{}: only {} of {} transfers final ({} in blocks) before the deadline; \
                 transactions in the nodes' pools: {}",
                load.chain,
                timeline.finalized_count,
                signed.len(),
                timeline.included_count,
                pools.join(", ")
            )));
        }
        // Transfers to send again are in flight already, so `--in-flight` does not hold them
        // back: were it to, transfers lost by every pool could fill it, and nothing would be
        // sent again, or ever included.
        let per_round = SUBMIT_BATCH.saturating_mul(clients.len());
        let resend = refused.len().min(per_round);
        let in_flight = next - timeline.included_count.min(next);
        let room = settings
            .in_flight
            .saturating_sub(in_flight)
            .min(per_round - resend);
        let fresh = room.min(signed.len() - next);
        let batch: Vec<usize> = refused.drain(..resend).chain(next..next + fresh).collect();
        next += fresh;
        if !batch.is_empty() {
            let now = Instant::now();
            let mut per_node: Vec<Vec<usize>> = vec![Vec::new(); clients.len()];
            for i in batch {
                if let Some(node) = per_node.get_mut((i % senders) % clients.len()) {
                    node.push(i);
                }
                // Latencies count from the first sending.
                if let Some(slot @ None) = timeline.submitted.get_mut(i) {
                    *slot = Some(now);
                }
            }
            let sends = clients
                .iter()
                .zip(&per_node)
                .enumerate()
                .filter(|(_, (_, indices))| !indices.is_empty())
                .map(|(node, (client, indices))| submit(node, client, &signed, indices));
            for sent in futures::future::join_all(sends).await {
                refused.extend(sent?);
            }
        }
        let became_final = watch.poll(&mut timeline).await?;
        bar.inc(became_final as u64);
        // Pools under a flood drop transactions (a full future queue evicts), as Substrate's
        // do; a wallet sends such a transaction again, and so does the benchmark.
        let now = Instant::now();
        if now.saturating_duration_since(last_stale_check) >= STALE_AFTER {
            last_stale_check = now;
            let queued: HashSet<usize> = refused.iter().copied().collect();
            for i in 0..next {
                let (Some(Some(sent)), Some(included), Some(None)) = (
                    timeline.submitted.get(i),
                    timeline.included.get(i),
                    timeline.finalized.get(i),
                ) else {
                    continue;
                };
                // A block that had it may have left the best chain since.
                let waited = now.saturating_duration_since(*sent);
                let stale = match included {
                    None => waited >= STALE_AFTER,
                    Some(_) => waited >= STALE_AFTER.saturating_mul(3),
                };
                if stale && !queued.contains(&i) {
                    refused.push_back(i);
                    timeline.resent += 1;
                }
            }
        }
        tokio::time::sleep(POLL).await;
    }
    Ok(ChainReport::new(&load, &timeline))
}

/// Sends the transfers `indices` of `signed` to `node` in one batch request; returns those its
/// pool refused for being full (Substrate's error 1016), to be sent again. Any other refusal
/// fails the run; one the pool already has (1013, it came by gossip) or has just seen in a block
/// (1012) counts as sent.
async fn submit(
    node: usize,
    client: &HttpClient,
    signed: &[Vec<u8>],
    indices: &[usize],
) -> Result<Vec<usize>, CliError> {
    let mut batch = BatchRequestBuilder::new();
    for bytes in indices.iter().filter_map(|&i| signed.get(i)) {
        batch
            .insert(
                "author_submitExtrinsic",
                vec![format!("0x{}", hex::encode(bytes))],
            )
            .map_err(|e| CliError::Benchmark(e.to_string()))?;
    }
    let response = client
        .batch_request::<Hash>(batch)
        .await
        .map_err(|e| CliError::Benchmark(format!("node {node}: submitting transfers: {e}")))?;
    let mut refused = Vec::new();
    for (&index, answer) in indices.iter().zip(response) {
        match answer {
            Ok(_) => {}
            Err(error) if error.code() == POOL_ALREADY_IMPORTED || error.code() == POOL_BANNED => {}
            Err(error) if error.code() == POOL_IMMEDIATELY_DROPPED => refused.push(index),
            Err(error) => {
                return Err(CliError::Benchmark(format!(
                    "node {node} refused a transfer: {error}"
                )));
            }
        }
    }
    Ok(refused)
}

/// Waits until node 0 sees the others and has a block above genesis.
async fn wait_until_producing(node0: &HttpClient, nodes: usize) -> Result<(), CliError> {
    let deadline = Instant::now() + START_TIMEOUT;
    loop {
        let ready = async {
            let health: Value = request(node0, RPC, "system_health", vec![]).await?;
            let peers = health.get("peers").and_then(Value::as_u64).unwrap_or(0);
            let header: RpcHeader = request(node0, RPC, "chain_getHeader", vec![]).await?;
            Ok::<_, CliError>(peers as usize + 1 >= nodes && parse_number(&header.number)? >= 1)
        };
        // A node still starting refuses connections: that is not an error yet.
        if let Ok(true) = ready.await {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(CliError::Benchmark(format!(
                "the network did not connect and produce a block within {START_TIMEOUT:?}"
            )));
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

fn hash_param(hash: &Hash) -> Value {
    Value::String(format!("{hash:?}"))
}

fn parse_number(hex: &str) -> Result<u64, CliError> {
    u64::from_str_radix(hex.trim_start_matches("0x"), 16)
        .map_err(|e| CliError::Benchmark(format!("block number {hex}: {e}")))
}

fn decode_hex(hex: &str) -> Result<Vec<u8>, CliError> {
    hex::decode(hex.trim_start_matches("0x"))
        .map_err(|e| CliError::Benchmark(format!("node sent bad hex: {e}")))
}

/// The figures of one chain.
pub(super) struct ChainReport {
    chain: String,
    engine: &'static str,
    transfers: usize,
    blocks: usize,
    resent: usize,
    first_submitted: Option<Instant>,
    last_included: Option<Instant>,
    last_finalized: Option<Instant>,
    /// Submission to first inclusion in node 0's best chain, sorted.
    to_inclusion: Vec<Duration>,
    /// Submission to finality on node 0, sorted.
    to_finality: Vec<Duration>,
}

impl ChainReport {
    fn new(load: &ChainLoad, timeline: &Timeline) -> Self {
        let spans = |until: &[Option<Instant>]| {
            let mut spans: Vec<Duration> = timeline
                .submitted
                .iter()
                .zip(until)
                .filter_map(|(sent, seen)| {
                    Some(seen.as_ref()?.saturating_duration_since(*sent.as_ref()?))
                })
                .collect();
            spans.sort();
            spans
        };
        Self {
            chain: load.chain.clone(),
            engine: load.engine,
            transfers: timeline.submitted.len(),
            blocks: timeline.blocks,
            resent: timeline.resent,
            first_submitted: timeline.submitted.iter().flatten().min().copied(),
            last_included: timeline.included.iter().flatten().max().copied(),
            last_finalized: timeline.finalized.iter().flatten().max().copied(),
            to_inclusion: spans(&timeline.included),
            to_finality: spans(&timeline.finalized),
        }
    }
}

/// The figures of a whole run.
pub(super) struct NetworkReport {
    nodes: u16,
    chains: Vec<ChainReport>,
}

/// `count` per second over `from..to`.
fn rate(count: usize, from: Option<Instant>, to: Option<Instant>) -> f64 {
    match (from, to) {
        (Some(from), Some(to)) => {
            count as f64 / to.saturating_duration_since(from).as_secs_f64().max(1e-9)
        }
        _ => 0.0,
    }
}

/// The `percent`th percentile of sorted `spans`, in seconds.
fn percentile(spans: &[Duration], percent: usize) -> f64 {
    if spans.is_empty() {
        return 0.0;
    }
    let rank = (spans.len() - 1).saturating_mul(percent) / 100;
    spans.get(rank).map_or(0.0, Duration::as_secs_f64)
}

impl fmt::Display for NetworkReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:<24} {:<6} {:>9} {:>7} {:>7} {:>12} {:>12} {:>22} {:>22}",
            "chain",
            "engine",
            "transfers",
            "resent",
            "blocks",
            "in blocks/s",
            "final/s",
            "to block p50/p95 (s)",
            "to final p50/p95 (s)"
        )?;
        for chain in &self.chains {
            writeln!(
                f,
                "{:<24} {:<6} {:>9} {:>7} {:>7} {:>12.0} {:>12.0} {:>22} {:>22}",
                chain.chain,
                chain.engine,
                chain.transfers,
                chain.resent,
                chain.blocks,
                rate(chain.transfers, chain.first_submitted, chain.last_included),
                rate(chain.transfers, chain.first_submitted, chain.last_finalized),
                format!(
                    "{:.2} / {:.2}",
                    percentile(&chain.to_inclusion, 50),
                    percentile(&chain.to_inclusion, 95)
                ),
                format!(
                    "{:.2} / {:.2}",
                    percentile(&chain.to_finality, 50),
                    percentile(&chain.to_finality, 95)
                ),
            )?;
        }
        let total: usize = self.chains.iter().map(|chain| chain.transfers).sum();
        let first = self
            .chains
            .iter()
            .filter_map(|chain| chain.first_submitted)
            .min();
        let included = self
            .chains
            .iter()
            .filter_map(|chain| chain.last_included)
            .max();
        let finalized = self
            .chains
            .iter()
            .filter_map(|chain| chain.last_finalized)
            .max();
        write!(
            f,
            "{} chain(s) of {} node(s) each: {total} transfers, {:.0} in blocks/s, {:.0} final/s together",
            self.chains.len(),
            self.nodes,
            rate(total, first, included),
            rate(total, first, finalized)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_pick_the_ranked_span() {
        let spans: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&spans, 50), 0.050);
        assert_eq!(percentile(&spans, 95), 0.095);
        assert_eq!(percentile(&[], 50), 0.0);
    }

    #[test]
    fn rates_need_both_ends() {
        let start = Instant::now();
        assert_eq!(rate(10, Some(start), None), 0.0);
        let rate = rate(10, Some(start), Some(start + Duration::from_secs(2)));
        assert!((rate - 5.0).abs() < 1e-9);
    }
}
