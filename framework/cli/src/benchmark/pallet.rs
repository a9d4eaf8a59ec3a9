//! `benchmark pallet`: the runtime's FRAME pallet benchmarks, run natively.
//!
//! What polkadot-sdk's `frame-benchmarking-cli pallet` does with a Wasm runtime, done with the
//! node's compiled-in one: build the genesis state of the `dev` chain, list the runtime's
//! benchmarks (`Benchmark_benchmark_metadata`), run each selected benchmark over its component
//! values (`Benchmark_dispatch_benchmark`) inside externalities over a [`BenchState`], fit the
//! results with `frame-benchmarking`'s analysis (least squares over the middle half of each
//! point's runs), print them and write a `weights.rs`.

use std::path::{Path, PathBuf};

use codec::Encode;
use frame_benchmarking::{
    Analysis, BenchmarkBatch, BenchmarkConfig, BenchmarkList, BenchmarkParameter, BenchmarkResult,
    BenchmarkSelector,
};
use frame_support::traits::StorageInfo;
use indicatif::{ProgressBar, ProgressStyle};
use sp_state_machine::OverlayedChanges;
use wcme_executor::RuntimeDescriptor;

use super::{
    state::BenchState,
    weights::{self, Fitted, FittedComponent, Header},
};
use crate::{NodeSpec, cli::PalletBenchmarkCmd, error::CliError};

/// One benchmark the command runs.
struct Selected {
    pallet: Vec<u8>,
    instance: Vec<u8>,
    name: Vec<u8>,
    /// `(component, lowest, highest)`.
    components: Vec<(BenchmarkParameter, u32, u32)>,
}

impl Selected {
    fn label(&self) -> String {
        format!(
            "{}::{}",
            String::from_utf8_lossy(&self.pallet),
            String::from_utf8_lossy(&self.name)
        )
    }
}

/// Runs `benchmark pallet`.
pub(super) fn run(spec: &NodeSpec, cmd: &PalletBenchmarkCmd) -> Result<(), CliError> {
    let dispatch = spec.benchmarks.pallets.ok_or_else(|| {
        CliError::BenchmarkUnavailable(
            "this node's runtime was built without pallet benchmarks (its `runtime-benchmarks` \
             feature)"
                .into(),
        )
    })?;
    if cmd.steps < 2 {
        return Err(CliError::BadArgument(
            "--steps must be at least 2 (a slope needs two points)".into(),
        ));
    }
    if cmd.repeat == 0 {
        return Err(CliError::BadArgument("--repeat must be positive".into()));
    }
    let own = spec.default_runtime()?;
    let runtime = RuntimeDescriptor {
        dispatch,
        version: own.version,
    };
    // Contract pallets keep compiled modules on disk, as a node does (`run.rs`): a temporary
    // directory for this run, set before the runtime first runs, removed when it ends.
    let _artifacts = contract_artifact_dir()?;
    let state = genesis_state(spec)?;
    let (lists, storage_info): (Vec<BenchmarkList>, Vec<StorageInfo>) = runtime.execute_decoded(
        &state,
        &mut OverlayedChanges::default(),
        "Benchmark_benchmark_metadata",
        &false.encode(),
    )?;
    let selected = select(&lists, &cmd.pallet, &cmd.extrinsic)?;
    if cmd.list {
        for benchmark in &selected {
            println!("{}", benchmark.label());
        }
        return Ok(());
    }
    let output = output_files(cmd.output.as_deref(), &selected)?;

    let plans: Vec<Vec<Vec<(BenchmarkParameter, u32)>>> = selected
        .iter()
        .map(|benchmark| component_values(&benchmark.components, cmd.steps))
        .collect();
    let total: usize = plans.iter().map(Vec::len).sum();
    let bar = ProgressBar::new(total as u64);
    if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} points") {
        bar.set_style(style.progress_chars("=> "));
    }
    let mut fitted = Vec::with_capacity(selected.len());
    for (benchmark, points) in selected.iter().zip(&plans) {
        bar.set_message(benchmark.label());
        let mut results = Vec::new();
        for components in points {
            // One verified run (the benchmark's own checks), then the measured ones.
            run_once(&runtime, &state, benchmark, components, true, 1)?;
            results.extend(run_once(
                &runtime, &state, benchmark, components, false, cmd.repeat,
            )?);
            bar.inc(1);
        }
        fitted.push(fit(benchmark, &results, &storage_info)?);
    }
    bar.finish_and_clear();

    for benchmark in &fitted {
        println!("{}", weights::summary(benchmark));
    }
    let header = Header {
        command: command_line(),
        date: weights::utc_date(std::time::SystemTime::now()),
        machine: weights::machine(),
        steps: cmd.steps,
        repeat: cmd.repeat,
        runtime: format!(
            "`{}`, spec version {}",
            (own.version)().spec_name,
            (own.version)().spec_version
        ),
    };
    for (pallet, path) in output {
        let of_pallet: Vec<&Fitted> = fitted
            .iter()
            .filter(|benchmark| benchmark.pallet == pallet)
            .collect();
        std::fs::write(&path, weights::render(&pallet, &of_pallet, &header))
            .map_err(CliError::io(format!("writing {}", path.display())))?;
        println!("Wrote {}", path.display());
    }
    Ok(())
}

