//! Pure functions of the coinbase (DESIGN §4 "Coinbase") and of the lazy distribution of
//! delegators' rewards. Integer only, every intermediate in 256 (or 512) bits, every division
//! rounded down; nothing here reads storage.
//!
//! For the block of agent *i* in a round of `rnc` producers with coinbase weights `w`:
//!
//! - the round's inflation is `P = ⌊AnnualInflation · rnc · slot_ms / (31 536 000 · 1000)⌋`
//!   ([`round_inflation`]), and the author's share `⌊P · w_i / Σw⌋` ([`author_share`]), 0 when
//!   `Σw = 0`; summed over the round's slots this is at most `P`;
//! - the coinbase is `C = share + fees`, split ([`split`]) into the delegators' part
//!   `⌊C · D / (d + D)⌋ − ⌊that · commission⌋` and the agent's part, the rest (its own stake's
//!   part, the commission and every rounding remainder);
//! - the delegators' part is added to the agent's reward-per-stake accumulator ([`distribute`]);
//!   a delegation of `a` later collects `⌊a · Δacc / ACC_SCALE⌋` ([`pending`]). What the
//!   accumulator cannot represent (the part of `P` below one step of it, rounded *up*) goes back
//!   to the agent, so the delegators together can never collect more than was put in, and the
//!   total minted for a block never exceeds `C`.

use sp_core::{U256, U512};
use sp_runtime::Perbill;

use crate::types::Balance;

/// Seconds per year in DESIGN §4's formula (365 days).
pub const SECONDS_PER_YEAR: u64 = 31_536_000;

/// Milliseconds per second.
const MILLIS_PER_SECOND: u64 = 1_000;

/// Scale of the reward-per-stake accumulator: 10¹⁸ (so one step of it is 10⁻¹⁸ units per unit
/// of stake; a delegated total of up to 10¹⁸ units loses less than one unit per block).
pub fn acc_scale() -> U256 {
    U256::exp10(18)
}

/// `v` as a `u128`, saturating (callers only pass values they proved to fit).
fn saturate(v: U256) -> Balance {
    if v > U256::from(u128::MAX) {
        u128::MAX
    } else {
        v.low_u128()
    }
}

/// `⌊a · b / c⌋` in 256 bits; `None` if `c` is 0.
fn mul_div(a: Balance, b: Balance, c: Balance) -> Option<Balance> {
    if c == 0 {
        return None;
    }
    // a · b < 2²⁵⁶, so the product cannot overflow.
    let product = U256::from(a).saturating_mul(U256::from(b));
    Some(saturate(product / U256::from(c)))
}

/// The inflation paid over one round of `producers` slots of `slot_ms` milliseconds:
/// `⌊annual · producers · slot_ms / (SECONDS_PER_YEAR · 1000)⌋`.
pub fn round_inflation(annual: Balance, producers: u32, slot_ms: u64) -> Balance {
    let numerator = U256::from(annual)
        .saturating_mul(U256::from(producers))
        .saturating_mul(U256::from(slot_ms));
    let denominator = U256::from(SECONDS_PER_YEAR).saturating_mul(U256::from(MILLIS_PER_SECOND));
    saturate(numerator / denominator)
}

/// The author's share of a round's inflation `round_amount`: `⌊round_amount · weight / total⌋`,
/// 0 when `total` is 0 (no producer has positive credit) or `weight` is 0. Never above
/// `round_amount` while `weight ≤ total`.
pub fn author_share(round_amount: Balance, weight: Balance, total: Balance) -> Balance {
    mul_div(round_amount, weight.min(total), total).unwrap_or(0)
}

/// How a coinbase is split between an agent and its delegators.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Split {
    /// `⌊C · D / (d + D)⌋`: the delegators' stake's part before commission.
    pub delegators_gross: Balance,
    /// `⌊delegators_gross · commission⌋`, kept by the agent.
    pub commission: Balance,
    /// `delegators_gross − commission`: what the delegators share.
    pub delegators: Balance,
    /// `C − delegators`: the agent's own part, the commission and the rounding remainder.
    pub agent: Balance,
}

/// Splits coinbase `coinbase` of an agent with its own `deposit`, `delegated` stake and
/// `commission`. `delegators + agent = coinbase` exactly.
pub fn split(
    coinbase: Balance,
    deposit: Balance,
    delegated: Balance,
    commission: Perbill,
) -> Split {
    let stake = deposit.saturating_add(delegated);
    let delegators_gross = mul_div(coinbase, delegated, stake)
        .unwrap_or(0)
        .min(coinbase);
    let commission_amount = commission.mul_floor(delegators_gross);
    let delegators = delegators_gross.saturating_sub(commission_amount);
    Split {
        delegators_gross,
        commission: commission_amount,
        delegators,
        agent: coinbase.saturating_sub(delegators),
    }
}

