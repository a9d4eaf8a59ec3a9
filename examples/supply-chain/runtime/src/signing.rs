//! Building signed extrinsics natively: what a wallet does, for tests, tools and shop-floor
//! clients written in Rust. Wallets such as @polkadot/api build the same bytes from the
//! metadata; on this chain's SM2 accounts they need a custom signer (see the example's README).
//!
//! A transaction verifies only if it is signed in the chain's account scheme
//! (`ChainConfig::AccountScheme`, SM2 in the presets): [`sign_with`] signs with an
//! [`AccountPair`] of any scheme, e.g. `AccountPair::from_dev_uri(SignatureScheme::Sm2,
//! "//Alice")`; [`sign`] signs with sr25519 (for an sr25519 chain of this runtime, and to show
//! that an SM2 chain refuses it).
//!
//! The traceability calls are built with [`register_product`], [`transfer_custody`],
//! [`record_checkpoint`] and [`retire`], which check the runtime's length bounds
//! ([`CallError`]); [`product_id`] derives a product id from a label.
//!
//! A wallet's work for one transaction, with the chain's genesis hash (`chain_getBlockHash(0)`)
//! and the sender's next nonce (`system_accountNextIndex`); the hex goes to
//! `author_submitExtrinsic`:
//!
//! ```
//! use codec::Encode;
//! use sp_core::hexdisplay::HexDisplay;
//! use supply_chain_runtime::{
//!     Hash,
//!     signing::{self, AccountPair, SignatureScheme},
//! };
//!
//! let alice = AccountPair::from_dev_uri(SignatureScheme::Sm2, "//Alice").expect("a dev key");
//! let genesis = Hash::zero(); // chain_getBlockHash(0) of the chain
//! let nonce = 0; // system_accountNextIndex(<alice's SS58 address>)
//! let id = signing::product_id(b"LOT-2026-0001");
//! let call = signing::register_product(id, b"Arabica green coffee, 60 kg", b"Huila, CO")
//!     .expect("within the runtime's bounds");
//! let xt = signing::sign_with(&alice, call, nonce, genesis).expect("SM2 signs");
//! let hex = format!("0x{}", HexDisplay::from(&xt.encode()));
//! assert!(hex.len() > 2 * 97); // call, extensions and a 97-byte SM2 signature
//! ```

use alloc::{string::String, vec::Vec};
use codec::Encode;
use frame_support::{BoundedVec, traits::Get};
use sp_core::{Pair as _, sr25519};
use sp_runtime::{
    generic::Era,
    traits::{BlakeTwo256, Hash as HashT},
};

pub use wcme_subchain_primitives::{AccountPair, KeyError, SignatureScheme, Sm2Pair};

use crate::{
    AccountId, Address, Balance, BalancesCall, Hash, Nonce, ProductId, Runtime, RuntimeCall,
    RuntimeEvent, Signature, TraceabilityCall, TxExtension, UncheckedExtrinsic, VERSION,
};

/// The transaction extensions for a transaction with `nonce`, valid for `era`, paying `tip`.
pub fn tx_extension(nonce: Nonce, era: Era, tip: Balance) -> TxExtension {
    wcme_runtime_common::tx_extension::<Runtime>(nonce, era, tip)
}

/// Signs `call` by the sr25519 key `signer` with `nonce` as an immortal transaction of the
/// chain with `genesis`. Valid only on a chain of this runtime whose accounts use sr25519; the
/// presets' SM2 chains refuse it as a bad signature.
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
/// dispatch (`System::ExtrinsicFailed`), or the events do not decode.
pub fn check_block_events(events: &[u8]) -> Result<(), String> {
    wcme_runtime_common::check_block_events::<Runtime, RuntimeEvent>(events)
}

/// The id of the product labelled `label` (a serial number, a GS1 code, a batch label):
/// `blake2_256(label)`, so a scanner finds the product from the physical label alone.
pub fn product_id(label: &[u8]) -> ProductId {
    <BlakeTwo256 as HashT>::hash(label)
}

/// A text field of a traceability call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// The product name (`MaxNameLength`).
    Name,
    /// A location (`MaxLocationLength`).
    Location,
    /// A note (`MaxNoteLength`).
    Note,
}

/// Why a traceability call could not be built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallError {
    /// `field` is `len` bytes, more than the runtime's bound `max`.
    TooLong {
        /// Which field.
        field: Field,
        /// Its length in bytes.
        len: usize,
        /// The runtime's bound.
        max: u32,
    },
}

impl core::fmt::Display for CallError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::TooLong { field, len, max } => {
                write!(f, "{field:?} is {len} bytes, more than the runtime's {max}")
            }
        }
    }
}

/// `bytes` as a bounded field of a call.
fn bounded<S: Get<u32>>(field: Field, bytes: &[u8]) -> Result<BoundedVec<u8, S>, CallError> {
    BoundedVec::try_from(bytes.to_vec()).map_err(|_| CallError::TooLong {
        field,
        len: bytes.len(),
        max: S::get(),
    })
}

/// Bound types of the traceability calls in this runtime.
type Name = pallet_traceability::NameOf<Runtime>;
type Location = pallet_traceability::LocationOf<Runtime>;
type Note = pallet_traceability::NoteOf<Runtime>;

/// `Traceability::register_product(product_id, name, origin_location)`.
pub fn register_product(
    product_id: ProductId,
    name: &[u8],
    origin_location: &[u8],
) -> Result<RuntimeCall, CallError> {
    Ok(RuntimeCall::Traceability(
        TraceabilityCall::register_product {
            product_id,
            name: name_of(name)?,
            origin_location: location(origin_location)?,
        },
    ))
}

/// `Traceability::transfer_custody(product_id, to, location, note)`.
pub fn transfer_custody(
    product_id: ProductId,
    to: &AccountId,
    at: &[u8],
    note: &[u8],
) -> Result<RuntimeCall, CallError> {
    Ok(RuntimeCall::Traceability(
        TraceabilityCall::transfer_custody {
            product_id,
            to: to.clone(),
            location: location(at)?,
            note: note_of(note)?,
        },
    ))
}

/// `Traceability::record_checkpoint(product_id, location, note)`.
pub fn record_checkpoint(
    product_id: ProductId,
    at: &[u8],
    note: &[u8],
) -> Result<RuntimeCall, CallError> {
    Ok(RuntimeCall::Traceability(
        TraceabilityCall::record_checkpoint {
            product_id,
            location: location(at)?,
            note: note_of(note)?,
        },
    ))
}

/// `Traceability::retire(product_id)`.
pub fn retire(product_id: ProductId) -> RuntimeCall {
    RuntimeCall::Traceability(TraceabilityCall::retire { product_id })
}

fn name_of(bytes: &[u8]) -> Result<Name, CallError> {
    bounded::<<Runtime as pallet_traceability::Config>::MaxNameLength>(Field::Name, bytes)
}

fn location(bytes: &[u8]) -> Result<Location, CallError> {
    bounded::<<Runtime as pallet_traceability::Config>::MaxLocationLength>(Field::Location, bytes)
}

fn note_of(bytes: &[u8]) -> Result<Note, CallError> {
    bounded::<<Runtime as pallet_traceability::Config>::MaxNoteLength>(Field::Note, bytes)
}