/// A temporary directory set as the process's contract artifact directory.
fn contract_artifact_dir() -> Result<tempfile::TempDir, CliError> {
    let dir = tempfile::Builder::new()
        .prefix("wcme-bench-contracts-")
        .tempdir()
        .map_err(CliError::io(
            "creating a temporary contract artifact directory",
        ))?;
    wcme_vm::set_artifact_dir(dir.path()).map_err(|error| {
        CliError::io("setting the contract artifact directory")(std::io::Error::other(error))
    })?;
    Ok(dir)
}

/// The genesis state of the node's `dev` chain, in a benchmarking backend.
fn genesis_state(spec: &NodeSpec) -> Result<BenchState, CliError> {
    let chain_spec = (spec.builtin_chain)("dev")
        .ok_or_else(|| CliError::BadArgument("the node has no dev chain".into()))??;
    let runtime = spec.default_runtime()?;
    let genesis = runtime.build_genesis(&chain_spec.genesis_source()?)?;
    Ok(BenchState::new(
        &genesis.storage,
        (runtime.version)().state_version(),
    ))
}

/// The benchmarks `pallet` and `extrinsic` select; an error naming what exists if none.
fn select(
    lists: &[BenchmarkList],
    pallet: &str,
    extrinsic: &str,
) -> Result<Vec<Selected>, CliError> {
    let normalize = |name: &str| name.trim().replace('-', "_").to_lowercase();
    let every = |filter: &str| matches!(filter.trim(), "*" | "all");
    let wanted_pallet = normalize(pallet);
    let wanted: Vec<String> = extrinsic.split(',').map(normalize).collect();
    if wanted_pallet.is_empty() || wanted.iter().any(String::is_empty) {
        return Err(CliError::BadArgument(
            "--pallet and --extrinsic must name something (or be `*`)".into(),
        ));
    }
    let mut selected = Vec::new();
    for list in lists {
        let name = String::from_utf8_lossy(&list.pallet);
        if !every(pallet) && normalize(&name) != wanted_pallet {
            continue;
        }
        for benchmark in &list.benchmarks {
            let benchmark_name = String::from_utf8_lossy(&benchmark.name);
            if every(extrinsic) || wanted.contains(&normalize(&benchmark_name)) {
                selected.push(Selected {
                    pallet: list.pallet.clone(),
                    instance: list.instance.clone(),
                    name: benchmark.name.clone(),
                    components: benchmark.components.clone(),
                });
            }
        }
    }
    if selected.is_empty() {
        let available: Vec<String> = lists
            .iter()
            .flat_map(|list| {
                list.benchmarks.iter().map(|benchmark| {
                    format!(
                        "{}::{}",
                        String::from_utf8_lossy(&list.pallet),
                        String::from_utf8_lossy(&benchmark.name)
                    )
                })
            })
            .collect();
        return Err(CliError::BadArgument(format!(
            "no benchmark matches --pallet {pallet} --extrinsic {extrinsic}; the runtime has: {}",
            available.join(", ")
        )));
    }
    Ok(selected)
}

