//! Extrinsics per second through block production and through a full re-executing import into a
//! fresh RocksDB database: one harness ([`run_workload`]) for every signed workload (`benchmark
//! transfers`, `benchmark swaps`, `benchmark contracts`), on the consensus engine of the chain it is given (the dev
//! engine of `dev`, Proof-of-Credit on `local`).

use std::{
    collections::VecDeque,
    path::Path,
    time::{Duration, Instant},
};

use codec::Encode;
use indicatif::{ProgressBar, ProgressStyle};
use sp_core::{
    Pair as _,
    crypto::{AccountId32, Ss58Codec},
    sr25519,
};
use sp_runtime::{
    Digest,
    traits::{BlakeTwo256, Hash as _, Header as _},
};
use wcme_consensus::ConsensusEngine;
use wcme_executor::BuildLimits;
use wcme_primitives::{AccountId, Block, Hash, Header, Nonce, WCME};
use wcme_service::{
    BlockOrigin, ChainSpec, Client, ConsensusSpec, Genesis, RuntimeGenesis, open_client,
};

use super::{BENCH_FUNDER_BALANCE, BENCH_SENDER_BALANCE, RuntimeTransfers, SwapSigner};
use crate::{NodeSpec, cli::SharedParams, error::CliError};

/// The development accounts whose keys author the benchmark blocks: the `dev` chain's authority
/// is the first, the `local` chain's agents are the first four.
const DEV_ACCOUNTS: [&str; 6] = ["Alice", "Bob", "Charlie", "Dave", "Eve", "Ferdie"];

/// Signed extrinsics of one benchmark run.
pub(super) struct Workload {
    /// Applied first, in untimed blocks (e.g. creating pools); may be empty.
    pub(super) setup: Vec<Vec<u8>>,
    /// The extrinsics measured, in order.
    pub(super) measured: Vec<Vec<u8>>,
}

/// The figures of one run.
pub(super) struct ThroughputReport {
    /// What was measured, plural (`transfers`, `swaps`).
    unit: &'static str,
    /// The consensus engine the blocks were sealed and verified with.
    engine: &'static str,
    /// Measured extrinsics.
    count: usize,
    /// Blocks holding them.
    blocks: usize,
    production: Duration,
    import: Duration,
    /// The engine's seal and slot checks of the measured blocks (`ConsensusEngine::verify`),
    /// timed in a pass of their own after the import: the part of `import` the consensus
    /// engine's checks take.
    verify: Duration,
    db_bytes: u64,
    peak_rss_kib: Option<u64>,
}

impl std::fmt::Display for ThroughputReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let unit = self.unit;
        let per_sec = |d: Duration| self.count as f64 / d.as_secs_f64().max(1e-9);
        writeln!(f, "{:<27}{}", "consensus:", self.engine)?;
        writeln!(f, "{:<27}{}", format!("{unit}:"), self.count)?;
        writeln!(f, "{:<27}{}", "blocks:", self.blocks)?;
        writeln!(
            f,
            "production:                {:.2} s, {:.0} {unit}/s (one core)",
            self.production.as_secs_f64(),
            per_sec(self.production)
        )?;
        writeln!(
            f,
            "import (re-execute+commit): {:.2} s, {:.0} {unit}/s (one core)",
            self.import.as_secs_f64(),
            per_sec(self.import)
        )?;
        let per_block = self.verify.as_secs_f64() / (self.blocks.max(1) as f64);
        writeln!(
            f,
            "seal+slot checks:          {:.1} ms, {:.0} µs per block, {:.2} % of import",
            self.verify.as_secs_f64() * 1e3,
            per_block * 1e6,
            100.0 * self.verify.as_secs_f64() / self.import.as_secs_f64().max(1e-9)
        )?;
        let per_100k = self.db_bytes as f64 * 100_000.0 / self.count as f64;
        writeln!(
            f,
            "imported DB size:          {:.1} MiB ({:.1} MiB per 100k {unit})",
            self.db_bytes as f64 / 1048576.0,
            per_100k / 1048576.0
        )?;
        match self.peak_rss_kib {
            Some(kib) => write!(
                f,
                "peak RSS:                  {:.0} MiB",
                kib as f64 / 1024.0
            ),
            None => write!(f, "peak RSS:                  unknown"),
        }
    }
}

