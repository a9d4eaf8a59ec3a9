//! The @polkadot/api client example (`examples/js-client/transfer.mjs`) against a real node: it
//! must connect, transfer 1.5 WCME from Alice to Bob, see the transfer in a block and finalized,
//! and find Bob richer by exactly that amount.
//!
//! Needs Node.js and npm (`scripts/setup.sh` installs them); without `npm` the test fails and
//! says so, since a skipped client test would prove nothing. The example's dependencies are
//! installed with `npm ci` when `examples/js-client/node_modules` lacks them. The test takes a
//! few seconds (plus `npm ci` on a fresh checkout); every step has a time limit and the node is
//! killed in all cases.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::js::{ensure_packages, example_dir, npm_available, run_with_timeout};
use common::{TestNode, fast_chain_spec};

/// The script's own limit for the whole run (`WCME_TIMEOUT_SECS`); it exits 2 when exceeded.
const SCRIPT_TIMEOUT_SECS: u64 = 30;
/// The test's limit for the script, in case it does not stop by itself.
const SCRIPT_KILL_AFTER: Duration = Duration::from_secs(SCRIPT_TIMEOUT_SECS + 10);

#[test]
fn polkadot_js_transfer_is_finalized() {
    let example = example_dir();
    assert!(
        npm_available(),
        "`npm` is not installed: run scripts/setup.sh, which installs Node.js and npm"
    );
    ensure_packages(&example);

    // Declared before the node so it is removed only after the node is killed.
    let dir = tempfile::tempdir().expect("temporary directory");
    let spec = fast_chain_spec(dir.path());
    let base = dir.path().join("base");
    let node = TestNode::start(&[
        "--chain",
        spec.to_str().expect("utf-8 path"),
        "--alice",
        "--base-path",
        base.to_str().expect("utf-8 path"),
        "--no-prometheus",
    ]);

    let started = Instant::now();
    let result = run_with_timeout(
        Command::new("node")
            .arg("transfer.mjs")
            .arg(&node.ws_url)
            .env("WCME_TIMEOUT_SECS", SCRIPT_TIMEOUT_SECS.to_string())
            .env_remove("WCME_WS")
            .current_dir(&example),
        SCRIPT_KILL_AFTER,
    );
    let output = match result {
        Ok(output) => output,
        Err(e) => panic!("{e}\n{}", node.log()),
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    eprintln!(
        "node transfer.mjs {} finished in {:.1?} with {}\n\
         --- stdout ---\n{stdout}--- stderr ---\n{stderr}",
        node.ws_url,
        started.elapsed(),
        output.status
    );
    assert!(
        output.status.success(),
        "transfer.mjs failed ({}); the node's log:\n{}",
        output.status,
        node.log()
    );
    for expected in [
        "Chain:           Development",
        "Token:           WCME, 12 decimals, SS58 prefix 42",
        "Status:          InBlock 0x",
        "Status:          Finalized 0x",
        "Finalized in block #",
        "balances.Transfer",
        "system.ExtrinsicSuccess",
        "transactionPayment.TransactionFeePaid",
        "OK: 1.5 WCME (1500000000000 planck) transferred from Alice to Bob",
    ] {
        assert!(
            stdout.contains(expected),
            "transfer.mjs did not print {expected:?}"
        );
    }
    // `InBlock` must come before `Finalized`.
    let in_block = stdout.find("Status:          InBlock");
    let finalized = stdout.find("Status:          Finalized");
    assert!(in_block < finalized, "InBlock was reported after Finalized");
}
