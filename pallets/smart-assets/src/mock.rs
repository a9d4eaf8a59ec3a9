//! A minimal runtime for the smart-asset pallet's tests: System, Balances (`u128` balances,
//! existential deposit 1) and SmartAssets with Uniswap's fee (0.3 %, of which 0.05 % goes to the
//! ecosystem fund).

use crate as pallet_wcme_smart_assets;
use frame_support::{
    PalletId, derive_impl, parameter_types,
    traits::{ConstU32, ConstU128},
};
use sp_runtime::{BuildStorage, Permill};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
    pub enum Test {
        System: frame_system,
        Balances: pallet_balances,
        SmartAssets: pallet_wcme_smart_assets,
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
}

/// The ecosystem fund of the mock.
pub const FUND: u64 = 99;
/// An issuer / liquidity provider with plenty of WCME.
pub const ALICE: u64 = 1;
/// A trader with plenty of WCME.
pub const BOB: u64 = 2;
/// An account with a little WCME.
pub const CHARLIE: u64 = 3;
/// An account with no WCME at all.
pub const NOBODY: u64 = 4;
/// A subchain's registry account (see [`MockSubchains`]).
pub const SUBCHAIN_ACCOUNT: u64 = 1_000;
/// The subchain id [`SUBCHAIN_ACCOUNT`] belongs to.
pub const SUBCHAIN_ID: u32 = 7;

/// Genesis WCME of [`ALICE`], [`BOB`] and [`SUBCHAIN_ACCOUNT`].
pub const RICH: u128 = 1_000_000_000_000_000_000;
/// Genesis WCME of [`CHARLIE`].
pub const POOR: u128 = 10_000;
/// Genesis WCME of [`FUND`].
pub const FUND_BALANCE: u128 = 1_000;

parameter_types! {
    pub const SmartAssetsPalletId: PalletId = PalletId(*b"wcme/sma");
    pub const SwapFee: Permill = Permill::from_parts(3_000);
    pub const ProtocolFee: Permill = Permill::from_parts(500);
    pub const EcosystemFund: u64 = FUND;
    pub const MinWcmeReserve: u128 = 1_000;
}

/// The mock subchain registry: [`SUBCHAIN_ACCOUNT`] is subchain [`SUBCHAIN_ID`].
pub struct MockSubchains;
impl crate::SubchainInspect<u64> for MockSubchains {
    fn subchain_of(who: &u64) -> Option<u32> {
        (*who == SUBCHAIN_ACCOUNT).then_some(SUBCHAIN_ID)
    }
}

impl pallet_wcme_smart_assets::Config for Test {
    type Currency = Balances;
    type PalletId = SmartAssetsPalletId;
    type SwapFee = SwapFee;
    type ProtocolFee = ProtocolFee;
    type EcosystemFund = EcosystemFund;
    type MinWcmeReserve = MinWcmeReserve;
    type MaxSymbolLength = ConstU32<8>;
    type Subchains = MockSubchains;
    type WeightInfo = ();
}

/// Test externalities at block 1 (so events are kept) with the mock's genesis balances.
pub fn new_test_ext() -> sp_io::TestExternalities {
    let storage = RuntimeGenesisConfig {
        system: Default::default(),
        balances: pallet_balances::GenesisConfig {
            balances: vec![
                (ALICE, RICH),
                (BOB, RICH),
                (CHARLIE, POOR),
                (FUND, FUND_BALANCE),
                (SUBCHAIN_ACCOUNT, RICH),
            ],
            ..Default::default()
        },
    }
    .build_storage()
    .expect("mock genesis builds");
    let mut ext = sp_io::TestExternalities::new(storage);
    ext.execute_with(|| System::set_block_number(1));
    ext
}
