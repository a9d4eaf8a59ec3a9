//! Each pallet's configuration for the main-chain runtime.
//!
//! Composition lives in `lib.rs`; this module only says how each pallet behaves here.

use frame_support::{
    PalletId, derive_impl,
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
use sp_runtime::{Perbill, Permill, traits::One};
use sp_version::RuntimeVersion;

use super::{
    AccountId, Balance, Balances, Block, BlockNumber, Credit, DAYS, EXISTENTIAL_DEPOSIT, HOURS,
    Hash, MICRO_WCME, MILLI_WCME, MINIMUM_PERIOD_MS, Nonce, PalletInfo, Runtime, RuntimeCall,
    RuntimeEvent, RuntimeFreezeReason, RuntimeHoldReason, RuntimeOrigin, RuntimeTask, SS58_PREFIX,
    SmartAssets, Subchains, System, Timestamp, VERSION, WCME,
};
use pallet_wcme_smart_assets::SmartAssetIssuer;

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
    /// SS58 address prefix (42, Substrate's generic prefix, so existing wallets show addresses).
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
    /// 32-byte account ids (`MultiSignature` signers).
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
    /// Nothing reacts to the timestamp yet (the POC engine will read slots from it).
    type OnTimestampSet = ();
    /// Consecutive timestamps are at least 500 ms apart. The block time itself is the consensus
    /// slot set in the chain spec (6 s by default; at least 1 s, which test networks use), and
    /// the engine already refuses slots that do not advance, so this is only a floor.
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
    /// WCME balances in 10^-12 units.
    type Balance = Balance;
    /// The runtime event.
    type RuntimeEvent = RuntimeEvent;
    /// Dust of reaped accounts is burned.
    type DustRemoval = ();
    /// 0.001 WCME.
    type ExistentialDeposit = ConstU128<EXISTENTIAL_DEPOSIT>;
    /// Balances live in `frame_system`'s account record.
    type AccountStore = System;
    /// Benchmarked weights.
    type WeightInfo = pallet_balances::weights::SubstrateWeight<Runtime>;
    /// Freezes are identified by the runtime's freeze reasons (e.g. the genesis reserve).
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

/// Fee per picosecond of `ref_time` weight, in 10^-12 WCME.
///
/// Calibrated so that a signed `Balances::transfer_keep_alive` costs about **0.01 WCME**: its
/// weight is ~630 µs = 6.3·10^8 ps (base extrinsic 108 µs, the call 39 µs, and the database
/// accesses of the call and of the transaction extensions: nonce, weight, fee payment), so the
/// weight fee is 6.3·10^8 × 16 ≈ 0.0101 WCME, and its 146 bytes add 146 × [`FEE_PER_BYTE`] ≈
/// 0.00015 WCME: **≈ 0.0102 WCME** in total (10,227,456,000 units with the pinned FRAME
/// weights). The runtime test `transfer_through_executive` prints the exact figure and keeps it
/// between 0.008 and 0.012 WCME.
pub const FEE_PER_REF_TIME_PS: Balance = 16;

/// Fee per byte of an extrinsic: 1 µWCME (10^-6 WCME), so a 5 MiB block of padding costs ~5 WCME.
pub const FEE_PER_BYTE: Balance = super::MICRO_WCME;

parameter_types! {
    /// The fee multiplier stays 1: fees do not react to congestion yet.
    pub FeeMultiplier: Multiplier = Multiplier::one();
}

/// Fees are linear in weight and length ([`FEE_PER_REF_TIME_PS`], [`FEE_PER_BYTE`]).
///
/// Fees (and tips) go to the POC coinbase: [`pallet_wcme_poc::DealWithFees`] burns them as they
/// are charged and, in a POC block, `Poc`'s `on_finalize` mints them again to the block's author
/// and its delegators. In a block without a POC pre-digest (the `--dev` chain's engine) they stay
/// burned.
impl pallet_transaction_payment::Config for Runtime {
    /// The runtime event.
    type RuntimeEvent = RuntimeEvent;
    /// Withdraw fees from Balances and hand them to the POC coinbase (see above).
    type OnChargeTransaction = FungibleAdapter<Balances, pallet_wcme_poc::DealWithFees<Runtime>>;
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

impl pallet_sudo::Config for Runtime {
    /// The runtime event.
    type RuntimeEvent = RuntimeEvent;
    /// Any runtime call can be made as root.
    type RuntimeCall = RuntimeCall;
    /// Benchmarked weights.
    type WeightInfo = pallet_sudo::weights::SubstrateWeight<Runtime>;
}

impl pallet_wcme_reserve::Config for Runtime {
    /// The WCME token.
    type Currency = Balances;
    /// The runtime's freeze reasons (contains `Reserve(GenesisReserve)`).
    type RuntimeFreezeReason = RuntimeFreezeReason;
    /// Only root (sudo, later the council) releases the reserve.
    type ReleaseOrigin = EnsureRoot<AccountId>;
    /// Benchmarked weights (`wcme-node benchmark pallet`, see the pallet's `weights.rs`).
    type WeightInfo = pallet_wcme_reserve::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
    /// Derives the account holding every AMM pool's WCME (`modlwcme/sma` + zero padding).
    pub const SmartAssetsPalletId: PalletId = PalletId(*b"wcme/sma");
    /// Uniswap v2's fee: 0.3 % of each hop's input.
    pub const SwapFee: Permill = Permill::from_parts(3_000);
    /// Uniswap v2's protocol share with its fee switch on: 0.05 % of each hop's input (1/6 of the
    /// fee) goes to the technical-ecosystem fund; liquidity providers keep 0.25 %.
    pub const ProtocolFee: Permill = Permill::from_parts(500);
    /// A non-empty pool keeps at least the existential deposit of WCME, so the pallet account
    /// holding the reserves is never reaped.
    pub const MinWcmeReserve: Balance = EXISTENTIAL_DEPOSIT;
    /// The technical-ecosystem fund, which receives the AMM's protocol fee.
    ///
    /// A `storage` parameter (key `twox_128(":EcosystemFund:")`): unset, it is the fund's
    /// development account, the genesis bucket account of the `development` and `local_testnet`
    /// presets ([`crate::buckets::ECOSYSTEM_FUND`]); a chain whose fund is another account sets
    /// it in its raw genesis or later with root's `system.set_storage`, without a new runtime.
    /// A constant derived from the bucket's key derivation would cost an sr25519 derivation per
    /// read, and the genesis presets cannot write arbitrary keys, hence the stored parameter.
    pub storage EcosystemFund: AccountId =
        AccountId::new(crate::buckets::ECOSYSTEM_FUND_DEV_ACCOUNT);
}

impl pallet_wcme_smart_assets::Config for Runtime {
    /// WCME.
    type Currency = Balances;
    /// `wcme/sma`.
    type PalletId = SmartAssetsPalletId;
    /// 0.3 %.
    type SwapFee = SwapFee;
    /// 0.05 % to the ecosystem fund.
    type ProtocolFee = ProtocolFee;
    /// The technical-ecosystem fund (see [`EcosystemFund`]).
    type EcosystemFund = EcosystemFund;
    /// The existential deposit.
    type MinWcmeReserve = MinWcmeReserve;
    /// Symbols of up to 16 bytes.
    type MaxSymbolLength = ConstU32<16>;
    /// Base tokens issued by a subchain's account are marked as that subchain's.
    type Subchains = SubchainAccounts;
    /// Benchmarked weights (`wcme-node benchmark pallet`, see the pallet's `weights.rs`).
    type WeightInfo = pallet_wcme_smart_assets::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
    /// Smallest agent deposit: 20 000 WCME (NULS).
    pub const PocMinDeposit: Balance = 20_000 * WCME;
    /// Largest agent deposit: 200 000 WCME (NULS).
    pub const PocMaxDeposit: Balance = 200_000 * WCME;
    /// Smallest delegation: 2 000 WCME (NULS).
    pub const PocMinDelegation: Balance = 2_000 * WCME;
    /// Most delegated to one agent: 500 000 WCME.
    pub const PocMaxDelegated: Balance = 500_000 * WCME;
    /// Lowest commission: 10 %.
    pub const PocMinCommission: Perbill = Perbill::from_percent(10);
    /// Credit needed to register: 0, so a brand-new account (credit 0) can.
    pub const PocEntryThreshold: pallet_wcme_credit::Credit = pallet_wcme_credit::Credit::ZERO;
    /// A stopped agent's deposit stays held 3 days (NULS).
    pub const PocStopLock: BlockNumber = 3 * DAYS;
    /// A yellow card freezes the deposit for 72 h (whitepaper).
    pub const PocYellowCardFreeze: BlockNumber = 72 * HOURS;
    /// A red-carded agent's deposit stays locked 30 days (whitepaper: one month).
    pub const PocRedCardLock: BlockNumber = 30 * DAYS;
    /// 5 000 000 WCME a year to producers (DESIGN §3).
    pub const PocAnnualInflation: Balance = 5_000_000 * WCME;
}

/// Proof-of-Credit with DESIGN §4's and NULS's constants. Block-count constants assume the 6-s
/// target block time ([`super::MILLISECS_PER_BLOCK`]); a chain spec that picks shorter slots at
/// genesis (`poc.slotDurationMs`) shortens them in wall-clock time accordingly.
impl pallet_wcme_poc::Config for Runtime {
    /// WCME.
    type Currency = Balances;
    /// Contains `Poc(AgentDeposit)` and `Poc(Delegation)`.
    type RuntimeHoldReason = RuntimeHoldReason;
    /// The credit pallet.
    type Credit = Credit;
    /// A packing key signs as the `AccountId32` of its public key.
    type PackingKeyAccount = sp_runtime::traits::ConvertInto;
    /// 20 000 WCME.
    type MinDeposit = PocMinDeposit;
    /// 200 000 WCME.
    type MaxDeposit = PocMaxDeposit;
    /// 2 000 WCME.
    type MinDelegation = PocMinDelegation;
    /// 500 000 WCME.
    type MaxDelegated = PocMaxDelegated;
    /// 64 delegators per agent.
    type MaxDelegatorsPerAgent = ConstU32<64>;
    /// 100 agents, so at most 100 producers (a 10-minute round at 6 s).
    type MaxAgents = ConstU32<100>;
    /// 10 %.
    type MinCommission = PocMinCommission;
    /// 0.
    type EntryThreshold = PocEntryThreshold;
    /// 3 days.
    type StopLock = PocStopLock;
    /// 72 hours.
    type YellowCardFreeze = PocYellowCardFreeze;
    /// 30 days.
    type RedCardLock = PocRedCardLock;
    /// 5 000 000 WCME.
    type AnnualInflation = PocAnnualInflation;
    /// Benchmarked weights (`wcme-node benchmark pallet`, see the pallet's `weights.rs`).
    type WeightInfo = pallet_wcme_poc::weights::SubstrateWeight<Runtime>;
}

impl pallet_wcme_credit::Config for Runtime {
    /// Credit looks back over 100 rounds (NULS).
    type CreditWindow = ConstU32<100>;
    /// Only root (sudo, later the council) clears a red card issued by a software fault.
    type ClearRedCardOrigin = EnsureRoot<AccountId>;
    /// Benchmarked weights (`wcme-node benchmark pallet`, see the pallet's `weights.rs`).
    type WeightInfo = pallet_wcme_credit::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
    /// Derives each subchain's account, which holds its gas stake.
    pub const SubchainsPalletId: PalletId = PalletId(*b"wcme/sub");
    /// Smallest gas stake a subchain registers with: 1 000 WCME.
    pub const SubchainMinStake: Balance = 1_000 * WCME;
    /// Below this gas balance a subchain is suspended: 100 WCME. Also the highest fee genesis
    /// or root may set (a chain spec for tests may charge up to 100 WCME a header).
    pub const SubchainMinGasBalance: Balance = 100 * WCME;
    /// Default gas per audited header, unless the genesis config says otherwise: 0.05 WCME.
    pub const SubchainDefaultHeaderFee: Balance = WCME / 20;
    /// Default gas per cross-chain message: 0.01 WCME.
    pub const SubchainDefaultMessageFee: Balance = WCME / 100;
    /// Blocks from deregistration to the refund of the remaining stake: 7 days.
    pub const SubchainRetirementDelay: BlockNumber = 7 * DAYS;
    /// Smallest bond for a subchain validator key: 100 WCME.
    pub const SubchainMinBond: Balance = 100 * WCME;
    /// Blocks from unbonding to withdrawal: 7 days for fork evidence to slash the bond first.
    pub const SubchainBondingDuration: BlockNumber = 7 * DAYS;
}

impl pallet_wcme_subchains::Config for Runtime {
    type Currency = Balances;
    type RuntimeHoldReason = RuntimeHoldReason;
    type PalletId = SubchainsPalletId;
    type MinStake = SubchainMinStake;
    type MinGasBalance = SubchainMinGasBalance;
    type DefaultHeaderFee = SubchainDefaultHeaderFee;
    type DefaultMessageFee = SubchainDefaultMessageFee;
    /// Drained gas pays the block producers, like transaction fees.
    type OnGasCharged = pallet_wcme_poc::DealWithFees<Runtime>;
    type RetirementDelay = SubchainRetirementDelay;
    type MaxValidators = ConstU32<SUBCHAIN_MAX_VALIDATORS>;
    type MinBond = SubchainMinBond;
    type BondingDuration = SubchainBondingDuration;
    /// Slashed bonds are burned.
    type OnBondSlashed = ();
    type MaxNameLength = ConstU32<64>;
    type MaxSymbolLength = ConstU32<16>;
    /// Freezing and unfreezing by call is root's until the council exists.
    type GovernanceOrigin = EnsureRoot<AccountId>;
    type SignatureVerifier = pallet_wcme_subchains::DefaultVerifier;
    type AssetIssuer = BaseTokens;
    type WeightInfo = pallet_wcme_subchains::weights::SubstrateWeight<Runtime>;
}

/// Most validators in a subchain's set; also the most pre-commits of a subchain justification.
pub const SUBCHAIN_MAX_VALIDATORS: u32 = 100;

parameter_types! {
    /// Derives each subchain's escrow account, which holds the WCME locked for it.
    pub const CrossChainPalletId: PalletId = PalletId(*b"wcme/xch");
    /// Least WCME sent to a subchain: 1 WCME (each message costs the subchain's gas a message
    /// fee, so transfers are not dust).
    pub const CrossChainMinTransfer: Balance = WCME;
    /// No per-block limit on what leaves a subchain's escrow (set one to slow down a
    /// compromised subchain until governance freezes it).
    pub const CrossChainMaxOutflowPerBlock: Balance = Balance::MAX;
}

impl pallet_wcme_cross_chain::Config for Runtime {
    /// Status, validator sets, genesis hashes and the freeze come from the registry.
    type Registry = Subchains;
    /// Each audited header and each transfer message drains the registry's fee from the
    /// subchain's gas.
    type Gas = Subchains;
    type MaxHeadersPerSubmission = ConstU32<64>;
    /// 4096 audited headers kept per subchain (hours of a subchain's blocks).
    type AuditedHistory = ConstU32<4096>;
    type MaxPrecommits = ConstU32<SUBCHAIN_MAX_VALIDATORS>;
    /// A PoW header is audited under 6 descendants, the template's finality depth.
    type PowConfirmations = ConstU32<6>;
    /// The node template's PoW subchains aim at one block every 2 slots.
    type PowTargetSlots = ConstU64<2>;
    type Currency = Balances;
    type PalletId = CrossChainPalletId;
    /// A main → subchain transfer must arrive within 14 400 subchain blocks of the audited
    /// head (a day of 6-second blocks).
    type TransferTimeout = ConstU32<14_400>;
    type MinTransfer = CrossChainMinTransfer;
    type MaxOutflowPerBlock = CrossChainMaxOutflowPerBlock;
    /// A storage proof of one key: 64 trie nodes of at most 2 KiB (a state trie path is a
    /// dozen branch nodes of at most about 600 bytes, and the value).
    type MaxProofNodes = ConstU32<64>;
    type MaxProofNodeSize = ConstU32<2048>;
    /// Root (governance) sets the main chain's C3Ns.
    type AdminOrigin = EnsureRoot<AccountId>;
    /// A C3N attests from its account: an sr25519 validator key's account is the key.
    type AccountC3nId = pallet_wcme_cross_chain::c3d::AccountBytes;
    type MaxC3ns = ConstU32<100>;
    /// At least two C3Ns a side: no C3N broadcasts two batches in a row, so one would stall
    /// the channel after its first batch.
    type MinMainC3ns = ConstU32<2>;
    type MinSubchainC3ns = ConstU32<2>;
    /// A batch holds what a relayer carries in one pass.
    type MaxBatch = ConstU32<256>;
    /// A batch not accepted within 20 blocks (a minute of 3-second blocks) may be replaced.
    type BatchExpiry = ConstU32<20>;
    /// Benchmarked weights (`wcme-node benchmark pallet`, see the pallet's `weights.rs`), gas
    /// charges and freeze included; the transfer calls' figures are estimates until the
    /// benchmarks are run again.
    type WeightInfo = pallet_wcme_cross_chain::weights::SubstrateWeight<Runtime>;
    #[cfg(feature = "runtime-benchmarks")]
    type BenchmarkHelper = pallet_wcme_cross_chain::benchmarking::SubchainsHelper<Runtime>;
}

parameter_types! {
    /// Storage deposit per byte of code and of contract storage (keys and values): 10 µWCME,
    /// so 10 KiB of code holds 0.1 WCME and a 48-byte token balance entry 0.00048 WCME.
    pub const ContractsDepositPerByte: Balance = 10 * MICRO_WCME;
    /// Storage deposit per stored item (code, code record, contract record, storage entry):
    /// 0.002 WCME, twice the existential deposit.
    pub const ContractsDepositPerItem: Balance = 2 * MILLI_WCME;
}

/// Largest contract code accepted: 128 KiB (the Vm's own limit is 256 KiB).
pub const CONTRACTS_MAX_CODE_LEN: u32 = 128 * 1024;

/// `ref_time` weight of one unit of Vm fuel: 1 000 (≈ 1 ns per fuel unit, one cheap Wasm
/// instruction). A 1.5 s normal-class block fits 1.5·10^9 fuel.
pub const CONTRACTS_WEIGHT_PER_FUEL: u64 = 1_000;

impl pallet_wcme_contracts::Config for Runtime {
    /// WCME: values sent to contracts and the deposits held.
    type Currency = Balances;
    type RuntimeHoldReason = RuntimeHoldReason;
    /// Contracts read the block timestamp.
    type Time = Timestamp;
    type DepositPerByte = ContractsDepositPerByte;
    type DepositPerItem = ContractsDepositPerItem;
    type MaxCodeLen = ConstU32<CONTRACTS_MAX_CODE_LEN>;
    type WeightPerFuel = ConstU64<CONTRACTS_WEIGHT_PER_FUEL>;
    /// The Vm limits the pallet is designed for (call depth 4, 128 KiB Wasm stack): executing
    /// threads need `native_stack_required()` = 3.125 MiB of stack, which the node's tokio
    /// threads have (`wcme-cli` gives them 16 MiB).
    type Schedule = pallet_wcme_contracts::DefaultSchedule;
    /// Hand-derived estimates until the pallet's benchmarks are run on the reference machine.
    type WeightInfo = pallet_wcme_contracts::weights::SubstrateWeight<Runtime>;
}

/// Lets the smart-asset pallet ask the registry whether an account is a subchain's (the orphan
/// rule keeps the runtime from implementing the trait on `Subchains` itself).
pub struct SubchainAccounts;

impl pallet_wcme_smart_assets::SubchainInspect<AccountId> for SubchainAccounts {
    fn subchain_of(who: &AccountId) -> Option<u32> {
        Subchains::subchain_of(who)
    }
}

/// Issues a registering subchain's base token as a smart asset.
pub struct BaseTokens;

impl pallet_wcme_subchains::BaseTokenIssuer<AccountId> for BaseTokens {
    fn enabled() -> bool {
        true
    }

    fn issue(
        issuer: &AccountId,
        symbol: alloc::vec::Vec<u8>,
        decimals: u8,
        supply: u128,
        collateral: Balance,
    ) -> Result<u32, sp_runtime::DispatchError> {
        <SmartAssets as SmartAssetIssuer<AccountId>>::issue(
            issuer, symbol, decimals, supply, collateral,
        )
    }

    fn issue_weight() -> Weight {
        <SmartAssets as SmartAssetIssuer<AccountId>>::issue_weight()
    }
}
