//! Swaps: path validation, the swap plan (every hop's amounts and resulting reserves, computed and
//! checked before anything is written), its execution, and the read-only quotes and pool view of
//! the runtime API.

use alloc::vec::Vec;
use frame_support::{
    pallet_prelude::DispatchResult,
    traits::{
        Get,
        fungible::{Inspect, Mutate},
        tokens::{Preservation, Provenance},
    },
};
use frame_system::pallet_prelude::BlockNumberFor;

use crate::{
    AssetBalances, Assets, Config, Error, Event, Pallet, PoolInfoOf, Pools, math,
    types::{AmmError, AssetId, MAX_PATH_LENGTH, PoolView, SwapPath, WCME},
};

/// One hop of a planned swap: a trade against the pool of `asset`.
pub(crate) struct Hop<T: Config> {
    /// The pool's asset (its other side is WCME).
    asset: AssetId,
    /// Whether WCME is this hop's input (else it is its output).
    wcme_in: bool,
    /// Units paid into the hop, protocol fee included.
    amount_in: u128,
    /// Units paid out of the hop.
    amount_out: u128,
    /// The part of `amount_in` paid to the ecosystem fund instead of the pool.
    protocol_cut: u128,
    /// The pool as it is before the hop.
    pool: PoolInfoOf<T>,
    /// The pool's input-side reserve after the hop.
    reserve_in_after: u128,
    /// The pool's output-side reserve after the hop.
    reserve_out_after: u128,
}

/// A swap computed and validated against current state: its hops in path order (one or two).
pub(crate) struct SwapPlan<T: Config> {
    /// The path's first asset.
    asset_in: AssetId,
    /// The path's last asset.
    asset_out: AssetId,
    /// The hops, in path order.
    hops: Vec<Hop<T>>,
}

impl<T: Config> SwapPlan<T> {
    /// Units of the first asset the trader pays.
    pub(crate) fn amount_in(&self) -> u128 {
        self.hops.first().map_or(0, |h| h.amount_in)
    }

    /// Units of the last asset the trader receives.
    pub(crate) fn amount_out(&self) -> u128 {
        self.hops.last().map_or(0, |h| h.amount_out)
    }
}

impl<T: Config> Pallet<T> {
    /// Validate a swap path: 2 or 3 distinct assets, every hop with WCME on exactly one side
    /// (`[0, A]`, `[A, 0]`, `[A, 0, B]`).
    pub(crate) fn route(path: &[AssetId]) -> Result<SwapPath, AmmError> {
        let max = usize::try_from(MAX_PATH_LENGTH).unwrap_or(usize::MAX);
        if path.len() < 2 || path.len() > max {
            return Err(AmmError::InvalidPath);
        }
        for (i, a) in path.iter().enumerate() {
            if path.iter().skip(i.saturating_add(1)).any(|b| b == a) {
                return Err(AmmError::IdenticalAssets);
            }
        }
        let through_wcme = path
            .iter()
            .zip(path.iter().skip(1))
            .all(|(a, b)| (*a == WCME) != (*b == WCME));
        if !through_wcme {
            return Err(AmmError::InvalidPath);
        }
        SwapPath::try_from(path.to_vec()).map_err(|_| AmmError::InvalidPath)
    }

    /// The pool of `asset`: [`AmmError::UnknownAsset`] if there is no such asset,
    /// [`AmmError::PoolNotFound`] if it has no pool.
    fn pool_of(asset: AssetId) -> Result<PoolInfoOf<T>, AmmError> {
        if !Assets::<T>::contains_key(asset) {
            return Err(AmmError::UnknownAsset);
        }
        Pools::<T>::get(asset).ok_or(AmmError::PoolNotFound)
    }

    /// The protocol's part of a hop input that the ecosystem fund can actually receive: zero if
    /// the fund's account could not take it (e.g. WCME dust below the existential deposit on an
    /// account that does not exist), in which case it stays in the pool.
    fn receivable_cut(asset_in: AssetId, amount_in: u128) -> Result<u128, AmmError> {
        let cut = math::protocol_cut(amount_in, T::ProtocolFee::get())?;
        if cut == 0 {
            return Ok(0);
        }
        let fund = T::EcosystemFund::get();
        let receivable = if asset_in == WCME {
            T::Currency::can_deposit(&fund, cut, Provenance::Extant)
                .into_result()
                .is_ok()
        } else {
            AssetBalances::<T>::get(asset_in, &fund)
                .checked_add(cut)
                .is_some()
        };
        Ok(if receivable { cut } else { 0 })
    }

