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
//!
//! Version 2 added the WCME-transfer methods.
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
    #[api_version(2)]
    pub trait CrossChainApi {
        /// The highest audited header of `subchain`: the one the next submission must extend.
        /// `None` if nothing was audited (then it extends the registered genesis hash).
        fn audited_head(subchain: SubchainId) -> Option<AuditedHeader>;

        /// Audited header `number` of `subchain`; `None` if it was not audited or was pruned
        /// (only the last `AuditedHistory` are kept).
        fn audited_header(subchain: SubchainId, number: u32) -> Option<AuditedHeader>;

        /// The WCME held in escrow for `subchain` (`EscrowTotal`): the most the main chain
        /// releases to it.
        #[api_version(2)]
        fn escrow_total(subchain: SubchainId) -> u128;

        /// Unsettled main → subchain message `seq` of `subchain`; `None` if there is none or it
        /// was settled.
        #[api_version(2)]
        fn outbound(subchain: SubchainId, seq: u64) -> Option<TransferMessage>;

        /// The sequence number the next main → subchain message of `subchain` gets.
        #[api_version(2)]
        fn next_outbound_seq(subchain: SubchainId) -> u64;

        /// The sequence number of the next subchain → main message the main chain accepts from
        /// `subchain`: what a relayer submits next.
        #[api_version(2)]
        fn next_inbound_seq(subchain: SubchainId) -> u64;

        /// The main chain's receipt of subchain → main message `seq` of `subchain`.
        #[api_version(2)]
        fn receipt(subchain: SubchainId, seq: u64) -> Option<Receipt>;
    }

    /// A subchain's side of WCME transfers and its light client of the main chain.
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
    }
}
