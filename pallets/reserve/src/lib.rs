//! # WCME reserve pallet
//!
//! Holds balances that were frozen at genesis until the chain's governance releases them.
//!
//! The WCME genesis allocation puts half of the supply (the *frozen reserve*, 480,000,000 WCME) on
//! an account that must not be able to move it: not by transfer, not by paying fees, not even by
//! its owner. This pallet places a balance **freeze** (`fungible::MutateFreeze`, reason
//! [`FreezeReason::GenesisReserve`]) over the configured amount of each account listed in its
//! genesis config and records the amount in [`Frozen`]. Anything an account holds above its frozen
//! amount stays spendable.
//!
//! The only way to lower a freeze is the [`Pallet::release`] call, gated by
//! [`Config::ReleaseOrigin`] (root on the main chain while sudo exists, a council later). Releasing
//! the whole amount thaws the account and removes it from [`Frozen`].
//!
//! A freeze (rather than a `LockableCurrency` lock) is used because pallet-balances implements the
//! `fungible` freeze traits natively, the reason is a typed variant of the runtime's
//! `RuntimeFreezeReason`, and freezes block every kind of withdrawal, fees included.
//!
//! ## Weights
//!
//! `benchmarking.rs` (feature `runtime-benchmarks`) benchmarks `release`;
//! [`weights::SubstrateWeight`] is its output on the main runtime (`wcme-node benchmark pallet`,
//! see the header of `weights.rs`).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

pub mod weights;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

#[frame_support::pallet]
pub mod pallet {
    use super::WeightInfo;
    use alloc::vec::Vec;
    use frame_support::{
        pallet_prelude::*,
        traits::{
            EnsureOrigin,
            fungible::{Inspect, InspectFreeze, MutateFreeze},
        },
    };
    use frame_system::pallet_prelude::*;
    use sp_runtime::traits::{CheckedSub, StaticLookup, Zero};

    /// The balance type of the configured currency.
    pub type BalanceOf<T> =
        <<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

    /// The source an account id is looked up from in calls (`MultiAddress` on WCME runtimes).
    pub type AccountIdLookupOf<T> = <<T as frame_system::Config>::Lookup as StaticLookup>::Source;

    /// The pallet: genesis-frozen balances and their release.
    #[pallet::pallet]
    pub struct Pallet<T>(_);

    /// Configuration of the reserve pallet.
    #[pallet::config]
    pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
        /// The currency whose balances are frozen (pallet-balances on WCME runtimes).
        type Currency: MutateFreeze<Self::AccountId, Id = Self::RuntimeFreezeReason>;

        /// The runtime's aggregated freeze reason, which must include this pallet's
        /// [`FreezeReason`].
        type RuntimeFreezeReason: From<FreezeReason>;

        /// Who may release frozen funds (root while the chain has sudo, a council later).
        type ReleaseOrigin: EnsureOrigin<Self::RuntimeOrigin>;

