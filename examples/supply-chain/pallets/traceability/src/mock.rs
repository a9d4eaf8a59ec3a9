//! A mock runtime for the traceability tests: System and Traceability, with `u64` accounts and
//! block numbers, small bounds (so that tests reach a full history quickly) and the `()`
//! weights.

use crate as pallet_traceability;
use crate::{LocationOf, NameOf, NoteOf, ProductId};
use frame_support::{derive_impl, traits::ConstU32};
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
    pub enum Test {
        System: frame_system,
        Traceability: pallet_traceability,
    }
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
    type Block = Block;
}

impl pallet_traceability::Config for Test {
    type MaxNameLength = ConstU32<MAX_NAME>;
    type MaxLocationLength = ConstU32<MAX_LOCATION>;
    type MaxNoteLength = ConstU32<MAX_NOTE>;
    type MaxHistory = ConstU32<MAX_HISTORY>;
    type WeightInfo = ();
}

pub const MAX_NAME: u32 = 16;
pub const MAX_LOCATION: u32 = 16;
pub const MAX_NOTE: u32 = 24;
pub const MAX_HISTORY: u32 = 4;

/// A manufacturer.
pub const ALICE: u64 = 1;
/// A carrier.
pub const BOB: u64 = 2;
/// A retailer.
pub const CHARLIE: u64 = 3;
/// Someone with nothing to do with the product.
pub const DAVE: u64 = 4;

/// Product id number `n`.
pub fn pid(n: u8) -> ProductId {
    ProductId::repeat_byte(n)
}

/// `bytes` as a product name (panics if longer than [`MAX_NAME`]).
pub fn name(bytes: &str) -> NameOf<Test> {
    bytes.as_bytes().to_vec().try_into().expect("a short name")
}

/// `bytes` as a location (panics if longer than [`MAX_LOCATION`]).
pub fn loc(bytes: &str) -> LocationOf<Test> {
    bytes
        .as_bytes()
        .to_vec()
        .try_into()
        .expect("a short location")
}

/// `bytes` as a note (panics if longer than [`MAX_NOTE`]).
pub fn note(bytes: &str) -> NoteOf<Test> {
    bytes.as_bytes().to_vec().try_into().expect("a short note")
}

/// Test externalities at block 1 (so events are kept), with no products.
pub fn new_test_ext() -> sp_io::TestExternalities {
    let storage = RuntimeGenesisConfig::default()
        .build_storage()
        .expect("mock genesis builds");
    let mut ext = sp_io::TestExternalities::new(storage);
    ext.execute_with(|| System::set_block_number(1));
    ext
}
