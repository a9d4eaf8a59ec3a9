//! `wcme-node benchmark transfers` in a short mode: the benchmark itself must keep working (its
//! figures are recorded in docs/performance.md from release runs, never asserted here).

mod common;

#[test]
fn transfer_benchmark_runs_in_short_mode() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (ok, stdout, stderr) = common::run_cli(&[
        "benchmark",
        "transfers",
        "--transfers",
        "300",
        "--accounts",
        "30",
        "--block-size",
        "100",
        "--base-path",
        dir.path().to_str().expect("utf8"),
    ]);
    assert!(ok, "benchmark failed: {stderr}");
    assert!(
        stdout.contains("transfers:                 300"),
        "{stdout}"
    );
    assert!(stdout.contains("blocks:                    3"), "{stdout}");
    for line in [
        "production:",
        "import (re-execute+commit):",
        "imported DB size:",
        "peak RSS:",
    ] {
        assert!(stdout.contains(line), "{line} missing in:\n{stdout}");
    }
    let (ok, _, stderr) = common::run_cli(&["benchmark", "transfers", "--accounts", "0"]);
    assert!(!ok);
    assert!(stderr.contains("must be positive"), "{stderr}");
}
