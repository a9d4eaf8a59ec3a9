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

use crate::{
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
}
