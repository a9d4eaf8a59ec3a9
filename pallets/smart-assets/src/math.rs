//! The constant-product formulas (Uniswap v2 semantics), as pure functions on `u128`.
//!
//! Every intermediate product is computed in [`U512`] (or [`U256`] where two `u128` factors are
//! enough) and every step is checked, so no input makes these functions panic or wrap: a result
//! that does not fit `u128` is [`AmmError::Overflow`]. Every division rounds in the pool's
//! favour: outputs and shares down, required inputs up.
//!
//! The swap fee is a [`Permill`] `f` of the input; with `keep = 1_000_000 − f` (parts per million):
//!
//! - `out = ⌊in · keep · R_out / (R_in · 1_000_000 + in · keep)⌋`
//! - `in  = ⌊R_in · out · 1_000_000 / ((R_out − out) · keep)⌋ + 1`
//!
//! With `f` = 0.3 % (`keep` = 997,000) these are exactly Uniswap's `997/1000` formulas: numerator
//! and denominator are both scaled by 1,000, which leaves the floor unchanged.

use sp_core::{U256, U512};
use sp_runtime::Permill;

use crate::types::{AmmError, MINIMUM_LIQUIDITY};

/// Parts per million: the denominator of a [`Permill`].
const PPM: u128 = 1_000_000;

/// Scale of the fixed-point prices summed by the TWAP accumulators (18 decimals, as `FixedU128`).
pub const PRICE_SCALE: u128 = 1_000_000_000_000_000_000;

fn wide(x: u128) -> U512 {
    U512::from(x)
}

fn narrow(x: U512) -> Result<u128, AmmError> {
    if x > U512::from(u128::MAX) {
        Err(AmmError::Overflow)
    } else {
        Ok(x.low_u128())
    }
}

fn mul(a: U512, b: U512) -> Result<U512, AmmError> {
    a.checked_mul(b).ok_or(AmmError::Overflow)
}

fn add(a: U512, b: U512) -> Result<U512, AmmError> {
    a.checked_add(b).ok_or(AmmError::Overflow)
}

fn div(a: U512, b: U512) -> Result<U512, AmmError> {
    a.checked_div(b).ok_or(AmmError::Overflow)
}

/// `1_000_000 − fee` in parts per million: the part of an input that trades.
fn keep(fee: Permill) -> u128 {
    PPM.saturating_sub(u128::from(fee.deconstruct()))
}

/// `⌊a · b / c⌋`, or [`AmmError::Overflow`] if `c` is zero or the result does not fit `u128`.
pub fn mul_div_floor(a: u128, b: u128, c: u128) -> Result<u128, AmmError> {
    narrow(div(mul(wide(a), wide(b))?, wide(c))?)
}

/// Output of a swap of `amount_in` into a pool with reserves `(reserve_in, reserve_out)`, fee
/// `fee` taken from the input, rounded down. Always below `reserve_out`; may be zero for dust.
pub fn amount_out(
    amount_in: u128,
    reserve_in: u128,
    reserve_out: u128,
    fee: Permill,
) -> Result<u128, AmmError> {
    if amount_in == 0 {
        return Err(AmmError::ZeroAmount);
    }
    if reserve_in == 0 || reserve_out == 0 {
        return Err(AmmError::InsufficientLiquidity);
    }
    let in_with_fee = mul(wide(amount_in), wide(keep(fee)))?;
    let numerator = mul(in_with_fee, wide(reserve_out))?;
    let denominator = add(mul(wide(reserve_in), wide(PPM))?, in_with_fee)?;
    narrow(div(numerator, denominator)?)
}

/// Input needed to take exactly `amount_out` out of a pool with reserves
/// `(reserve_in, reserve_out)`, fee `fee` taken from the input: rounded down, plus one.
///
/// [`AmmError::InsufficientLiquidity`] if `amount_out` is not below `reserve_out` (a pool is never
/// emptied) or the fee is 100 %; [`AmmError::Overflow`] if the input would not fit `u128`.
pub fn amount_in(
    amount_out: u128,
    reserve_in: u128,
    reserve_out: u128,
    fee: Permill,
) -> Result<u128, AmmError> {
    if amount_out == 0 {
        return Err(AmmError::ZeroAmount);
    }
    if reserve_in == 0 || reserve_out == 0 || amount_out >= reserve_out {
        return Err(AmmError::InsufficientLiquidity);
    }
    let keep = keep(fee);
    if keep == 0 {
        return Err(AmmError::InsufficientLiquidity);
    }
    let numerator = mul(mul(wide(reserve_in), wide(amount_out))?, wide(PPM))?;
    // `amount_out < reserve_out`, so the difference is positive.
    let denominator = mul(wide(reserve_out.saturating_sub(amount_out)), wide(keep))?;
    narrow(add(div(numerator, denominator)?, U512::one())?)
}

