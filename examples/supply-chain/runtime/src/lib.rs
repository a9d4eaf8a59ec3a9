//! # Supply-chain runtime
//!
//! The runtime of the supply-chain example subchain: a business's fork of the WCME subchain
//! template (`runtime/subchain`, crate `wcme-runtime-subchain`) that follows products from their
//! manufacturer through every handover ([`Traceability`], `pallet-traceability`). Everything
//! else is the template's: its own base token (`Balances`, symbol [`TOKEN_SYMBOL`] `TRACE`,
//! [`TOKEN_DECIMALS`] decimals), fees in that token (`TransactionPayment`), block time
//! (`Timestamp`), governance (`Sudo`) and the chain's genesis identity (`ChainConfig`: base
//! token, consensus kind, account scheme, validator set).
//!
//! ## What the fork changed
//!
//! - `spec_name` `"supply-chain"`, `impl_name` `"supply-chain-node"` ([`VERSION`]), so a node
//!   never mistakes this runtime's state for the template's;
//! - the token `TRACE`;
//! - `Traceability` at pallet index 10 (indices 6–9 stay free, as in the template) and its
//!   runtime API `TraceabilityApi` ([`apis`]);
//! - genesis presets with SM2 accounts and PBFT among the validators
//!   ([`genesis_config_presets`]);
//! - signing helpers for the traceability calls ([`signing`]).
//!
//! ## What it reuses instead of copying
//!
//! - the chain-config pallet, `wcme_runtime_subchain::chain_config` (re-exported as
//!   [`chain_config`]): composed here as `ChainConfig` at index 5 with its own `Config` impl for
//!   this [`Runtime`], and its `ValidatorSetApi` / `ChainConfigApi`, which the node calls;
//! - the transaction extensions, native signing and event checks of `wcme_runtime_common`;
//! - account signatures and keys (`AccountSignature`, `AccountPair`, `Sm2Pair`) of
//!   `wcme_subchain_primitives`;
//! - the template's development-account helpers (`dev_account`, `dev_accounts_for`, …).
//!
//! ## Native execution
//!
//! As every WCME runtime, this one is compiled into its node (`supply-chain-node`) and executed
//! natively: the node calls it only through [`dispatch`] and reads [`VERSION`].

#![cfg_attr(not(feature = "std"), no_std)]
// `#[frame_support::runtime]` expands to very deep trait-resolution chains.
#![recursion_limit = "256"]

extern crate alloc;

pub mod apis;
pub mod configs;
pub mod genesis_config_presets;
pub mod signing;

use alloc::borrow::Cow;
use sp_runtime::{MultiAddress, generic};
use sp_version::RuntimeVersion;

pub use apis::{RUNTIME_API_VERSIONS, RuntimeApi, api};
pub use frame_system::Call as SystemCall;
pub use pallet_balances::Call as BalancesCall;
pub use pallet_sudo::Call as SudoCall;
pub use pallet_timestamp::Call as TimestampCall;
pub use pallet_traceability::{Call as TraceabilityCall, ProductId, RecordKind};
pub use wcme_primitives::{AccountId, Balance, BlockNumber, Hash, Header, Nonce};
/// The template's chain-config pallet, composed here as `ChainConfig` (not copied).
pub use wcme_runtime_subchain::chain_config;
pub use wcme_runtime_subchain::chain_config::Call as ChainConfigCall;

/// A transaction signature: `wcme_subchain_primitives::SchemeSignature`, valid only in the
/// account scheme the chain fixed at genesis (`ChainConfig::AccountScheme`; SM2 in this fork's
/// presets).
pub type Signature =
    wcme_subchain_primitives::AccountSignature<chain_config::ChainAccountScheme<Runtime>>;

/// A product as `TraceabilityApi_product` returns it.
pub type ProductView = pallet_traceability::ProductView<AccountId, BlockNumber>;

/// A history record as `TraceabilityApi_history` returns it.
pub type RecordView = pallet_traceability::RecordView<AccountId, BlockNumber>;

/// Ticker of the chain's base token: the default a genesis config declares
/// (`chainConfig.tokenSymbol`) and what the node's chain specs show wallets (`tokenSymbol`).
pub const TOKEN_SYMBOL: &str = "TRACE";
/// Decimals of the base token. Every amount in this runtime ([`UNIT`], the existential deposit,
/// fees) is written in them, so a genesis config must declare exactly these.
pub const TOKEN_DECIMALS: u8 = 12;
/// SS58 address prefix (42, Substrate's generic prefix, so existing wallets show addresses).
pub const SS58_PREFIX: u16 = 42;

/// One whole `TRACE` in the smallest unit: 10^[`TOKEN_DECIMALS`].
pub const UNIT: Balance = 10u128.pow(TOKEN_DECIMALS as u32);
/// One thousandth of a token.
pub const MILLI_UNIT: Balance = UNIT / 1_000;
/// One millionth of a token.
pub const MICRO_UNIT: Balance = UNIT / 1_000_000;

