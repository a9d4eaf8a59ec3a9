//! The runtime APIs of the subchain runtime.
//!
//! Exactly the APIs the WCME node calls on any chain — `Core`, `Metadata`, `BlockBuilder`,
//! `TaggedTransactionQueue`, `OffchainWorkerApi`, `AccountNonceApi`, `TransactionPaymentApi`,
//! `TransactionPaymentCallApi`, `GenesisBuilder` — plus the chain-config pallet's
//! `ValidatorSetApi` and `ChainConfigApi`, the contracts pallet's `ContractsApi` (the dry run
//! behind `wcme_contractCall`) and the cross-chain pallet's `SubchainBridgeApi` (WCME transfers
//! and the main-chain light client, for relayers and wallets). None of the main chain's own (`PocApi`,
//! `SmartAssetsApi`, `SubchainsApi`): a subchain does not run them.
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

use crate::chain_config::{C3nKey, ConsensusKind, SignatureScheme, TokenInfo, ValidatorSetId};

use pallet_wcme_contracts::ContractResult;
use pallet_wcme_cross_chain::{
    c3d::C3dView,
    main_client::FinalizedMainHeader,
    message::{Receipt, TransferMessage},
    types::SubchainId,
};

use super::{
    AccountId, Balance, Block, ChainConfig, Contracts, CrossChain, Executive, InherentDataExt,
    MainChain, Nonce, Runtime, RuntimeCall, RuntimeGenesisConfig, System, TransactionPayment,
    VERSION, genesis_config_presets,
};

wcme_runtime_common::impl_node_runtime_apis! {
    impl crate::chain_config::runtime_api::ValidatorSetApi<Block> for Runtime {
        fn validators() -> Vec<C3nKey> {
            ChainConfig::validators()
        }

        fn validator_set_id() -> ValidatorSetId {
            ChainConfig::validator_set_id()
        }
    }

    impl crate::chain_config::runtime_api::ChainConfigApi<Block> for Runtime {
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

    #[api_version(2)]
    impl pallet_wcme_cross_chain::runtime_api::SubchainBridgeApi<Block> for Runtime {
        fn subchain_id() -> Option<SubchainId> {
            CrossChain::subchain_id()
        }

        fn minted() -> Balance {
            CrossChain::minted()
        }

        fn outbound(seq: u64) -> Option<TransferMessage> {
            CrossChain::outbound(seq)
        }

        fn next_outbound_seq() -> u64 {
            CrossChain::next_outbound_seq()
        }

        fn next_inbound_seq() -> u64 {
            CrossChain::next_inbound_seq()
        }

        fn receipt(seq: u64) -> Option<Receipt> {
            CrossChain::receipt(seq)
        }

        fn main_finalized_head() -> Option<FinalizedMainHeader> {
            MainChain::finalized_head()
        }

        fn main_finalized_header(number: u32) -> Option<FinalizedMainHeader> {
            MainChain::finalized_header(number)
        }

        fn c3d() -> C3dView {
            CrossChain::c3d_view()
        }
    }

    impl pallet_wcme_contracts::runtime_api::ContractsApi<Block> for Runtime {
        fn call(
            origin: AccountId,
            dest: AccountId,
            value: Balance,
            gas_limit: u64,
            input: Vec<u8>,
        ) -> ContractResult {
            Contracts::bare_call(origin, dest, value, gas_limit, input)
        }
    }
}
