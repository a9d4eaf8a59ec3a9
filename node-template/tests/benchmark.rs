//! `wcme-node benchmark transfers|swaps|contracts|pallet|network` in a short mode (transfers
//! through the dev and the Proof-of-Credit engine): the benchmarks themselves must keep working
//! (their figures are recorded in docs/performance.md from release runs, never asserted here).

mod common;

/// Runs `benchmark <args>` in a fresh base path; returns its standard output.
fn run_benchmark(args: &[&str]) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut full = vec!["benchmark"];
    full.extend_from_slice(args);
    full.extend_from_slice(&["--base-path", dir.path().to_str().expect("utf8")]);
    let (ok, stdout, stderr) = common::run_cli(&full);
    assert!(ok, "benchmark {args:?} failed: {stderr}");
    stdout
}

/// The lines every throughput report has; `engine` sealed and verified the blocks.
fn assert_report(stdout: &str, engine: &str, unit: &str, count: u32, blocks: u32) {
    assert!(
        stdout.contains(&format!("consensus:                 {engine}\n")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("{:<27}{count}", format!("{unit}:"))),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("blocks:                    {blocks}")),
        "{stdout}"
    );
    for line in [
        "production:",
        "import (re-execute+commit):",
        "seal+slot checks:",
        "imported DB size:",
        "peak RSS:",
    ] {
        assert!(stdout.contains(line), "{line} missing in:\n{stdout}");
    }
    assert!(stdout.contains(&format!("{unit}/s (one core)")), "{stdout}");
}

#[test]
fn transfer_benchmark_runs_in_short_mode() {
    let stdout = run_benchmark(&[
        "transfers",
        "--transfers",
        "300",
        "--accounts",
        "30",
        "--block-size",
        "100",
    ]);
    assert_report(&stdout, "dev", "transfers", 300, 3);
    let (ok, _, stderr) = common::run_cli(&["benchmark", "transfers", "--accounts", "0"]);
    assert!(!ok);
    assert!(stderr.contains("must be positive"), "{stderr}");
}

/// The same workload through the Proof-of-Credit engine (`--chain local`): each block is sealed
/// by the packing key its slot's owner has in the runtime's schedule and import checks that.
#[test]
fn transfer_benchmark_runs_through_the_poc_engine() {
    let stdout = run_benchmark(&[
        "transfers",
        "--transfers",
        "300",
        "--accounts",
        "30",
        "--block-size",
        "100",
        "--chain",
        "local",
    ]);
    assert_report(&stdout, "poc", "transfers", 300, 3);
    let (ok, _, stderr) = common::run_cli(&["benchmark", "transfers", "--chain", "nowhere"]);
    assert!(!ok);
    assert!(stderr.contains("nowhere"), "{stderr}");
    assert!(!stderr.contains("panic"), "{stderr}");
}

#[test]
fn swap_benchmark_runs_in_short_mode_with_one_and_two_hops() {
    // The setup blocks (issuing the pools; for two hops also buying and handing out the asset
    // sold) are not counted; every measured swap must dispatch successfully, or the run fails.
    for hops in ["1", "2"] {
        let stdout = run_benchmark(&[
            "swaps",
            "--swaps",
            "200",
            "--accounts",
            "20",
            "--hops",
            hops,
            "--block-size",
            "100",
        ]);
        assert_report(&stdout, "dev", "swaps", 200, 2);
    }
    for (args, expected) in [
        (&["--hops", "3"][..], "--hops"),
        (&["--swaps", "0"][..], "must be positive"),
    ] {
        let mut full = vec!["benchmark", "swaps"];
        full.extend_from_slice(args);
        let (ok, _, stderr) = common::run_cli(&full);
        assert!(!ok, "{args:?} accepted");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(!stderr.contains("panic"), "{args:?}: {stderr}");
    }
}

/// The example token (`examples/contracts/token/token.c`, built by `examples/contracts/build.sh`):
/// untimed setup (upload, instantiate, one token transfer to each sender), then measured token
/// transfers, then a second workload of measured instantiations; every call must dispatch
/// successfully (the harness checks each block's events), or the run fails.
#[test]
fn contract_benchmark_runs_in_short_mode() {
    let code = common::contracts::token_path();
    let code = code.to_str().expect("utf8");
    let stdout = run_benchmark(&[
        "contracts",
        "--transfers",
        "200",
        "--accounts",
        "20",
        "--block-size",
        "100",
        "--instantiations",
        "30",
        "--code",
        code,
    ]);
    let reports: Vec<&str> = stdout.split("\n\n").collect();
    assert_eq!(reports.len(), 2, "{stdout}");
    assert_report(reports[0], "dev", "contract transfers", 200, 2);
    assert_report(reports[1], "dev", "instantiations", 30, 1);

    for (args, expected) in [
        (
            &["--code", "/nonexistent/token.wasm"][..],
            "examples/contracts/build.sh",
        ),
        (&["--transfers", "0"][..], "must be positive"),
    ] {
        let mut full = vec!["benchmark", "contracts"];
        full.extend_from_slice(args);
        let (ok, _, stderr) = common::run_cli(&full);
        assert!(!ok, "{args:?} accepted");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(!stderr.contains("panic"), "{args:?}: {stderr}");
    }
}

