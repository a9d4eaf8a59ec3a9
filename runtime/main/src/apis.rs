//! The runtime APIs of the main chain.
//!
//! `wcme_runtime_common::impl_node_runtime_apis!` implements the APIs the node calls on every
//! chain (`Core`, `Metadata`, `BlockBuilder`, `TaggedTransactionQueue`, `OffchainWorkerApi`,
//! `AccountNonceApi`, `TransactionPayment(Call)Api`, `GenesisBuilder`), written once for every
//! WCME runtime; this file adds the runtime's own. Like `impl_runtime_apis!`, which it wraps, it
//! implements each API for [`Runtime`] and, under `std`, generates
//! `pub mod api { pub fn dispatch(method: &str, data: &[u8]) -> Option<Vec<u8>> }`: the table from
//! an API method name (`"<Trait>_<method>"`, e.g. `"Core_version"`) to its implementation, taking
//! and returning SCALE bytes. The node executes the runtime natively through that function
//! (re-exported as `crate::dispatch`), so the names and encodings are exactly those a Substrate
//! client would call on a Wasm runtime.

use alloc::{boxed::Box, vec::Vec};
use sp_runtime::traits::Block as BlockT;

use pallet_wcme_contracts::ContractResult;
use pallet_wcme_cross_chain::{AuditedHeader, Receipt, TransferMessage};
use pallet_wcme_smart_assets::{AmmError, AssetId, PoolView};
use pallet_wcme_subchains::{SubchainId, SubchainView};
use wcme_consensus_primitives::poc::{AgentInfo, CreditInfo, Evidence, RoundInfo, Slot, SlotOwner};

use super::{
    AccountId, Balance, Block, BlockNumber, Contracts, CrossChain, Executive, InherentDataExt,
    Nonce, Poc, Runtime, RuntimeCall, RuntimeGenesisConfig, SmartAssets, Subchains, System,
    TransactionPayment, UncheckedExtrinsic, VERSION, genesis_config_presets,
};

wcme_runtime_common::impl_node_runtime_apis! {
    impl pallet_wcme_smart_assets::runtime_api::SmartAssetsApi<Block, BlockNumber> for Runtime {
        fn quote_exact_in(path: Vec<AssetId>, amount_in: Balance) -> Result<Balance, AmmError> {
            SmartAssets::quote_exact_in(&path, amount_in)
        }

        fn quote_exact_out(path: Vec<AssetId>, amount_out: Balance) -> Result<Balance, AmmError> {
            SmartAssets::quote_exact_out(&path, amount_out)
        }

        fn pool(asset: AssetId) -> Option<PoolView<BlockNumber>> {
            SmartAssets::pool_view(asset)
        }
    }

    impl wcme_consensus_primitives::poc::PocApi<Block, AccountId, Balance, BlockNumber> for Runtime {
        fn slot_duration_ms() -> u64 {
            Poc::slot_duration_ms()
        }

        fn slot_owner(slot: Slot) -> Option<SlotOwner<AccountId>> {
            Poc::slot_owner(slot)
        }

        fn current_round() -> RoundInfo<AccountId, Balance> {
            Poc::current_round()
        }

        fn agents() -> Vec<AgentInfo<AccountId, Balance, BlockNumber>> {
            Poc::agents()
        }

        fn credit(who: AccountId) -> CreditInfo {
            Poc::credit_info(&who)
        }

        fn pending_rewards(who: AccountId) -> Balance {
            Poc::pending_rewards(&who)
        }

        fn equivocation_report_extrinsic(
            evidence: Evidence<<Block as BlockT>::Header>,
        ) -> <Block as BlockT>::Extrinsic {
            let call = pallet_wcme_poc::Call::<Runtime>::report_equivocation_unsigned {
                evidence: Box::new(evidence),
            };
            UncheckedExtrinsic::new_bare(call.into())
        }
    }

    #[api_version(2)]
    impl pallet_wcme_subchains::runtime_api::SubchainsApi<Block, AccountId, BlockNumber> for Runtime {
        fn subchains() -> Vec<SubchainView<AccountId, BlockNumber>> {
            Subchains::subchain_views()
        }

        fn subchain(id: SubchainId) -> Option<SubchainView<AccountId, BlockNumber>> {
            Subchains::subchain_view(id)
        }

        fn bonds(
            id: SubchainId,
        ) -> Vec<(pallet_wcme_subchains::C3nKey, pallet_wcme_subchains::ValidatorBond<AccountId, BlockNumber>)> {
            pallet_wcme_subchains::Bonds::<Runtime>::iter_prefix(id).collect()
        }
    }

    #[api_version(3)]
    impl pallet_wcme_cross_chain::runtime_api::CrossChainApi<Block> for Runtime {
        fn audited_head(subchain: SubchainId) -> Option<AuditedHeader> {
            CrossChain::audited_head(subchain)
        }

        fn audited_header(subchain: SubchainId, number: u32) -> Option<AuditedHeader> {
            CrossChain::audited_header(subchain, number)
        }

        fn escrow_total(subchain: SubchainId) -> Balance {
            CrossChain::escrow_total(subchain)
        }

        fn outbound(subchain: SubchainId, seq: u64) -> Option<TransferMessage> {
            CrossChain::outbound(subchain, seq)
        }

        fn next_outbound_seq(subchain: SubchainId) -> u64 {
            CrossChain::next_outbound_seq(subchain)
        }

        fn next_inbound_seq(subchain: SubchainId) -> u64 {
            CrossChain::next_inbound_seq(subchain)
        }

        fn receipt(subchain: SubchainId, seq: u64) -> Option<Receipt> {
            CrossChain::receipt(subchain, seq)
        }

        fn c3d(subchain: SubchainId) -> pallet_wcme_cross_chain::c3d::C3dView {
            CrossChain::c3d_view(subchain)
        }

        fn main_c3ns() -> Vec<pallet_wcme_cross_chain::c3d::C3nId> {
            pallet_wcme_cross_chain::MainC3ns::<Runtime>::get().into_inner()
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
