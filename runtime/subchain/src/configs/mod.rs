//! Each pallet's configuration for the subchain runtime.
//!
//! Composition lives in `lib.rs`; this module only says how each pallet behaves here. It is the
//! first file a business edits after forking: block limits, the existential deposit, fee levels,
//! who governs.
//!
//! ## Governance: swapping `Sudo` for a council
//!
//! Everything privileged in this runtime goes through **root**: `ChainConfig`'s
//! `ValidatorSetOrigin` is `EnsureRoot`, and `Sudo` is the only way to act as root. A business
//! that wants a council instead:
//!
//! 1. adds `pallet-collective` (and, for motions with enactment delays, `pallet-democracy` or
//!    `pallet-referenda`) to `lib.rs` and configures it here;
//! 2. sets `ChainConfig`'s `ValidatorSetOrigin` (and any other privileged origin) to the
//!    council's origin, e.g.
//!    `pallet_collective::EnsureProportionAtLeast<AccountId, CouncilInstance, 2, 3>`;
//! 3. removes `Sudo` from `lib.rs`, its config below and `sudo` from the genesis presets (a
//!    running chain removes the sudo key with `sudo.remove_key` once the council exists).

use frame_support::{
    derive_impl,
    dispatch::DispatchClass,
    parameter_types,
    traits::{ConstU8, ConstU32, ConstU64, ConstU128, VariantCountOf},
    weights::{
        ConstantMultiplier, Weight,
        constants::{RocksDbWeight, WEIGHT_REF_TIME_PER_SECOND},
    },
};
use frame_system::{
    EnsureRoot,
    limits::{BlockLength, BlockWeights},
};
use pallet_transaction_payment::{ConstFeeMultiplier, FungibleAdapter, Multiplier};
use sp_runtime::{Perbill, traits::One};
use sp_version::RuntimeVersion;

use super::{
    AccountId, Balance, Balances, Block, BlockNumber, EXISTENTIAL_DEPOSIT, Hash, MINIMUM_PERIOD_MS,
    Nonce, PalletInfo, Runtime, RuntimeCall, RuntimeEvent, RuntimeFreezeReason, RuntimeHoldReason,
    RuntimeOrigin, RuntimeTask, SS58_PREFIX, System, TOKEN_DECIMALS, TOKEN_SYMBOL, VERSION,
};

/// Share of a block's weight and length that normal (non-operational) extrinsics may use; the
/// rest is kept for operational calls and the block's own bookkeeping.
const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);

/// Maximum block length: 5 MiB.
const MAX_BLOCK_LENGTH: u32 = 5 * 1024 * 1024;

parameter_types! {
    /// How many recent block hashes the chain keeps (mortal transactions refer to them).
    pub const BlockHashCount: BlockNumber = 2400;
    /// The runtime version, as `frame_system` reports and checks it.
    pub const Version: RuntimeVersion = VERSION;
    /// 2 s of computation per 6 s block, leaving time to gossip and import the block.
    pub RuntimeBlockWeights: BlockWeights = BlockWeights::with_sensible_defaults(
        Weight::from_parts(2u64.saturating_mul(WEIGHT_REF_TIME_PER_SECOND), u64::MAX),
        NORMAL_DISPATCH_RATIO,
    );
    /// 5 MiB per block, 75 % of it for normal extrinsics.
    pub RuntimeBlockLength: BlockLength = BlockLength::builder()
        .max_length(MAX_BLOCK_LENGTH)
        .modify_max_length_for_class(DispatchClass::Normal, |max| {
            *max = NORMAL_DISPATCH_RATIO * *max
        })
        .build();
    /// SS58 address prefix reported in metadata.
    pub const SS58Prefix: u16 = SS58_PREFIX;
}

/// The Solochain defaults of FRAME, overridden with WCME's types and limits.
#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
    /// The block type (WCME header, this runtime's extrinsics).
    type Block = Block;
    /// Weight limits per block and per class.
    type BlockWeights = RuntimeBlockWeights;
    /// Length limits per block and per class.
    type BlockLength = RuntimeBlockLength;
    /// 32-byte account ids, as on the main chain: an sr25519 or ed25519 key, or the hash of an
    /// SM2 key (see `wcme_subchain_primitives::AccountSigner`).
    type AccountId = AccountId;
    /// Per-account transaction index.
    type Nonce = Nonce;
    /// Block and state hash.
    type Hash = Hash;
    /// Recent block hashes kept.
    type BlockHashCount = BlockHashCount;
    /// Database access costs measured for RocksDB, the node's database.
    type DbWeight = RocksDbWeight;
    /// This runtime's version.
    type Version = Version;
    /// Account data is the balance record of pallet-balances.
    type AccountData = pallet_balances::AccountData<Balance>;
    /// SS58 prefix reported in metadata.
    type SS58Prefix = SS58Prefix;
    /// Benchmarked weights of the system calls.
    type SystemWeightInfo = frame_system::weights::SubstrateWeight<Runtime>;
    /// Benchmarked weights of the system transaction extensions (they are charged too).
    type ExtensionsWeightInfo = frame_system::SubstrateExtensionsWeight<Runtime>;
    /// Limit on modules holding references to one account.
    type MaxConsumers = ConstU32<16>;
}

