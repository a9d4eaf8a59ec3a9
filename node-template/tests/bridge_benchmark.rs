//! `wcme-node benchmark bridge` in a short mode: the benchmark itself must keep working (its
//! figures are recorded in docs/performance.md from release runs, never asserted here). A test
//! binary of its own, so that its four nodes never share the machine with the other
//! benchmarks' networks, whose deadlines are sized for a machine to themselves.

mod common;

#[test]
fn bridge_benchmark_moves_wcme_through_real_chains_and_a_relayer() {
    // Fixed ports below the ephemeral range the other tests' nodes take theirs from.
    let dir = tempfile::tempdir().expect("tempdir");
    let (ok, stdout, stderr) = common::run_cli(&[
        "benchmark",
        "bridge",
        "--transfers",
        "10",
        "--senders",
        "3",
        "--port",
        "22333",
        "--rpc-port",
        "22944",
        "--base-path",
        dir.path().to_str().expect("utf8"),
    ]);
    assert!(ok, "benchmark bridge failed: {stderr}");
    assert!(
        stdout.contains("bridge: 10 transfers main → subchain 1 from 3 senders"),
        "{stdout}"
    );
    assert!(stdout.contains("messages: "), "{stdout}");
    assert!(stdout.contains("lock → mint: p50 "), "{stdout}");

    let (ok, _, stderr) = common::run_cli(&["benchmark", "bridge", "--transfers", "0"]);
    assert!(!ok);
    assert!(stderr.contains("must be positive"), "{stderr}");
}
