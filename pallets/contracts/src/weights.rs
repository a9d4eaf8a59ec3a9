//! Weights for `pallet_wcme_contracts`.
//!
//! **Hand-derived estimates, not benchmark results** (benchmarks are still to be written):
//! storage items counted from the code, computation estimated generously. The fuel a contract
//! uses is weighed separately, as `fuel × Config::WeightPerFuel`, and added by the pallet.
//!
//! - `upload_code(c)`: validation is one pass over the code (~20 ns/byte assumed, plus 50 µs);
//!   reads `CodeInfoOf`, the holder's balance and holds; writes the balance, holds,
//!   `PristineCode` and `CodeInfoOf`; proof size grows with the code stored.
//! - `instantiate`: the frame set-up (200 µs, which also covers compiling a module on a cache
//!   miss of small code), reads/writes of code and contract records, two transfers and the
//!   storage-deposit settlement.
//! - `call`: as `instantiate` without the records it creates.
//! - `remove_code`: reads `CodeInfoOf`, the balance and holds; writes them and removes the code.

use core::marker::PhantomData;
use frame_support::{
    traits::Get,
    weights::{RuntimeDbWeight, Weight, constants::RocksDbWeight},
};

/// Weight functions needed by `pallet_wcme_contracts`.
pub trait WeightInfo {
    /// `upload_code` of `c` bytes.
    fn upload_code(c: u32) -> Weight;
    /// `instantiate`, without the fuel.
    fn instantiate() -> Weight;
    /// `call`, without the fuel.
    fn call() -> Weight;
    /// `remove_code`.
    fn remove_code() -> Weight;
}

fn upload_code(db: RuntimeDbWeight, c: u32) -> Weight {
    Weight::from_parts(50_000_000, 6_000)
        .saturating_add(Weight::from_parts(20_000, 1).saturating_mul(u64::from(c)))
        .saturating_add(db.reads(3))
        .saturating_add(db.writes(4))
}

fn instantiate(db: RuntimeDbWeight) -> Weight {
    Weight::from_parts(200_000_000, 270_000)
        .saturating_add(db.reads(8))
        .saturating_add(db.writes(7))
}

fn call(db: RuntimeDbWeight) -> Weight {
    Weight::from_parts(180_000_000, 270_000)
        .saturating_add(db.reads(6))
        .saturating_add(db.writes(5))
}

fn remove_code(db: RuntimeDbWeight) -> Weight {
    Weight::from_parts(40_000_000, 6_000)
        .saturating_add(db.reads(3))
        .saturating_add(db.writes(4))
}

/// Weights priced with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
    fn upload_code(c: u32) -> Weight {
        upload_code(T::DbWeight::get(), c)
    }
    fn instantiate() -> Weight {
        instantiate(T::DbWeight::get())
    }
    fn call() -> Weight {
        call(T::DbWeight::get())
    }
    fn remove_code() -> Weight {
        remove_code(T::DbWeight::get())
    }
}

/// For tests: the same estimates with RocksDB weights.
impl WeightInfo for () {
    fn upload_code(c: u32) -> Weight {
        upload_code(RocksDbWeight::get(), c)
    }
    fn instantiate() -> Weight {
        instantiate(RocksDbWeight::get())
    }
    fn call() -> Weight {
        call(RocksDbWeight::get())
    }
    fn remove_code() -> Weight {
        remove_code(RocksDbWeight::get())
    }
}