/// The result of putting a delegators' part into an agent's accumulator.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Distribution {
    /// The accumulator after the part is added.
    pub reward_per_stake: U256,
    /// `⌈step · delegated / ACC_SCALE⌉ ≤ part`: the most the delegators can ever collect from
    /// this part. The rest of the part goes to the agent.
    pub represented: Balance,
}

/// Adds `part` for `delegated` stake to the accumulator `reward_per_stake`: one step of
/// `⌊part · ACC_SCALE / delegated⌋`. Nothing is added when `delegated` is 0.
pub fn distribute(reward_per_stake: U256, part: Balance, delegated: Balance) -> Distribution {
    if delegated == 0 || part == 0 {
        return Distribution {
            reward_per_stake,
            represented: 0,
        };
    }
    let scale = acc_scale();
    // part < 2¹²⁸ and the scale < 2⁶⁰: no overflow.
    let step = U256::from(part).saturating_mul(scale) / U256::from(delegated);
    // step · delegated ≤ part · scale < 2¹⁸⁸: no overflow; rounded up, and at most `part`
    // because step · delegated ≤ part · scale.
    let scaled = step.saturating_mul(U256::from(delegated));
    let (quotient, remainder) = scaled.div_mod(scale);
    let represented = if remainder.is_zero() {
        quotient
    } else {
        quotient.saturating_add(U256::one())
    };
    Distribution {
        reward_per_stake: reward_per_stake.saturating_add(step),
        represented: saturate(represented).min(part),
    }
}

/// What a delegation of `amount` has earned since its snapshot `snapshot` of the accumulator,
/// now at `reward_per_stake`: `⌊amount · (reward_per_stake − snapshot) / ACC_SCALE⌋`, exactly
/// (512-bit product).
pub fn pending(amount: Balance, reward_per_stake: U256, snapshot: U256) -> Balance {
    let delta = reward_per_stake.saturating_sub(snapshot);
    let product: U512 = U256::from(amount).full_mul(delta);
    let quotient = product / U512::from(acc_scale());
    match U256::try_from(quotient) {
        Ok(value) => saturate(value),
        Err(_) => u128::MAX,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WCME: Balance = 1_000_000_000_000;

    #[test]
    fn a_year_of_rounds_pays_the_annual_inflation() {
        // 100 producers, 6-s slots: a round lasts 600 s and pays 5M · 600 / 31 536 000.
        let round = round_inflation(5_000_000 * WCME, 100, 6_000);
        assert_eq!(round, 5_000_000 * WCME * 600 / 31_536_000);
        // 52 560 rounds of 600 s make a year, within rounding.
        let year = round * 52_560;
        assert!(year <= 5_000_000 * WCME && 5_000_000 * WCME - year < 52_560);
        assert_eq!(round_inflation(5_000_000 * WCME, 0, 6_000), 0);
    }

    #[test]
    fn shares_are_proportional_and_zero_without_weight() {
        assert_eq!(author_share(1_000, 1, 4), 250);
        assert_eq!(author_share(1_000, 0, 4), 0);
        assert_eq!(author_share(1_000, 3, 0), 0);
        assert_eq!(author_share(1_000, 5, 4), 1_000);
        assert_eq!(author_share(u128::MAX, u128::MAX, u128::MAX), u128::MAX);
    }

    #[test]
    fn split_gives_the_remainder_to_the_agent() {
        let s = split(1_000, 300, 700, Perbill::from_percent(10));
        assert_eq!(s.delegators_gross, 700);
        assert_eq!(s.commission, 70);
        assert_eq!(s.delegators, 630);
        assert_eq!(s.agent, 370);
        let none = split(1_000, 300, 0, Perbill::from_percent(10));
        assert_eq!(none.delegators, 0);
        assert_eq!(none.agent, 1_000);
        let odd = split(10, 2, 1, Perbill::from_percent(50));
        assert_eq!(odd.delegators_gross, 3);
        assert_eq!(odd.commission, 1);
        assert_eq!(odd.delegators + odd.agent, 10);
    }

    #[test]
    fn the_accumulator_never_pays_more_than_it_received() {
        let d = distribute(U256::zero(), 10, 3);
        assert!(d.represented <= 10);
        let paid: Balance = [1u128, 1, 1]
            .iter()
            .map(|a| pending(*a, d.reward_per_stake, U256::zero()))
            .sum();
        assert!(paid <= d.represented, "{paid} > {}", d.represented);
        assert_eq!(distribute(U256::one(), 10, 0).reward_per_stake, U256::one());
        assert_eq!(pending(5, U256::zero(), U256::one()), 0);
    }
}
