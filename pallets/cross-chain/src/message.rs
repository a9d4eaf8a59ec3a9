//! The formats both sides of a WCME transfer agree on: the [`TransferMessage`], its
//! [`Receipt`], and the storage keys under which each chain keeps them, so that the other chain
//! can read them with a storage proof ([`crate::proof`]) against an audited state root.
//!
//! ## Channels and ordering
//!
//! Each registered subchain has two channels with the main chain, one per direction. Messages of
//! a channel carry consecutive sequence numbers from 0. The destination accepts only the next
//! expected one: a lower `seq` is a replay ([`SeqCheck::Replayed`]), a higher one arrives out of
//! order ([`SeqCheck::OutOfOrder`]). Each accepted message gets a [`Receipt`] at the destination,
//! kept under its sequence number:
//!
//! - [`Receipt::Delivered`]: the amount was paid out (minted on a subchain, released from the
//!   escrow on the main chain);
//! - [`Receipt::Expired`]: the message arrived at or after its `timeout` (a block number of the
//!   **destination** chain) and was not executed; the sequence still advances, so later messages
//!   are not blocked. The source refunds the sender on proof of this receipt.
//!
//! ## Storage keys
//!
//! Both runtimes name the pallet **`CrossChain`** in `construct_runtime!` (the main runtime's
//! `pallet_wcme_cross_chain`, and the subchain-side pallet in each subchain runtime): the keys
//! below start with `twox_128(b"CrossChain")` and are FRAME's, so `state_getReadProof` on either
//! chain proves them.
//!
//! | chain | storage | key | value |
//! |---|---|---|---|
//! | main | `CrossChain::Outbound` | [`main_outbound_key`]`(subchain, seq)` | [`TransferMessage`] main → subchain |
//! | main | `CrossChain::Receipts` | [`main_receipt_key`]`(subchain, seq)` | [`Receipt`] of subchain → main message `seq` |
//! | subchain | `CrossChain::Outbound` | [`subchain_outbound_key`]`(seq)` | [`TransferMessage`] subchain → main |
//! | subchain | `CrossChain::Receipts` | [`subchain_receipt_key`]`(seq)` | [`Receipt`] of main → subchain message `seq` |
//!
//! A key is `twox_128(pallet) ‖ twox_128(storage) ‖ Twox64Concat(key₁) [‖ Twox64Concat(key₂)]`,
//! with `Twox64Concat(k) = twox_64(SCALE(k)) ‖ SCALE(k)`; the subchain id is a SCALE `u32`, the
//! sequence number a SCALE `u64` (both little-endian).

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{StorageHasher, Twox64Concat, Twox128};
use scale_info::TypeInfo;

use crate::types::SubchainId;

/// The name under which both the main runtime and every subchain runtime include the
/// cross-chain pallet: the first part of every key of this module.
pub const PALLET_NAME: &[u8] = b"CrossChain";

/// The storage name of the outbound messages (main: `(SubchainId, u64)`; subchain: `u64`).
pub const OUTBOUND_STORAGE: &[u8] = b"Outbound";

/// The storage name of the receipts of inbound messages (main: `(SubchainId, u64)`; subchain:
/// `u64`).
pub const RECEIPTS_STORAGE: &[u8] = b"Receipts";

/// One WCME transfer between the main chain and a subchain.
///
/// SCALE: `seq: u64, sender: [u8; 32], dest: [u8; 32], amount: u128, timeout: u32` (92 bytes).
#[derive(
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Debug,
)]
pub struct TransferMessage {
    /// The message's sequence number in its channel (per subchain and direction, from 0).
    pub seq: u64,
    /// The account on the source chain that sent the amount: refunded if the message expires.
    pub sender: [u8; 32],
    /// The account on the destination chain that receives the amount.
    pub dest: [u8; 32],
    /// The amount of WCME, in plancks (10⁻¹² WCME).
    pub amount: u128,
    /// The block number of the **destination** chain from which the message can no longer be
    /// received: arriving at a block `>= timeout`, it is recorded as [`Receipt::Expired`].
    pub timeout: u32,
}

/// What the destination did with a message.
///
/// SCALE: index 0 `Delivered`, index 1 `Expired`.
#[derive(
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Debug,
)]
pub enum Receipt {
    /// The amount was paid out to `dest`.
    #[codec(index = 0)]
    Delivered,
    /// The message arrived at or after its timeout and was not executed: the source refunds
    /// the sender.
    #[codec(index = 1)]
    Expired,
}

/// Where a sequence number stands against the next one a destination expects.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SeqCheck {
    /// `seq` is the next one: accept it.
    Next,
    /// `seq` is below the next one: already received.
    Replayed,
    /// `seq` is above the next one: an earlier message is still missing.
    OutOfOrder,
}

/// How `seq` compares with `next`, the sequence number the destination expects.
pub fn check_seq(seq: u64, next: u64) -> SeqCheck {
    match seq.cmp(&next) {
        core::cmp::Ordering::Equal => SeqCheck::Next,
        core::cmp::Ordering::Less => SeqCheck::Replayed,
        core::cmp::Ordering::Greater => SeqCheck::OutOfOrder,
    }
}