/// Where each selected pallet's weights go: `output` itself if it is a `.rs` file (one pallet
/// only), else `<output>/<pallet>.rs`.
fn output_files(
    output: Option<&Path>,
    selected: &[Selected],
) -> Result<Vec<(Vec<u8>, PathBuf)>, CliError> {
    let Some(output) = output else {
        return Ok(Vec::new());
    };
    let mut pallets: Vec<Vec<u8>> = selected.iter().map(|b| b.pallet.clone()).collect();
    pallets.dedup();
    if output.extension().is_some_and(|ext| ext == "rs") {
        return match pallets.as_slice() {
            [pallet] => Ok(vec![(pallet.clone(), output.to_path_buf())]),
            _ => Err(CliError::BadArgument(format!(
                "--output {} is one file but {} pallets are selected; give a directory",
                output.display(),
                pallets.len()
            ))),
        };
    }
    std::fs::create_dir_all(output)
        .map_err(CliError::io(format!("creating {}", output.display())))?;
    Ok(pallets
        .into_iter()
        .map(|pallet| {
            let file = format!("{}.rs", String::from_utf8_lossy(&pallet));
            (pallet, output.join(file))
        })
        .collect())
}

/// The component values to run, as `frame-benchmarking-cli` picks them: each component over
/// `steps` values from its lowest to its highest while the others stay at their highest
/// (duplicates dropped); one empty set for a benchmark without components.
fn component_values(
    components: &[(BenchmarkParameter, u32, u32)],
    steps: u32,
) -> Vec<Vec<(BenchmarkParameter, u32)>> {
    if components.is_empty() {
        return vec![Vec::new()];
    }
    let mut points: Vec<Vec<(BenchmarkParameter, u32)>> = Vec::new();
    for (index, (_, low, high)) in components.iter().enumerate() {
        let span = u64::from(high.saturating_sub(*low));
        let last = u64::from(steps.saturating_sub(1)).max(1);
        for step in 0..u64::from(steps) {
            let offset = u32::try_from(span * step / last).unwrap_or(u32::MAX);
            let value = low.saturating_add(offset).min(*high);
            let point: Vec<(BenchmarkParameter, u32)> = components
                .iter()
                .enumerate()
                .map(|(other, (name, _, other_high))| {
                    (*name, if other == index { value } else { *other_high })
                })
                .collect();
            if !points.contains(&point) {
                points.push(point);
            }
        }
    }
    points
}

/// One `Benchmark_dispatch_benchmark` call: `repeat` runs of `benchmark` at `components`.
fn run_once(
    runtime: &RuntimeDescriptor,
    state: &BenchState,
    benchmark: &Selected,
    components: &[(BenchmarkParameter, u32)],
    verify: bool,
    repeat: u32,
) -> Result<Vec<BenchmarkResult>, CliError> {
    let config = BenchmarkConfig {
        pallet: benchmark.pallet.clone(),
        instance: benchmark.instance.clone(),
        benchmark: benchmark.name.clone(),
        selected_components: components.to_vec(),
        verify,
        internal_repeats: repeat,
    };
    let context = || {
        let values: Vec<String> = components
            .iter()
            .map(|(name, value)| format!("{name:?}={value}"))
            .collect();
        format!("{} [{}]", benchmark.label(), values.join(", "))
    };
    let outcome: Result<Vec<BenchmarkBatch>, String> = runtime
        .execute_decoded(
            state,
            &mut OverlayedChanges::default(),
            "Benchmark_dispatch_benchmark",
            &config.encode(),
        )
        .map_err(|error| CliError::Benchmark(format!("{}: {error}", context())))?;
    let batches =
        outcome.map_err(|error| CliError::Benchmark(format!("{}: {error}", context())))?;
    Ok(batches
        .into_iter()
        .filter(|batch| batch.benchmark == benchmark.name)
        .flat_map(|batch| batch.results)
        .collect())
}