/// `benchmark transfers`: `transfers` signed `transfer_keep_alive`s of 1 WCME to one recipient,
/// from `accounts` senders in turn, on `chain` (a built-in chain id or a spec file).
pub(super) fn transfers(
    spec: &NodeSpec,
    signer: RuntimeTransfers,
    chain: &str,
    dir: &Path,
    transfers: usize,
    accounts: usize,
    block_size: usize,
) -> Result<ThroughputReport, CliError> {
    let senders = bench_keys("wcme-bench", accounts);
    let chain_spec = bench_spec(spec, chain, &senders, &[])?;
    run_workload(spec, &chain_spec, dir, "transfers", block_size, |genesis| {
        let recipient: AccountId = AccountId32::from([7u8; 32]);
        let measured = round_robin(&senders, transfers, |sender, nonce| {
            (signer.sign)(sender, &recipient, WCME, nonce, genesis)
        });
        Ok(Workload {
            setup: Vec::new(),
            measured,
        })
    })
}

/// `benchmark swaps`: `swaps` swaps through `hops` pools from `traders` accounts in turn, after
/// the runtime's setup.
pub(super) fn swaps(
    spec: &NodeSpec,
    signer: SwapSigner,
    dir: &Path,
    swaps: usize,
    traders: usize,
    hops: u32,
    block_size: usize,
) -> Result<ThroughputReport, CliError> {
    let (keys, funder, chain_spec) = funded_dev_spec(spec, traders)?;
    let funder = &funder;
    run_workload(spec, &chain_spec, dir, "swaps", block_size, |genesis| {
        let accounts: Vec<AccountId> = keys
            .iter()
            .map(|pair| AccountId32::from(pair.public().0))
            .collect();
        let per_trader = u32::try_from(swaps.div_ceil(traders)).unwrap_or(u32::MAX);
        Ok(Workload {
            setup: (signer.setup)(funder, &accounts, per_trader, hops, genesis),
            measured: round_robin(&keys, swaps, |trader, nonce| {
                (signer.swap)(trader, hops, nonce, genesis)
            }),
        })
    })
}

/// `count` extrinsics signed by `signers` in turn, each signer's nonces counted from 0.
pub(super) fn round_robin(
    signers: &[sr25519::Pair],
    count: usize,
    sign: impl Fn(&sr25519::Pair, Nonce) -> Vec<u8>,
) -> Vec<Vec<u8>> {
    let mut nonces = vec![0 as Nonce; signers.len()];
    (0..count)
        .filter_map(|i| {
            let who = i.checked_rem(signers.len())?;
            let nonce = nonces.get_mut(who)?;
            let signed = sign(signers.get(who)?, *nonce);
            *nonce = nonce.saturating_add(1);
            Some(signed)
        })
        .collect()
}

/// `count` sr25519 keys derived from a fixed seed and `domain`.
pub(super) fn bench_keys(domain: &str, count: usize) -> Vec<sr25519::Pair> {
    (0..count)
        .map(|index| {
            let seed = BlakeTwo256::hash(&(domain.as_bytes(), index as u64).encode()).0;
            sr25519::Pair::from_seed(&seed)
        })
        .collect()
}

/// The `dev` chain for a workload with a setup step: `accounts` senders and one funder (the
/// setup account), endowed as [`bench_spec`] does.
pub(super) fn funded_dev_spec(
    spec: &NodeSpec,
    accounts: usize,
) -> Result<(Vec<sr25519::Pair>, sr25519::Pair, ChainSpec), CliError> {
    let senders = bench_keys("wcme-bench", accounts);
    let funder = bench_keys("wcme-bench-funder", 1)
        .pop()
        .ok_or_else(|| CliError::Benchmark("no setup account".into()))?;
    let chain_spec = bench_spec(spec, "dev", &senders, std::slice::from_ref(&funder))?;
    Ok((senders, funder, chain_spec))
}

/// `chain` (a built-in chain id or a spec file with a runtime genesis config or patch) with
/// every sender holding
/// [`BENCH_SENDER_BALANCE`] and every funder [`BENCH_FUNDER_BALANCE`] at genesis.
pub(super) fn bench_spec(
    spec: &NodeSpec,
    chain: &str,
    senders: &[sr25519::Pair],
    funders: &[sr25519::Pair],
) -> Result<ChainSpec, CliError> {
    let mut chain_spec = crate::run::load_chain_spec(
        spec,
        &SharedParams {
            chain: Some(chain.into()),
            dev: false,
            base_path: None,
            log: Vec::new(),
        },
    )?;
    chain_spec.id = "bench".into();
    let Genesis::RuntimeGenesis(RuntimeGenesis::Patch(config) | RuntimeGenesis::Config(config)) =
        &mut chain_spec.genesis
    else {
        return Err(CliError::BadArgument(format!(
            "chain {chain}: the benchmark needs a runtime genesis config or patch, not raw storage"
        )));
    };
    let balances = config
        .pointer_mut("/balances/balances")
        .and_then(|b| b.as_array_mut())
        .ok_or_else(|| {
            CliError::BadArgument(format!("chain {chain}: its genesis has no balances list"))
        })?;
    let endowed = senders
        .iter()
        .map(|pair| (pair, BENCH_SENDER_BALANCE))
        .chain(funders.iter().map(|pair| (pair, BENCH_FUNDER_BALANCE)));
    for (pair, amount) in endowed {
        let account = AccountId32::from(pair.public().0);
        balances.push(serde_json::json!([account.to_ss58check(), amount]));
    }
    Ok(chain_spec)
}

