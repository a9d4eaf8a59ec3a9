//! Benchmarks of every call of the traceability pallet (frame-benchmarking v2), each in its
//! worst case: names, locations and notes of the largest length, and for the calls that
//! append to a history, a history of `h` largest records up to `MaxHistory - 1`.
//!
//! No runtime runs them yet (see `weights.rs`); they run as tests on the mock runtime with
//! `cargo test -p pallet-traceability --features runtime-benchmarks`.

use super::*;
use crate::Pallet as Traceability;
use alloc::vec;
use frame_benchmarking::v2::*;
use frame_support::{BoundedVec, assert_ok, traits::Get};
use frame_system::RawOrigin;

/// The benchmarks' product.
fn product_id() -> ProductId {
    ProductId::repeat_byte(0x42)
}

/// A byte string of the largest length `S` allows.
fn longest<S: Get<u32>>() -> BoundedVec<u8, S> {
    let len = usize::try_from(S::get()).unwrap_or(usize::MAX);
    BoundedVec::truncate_from(vec![b'x'; len])
}

/// Registers the benchmarks' product by `who` and gives it a history of `h` largest records
/// (checkpoints by `who`), written directly.
fn product_with_history<T: Config>(who: &T::AccountId, h: u32) {
    assert_ok!(Traceability::<T>::register_product(
        RawOrigin::Signed(who.clone()).into(),
        product_id(),
        longest::<T::MaxNameLength>(),
        longest::<T::MaxLocationLength>(),
    ));
    let record: RecordOf<T> = Record {
        kind: RecordKind::Checkpoint,
        from: who.clone(),
        to: who.clone(),
        block: frame_system::Pallet::<T>::block_number(),
        location: longest::<T::MaxLocationLength>(),
        note: longest::<T::MaxNoteLength>(),
    };
    let len = usize::try_from(h).unwrap_or(usize::MAX);
    History::<T>::insert(
        product_id(),
        HistoryOf::<T>::truncate_from(vec![record; len]),
    );
}

#[benchmarks]
mod benchmarks {
    use super::*;

    #[benchmark]
    fn register_product() {
        let caller: T::AccountId = whitelisted_caller();

        #[extrinsic_call]
        _(
            RawOrigin::Signed(caller.clone()),
            product_id(),
            longest::<T::MaxNameLength>(),
            longest::<T::MaxLocationLength>(),
        );

        assert!(Traceability::<T>::product(product_id()).is_some_and(|p| p.custodian == caller));
    }

    #[benchmark]
    fn transfer_custody(h: Linear<0, { T::MaxHistory::get().saturating_sub(1) }>) {
        let caller: T::AccountId = whitelisted_caller();
        let receiver: T::AccountId = account("receiver", 0, 0);
        product_with_history::<T>(&caller, h);

        #[extrinsic_call]
        _(
            RawOrigin::Signed(caller),
            product_id(),
            receiver.clone(),
            longest::<T::MaxLocationLength>(),
            longest::<T::MaxNoteLength>(),
        );

        assert!(Traceability::<T>::product(product_id()).is_some_and(|p| p.custodian == receiver));
        assert_eq!(
            Traceability::<T>::history_len(product_id()),
            h.saturating_add(1)
        );
    }

    #[benchmark]
    fn record_checkpoint(h: Linear<0, { T::MaxHistory::get().saturating_sub(1) }>) {
        let caller: T::AccountId = whitelisted_caller();
        product_with_history::<T>(&caller, h);

        #[extrinsic_call]
        _(
            RawOrigin::Signed(caller),
            product_id(),
            longest::<T::MaxLocationLength>(),
            longest::<T::MaxNoteLength>(),
        );

        assert_eq!(
            Traceability::<T>::history_len(product_id()),
            h.saturating_add(1)
        );
    }

    #[benchmark]
    fn retire() {
        let caller: T::AccountId = whitelisted_caller();
        product_with_history::<T>(&caller, 0);

        #[extrinsic_call]
        _(RawOrigin::Signed(caller), product_id());

        assert!(Traceability::<T>::product(product_id()).is_some_and(|p| p.retired_at.is_some()));
    }

    impl_benchmark_test_suite!(Traceability, crate::mock::new_test_ext(), crate::mock::Test);
}
