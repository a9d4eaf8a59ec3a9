//! The runtime APIs of the main chain.
//!
//! `impl_runtime_apis!` implements each API for [`Runtime`] and, under `std`, generates
//! `pub mod api { pub fn dispatch(method: &str, data: &[u8]) -> Option<Vec<u8>> }`: the table from
//! an API method name (`"<Trait>_<method>"`, e.g. `"Core_version"`) to its implementation, taking
//! and returning SCALE bytes. The node executes the runtime natively through that function
//! (re-exported as `crate::dispatch`), so the names and encodings are exactly those a Substrate
//! client would call on a Wasm runtime.

use alloc::{boxed::Box, vec::Vec};
use frame_support::{
    genesis_builder_helper::{build_state, get_preset},
    weights::Weight,
};
use sp_api::impl_runtime_apis;
use sp_core::OpaqueMetadata;
use sp_runtime::{
    ApplyExtrinsicResult,
    traits::Block as BlockT,
    transaction_validity::{TransactionSource, TransactionValidity},
};
use sp_version::RuntimeVersion;

use pallet_wcme_smart_assets::{AmmError, AssetId, PoolView};
use pallet_wcme_subchains::{SubchainId, SubchainView};
use wcme_consensus_primitives::poc::{AgentInfo, CreditInfo, Evidence, RoundInfo, Slot, SlotOwner};

use super::{
    AccountId, Balance, Block, BlockNumber, Executive, InherentDataExt, Nonce, Poc, Runtime,
    RuntimeCall, RuntimeGenesisConfig, SmartAssets, Subchains, System, TransactionPayment,
    UncheckedExtrinsic, VERSION, genesis_config_presets,
};

impl_runtime_apis! {
    impl sp_api::Core<Block> for Runtime {
        fn version() -> RuntimeVersion {
            VERSION
        }

        fn execute_block(block: <Block as BlockT>::LazyBlock) {
            Executive::execute_block(block);
        }

        fn initialize_block(header: &<Block as BlockT>::Header) -> sp_runtime::ExtrinsicInclusionMode {
            Executive::initialize_block(header)
        }
    }

    impl sp_api::Metadata<Block> for Runtime {
        fn metadata() -> OpaqueMetadata {
            OpaqueMetadata::new(Runtime::metadata().into())
        }

        fn metadata_at_version(version: u32) -> Option<OpaqueMetadata> {
            Runtime::metadata_at_version(version)
        }

        fn metadata_versions() -> Vec<u32> {
            Runtime::metadata_versions()
        }
    }

    impl sp_block_builder::BlockBuilder<Block> for Runtime {
        fn apply_extrinsic(extrinsic: <Block as BlockT>::Extrinsic) -> ApplyExtrinsicResult {
            Executive::apply_extrinsic(extrinsic)
        }

        fn finalize_block() -> <Block as BlockT>::Header {
            Executive::finalize_block()
        }

        fn inherent_extrinsics(data: sp_inherents::InherentData) -> Vec<<Block as BlockT>::Extrinsic> {
            data.create_extrinsics()
        }

        fn check_inherents(
            block: <Block as BlockT>::LazyBlock,
            data: sp_inherents::InherentData,
        ) -> sp_inherents::CheckInherentsResult {
            data.check_extrinsics(&block)
        }
    }

    impl sp_transaction_pool::runtime_api::TaggedTransactionQueue<Block> for Runtime {
        fn validate_transaction(
            source: TransactionSource,
            tx: <Block as BlockT>::Extrinsic,
            block_hash: <Block as BlockT>::Hash,
        ) -> TransactionValidity {
            Executive::validate_transaction(source, tx, block_hash)
        }
    }

    impl sp_offchain::OffchainWorkerApi<Block> for Runtime {
        fn offchain_worker(header: &<Block as BlockT>::Header) {
            Executive::offchain_worker(header)
        }
    }

    impl frame_system_rpc_runtime_api::AccountNonceApi<Block, AccountId, Nonce> for Runtime {
        fn account_nonce(account: AccountId) -> Nonce {
            System::account_nonce(account)
        }
    }

    impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentApi<Block, Balance> for Runtime {
        fn query_info(
            uxt: <Block as BlockT>::Extrinsic,
            len: u32,
        ) -> pallet_transaction_payment_rpc_runtime_api::RuntimeDispatchInfo<Balance> {
            TransactionPayment::query_info(uxt, len)
        }

        fn query_fee_details(
            uxt: <Block as BlockT>::Extrinsic,
            len: u32,
        ) -> pallet_transaction_payment::FeeDetails<Balance> {
            TransactionPayment::query_fee_details(uxt, len)
        }

        fn query_weight_to_fee(weight: Weight) -> Balance {
            TransactionPayment::weight_to_fee(weight)
        }

        fn query_length_to_fee(length: u32) -> Balance {
            TransactionPayment::length_to_fee(length)
        }
    }

    impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentCallApi<Block, Balance, RuntimeCall>
        for Runtime
    {
        fn query_call_info(
            call: RuntimeCall,
            len: u32,
        ) -> pallet_transaction_payment::RuntimeDispatchInfo<Balance> {
            TransactionPayment::query_call_info(call, len)
        }

        fn query_call_fee_details(
            call: RuntimeCall,
            len: u32,
        ) -> pallet_transaction_payment::FeeDetails<Balance> {
            TransactionPayment::query_call_fee_details(call, len)
        }

        fn query_weight_to_fee(weight: Weight) -> Balance {
            TransactionPayment::weight_to_fee(weight)
        }

        fn query_length_to_fee(length: u32) -> Balance {
            TransactionPayment::length_to_fee(length)
        }
    }

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

    impl pallet_wcme_subchains::runtime_api::SubchainsApi<Block, AccountId, BlockNumber> for Runtime {
        fn subchains() -> Vec<SubchainView<AccountId, BlockNumber>> {
            Subchains::subchain_views()
        }

        fn subchain(id: SubchainId) -> Option<SubchainView<AccountId, BlockNumber>> {
            Subchains::subchain_view(id)
        }
    }

    impl sp_genesis_builder::GenesisBuilder<Block> for Runtime {
        fn build_state(config: Vec<u8>) -> sp_genesis_builder::Result {
            build_state::<RuntimeGenesisConfig>(config)
        }

        fn get_preset(id: &Option<sp_genesis_builder::PresetId>) -> Option<Vec<u8>> {
            get_preset::<RuntimeGenesisConfig>(id, genesis_config_presets::get_preset)
        }

        fn preset_names() -> Vec<sp_genesis_builder::PresetId> {
            genesis_config_presets::preset_names()
        }
    }
}
