//! Property tests of the AMM formulas against a big-integer reference, of the invariants they
//! promise (rounding never favours the trader or the liquidity provider, `k` never decreases,
//! overflow is a typed error) and of the pallet's bookkeeping over random swap sequences.

use crate::{AmmError, MINIMUM_LIQUIDITY, Pools, WCME, math, mock::*};
use frame_support::{assert_ok, traits::fungible::Inspect};
use num_bigint::BigUint;
use proptest::prelude::*;
use sp_runtime::Permill;

const PPM: u128 = 1_000_000;

fn big(x: u128) -> BigUint {
    BigUint::from(x)
}

fn fits(x: &BigUint) -> Option<u128> {
    u128::try_from(x).ok()
}

/// `⌊in · keep · R_out / (R_in · 10^6 + in · keep)⌋` in unbounded integers.
fn ref_out(amount_in: u128, r_in: u128, r_out: u128, fee_ppm: u32) -> BigUint {
    let keep = big(PPM - u128::from(fee_ppm));
    let in_with_fee = big(amount_in) * &keep;
    (&in_with_fee * big(r_out)) / (big(r_in) * big(PPM) + &in_with_fee)
}

/// `⌊R_in · out · 10^6 / ((R_out − out) · keep)⌋ + 1` in unbounded integers.
fn ref_in(amount_out: u128, r_in: u128, r_out: u128, fee_ppm: u32) -> BigUint {
    let keep = big(PPM - u128::from(fee_ppm));
    big(r_in) * big(amount_out) * big(PPM) / (big(r_out - amount_out) * keep) + 1u32
}

/// Amounts with weight on the extremes: 1, dust, powers of two, `u128::MAX` and everything.
fn amount() -> impl Strategy<Value = u128> {
    prop_oneof![
        Just(1u128),
        Just(u128::MAX),
        1u128..=1_000,
        (0u32..128).prop_map(|s| 1u128 << s),
        1u128..=u128::from(u64::MAX),
        1u128..=u128::MAX,
    ]
}