/// The keys that author the benchmark's blocks on a chain of `consensus`: the development
/// accounts' keys for the dev engine, their packing keys (`//Alice//poc` …) for Proof-of-Credit,
/// as `--alice` … use them. The engine authors each slot with whichever of them owns it.
fn authoring_keys(consensus: &ConsensusSpec) -> Result<Vec<sr25519::Pair>, CliError> {
    DEV_ACCOUNTS
        .iter()
        .map(|name| {
            let uri = consensus.dev_authoring_uri(&format!("//{name}"));
            sr25519::Pair::from_string(&uri, None)
                .map_err(|e| CliError::BadArgument(format!("dev key {uri}: {e:?}")))
        })
        .collect()
}

/// The harness: opens a producer database on `chain_spec`, signs the workload against its
/// genesis (signing is the wallet's work, not the chain's, so it is not timed), applies the setup
/// in untimed blocks, then times building the measured blocks and, in a fresh importer database
/// that first imports the setup blocks untimed, importing them; finally it times the consensus
/// engine's checks of the measured blocks on their own.
pub(super) fn run_workload(
    spec: &NodeSpec,
    chain_spec: &ChainSpec,
    dir: &Path,
    unit: &'static str,
    block_size: usize,
    sign: impl FnOnce(Hash) -> Result<Workload, CliError>,
) -> Result<ThroughputReport, CliError> {
    let keys = authoring_keys(&chain_spec.consensus)?;
    // The workloads are signed for the node's own runtime.
    let runtime = spec.default_runtime()?;
    if (spec.runtime_for(chain_spec)?.version)().spec_name != (runtime.version)().spec_name {
        return Err(CliError::BadArgument(format!(
            "benchmarks run on chains of the node's own runtime `{}`",
            (runtime.version)().spec_name
        )));
    }
    let client = open_client(chain_spec, &dir.join("producer"), runtime, &keys)?;
    let engine = client.engine().clone();
    let workload = sign(client.info().genesis)?;

    // Each block holds at least one extrinsic, so this many slots always suffice; starting that
    // far in the past keeps every slot out of the future, which import refuses.
    let max_blocks = workload.setup.len() + workload.measured.len() + 2;
    let mut producer = Producer {
        client: &client,
        engine: engine.as_ref(),
        slot: engine
            .slot_at(now_millis())
            .saturating_sub(max_blocks as u64),
        block_size,
        check_events: super::own_transfers(spec)
            .ok()
            .map(|transfers| transfers.check_events),
    };
    let (setup_blocks, _) = producer.produce(workload.setup, "Setting up")?;
    let count = workload.measured.len();
    let (measured_blocks, production) = producer.produce(workload.measured, "Producing")?;

    let importer_path = dir.join("importer");
    let importer = open_client(chain_spec, &importer_path, runtime, &[])?;
    import(&importer, setup_blocks, "Importing setup")?;
    let blocks = measured_blocks.len();
    let headers: Vec<Header> = measured_blocks.iter().map(|b| b.header.clone()).collect();
    let import = import(&importer, measured_blocks, "Importing")?;
    let verify = verify(&importer, &headers)?;
    let engine = importer.engine().name();
    drop(importer);
    Ok(ThroughputReport {
        unit,
        engine,
        count,
        blocks,
        production,
        import,
        verify,
        db_bytes: dir_size(&importer_path),
        peak_rss_kib: peak_rss_kib(),
    })
}

/// Builds, seals and stores blocks on the producer database.
struct Producer<'a> {
    client: &'a Client,
    engine: &'a dyn ConsensusEngine,
    /// The last slot used.
    slot: u64,
    block_size: usize,
    check_events: Option<super::EventCheck>,
}

