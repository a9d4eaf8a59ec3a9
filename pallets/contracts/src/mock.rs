//! A mock runtime for the contracts pallet's tests: System (`AccountId32` accounts), Balances
//! (`u128`, existential deposit [`ED`]), Timestamp and Contracts with [`crate::DefaultSchedule`].

use crate as pallet_wcme_contracts;
use frame_support::{
    derive_impl,
    traits::{ConstU32, ConstU64, ConstU128},
};
use sp_runtime::{AccountId32, BuildStorage, traits::IdentityLookup};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
    pub enum Test {
        System: frame_system,
        Balances: pallet_balances,
        Timestamp: pallet_timestamp,
        Contracts: pallet_wcme_contracts,
    }
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
    type Block = Block;
    type AccountId = AccountId32;
    type Lookup = IdentityLookup<AccountId32>;
    type AccountData = pallet_balances::AccountData<u128>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
    type AccountStore = System;
    type Balance = u128;
    type ExistentialDeposit = ConstU128<ED>;
    type RuntimeHoldReason = RuntimeHoldReason;
}

impl pallet_timestamp::Config for Test {
    type Moment = u64;
    type OnTimestampSet = ();
    type MinimumPeriod = ConstU64<1>;
    type WeightInfo = ();
}

impl pallet_wcme_contracts::Config for Test {
    type Currency = Balances;
    type RuntimeHoldReason = RuntimeHoldReason;
    type Time = Timestamp;
    type DepositPerByte = ConstU128<PER_BYTE>;
    type DepositPerItem = ConstU128<PER_ITEM>;
    type MaxCodeLen = ConstU32<MAX_CODE>;
    type WeightPerFuel = ConstU64<WEIGHT_PER_FUEL>;
    type Schedule = pallet_wcme_contracts::DefaultSchedule;
    type WeightInfo = ();
}

pub const ED: u128 = 1;
pub const PER_BYTE: u128 = 2;
pub const PER_ITEM: u128 = 100;
pub const MAX_CODE: u32 = 64 * 1024;
pub const WEIGHT_PER_FUEL: u64 = 1_000;

pub const ALICE: AccountId32 = AccountId32::new([1; 32]);
pub const BOB: AccountId32 = AccountId32::new([2; 32]);
/// An account with little WCME.
pub const CHARLIE: AccountId32 = AccountId32::new([3; 32]);
pub const RICH: u128 = 1_000_000_000;
pub const POOR: u128 = 50;
/// Block timestamp set in [`new_test_ext`].
pub const NOW: u64 = 1_700_000_000_000;

/// Test externalities at block 1 (so events are kept) with the genesis balances.
pub fn new_test_ext() -> sp_io::TestExternalities {
    let storage = RuntimeGenesisConfig {
        system: Default::default(),
        balances: pallet_balances::GenesisConfig {
            balances: vec![(ALICE, RICH), (BOB, RICH), (CHARLIE, POOR)],
            ..Default::default()
        },
    }
    .build_storage()
    .expect("mock genesis builds");
    let mut ext = sp_io::TestExternalities::new(storage);
    ext.execute_with(|| {
        System::set_block_number(1);
        pallet_timestamp::Now::<Test>::put(NOW);
    });
    ext
}

/// Runs `test` in fresh externalities on a thread with the native stack the Vm needs (plus
/// room for the test itself).
pub fn run(test: impl FnOnce() + Send + 'static) {
    let stack = crate::default_schedule()
        .native_stack_required()
        .saturating_add(8 * 1024 * 1024);
    std::thread::Builder::new()
        .stack_size(stack)
        .spawn(move || new_test_ext().execute_with(test))
        .expect("spawn a test thread")
        .join()
        .expect("the test thread");
}
