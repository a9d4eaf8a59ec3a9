//! Property tests of the audit on the mock runtime:
//!
//! - a justification is accepted exactly when its distinct signers are more than 2/3 of the
//!   registered validator set, whichever subset signs;
//! - a batch audits exactly the prefix the subchain's gas pays for (and no more than it
//!   carries), suspending the subchain when the gas runs out, and the registry's and the
//!   audit's invariants hold after it;
//! - a PoW batch audits all but its last `PowConfirmations` headers.

use crate::{FinalityProof, HeadersOf, mock::*, types::ConsensusKind};
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
