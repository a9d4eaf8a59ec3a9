//! Building signed extrinsics natively: what a wallet does, for tests, tools and the node's
//! `benchmark transfers` (a subchain node hands [`signed_transfer`] and [`check_block_events`]
//! to `wcme_cli::BenchmarkHooks`). Wallets such as @polkadot/api build the same bytes from the
//! metadata.

use alloc::{string::String, vec::Vec};
use codec::Encode;
use sp_core::sr25519;
use sp_runtime::generic::Era;

use crate::{
    AccountId, Address, Balance, BalancesCall, Hash, Nonce, Runtime, RuntimeCall, RuntimeEvent,
    TxExtension, UncheckedExtrinsic, VERSION,
};

/// The transaction extensions for a transaction with `nonce`, valid for `era`, paying `tip`.
pub fn tx_extension(nonce: Nonce, era: Era, tip: Balance) -> TxExtension {
    wcme_runtime_common::tx_extension::<Runtime>(nonce, era, tip)
}

/// Signs `call` by `signer` with `nonce` as an immortal transaction of the chain with `genesis`
/// (needs no externalities; see [`wcme_runtime_common::sign`]).
pub fn sign(
    signer: &sr25519::Pair,
    call: RuntimeCall,
    nonce: Nonce,
    genesis: Hash,
) -> UncheckedExtrinsic {
    wcme_runtime_common::sign::<Runtime>(signer, call, nonce, genesis, &VERSION)
}

/// The encoded `Balances::transfer_keep_alive(to, amount)` signed by `signer` (the shape of
/// `wcme_cli::TransferSigner`).
pub fn signed_transfer(
    signer: &sr25519::Pair,
    to: &AccountId,
    amount: Balance,
    nonce: Nonce,
    genesis: Hash,
) -> Vec<u8> {
    let call = RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
        dest: Address::Id(to.clone()),
        value: amount,
    });
    sign(signer, call, nonce, genesis).encode()
}

/// Checks the `System::Events` of a block: `Err` describing the first extrinsic that failed to
/// dispatch (`System::ExtrinsicFailed`), or the events do not decode (the shape of
/// `wcme_cli::EventCheck`).
pub fn check_block_events(events: &[u8]) -> Result<(), String> {
    wcme_runtime_common::check_block_events::<Runtime, RuntimeEvent>(events)
}