        /// Weights of this pallet's calls.
        type WeightInfo: WeightInfo;
    }

    /// Why this pallet freezes funds.
    #[pallet::composite_enum]
    pub enum FreezeReason {
        /// The funds were frozen at genesis as part of the frozen reserve.
        #[codec(index = 0)]
        GenesisReserve,
    }

    /// The amount still frozen on each account that was frozen at genesis.
    ///
    /// An account is present iff it holds a [`FreezeReason::GenesisReserve`] freeze of exactly
    /// this (non-zero) amount.
    #[pallet::storage]
    pub type Frozen<T: Config> =
        StorageMap<_, Blake2_128Concat, T::AccountId, BalanceOf<T>, OptionQuery>;

    /// Accounts and amounts to freeze when the chain starts.
    #[pallet::genesis_config]
    #[derive(frame_support::DefaultNoBound)]
    pub struct GenesisConfig<T: Config> {
        /// `(account, amount)`: freeze `amount` of `account`'s balance. Each account at most once,
        /// each amount non-zero and covered by the account's genesis balance.
        pub frozen: Vec<(T::AccountId, BalanceOf<T>)>,
    }

    #[pallet::genesis_build]
    impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
        fn build(&self) {
            // A genesis that would not hold the reserve it promises must not produce a chain, so
            // (like pallet-balances' own genesis checks) a bad config aborts the build loudly;
            // these asserts only ever run while building genesis state, never in a block.
            let reason: T::RuntimeFreezeReason = FreezeReason::GenesisReserve.into();
            for (who, amount) in &self.frozen {
                assert!(
                    !amount.is_zero(),
                    "reserve genesis: a frozen amount must be non-zero"
                );
                assert!(
                    !Frozen::<T>::contains_key(who),
                    "reserve genesis: an account is listed twice"
                );
                assert!(
                    T::Currency::balance(who) >= *amount,
                    "reserve genesis: an account's balance does not cover its frozen amount \
                     (is the reserve pallet built after balances?)"
                );
                assert!(
                    T::Currency::set_freeze(&reason, who, *amount).is_ok(),
                    "reserve genesis: the currency refused the freeze (MaxFreezes too low?)"
                );
                Frozen::<T>::insert(who, *amount);
            }
        }
    }

    /// Events of the reserve pallet.
    #[pallet::event]
    #[pallet::generate_deposit(pub(super) fn deposit_event)]
    pub enum Event<T: Config> {
        /// `amount` of `who`'s frozen reserve was released and is spendable now.
        Released {
            /// The account whose freeze was lowered.
            who: T::AccountId,
            /// How much was released.
            amount: BalanceOf<T>,
        },
    }

    /// Errors of the reserve pallet.
    #[pallet::error]
    pub enum Error<T> {
        /// The account has no frozen reserve.
        NotFrozen,
        /// The amount to release exceeds the account's frozen reserve.
        InsufficientFrozen,
    }

    #[pallet::call]
    impl<T: Config> Pallet<T> {
        /// Release `amount` of `who`'s frozen reserve, making it spendable.
        ///
        /// Origin: [`Config::ReleaseOrigin`]. Fails with [`Error::NotFrozen`] if `who` has no
        /// frozen reserve and with [`Error::InsufficientFrozen`] if `amount` exceeds it.
        /// Releasing the whole remainder thaws the account and removes it from [`Frozen`].
        /// Emits [`Event::Released`].
        #[pallet::call_index(0)]
        #[pallet::weight(T::WeightInfo::release())]
        pub fn release(
            origin: OriginFor<T>,
            who: AccountIdLookupOf<T>,
            #[pallet::compact] amount: BalanceOf<T>,
        ) -> DispatchResult {
            T::ReleaseOrigin::ensure_origin(origin)?;
            let who = T::Lookup::lookup(who)?;

            let frozen = Frozen::<T>::get(&who).ok_or(Error::<T>::NotFrozen)?;
            let remaining = frozen
                .checked_sub(&amount)
                .ok_or(Error::<T>::InsufficientFrozen)?;

            // `set_freeze` with zero thaws the reason entirely, so the account keeps no empty
            // freeze entry around.
            let reason: T::RuntimeFreezeReason = FreezeReason::GenesisReserve.into();
            T::Currency::set_freeze(&reason, &who, remaining)?;
            if remaining.is_zero() {
                Frozen::<T>::remove(&who);
            } else {
                Frozen::<T>::insert(&who, remaining);
            }

            Self::deposit_event(Event::Released { who, amount });
            Ok(())
        }
    }

    impl<T: Config> Pallet<T> {
        /// The amount of `who`'s balance frozen by this pallet, as the currency sees it.
        ///
        /// Equal to [`Frozen`]`[who]` (or zero) while the pallet's invariant holds; exposed so
        /// other pallets and tests can check both sides.
        pub fn frozen_in_currency(who: &T::AccountId) -> BalanceOf<T> {
            let reason: T::RuntimeFreezeReason = FreezeReason::GenesisReserve.into();
            T::Currency::balance_frozen(&reason, who)
        }
    }
}
