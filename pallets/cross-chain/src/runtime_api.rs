//! The runtime API of the cross-chain pallet, for relayers and the node's `wcme_auditedHead` /
//! `wcme_auditedHeader` RPC methods.
//!
//! Called by name through `state_call` with SCALE-encoded arguments:
//!
//! | method | arguments | result |
//! |---|---|---|
//! | `CrossChainApi_audited_head` | `u32`: subchain id | `Option<AuditedHeader>` |
//! | `CrossChainApi_audited_header` | `u32`: subchain id, `u32`: block number | `Option<AuditedHeader>` |
//! | `CrossChainApi_escrow_total` (v2) | `u32`: subchain id | `u128` |
//! | `CrossChainApi_outbound` (v2) | `u32`: subchain id, `u64`: seq | `Option<TransferMessage>` |
//! | `CrossChainApi_next_outbound_seq` (v2) | `u32`: subchain id | `u64` |
//! | `CrossChainApi_next_inbound_seq` (v2) | `u32`: subchain id | `u64` |
//! | `CrossChainApi_receipt` (v2) | `u32`: subchain id, `u64`: seq | `Option<Receipt>` |
//! | `CrossChainApi_c3d` (v3) | `u32`: subchain id | `C3dView`: both C3N sets, the subchain → main channel |
//! | `CrossChainApi_main_c3ns` (v3) | — | `Vec<[u8; 32]>`: the main chain's C3Ns |
//!
//! Version 2 added the WCME-transfer methods, version 3 C3D attestation
//! ([`crate::c3d`]).
//!
//! A subchain's runtime implements `SubchainBridgeApi` over the subchain side (the [`subchain`]
//! and [`main_client`] pallets), for relayers and wallets on the subchain:
//!
//! | method | arguments | result |
//! |---|---|---|
//! | `SubchainBridgeApi_subchain_id` | — | `Option<u32>`: its id in the main chain's registry |
//! | `SubchainBridgeApi_minted` | — | `u128`: WCME minted here and not burned back |
//! | `SubchainBridgeApi_outbound` | `u64`: seq | `Option<TransferMessage>`: unsettled subchain → main message |
//! | `SubchainBridgeApi_next_outbound_seq` | — | `u64` |
//! | `SubchainBridgeApi_next_inbound_seq` | — | `u64`: the main → subchain message minted next |
//! | `SubchainBridgeApi_receipt` | `u64`: seq | `Option<Receipt>` of main → subchain message `seq` |
//! | `SubchainBridgeApi_main_finalized_head` | — | `Option<FinalizedMainHeader>`: the light client's head |
//! | `SubchainBridgeApi_main_finalized_header` | `u32`: main-chain number | `Option<FinalizedMainHeader>` |
//! | `SubchainBridgeApi_c3d` (v2) | — | `C3dView`: both C3N sets, the main → subchain channel |
//!
//! Version 2 of `SubchainBridgeApi` added C3D attestation ([`crate::c3d`]).
//!
//! [`subchain`]: crate::subchain
//! [`main_client`]: crate::main_client

use crate::{
    main_client::FinalizedMainHeader,
    message::{Receipt, TransferMessage},
    types::{AuditedHeader, SubchainId},
};

sp_api::decl_runtime_apis! {
    /// The audited header chains of the subchains and their WCME-transfer channels.
    #[api_version(3)]
    pub trait CrossChainApi {
        /// The highest audited header of `subchain`: the one the next submission must extend.
        /// `None` if nothing was audited (then it extends the registered genesis hash).
        fn audited_head(subchain: SubchainId) -> Option<AuditedHeader>;

        /// Audited header `number` of `subchain`; `None` if it was not audited or was pruned
        /// (only the last `AuditedHistory` are kept).
        fn audited_header(subchain: SubchainId, number: u32) -> Option<AuditedHeader>;

        /// The WCME held in escrow for `subchain` (`EscrowTotal`): the most the main chain
        /// releases to it.
        fn escrow_total(subchain: SubchainId) -> u128;

        /// Unsettled main → subchain message `seq` of `subchain`; `None` if there is none or it
        /// was settled.
        fn outbound(subchain: SubchainId, seq: u64) -> Option<TransferMessage>;

        /// The sequence number the next main → subchain message of `subchain` gets.
        fn next_outbound_seq(subchain: SubchainId) -> u64;

        /// The sequence number of the next subchain → main message the main chain accepts from
        /// `subchain`: what a relayer submits next.
        fn next_inbound_seq(subchain: SubchainId) -> u64;

        /// The main chain's receipt of subchain → main message `seq` of `subchain`.
        fn receipt(subchain: SubchainId, seq: u64) -> Option<Receipt>;

        /// The C3D state of `subchain`'s subchain → main channel: the main chain's C3Ns, the
        /// subchain's (its registered validators' accounts), the next batch's start, the last
        /// broadcaster, the pending batch.
        #[api_version(3)]
        fn c3d(subchain: SubchainId) -> crate::c3d::C3dView;

        /// The main chain's C3Ns (what a new subchain's genesis trusts for the main side).
        #[api_version(3)]
        fn main_c3ns() -> alloc::vec::Vec<crate::c3d::C3nId>;
    }

    /// A subchain's side of WCME transfers and its light client of the main chain.
    #[api_version(2)]
    pub trait SubchainBridgeApi {
        /// This subchain's id in the main chain's registry, once root set it.
        fn subchain_id() -> Option<SubchainId>;

        /// WCME minted on this subchain and not burned back (what it may still burn).
        fn minted() -> u128;

        /// Unsettled subchain → main message `seq`; `None` if there is none or it was settled.
        fn outbound(seq: u64) -> Option<TransferMessage>;

        /// The sequence number the next subchain → main message gets.
        fn next_outbound_seq() -> u64;

        /// The sequence number of the next main → subchain message this subchain mints: what a
        /// relayer proves next.
        fn next_inbound_seq() -> u64;

        /// This subchain's receipt of main → subchain message `seq`.
        fn receipt(seq: u64) -> Option<Receipt>;

        /// The light client's highest final main-chain header; `None` before it is anchored.
        fn main_finalized_head() -> Option<FinalizedMainHeader>;

        /// Final main-chain header `number`, if the light client keeps it (the last
        /// `FinalizedHistory`).
        fn main_finalized_header(number: u32) -> Option<FinalizedMainHeader>;

        /// The C3D state of the main → subchain channel: both sides' C3Ns, the next batch's
        /// start, the last broadcaster, the pending batch, the limits.
        #[api_version(2)]
        fn c3d() -> crate::c3d::C3dView;
    }
}
