//! Benchmark of the reserve pallet's one call (frame-benchmarking v2).
//!
//! `release` is measured in its costlier case: a partial release, which keeps the account's
//! freeze (rewritten with the lower amount) and its [`Frozen`] entry. The test suite at the bottom
//! runs it once on the mock runtime; `wcme-node benchmark pallet` runs it on the main runtime and
//! writes `weights.rs`.

use super::*;
use frame_benchmarking::v2::*;
use frame_support::traits::{
    EnsureOrigin,
    fungible::{Inspect, Mutate, MutateFreeze},
};
use sp_runtime::traits::{Saturating, StaticLookup};

#[benchmarks(where T::Currency: Mutate<T::AccountId>)]
mod benchmarks {
    use super::*;

    #[benchmark]
    fn release() -> Result<(), BenchmarkError> {
        let who: T::AccountId = account("reserve", 0, 0);
        let unit = T::Currency::minimum_balance().max(1u32.into());
        let frozen = unit.saturating_mul(1_000u32.into());
        T::Currency::set_balance(&who, frozen.saturating_mul(2u32.into()));
        let reason: T::RuntimeFreezeReason = FreezeReason::GenesisReserve.into();
        T::Currency::set_freeze(&reason, &who, frozen)?;
        Frozen::<T>::insert(&who, frozen);
        let origin =
            T::ReleaseOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
        let amount = unit;

        #[extrinsic_call]
        _(
            origin as T::RuntimeOrigin,
            T::Lookup::unlookup(who.clone()),
            amount,
        );

        assert_eq!(Frozen::<T>::get(&who), Some(frozen.saturating_sub(amount)));
        Ok(())
    }

    impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
