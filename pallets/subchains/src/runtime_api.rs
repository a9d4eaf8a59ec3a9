//! The runtime API of the subchain registry, for wallets, relayers and the node's
//! `wcme_subchains` / `wcme_subchain` RPC methods.
//!
//! Called by name through `state_call` with SCALE-encoded arguments:
//!
//! | method | arguments | result |
//! |---|---|---|
//! | `SubchainsApi_subchains` | none | `Vec<SubchainView<AccountId, BlockNumber>>`, by id |
//! | `SubchainsApi_subchain` | `u32`: subchain id | `Option<SubchainView<AccountId, BlockNumber>>` |

use alloc::vec::Vec;

use crate::types::{SubchainId, SubchainView};

sp_api::decl_runtime_apis! {
    /// The registered subchains.
    pub trait SubchainsApi<AccountId, BlockNumber>
    where
        AccountId: codec::Codec,
        BlockNumber: codec::Codec,
    {
        /// Every subchain ever registered (retired ones included), in order of id.
        fn subchains() -> Vec<SubchainView<AccountId, BlockNumber>>;

        /// Subchain `id`, `None` if no subchain has that id.
        fn subchain(id: SubchainId) -> Option<SubchainView<AccountId, BlockNumber>>;
    }
}
