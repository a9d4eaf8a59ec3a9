//! The runtime API of the cross-chain audit, for relayers and the node's `wcme_auditedHead` /
//! `wcme_auditedHeader` RPC methods.
//!
//! Called by name through `state_call` with SCALE-encoded arguments:
//!
//! | method | arguments | result |
//! |---|---|---|
//! | `CrossChainApi_audited_head` | `u32`: subchain id | `Option<AuditedHeader>` |
//! | `CrossChainApi_audited_header` | `u32`: subchain id, `u32`: block number | `Option<AuditedHeader>` |

use crate::types::{AuditedHeader, SubchainId};

sp_api::decl_runtime_apis! {
    /// The audited header chains of the subchains.
    pub trait CrossChainApi {
        /// The highest audited header of `subchain`: the one the next submission must extend.
        /// `None` if nothing was audited (then it extends the registered genesis hash).
        fn audited_head(subchain: SubchainId) -> Option<AuditedHeader>;

        /// Audited header `number` of `subchain`; `None` if it was not audited or was pruned
        /// (only the last `AuditedHistory` are kept).
        fn audited_header(subchain: SubchainId, number: u32) -> Option<AuditedHeader>;
    }
}