/// The amount of `b` worth `amount_a` of `a` at the pool price `reserve_b / reserve_a`, rounded
/// down (Uniswap's `quote`, used to match a deposit to the pool's ratio).
pub fn quote(amount_a: u128, reserve_a: u128, reserve_b: u128) -> Result<u128, AmmError> {
    if reserve_a == 0 || reserve_b == 0 {
        return Err(AmmError::InsufficientLiquidity);
    }
    mul_div_floor(amount_a, reserve_b, reserve_a)
}

/// Shares of the first deposit `(a, b)` into an empty pool: `(total, to_provider)` with
/// `total = ⌊√(a · b)⌋` and `to_provider = total − MINIMUM_LIQUIDITY` (the rest is locked for
/// ever). [`AmmError::InsufficientLiquidityMinted`] unless `to_provider > 0`.
pub fn initial_shares(a: u128, b: u128) -> Result<(u128, u128), AmmError> {
    if a == 0 || b == 0 {
        return Err(AmmError::ZeroAmount);
    }
    // (2^128 − 1)^2 < 2^256: the product of two u128 always fits a U256, and its root a u128.
    let product = U256::from(a)
        .checked_mul(U256::from(b))
        .ok_or(AmmError::Overflow)?;
    let root = product.integer_sqrt();
    if root > U256::from(u128::MAX) {
        return Err(AmmError::Overflow);
    }
    let total = root.low_u128();
    match total.checked_sub(MINIMUM_LIQUIDITY) {
        Some(to_provider) if to_provider > 0 => Ok((total, to_provider)),
        _ => Err(AmmError::InsufficientLiquidityMinted),
    }
}

/// Shares for a later deposit of `(a, b)` into a pool with reserves `(reserve_a, reserve_b)` and
/// `total_shares` shares: `min(⌊a · S / R_a⌋, ⌊b · S / R_b⌋)`.
/// [`AmmError::InsufficientLiquidityMinted`] if that is zero (e.g. one side rounded to zero when
/// matched to the pool's ratio).
pub fn deposit_shares(
    a: u128,
    b: u128,
    reserve_a: u128,
    reserve_b: u128,
    total_shares: u128,
) -> Result<u128, AmmError> {
    if reserve_a == 0 || reserve_b == 0 || total_shares == 0 {
        return Err(AmmError::InsufficientLiquidity);
    }
    let by_a = mul_div_floor(a, total_shares, reserve_a)?;
    let by_b = mul_div_floor(b, total_shares, reserve_b)?;
    match by_a.min(by_b) {
        0 => Err(AmmError::InsufficientLiquidityMinted),
        shares => Ok(shares),
    }
}

/// What burning `shares` of `total_shares` pays out of reserves `(reserve_a, reserve_b)`: each
/// reserve pro rata, rounded down.
pub fn withdrawal(
    shares: u128,
    reserve_a: u128,
    reserve_b: u128,
    total_shares: u128,
) -> Result<(u128, u128), AmmError> {
    if shares == 0 {
        return Err(AmmError::ZeroAmount);
    }
    if shares > total_shares {
        return Err(AmmError::InsufficientLiquidity);
    }
    Ok((
        mul_div_floor(shares, reserve_a, total_shares)?,
        mul_div_floor(shares, reserve_b, total_shares)?,
    ))
}

/// The protocol's part of a swap input: `⌊amount · protocol_fee⌋` (rounded down, so what leaves
/// the pool is never more than the fee says).
pub fn protocol_cut(amount: u128, protocol_fee: Permill) -> Result<u128, AmmError> {
    mul_div_floor(amount, u128::from(protocol_fee.deconstruct()), PPM)
}

/// `R_a · R_b` exactly, for checking that a swap never lowers the invariant.
pub fn invariant(reserve_a: u128, reserve_b: u128) -> U256 {
    // Cannot overflow: (2^128 − 1)^2 < 2^256.
    U256::from(reserve_a).saturating_mul(U256::from(reserve_b))
}

/// The price `numerator / denominator` scaled by [`PRICE_SCALE`], rounded down; zero if
/// `denominator` is zero. At most `(2^128 − 1) · 10^18 < 2^188`, so it always fits.
pub fn price(numerator: u128, denominator: u128) -> U256 {
    U256::from(numerator)
        .saturating_mul(U256::from(PRICE_SCALE))
        .checked_div(U256::from(denominator))
        .unwrap_or_default()
}

/// `accumulator + price · blocks`, wrapping modulo 2^256 like Uniswap's accumulators: readers
/// only ever use differences of two observations, which modular arithmetic keeps exact. (A step
/// adds less than 2^252, so wrapping takes at least 16 steps at the largest price, and about
/// 2^120 blocks at realistic prices.)
pub fn accumulate(accumulator: U256, price: U256, blocks: u64) -> U256 {
    accumulator
        .overflowing_add(price.saturating_mul(U256::from(blocks)))
        .0
}