/// Fees below 100 %, with weight on Uniswap's 0.3 % and on zero.
fn fee() -> impl Strategy<Value = u32> {
    prop_oneof![Just(3_000u32), Just(0u32), 0u32..1_000_000]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn amount_out_matches_the_reference(
        amount_in in amount(), r_in in amount(), r_out in amount(), fee in fee()
    ) {
        let out = math::amount_out(amount_in, r_in, r_out, Permill::from_parts(fee));
        let reference = ref_out(amount_in, r_in, r_out, fee);
        prop_assert_eq!(out, Ok(fits(&reference).expect("below r_out")));
        prop_assert!(out.unwrap_or(0) < r_out);
    }

    #[test]
    fn amount_out_is_uniswaps_997_over_1000(
        amount_in in amount(), r_in in amount(), r_out in amount()
    ) {
        let out = math::amount_out(amount_in, r_in, r_out, Permill::from_parts(3_000));
        let reference = big(amount_in) * 997u32 * big(r_out)
            / (big(r_in) * 1000u32 + big(amount_in) * 997u32);
        prop_assert_eq!(out, Ok(fits(&reference).expect("below r_out")));
    }

    #[test]
    fn amount_in_matches_the_reference_or_overflows(
        amount_out in amount(), r_in in amount(), r_out in amount(), fee in fee()
    ) {
        let got = math::amount_in(amount_out, r_in, r_out, Permill::from_parts(fee));
        if amount_out >= r_out {
            prop_assert_eq!(got, Err(AmmError::InsufficientLiquidity));
        } else {
            match fits(&ref_in(amount_out, r_in, r_out, fee)) {
                Some(reference) => prop_assert_eq!(got, Ok(reference)),
                None => prop_assert_eq!(got, Err(AmmError::Overflow)),
            }
        }
    }

    #[test]
    fn amount_in_is_uniswaps_997_over_1000(
        raw_out in amount(), r_in in amount(), r_out in 2u128..=u128::MAX
    ) {
        let amount_out = (raw_out % r_out).max(1);
        let got = math::amount_in(amount_out, r_in, r_out, Permill::from_parts(3_000));
        let reference =
            big(r_in) * big(amount_out) * 1000u32 / (big(r_out - amount_out) * 997u32) + 1u32;
        match fits(&reference) {
            Some(reference) => prop_assert_eq!(got, Ok(reference)),
            None => prop_assert_eq!(got, Err(AmmError::Overflow)),
        }
    }

    #[test]
    fn k_never_decreases_across_an_exact_in_swap(
        amount_in in amount(), r_in in amount(), r_out in amount(), fee in fee(),
        protocol_share in 0u32..=1_000_000,
    ) {
        let swap_fee = Permill::from_parts(fee);
        // The protocol fee is part of the swap fee.
        let protocol = Permill::from_parts(
            u32::try_from(u64::from(fee) * u64::from(protocol_share) / 1_000_000).unwrap(),
        );
        let out = math::amount_out(amount_in, r_in, r_out, swap_fee).unwrap();
        let cut = math::protocol_cut(amount_in, protocol).unwrap();
        prop_assert!(cut <= amount_in);
        let k_before = big(r_in) * big(r_out);
        let k_after = (big(r_in) + big(amount_in) - big(cut)) * (big(r_out) - big(out));
        prop_assert!(k_after >= k_before);
    }

    #[test]
    fn k_never_decreases_across_an_exact_out_swap(
        raw_out in amount(), r_in in amount(), r_out in 2u128..=u128::MAX, fee in fee(),
        protocol_share in 0u32..=1_000_000,
    ) {
        let amount_out = (raw_out % r_out).max(1);
        let swap_fee = Permill::from_parts(fee);
        let protocol = Permill::from_parts(
            u32::try_from(u64::from(fee) * u64::from(protocol_share) / 1_000_000).unwrap(),
        );
        if let Ok(amount_in) = math::amount_in(amount_out, r_in, r_out, swap_fee) {
            let cut = math::protocol_cut(amount_in, protocol).unwrap();
            let k_before = big(r_in) * big(r_out);
            let k_after =
                (big(r_in) + big(amount_in) - big(cut)) * (big(r_out) - big(amount_out));
            prop_assert!(k_after > k_before);
            // Paying the quoted input buys at least the output asked for.
            prop_assert!(math::amount_out(amount_in, r_in, r_out, swap_fee).unwrap() >= amount_out);
        }
    }

    #[test]
    fn a_round_trip_never_favours_the_trader(
        x in amount(), r_a in amount(), r_b in amount(), fee in fee()
    ) {
        let fee = Permill::from_parts(fee);
        let y = math::amount_out(x, r_a, r_b, fee).unwrap();
        // Nothing bought, nothing to sell back: the trader is only worse off. (Not a
        // `prop_assume!`: with this many cases the rejections can exceed proptest's limit.)
        if y == 0 {
            return Ok(());
        }
        // The pool after the first swap (protocol fee zero: the most the pool can keep).
        let (r_a2, r_b2) = match r_a.checked_add(x) {
            Some(r) => (r, r_b - y),
            None => return Ok(()),
        };
        let z = math::amount_out(y, r_b2, r_a2, fee).unwrap();
        prop_assert!(z <= x, "sold {} for {}, got back {}", x, y, z);
        // Buying exactly what x bought never costs less than... x, up to the one-unit round-up.
        let cost = math::amount_in(y, r_a, r_b, fee).unwrap();
        prop_assert!(cost <= x.saturating_add(1));
    }

    #[test]
    fn dust_never_buys_more_than_its_fair_value(
        dust in 1u128..=1_000, r_in in amount(), r_out in amount(), fee in fee()
    ) {
        let out = math::amount_out(dust, r_in, r_out, Permill::from_parts(fee)).unwrap();
        // out ≤ dust · R_out / R_in (the price without slippage or fee).
        prop_assert!(big(out) * big(r_in) <= big(dust) * big(r_out));
    }

    #[test]
    fn the_formulas_never_panic(
        a in any::<u128>(), b in any::<u128>(), c in any::<u128>(), fee in any::<u32>()
    ) {
        // Any input: a result or a typed error, never a panic (proptest reports panics).
        let fee = Permill::from_parts(fee);
        let _ = math::amount_out(a, b, c, fee);
        let _ = math::amount_in(a, b, c, fee);
        let _ = math::quote(a, b, c);
        let _ = math::initial_shares(a, b);
        let _ = math::deposit_shares(a, b, c, a, b);
        let _ = math::withdrawal(a, b, c, a);
        let _ = math::protocol_cut(a, fee);
        let _ = math::mul_div_floor(a, b, c);
        let _ = math::accumulate(math::price(a, b), math::price(b, c), u64::MAX);
    }

    #[test]
    fn first_liquidity_never_creates_value(a in amount(), b in amount()) {
        match math::initial_shares(a, b) {
            Ok((total, mine)) => {
                prop_assert_eq!(total - mine, MINIMUM_LIQUIDITY);
                prop_assert_eq!(big(total), (big(a) * big(b)).sqrt());
                let (wa, wb) = math::withdrawal(mine, a, b, total).unwrap();
                prop_assert!(wa <= a && wb <= b);
            }
            Err(e) => {
                prop_assert_eq!(e, AmmError::InsufficientLiquidityMinted);
                prop_assert!((big(a) * big(b)).sqrt() <= big(MINIMUM_LIQUIDITY));
            }
        }
    }

    #[test]
    fn later_liquidity_never_creates_value(
        a0 in amount(), b0 in amount(), a in amount(), b in amount(), burn in amount()
    ) {
        let Ok((total, _)) = math::initial_shares(a0, b0) else { return Ok(()) };
        let Ok(s) = math::deposit_shares(a, b, a0, b0, total) else { return Ok(()) };
        let (Some(ra), Some(rb), Some(st)) =
            (a0.checked_add(a), b0.checked_add(b), total.checked_add(s))
        else {
            return Ok(());
        };
        // Withdrawing the new shares at once returns at most the deposit.
        let (wa, wb) = math::withdrawal(s, ra, rb, st).unwrap();
        prop_assert!(wa <= a && wb <= b);
        // The deposit did not dilute the others: reserves per share did not fall.
        prop_assert!(big(ra) * big(total) >= big(a0) * big(st));
        prop_assert!(big(rb) * big(total) >= big(b0) * big(st));
        // Nor does a later withdrawal of any part.
        let w = burn % st;
        prop_assume!(w > 0);
        let (xa, xb) = math::withdrawal(w, ra, rb, st).unwrap();
        prop_assert!(big(ra - xa) * big(st) >= big(ra) * big(st - w));
        prop_assert!(big(rb - xb) * big(st) >= big(rb) * big(st - w));
    }
}

