//! The runtime APIs the WCME node calls on every chain, written once for every WCME runtime.
//!
//! [`impl_node_runtime_apis!`](crate::impl_node_runtime_apis) is `sp_api::impl_runtime_apis!`
//! with `Core`, `Metadata`, `BlockBuilder`, `TaggedTransactionQueue`, `OffchainWorkerApi`,
//! `AccountNonceApi`, `TransactionPaymentApi`, `TransactionPaymentCallApi` and `GenesisBuilder`
//! already implemented the one way a FRAME runtime implements them (through `Executive`,
//! `System`, `TransactionPayment` and the runtime's genesis presets); a runtime passes only its
//! own APIs. The main chain, the subchain template and every fork of it thereby serve the node
//! the same methods with the same meaning, and a fix to one of them reaches all.

/// `sp_api::impl_runtime_apis!` with the APIs every WCME node calls, plus the runtime's own
/// (the macro's input: `impl … for Runtime { … }` blocks, as `impl_runtime_apis!` takes them).
///
/// The invoking module must have in scope, by these names: `Runtime`, `Block`, `RuntimeCall`,
/// `RuntimeGenesisConfig`, `Executive`, `System`, `TransactionPayment`, `VERSION`, `AccountId`,
/// `Nonce`, `Balance`, `InherentDataExt` (from `#[frame_support::runtime]`) and a module
/// `genesis_config_presets` with `get_preset` and `preset_names`; and the runtime crate must
/// depend on the crates named below (`sp-api`, `sp-block-builder`, `sp-inherents`,
/// `sp-transaction-pool`, `sp-offchain`, `sp-genesis-builder`, `frame-system-rpc-runtime-api`,
/// `pallet-transaction-payment(-rpc-runtime-api)`, …) and declare `extern crate alloc`.
#[macro_export]
macro_rules! impl_node_runtime_apis {
    ($($runtime_apis:tt)*) => {
        sp_api::impl_runtime_apis! {
            impl sp_api::Core<Block> for Runtime {
                fn version() -> sp_version::RuntimeVersion {
                    VERSION
                }

                fn execute_block(block: <Block as sp_runtime::traits::Block>::LazyBlock) {
                    Executive::execute_block(block);
                }

                fn initialize_block(
                    header: &<Block as sp_runtime::traits::Block>::Header,
                ) -> sp_runtime::ExtrinsicInclusionMode {
                    Executive::initialize_block(header)
                }
            }

            impl sp_api::Metadata<Block> for Runtime {
                fn metadata() -> sp_core::OpaqueMetadata {
                    sp_core::OpaqueMetadata::new(Runtime::metadata().into())
                }

                fn metadata_at_version(version: u32) -> Option<sp_core::OpaqueMetadata> {
                    Runtime::metadata_at_version(version)
                }

                fn metadata_versions() -> alloc::vec::Vec<u32> {
                    Runtime::metadata_versions()
                }
            }

            impl sp_block_builder::BlockBuilder<Block> for Runtime {
                fn apply_extrinsic(
                    extrinsic: <Block as sp_runtime::traits::Block>::Extrinsic,
                ) -> sp_runtime::ApplyExtrinsicResult {
                    Executive::apply_extrinsic(extrinsic)
                }

                fn finalize_block() -> <Block as sp_runtime::traits::Block>::Header {
                    Executive::finalize_block()
                }

                fn inherent_extrinsics(
                    data: sp_inherents::InherentData,
                ) -> alloc::vec::Vec<<Block as sp_runtime::traits::Block>::Extrinsic> {
                    data.create_extrinsics()
                }

                fn check_inherents(
                    block: <Block as sp_runtime::traits::Block>::LazyBlock,
                    data: sp_inherents::InherentData,
                ) -> sp_inherents::CheckInherentsResult {
                    data.check_extrinsics(&block)
                }
            }

            impl sp_transaction_pool::runtime_api::TaggedTransactionQueue<Block> for Runtime {
                fn validate_transaction(
                    source: sp_runtime::transaction_validity::TransactionSource,
                    tx: <Block as sp_runtime::traits::Block>::Extrinsic,
                    block_hash: <Block as sp_runtime::traits::Block>::Hash,
                ) -> sp_runtime::transaction_validity::TransactionValidity {
                    Executive::validate_transaction(source, tx, block_hash)
                }
            }

            impl sp_offchain::OffchainWorkerApi<Block> for Runtime {
                fn offchain_worker(header: &<Block as sp_runtime::traits::Block>::Header) {
                    Executive::offchain_worker(header)
                }
            }

            impl frame_system_rpc_runtime_api::AccountNonceApi<Block, AccountId, Nonce> for Runtime {
                fn account_nonce(account: AccountId) -> Nonce {
                    System::account_nonce(account)
                }
            }

            impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentApi<Block, Balance>
                for Runtime
            {
                fn query_info(
                    uxt: <Block as sp_runtime::traits::Block>::Extrinsic,
                    len: u32,
                ) -> pallet_transaction_payment_rpc_runtime_api::RuntimeDispatchInfo<Balance> {
                    TransactionPayment::query_info(uxt, len)
                }

                fn query_fee_details(
                    uxt: <Block as sp_runtime::traits::Block>::Extrinsic,
                    len: u32,
                ) -> pallet_transaction_payment::FeeDetails<Balance> {
                    TransactionPayment::query_fee_details(uxt, len)
                }

                fn query_weight_to_fee(weight: frame_support::weights::Weight) -> Balance {
                    TransactionPayment::weight_to_fee(weight)
                }

                fn query_length_to_fee(length: u32) -> Balance {
                    TransactionPayment::length_to_fee(length)
                }
            }

            impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentCallApi<
                Block,
                Balance,
                RuntimeCall,
            > for Runtime
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

                fn query_weight_to_fee(weight: frame_support::weights::Weight) -> Balance {
                    TransactionPayment::weight_to_fee(weight)
                }

                fn query_length_to_fee(length: u32) -> Balance {
                    TransactionPayment::length_to_fee(length)
                }
            }

            impl sp_genesis_builder::GenesisBuilder<Block> for Runtime {
                fn build_state(config: alloc::vec::Vec<u8>) -> sp_genesis_builder::Result {
                    frame_support::genesis_builder_helper::build_state::<RuntimeGenesisConfig>(
                        config,
                    )
                }

                fn get_preset(
                    id: &Option<sp_genesis_builder::PresetId>,
                ) -> Option<alloc::vec::Vec<u8>> {
                    frame_support::genesis_builder_helper::get_preset::<RuntimeGenesisConfig>(
                        id,
                        genesis_config_presets::get_preset,
                    )
                }

                fn preset_names() -> alloc::vec::Vec<sp_genesis_builder::PresetId> {
                    genesis_config_presets::preset_names()
                }
            }

            $($runtime_apis)*
        }
    };
}
