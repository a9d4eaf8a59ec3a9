//! What every WCME runtime shares, so the main-chain runtime and the subchain template (and the
//! business runtimes forked from it) cannot drift apart where wallets and the node rely on them
//! being the same: the transaction extensions of a signed transaction, in Substrate's order;
//! building and signing a transaction natively, as a wallet does; and reading a block's failed
//! extrinsics from its `System::Events` (the node's `benchmark` subcommands check every block).
//!
//! The signature type is a parameter: the main chain signs with `MultiSignature`
//! ([`UncheckedExtrinsic`]'s default, [`sign`]), a subchain with the scheme it chose at genesis
//! (its own signature type, signed through [`try_sign_with`]). Everything else about the
//! transaction format is the same.

extern crate alloc;

mod apis;

use alloc::{format, string::String, vec::Vec};
use codec::{Decode, Encode};
use frame_support::Parameter;
use frame_support::dispatch::{DispatchInfo, PostDispatchInfo};
use pallet_transaction_payment::OnChargeTransaction;
use sp_core::{Pair as _, sr25519};
use sp_runtime::{
    MultiAddress,
    generic::{self, Era},
    traits::{Dispatchable, Member},
};
use sp_version::RuntimeVersion;
use wcme_primitives::{AccountId, Balance, Signature};

/// The transaction extensions of a WCME runtime `R`, in Substrate's order. Wallets build the
/// signed payload from the metadata, which lists exactly these.
pub type TxExtension<R> = (
    frame_system::CheckNonZeroSender<R>,
    frame_system::CheckSpecVersion<R>,
    frame_system::CheckTxVersion<R>,
    frame_system::CheckGenesis<R>,
    frame_system::CheckEra<R>,
    frame_system::CheckNonce<R>,
    frame_system::CheckWeight<R>,
    pallet_transaction_payment::ChargeTransactionPayment<R>,
);

/// How WCME runtimes address accounts in calls: Substrate's `MultiAddress` without indices.
pub type Address = MultiAddress<AccountId, ()>;

/// A signed or bare extrinsic of runtime `R` with calls `Call` and signatures `S` (by default
/// `MultiSignature`, the main chain's).
pub type UncheckedExtrinsic<R, Call, S = Signature> =
    generic::UncheckedExtrinsic<Address, Call, S, TxExtension<R>>;

/// The transaction extensions for a transaction with `nonce`, valid for `era`, paying `tip`.
pub fn tx_extension<R>(nonce: R::Nonce, era: Era, tip: Balance) -> TxExtension<R>
where
    R: frame_system::Config + pallet_transaction_payment::Config + Send + Sync,
    R::RuntimeCall: Dispatchable<Info = DispatchInfo, PostInfo = PostDispatchInfo>,
    R::OnChargeTransaction: OnChargeTransaction<R, Balance = Balance>,
{
    (
        frame_system::CheckNonZeroSender::<R>::new(),
        frame_system::CheckSpecVersion::<R>::new(),
        frame_system::CheckTxVersion::<R>::new(),
        frame_system::CheckGenesis::<R>::new(),
        frame_system::CheckEra::<R>::from(era),
        frame_system::CheckNonce::<R>::from(nonce),
        frame_system::CheckWeight::<R>::new(),
        pallet_transaction_payment::ChargeTransactionPayment::<R>::from(tip),
    )
}

/// Signs `call` by `signer` with `nonce` as an immortal, tip-free transaction of the chain with
/// `genesis` whose runtime is at `version`, with a `MultiSignature` (the main chain's format).
///
/// Needs no externalities: the implicit data (spec and transaction version, genesis hash twice
/// for an immortal era) is given, not read from state. The signed payload is Substrate's: call,
/// extensions and implicit data, hashed with blake2-256 when longer than 256 bytes.
pub fn sign<R>(
    signer: &sr25519::Pair,
    call: R::RuntimeCall,
    nonce: R::Nonce,
    genesis: R::Hash,
    version: &RuntimeVersion,
) -> UncheckedExtrinsic<R, R::RuntimeCall>
where
    R: frame_system::Config + pallet_transaction_payment::Config + Send + Sync,
    R::RuntimeCall: Dispatchable<Info = DispatchInfo, PostInfo = PostDispatchInfo>,
    R::OnChargeTransaction: OnChargeTransaction<R, Balance = Balance>,
{
    let account = AccountId::from(signer.public().0);
    let signed = try_sign_with::<R, Signature, core::convert::Infallible, _>(
        call,
        account,
        nonce,
        genesis,
        version,
        |payload| Ok(signer.sign(payload).into()),
    );
    let Ok(extrinsic) = signed;
    extrinsic
}

