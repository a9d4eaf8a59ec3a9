//! A minimal runtime for the credit pallet's tests: System and Credit, with the FRAME test
//! defaults (`u64` accounts) and a credit window each test can choose.

use crate as pallet_wcme_credit;
use crate::{CreditRecorder, RoundIndex};
use frame_support::{derive_impl, parameter_types};
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
    pub enum Test {
        System: frame_system,
        // Named so that it does not clash with the `Credit` value type in tests.
        CreditPallet: pallet_wcme_credit,
    }
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
    type Block = Block;
}

parameter_types! {
    /// The credit window of the current test (thread-local, so tests running in parallel do not
    /// see each other's value).
    pub static Window: u32 = DEFAULT_WINDOW;
}

impl pallet_wcme_credit::Config for Test {
    type CreditWindow = Window;
    type ClearRedCardOrigin = frame_system::EnsureRoot<u64>;
    type WeightInfo = ();
}

/// The window most tests use: 10 rounds, so one block is worth `0.1`.
pub const DEFAULT_WINDOW: u32 = 10;
/// An agent.
pub const ALICE: u64 = 1;
/// Another agent.
pub const BOB: u64 = 2;
/// An account nothing ever happens to.
pub const CHARLIE: u64 = 3;

/// Test externalities with a credit window of `window` rounds, at block 1 (so events are kept).
pub fn ext_with_window(window: u32) -> sp_io::TestExternalities {
    Window::set(window);
    let storage = RuntimeGenesisConfig::default()
        .build_storage()
        .expect("mock genesis builds");
    let mut ext = sp_io::TestExternalities::new(storage);
    ext.execute_with(|| System::set_block_number(1));
    ext
}

/// Test externalities with the [`DEFAULT_WINDOW`].
pub fn new_test_ext() -> sp_io::TestExternalities {
    ext_with_window(DEFAULT_WINDOW)
}

/// Notes the start of `round`, which must not be before the current round.
pub fn start_round(round: RoundIndex) {
    <CreditPallet as CreditRecorder<u64>>::note_round_start(round)
        .expect("rounds only move forward");
}

/// The events this pallet deposited, oldest first.
pub fn credit_events() -> Vec<pallet_wcme_credit::Event<Test>> {
    System::events()
        .into_iter()
        .filter_map(|record| match record.event {
            RuntimeEvent::CreditPallet(event) => Some(event),
            _ => None,
        })
        .collect()
}