/// Without the `runtime-benchmarks` feature the command exists but says how to get it.
#[cfg(not(feature = "runtime-benchmarks"))]
#[test]
fn pallet_benchmark_needs_the_feature() {
    let (ok, _, stderr) = common::run_cli(&["benchmark", "pallet", "--pallet", "*"]);
    assert!(!ok);
    assert!(stderr.contains("--features runtime-benchmarks"), "{stderr}");
}

/// With it (`cargo test -p wcme-node --features runtime-benchmarks --test benchmark`), the
/// pallet benchmarks run on the runtime and produce a `weights.rs` of the expected shape.
#[cfg(feature = "runtime-benchmarks")]
#[test]
fn pallet_benchmark_writes_weights() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = dir.path().join("weights.rs");
    let (ok, stdout, stderr) = common::run_cli(&[
        "benchmark",
        "pallet",
        "--pallet",
        "pallet_wcme_smart_assets",
        "--extrinsic",
        "swap_exact_in,issue",
        "--steps",
        "2",
        "--repeat",
        "2",
        "--output",
        output.to_str().expect("utf8"),
    ]);
    assert!(ok, "benchmark pallet failed: {stderr}");
    assert!(
        stdout.contains("pallet_wcme_smart_assets::swap_exact_in"),
        "{stdout}"
    );
    let weights = std::fs::read_to_string(&output).expect("weights written");
    for expected in [
        "pub trait WeightInfo {",
        "fn swap_exact_in(n: u32) -> Weight;",
        "fn issue() -> Weight;",
        "impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {",
        "impl WeightInfo for () {",
        "//! - Command: `",
        "`SmartAssets::Pools`",
    ] {
        assert!(
            weights.contains(expected),
            "{expected} missing in:\n{weights}"
        );
    }

    let (ok, _, stderr) = common::run_cli(&["benchmark", "pallet", "--pallet", "nope"]);
    assert!(!ok);
    assert!(
        stderr.contains("pallet_wcme_smart_assets::issue"),
        "{stderr}"
    );
}

/// The node's event check finds a failed extrinsic among a block's events (the benchmarks rely on
/// it not to measure failing swaps).
#[test]
fn event_check_reports_failed_extrinsics() {
    use codec::Encode;
    use frame_system::{DispatchEventInfo, EventRecord, Phase};
    use wcme_runtime_main::{Hash, RuntimeEvent, signing::check_block_events};

    let record = |index: u32, event: frame_system::Event<wcme_runtime_main::Runtime>| EventRecord::<
        RuntimeEvent,
        Hash,
    > {
        phase: Phase::ApplyExtrinsic(index),
        event: RuntimeEvent::System(event),
        topics: Vec::new(),
    };
    let success = record(
        0,
        frame_system::Event::ExtrinsicSuccess {
            dispatch_info: DispatchEventInfo::default(),
        },
    );
    let failure = record(
        3,
        frame_system::Event::ExtrinsicFailed {
            dispatch_error: sp_runtime::DispatchError::BadOrigin,
            dispatch_info: DispatchEventInfo::default(),
        },
    );
    assert_eq!(check_block_events(&vec![success.clone()].encode()), Ok(()));
    let error = check_block_events(&vec![success, failure].encode()).expect_err("failure found");
    assert!(
        error.contains("extrinsic 3") && error.contains("BadOrigin"),
        "{error}"
    );
    assert!(check_block_events(&[7, 7, 7]).is_err());
}

#[test]
fn network_benchmark_drives_two_chains_of_real_nodes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut specs = Vec::new();
    // One node per chain: this checks the benchmark itself (spec writing, starting the
    // networks, sending, following, the report); gossip between nodes has its own tests, and
    // in a debug build on a loaded CI machine a multi-node run takes too long to be a fair
    // test.
    for (name, engine, validators) in [("net-aura", "aura", "alice"), ("net-pbft", "pbft", "alice")]
    {
        let spec = dir.path().join(format!("{name}.json"));
        let spec_arg = spec.to_str().expect("utf8").to_owned();
        let (ok, _, stderr) = common::run_cli(&[
            "subchain",
            "new",
            name,
            "--symbol",
            "NET",
            "--consensus",
            engine,
            "--validators",
            validators,
            "--slot-duration-ms",
            "1000",
            "-o",
            &spec_arg,
        ]);
        assert!(ok, "{stderr}");
        specs.push(spec_arg);
    }
    // Fixed ports below the ephemeral range the other tests' nodes take theirs from.
    let stdout = run_benchmark(&[
        "network",
        "--chain",
        &specs[0],
        "--chain",
        &specs[1],
        "--nodes",
        "1",
        "--transfers",
        "200",
        "--accounts",
        "10",
        "--port",
        "21333",
        "--rpc-port",
        "21944",
    ]);
    for (name, engine) in [("net-aura", "aura"), ("net-pbft", "pbft")] {
        let row = stdout
            .lines()
            .find(|line| line.starts_with(name))
            .unwrap_or_else(|| panic!("no row for {name} in:\n{stdout}"));
        let columns: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(columns.get(1), Some(&engine), "{row}");
        assert_eq!(columns.get(2), Some(&"200"), "{row}");
    }
    assert!(
        stdout.contains("2 chain(s) of 1 node(s) each: 400 transfers"),
        "{stdout}"
    );

    let (ok, _, stderr) = common::run_cli(&["benchmark", "network", "--nodes", "0"]);
    assert!(!ok);
    assert!(stderr.contains("must be positive"), "{stderr}");
}