    /// Build and check one hop trading `amount_in` for `amount_out` against `pool`.
    fn hop(
        asset: AssetId,
        wcme_in: bool,
        pool: PoolInfoOf<T>,
        amount_in: u128,
        amount_out: u128,
    ) -> Result<Hop<T>, AmmError> {
        if amount_out == 0 {
            return Err(AmmError::ZeroOutput);
        }
        let (reserve_in, reserve_out) = if wcme_in {
            (pool.wcme_reserve, pool.asset_reserve)
        } else {
            (pool.asset_reserve, pool.wcme_reserve)
        };
        let protocol_cut = Self::receivable_cut(if wcme_in { WCME } else { asset }, amount_in)?;
        let reserve_in_after = reserve_in
            .checked_add(amount_in.saturating_sub(protocol_cut))
            .ok_or(AmmError::Overflow)?;
        let reserve_out_after = reserve_out
            .checked_sub(amount_out)
            .ok_or(AmmError::InsufficientLiquidity)?;
        let out_minimum = if wcme_in {
            1
        } else {
            T::MinWcmeReserve::get().max(1)
        };
        if reserve_out_after < out_minimum {
            return Err(AmmError::ReserveBelowMinimum);
        }
        // The formulas round in the pool's favour and the protocol cut is part of the fee, so
        // this holds for every input; checked anyway, as the pool's last line of defence.
        if math::invariant(reserve_in_after, reserve_out_after)
            < math::invariant(reserve_in, reserve_out)
        {
            return Err(AmmError::InvariantViolated);
        }
        Ok(Hop {
            asset,
            wcme_in,
            amount_in,
            amount_out,
            protocol_cut,
            pool,
            reserve_in_after,
            reserve_out_after,
        })
    }

    /// The pools along `route`, in order, with whether each hop's input is WCME.
    fn hops_of(route: &[AssetId]) -> Result<Vec<(AssetId, bool, PoolInfoOf<T>)>, AmmError> {
        route
            .iter()
            .zip(route.iter().skip(1))
            .map(|(a, b)| {
                let wcme_in = *a == WCME;
                let asset = if wcme_in { *b } else { *a };
                Ok((asset, wcme_in, Self::pool_of(asset)?))
            })
            .collect()
    }

    /// Plan a swap of exactly `amount_in` along a validated `route`.
    pub(crate) fn plan_exact_in(
        route: &[AssetId],
        amount_in: u128,
    ) -> Result<SwapPlan<T>, AmmError> {
        if amount_in == 0 {
            return Err(AmmError::ZeroAmount);
        }
        let fee = T::SwapFee::get();
        let mut amount = amount_in;
        let mut hops = Vec::new();
        for (asset, wcme_in, pool) in Self::hops_of(route)? {
            let (reserve_in, reserve_out) = if wcme_in {
                (pool.wcme_reserve, pool.asset_reserve)
            } else {
                (pool.asset_reserve, pool.wcme_reserve)
            };
            let out = math::amount_out(amount, reserve_in, reserve_out, fee)?;
            hops.push(Self::hop(asset, wcme_in, pool, amount, out)?);
            amount = out;
        }
        Self::plan(route, hops)
    }

    /// Plan a swap for exactly `amount_out` along a validated `route` (computed backwards from
    /// the last hop).
    pub(crate) fn plan_exact_out(
        route: &[AssetId],
        amount_out: u128,
    ) -> Result<SwapPlan<T>, AmmError> {
        if amount_out == 0 {
            return Err(AmmError::ZeroAmount);
        }
        let fee = T::SwapFee::get();
        let mut amount = amount_out;
        let mut hops = Vec::new();
        for (asset, wcme_in, pool) in Self::hops_of(route)?.into_iter().rev() {
            let (reserve_in, reserve_out) = if wcme_in {
                (pool.wcme_reserve, pool.asset_reserve)
            } else {
                (pool.asset_reserve, pool.wcme_reserve)
            };
            let needed = math::amount_in(amount, reserve_in, reserve_out, fee)?;
            hops.push(Self::hop(asset, wcme_in, pool, needed, amount)?);
            amount = needed;
        }
        hops.reverse();
        Self::plan(route, hops)
    }

    fn plan(route: &[AssetId], hops: Vec<Hop<T>>) -> Result<SwapPlan<T>, AmmError> {
        match (route.first(), route.last()) {
            (Some(first), Some(last)) => Ok(SwapPlan {
                asset_in: *first,
                asset_out: *last,
                hops,
            }),
            _ => Err(AmmError::InvalidPath),
        }
    }