/// One step of a random trading session on the mock runtime.
#[derive(Clone, Debug)]
enum Step {
    /// Bob sells WCME for the asset.
    Buy(u128),
    /// Bob sells this many per mille of his asset for WCME.
    Sell(u16),
    /// Bob buys exactly this many units (if he can afford them).
    BuyExact(u128),
    /// Alice withdraws this many per mille of her shares.
    Withdraw(u16),
    /// A new block starts.
    NextBlock,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (1u128..=1_000_000_000_000).prop_map(Step::Buy),
        (1u16..=1000).prop_map(Step::Sell),
        (1u128..=10_000_000_000).prop_map(Step::BuyExact),
        (1u16..=500).prop_map(Step::Withdraw),
        Just(Step::NextBlock),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_sessions_keep_the_books(
        supply in 1_000_000u128..=1_000_000_000_000_000,
        collateral in 1_000_000u128..=1_000_000_000_000_000,
        steps in proptest::collection::vec(step(), 1..30),
    ) {
        new_test_ext().execute_with(|| {
            assert_ok!(SmartAssets::issue(
                RuntimeOrigin::signed(ALICE), b"GOLD".to_vec(), 12, supply, collateral
            ));
            let gold = 1;
            let mut k = math::invariant(collateral, supply);
            let mut block = 1u64;
            for step in steps {
                let before = Pools::<Test>::get(gold).unwrap();
                let result = match step {
                    Step::Buy(x) => SmartAssets::swap_exact_in(
                        RuntimeOrigin::signed(BOB), vec![WCME, gold], x, 0, block,
                    ),
                    Step::Sell(per_mille) => {
                        let x = crate::AssetBalances::<Test>::get(gold, BOB)
                            * u128::from(per_mille) / 1000;
                        SmartAssets::swap_exact_in(
                            RuntimeOrigin::signed(BOB), vec![gold, WCME], x, 0, block,
                        )
                    }
                    Step::BuyExact(y) => SmartAssets::swap_exact_out(
                        RuntimeOrigin::signed(BOB), vec![WCME, gold], y, u128::MAX, block,
                    ),
                    Step::Withdraw(per_mille) => {
                        let s = crate::Shares::<Test>::get(gold, ALICE)
                            * u128::from(per_mille) / 1000;
                        SmartAssets::remove_liquidity(
                            RuntimeOrigin::signed(ALICE), gold, s, 0, 0, block,
                        )
                    }
                    Step::NextBlock => {
                        block += 1;
                        System::set_block_number(block);
                        Ok(())
                    }
                };
                let after = Pools::<Test>::get(gold).unwrap();
                if result.is_err() {
                    // A refused step changes nothing.
                    assert_eq!(before, after, "{step:?}: {result:?}");
                }
                let k_after = math::invariant(after.wcme_reserve, after.asset_reserve);
                if matches!(step, Step::Withdraw(_)) {
                    k = k_after;
                } else {
                    assert!(k_after >= k, "{step:?} lowered k");
                    k = k_after;
                }
                // The books: the pallet account holds the WCME reserve, the GOLD supply is the
                // reserve plus the balances, and the pool never empties.
                assert_eq!(Balances::balance(&SmartAssets::account_id()), after.wcme_reserve);
                let held: u128 =
                    crate::AssetBalances::<Test>::iter_prefix(gold).map(|(_, b)| b).sum();
                assert_eq!(held + after.asset_reserve, supply);
                assert!(after.wcme_reserve >= MinWcmeReserve::get() && after.asset_reserve > 0);
                assert!(after.total_shares >= MINIMUM_LIQUIDITY);
                let shares: u128 =
                    crate::Shares::<Test>::iter_prefix(gold).map(|(_, s)| s).sum();
                assert_eq!(shares + MINIMUM_LIQUIDITY, after.total_shares);
                assert!(after.last_update <= block);
            }
        });
    }
}