/// FRAME's `Twox64Concat` of `key`: `twox_64(SCALE(key)) ‖ SCALE(key)`.
fn twox_64_concat(key: &impl Encode, out: &mut Vec<u8>) {
    out.extend_from_slice(&key.using_encoded(Twox64Concat::hash));
}

/// `twox_128(CrossChain) ‖ twox_128(storage)`.
fn prefix(storage: &[u8]) -> Vec<u8> {
    let mut key = Vec::with_capacity(32 + 2 * (8 + 8));
    key.extend_from_slice(&Twox128::hash(PALLET_NAME));
    key.extend_from_slice(&Twox128::hash(storage));
    key
}

/// The main chain's key of main → subchain message `seq` of `subchain`
/// (`CrossChain::Outbound`, a double map `Twox64Concat u32, Twox64Concat u64`): 60 bytes.
pub fn main_outbound_key(subchain: SubchainId, seq: u64) -> Vec<u8> {
    let mut key = prefix(OUTBOUND_STORAGE);
    twox_64_concat(&subchain, &mut key);
    twox_64_concat(&seq, &mut key);
    key
}

/// The main chain's key of its receipt of subchain → main message `seq` of `subchain`
/// (`CrossChain::Receipts`, a double map `Twox64Concat u32, Twox64Concat u64`): 60 bytes.
pub fn main_receipt_key(subchain: SubchainId, seq: u64) -> Vec<u8> {
    let mut key = prefix(RECEIPTS_STORAGE);
    twox_64_concat(&subchain, &mut key);
    twox_64_concat(&seq, &mut key);
    key
}

/// The storage name of the main chain's C3Ns (`CrossChain::MainC3ns`, a value).
pub const MAIN_C3NS_STORAGE: &[u8] = b"MainC3ns";

/// The name under which the main runtime includes the subchain registry
/// (`pallet-wcme-subchains`).
pub const REGISTRY_PALLET_NAME: &[u8] = b"Subchains";

/// The registry's storage name of the validator sets (`Subchains::ValidatorSets`, a map
/// `Twox64Concat u32`).
pub const VALIDATOR_SETS_STORAGE: &[u8] = b"ValidatorSets";

/// The main chain's key of its C3Ns (`CrossChain::MainC3ns`, a `BoundedVec<[u8; 32], _>`): 32
/// bytes.
pub fn main_c3ns_key() -> Vec<u8> {
    prefix(MAIN_C3NS_STORAGE)
}

/// The main chain's key of `subchain`'s registered validator set (`Subchains::ValidatorSets`,
/// a `pallet_wcme_subchains::ValidatorSet`): 44 bytes. Its keys are the subchain's C3Ns.
pub fn validator_set_key(subchain: SubchainId) -> Vec<u8> {
    let mut key = Vec::with_capacity(32 + 8 + 4);
    key.extend_from_slice(&Twox128::hash(REGISTRY_PALLET_NAME));
    key.extend_from_slice(&Twox128::hash(VALIDATOR_SETS_STORAGE));
    twox_64_concat(&subchain, &mut key);
    key
}

/// A subchain's key of its subchain → main message `seq` (`CrossChain::Outbound`, a map
/// `Twox64Concat u64`): 48 bytes.
pub fn subchain_outbound_key(seq: u64) -> Vec<u8> {
    let mut key = prefix(OUTBOUND_STORAGE);
    twox_64_concat(&seq, &mut key);
    key
}

/// A subchain's key of its receipt of main → subchain message `seq` (`CrossChain::Receipts`, a
/// map `Twox64Concat u64`): 48 bytes.
pub fn subchain_receipt_key(seq: u64) -> Vec<u8> {
    let mut key = prefix(RECEIPTS_STORAGE);
    twox_64_concat(&seq, &mut key);
    key
}

/// An account as the 32 bytes of a message: its SCALE encoding, zero-padded on the right.
/// `None` if it encodes to more than 32 bytes. For `AccountId32` (every WCME runtime) these are
/// its 32 bytes.
pub fn account_to_bytes<A: Encode>(account: &A) -> Option<[u8; 32]> {
    account.using_encoded(|encoded| {
        let mut bytes = [0u8; 32];
        bytes.get_mut(..encoded.len())?.copy_from_slice(encoded);
        Some(bytes)
    })
}

/// The account whose [`account_to_bytes`] are `bytes`, if any: decoded from them, and `None`
/// unless encoding it back gives exactly `bytes` (so no two byte strings name one account).
/// Every 32 bytes are an `AccountId32`.
pub fn account_from_bytes<A: Encode + Decode>(bytes: &[u8; 32]) -> Option<A> {
    let account = A::decode(&mut &bytes[..]).ok()?;
    (account_to_bytes(&account).as_ref() == Some(bytes)).then_some(account)
}
