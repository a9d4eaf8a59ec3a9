//! Property tests of the audit on the mock runtime:
//!
//! - a justification is accepted exactly when its distinct signers are more than 2/3 of the
//!   registered validator set, whichever subset signs;
//! - a batch audits exactly the prefix the subchain's gas pays for (and no more than it
//!   carries), suspending the subchain when the gas runs out, and the registry's and the
//!   audit's invariants hold after it;
//! - a PoW batch audits all but its last `PowConfirmations` headers;
//! - random WCME locks, releases (some above the escrow), expiries and settlements keep every
//!   subchain's escrow total equal to what was locked less what was released and refunded, its
//!   escrow account holding exactly that, and move exactly the amounts to and from accounts.

use crate::{
    Error, FinalityProof, HeadersOf, Receipt, message::subchain_outbound_key, mock::*,
    types::ConsensusKind,
};
use pallet_wcme_subchains::{SubchainRegistry, SubchainStatus};
use proptest::prelude::*;
use sp_core::sr25519;
use wcme_consensus_primitives::pow::PowPreDigest;

fn submit(subchain: u32, headers: Vec<crate::Header>, proof: FinalityProof) -> bool {
    let headers = HeadersOf::<Test>::try_from(headers).expect("within MaxHeadersPerSubmission");
    CrossChain::submit_headers(RuntimeOrigin::signed(RELAYER), subchain, headers, proof).is_ok()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn signer_subsets_are_accepted_iff_more_than_two_thirds(
        n in 1u8..=7,
        mask in any::<u8>(),
        length in 1u32..=4,
    ) {
        new_test_ext().execute_with(|| -> Result<(), TestCaseError> {
            let (id, keys) = register_bft(n);
            let signers: Vec<sr25519::Pair> = keys
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, pair)| pair.clone())
                .collect();
            let headers = chain((0, GENESIS), length, 1);
            let last = headers.last().expect("length ≥ 1").clone();
            let proof = FinalityProof::Justification(justify(&last, 0, &signers));
            let gas_before = pallet_wcme_subchains::Subchains::<Test>::get(id)
                .expect("registered")
                .gas;
            let accepted = submit(id, headers, proof);
            prop_assert_eq!(accepted, 3 * signers.len() > 2 * usize::from(n));
            let head = CrossChain::audited_head(id);
            let gas_after = pallet_wcme_subchains::Subchains::<Test>::get(id)
                .expect("registered")
                .gas;
            if accepted {
                prop_assert_eq!(head.map(|h| (h.number, h.hash)), Some((length, last.hash())));
                prop_assert_eq!(gas_after, gas_before - u128::from(length) * HEADER_FEE);
            } else {
                prop_assert_eq!(head, None);
                prop_assert_eq!(gas_after, gas_before);
            }
            prop_assert_eq!(CrossChain::do_try_state(), Ok(()));
            Ok(())
        })?;
    }

    #[test]
    fn a_batch_audits_the_prefix_its_gas_pays_for(
        extra in 0u128..=500,
        fee in 1u128..=MIN_GAS,
        length in 1u32..=MAX_HEADERS,
    ) {
        new_test_ext().execute_with(|| -> Result<(), TestCaseError> {
            prop_assert!(Subchains::set_gas_fees(RuntimeOrigin::root(), fee, 0).is_ok());
            let keys = validators(4);
            let stake = MIN_STAKE + extra;
            let id = register_with(ConsensusKind::Aura, &keys, stake);
            let headers = chain((0, GENESIS), length, 2);
            let last = headers.last().expect("length ≥ 1").clone();
            prop_assert!(submit(
                id,
                headers.clone(),
                FinalityProof::Justification(justify(&last, 0, &keys)),
            ));
            // Charges go on while at least MIN_GAS is left before one.
            let affordable = (stake - MIN_GAS) / fee + 1;
            let audited = u32::try_from(affordable.min(u128::from(length))).expect("small");
            let head = CrossChain::audited_head(id).expect("at least one audited");
            prop_assert_eq!(head.number, audited);
            prop_assert_eq!(head.hash, headers[audited as usize - 1].hash());
            let info = pallet_wcme_subchains::Subchains::<Test>::get(id).expect("registered");
            prop_assert_eq!(info.gas, stake - u128::from(audited) * fee);
            prop_assert_eq!(info.headers_charged, u64::from(audited));
            let suspended = info.gas < MIN_GAS;
            prop_assert_eq!(
                <Subchains as SubchainRegistry<u128, u64>>::status(id),
                Some(if suspended { SubchainStatus::Suspended } else { SubchainStatus::Active })
            );
            prop_assert_eq!(CrossChain::do_try_state(), Ok(()));
            Ok(())
        })?;
    }

    #[test]
    fn a_pow_batch_audits_all_but_its_last_confirmations(length in 1u32..=MAX_HEADERS) {
        new_test_ext().execute_with(|| -> Result<(), TestCaseError> {
            let id = register_pow();
            let first = PowPreDigest { slot: 10, difficulty: 4 };
            let headers = pow_chain((0, GENESIS), first, length);
            let accepted = submit(id, headers, FinalityProof::Work);
            prop_assert_eq!(accepted, length > CONFIRMATIONS);
            let audited = CrossChain::audited_head(id).map_or(0, |head| head.number);
            prop_assert_eq!(audited, length.saturating_sub(CONFIRMATIONS));
            prop_assert_eq!(CrossChain::do_try_state(), Ok(()));
            Ok(())
        })?;
    }
}

