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

use common::js::run_example_against_fresh_node;

#[test]
fn polkadot_js_transfer_is_finalized() {
    let stdout = run_example_against_fresh_node("transfer.mjs", 30);
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
