//! Types of the traceability pallet: the product identifier, what is stored per product, the
//! records of its custody history, and the plain forms the runtime API returns.
//!
//! The stored forms are generic over their byte strings so that storage keeps
//! [`frame_support::BoundedVec`]s (bounded by the runtime's `Config`) while the runtime API
//! returns the same structures with `Vec<u8>`, which encode identically and do not depend on
//! the runtime's bounds.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// Identifier of a product, chosen by its manufacturer: typically the hash of a serial number,
/// a GS1 code or a batch label, so that physical labels can be looked up on chain.
pub type ProductId = sp_core::H256;

/// What is stored for a registered product.
#[derive(
    Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
)]
pub struct ProductInfo<AccountId, BlockNumber, Name, Location> {
    /// Who registered the product. Never changes.
    pub manufacturer: AccountId,
    /// Who holds the product now: the manufacturer until the first transfer, then the `to` of
    /// the last [`RecordKind::Transfer`] record of its history.
    pub custodian: AccountId,
    /// The product's name (never empty).
    pub name: Name,
    /// Where the product was made.
    pub origin_location: Location,
    /// The block it was registered in.
    pub registered_at: BlockNumber,
    /// The block it was retired (delivered or consumed) in; `None` while it is in circulation.
    /// A retired product takes no more transfers or checkpoints.
    pub retired_at: Option<BlockNumber>,
}

impl<AccountId, BlockNumber, Name, Location> ProductInfo<AccountId, BlockNumber, Name, Location> {
    /// Whether the product was retired.
    pub fn is_retired(&self) -> bool {
        self.retired_at.is_some()
    }

    /// The same record with its byte strings converted (bounded to plain, for the runtime API).
    pub fn map_bytes<N, L>(
        self,
        name: impl FnOnce(Name) -> N,
        location: impl FnOnce(Location) -> L,
    ) -> ProductInfo<AccountId, BlockNumber, N, L> {
        ProductInfo {
            manufacturer: self.manufacturer,
            custodian: self.custodian,
            name: name(self.name),
            origin_location: location(self.origin_location),
            registered_at: self.registered_at,
            retired_at: self.retired_at,
        }
    }
}

/// What a history record reports.
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
pub enum RecordKind {
    /// Custody passed from `from` to `to`.
    Transfer,
    /// The custodian recorded an event (an inspection, a temperature reading, a customs
    /// clearance) without a change of custody: `from` and `to` are both the custodian.
    Checkpoint,
}

/// One entry of a product's custody history.
#[derive(
    Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
)]
pub struct Record<AccountId, BlockNumber, Location, Note> {
    /// A transfer or a checkpoint.
    pub kind: RecordKind,
    /// The custodian before the record.
    pub from: AccountId,
    /// The custodian after the record (equal to `from` for a checkpoint).
    pub to: AccountId,
    /// The block the record was made in.
    pub block: BlockNumber,
    /// Where the handover or the checkpoint took place.
    pub location: Location,
    /// Free text: what was inspected, a temperature, a waybill number.
    pub note: Note,
}

impl<AccountId, BlockNumber, Location, Note> Record<AccountId, BlockNumber, Location, Note> {
    /// The same record with its byte strings converted (bounded to plain, for the runtime API).
    pub fn map_bytes<L, N>(
        self,
        location: impl FnOnce(Location) -> L,
        note: impl FnOnce(Note) -> N,
    ) -> Record<AccountId, BlockNumber, L, N> {
        Record {
            kind: self.kind,
            from: self.from,
            to: self.to,
            block: self.block,
            location: location(self.location),
            note: note(self.note),
        }
    }
}

/// A product as the runtime API returns it.
pub type ProductView<AccountId, BlockNumber> =
    ProductInfo<AccountId, BlockNumber, Vec<u8>, Vec<u8>>;

/// A history record as the runtime API returns it.
pub type RecordView<AccountId, BlockNumber> = Record<AccountId, BlockNumber, Vec<u8>, Vec<u8>>;
