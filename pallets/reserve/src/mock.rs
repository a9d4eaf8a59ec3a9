//! A minimal runtime for the reserve pallet's unit tests: System, Balances and Reserve, with the
//! FRAME test defaults (`u64` accounts and balances, existential deposit 1).

use crate as pallet_wcme_reserve;
use frame_support::{derive_impl, traits::VariantCountOf};
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
    pub enum Test {
        System: frame_system,
        Balances: pallet_balances,
        // After Balances: its genesis build freezes balances that Balances' genesis created.
        Reserve: pallet_wcme_reserve,
    }
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
    type Block = Block;
    type AccountData = pallet_balances::AccountData<u64>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
    type AccountStore = System;
    // The prelude's defaults resolve `Self::RuntimeFreezeReason` to its own `()`, so the freeze
    // identifier and the freeze limit are set to this runtime's reasons explicitly.
    type FreezeIdentifier = RuntimeFreezeReason;
    type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
}

impl pallet_wcme_reserve::Config for Test {
    type Currency = Balances;
    type RuntimeFreezeReason = RuntimeFreezeReason;
    type ReleaseOrigin = frame_system::EnsureRoot<u64>;
    type WeightInfo = ();
}

/// Holds 100 and has 80 of it frozen.
pub const FROZEN_OWNER: u64 = 1;
/// Holds 50, nothing frozen.
pub const OTHER: u64 = 2;
/// The amount frozen on [`FROZEN_OWNER`] at genesis.
pub const FROZEN_AMOUNT: u64 = 80;
/// [`FROZEN_OWNER`]'s genesis balance.
pub const OWNER_BALANCE: u64 = 100;

/// Test externalities with the given genesis balances and freezes, at block 1 (so events are kept).
pub fn ext_with(balances: Vec<(u64, u64)>, frozen: Vec<(u64, u64)>) -> sp_io::TestExternalities {
    let storage = RuntimeGenesisConfig {
        system: Default::default(),
        balances: pallet_balances::GenesisConfig {
            balances,
            ..Default::default()
        },
        reserve: pallet_wcme_reserve::GenesisConfig { frozen },
    }
    .build_storage()
    .expect("mock genesis builds");
    let mut ext = sp_io::TestExternalities::new(storage);
    ext.execute_with(|| System::set_block_number(1));
    ext
}

/// The standard fixture: [`FROZEN_OWNER`] holds [`OWNER_BALANCE`] with [`FROZEN_AMOUNT`] frozen,
/// [`OTHER`] holds 50.
pub fn new_test_ext() -> sp_io::TestExternalities {
    ext_with(
        vec![(FROZEN_OWNER, OWNER_BALANCE), (OTHER, 50)],
        vec![(FROZEN_OWNER, FROZEN_AMOUNT)],
    )
}
