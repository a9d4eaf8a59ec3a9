//! # WCME smart-asset pallet
//!
//! Smart assets, IOUs and the constant-product (Uniswap v2) pools that price them in WCME
//! (DESIGN §6).
//!
//! - **Smart assets.** [`Pallet::issue`] creates an asset with a fixed `supply` and puts all of it
//!   into a new pool against `wcme_collateral` WCME taken from the issuer: the pool's reserves are
//!   `(collateral, supply)`, so the issuer's ratio is the initial price, and the issuer holds the
//!   pool's shares (minus the [`MINIMUM_LIQUIDITY`] locked for ever). A subchain's base token is
//!   issued this way by its subchain account, through [`SmartAssetIssuer`] once the subchain
//!   registry exists; [`SubchainInspect`] tells this pallet which accounts are subchain accounts.
//! - **IOUs.** [`Pallet::register_iou`] registers an asset its issuer mints ([`Pallet::mint_iou`])
//!   and burns ([`Pallet::burn_iou`]) at will; [`Pallet::create_pool`] lists it in an empty pool
//!   whose first liquidity sets the price.
//! - **Liquidity.** [`Pallet::add_liquidity`] and [`Pallet::remove_liquidity`] mint and burn pool
//!   shares: the first deposit gets `⌊√(a·b)⌋ − MINIMUM_LIQUIDITY`, later ones
//!   `min(a·S/R_a, b·S/R_b)`, a withdrawal is paid pro rata, everything rounded down.
//! - **Swaps.** [`Pallet::swap_exact_in`] and [`Pallet::swap_exact_out`] trade along a path of
//!   asset ids, `0` being WCME: `[0, A]`, `[A, 0]` or `[A, 0, B]` (multi-hop goes through WCME),
//!   with a slippage bound and a deadline (a block number). The fee ([`Config::SwapFee`], 0.3 %
//!   on WCME) is taken from the input; a part of it ([`Config::ProtocolFee`]) goes to the
//!   ecosystem fund ([`Config::EcosystemFund`]), the rest stays in the pool for its liquidity
//!   providers. The formulas are in [`math`]: rounding is always in the pool's favour, so the
//!   product of the reserves never decreases across a swap (the pallet checks it on every hop).
//! - **Price oracle.** Each pool keeps Uniswap-style cumulative prices, brought forward on the
//!   first touch of the pool in a block (constant work, no per-block hook over all pools);
//!   [`runtime_api::SmartAssetsApi::pool`] reports them brought forward to the current block.
//!
//! Assets live in this pallet's own ledger ([`AssetBalances`]) rather than in `pallet-assets`:
//! smart assets have a fixed supply and no existential deposit, pools hold their reserves as plain
//! numbers, and no second pallet has to be locked down so that only this one may mint.
//! [`Pallet::transfer`] moves assets between accounts. WCME is the runtime's currency
//! ([`Config::Currency`]); all pools' WCME is held by one pallet account
//! ([`Pallet::account_id`]). Each non-empty pool keeps at least [`Config::MinWcmeReserve`] (at
//! least the existential deposit) of WCME, so that account can never be reaped.
//!
//! Every call validates all of its input before it changes anything; bad input is a typed
//! [`Error`].
//!
//! ## Weights
//!
//! `benchmarking.rs` benchmarks every call; `weights.rs` is their output on the main runtime
//! (`wcme-node benchmark pallet`, the command and machine are in its header).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

pub mod math;
pub mod runtime_api;
mod swap;
pub mod traits;
pub mod types;
pub mod weights;

pub use traits::{SmartAssetIssuer, SubchainInspect};
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

#[frame_support::pallet]
pub mod pallet {
    use super::{
        AmmError, AssetDetails, AssetId, AssetKind, MAX_DECIMALS, MAX_PATH_LENGTH, PoolInfo,
        SubchainInspect, SwapPath, WCME, WCME_SYMBOL, WeightInfo, math,
    };
    use alloc::vec::Vec;
    use frame_support::{
        PalletId,
        pallet_prelude::*,
        traits::{
            fungible::{Inspect, Mutate},
            tokens::{Fortitude, Preservation, Provenance},
        },
    };
    use frame_system::pallet_prelude::*;
    use sp_runtime::{
        Permill,
        traits::{AccountIdConversion, StaticLookup},
    };

    /// The source an account id is looked up from in calls (`MultiAddress` on WCME runtimes).
    pub type AccountIdLookupOf<T> = <<T as frame_system::Config>::Lookup as StaticLookup>::Source;

    /// An asset symbol as stored.
    pub type SymbolOf<T> = BoundedVec<u8, <T as Config>::MaxSymbolLength>;

    /// The record of an asset as stored.
    pub type AssetDetailsOf<T> = AssetDetails<<T as frame_system::Config>::AccountId, SymbolOf<T>>;

    /// The state of a pool as stored.
    pub type PoolInfoOf<T> = PoolInfo<BlockNumberFor<T>>;

    /// The pallet: smart assets, IOUs and their pools against WCME.
    #[pallet::pallet]
    pub struct Pallet<T>(_);

    /// Configuration of the smart-asset pallet.
    #[pallet::config]
    pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
        /// WCME, the runtime's currency (pallet-balances), with `u128` balances.
        type Currency: Mutate<Self::AccountId, Balance = u128>;

        /// Derives the account that holds every pool's WCME.
        #[pallet::constant]
        type PalletId: Get<PalletId>;

