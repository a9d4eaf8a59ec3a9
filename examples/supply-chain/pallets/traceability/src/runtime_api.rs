//! The runtime API of the traceability pallet, for wallets, scanners and shop-floor clients.
//!
//! There is no RPC crate: clients call it by name through `state_call` with SCALE-encoded
//! arguments and decode the result:
//!
//! | method | arguments | result |
//! |---|---|---|
//! | `TraceabilityApi_product` | `H256`: product id | `Option<ProductView<AccountId, BlockNumber>>` |
//! | `TraceabilityApi_history` | `H256`: product id | `Vec<RecordView<AccountId, BlockNumber>>`, oldest first |
//! | `TraceabilityApi_products_of` | `AccountId` | `Vec<H256>`: the products it holds that are not retired |
//!
//! A runtime implements it by calling [`crate::Pallet::product`], [`crate::Pallet::history`]
//! and [`crate::Pallet::products_of`].

use alloc::vec::Vec;

use crate::types::{ProductId, ProductView, RecordView};

sp_api::decl_runtime_apis! {
    /// Products and their custody history.
    pub trait TraceabilityApi<AccountId, BlockNumber>
    where
        AccountId: codec::Codec,
        BlockNumber: codec::Codec,
    {
        /// Product `id`, `None` if no product has that id.
        fn product(id: ProductId) -> Option<ProductView<AccountId, BlockNumber>>;

        /// The custody history of product `id`, oldest record first; empty for an unknown
        /// product or one that never left its manufacturer.
        fn history(id: ProductId) -> Vec<RecordView<AccountId, BlockNumber>>;

        /// The products `who` holds that are not retired, in storage order.
        fn products_of(who: AccountId) -> Vec<ProductId>;
    }
}
