//! The @polkadot/api AMM example (`examples/js-client/amm.mjs`) against a real node: Alice issues
//! two smart assets, Bob swaps WCME for GOLD, sends GOLD to Alice, adds liquidity, swaps GOLD for
//! an exact amount of WCME and GOLD for SILVER through WCME; the script checks every balance,
//! share, reserve (storage and the `wcme_pool` RPC), quote (`wcme_quoteExactIn`/`Out`) and event
//! against the AMM formulas and exits 0 only when all of them hold.
//!
//! Needs Node.js and npm (`scripts/setup.sh` installs them); without `npm` the test fails and
//! says so. The example's dependencies are installed with `npm ci` when missing. Every step has a
//! time limit and the node is killed in all cases.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::js::{ensure_packages, example_dir, npm_available, run_with_timeout};
use common::{TestNode, fast_chain_spec};

/// The script's own limit for the whole run (`WCME_TIMEOUT_SECS`); it exits 2 when exceeded.
const SCRIPT_TIMEOUT_SECS: u64 = 120;
/// The test's limit for the script, in case it does not stop by itself.
const SCRIPT_KILL_AFTER: Duration = Duration::from_secs(SCRIPT_TIMEOUT_SECS + 10);

#[test]
fn polkadot_js_amm_matches_the_formulas() {
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
            .arg("amm.mjs")
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
        "node amm.mjs {} finished in {:.1?} with {}\n\
         --- stdout ---\n{stdout}--- stderr ---\n{stderr}",
        node.ws_url,
        started.elapsed(),
        output.status
    );
    assert!(
        output.status.success(),
        "amm.mjs failed ({}); the node's log:\n{}",
        output.status,
        node.log()
    );
    // A fresh chain: the assets get ids 1 and 2 and every number is deterministic.
    for expected in [
        "OK issue: GOLD = asset 1, SILVER = asset 2",
        "smartAssets.Issued",
        "OK swap_exact_in [0, 1]: 10 WCME (10000000000000) -> 9871.580343970612 GOLD \
         (9871580343970612), protocol fee 0.005 WCME (5000000000)",
        "smartAssets.Transferred",
        "OK transfer: 1 GOLD (1000000000000) Bob -> Alice",
        "smartAssets.LiquidityAdded",
        "OK add_liquidity: 5 WCME (5000000000000) + 4901.650105475915 GOLD (4901650105475915) \
         -> 156549174014147 shares",
        "OK swap_exact_out [1, 0]: 1970.442385575585 GOLD (1970442385575585) -> 2 WCME \
         (2000000000000), protocol fee 0.985221192787 GOLD (985221192787)",
        "smartAssets.Swapped",
        "smartAssets.ProtocolFeePaid",
        "OK swap_exact_in [1,0,2]: 1000 GOLD (1000000000000000) -> 1.011983496687 WCME \
         (1011983496687) -> 10069.156959556157 SILVER (10069156959556157)",
        "OK: issue, transfer, add_liquidity, swap_exact_in, swap_exact_out and a 2-hop swap all \
         match the formulas",
    ] {
        assert!(
            stdout.contains(expected),
            "amm.mjs did not print {expected:?}"
        );
    }
}