impl pallet_timestamp::Config for Runtime {
    /// Milliseconds since the Unix epoch.
    type Moment = u64;
    /// Nothing reacts to the timestamp.
    type OnTimestampSet = ();
    /// Consecutive timestamps are at least 500 ms apart. The block time itself is the consensus
    /// slot set in the chain spec; this is only a floor.
    type MinimumPeriod = ConstU64<MINIMUM_PERIOD_MS>;
    /// Benchmarked weights.
    type WeightInfo = pallet_timestamp::weights::SubstrateWeight<Runtime>;
}

impl pallet_balances::Config for Runtime {
    /// Maximum legacy locks per account.
    type MaxLocks = ConstU32<50>;
    /// Maximum named reserves per account.
    type MaxReserves = ConstU32<50>;
    /// Identifier of named reserves.
    type ReserveIdentifier = [u8; 8];
    /// Base-token balances in 10^-[`TOKEN_DECIMALS`] units.
    type Balance = Balance;
    /// The runtime event.
    type RuntimeEvent = RuntimeEvent;
    /// Dust of reaped accounts is burned.
    type DustRemoval = ();
    /// 0.001 token.
    type ExistentialDeposit = ConstU128<EXISTENTIAL_DEPOSIT>;
    /// Balances live in `frame_system`'s account record.
    type AccountStore = System;
    /// Benchmarked weights.
    type WeightInfo = pallet_balances::weights::SubstrateWeight<Runtime>;
    /// Freezes are identified by the runtime's freeze reasons (none in the template; a fork's
    /// pallets add theirs).
    type FreezeIdentifier = RuntimeFreezeReason;
    /// One freeze per reason is enough.
    type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
    /// The runtime's hold reasons.
    type RuntimeHoldReason = RuntimeHoldReason;
    /// The runtime's freeze reasons.
    type RuntimeFreezeReason = RuntimeFreezeReason;
    /// Nothing to do after a hold is slashed.
    type DoneSlashHandler = ();
}

/// Fee per picosecond of `ref_time` weight, in the base token's smallest unit.
///
/// The main chain's figure: a signed `Balances::transfer_keep_alive` (~630 µs of weight with its
/// transaction extensions, 146 bytes) costs about **0.0102 token** — 6.3·10^8 ps × 16 ≈ 0.0101
/// plus 146 × [`FEE_PER_BYTE`] ≈ 0.00015. The runtime test `signed_transfer_pays_its_fee`
/// prints the exact figure and keeps it between 0.008 and 0.012 token. A fork scales both
/// constants to what its token is worth.
pub const FEE_PER_REF_TIME_PS: Balance = 16;

/// Fee per byte of an extrinsic: 10^-6 token, so a 5 MiB block of padding costs ~5 tokens.
pub const FEE_PER_BYTE: Balance = super::MICRO_UNIT;

parameter_types! {
    /// The fee multiplier stays 1: fees do not react to congestion.
    pub FeeMultiplier: Multiplier = Multiplier::one();
}

/// Fees are linear in weight and length ([`FEE_PER_REF_TIME_PS`], [`FEE_PER_BYTE`]), paid in
/// the base token and **burned** (the `()` handler drops them, lowering total issuance): the
/// template has no block-author pallet to pay them to. A fork that rewards its validators puts
/// an `OnUnbalanced` handler that credits the block's author in place of `()`.
impl pallet_transaction_payment::Config for Runtime {
    /// The runtime event.
    type RuntimeEvent = RuntimeEvent;
    /// Withdraw fees from Balances and burn them.
    type OnChargeTransaction = FungibleAdapter<Balances, ()>;
    /// Operational extrinsics get 5× priority per fee unit, as on Substrate.
    type OperationalFeeMultiplier = ConstU8<5>;
    /// Identity fee (one unit per picosecond) scaled by [`FEE_PER_REF_TIME_PS`].
    type WeightToFee = ConstantMultiplier<Balance, ConstU128<FEE_PER_REF_TIME_PS>>;
    /// [`FEE_PER_BYTE`] per encoded byte.
    type LengthToFee = ConstantMultiplier<Balance, ConstU128<FEE_PER_BYTE>>;
    /// Constant multiplier of 1.
    type FeeMultiplierUpdate = ConstFeeMultiplier<FeeMultiplier>;
    /// Benchmarked weights of the payment extension.
    type WeightInfo = pallet_transaction_payment::weights::SubstrateWeight<Runtime>;
}

