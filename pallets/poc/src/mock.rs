//! A mock runtime for the POC pallet's tests: System, Balances (`u128`, existential deposit 1),
//! the real credit pallet (window of 10 rounds) and Poc, with `u64` accounts. Blocks are built
//! by putting a [`PreDigest`] into the system digest and running the hooks, as the executive
//! does.

use crate as pallet_wcme_poc;
use crate::{DealWithFees, types::Balance};
use frame_support::{
    derive_impl, parameter_types,
    traits::{
        ConstU32, ConstU64, ConstU128, Hooks, OnUnbalanced,
        fungible::Balanced,
        tokens::{Fortitude, Precision, Preservation},
    },
};
use pallet_wcme_credit::Credit;
use sp_core::{H256, Pair, sr25519};
use sp_runtime::{BuildStorage, Digest, Perbill, traits::Convert};
use wcme_consensus_primitives::poc::{PackingKey, PreDigest, Slot, SlotOwner};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
    pub enum Test {
        System: frame_system,
        Balances: pallet_balances,
        // Named so that it does not clash with the `Credit` value type.
        CreditPallet: pallet_wcme_credit,
        Poc: pallet_wcme_poc,
    }
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
    type Block = Block;
    type AccountData = pallet_balances::AccountData<u128>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
    type AccountStore = System;
    type Balance = u128;
    type ExistentialDeposit = ConstU128<1>;
    type RuntimeHoldReason = RuntimeHoldReason;
}

impl pallet_wcme_credit::Config for Test {
    type CreditWindow = ConstU32<CREDIT_WINDOW>;
    type ClearRedCardOrigin = frame_system::EnsureRoot<u64>;
    type WeightInfo = ();
}

/// The mock's packing keys "sign as" the account made of their first eight bytes.
pub struct KeyToAccount;
impl Convert<PackingKey, u64> for KeyToAccount {
    fn convert(key: PackingKey) -> u64 {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(&key.0[..8]);
        u64::from_le_bytes(bytes)
    }
}

parameter_types! {
    /// The entry threshold of the current test (thread-local).
    pub static EntryThreshold: Credit = Credit::ZERO;
    /// The hash the next block gets as its parent.
    pub static ParentHash: H256 = H256::repeat_byte(0x42);
    pub const MinCommission: Perbill = Perbill::from_percent(10);
}

impl pallet_wcme_poc::Config for Test {
    type Currency = Balances;
    type RuntimeHoldReason = RuntimeHoldReason;
    type Credit = CreditPallet;
    type PackingKeyAccount = KeyToAccount;
    type MinDeposit = ConstU128<MIN_DEPOSIT>;
    type MaxDeposit = ConstU128<MAX_DEPOSIT>;
    type MinDelegation = ConstU128<MIN_DELEGATION>;
    type MaxDelegated = ConstU128<MAX_DELEGATED>;
    type MaxDelegatorsPerAgent = ConstU32<MAX_DELEGATORS>;
    type MaxAgents = ConstU32<MAX_AGENTS>;
    type MinCommission = MinCommission;
    type EntryThreshold = EntryThreshold;
    type StopLock = ConstU64<STOP_LOCK>;
    type YellowCardFreeze = ConstU64<YELLOW_FREEZE>;
    type RedCardLock = ConstU64<RED_LOCK>;
    type AnnualInflation = ConstU128<ANNUAL_INFLATION>;
    type WeightInfo = ();
}

/// Credit window of the mock's credit pallet: one block is worth 0.1.
pub const CREDIT_WINDOW: u32 = 10;
pub const MIN_DEPOSIT: Balance = 1_000;
pub const MAX_DEPOSIT: Balance = 100_000;
pub const MIN_DELEGATION: Balance = 100;
pub const MAX_DELEGATED: Balance = 50_000;
pub const MAX_DELEGATORS: u32 = 3;
pub const MAX_AGENTS: u32 = 6;
pub const STOP_LOCK: u64 = 10;
pub const YELLOW_FREEZE: u64 = 20;
pub const RED_LOCK: u64 = 50;
/// 5 000 000 WCME a year, as on the main chain.
pub const ANNUAL_INFLATION: Balance = 5_000_000 * WCME;
pub const WCME: Balance = 1_000_000_000_000;
pub const SLOT_MS: u64 = 6_000;

/// Genesis agents 1–4, deposits 10 000 · n, rewards to 100 + n.
pub const GENESIS_AGENTS: [u64; 4] = [1, 2, 3, 4];
/// An account with funds that is not an agent.
pub const EVE: u64 = 5;
/// Another one.
pub const FERDIE: u64 = 6;
/// Delegators with funds.
pub const DAVE: u64 = 10;
pub const CAROL: u64 = 11;
pub const TREY: u64 = 12;
pub const ZED: u64 = 13;
/// An account with almost nothing.
pub const POOR: u64 = 99;
/// Balance of every funded account.
pub const RICH: Balance = 1_000_000_000;

/// The packing key pair of agent seed `n` (`//Agent{n}`).
pub fn pair(n: u64) -> sr25519::Pair {
    sr25519::Pair::from_string(&format!("//Agent{n}"), None).expect("dev seed")
}

/// The packing key of agent seed `n`.
pub fn key(n: u64) -> PackingKey {
    pair(n).public()
}