impl Producer<'_> {
    /// Puts `extrinsics` into blocks, in order; returns the blocks and the time spent building,
    /// sealing and storing them (not checking their events).
    fn produce(
        &mut self,
        extrinsics: Vec<Vec<u8>>,
        what: &'static str,
    ) -> Result<(Vec<Block>, Duration), CliError> {
        let mut pending: VecDeque<(Hash, Vec<u8>)> = extrinsics
            .into_iter()
            .map(|bytes| (BlakeTwo256::hash(&bytes), bytes))
            .collect();
        let bar = progress(pending.len() as u64, what, "extrinsics");
        let slot_duration = u64::try_from(self.engine.slot_duration().as_millis()).unwrap_or(1);
        let mut blocks = Vec::new();
        let mut elapsed = Duration::ZERO;
        while !pending.is_empty() {
            self.slot = self.slot.saturating_add(1);
            let parent = self.client.best_header()?;
            let claim = self.engine.claim_slot(&parent, self.slot).ok_or_else(|| {
                CliError::Benchmark(format!(
                    "the {} engine gives slot {} to none of the development keys",
                    self.engine.name(),
                    self.slot
                ))
            })?;
            let batch: Vec<(Hash, Vec<u8>)> =
                pending.iter().take(self.block_size).cloned().collect();
            let started = Instant::now();
            let built = self.client.executor().build_block(
                &parent,
                &self
                    .client
                    .inherent_data(self.slot.saturating_mul(slot_duration)),
                Digest {
                    logs: claim.pre_digest,
                },
                batch,
                BuildLimits {
                    max_transactions: self.block_size,
                    deadline: started + Duration::from_secs(600),
                },
            )?;
            if let Some((hash, error)) = built.rejected.first() {
                return Err(CliError::Benchmark(format!(
                    "extrinsic {hash:?} rejected: {error:?}"
                )));
            }
            if built.included.is_empty() {
                return Err(CliError::Benchmark("no extrinsic fits in a block".into()));
            }
            let included = built.included.len();
            pending.drain(..included);
            let sealed = self.engine.seal(built.block.header.clone())?;
            let extrinsics = built.block.extrinsics.clone();
            self.client
                .import_own(built, sealed.clone())
                .map_err(|source| CliError::Import {
                    number: *sealed.number(),
                    source,
                })?;
            elapsed += started.elapsed();
            self.check_events(&sealed)?;
            bar.inc(included as u64);
            blocks.push(Block {
                header: sealed,
                extrinsics,
            });
        }
        bar.finish_and_clear();
        Ok((blocks, elapsed))
    }

    /// Fails if an extrinsic of the stored block `header` did not dispatch successfully.
    fn check_events(&self, header: &wcme_primitives::Header) -> Result<(), CliError> {
        let Some(check) = self.check_events else {
            return Ok(());
        };
        let events = self
            .client
            .executor()
            .storage(&header.hash(), &super::system_events_key())?
            .unwrap_or_default();
        check(&events)
            .map_err(|reason| CliError::Benchmark(format!("block #{}: {reason}", header.number())))
    }
}

/// Imports `blocks` in order; returns the time it took.
fn import(importer: &Client, blocks: Vec<Block>, what: &'static str) -> Result<Duration, CliError> {
    let bar = progress(blocks.len() as u64, what, "blocks");
    let started = Instant::now();
    for block in blocks {
        let number = *block.header.number();
        importer
            .import_block(block, None, BlockOrigin::File)
            .map_err(|source| CliError::Import { number, source })?;
        bar.inc(1);
    }
    let elapsed = started.elapsed();
    bar.finish_and_clear();
    Ok(elapsed)
}

/// Runs the importer's consensus checks (`ConsensusEngine::verify`: seal, slot and, for
/// Proof-of-Credit, the runtime's slot owner at the parent) on the imported `headers` again;
/// returns the time they took. Done after the import so that it warms no cache for it.
fn verify(importer: &Client, headers: &[Header]) -> Result<Duration, CliError> {
    let engine = importer.engine();
    let now = now_millis();
    let mut elapsed = Duration::ZERO;
    for header in headers {
        let parent_hash = *header.parent_hash();
        let parent = importer
            .db()
            .header(&parent_hash)?
            .ok_or(wcme_storage::StorageError::UnknownBlock(parent_hash))?;
        let started = Instant::now();
        engine.verify(header, &parent, now)?;
        elapsed += started.elapsed();
    }
    Ok(elapsed)
}

pub(super) fn progress(len: u64, message: &'static str, unit: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    if let Ok(style) =
        ProgressStyle::with_template(&format!("{{msg}} [{{bar:40}}] {{pos}}/{{len}} {unit}"))
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(message);
    bar
}

fn dir_size(path: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .map(|entry| match entry.metadata() {
            Ok(meta) if meta.is_dir() => dir_size(&entry.path()),
            Ok(meta) => meta.len(),
            Err(_) => 0,
        })
        .sum()
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn now_millis() -> u64 {
    use wcme_consensus::Clock as _;
    wcme_consensus::SystemClock.now_millis()
}
