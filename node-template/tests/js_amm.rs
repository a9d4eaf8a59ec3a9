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

use common::js::run_example_against_fresh_node;

#[test]
fn polkadot_js_amm_matches_the_formulas() {
    let stdout = run_example_against_fresh_node("amm.mjs", 120);
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