/// The reward account of genesis agent `n`.
pub fn reward_of(n: u64) -> u64 {
    100 + n
}

/// Genesis deposit of genesis agent `n`.
pub fn deposit_of(n: u64) -> Balance {
    10_000 * Balance::from(n)
}

/// Builds test externalities.
pub struct ExtBuilder {
    agents: Vec<(u64, PackingKey, u64, Perbill, Balance)>,
    slot_ms: u64,
}

impl Default for ExtBuilder {
    fn default() -> Self {
        ExtBuilder {
            agents: GENESIS_AGENTS
                .iter()
                .map(|n| {
                    (
                        *n,
                        key(*n),
                        reward_of(*n),
                        Perbill::from_percent(10),
                        deposit_of(*n),
                    )
                })
                .collect(),
            slot_ms: SLOT_MS,
        }
    }
}

impl ExtBuilder {
    /// No genesis agents.
    pub fn no_agents() -> Self {
        ExtBuilder {
            agents: Vec::new(),
            slot_ms: SLOT_MS,
        }
    }

    /// These genesis agents instead of the default four.
    pub fn agents(mut self, agents: Vec<(u64, PackingKey, u64, Perbill, Balance)>) -> Self {
        self.agents = agents;
        self
    }

    /// Slot length.
    pub fn slot_ms(mut self, slot_ms: u64) -> Self {
        self.slot_ms = slot_ms;
        self
    }

    /// The genesis storage (panics like a chain spec would if the genesis is invalid).
    pub fn storage(self) -> sp_runtime::Storage {
        let mut funded: Vec<(u64, Balance)> = [1u64, 2, 3, 4, EVE, FERDIE, DAVE, CAROL, TREY, ZED]
            .iter()
            .map(|who| (*who, RICH))
            .collect();
        funded.push((POOR, 10));
        RuntimeGenesisConfig {
            system: Default::default(),
            balances: pallet_balances::GenesisConfig {
                balances: funded,
                ..Default::default()
            },
            poc: pallet_wcme_poc::GenesisConfig {
                slot_duration_ms: self.slot_ms,
                agents: self.agents,
            },
        }
        .build_storage()
        .expect("mock genesis builds")
    }

    /// Test externalities at block 0 (no block built yet).
    pub fn build(self) -> sp_io::TestExternalities {
        EntryThreshold::set(Credit::ZERO);
        ParentHash::set(H256::repeat_byte(0x42));
        sp_io::TestExternalities::new(self.storage())
    }
}

/// Test externalities with the default four genesis agents.
pub fn new_test_ext() -> sp_io::TestExternalities {
    ExtBuilder::default().build()
}

/// Externalities moved to block 1 without a POC block (events are kept from block 1 on), for
/// call tests that do not care about rounds.
pub fn call_test_ext() -> sp_io::TestExternalities {
    let mut ext = new_test_ext();
    ext.execute_with(|| System::set_block_number(1));
    ext
}

/// A digest holding `pre`.
pub fn digest_of(pre: &PreDigest) -> Digest {
    Digest {
        logs: vec![pre.to_digest_item()],
    }
}

/// Runs the next block with `digest`, and `body` between `on_initialize` and `on_finalize` (its
/// extrinsics). Returns the block number.
pub fn run_block_with(digest: Digest, body: impl FnOnce()) -> u64 {
    let number = System::block_number() + 1;
    System::reset_events();
    System::initialize(&number, &ParentHash::get(), &digest);
    <Poc as Hooks<u64>>::on_initialize(number);
    body();
    <Poc as Hooks<u64>>::on_finalize(number);
    let header = System::finalize();
    ParentHash::set(header.hash());
    number
}

/// Runs the POC block of the owner of `slot` (who must exist); returns the owner.
pub fn produce(slot: Slot) -> SlotOwner<u64> {
    produce_with(slot, || {})
}

/// As [`produce`], with `body` run as the block's extrinsics.
pub fn produce_with(slot: Slot, body: impl FnOnce()) -> SlotOwner<u64> {
    let owner = Poc::slot_owner(slot).expect("the slot has an owner");
    let pre = PreDigest {
        round: owner.round,
        slot,
        author_index: owner.index,
    };
    run_block_with(digest_of(&pre), body);
    owner
}

/// Runs a block without a POC pre-digest (what the dev engine produces).
pub fn run_dev_block(body: impl FnOnce()) -> u64 {
    run_block_with(Digest::default(), body)
}

/// Charges `fee` from `payer` as the transaction-payment pallet does and hands it to the fee
/// handler.
pub fn pay_fee(payer: u64, fee: Balance) {
    let credit = <Balances as Balanced<u64>>::withdraw(
        &payer,
        fee,
        Precision::Exact,
        Preservation::Preserve,
        Fortitude::Polite,
    )
    .expect("payer can pay");
    DealWithFees::<Test>::on_unbalanceds(core::iter::once(credit));
}

/// The POC events of the current block, oldest first.
pub fn poc_events() -> Vec<pallet_wcme_poc::Event<Test>> {
    System::events()
        .into_iter()
        .filter_map(|record| match record.event {
            RuntimeEvent::Poc(event) => Some(event),
            _ => None,
        })
        .collect()
}
