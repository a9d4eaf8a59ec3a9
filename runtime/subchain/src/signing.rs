//! Building signed extrinsics natively: what a wallet does, for tests, tools and the node's
//! `benchmark transfers` (a subchain node hands [`signed_transfer`] and [`check_block_events`]
//! to `wcme_cli::BenchmarkHooks`). Wallets such as @polkadot/api build the same bytes from the
//! metadata.

use alloc::{format, string::String, vec::Vec};
use codec::{Decode, Encode};
use sp_core::{Pair as _, sr25519};
use sp_runtime::generic::Era;

use crate::{
    AccountId, Address, Balance, BalancesCall, Hash, Nonce, Runtime, RuntimeCall, RuntimeEvent,
    SignedPayload, TxExtension, UncheckedExtrinsic, VERSION,
};

/// The transaction extensions for a transaction with `nonce`, valid for `era`, paying `tip`.
pub fn tx_extension(nonce: Nonce, era: Era, tip: Balance) -> TxExtension {
    (
        frame_system::CheckNonZeroSender::<Runtime>::new(),
        frame_system::CheckSpecVersion::<Runtime>::new(),
        frame_system::CheckTxVersion::<Runtime>::new(),
        frame_system::CheckGenesis::<Runtime>::new(),
        frame_system::CheckEra::<Runtime>::from(era),
        frame_system::CheckNonce::<Runtime>::from(nonce),
        frame_system::CheckWeight::<Runtime>::new(),
        pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(tip),
    )
}

/// Signs `call` by `signer` with `nonce` as an immortal transaction of the chain with `genesis`.
///
/// Needs no externalities: the implicit data (spec and transaction version, genesis hash twice
/// for an immortal era) is given, not read from state.
pub fn sign(
    signer: &sr25519::Pair,
    call: RuntimeCall,
    nonce: Nonce,
    genesis: Hash,
) -> UncheckedExtrinsic {
    let extension = tx_extension(nonce, Era::Immortal, 0);
    let implicit = (
        (),
        VERSION.spec_version,
        VERSION.transaction_version,
        genesis,
        genesis,
        (),
        (),
        (),
    );
    let payload = SignedPayload::from_raw(call.clone(), extension.clone(), implicit);
    let signature = payload.using_encoded(|bytes| signer.sign(bytes));
    let address = Address::Id(AccountId::from(signer.public().0));
    UncheckedExtrinsic::new_signed(call, address, signature.into(), extension)
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
    let records = Vec::<frame_system::EventRecord<RuntimeEvent, Hash>>::decode(&mut &events[..])
        .map_err(|e| format!("System::Events does not decode: {e}"))?;
    for record in records {
        if let RuntimeEvent::System(frame_system::Event::ExtrinsicFailed {
            dispatch_error, ..
        }) = record.event
        {
            let index = match record.phase {
                frame_system::Phase::ApplyExtrinsic(index) => index,
                _ => u32::MAX,
            };
            return Err(format!(
                "extrinsic {index} of the block failed: {dispatch_error:?}"
            ));
        }
    }
    Ok(())
}
