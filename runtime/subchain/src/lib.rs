//! # WCME subchain runtime template
//!
//! The FRAME runtime a business forks to run its own WCME subchain (DESIGN §5): its own base
//! token (`Balances`, symbol [`TOKEN_SYMBOL`], [`TOKEN_DECIMALS`] decimals), fees in that token
//! (`TransactionPayment`), block time (`Timestamp`), governance (`Sudo`, the place to swap in a
//! council), the chain's genesis identity (`ChainConfig`: base token, consensus kind,
//! validator set, see [`chain_config`]), the subchain side of WCME transfers (`Wcme`,
//! `MainChain`, `CrossChain`; `docs/cross-chain.md`) and smart contracts (`Contracts`, paid in
//! the base token; `docs/vm.md`). A business adds its own pallets next to these.
//!
//! It uses the chain-wide types of `wcme-primitives` (header, opaque block, 32-byte
//! `AccountId`), the same transaction format as the main chain and the runtime APIs the WCME
//! node calls on any chain, so the node can run it beside the main-chain runtime, told apart by
//! its `spec_name` ([`VERSION`], `"wcme-subchain"`). Its accounts sign in the scheme chosen at
//! genesis — sr25519 (default), ed25519 or SM2 with SM3 ([`Signature`], `MultiSignature`'s
//! encoding for sr25519 and ed25519; see `docs/subchain-runtime.md`).
//!
//! ## Native execution
//!
//! As the main-chain runtime, this one is compiled into the node and executed natively over
//! `sp-io` host functions (DESIGN §1.3): the node calls it only through [`dispatch`] (runtime API
//! name plus SCALE-encoded arguments, SCALE-encoded result) and reads [`VERSION`]. A runtime
//! upgrade is a coordinated node upgrade at a height announced on chain, checked through
//! `spec_version` at import, not a forkless one.
//!
//! ## Layout (as the main-chain runtime and the polkadot-sdk solochain template)
//!
//! - this file: types, version, constants and the composition of pallets;
//! - [`configs`]: each pallet's `Config` — what a fork edits first;
//! - [`apis`]: the runtime APIs (`impl_runtime_apis!`), which also generate [`api::dispatch`];
//! - [`genesis_config_presets`]: the `development` and `local_testnet` genesis presets;
//! - [`signing`]: building signed transactions natively (tests, the node's benchmark);
//! - [`chain_config`]: the pallet holding the base token, consensus kind and validator set.

#![cfg_attr(not(feature = "std"), no_std)]
// `#[frame_support::runtime]` expands to very deep trait-resolution chains.
#![recursion_limit = "256"]

extern crate alloc;

pub mod apis;
pub mod chain_config;
pub mod configs;
pub mod genesis_config_presets;
pub mod signing;

use alloc::borrow::Cow;
use sp_runtime::{MultiAddress, generic};
use sp_version::RuntimeVersion;

pub use apis::{RUNTIME_API_VERSIONS, RuntimeApi, api};
pub use chain_config::Call as ChainConfigCall;
pub use frame_system::Call as SystemCall;
pub use pallet_balances::Call as BalancesCall;
pub use pallet_sudo::Call as SudoCall;
pub use pallet_timestamp::Call as TimestampCall;
pub use pallet_wcme_contracts::Call as ContractsCall;
pub use wcme_primitives::{AccountId, Balance, BlockNumber, Hash, Header, Nonce};

/// A transaction signature: `wcme_subchain_primitives::SchemeSignature` (`MultiSignature`'s
/// bytes for sr25519 and ed25519, plus SM2 with its public key), valid only in the account
/// scheme the chain fixed at genesis (`ChainConfig::AccountScheme`).
pub type Signature =
    wcme_subchain_primitives::AccountSignature<chain_config::ChainAccountScheme<Runtime>>;

/// Ticker of the subchain's base token: the default a genesis config declares
/// (`chainConfig.tokenSymbol`) and what the node's chain spec shows wallets (`tokenSymbol`).
/// A fork names its own token here and in its chain specs.
pub const TOKEN_SYMBOL: &str = "SUB";
/// Decimals of the base token. Every amount in this runtime ([`UNIT`], the existential deposit,
/// fees) is written in them, so a genesis config must declare exactly these
/// (`chainConfig.tokenDecimals`); a fork that wants other decimals changes this constant.
pub const TOKEN_DECIMALS: u8 = 12;
/// SS58 address prefix (42, Substrate's generic prefix, so existing wallets show addresses). A
/// production subchain registers its own prefix and sets it here.
pub const SS58_PREFIX: u16 = 42;

/// One whole base token in the smallest unit: 10^[`TOKEN_DECIMALS`].
pub const UNIT: Balance = 10u128.pow(TOKEN_DECIMALS as u32);
/// One thousandth of a token.
pub const MILLI_UNIT: Balance = UNIT / 1_000;
/// One millionth of a token.
pub const MICRO_UNIT: Balance = UNIT / 1_000_000;

