//! Types of the cross-chain audit: what a relayer submits (subchain headers and a
//! [`FinalityProof`]) and what the main chain keeps of each audited header ([`AuditedHeader`]).
//! The formats of WCME transfers are in [`crate::message`].

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::H256;

/// The registry's identifiers, keys and consensus kinds (`pallet-wcme-subchains`).
pub use pallet_wcme_subchains::{C3nKey, ConsensusKind, SubchainId, ValidatorSetId};
/// A finality proof of a BFT subchain: the pre-commits of more than 2/3 of its validators for one
/// block, exactly as the subchain's nodes store and serve it (`wcme_justification`).
pub use wcme_consensus_primitives::finality::Justification;
/// A subchain header: `generic::Header<u32, BlakeTwo256>`, hashed with `header.hash()`.
pub use wcme_primitives::Header;

/// A subchain block number.
pub type SubchainBlockNumber = u32;

/// What proves a submission of subchain headers final.
///
/// SCALE: index 0 `Justification(Justification)`, index 1 `Work`.
#[derive(Encode, Decode, DecodeWithMemTracking, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub enum FinalityProof {
    /// For Proof-of-Credit, Aura and PBFT subchains: the justification of the **last** submitted
    /// header, signed by more than 2/3 of the subchain's registered validator set (sr25519
    /// validators, one vote each) in the round equal to the set's id.
    #[codec(index = 0)]
    Justification(Justification),
    /// For proof-of-work subchains: the work in the headers' own seals. Headers are audited
    /// once they have `PowConfirmations` descendants in the submission.
    #[codec(index = 1)]
    Work,
}

/// What the main chain keeps of an audited subchain header: enough to identify it, link it to
/// its parent, and prove state against it (storage proofs of WCME transfers, [`crate::proof`]).
///
/// SCALE: `number: u32, hash: H256, parent_hash: H256, state_root: H256, extrinsics_root: H256`.
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
pub struct AuditedHeader {
    /// The header's block number.
    pub number: SubchainBlockNumber,
    /// The header's hash (`blake2_256` of its SCALE encoding, seal included).
    pub hash: H256,
    /// Its parent's hash.
    pub parent_hash: H256,
    /// The root of the subchain's state after this block.
    pub state_root: H256,
    /// The root of this block's extrinsics.
    pub extrinsics_root: H256,
}

impl AuditedHeader {
    /// The audited form of `header`, whose hash is `hash`.
    pub fn new(header: &Header, hash: H256) -> Self {
        Self {
            number: header.number,
            hash,
            parent_hash: header.parent_hash,
            state_root: header.state_root,
            extrinsics_root: header.extrinsics_root,
        }
    }
}