        /// Fee of a swap, taken from each hop's input (Uniswap's 0.3 % is
        /// `Permill::from_parts(3_000)`). Must be below 100 %.
        #[pallet::constant]
        type SwapFee: Get<Permill>;

        /// Part of each hop's input paid to [`Config::EcosystemFund`] (zero turns it off). Part of
        /// [`Config::SwapFee`], so at most that; the rest of the fee stays in the pool.
        #[pallet::constant]
        type ProtocolFee: Get<Permill>;

        /// The account the protocol fee is paid to: the technical-ecosystem fund.
        type EcosystemFund: Get<Self::AccountId>;

        /// Least WCME a non-empty pool holds: issue collateral, the first deposit and what swaps
        /// and withdrawals leave must reach it. At least the currency's existential deposit, so
        /// the pallet account is never reaped.
        #[pallet::constant]
        type MinWcmeReserve: Get<u128>;

        /// Longest asset symbol, in bytes.
        #[pallet::constant]
        type MaxSymbolLength: Get<u32>;

        /// Which accounts are subchain accounts (the subchain registry; `()` without one).
        type Subchains: SubchainInspect<Self::AccountId>;

        /// Weights of this pallet's calls.
        type WeightInfo: WeightInfo;
    }

    /// The first id handed out: `0` is WCME.
    #[pallet::type_value]
    pub fn FirstAssetId() -> AssetId {
        1
    }

    /// The id the next issued or registered asset gets.
    #[pallet::storage]
    pub type NextAssetId<T: Config> = StorageValue<_, AssetId, ValueQuery, FirstAssetId>;

    /// Every smart asset and IOU, by id.
    #[pallet::storage]
    pub type Assets<T: Config> = StorageMap<_, Twox64Concat, AssetId, AssetDetailsOf<T>>;

    /// The asset id of each symbol (symbols are unique).
    #[pallet::storage]
    pub type SymbolIndex<T: Config> = StorageMap<_, Blake2_128Concat, SymbolOf<T>, AssetId>;

    /// Asset balances: `(asset, account) → units`. Pool reserves are not in here but in
    /// [`Pools`].
    #[pallet::storage]
    pub type AssetBalances<T: Config> = StorageDoubleMap<
        _,
        Twox64Concat,
        AssetId,
        Blake2_128Concat,
        T::AccountId,
        u128,
        ValueQuery,
    >;

    /// The pool of each listed asset against WCME.
    #[pallet::storage]
    pub type Pools<T: Config> = StorageMap<_, Twox64Concat, AssetId, PoolInfoOf<T>>;

    /// Pool shares: `(asset of the pool, account) → shares`. The locked
    /// [`crate::MINIMUM_LIQUIDITY`] belongs to nobody and is only in [`PoolInfo::total_shares`].
    #[pallet::storage]
    pub type Shares<T: Config> = StorageDoubleMap<
        _,
        Twox64Concat,
        AssetId,
        Blake2_128Concat,
        T::AccountId,
        u128,
        ValueQuery,
    >;

    /// Events of the smart-asset pallet.
    #[pallet::event]
    #[pallet::generate_deposit(pub(super) fn deposit_event)]
    pub enum Event<T: Config> {
        /// A smart asset was issued: `supply` units and `collateral` WCME form its new pool, whose
        /// shares the issuer holds.
        Issued {
            /// The new asset's id.
            asset_id: AssetId,
            /// Who issued it (and holds the pool shares).
            issuer: T::AccountId,
            /// Units minted into the pool.
            supply: u128,
            /// WCME locked into the pool.
            collateral: u128,
        },
        /// An IOU asset was registered (supply zero until its issuer mints).
        IouRegistered {
            /// The new asset's id.
            asset_id: AssetId,
            /// Who may mint and burn it.
            issuer: T::AccountId,
            /// Its symbol.
            symbol: SymbolOf<T>,
        },
        /// IOU units were minted.
        IouMinted {
            /// The IOU.
            asset_id: AssetId,
            /// Who received them.
            to: T::AccountId,
            /// How many.
            amount: u128,
        },
        /// IOU units were burned from the issuer's balance.
        IouBurned {
            /// The IOU.
            asset_id: AssetId,
            /// The issuer they were burned from.
            from: T::AccountId,
            /// How many.
            amount: u128,
        },
        /// Asset units moved between accounts.
        Transferred {
            /// The asset.
            asset_id: AssetId,
            /// The sender.
            from: T::AccountId,
            /// The recipient.
            to: T::AccountId,
            /// How many.
            amount: u128,
        },
        /// An empty pool was created for an asset.
        PoolCreated {
            /// The asset the pool trades against WCME.
            asset_id: AssetId,
            /// Who created it.
            creator: T::AccountId,
        },
        /// Liquidity was added to a pool.
        LiquidityAdded {
            /// The provider.
            who: T::AccountId,
            /// The pool's asset.
            asset_id: AssetId,
            /// WCME deposited.
            wcme_amount: u128,
            /// Asset units deposited.
            asset_amount: u128,
            /// Shares minted to the provider.
            shares: u128,
        },
        /// Liquidity was removed from a pool.
        LiquidityRemoved {
            /// The provider.
            who: T::AccountId,
            /// The pool's asset.
            asset_id: AssetId,
            /// WCME paid out.
            wcme_amount: u128,
            /// Asset units paid out.
            asset_amount: u128,
            /// Shares burned.
            shares: u128,
        },
        /// A swap was executed.
        Swapped {
            /// The trader.
            who: T::AccountId,
            /// The path traded along (asset ids, `0` = WCME).
            path: SwapPath,
            /// Units of the path's first asset paid.
            amount_in: u128,
            /// Units of the path's last asset received.
            amount_out: u128,
        },
        /// The protocol's part of a swap fee was paid to the ecosystem fund.
        ProtocolFeePaid {
            /// The asset it was paid in (`0` = WCME).
            asset_id: AssetId,
            /// How much.
            amount: u128,
        },
    }

    /// Errors of the smart-asset pallet.
    #[pallet::error]
    pub enum Error<T> {
        /// An amount that must be positive is zero.
        ZeroAmount,
        /// The path is shorter than 2 or longer than 3 assets, or has a hop without WCME (`0`).
        InvalidPath,
        /// The path names the same asset twice.
        IdenticalAssets,
        /// No asset has this id.
        UnknownAsset,
        /// The asset has no pool.
        PoolNotFound,
        /// The asset already has a pool.
        PoolExists,
        /// The pool cannot serve the request: it is empty, or the output asked for is not below
        /// its reserve.
        InsufficientLiquidity,
        /// The operation would leave a pool's WCME reserve below `MinWcmeReserve` or its asset
        /// reserve at zero.
        ReserveBelowMinimum,
        /// The input is too small to buy a single unit, or the withdrawal too small to pay one.
        ZeroOutput,
        /// A result or intermediate value does not fit `u128` (or the asset id space is used up).
        Overflow,
        /// The deposit is too small to mint a single share (a first deposit must be worth more
        /// than `MINIMUM_LIQUIDITY` shares).
        InsufficientLiquidityMinted,
        /// The deadline block has passed.
        Expired,
        /// The swap would pay out less than `min_out`.
        OutputBelowMinimum,
        /// The swap would cost more than `max_in`.
        InputAboveMaximum,
        /// The deposit or withdrawal would move less WCME than `wcme_min`.
        WcmeBelowMinimum,
        /// The deposit or withdrawal would move fewer asset units than `asset_min`.
        AssetBelowMinimum,
        /// The account does not hold enough of the asset.
        InsufficientBalance,
        /// The account cannot spend that much WCME and stay above the existential deposit.
        InsufficientWcme,
        /// The account holds fewer pool shares than it wants to burn.
        InsufficientShares,
        /// The symbol is longer than `MaxSymbolLength`.
        SymbolTooLong,
        /// The symbol is empty or has a byte other than `A`–`Z`, `0`–`9`, `.` and `-`.
        InvalidSymbol,
        /// The symbol is taken by another asset, or is `WCME`.
        SymbolTaken,
        /// More than 18 decimals.
        InvalidDecimals,
        /// The WCME collateral of an issue is below `MinWcmeReserve`.
        CollateralTooLow,
        /// The call takes an asset other than WCME (`0`).
        NativeAsset,
        /// Only IOU assets can be minted and burned.
        NotIou,
        /// Only the asset's issuer may do this.
        NotIssuer,
        /// A swap would lower a pool's reserve product. Never expected: a defensive check.
        InvariantViolated,
    }

    impl<T> From<AmmError> for Error<T> {
        fn from(e: AmmError) -> Self {
            match e {
                AmmError::ZeroAmount => Error::ZeroAmount,
                AmmError::InvalidPath => Error::InvalidPath,
                AmmError::IdenticalAssets => Error::IdenticalAssets,
                AmmError::UnknownAsset => Error::UnknownAsset,
                AmmError::PoolNotFound => Error::PoolNotFound,
                AmmError::InsufficientLiquidity => Error::InsufficientLiquidity,
                AmmError::ReserveBelowMinimum => Error::ReserveBelowMinimum,
                AmmError::ZeroOutput => Error::ZeroOutput,
                AmmError::Overflow => Error::Overflow,
                AmmError::InsufficientLiquidityMinted => Error::InsufficientLiquidityMinted,
                AmmError::InvariantViolated => Error::InvariantViolated,
            }
        }
    }

    #[pallet::hooks]
    impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
        fn integrity_test() {
            assert!(
                T::SwapFee::get() < Permill::one(),
                "smart-assets: SwapFee must be below 100 %"
            );
            assert!(
                T::ProtocolFee::get() <= T::SwapFee::get(),
                "smart-assets: ProtocolFee is part of SwapFee and cannot exceed it"
            );
            assert!(
                T::MinWcmeReserve::get() > 0
                    && T::MinWcmeReserve::get() >= T::Currency::minimum_balance(),
                "smart-assets: MinWcmeReserve must be positive and at least the existential deposit"
            );
            assert!(
                T::MaxSymbolLength::get() > 0,
                "smart-assets: MaxSymbolLength must be positive"
            );
        }
    }

    #[pallet::call]
    impl<T: Config> Pallet<T> {
        /// Issue a smart asset: create `symbol` with `decimals`, mint `supply` units into a new
        /// pool against `wcme_collateral` WCME taken from the caller. The pool's reserves are
        /// `(wcme_collateral, supply)` (the caller's ratio is the initial price) and the caller
        /// gets `⌊√(collateral · supply)⌋ − MINIMUM_LIQUIDITY` pool shares.
        ///
        /// Origin: signed (the issuer; a subchain account for a subchain's base token). Errors:
        /// [`Error::SymbolTooLong`], [`Error::InvalidSymbol`], [`Error::SymbolTaken`],
        /// [`Error::InvalidDecimals`], [`Error::ZeroAmount`], [`Error::CollateralTooLow`],
        /// [`Error::InsufficientLiquidityMinted`], [`Error::InsufficientWcme`],
        /// [`Error::Overflow`]. Emits [`Event::Issued`].
        #[pallet::call_index(0)]
        #[pallet::weight(T::WeightInfo::issue())]
        pub fn issue(
            origin: OriginFor<T>,
            symbol: Vec<u8>,
            decimals: u8,
            #[pallet::compact] supply: u128,
            #[pallet::compact] wcme_collateral: u128,
        ) -> DispatchResult {
            let issuer = ensure_signed(origin)?;
            Self::do_issue(&issuer, symbol, decimals, supply, wcme_collateral).map(|_| ())
        }

        /// Register an IOU asset `symbol` with `decimals`, supply zero; the caller is its issuer
        /// and alone may mint and burn it.
        ///
        /// Origin: signed. Errors: [`Error::SymbolTooLong`], [`Error::InvalidSymbol`],
        /// [`Error::SymbolTaken`], [`Error::InvalidDecimals`], [`Error::Overflow`]. Emits
        /// [`Event::IouRegistered`].
        #[pallet::call_index(1)]
        #[pallet::weight(T::WeightInfo::register_iou())]
        pub fn register_iou(origin: OriginFor<T>, symbol: Vec<u8>, decimals: u8) -> DispatchResult {
            let issuer = ensure_signed(origin)?;
            let symbol = Self::check_new_symbol(symbol)?;
            ensure!(decimals <= MAX_DECIMALS, Error::<T>::InvalidDecimals);
            let asset_id = Self::peek_next_asset_id()?;

            Self::insert_asset(
                asset_id,
                &issuer,
                symbol.clone(),
                decimals,
                AssetKind::Iou,
                0,
            );
            Self::deposit_event(Event::IouRegistered {
                asset_id,
                issuer,
                symbol,
            });
            Ok(())
        }

        /// Mint `amount` units of the IOU `asset` to `to`.
        ///
        /// Origin: signed by the IOU's issuer. Errors: [`Error::ZeroAmount`],
        /// [`Error::NativeAsset`], [`Error::UnknownAsset`], [`Error::NotIou`],
        /// [`Error::NotIssuer`], [`Error::Overflow`]. Emits [`Event::IouMinted`].
        #[pallet::call_index(2)]
        #[pallet::weight(T::WeightInfo::mint_iou())]
        pub fn mint_iou(
            origin: OriginFor<T>,
            asset: AssetId,
            to: AccountIdLookupOf<T>,
            #[pallet::compact] amount: u128,
        ) -> DispatchResult {
            let who = ensure_signed(origin)?;
            let to = T::Lookup::lookup(to)?;
            ensure!(amount > 0, Error::<T>::ZeroAmount);
            let mut details = Self::iou_of_issuer(asset, &who)?;
            details.supply = details
                .supply
                .checked_add(amount)
                .ok_or(Error::<T>::Overflow)?;
            let balance = AssetBalances::<T>::get(asset, &to)
                .checked_add(amount)
                .ok_or(Error::<T>::Overflow)?;

            Assets::<T>::insert(asset, details);
            AssetBalances::<T>::insert(asset, &to, balance);
            Self::deposit_event(Event::IouMinted {
                asset_id: asset,
                to,
                amount,
            });
            Ok(())
        }

        /// Burn `amount` units of the IOU `asset` from the issuer's own balance (holders redeem an
        /// IOU by transferring it back to its issuer).
        ///
        /// Origin: signed by the IOU's issuer. Errors: [`Error::ZeroAmount`],
        /// [`Error::NativeAsset`], [`Error::UnknownAsset`], [`Error::NotIou`],
        /// [`Error::NotIssuer`], [`Error::InsufficientBalance`]. Emits [`Event::IouBurned`].
        #[pallet::call_index(3)]
        #[pallet::weight(T::WeightInfo::burn_iou())]
        pub fn burn_iou(
            origin: OriginFor<T>,
            asset: AssetId,
            #[pallet::compact] amount: u128,
        ) -> DispatchResult {
            let who = ensure_signed(origin)?;
            ensure!(amount > 0, Error::<T>::ZeroAmount);
            let mut details = Self::iou_of_issuer(asset, &who)?;
            let balance = AssetBalances::<T>::get(asset, &who)
                .checked_sub(amount)
                .ok_or(Error::<T>::InsufficientBalance)?;
            // The supply covers every balance, so it covers this one.
            details.supply = details
                .supply
                .checked_sub(amount)
                .ok_or(Error::<T>::InsufficientBalance)?;

            Assets::<T>::insert(asset, details);
            Self::set_asset_balance(asset, &who, balance);
            Self::deposit_event(Event::IouBurned {
                asset_id: asset,
                from: who,
                amount,
            });
            Ok(())
        }

        /// Create an empty pool for `asset` (an IOU; smart assets get theirs when issued). The
        /// first [`Pallet::add_liquidity`] sets its price.
        ///
        /// Origin: signed (anyone). Errors: [`Error::NativeAsset`], [`Error::UnknownAsset`],
        /// [`Error::PoolExists`]. Emits [`Event::PoolCreated`].
        #[pallet::call_index(4)]
        #[pallet::weight(T::WeightInfo::create_pool())]
        pub fn create_pool(origin: OriginFor<T>, asset: AssetId) -> DispatchResult {
            let creator = ensure_signed(origin)?;
            Self::ensure_asset(asset)?;
            ensure!(!Pools::<T>::contains_key(asset), Error::<T>::PoolExists);

            Pools::<T>::insert(asset, PoolInfo::empty(Self::now()));
            Self::deposit_event(Event::PoolCreated {
                asset_id: asset,
                creator,
            });
            Ok(())
        }

        /// Add liquidity to the pool of `asset`: up to `wcme_desired` WCME and `asset_desired`
        /// units, matched to the pool's ratio (Uniswap's router: the larger side is reduced), at
        /// least `wcme_min` and `asset_min`. An empty pool takes both amounts as they are and its
        /// first `MINIMUM_LIQUIDITY` shares are locked for ever.
        ///
        /// Origin: signed (the provider). `deadline`: the last block the call may execute in.
        /// Errors: [`Error::Expired`], [`Error::NativeAsset`], [`Error::ZeroAmount`],
        /// [`Error::UnknownAsset`], [`Error::PoolNotFound`], [`Error::WcmeBelowMinimum`],
        /// [`Error::AssetBelowMinimum`], [`Error::ReserveBelowMinimum`],
        /// [`Error::InsufficientLiquidityMinted`], [`Error::InsufficientWcme`],
        /// [`Error::InsufficientBalance`], [`Error::Overflow`]. Emits [`Event::LiquidityAdded`].
        #[pallet::call_index(5)]
        #[pallet::weight(T::WeightInfo::add_liquidity())]
        pub fn add_liquidity(
            origin: OriginFor<T>,
            asset: AssetId,
            #[pallet::compact] wcme_desired: u128,
            #[pallet::compact] asset_desired: u128,
            #[pallet::compact] wcme_min: u128,
            #[pallet::compact] asset_min: u128,
            deadline: BlockNumberFor<T>,
        ) -> DispatchResult {
            let who = ensure_signed(origin)?;
            Self::ensure_deadline(deadline)?;
            ensure!(
                wcme_desired > 0 && asset_desired > 0,
                Error::<T>::ZeroAmount
            );
            Self::ensure_asset(asset)?;
            let mut pool = Pools::<T>::get(asset).ok_or(Error::<T>::PoolNotFound)?;

            let (wcme_amount, asset_amount) = if pool.is_empty() {
                (wcme_desired, asset_desired)
            } else {
                let asset_optimal =
                    math::quote(wcme_desired, pool.wcme_reserve, pool.asset_reserve)
                        .map_err(Error::<T>::from)?;
                if asset_optimal <= asset_desired {
                    (wcme_desired, asset_optimal)
                } else {
                    // Then `wcme_optimal <= wcme_desired`: the ratio caps the WCME side instead.
                    let wcme_optimal =
                        math::quote(asset_desired, pool.asset_reserve, pool.wcme_reserve)
                            .map_err(Error::<T>::from)?;
                    (wcme_optimal, asset_desired)
                }
            };
            ensure!(wcme_amount >= wcme_min, Error::<T>::WcmeBelowMinimum);
            ensure!(asset_amount >= asset_min, Error::<T>::AssetBelowMinimum);

            let (total_minted, shares) = if pool.is_empty() {
                ensure!(
                    wcme_amount >= T::MinWcmeReserve::get(),
                    Error::<T>::ReserveBelowMinimum
                );
                math::initial_shares(wcme_amount, asset_amount).map_err(Error::<T>::from)?
            } else {
                let shares = math::deposit_shares(
                    wcme_amount,
                    asset_amount,
                    pool.wcme_reserve,
                    pool.asset_reserve,
                    pool.total_shares,
                )
                .map_err(Error::<T>::from)?;
                (shares, shares)
            };

            let wcme_reserve = pool
                .wcme_reserve
                .checked_add(wcme_amount)
                .ok_or(Error::<T>::Overflow)?;
            let asset_reserve = pool
                .asset_reserve
                .checked_add(asset_amount)
                .ok_or(Error::<T>::Overflow)?;
            let total_shares = pool
                .total_shares
                .checked_add(total_minted)
                .ok_or(Error::<T>::Overflow)?;
            let provider_shares = Shares::<T>::get(asset, &who)
                .checked_add(shares)
                .ok_or(Error::<T>::Overflow)?;
            Self::ensure_can_spend_wcme(&who, wcme_amount)?;
            let asset_balance = AssetBalances::<T>::get(asset, &who)
                .checked_sub(asset_amount)
                .ok_or(Error::<T>::InsufficientBalance)?;

            // Everything is checked; write.
            T::Currency::transfer(
                &who,
                &Self::account_id(),
                wcme_amount,
                Preservation::Preserve,
            )?;
            Self::set_asset_balance(asset, &who, asset_balance);
            pool.accumulate_to(Self::now());
            pool.wcme_reserve = wcme_reserve;
            pool.asset_reserve = asset_reserve;
            pool.total_shares = total_shares;
            Pools::<T>::insert(asset, pool);
            Shares::<T>::insert(asset, &who, provider_shares);

            Self::deposit_event(Event::LiquidityAdded {
                who,
                asset_id: asset,
                wcme_amount,
                asset_amount,
                shares,
            });
            Ok(())
        }

        /// Burn `shares` of the pool of `asset` for their part of both reserves (pro rata,
        /// rounded down), at least `wcme_min` WCME and `asset_min` units.
        ///
        /// Origin: signed (the provider). `deadline`: the last block the call may execute in.
        /// Errors: [`Error::Expired`], [`Error::NativeAsset`], [`Error::ZeroAmount`],
        /// [`Error::UnknownAsset`], [`Error::PoolNotFound`], [`Error::InsufficientShares`],
        /// [`Error::ZeroOutput`], [`Error::WcmeBelowMinimum`], [`Error::AssetBelowMinimum`],
        /// [`Error::ReserveBelowMinimum`], [`Error::Overflow`], or a token error if the provider's
        /// account cannot receive the WCME. Emits [`Event::LiquidityRemoved`].
        #[pallet::call_index(6)]
        #[pallet::weight(T::WeightInfo::remove_liquidity())]
        pub fn remove_liquidity(
            origin: OriginFor<T>,
            asset: AssetId,
            #[pallet::compact] shares: u128,
            #[pallet::compact] wcme_min: u128,
            #[pallet::compact] asset_min: u128,
            deadline: BlockNumberFor<T>,
        ) -> DispatchResult {
            let who = ensure_signed(origin)?;
            Self::ensure_deadline(deadline)?;
            ensure!(shares > 0, Error::<T>::ZeroAmount);
            Self::ensure_asset(asset)?;
            let mut pool = Pools::<T>::get(asset).ok_or(Error::<T>::PoolNotFound)?;
            let provider_shares = Shares::<T>::get(asset, &who)
                .checked_sub(shares)
                .ok_or(Error::<T>::InsufficientShares)?;

            let (wcme_amount, asset_amount) = math::withdrawal(
                shares,
                pool.wcme_reserve,
                pool.asset_reserve,
                pool.total_shares,
            )
            .map_err(Error::<T>::from)?;
            ensure!(wcme_amount > 0 && asset_amount > 0, Error::<T>::ZeroOutput);
            ensure!(wcme_amount >= wcme_min, Error::<T>::WcmeBelowMinimum);
            ensure!(asset_amount >= asset_min, Error::<T>::AssetBelowMinimum);

            let wcme_reserve = pool
                .wcme_reserve
                .checked_sub(wcme_amount)
                .ok_or(Error::<T>::InsufficientLiquidity)?;
            let asset_reserve = pool
                .asset_reserve
                .checked_sub(asset_amount)
                .ok_or(Error::<T>::InsufficientLiquidity)?;
            ensure!(
                wcme_reserve >= T::MinWcmeReserve::get() && asset_reserve > 0,
                Error::<T>::ReserveBelowMinimum
            );
            let total_shares = pool
                .total_shares
                .checked_sub(shares)
                .ok_or(Error::<T>::InsufficientShares)?;
            let asset_balance = AssetBalances::<T>::get(asset, &who)
                .checked_add(asset_amount)
                .ok_or(Error::<T>::Overflow)?;
            T::Currency::can_deposit(&who, wcme_amount, Provenance::Extant).into_result()?;

            // Everything is checked; write.
            T::Currency::transfer(
                &Self::account_id(),
                &who,
                wcme_amount,
                Preservation::Preserve,
            )?;
            AssetBalances::<T>::insert(asset, &who, asset_balance);
            pool.accumulate_to(Self::now());
            pool.wcme_reserve = wcme_reserve;
            pool.asset_reserve = asset_reserve;
            pool.total_shares = total_shares;
            Pools::<T>::insert(asset, pool);
            if provider_shares == 0 {
                Shares::<T>::remove(asset, &who);
            } else {
                Shares::<T>::insert(asset, &who, provider_shares);
            }

            Self::deposit_event(Event::LiquidityRemoved {
                who,
                asset_id: asset,
                wcme_amount,
                asset_amount,
                shares,
            });
            Ok(())
        }

        /// Swap exactly `amount_in` units of the path's first asset for at least `min_out` units
        /// of its last. `path` is `[0, A]`, `[A, 0]` or `[A, 0, B]` (`0` = WCME).
        ///
        /// Origin: signed (the trader). `deadline`: the last block the call may execute in.
        /// Errors: [`Error::Expired`], [`Error::ZeroAmount`], [`Error::InvalidPath`],
        /// [`Error::IdenticalAssets`], [`Error::UnknownAsset`], [`Error::PoolNotFound`],
        /// [`Error::InsufficientLiquidity`], [`Error::ZeroOutput`],
        /// [`Error::ReserveBelowMinimum`], [`Error::OutputBelowMinimum`],
        /// [`Error::InsufficientWcme`], [`Error::InsufficientBalance`], [`Error::Overflow`], or a
        /// token error if the trader's account cannot receive the WCME. Emits
        /// [`Event::Swapped`] (and [`Event::ProtocolFeePaid`] per hop with a protocol fee).
        #[pallet::call_index(7)]
        #[pallet::weight(T::WeightInfo::swap_exact_in(Pallet::<T>::path_weight_len(path)))]
        pub fn swap_exact_in(
            origin: OriginFor<T>,
            path: Vec<AssetId>,
            #[pallet::compact] amount_in: u128,
            #[pallet::compact] min_out: u128,
            deadline: BlockNumberFor<T>,
        ) -> DispatchResult {
            let who = ensure_signed(origin)?;
            Self::ensure_deadline(deadline)?;
            let route = Self::route(&path).map_err(Error::<T>::from)?;
            let plan = Self::plan_exact_in(&route, amount_in).map_err(Error::<T>::from)?;
            let amount_out = plan.amount_out();
            ensure!(amount_out >= min_out, Error::<T>::OutputBelowMinimum);
            Self::execute(&who, plan)?;
            Self::deposit_event(Event::Swapped {
                who,
                path: route,
                amount_in,
                amount_out,
            });
            Ok(())
        }

        /// Swap at most `max_in` units of the path's first asset for exactly `amount_out` units of
        /// its last. `path` is `[0, A]`, `[A, 0]` or `[A, 0, B]` (`0` = WCME).
        ///
        /// Origin: signed (the trader). `deadline`: the last block the call may execute in.
        /// Errors: as [`Pallet::swap_exact_in`], with [`Error::InputAboveMaximum`] instead of
        /// [`Error::OutputBelowMinimum`]. Emits [`Event::Swapped`] (and
        /// [`Event::ProtocolFeePaid`] per hop with a protocol fee).
        #[pallet::call_index(8)]
        #[pallet::weight(T::WeightInfo::swap_exact_out(Pallet::<T>::path_weight_len(path)))]
        pub fn swap_exact_out(
            origin: OriginFor<T>,
            path: Vec<AssetId>,
            #[pallet::compact] amount_out: u128,
            #[pallet::compact] max_in: u128,
            deadline: BlockNumberFor<T>,
        ) -> DispatchResult {
            let who = ensure_signed(origin)?;
            Self::ensure_deadline(deadline)?;
            let route = Self::route(&path).map_err(Error::<T>::from)?;
            let plan = Self::plan_exact_out(&route, amount_out).map_err(Error::<T>::from)?;
            let amount_in = plan.amount_in();
            ensure!(amount_in <= max_in, Error::<T>::InputAboveMaximum);
            Self::execute(&who, plan)?;
            Self::deposit_event(Event::Swapped {
                who,
                path: route,
                amount_in,
                amount_out,
            });
            Ok(())
        }

        /// Transfer `amount` units of `asset` (a smart asset or IOU, not WCME) to `to`.
        ///
        /// Origin: signed (the sender). Errors: [`Error::ZeroAmount`], [`Error::NativeAsset`],
        /// [`Error::UnknownAsset`], [`Error::InsufficientBalance`], [`Error::Overflow`]. Emits
        /// [`Event::Transferred`].
        #[pallet::call_index(9)]
        #[pallet::weight(T::WeightInfo::transfer())]
        pub fn transfer(
            origin: OriginFor<T>,
            asset: AssetId,
            to: AccountIdLookupOf<T>,
            #[pallet::compact] amount: u128,
        ) -> DispatchResult {
            let from = ensure_signed(origin)?;
            let to = T::Lookup::lookup(to)?;
            ensure!(amount > 0, Error::<T>::ZeroAmount);
            Self::ensure_asset(asset)?;
            let from_balance = AssetBalances::<T>::get(asset, &from)
                .checked_sub(amount)
                .ok_or(Error::<T>::InsufficientBalance)?;
            if from != to {
                let to_balance = AssetBalances::<T>::get(asset, &to)
                    .checked_add(amount)
                    .ok_or(Error::<T>::Overflow)?;
                Self::set_asset_balance(asset, &from, from_balance);
                AssetBalances::<T>::insert(asset, &to, to_balance);
            }
            Self::deposit_event(Event::Transferred {
                asset_id: asset,
                from,
                to,
                amount,
            });
            Ok(())
        }
    }

    impl<T: Config> Pallet<T> {
        /// The account holding every pool's WCME.
        pub fn account_id() -> T::AccountId {
            T::PalletId::get().into_account_truncating()
        }

        /// The current block number.
        pub(crate) fn now() -> BlockNumberFor<T> {
            frame_system::Pallet::<T>::block_number()
        }

        /// `path.len()` for the swap weights, clamped to the valid lengths `2..=MAX_PATH_LENGTH`
        /// (the benchmarked range; longer or shorter paths are refused before any work).
        pub(crate) fn path_weight_len(path: &[AssetId]) -> u32 {
            u32::try_from(path.len())
                .unwrap_or(MAX_PATH_LENGTH)
                .clamp(2, MAX_PATH_LENGTH)
        }

        /// [`Error::Expired`] if the block `deadline` has passed.
        pub(crate) fn ensure_deadline(deadline: BlockNumberFor<T>) -> DispatchResult {
            ensure!(Self::now() <= deadline, Error::<T>::Expired);
            Ok(())
        }

        /// The record of `asset`; [`Error::NativeAsset`] for WCME, [`Error::UnknownAsset`] if
        /// there is none.
        pub(crate) fn ensure_asset(asset: AssetId) -> Result<AssetDetailsOf<T>, DispatchError> {
            ensure!(asset != WCME, Error::<T>::NativeAsset);
            Ok(Assets::<T>::get(asset).ok_or(Error::<T>::UnknownAsset)?)
        }

        /// The record of the IOU `asset` if `who` is its issuer.
        fn iou_of_issuer(
            asset: AssetId,
            who: &T::AccountId,
        ) -> Result<AssetDetailsOf<T>, DispatchError> {
            let details = Self::ensure_asset(asset)?;
            ensure!(details.kind == AssetKind::Iou, Error::<T>::NotIou);
            ensure!(details.issuer == *who, Error::<T>::NotIssuer);
            Ok(details)
        }

        /// [`Error::InsufficientWcme`] unless `who` can pay `amount` WCME and keep its account.
        pub(crate) fn ensure_can_spend_wcme(who: &T::AccountId, amount: u128) -> DispatchResult {
            let spendable =
                T::Currency::reducible_balance(who, Preservation::Preserve, Fortitude::Polite);
            ensure!(spendable >= amount, Error::<T>::InsufficientWcme);
            Ok(())
        }

        /// Write an asset balance, removing the entry at zero.
        pub(crate) fn set_asset_balance(asset: AssetId, who: &T::AccountId, balance: u128) {
            if balance == 0 {
                AssetBalances::<T>::remove(asset, who);
            } else {
                AssetBalances::<T>::insert(asset, who, balance);
            }
        }

        /// Validate a new symbol: length, characters, not taken, not `WCME`.
        fn check_new_symbol(symbol: Vec<u8>) -> Result<SymbolOf<T>, DispatchError> {
            let symbol: SymbolOf<T> = symbol.try_into().map_err(|_| Error::<T>::SymbolTooLong)?;
            ensure!(
                !symbol.is_empty()
                    && symbol.iter().all(|b| b.is_ascii_uppercase()
                        || b.is_ascii_digit()
                        || *b == b'.'
                        || *b == b'-'),
                Error::<T>::InvalidSymbol
            );
            ensure!(
                symbol.as_slice() != WCME_SYMBOL && !SymbolIndex::<T>::contains_key(&symbol),
                Error::<T>::SymbolTaken
            );
            Ok(symbol)
        }

        /// The id the next asset gets, checking that one after it exists too.
        fn peek_next_asset_id() -> Result<AssetId, DispatchError> {
            let id = NextAssetId::<T>::get();
            id.checked_add(1).ok_or(Error::<T>::Overflow)?;
            Ok(id)
        }

        /// Store a new asset under `asset_id` (which [`Self::peek_next_asset_id`] returned).
        fn insert_asset(
            asset_id: AssetId,
            issuer: &T::AccountId,
            symbol: SymbolOf<T>,
            decimals: u8,
            kind: AssetKind,
            supply: u128,
        ) {
            NextAssetId::<T>::put(asset_id.saturating_add(1));
            SymbolIndex::<T>::insert(&symbol, asset_id);
            Assets::<T>::insert(
                asset_id,
                AssetDetails {
                    symbol,
                    decimals,
                    kind,
                    issuer: issuer.clone(),
                    subchain: T::Subchains::subchain_of(issuer),
                    supply,
                },
            );
        }

        /// [`Pallet::issue`] for an already authenticated `issuer`; returns the new asset id.
        pub fn do_issue(
            issuer: &T::AccountId,
            symbol: Vec<u8>,
            decimals: u8,
            supply: u128,
            wcme_collateral: u128,
        ) -> Result<AssetId, DispatchError> {
            let symbol = Self::check_new_symbol(symbol)?;
            ensure!(decimals <= MAX_DECIMALS, Error::<T>::InvalidDecimals);
            ensure!(supply > 0 && wcme_collateral > 0, Error::<T>::ZeroAmount);
            ensure!(
                wcme_collateral >= T::MinWcmeReserve::get(),
                Error::<T>::CollateralTooLow
            );
            let (total_shares, issuer_shares) =
                math::initial_shares(wcme_collateral, supply).map_err(Error::<T>::from)?;
            Self::ensure_can_spend_wcme(issuer, wcme_collateral)?;
            let asset_id = Self::peek_next_asset_id()?;

            // Everything is checked; write.
            T::Currency::transfer(
                issuer,
                &Self::account_id(),
                wcme_collateral,
                Preservation::Preserve,
            )?;
            Self::insert_asset(asset_id, issuer, symbol, decimals, AssetKind::Smart, supply);
            let mut pool = PoolInfo::empty(Self::now());
            pool.wcme_reserve = wcme_collateral;
            pool.asset_reserve = supply;
            pool.total_shares = total_shares;
            Pools::<T>::insert(asset_id, pool);
            Shares::<T>::insert(asset_id, issuer, issuer_shares);

            Self::deposit_event(Event::Issued {
                asset_id,
                issuer: issuer.clone(),
                supply,
                collateral: wcme_collateral,
            });
            Ok(asset_id)
        }

        /// `who`'s balance of `asset` (WCME's from the currency, others from the ledger).
        pub fn balance(asset: AssetId, who: &T::AccountId) -> u128 {
            if asset == WCME {
                T::Currency::balance(who)
            } else {
                AssetBalances::<T>::get(asset, who)
            }
        }
    }

    impl<T: Config> crate::SmartAssetIssuer<T::AccountId> for Pallet<T> {
        fn issue(
            issuer: &T::AccountId,
            symbol: Vec<u8>,
            decimals: u8,
            supply: u128,
            wcme_collateral: u128,
        ) -> Result<AssetId, DispatchError> {
            // Storage changes of a failed issue are discarded even outside a dispatch.
            frame_support::storage::with_storage_layer(|| {
                Self::do_issue(issuer, symbol, decimals, supply, wcme_collateral)
            })
        }

        fn issue_weight() -> Weight {
            T::WeightInfo::issue()
        }
    }
}