/// [`sign`] for any signature type `S`: `call` by the account `signer` with `nonce`, as an
/// immortal, tip-free transaction of the chain with `genesis` at `version`, with the signature
/// `sign_payload` makes over the signing payload it is given (Substrate's: call, extensions and
/// implicit data, already hashed with blake2-256 if longer than 256 bytes). `Err` is
/// `sign_payload`'s error (e.g. a signer that can fail).
///
/// Needs no externalities. `S` must be the runtime's signature type for the result to decode
/// there, and `signer` the account the signature verifies for.
pub fn try_sign_with<R, S, E, F>(
    call: R::RuntimeCall,
    signer: AccountId,
    nonce: R::Nonce,
    genesis: R::Hash,
    version: &RuntimeVersion,
    sign_payload: F,
) -> Result<UncheckedExtrinsic<R, R::RuntimeCall, S>, E>
where
    R: frame_system::Config + pallet_transaction_payment::Config + Send + Sync,
    R::RuntimeCall: Dispatchable<Info = DispatchInfo, PostInfo = PostDispatchInfo>,
    R::OnChargeTransaction: OnChargeTransaction<R, Balance = Balance>,
    F: FnOnce(&[u8]) -> Result<S, E>,
{
    let extension = tx_extension::<R>(nonce, Era::Immortal, 0);
    let implicit = (
        (),
        version.spec_version,
        version.transaction_version,
        genesis,
        genesis,
        (),
        (),
        (),
    );
    let signature = (&call, &extension, &implicit).using_encoded(|payload| {
        if payload.len() > 256 {
            sign_payload(&sp_crypto_hashing::blake2_256(payload))
        } else {
            sign_payload(payload)
        }
    })?;
    Ok(UncheckedExtrinsic::<R, R::RuntimeCall, S>::new_signed(
        call,
        Address::Id(signer),
        signature,
        extension,
    ))
}

/// Checks the encoded `System::Events` of a block of runtime `R`, whose events are `Event`:
/// `Err` naming the first extrinsic that failed to dispatch (`System::ExtrinsicFailed`), or
/// saying the events do not decode.
pub fn check_block_events<R, Event>(events: &[u8]) -> Result<(), String>
where
    R: frame_system::Config,
    Event: Parameter + Member + TryInto<frame_system::Event<R>>,
{
    let records = Vec::<frame_system::EventRecord<Event, R::Hash>>::decode(&mut &events[..])
        .map_err(|e| format!("System::Events does not decode: {e}"))?;
    for record in records {
        if let Ok(frame_system::Event::ExtrinsicFailed { dispatch_error, .. }) =
            record.event.try_into()
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

/// What the extrinsic at `index` of a block of runtime `R` did, from the block's encoded
/// `System::Events`: its events (`Debug`-formatted, in order) if it dispatched, or the error it
/// failed with, a pallet's error named from the runtime's `metadata` (`Contracts::OutOfGas`).
pub fn extrinsic_outcome<R, Event>(
    events: &[u8],
    index: u32,
    metadata: &sp_metadata_ir::MetadataIR,
) -> Result<Vec<String>, String>
where
    R: frame_system::Config,
    Event: Parameter + Member + TryInto<frame_system::Event<R>>,
{
    let records = Vec::<frame_system::EventRecord<Event, R::Hash>>::decode(&mut &events[..])
        .map_err(|e| format!("System::Events does not decode: {e}"))?;
    let mut described = Vec::new();
    for record in records {
        if record.phase != frame_system::Phase::ApplyExtrinsic(index) {
            continue;
        }
        described.push(format!("{:?}", record.event));
        if let Ok(frame_system::Event::ExtrinsicFailed { dispatch_error, .. }) =
            record.event.try_into()
        {
            return Err(dispatch_error_text(metadata, &dispatch_error));
        }
    }
    if described.is_empty() {
        return Err(format!("the block has no events of extrinsic {index}"));
    }
    Ok(described)
}

/// A dispatch error in words: a pallet's error as `Pallet::Variant` (with the variant's doc
/// comment) when the metadata knows it, anything else as its `Debug` form.
pub fn dispatch_error_text(
    metadata: &sp_metadata_ir::MetadataIR,
    error: &sp_runtime::DispatchError,
) -> String {
    let sp_runtime::DispatchError::Module(module) = error else {
        return format!("{error:?}");
    };
    let variant = metadata
        .pallets
        .iter()
        .find(|pallet| pallet.index == module.index)
        .and_then(|pallet| {
            let errors = pallet.error.as_ref()?.ty.type_info();
            let scale_info::TypeDef::Variant(def) = errors.type_def else {
                return None;
            };
            let code = *module.error.first()?;
            let variant = def.variants.into_iter().find(|v| v.index == code)?;
            Some((pallet.name, variant.name, variant.docs.join(" ")))
        });
    match variant {
        Some((pallet, name, docs)) if docs.is_empty() => format!("{pallet}::{name}"),
        Some((pallet, name, docs)) => format!("{pallet}::{name} ({})", docs.trim()),
        None => format!("{error:?}"),
    }
}
