//! `benchmark transfers`: signed balance transfers through block production and through a full
//! re-executing import into a fresh RocksDB database.

use std::{
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
use sp_runtime::{Digest, traits::Header as _};
use wcme_executor::BuildLimits;
use wcme_primitives::{AccountId, Balance, Block, Hash, Nonce, WCME};
use wcme_service::{BlockOrigin, ChainSpec, Genesis, RuntimeGenesis, engine_for, open_client};

use crate::{NodeSpec, cli::BenchmarkCmd, error::CliError};

/// Signs a `transfer_keep_alive(to, amount)` from `from` with `nonce`, immortal, for the chain
/// with `genesis`; returns the encoded extrinsic. Supplied by the node binary, which knows its
/// runtime's extrinsic format.
pub type TransferSigner = fn(
    from: &sr25519::Pair,
    to: &AccountId,
    amount: Balance,
    nonce: Nonce,
    genesis: Hash,
) -> Vec<u8>;

/// Balance every benchmark sender starts with.
const SENDER_BALANCE: Balance = 1_000_000 * WCME;

/// Runs a `benchmark` subcommand.
pub(crate) fn run(spec: &NodeSpec, cmd: &BenchmarkCmd) -> Result<(), CliError> {
    let BenchmarkCmd::Transfers {
        transfers,
        accounts,
        block_size,
        base_path,
    } = cmd;
    let signer = spec.transfer_signer.ok_or_else(|| {
        CliError::BadArgument("this node does not provide a transfer signer".into())
    })?;
    if *accounts == 0 || *transfers == 0 || *block_size == 0 {
        return Err(CliError::BadArgument(
            "--transfers, --accounts and --block-size must be positive".into(),
        ));
    }
    let tmp;
    let dir: &Path = match base_path {
        Some(path) => path,
        None => {
            tmp = tempfile::Builder::new()
                .prefix("wcme-bench-")
                .tempdir()
                .map_err(CliError::io("creating the benchmark directory"))?;
            tmp.path()
        }
    };
    let report = transfers_benchmark(
        spec,
        signer,
        dir,
        *transfers as usize,
        *accounts as usize,
        *block_size as usize,
    )?;
    println!("{report}");
    Ok(())
}

/// The figures of one run.
pub(crate) struct TransferReport {
    transfers: usize,
    blocks: usize,
    production: Duration,
    import: Duration,
    db_bytes: u64,
    peak_rss_kib: Option<u64>,
}

impl std::fmt::Display for TransferReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let per_sec = |d: Duration| self.transfers as f64 / d.as_secs_f64().max(1e-9);
        writeln!(f, "transfers:                 {}", self.transfers)?;
        writeln!(f, "blocks:                    {}", self.blocks)?;
        writeln!(
            f,
            "production:                {:.2} s, {:.0} transfers/s (one core)",
            self.production.as_secs_f64(),
            per_sec(self.production)
        )?;
        writeln!(
            f,
            "import (re-execute+commit): {:.2} s, {:.0} transfers/s (one core)",
            self.import.as_secs_f64(),
            per_sec(self.import)
        )?;
        let per_100k = self.db_bytes as f64 * 100_000.0 / self.transfers as f64;
        writeln!(
            f,
            "imported DB size:          {:.1} MiB ({:.1} MiB per 100k transfers)",
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

fn sender(index: usize) -> sr25519::Pair {
    let seed = <sp_runtime::traits::BlakeTwo256 as sp_runtime::traits::Hash>::hash(
        &(b"wcme-bench", index as u64).encode(),
    )
    .0;
    sr25519::Pair::from_seed(&seed)
}

/// The dev chain with every benchmark sender funded.
fn bench_spec(spec: &NodeSpec, senders: &[sr25519::Pair]) -> Result<ChainSpec, CliError> {
    let mut chain_spec = (spec.builtin_chain)(&spec.runtime, "dev")
        .ok_or_else(|| CliError::BadArgument("the node has no dev chain".into()))??;
    chain_spec.id = "bench".into();
    let Genesis::RuntimeGenesis(RuntimeGenesis::Patch(patch)) = &mut chain_spec.genesis else {
        return Err(CliError::BadArgument(
            "the dev chain has no genesis patch".into(),
        ));
    };
    let balances = patch
        .pointer_mut("/balances/balances")
        .and_then(|b| b.as_array_mut())
        .ok_or_else(|| CliError::BadArgument("the dev preset has no balances list".into()))?;
    for pair in senders {
        let account = AccountId32::from(pair.public().0);
        balances.push(serde_json::json!([account.to_ss58check(), SENDER_BALANCE]));
    }
    Ok(chain_spec)
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

fn transfers_benchmark(
    spec: &NodeSpec,
    signer: TransferSigner,
    dir: &Path,
    transfers: usize,
    accounts: usize,
    block_size: usize,
) -> Result<TransferReport, CliError> {
    let senders: Vec<sr25519::Pair> = (0..accounts).map(sender).collect();
    let chain_spec = bench_spec(spec, &senders)?;
    let alice = sr25519::Pair::from_string("//Alice", None)
        .map_err(|e| CliError::BadArgument(format!("dev key: {e:?}")))?;
    let producer = open_client(&chain_spec, &dir.join("producer"), spec.runtime)?;
    let engine = engine_for(&chain_spec, &[alice])?;
    let genesis = producer.info().genesis;

    // Sign everything up front: signing is the wallet's work, not the chain's.
    let recipient: AccountId = AccountId32::from([7u8; 32]);
    let mut nonces = vec![0 as Nonce; accounts];
    let mut pending: std::collections::VecDeque<(Hash, Vec<u8>)> = (0..transfers)
        .map(|i| {
            let who = i % accounts;
            let nonce = nonces[who];
            nonces[who] += 1;
            let bytes = signer(&senders[who], &recipient, WCME, nonce, genesis);
            (
                <sp_runtime::traits::BlakeTwo256 as sp_runtime::traits::Hash>::hash(&bytes),
                bytes,
            )
        })
        .collect();

    let bar = ProgressBar::new(transfers as u64);
    if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} transfers") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message("Producing");
    let slot_duration = engine.slot_duration().as_millis() as u64;
    let blocks_needed = transfers.div_ceil(block_size) as u64 + 2;
    let mut slot = engine
        .slot_at(now_millis())
        .saturating_sub(blocks_needed * 2);
    let mut produced: Vec<Block> = Vec::new();
    let mut production = Duration::ZERO;
    while !pending.is_empty() {
        slot += 1;
        let parent = producer.best_header()?;
        let claim = engine
            .claim_slot(&parent, slot)
            .ok_or_else(|| CliError::BadArgument("the dev engine refused a slot".into()))?;
        let batch: Vec<(Hash, Vec<u8>)> = pending.iter().take(block_size).cloned().collect();
        let started = Instant::now();
        let built = producer.executor().build_block(
            &parent,
            &producer.inherent_data(slot * slot_duration),
            Digest {
                logs: claim.pre_digest,
            },
            batch,
            BuildLimits {
                max_transactions: block_size,
                deadline: started + Duration::from_secs(600),
            },
        )?;
        if built.included.is_empty() {
            return Err(CliError::BadArgument(format!(
                "no transfer fits in a block; rejected: {:?}",
                built.rejected.first()
            )));
        }
        if let Some((hash, error)) = built.rejected.first() {
            return Err(CliError::BadArgument(format!(
                "transfer {hash:?} rejected: {error:?}"
            )));
        }
        let included = built.included.len();
        for _ in 0..included {
            pending.pop_front();
        }
        let sealed = engine.seal(built.block.header.clone())?;
        let extrinsics = built.block.extrinsics.clone();
        producer
            .import_own(built, sealed.clone())
            .map_err(|source| CliError::Import {
                number: *sealed.number(),
                source,
            })?;
        production += started.elapsed();
        bar.inc(included as u64);
        produced.push(Block {
            header: sealed,
            extrinsics,
        });
    }
    bar.finish_and_clear();

    let importer_path = dir.join("importer");
    let importer = open_client(&chain_spec, &importer_path, spec.runtime)?;
    let bar = ProgressBar::new(produced.len() as u64);
    bar.set_message("Importing");
    let started = Instant::now();
    let blocks = produced.len();
    for block in produced {
        let number = *block.header.number();
        importer
            .import_block(block, None, BlockOrigin::File)
            .map_err(|source| CliError::Import { number, source })?;
        bar.inc(1);
    }
    let import = started.elapsed();
    bar.finish_and_clear();
    drop(importer);
    Ok(TransferReport {
        transfers,
        blocks,
        production,
        import,
        db_bytes: dir_size(&importer_path),
        peak_rss_kib: peak_rss_kib(),
    })
}

fn now_millis() -> u64 {
    use wcme_consensus::Clock as _;
    wcme_consensus::SystemClock.now_millis()
}