/// The governance choice of the template: one root key, set at genesis. See the module docs for
/// swapping in a council.
impl pallet_sudo::Config for Runtime {
    /// The runtime event.
    type RuntimeEvent = RuntimeEvent;
    /// Any runtime call can be made as root.
    type RuntimeCall = RuntimeCall;
    /// Benchmarked weights.
    type WeightInfo = pallet_sudo::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
    /// The base token's default symbol ([`TOKEN_SYMBOL`]).
    pub const DefaultTokenSymbol: &'static str = TOKEN_SYMBOL;
}

impl crate::chain_config::Config for Runtime {
    /// Root replaces the validator set: `Sudo` in the template, a council in a fork.
    type ValidatorSetOrigin = EnsureRoot<AccountId>;
    /// 100 validators, as many as the main chain's registry accepts for one subchain.
    type MaxValidators = ConstU32<100>;
    /// The runtime's amounts are in 10^-[`TOKEN_DECIMALS`] units.
    type TokenDecimals = ConstU8<TOKEN_DECIMALS>;
    /// [`TOKEN_SYMBOL`].
    type DefaultTokenSymbol = DefaultTokenSymbol;
    /// Hand-derived weights (see `chain_config/weights.rs`).
    type WeightInfo = crate::chain_config::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
    /// Storage deposit per byte of contract code and contract storage (keys and values):
    /// 10 µ of the base token, the main chain's figure.
    pub const ContractsDepositPerByte: Balance = 10 * super::MICRO_UNIT;
    /// Storage deposit per stored item (code, code record, contract record, storage entry):
    /// 0.002 of the base token, the main chain's figure.
    pub const ContractsDepositPerItem: Balance = 2 * super::MILLI_UNIT;
}

/// Largest contract code accepted: 128 KiB (the Vm's own limit is 256 KiB), as on the main chain.
pub const CONTRACTS_MAX_CODE_LEN: u32 = 128 * 1024;

/// `ref_time` weight of one unit of Vm fuel: 1 000 (≈ 1 ns per fuel unit), as on the main chain.
pub const CONTRACTS_WEIGHT_PER_FUEL: u64 = 1_000;

/// Contracts in the base token, configured as on the main chain (`docs/vm.md`): values sent to
/// contracts and the storage deposits held are the base token.
impl pallet_wcme_contracts::Config for Runtime {
    /// The base token.
    type Currency = Balances;
    type RuntimeHoldReason = RuntimeHoldReason;
    /// Contracts read the block timestamp.
    type Time = super::Timestamp;
    type DepositPerByte = ContractsDepositPerByte;
    type DepositPerItem = ContractsDepositPerItem;
    type MaxCodeLen = ConstU32<CONTRACTS_MAX_CODE_LEN>;
    type WeightPerFuel = ConstU64<CONTRACTS_WEIGHT_PER_FUEL>;
    /// Call depth 4 and a 128 KiB Wasm stack: executing threads need 3.125 MiB of native stack,
    /// which the node's tokio threads have (`wcme-cli` gives them 16 MiB).
    type Schedule = pallet_wcme_contracts::DefaultSchedule;
    /// The weights benchmarked on the main runtime (the same pallet, code and storage layout).
    type WeightInfo = pallet_wcme_contracts::weights::SubstrateWeight<Runtime>;
}

/// The smallest WCME balance an account keeps on the subchain: 0.001 WCME (10^9 plancks), as on
/// the main chain.
pub const WCME_EXISTENTIAL_DEPOSIT: Balance = 1_000_000_000;

