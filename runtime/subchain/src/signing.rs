//! Building signed extrinsics natively: what a wallet does, for tests, tools and the node's
//! `benchmark transfers` (a subchain node hands [`signed_transfer`] and [`check_block_events`]
//! to `wcme_cli::BenchmarkHooks`). Wallets such as @polkadot/api build the same bytes from the
//! metadata.
//!
//! A transaction verifies only if it is signed in the chain's account scheme
//! (`ChainConfig::AccountScheme`): [`sign`] and [`signed_transfer`] sign with sr25519 (the
//! default scheme), [`sign_with`] and [`signed_transfer_with`] with an [`AccountPair`] of any
//! scheme, e.g. `AccountPair::from_dev_uri(SignatureScheme::Sm2, "//Alice")` on an SM2 chain.

use alloc::{string::String, vec::Vec};
use codec::Encode;
use sp_core::{Pair as _, sr25519};
use sp_runtime::generic::Era;

pub use wcme_subchain_primitives::{AccountPair, KeyError, Sm2Pair};

use crate::{
    AccountId, Address, Balance, BalancesCall, Hash, Nonce, Runtime, RuntimeCall, RuntimeEvent,
    Signature, TxExtension, UncheckedExtrinsic, VERSION,
};

/// The transaction extensions for a transaction with `nonce`, valid for `era`, paying `tip`.
pub fn tx_extension(nonce: Nonce, era: Era, tip: Balance) -> TxExtension {
    wcme_runtime_common::tx_extension::<Runtime>(nonce, era, tip)
}

/// Signs `call` by the sr25519 key `signer` with `nonce` as an immortal transaction of the
/// chain with `genesis` (needs no externalities; see [`wcme_runtime_common::try_sign_with`]).
/// Valid on a chain whose accounts use sr25519, the default.
pub fn sign(
    signer: &sr25519::Pair,
    call: RuntimeCall,
    nonce: Nonce,
    genesis: Hash,
) -> UncheckedExtrinsic {
    let account = AccountId::from(signer.public().0);
    let signed = wcme_runtime_common::try_sign_with::<
        Runtime,
        Signature,
        core::convert::Infallible,
        _,
    >(call, account, nonce, genesis, &VERSION, |payload| {
        Ok(Signature::from(signer.sign(payload)))
    });
    let Ok(extrinsic) = signed;
    extrinsic
}

/// Signs `call` by `signer`, a key of any scheme, with `nonce` as an immortal transaction of the
/// chain with `genesis`. Valid on a chain whose accounts use `signer`'s scheme. `Err` only if
/// SM2 signing fails ([`KeyError::Sm2SigningFailed`]).
pub fn sign_with(
    signer: &AccountPair,
    call: RuntimeCall,
    nonce: Nonce,
    genesis: Hash,
) -> Result<UncheckedExtrinsic, KeyError> {
    wcme_runtime_common::try_sign_with::<Runtime, Signature, KeyError, _>(
        call,
        signer.account_id(),
        nonce,
        genesis,
        &VERSION,
        |payload| signer.sign(payload).map(Signature::from),
    )
}

/// `Balances::transfer_keep_alive(to, amount)`.
pub fn transfer_call(to: &AccountId, amount: Balance) -> RuntimeCall {
    RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
        dest: Address::Id(to.clone()),
        value: amount,
    })
}

/// The encoded `Balances::transfer_keep_alive(to, amount)` signed by the sr25519 key `signer`
/// (the shape of `wcme_cli::TransferSigner`).
pub fn signed_transfer(
    signer: &sr25519::Pair,
    to: &AccountId,
    amount: Balance,
    nonce: Nonce,
    genesis: Hash,
) -> Vec<u8> {
    sign(signer, transfer_call(to, amount), nonce, genesis).encode()
}

/// The encoded `Balances::transfer_keep_alive(to, amount)` signed by `signer`, a key of any
/// scheme (see [`sign_with`]).
pub fn signed_transfer_with(
    signer: &AccountPair,
    to: &AccountId,
    amount: Balance,
    nonce: Nonce,
    genesis: Hash,
) -> Result<Vec<u8>, KeyError> {
    sign_with(signer, transfer_call(to, amount), nonce, genesis).map(|xt| xt.encode())
}

/// Checks the `System::Events` of a block: `Err` describing the first extrinsic that failed to
/// dispatch (`System::ExtrinsicFailed`), or the events do not decode (the shape of
/// `wcme_cli::EventCheck`).
pub fn check_block_events(events: &[u8]) -> Result<(), String> {
    wcme_runtime_common::check_block_events::<Runtime, RuntimeEvent>(events)
}

/// What the extrinsic at `index` of a block did, from the block's `System::Events`: its events,
/// or its dispatch error by name (`Contracts::ContractReverted`).
pub fn extrinsic_outcome(events: &[u8], index: u32) -> Result<Vec<String>, String> {
    wcme_runtime_common::extrinsic_outcome::<Runtime, RuntimeEvent>(
        events,
        index,
        &Runtime::metadata_ir(),
    )
}
