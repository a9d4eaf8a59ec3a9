//! Each pallet's configuration for the supply-chain runtime.
//!
//! Composition lives in `lib.rs`; this module only says how each pallet behaves here. Forked
//! from the template's `configs/mod.rs`: the template's pallets are configured as there (block
//! limits, existential deposit, fee levels, root governance), `ChainConfig` is the template's
//! pallet configured for this runtime, and `Traceability` is new (at the end).
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
    /// Freezes are identified by the runtime's freeze reasons (none yet).
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
/// The template's (and the main chain's) figure, kept: a signed `Balances::transfer_keep_alive`
/// (~630 µs of weight with its transaction extensions) costs about 0.0102 `TRACE`; an SM2
/// signature adds 33 bytes, i.e. 0.000033 `TRACE`. The test `a_product_changes_hands_on_chain`
/// prints what registering a product costs.
pub const FEE_PER_REF_TIME_PS: Balance = 16;

/// Fee per byte of an extrinsic: 10^-6 token, so a 5 MiB block of padding costs ~5 tokens.
pub const FEE_PER_BYTE: Balance = super::MICRO_UNIT;

parameter_types! {
    /// The fee multiplier stays 1: fees do not react to congestion.
    pub FeeMultiplier: Multiplier = Multiplier::one();
}

/// Fees are linear in weight and length ([`FEE_PER_REF_TIME_PS`], [`FEE_PER_BYTE`]), paid in
/// the base token and **burned** (the `()` handler drops them, lowering total issuance): the
/// runtime has no block-author pallet to pay them to. A fork that rewards its validators puts
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

/// Governance as in the template: one root key (Alice's SM2 account in the presets). See the
/// module docs for swapping in a council.
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

impl wcme_runtime_subchain::chain_config::Config for Runtime {
    /// Root replaces the validator set (through `Sudo`).
    type ValidatorSetOrigin = EnsureRoot<AccountId>;
    /// 100 validators, as many as the main chain's registry accepts for one subchain.
    type MaxValidators = ConstU32<100>;
    /// The runtime's amounts are in 10^-[`TOKEN_DECIMALS`] units.
    type TokenDecimals = ConstU8<TOKEN_DECIMALS>;
    /// [`TOKEN_SYMBOL`].
    type DefaultTokenSymbol = DefaultTokenSymbol;
    /// Hand-derived weights (the template's `chain_config/weights.rs`).
    type WeightInfo = wcme_runtime_subchain::chain_config::weights::SubstrateWeight<Runtime>;
}

/// The business pallet: products, custodians and their history. The bounds fix the largest
/// call and the largest stored history (64 records of at most 64 + 128 bytes of text).
impl pallet_traceability::Config for Runtime {
    /// Product names up to 64 bytes.
    type MaxNameLength = ConstU32<64>;
    /// Locations (of origin, handovers, checkpoints) up to 64 bytes.
    type MaxLocationLength = ConstU32<64>;
    /// Notes (a waybill, a seal number, a temperature) up to 128 bytes.
    type MaxNoteLength = ConstU32<128>;
    /// At most 64 transfers and checkpoints per product.
    type MaxHistory = ConstU32<64>;
    /// Hand-derived weights (see the pallet's `weights.rs`), priced with RocksDB's figures.
    type WeightInfo = pallet_traceability::weights::SubstrateWeight<Runtime>;
}