/// Fits `results` of `benchmark`: computation time, reads, writes and proof size, each a base
/// plus a slope per component.
fn fit(
    benchmark: &Selected,
    results: &[BenchmarkResult],
    storage_info: &[StorageInfo],
) -> Result<Fitted, CliError> {
    if results.is_empty() {
        return Err(CliError::Benchmark(format!(
            "{} produced no results (skipped by the runtime)",
            benchmark.label()
        )));
    }
    let results = results.to_vec();
    let analyse = |selector: BenchmarkSelector| {
        Analysis::min_squares_iqr(&results, selector)
            .map_err(|error| CliError::Benchmark(format!("{}: {error}", benchmark.label())))
    };
    let time = analyse(BenchmarkSelector::ExtrinsicTime)?;
    let reads = analyse(BenchmarkSelector::Reads)?;
    let writes = analyse(BenchmarkSelector::Writes)?;
    let proof = analyse(BenchmarkSelector::ProofSize)?;
    let slope = |analysis: &Analysis, index: usize| {
        u64::try_from(analysis.slopes.get(index).copied().unwrap_or(0)).unwrap_or(u64::MAX)
    };
    let components = benchmark
        .components
        .iter()
        .enumerate()
        .map(|(index, (name, low, high))| FittedComponent {
            name: format!("{name:?}"),
            low: *low,
            high: *high,
            ref_time: slope(&time, index),
            reads: slope(&reads, index),
            writes: slope(&writes, index),
            proof_size: slope(&proof, index),
        })
        .collect();
    let clamp = |value: u128| u64::try_from(value).unwrap_or(u64::MAX);
    // The storage items of the run with the most accesses (the highest component values).
    let keys = results
        .iter()
        .max_by_key(|result| result.reads.saturating_add(result.writes))
        .map(|result| weights::storage_lines(&result.keys, storage_info))
        .unwrap_or_default();
    Ok(Fitted {
        pallet: benchmark.pallet.clone(),
        name: String::from_utf8_lossy(&benchmark.name).into_owned(),
        ref_time: clamp(time.base),
        reads: clamp(reads.base),
        writes: clamp(writes.base),
        proof_size: clamp(proof.base),
        min_ref_time: clamp(time.minimum.saturating_mul(1_000)),
        components,
        storage: keys,
        runs: results.len(),
    })
}

/// The command line as typed, quoted where a shell would need it.
fn command_line() -> String {
    std::env::args()
        .map(|arg| {
            let plain = !arg.is_empty()
                && arg
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_-./=:,".contains(c));
            if plain {
                arg
            } else {
                format!("'{}'", arg.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn component_values_vary_one_component_at_a_time() {
        let points = component_values(
            &[
                (BenchmarkParameter::n, 2, 3),
                (BenchmarkParameter::w, 1, 10),
            ],
            3,
        );
        assert_eq!(
            points,
            vec![
                vec![(BenchmarkParameter::n, 2), (BenchmarkParameter::w, 10)],
                vec![(BenchmarkParameter::n, 3), (BenchmarkParameter::w, 10)],
                vec![(BenchmarkParameter::n, 3), (BenchmarkParameter::w, 1)],
                vec![(BenchmarkParameter::n, 3), (BenchmarkParameter::w, 5)],
            ]
        );
        assert_eq!(component_values(&[], 50), vec![Vec::new()]);
    }
}