/// One step of a random transfer history between the main chain and one subchain.
#[derive(Clone, Debug)]
enum Step {
    /// The relayer locks this much for the subchain.
    Lock(u128),
    /// The subchain sends this much back (refused above the escrow; then it expires).
    Release(u128),
    /// The oldest unsettled lock is proven delivered.
    SettleDelivered,
    /// The oldest unsettled lock is proven expired: refunded, if the escrow still holds it.
    SettleExpired,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (MIN_TRANSFER..=300u128).prop_map(Step::Lock),
        (1u128..=400).prop_map(Step::Release),
        Just(Step::SettleDelivered),
        Just(Step::SettleExpired),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn random_transfers_keep_the_escrow_exact(
        steps in proptest::collection::vec(step(), 1..24),
        limit in prop_oneof![Just(u128::MAX), 100u128..=400],
    ) {
        new_test_ext().execute_with(|| -> Result<(), TestCaseError> {
            MaxOutflow::set(limit);
            let (id, keys) = register_bft(4);
            let escrow = CrossChain::escrow_account(id);
            let mut state = SubchainState::default();
            let (mut locked, mut released, mut refunded) = (0u128, 0u128, 0u128);
            let mut unsettled: std::collections::VecDeque<(u64, u128)> = Default::default();
            let mut block = 1u64;
            for step in steps {
                // Each step in its own block, so the limit only bites within one step.
                block += 10;
                System::set_block_number(block);
                let total = locked - released - refunded;
                match step {
                    Step::Lock(amount) => {
                        let seq = CrossChain::next_outbound_seq(id);
                        prop_assert!(CrossChain::transfer_to_subchain(
                            RuntimeOrigin::signed(RELAYER), id, [5; 32], amount,
                        ).is_ok());
                        locked += amount;
                        unsettled.push_back((seq, amount));
                    }
                    Step::Release(amount) => {
                        let timeout = u32::try_from(block + 5).expect("small");
                        let message = state.send([6; 32], BOB, amount, timeout);
                        // Audited, then accepted through the C3D's own calls.
                        let at = audit_root(id, &keys, state.root());
                        state.attest_through(id, message.seq);
                        let proof = bounded_proof(
                            state.prove(&[subchain_outbound_key(message.seq)]).1,
                        );
                        let result = CrossChain::receive_from_subchain(
                            RuntimeOrigin::signed(RELAYER), id, at, message, proof.clone(),
                        );
                        if amount <= total && amount <= limit {
                            prop_assert!(result.is_ok(), "{:?}", result);
                            released += amount;
                            prop_assert_eq!(CrossChain::receipt(id, message.seq), Some(Receipt::Delivered));
                        } else {
                            let error = if amount > total {
                                Error::<Test>::ExceedsEscrow
                            } else {
                                Error::<Test>::OutflowLimit
                            };
                            prop_assert_eq!(result, Err(error.into()));
                            // Refused: after its timeout it is received as expired.
                            System::set_block_number(block + 5);
                            prop_assert!(CrossChain::receive_from_subchain(
                                RuntimeOrigin::signed(RELAYER), id, at, message, proof,
                            ).is_ok());
                            prop_assert_eq!(CrossChain::receipt(id, message.seq), Some(Receipt::Expired));
                        }
                        prop_assert_eq!(CrossChain::next_inbound_seq(id), message.seq + 1);
                    }
                    Step::SettleDelivered | Step::SettleExpired => {
                        let Some((seq, amount)) = unsettled.front().copied() else { continue };
                        let expired = matches!(step, Step::SettleExpired);
                        state.receipt(seq, if expired { Receipt::Expired } else { Receipt::Delivered });
                        let (at, proof) = state.audit_receipt(id, &keys, seq);
                        let result = CrossChain::settle_outbound(
                            RuntimeOrigin::signed(RELAYER), id, seq, at, proof,
                        );
                        if !expired || (amount <= total && amount <= limit) {
                            prop_assert!(result.is_ok(), "{:?}", result);
                            unsettled.pop_front();
                            if expired {
                                refunded += amount;
                            }
                        } else {
                            // Refused, nothing moved: the escrow no longer holds it (only a
                            // subchain that minted and burned it, then claims it expired,
                            // gets here) or not within this block's limit. It stays
                            // unsettled; the model moves on.
                            let error = if amount > total {
                                Error::<Test>::ExceedsEscrow
                            } else {
                                Error::<Test>::OutflowLimit
                            };
                            prop_assert_eq!(result, Err(error.into()));
                            prop_assert!(CrossChain::outbound(id, seq).is_some());
                            unsettled.pop_front();
                        }
                    }
                }
                let total = locked - released - refunded;
                prop_assert_eq!(CrossChain::escrow_total(id), total);
                prop_assert_eq!(Balances::free_balance(escrow), total);
                prop_assert_eq!(Balances::free_balance(BOB), released);
                prop_assert_eq!(Balances::free_balance(RELAYER), RICH - locked + refunded);
                prop_assert_eq!(CrossChain::do_try_state(), Ok(()));
            }
            Ok(())
        })?;
    }
}