/// WCME on the subchain: a second `pallet-balances` instance, its accounts in its own storage
/// map (the base token's are in `System::Account`). Only `CrossChain` mints and burns it;
/// `force_set_balance` by root could too, but `CrossChain` never burns more than it minted
/// (`Minted`) and the main chain never releases more than the subchain's escrow, so such WCME
/// cannot leave the subchain.
impl pallet_balances::Config<pallet_balances::Instance1> for Runtime {
    /// No legacy locks.
    type MaxLocks = ConstU32<0>;
    /// No named reserves.
    type MaxReserves = ConstU32<0>;
    /// Unused (no reserves).
    type ReserveIdentifier = [u8; 8];
    /// WCME plancks (10^-12 WCME).
    type Balance = Balance;
    /// The runtime event.
    type RuntimeEvent = RuntimeEvent;
    /// Dust of reaped accounts is burned (it was minted here).
    type DustRemoval = ();
    /// [`WCME_EXISTENTIAL_DEPOSIT`].
    type ExistentialDeposit = ConstU128<WCME_EXISTENTIAL_DEPOSIT>;
    /// Balances in the instance's own map, keyed by account.
    type AccountStore = frame_support::traits::StorageMapShim<
        pallet_balances::Account<Runtime, pallet_balances::Instance1>,
        AccountId,
        pallet_balances::AccountData<Balance>,
    >;
    /// Benchmarked weights of the base-token instance.
    type WeightInfo = pallet_balances::weights::SubstrateWeight<Runtime>;
    /// No freezes.
    type FreezeIdentifier = ();
    /// No freezes.
    type MaxFreezes = ConstU32<0>;
    /// The runtime's hold reasons (none held in WCME).
    type RuntimeHoldReason = RuntimeHoldReason;
    /// The runtime's freeze reasons.
    type RuntimeFreezeReason = RuntimeFreezeReason;
    /// Nothing to do after a hold is slashed.
    type DoneSlashHandler = ();
}

/// Most producers of a main-chain round (the main runtime's `Poc::MaxAgents`).
pub const MAIN_CHAIN_MAX_VOTERS: u32 = 100;

/// The light client of main-chain finality. Its trust anchor is the genesis config
/// (`mainChain`) or, later, a root `force_checkpoint` (e.g. once the main chain is running).
impl pallet_wcme_cross_chain::main_client::Config for Runtime {
    /// Root replaces the trust anchor (`Sudo` in the template).
    type AdminOrigin = EnsureRoot<AccountId>;
    /// As many headers per submission as the main chain audits per subchain submission.
    type MaxHeadersPerSubmission = ConstU32<64>;
    /// [`MAIN_CHAIN_MAX_VOTERS`].
    type MaxVoters = ConstU32<MAIN_CHAIN_MAX_VOTERS>;
    /// Finalized main-chain headers kept (their roots prove main-chain messages).
    type FinalizedHistory = ConstU32<4096>;
    /// Proofs of at most 64 nodes, as on the main chain.
    type MaxProofNodes = ConstU32<64>;
    /// 16 KiB: a full `Poc::NextProducers` (96 bytes per producer) is one node.
    type MaxProofNodeSize = ConstU32<{ 16 * 1024 }>;
    /// Hand-derived estimates (`main_client/weights.rs`).
    type WeightInfo = pallet_wcme_cross_chain::main_client::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
    /// The smallest WCME amount sent back to the main chain: 1 WCME, the main chain's minimum.
    pub const CrossChainMinTransfer: Balance = 1_000_000_000_000;
}

/// The subchain side of WCME transfers, trusting the main-chain roots of `MainChain`.
impl pallet_wcme_cross_chain::subchain::Config for Runtime {
    /// The light client above.
    type MainChain = super::MainChain;
    /// WCME on the subchain.
    type Currency = super::Wcme;
    /// Root sets the subchain's registry id once, after registration, and both sides' C3Ns.
    type AdminOrigin = EnsureRoot<AccountId>;
    /// Main-chain blocks a message back has to arrive (the main chain's own figure for the
    /// other direction).
    type TransferTimeout = ConstU32<14_400>;
    /// [`CrossChainMinTransfer`].
    type MinTransfer = CrossChainMinTransfer;
    /// As on the main chain.
    type MaxProofNodes = ConstU32<64>;
    /// As on the main chain.
    type MaxProofNodeSize = ConstU32<2048>;
    /// At most 100 C3Ns a side (as many as the main chain's producers, [`MAIN_CHAIN_MAX_VOTERS`]).
    type MaxC3ns = ConstU32<100>;
    /// At least two main-chain C3Ns ([`crate::MIN_MAIN_C3NS`]).
    type MinMainC3ns = ConstU32<{ crate::MIN_MAIN_C3NS }>;
    /// At least two subchain C3Ns ([`crate::MIN_SUBCHAIN_C3NS`]).
    type MinSubchainC3ns = ConstU32<{ crate::MIN_SUBCHAIN_C3NS }>;
    /// At most 256 messages a batch.
    type MaxBatch = ConstU32<256>;
    /// A batch not accepted within 20 blocks may be replaced by another C3N's.
    type BatchExpiry = ConstU32<20>;
    /// Hand-derived estimates (`subchain/weights.rs`).
    type WeightInfo = pallet_wcme_cross_chain::subchain::weights::SubstrateWeight<Runtime>;
    /// The light client makes main-chain roots verified for the benchmarks.
    #[cfg(feature = "runtime-benchmarks")]
    type BenchmarkHelper = super::MainChain;
}