/// Existential deposit: 0.001 token. Accounts below it are reaped.
pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_UNIT;

/// Call the runtime API `method` (e.g. `"Core_version"`, `"TraceabilityApi_history"`) with
/// SCALE-encoded `data`; returns the SCALE-encoded result, or `None` for an unknown method.
///
/// Must run inside `sp-io` externalities (the node's state for the block the call is made at).
/// This is the only entry point the node uses besides [`VERSION`].
pub fn dispatch(method: &str, data: &[u8]) -> Option<alloc::vec::Vec<u8>> {
    api::dispatch(method, data)
}

/// The version of this runtime. `spec_name` tells the runtimes a node has compiled in apart; the
/// supply-chain node has only this one, so its chain specs need no `runtime` field.
pub const VERSION: RuntimeVersion = RuntimeVersion {
    spec_name: Cow::Borrowed("supply-chain"),
    impl_name: Cow::Borrowed("supply-chain-node"),
    authoring_version: 1,
    spec_version: 100,
    impl_version: 1,
    apis: RUNTIME_API_VERSIONS,
    transaction_version: 1,
    system_version: 1,
};

/// Target block time in milliseconds (6 s), the slot length of the built-in `dev` chain. The
/// engine's slot length is set in the chain spec; this is the figure block-count constants
/// assume.
pub const MILLISECS_PER_BLOCK: u64 = 6000;
/// Smallest distance between block timestamps; slots shorter than twice this are not supported.
pub const MINIMUM_PERIOD_MS: u64 = 500;

/// Blocks per minute at the target block time.
// `as` is exact here: 60_000 / 6000 = 10 fits any integer type.
pub const MINUTES: BlockNumber = 60_000 / (MILLISECS_PER_BLOCK as BlockNumber);
/// Blocks per hour at the target block time.
pub const HOURS: BlockNumber = MINUTES * 60;
/// Blocks per day at the target block time.
pub const DAYS: BlockNumber = HOURS * 24;

/// Opaque types for node code that must not depend on the runtime's call type.
pub mod opaque {
    pub use wcme_primitives::{Block, BlockNumber, Extrinsic as UncheckedExtrinsic, Header};
}

/// The address format of extrinsics: Substrate's `MultiAddress` (no account indices).
pub type Address = MultiAddress<AccountId, ()>;

/// The transaction extensions, the same as every WCME runtime's.
pub type TxExtension = wcme_runtime_common::TxExtension<Runtime>;

/// An extrinsic as the runtime decodes it.
pub type UncheckedExtrinsic =
    wcme_runtime_common::UncheckedExtrinsic<Runtime, RuntimeCall, Signature>;

/// The payload a signer signs: call, explicit and implicit extension data.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// A block as the runtime sees it.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;

/// Migrations to run on the next runtime upgrade, besides the pallets' own. None yet.
type Migrations = ();

/// Drives block initialisation, extrinsic application and finalisation across all pallets.
pub type Executive = frame_executive::Executive<
    Runtime,
    Block,
    frame_system::ChainContext<Runtime>,
    Runtime,
    AllPalletsWithSystem,
    Migrations,
>;

/// The composition of the runtime: the template's pallets at the template's indices, then the
/// business's from index 10. Indices are part of the call encoding: never reuse or reorder them.
#[frame_support::runtime]
mod runtime {
    /// The supply-chain runtime.
    #[runtime::runtime]
    #[runtime::derive(
        RuntimeCall,
        RuntimeEvent,
        RuntimeError,
        RuntimeOrigin,
        RuntimeFreezeReason,
        RuntimeHoldReason,
        RuntimeSlashReason,
        RuntimeLockId,
        RuntimeTask
    )]
    pub struct Runtime;

    /// Accounts, nonces, events, block bookkeeping.
    #[runtime::pallet_index(0)]
    pub type System = frame_system;

    /// The block timestamp (inherent).
    #[runtime::pallet_index(1)]
    pub type Timestamp = pallet_timestamp;

    /// The base token, `TRACE`.
    #[runtime::pallet_index(2)]
    pub type Balances = pallet_balances;

    /// Transaction fees, in `TRACE`.
    #[runtime::pallet_index(3)]
    pub type TransactionPayment = pallet_transaction_payment;

    /// Governance: one root key.
    #[runtime::pallet_index(4)]
    pub type Sudo = pallet_sudo;

    /// Base token, consensus kind, account scheme and validator set: the template's pallet,
    /// used from its crate.
    #[runtime::pallet_index(5)]
    pub type ChainConfig = wcme_runtime_subchain::chain_config;

    // 6–9: kept free, as in the template, for the subchain side of cross-chain transfers.

    /// Products, their custodians and their custody history.
    #[runtime::pallet_index(10)]
    pub type Traceability = pallet_traceability;
}