/// Existential deposit: 0.001 token. Accounts below it are reaped, so dust cannot bloat state.
pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_UNIT;

/// Call the runtime API `method` (e.g. `"Core_version"`, `"BlockBuilder_apply_extrinsic"`) with
/// SCALE-encoded `data`; returns the SCALE-encoded result, or `None` for an unknown method.
///
/// Must run inside `sp-io` externalities (the node's state for the block the call is made at).
/// This is the only entry point the node uses besides [`VERSION`]; it forwards to the
/// [`api::dispatch`] generated by `impl_runtime_apis!`.
pub fn dispatch(method: &str, data: &[u8]) -> Option<alloc::vec::Vec<u8>> {
    api::dispatch(method, data)
}

/// The runtime's `spec_name`, which a chain spec names in its `runtime` field.
pub const SPEC_NAME: &str = "wcme-subchain";

/// The version of this runtime. `spec_name` tells the node's compiled-in runtimes apart: a chain
/// spec selects this one with `"runtime": "wcme-subchain"`. The node compares `spec_version`
/// with the one recorded on chain to refuse blocks it cannot execute.
pub const VERSION: RuntimeVersion = RuntimeVersion {
    spec_name: Cow::Borrowed(SPEC_NAME),
    impl_name: Cow::Borrowed("wcme-node"),
    authoring_version: 1,
    // Bumped whenever the runtime's behaviour changes; 100 is what polkadot.js expects of a
    // fresh Substrate-style chain.
    spec_version: 100,
    impl_version: 1,
    apis: RUNTIME_API_VERSIONS,
    // Bumped whenever the encoding or meaning of an existing call or extension changes.
    transaction_version: 1,
    // 1 = state version V1 (large values hashed out of the trie nodes) and the current
    // extrinsics-root scheme.
    system_version: 1,
};

/// Target block time in milliseconds (6 s). The engine's slot length is set in the chain spec;
/// this is the figure block-count constants ([`MINUTES`], …) assume.
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

/// Fewest main-chain C3Ns `CrossChain` takes (its `MinMainC3ns`): a genesis or `set_c3ns` with
/// fewer is refused, and no main → subchain batch is attested until there are as many.
pub const MIN_MAIN_C3NS: u32 = 2;
/// Fewest subchain C3Ns `CrossChain` takes (its `MinSubchainC3ns`).
pub const MIN_SUBCHAIN_C3NS: u32 = 2;

/// Opaque types for node code that must not depend on the runtime's call type: blocks whose
/// extrinsics are raw bytes. They share the encoding of [`Block`].
pub mod opaque {
    pub use wcme_primitives::{Block, BlockNumber, Extrinsic as UncheckedExtrinsic, Header};
}

/// The address format of extrinsics: Substrate's `MultiAddress` (no account indices).
pub type Address = MultiAddress<AccountId, ()>;

/// The transaction extensions, in Substrate's order (the same as the main chain's, so wallets
/// and the node's tools sign for both alike).
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

/// The composition of the runtime. Pallet indices are part of the call encoding: never reuse or
/// reorder them. Indices 6–9 are kept for the subchain side of cross-chain transfers; a fork adds
/// its business pallets from index 10 on.
#[frame_support::runtime]
mod runtime {
    /// The WCME subchain runtime.
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

    /// The subchain's base token.
    #[runtime::pallet_index(2)]
    pub type Balances = pallet_balances;

    /// Transaction fees, in the base token.
    #[runtime::pallet_index(3)]
    pub type TransactionPayment = pallet_transaction_payment;

    /// Governance: one root key. Swap in a council here (see `configs`).
    #[runtime::pallet_index(4)]
    pub type Sudo = pallet_sudo;

    /// Base token, consensus kind and validator set, as written at genesis.
    #[runtime::pallet_index(5)]
    pub type ChainConfig = crate::chain_config;

    /// WCME on this subchain: minted by `CrossChain` on proof of main-chain transfers, burned
    /// by transfers back; accounts move it between them like any balance. Not the base token.
    #[runtime::pallet_index(6)]
    pub type Wcme = pallet_balances<Instance1>;

    /// A light client of the main chain's Proof-of-Credit finality: the main-chain headers
    /// (and state roots) this subchain trusts (`docs/cross-chain.md`).
    #[runtime::pallet_index(7)]
    pub type MainChain = pallet_wcme_cross_chain::main_client;

    /// The subchain side of WCME transfers: mint on proof of a main-chain message, burn to send
    /// back, receipts and refunds. Named `CrossChain` as the main chain's keys require.
    #[runtime::pallet_index(8)]
    pub type CrossChain = pallet_wcme_cross_chain::subchain;

    /// Smart contracts on the `wcme-vm` WebAssembly engine (`docs/vm.md`), paid for in the base
    /// token. A business that wants no contracts removes this, its config and its runtime API.
    #[runtime::pallet_index(9)]
    pub type Contracts = pallet_wcme_contracts;
}
