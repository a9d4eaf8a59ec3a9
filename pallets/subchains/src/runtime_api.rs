//! The runtime API of the subchain registry, for wallets, relayers and the node's
//! `wcme_subchains` / `wcme_subchain` RPC methods.
//!
//! Called by name through `state_call` with SCALE-encoded arguments:
//!
//! | method | arguments | result |
//! |---|---|---|
//! | `SubchainsApi_subchains` | none | `Vec<SubchainView<AccountId, BlockNumber>>`, by id |
//! | `SubchainsApi_subchain` | `u32`: subchain id | `Option<SubchainView<AccountId, BlockNumber>>` |
//! | `SubchainsApi_bonds` (v2) | `u32`: subchain id | `Vec<(C3nKey, ValidatorBond<AccountId, BlockNumber>)>` |

use alloc::vec::Vec;

use crate::types::{C3nKey, SubchainId, SubchainView, ValidatorBond};

sp_api::decl_runtime_apis! {
    /// The registered subchains.
    #[api_version(2)]
    pub trait SubchainsApi<AccountId, BlockNumber>
    where
        AccountId: codec::Codec,
        BlockNumber: codec::Codec,
    {
        /// Every subchain ever registered (retired ones included), in order of id.
        fn subchains() -> Vec<SubchainView<AccountId, BlockNumber>>;

        /// Subchain `id`, `None` if no subchain has that id.
        fn subchain(id: SubchainId) -> Option<SubchainView<AccountId, BlockNumber>>;

        /// The bonds posted for validator keys of subchain `id` (slashed on fork evidence), in
        /// key order; empty for an unknown id.
        #[api_version(2)]
        fn bonds(id: SubchainId) -> Vec<(C3nKey, ValidatorBond<AccountId, BlockNumber>)>;
    }
}
