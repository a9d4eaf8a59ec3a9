//! The runtime APIs of the supply-chain runtime.
//!
//! The template's, unchanged — the APIs the WCME node calls on any chain (`Core`, `Metadata`,
//! `BlockBuilder`, `TaggedTransactionQueue`, `OffchainWorkerApi`, `AccountNonceApi`,
//! `TransactionPaymentApi`, `TransactionPaymentCallApi`, `GenesisBuilder`) and the chain-config
//! pallet's `ValidatorSetApi` and `ChainConfigApi`, which the PBFT engine and `subchain register`
//! read — plus the business's own: `TraceabilityApi` (`TraceabilityApi_product`,
//! `TraceabilityApi_history`, `TraceabilityApi_products_of`), which wallets and scanners call
//! through `state_call`.
//!
//! `wcme_runtime_common::impl_node_runtime_apis!` implements the APIs the node calls on every
//! chain (`Core`, `Metadata`, `BlockBuilder`, `TaggedTransactionQueue`, `OffchainWorkerApi`,
//! `AccountNonceApi`, `TransactionPayment(Call)Api`, `GenesisBuilder`), written once for every
//! WCME runtime; this file adds the runtime's own. Like `impl_runtime_apis!`, which it wraps, it
//! implements each API for [`Runtime`] and, under `std`, generates
//! `pub mod api { pub fn dispatch(method: &str, data: &[u8]) -> Option<Vec<u8>> }`: the table from
//! an API method name (`"<Trait>_<method>"`, e.g. `"Core_version"`) to its implementation, taking
//! and returning SCALE bytes. The node executes the runtime natively through that function
//! (re-exported as `crate::dispatch`).

use alloc::vec::Vec;

use wcme_runtime_subchain::chain_config::{
    C3nKey, ConsensusKind, SignatureScheme, TokenInfo, ValidatorSetId,
};

use super::{
    AccountId, Balance, Block, BlockNumber, ChainConfig, Executive, InherentDataExt, Nonce,
    ProductId, ProductView, RecordView, Runtime, RuntimeCall, RuntimeGenesisConfig, System,
    Traceability, TransactionPayment, VERSION, genesis_config_presets,
};

wcme_runtime_common::impl_node_runtime_apis! {
    impl wcme_runtime_subchain::chain_config::runtime_api::ValidatorSetApi<Block> for Runtime {
        fn validators() -> Vec<C3nKey> {
            ChainConfig::validators()
        }

        fn validator_set_id() -> ValidatorSetId {
            ChainConfig::validator_set_id()
        }
    }

    impl wcme_runtime_subchain::chain_config::runtime_api::ChainConfigApi<Block> for Runtime {
        fn consensus_kind() -> ConsensusKind {
            ChainConfig::consensus_kind()
        }

        fn base_token() -> Option<TokenInfo> {
            ChainConfig::base_token()
        }

        fn account_scheme() -> SignatureScheme {
            ChainConfig::account_scheme()
        }
    }

    impl pallet_traceability::runtime_api::TraceabilityApi<Block, AccountId, BlockNumber> for Runtime {
        fn product(id: ProductId) -> Option<ProductView> {
            Traceability::product(id)
        }

        fn history(id: ProductId) -> Vec<RecordView> {
            Traceability::history(id)
        }

        fn products_of(who: AccountId) -> Vec<ProductId> {
            Traceability::products_of(who)
        }
    }
}