    /// Carry out a plan for `who`: take the input, pay the protocol fees, update the pools
    /// (bringing their price accumulators forward first) and pay the output. The trader's
    /// balances are checked before anything is written.
    pub(crate) fn execute(who: &T::AccountId, plan: SwapPlan<T>) -> DispatchResult {
        let amount_in = plan.amount_in();
        let amount_out = plan.amount_out();
        let first_cut = plan.hops.first().map_or(0, |h| h.protocol_cut);

        // Checks.
        let input_balance = if plan.asset_in == WCME {
            Self::ensure_can_spend_wcme(who, amount_in)?;
            None
        } else {
            Some(
                AssetBalances::<T>::get(plan.asset_in, who)
                    .checked_sub(amount_in)
                    .ok_or(Error::<T>::InsufficientBalance)?,
            )
        };
        if plan.asset_out == WCME {
            T::Currency::can_deposit(who, amount_out, Provenance::Extant).into_result()?;
        } else {
            AssetBalances::<T>::get(plan.asset_out, who)
                .checked_add(amount_out)
                .ok_or(Error::<T>::Overflow)?;
        }

        // Everything is checked; write.
        let pallet = Self::account_id();
        let fund = T::EcosystemFund::get();
        match input_balance {
            None => {
                T::Currency::transfer(
                    who,
                    &pallet,
                    amount_in.saturating_sub(first_cut),
                    Preservation::Preserve,
                )?;
                if first_cut > 0 {
                    T::Currency::transfer(who, &fund, first_cut, Preservation::Preserve)?;
                }
            }
            Some(balance) => {
                Self::set_asset_balance(plan.asset_in, who, balance);
                if first_cut > 0 {
                    Self::credit_asset(plan.asset_in, &fund, first_cut)?;
                }
            }
        }
        let now = Self::now();
        for (i, hop) in plan.hops.into_iter().enumerate() {
            // The first hop's cut came from the trader; later hops' inputs come from the previous
            // pool, i.e. from the pallet account.
            if i > 0 && hop.protocol_cut > 0 {
                if hop.wcme_in {
                    T::Currency::transfer(
                        &pallet,
                        &fund,
                        hop.protocol_cut,
                        Preservation::Preserve,
                    )?;
                } else {
                    Self::credit_asset(hop.asset, &fund, hop.protocol_cut)?;
                }
            }
            let mut pool = hop.pool;
            pool.accumulate_to(now);
            if hop.wcme_in {
                pool.wcme_reserve = hop.reserve_in_after;
                pool.asset_reserve = hop.reserve_out_after;
            } else {
                pool.asset_reserve = hop.reserve_in_after;
                pool.wcme_reserve = hop.reserve_out_after;
            }
            Pools::<T>::insert(hop.asset, pool);
            if hop.protocol_cut > 0 {
                Self::deposit_event(Event::ProtocolFeePaid {
                    asset_id: if hop.wcme_in { WCME } else { hop.asset },
                    amount: hop.protocol_cut,
                });
            }
        }
        if plan.asset_out == WCME {
            T::Currency::transfer(&pallet, who, amount_out, Preservation::Preserve)?;
        } else {
            Self::credit_asset(plan.asset_out, who, amount_out)?;
        }
        Ok(())
    }

    /// Add `amount` to `who`'s balance of `asset` in the ledger.
    fn credit_asset(asset: AssetId, who: &T::AccountId, amount: u128) -> DispatchResult {
        let balance = AssetBalances::<T>::get(asset, who)
            .checked_add(amount)
            .ok_or(Error::<T>::Overflow)?;
        AssetBalances::<T>::insert(asset, who, balance);
        Ok(())
    }

    /// What a swap of exactly `amount_in` along `path` would pay out now (the runtime API's
    /// `quote_exact_in`), with the same checks as [`Pallet::swap_exact_in`] minus the trader's.
    pub fn quote_exact_in(path: &[AssetId], amount_in: u128) -> Result<u128, AmmError> {
        let route = Self::route(path)?;
        Ok(Self::plan_exact_in(&route, amount_in)?.amount_out())
    }

    /// What a swap for exactly `amount_out` along `path` would cost now (the runtime API's
    /// `quote_exact_out`), with the same checks as [`Pallet::swap_exact_out`] minus the trader's.
    pub fn quote_exact_out(path: &[AssetId], amount_out: u128) -> Result<u128, AmmError> {
        let route = Self::route(path)?;
        Ok(Self::plan_exact_out(&route, amount_out)?.amount_in())
    }

    /// The pool of `asset` with its price accumulators brought forward to the current block (the
    /// runtime API's `pool`), or `None` if it has no pool.
    pub fn pool_view(asset: AssetId) -> Option<PoolView<BlockNumberFor<T>>> {
        let mut pool = Pools::<T>::get(asset)?;
        let now = Self::now();
        pool.accumulate_to(now);
        Some(PoolView {
            wcme_reserve: pool.wcme_reserve,
            asset_reserve: pool.asset_reserve,
            total_shares: pool.total_shares,
            swap_fee: T::SwapFee::get(),
            protocol_fee: T::ProtocolFee::get(),
            wcme_price_cumulative: pool.wcme_price_cumulative,
            asset_price_cumulative: pool.asset_price_cumulative,
            cumulative_at: pool.last_update.max(now),
        })
    }
}
