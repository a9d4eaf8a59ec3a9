//! Unit tests of the audit on the mock runtime (with the real registry): BFT and PoW batches,
//! gas running out mid-batch, every error path of both calls, pruning, the weights; and the
//! verification functions on their own.

use crate::{
    AuditedHeaders, AuditedHeads, Error, Event, FinalityProof, HeadersOf, PowHeads,
    mock::*,
    types::{AuditedHeader, C3nKey, ConsensusKind, Header, Justification, SubchainId},
    verify::{self, Tip, VerifyError},
};
use frame_support::{
    assert_noop, assert_ok,
    traits::{Hooks, fungible::Inspect},
};
use pallet_wcme_subchains::{SubchainGas, SubchainRegistry, SubchainStatus};
use sp_core::{H256, Pair, ed25519, sr25519};
use sp_runtime::{DigestItem, DispatchError};
use wcme_consensus_primitives::{
    poc::{Vote, VoteKind},
    pow::{PowPreDigest, seal_item},
};

fn bounded(headers: Vec<Header>) -> HeadersOf<Test> {
    HeadersOf::<Test>::try_from(headers).expect("within MaxHeadersPerSubmission")
}

fn submit(
    subchain: SubchainId,
    headers: Vec<Header>,
    proof: FinalityProof,
) -> Result<(), DispatchError> {
    CrossChain::submit_headers(
        RuntimeOrigin::signed(RELAYER),
        subchain,
        bounded(headers),
        proof,
    )
}

/// Submits `headers` with a justification of the last one by `signers` in round 0.
fn submit_justified(
    subchain: SubchainId,
    headers: Vec<Header>,
    signers: &[sr25519::Pair],
) -> Result<(), DispatchError> {
    let last = headers.last().expect("headers").clone();
    submit(
        subchain,
        headers,
        FinalityProof::Justification(justify(&last, 0, signers)),
    )
}

fn head(subchain: SubchainId) -> Option<AuditedHeader> {
    CrossChain::audited_head(subchain)
}

fn tip(subchain: SubchainId) -> (u32, H256) {
    head(subchain).map_or((0, GENESIS), |head| (head.number, head.hash))
}

fn gas(subchain: SubchainId) -> u128 {
    pallet_wcme_subchains::Subchains::<Test>::get(subchain)
        .expect("registered")
        .gas
}

fn events() -> Vec<Event<Test>> {
    System::events()
        .into_iter()
        .filter_map(|record| match record.event {
            RuntimeEvent::CrossChain(event) => Some(event),
            _ => None,
        })
        .collect()
}

fn last_event() -> Event<Test> {
    events().pop().expect("a cross-chain event")
}

fn check_invariants() {
    assert_ok!(CrossChain::do_try_state());
}

// --- BFT happy paths ------------------------------------------------------------------------------

#[test]
fn a_justified_bft_batch_is_audited_and_charged() {
    new_test_ext().execute_with(|| {
        let (id, keys) = register_bft(4);
        let gas_before = gas(id);
        let headers = chain((0, GENESIS), 5, 1);
        assert_ok!(submit_justified(id, headers.clone(), &keys[..3]));

        for header in &headers {
            assert_eq!(
                CrossChain::audited_header(id, header.number),
                Some(AuditedHeader {
                    number: header.number,
                    hash: header.hash(),
                    parent_hash: header.parent_hash,
                    state_root: header.state_root,
                    extrinsics_root: header.extrinsics_root,
                })
            );
        }
        let last = headers.last().expect("five");
        assert_eq!(head(id).map(|h| (h.number, h.hash)), Some((5, last.hash())));
        assert_eq!(gas(id), gas_before - 5 * HEADER_FEE);
        assert_eq!(
            last_event(),
            Event::HeadersAudited {
                subchain: id,
                relayer: RELAYER,
                first: 1,
                last: 5,
                head: last.hash(),
                audited: 5,
                submitted: 5,
            }
        );
        assert!(PowHeads::<Test>::get(id).is_none());
        check_invariants();
    });
}

#[test]
fn every_bft_kind_is_audited_by_justification() {
    new_test_ext().execute_with(|| {
        for kind in [ConsensusKind::Poc, ConsensusKind::Aura, ConsensusKind::Pbft] {
            let keys = validators(4);
            let id = register_with(kind, &keys, 5 * MIN_STAKE);
            assert_ok!(submit_justified(id, chain((0, GENESIS), 2, 2), &keys));
            assert_eq!(head(id).map(|h| h.number), Some(2));
            assert_noop!(
                submit(id, chain(tip(id), 1, 2), FinalityProof::Work),
                Error::<Test>::WrongProofKind
            );
        }
        check_invariants();
    });
}

#[test]
fn batches_extend_the_audited_head_and_old_headers_are_pruned() {
    new_test_ext().execute_with(|| {
        let (id, keys) = register_bft(4);
        assert_ok!(submit_justified(id, chain((0, GENESIS), 5, 1), &keys));
        assert_ok!(submit_justified(id, chain(tip(id), 6, 1), &keys));
        assert_eq!(head(id).map(|h| h.number), Some(11));
        // HISTORY = 8: 4..=11 kept.
        for number in 1..=3 {
            assert_eq!(
                CrossChain::audited_header(id, number),
                None,
                "{number} pruned"
            );
        }
        for number in 4..=11 {
            assert!(
                CrossChain::audited_header(id, number).is_some(),
                "{number} kept"
            );
        }
        assert_eq!(
            AuditedHeaders::<Test>::iter_prefix(id).count(),
            HISTORY as usize
        );
        // A full batch longer than the history keeps only the last HISTORY.
        assert_ok!(submit_justified(id, chain(tip(id), MAX_HEADERS, 1), &keys));
        assert_eq!(
            AuditedHeaders::<Test>::iter_prefix(id).count(),
            HISTORY as usize
        );
        assert!(CrossChain::audited_header(id, 27).is_some());
        assert!(CrossChain::audited_header(id, 19).is_none());
        check_invariants();
    });
}

#[test]
fn a_new_validator_set_votes_in_its_own_round() {
    new_test_ext().execute_with(|| {
        let (id, keys) = register_bft(4);
        // The registry moves to set 1 = validators 5..=8, signed by the current set.
        let next: Vec<sr25519::Pair> = (5..=8).map(validator).collect();
        let raw: Vec<Vec<u8>> = next.iter().map(|p| p.public().0.to_vec()).collect();
        let info = pallet_wcme_subchains::Subchains::<Test>::get(id).expect("registered");
        let new_keys: Vec<C3nKey> = next.iter().map(|p| C3nKey::Sr25519(p.public().0)).collect();
        let payload = pallet_wcme_subchains::verify::validator_set_payload(
            id,
            &info.chain_id,
            &info.genesis_hash,
            1,
            &new_keys,
        );
        let proof = keys
            .iter()
            .enumerate()
            .map(|(index, pair)| pallet_wcme_subchains::ValidatorSignature {
                index: index as u32,
                signature: pair.sign(&payload).0,
            })
            .collect();
        assert_ok!(Subchains::update_validators(
            RuntimeOrigin::signed(RELAYER),
            id,
            raw,
            proof
        ));

        let headers = chain((0, GENESIS), 2, 3);
        let last = headers[1].clone();
        // The old set in round 0 no longer counts; the new set in round 0 is in the wrong
        // round; the old set in round 1 are strangers.
        assert_noop!(
            submit_justified(id, headers.clone(), &keys),
            Error::<Test>::WrongRound
        );
        assert_noop!(
            submit(
                id,
                headers.clone(),
                FinalityProof::Justification(justify(&last, 0, &next))
            ),
            Error::<Test>::WrongRound
        );
        assert_noop!(
            submit(
                id,
                headers.clone(),
                FinalityProof::Justification(justify(&last, 1, &keys))
            ),
            Error::<Test>::UnknownVoter
        );
        assert_ok!(submit(
            id,
            headers,
            FinalityProof::Justification(justify(&last, 1, &next[..3]))
        ));
        check_invariants();
    });
}

// --- gas --------------------------------------------------------------------------------------------

#[test]
fn running_out_of_gas_mid_batch_keeps_the_paid_prefix_and_suspends() {
    new_test_ext().execute_with(|| {
        assert_ok!(Subchains::set_gas_fees(RuntimeOrigin::root(), MIN_GAS, 0));
        let keys = validators(4);
        let id = register_with(ConsensusKind::Pbft, &keys, MIN_STAKE);
        // 1000 of gas at 100 a header: the 10th charge leaves 0 and suspends.
        let headers = chain((0, GENESIS), 12, 4);
        assert_ok!(submit_justified(id, headers.clone(), &keys));

        assert_eq!(
            head(id).map(|h| (h.number, h.hash)),
            Some((10, headers[9].hash()))
        );
        assert_eq!(CrossChain::audited_header(id, 11), None);
        assert_eq!(gas(id), 0);
        assert_eq!(
            <Subchains as SubchainRegistry<u128, u64>>::status(id),
            Some(SubchainStatus::Suspended)
        );
        let audit_events = events();
        assert_eq!(
            audit_events[audit_events.len() - 2],
            Event::AuditStopped {
                subchain: id,
                at: 11,
                audited: 10
            }
        );
        assert_eq!(
            last_event(),
            Event::HeadersAudited {
                subchain: id,
                relayer: RELAYER,
                first: 1,
                last: 10,
                head: headers[9].hash(),
                audited: 10,
                submitted: 12,
            }
        );
        check_invariants();

        // Suspended: nothing more is accepted until topped up; then the rest goes on.
        assert_noop!(
            submit_justified(id, headers[10..].to_vec(), &keys),
            Error::<Test>::SubchainSuspended
        );
        assert_ok!(Subchains::top_up(RuntimeOrigin::signed(OWNER), id, 500));
        assert_ok!(submit_justified(id, headers[10..].to_vec(), &keys));
        assert_eq!(head(id).map(|h| h.number), Some(12));
        check_invariants();
    });
}

#[test]
fn a_first_charge_that_fails_changes_nothing() {
    new_test_ext().execute_with(|| {
        let (id, keys) = register_bft(4);
        // A gas record that cannot pay while active: the registry refuses the charge.
        pallet_wcme_subchains::Subchains::<Test>::mutate(id, |info| {
            if let Some(info) = info {
                info.gas = HEADER_FEE - 1;
            }
        });
        assert_noop!(
            submit_justified(id, chain((0, GENESIS), 2, 5), &keys),
            pallet_wcme_subchains::Error::<Test>::InsufficientGas
        );
        assert_eq!(head(id), None);
    });
}

// --- status and structure errors -------------------------------------------------------------------

#[test]
fn only_active_registered_subchains_are_audited() {
    new_test_ext().execute_with(|| {
        let headers = chain((0, GENESIS), 1, 6);
        assert_noop!(
            submit(9, headers.clone(), FinalityProof::Work),
            Error::<Test>::UnknownSubchain
        );
        let (id, keys) = register_bft(4);
        assert_noop!(
            CrossChain::submit_headers(
                RuntimeOrigin::root(),
                id,
                bounded(headers.clone()),
                FinalityProof::Work
            ),
            DispatchError::BadOrigin
        );
        assert_noop!(
            CrossChain::submit_headers(
                RuntimeOrigin::none(),
                id,
                bounded(headers.clone()),
                FinalityProof::Work
            ),
            DispatchError::BadOrigin
        );
        assert_ok!(Subchains::freeze(RuntimeOrigin::root(), id));
        assert_noop!(
            submit_justified(id, headers.clone(), &keys),
            Error::<Test>::SubchainFrozen
        );
        assert_ok!(Subchains::unfreeze(RuntimeOrigin::root(), id));
        assert_ok!(Subchains::deregister(RuntimeOrigin::signed(OWNER), id));
        assert_noop!(
            submit_justified(id, headers, &keys),
            Error::<Test>::SubchainRetired
        );
    });
}

#[test]
fn malformed_batches_are_refused() {
    new_test_ext().execute_with(|| {
        let (id, keys) = register_bft(4);
        assert_noop!(
            submit(id, Vec::new(), FinalityProof::Work),
            Error::<Test>::NoHeaders
        );
        // First header not at 1, or not on the genesis hash.
        assert_noop!(
            submit_justified(id, chain((1, GENESIS), 2, 7), &keys),
            Error::<Test>::NotConsecutive
        );
        assert_noop!(
            submit_justified(id, chain((0, H256::repeat_byte(1)), 2, 7), &keys),
            Error::<Test>::ParentMismatch
        );
        assert_noop!(
            submit_justified(id, vec![header(0, GENESIS, 7)], &keys),
            Error::<Test>::AlreadyAudited
        );
        // A broken link inside the batch.
        let mut broken = chain((0, GENESIS), 3, 7);
        broken[2].parent_hash = H256::repeat_byte(2);
        assert_noop!(
            submit_justified(id, broken, &keys),
            Error::<Test>::ParentMismatch
        );
        // A gap inside the batch.
        let mut gap = chain((0, GENESIS), 2, 7);
        let third = header(4, gap[1].hash(), 7);
        gap.push(third);
        assert_noop!(
            submit_justified(id, gap, &keys),
            Error::<Test>::NotConsecutive
        );
        // A zero state root anywhere.
        let mut zero = chain((0, GENESIS), 2, 7);
        zero[0].state_root = H256::zero();
        let second = header(2, zero[0].hash(), 7);
        zero[1] = second;
        assert_noop!(
            submit_justified(id, zero, &keys),
            Error::<Test>::ZeroStateRoot
        );
        assert_eq!(head(id), None);
    });
}

#[test]
fn a_batch_at_or_below_the_head_is_already_audited_and_not_charged() {
    new_test_ext().execute_with(|| {
        let (id, keys) = register_bft(4);
        let headers = chain((0, GENESIS), 4, 8);
        assert_ok!(submit_justified(id, headers.clone(), &keys));
        let gas_after = gas(id);
        // The same batch again (a concurrent relayer), and one overlapping the head.
        assert_noop!(
            submit_justified(id, headers.clone(), &keys),
            Error::<Test>::AlreadyAudited
        );
        let mut overlapping = headers[3..].to_vec();
        overlapping.extend(chain((4, headers[3].hash()), 2, 8));
        assert_noop!(
            submit_justified(id, overlapping, &keys),
            Error::<Test>::AlreadyAudited
        );
        assert_eq!(gas(id), gas_after);
    });
}

// --- justification errors ----------------------------------------------------------------------------

#[test]
fn forged_foreign_and_short_justifications_are_refused() {
    new_test_ext().execute_with(|| {
        let (id, keys) = register_bft(4);
        let headers = chain((0, GENESIS), 3, 9);
        let last = headers[2].clone();
        let proof = |justification: Justification| FinalityProof::Justification(justification);

        // A forged signature.
        let mut forged = justify(&last, 0, &keys[..3]);
        forged.precommits[1].signature = sr25519::Signature::from_raw([7; 64]);
        assert_noop!(
            submit(id, headers.clone(), proof(forged)),
            Error::<Test>::InvalidSignature
        );
        // A signature by a voter over another vote.
        let mut swapped = justify(&last, 0, &keys[..3]);
        swapped.precommits[0].voter = keys[3].public();
        assert_noop!(
            submit(id, headers.clone(), proof(swapped)),
            Error::<Test>::InvalidSignature
        );
        // Exactly 2/3 and fewer are not enough (4 validators: 3 needed).
        assert_noop!(
            submit(id, headers.clone(), proof(justify(&last, 0, &keys[..2]))),
            Error::<Test>::InsufficientSigners
        );
        // Enough pre-commits, but one is a duplicate: the signers are 2.
        let mut duplicated = justify(&last, 0, &keys[..3]);
        duplicated.precommits[2] = duplicated.precommits[0].clone();
        assert_noop!(
            submit(id, headers.clone(), proof(duplicated)),
            Error::<Test>::DuplicateVoter
        );
        // A stranger's pre-commit.
        let mut stranger = justify(&last, 0, &keys[..2]);
        stranger
            .precommits
            .push(precommit(&validator(40), &last, 0));
        assert_noop!(
            submit(id, headers.clone(), proof(stranger)),
            Error::<Test>::UnknownVoter
        );
        // A pre-vote instead of a pre-commit.
        let mut prevote = justify(&last, 0, &keys[..2]);
        prevote
            .precommits
            .push(wcme_consensus_primitives::poc::SignedVote::sign(
                Vote {
                    kind: VoteKind::Prevote,
                    round: 0,
                    view: 0,
                    number: last.number,
                    hash: last.hash(),
                },
                &keys[2],
            ));
        assert_noop!(
            submit(id, headers.clone(), proof(prevote)),
            Error::<Test>::ForeignVote
        );
        // The wrong round.
        assert_noop!(
            submit(id, headers.clone(), proof(justify(&last, 1, &keys))),
            Error::<Test>::WrongRound
        );
        // A justification of another header than the last.
        assert_noop!(
            submit(id, headers.clone(), proof(justify(&headers[1], 0, &keys))),
            Error::<Test>::JustificationMismatch
        );
        let mut renumbered = justify(&last, 0, &keys);
        renumbered.number = 2;
        assert_noop!(
            submit(id, headers.clone(), proof(renumbered)),
            Error::<Test>::JustificationMismatch
        );
        // More pre-commits than MaxPrecommits.
        let mut many = justify(&last, 0, &keys);
        while many.precommits.len() <= MAX_VALIDATORS as usize {
            many.precommits.push(many.precommits[0].clone());
        }
        assert_noop!(
            submit(id, headers.clone(), proof(many)),
            Error::<Test>::TooManyPrecommits
        );
        // A PoW proof for a BFT subchain.
        assert_noop!(
            submit(id, headers, FinalityProof::Work),
            Error::<Test>::WrongProofKind
        );
        assert_eq!(head(id), None);
    });
}

#[test]
fn a_subchain_without_sr25519_validators_has_no_voters() {
    new_test_ext().execute_with(|| {
        let id = pallet_wcme_subchains::NextSubchainId::<Test>::get();
        let config = pallet_wcme_subchains::SubchainConfig {
            name: b"ed".to_vec(),
            chain_id: b"ed".to_vec(),
            base_token: pallet_wcme_subchains::BaseToken {
                symbol: b"ED".to_vec(),
                decimals: 12,
            },
            listing: None,
            consensus: ConsensusKind::Aura.code(),
            signature_scheme: 1,
            validators: (1..=4u8)
                .map(|n| ed25519::Pair::from_seed(&[n; 32]).public().0.to_vec())
                .collect(),
            genesis_hash: GENESIS,
        };
        assert_ok!(Subchains::register(
            RuntimeOrigin::signed(OWNER),
            config,
            MIN_STAKE
        ));
        let headers = chain((0, GENESIS), 1, 10);
        assert_noop!(
            submit_justified(id, headers, &validators(4)),
            Error::<Test>::NoVoters
        );
    });
}

// --- PoW ----------------------------------------------------------------------------------------------

const FIRST: PowPreDigest = PowPreDigest {
    slot: 100,
    difficulty: 8,
};

#[test]
fn a_pow_batch_audits_the_headers_with_enough_confirmations() {
    new_test_ext().execute_with(|| {
        let id = register_pow();
        let gas_before = gas(id);
        let headers = pow_chain((0, GENESIS), FIRST, 6);
        assert_ok!(submit(id, headers.clone(), FinalityProof::Work));
        // 6 headers, 3 confirmations: 1..=3 audited.
        assert_eq!(
            head(id).map(|h| (h.number, h.hash)),
            Some((3, headers[2].hash()))
        );
        assert_eq!(CrossChain::audited_header(id, 4), None);
        assert_eq!(gas(id), gas_before - 3 * HEADER_FEE);
        assert_eq!(
            PowHeads::<Test>::get(id),
            wcme_consensus_primitives::pow::find_pre_digest(&headers[2]).ok()
        );
        assert_eq!(
            last_event(),
            Event::HeadersAudited {
                subchain: id,
                relayer: RELAYER,
                first: 1,
                last: 3,
                head: headers[2].hash(),
                audited: 3,
                submitted: 6,
            }
        );
        // The unconfirmed ones come again with more on top; their difficulty is checked
        // against the audited head's.
        let mut next = headers[3..].to_vec();
        let last_digest =
            wcme_consensus_primitives::pow::find_pre_digest(&headers[5]).expect("a digest");
        let slot = last_digest.slot + TARGET_SLOTS;
        let more = pow_chain(
            (6, headers[5].hash()),
            PowPreDigest {
                slot,
                difficulty: wcme_consensus_primitives::pow::next_difficulty(
                    last_digest.difficulty,
                    last_digest.slot,
                    slot,
                    TARGET_SLOTS,
                ),
            },
            2,
        );
        next.extend(more);
        assert_ok!(submit(id, next, FinalityProof::Work));
        assert_eq!(head(id).map(|h| h.number), Some(5));
        check_invariants();
    });
}

#[test]
fn pow_batches_need_confirmations_seals_and_the_right_difficulty() {
    new_test_ext().execute_with(|| {
        let id = register_pow();
        let good = pow_chain((0, GENESIS), FIRST, 5);
        // Not more headers than confirmations.
        assert_noop!(
            submit(id, good[..3].to_vec(), FinalityProof::Work),
            Error::<Test>::NotEnoughConfirmations
        );
        // A justification for a PoW subchain.
        assert_noop!(
            submit(
                id,
                good.clone(),
                FinalityProof::Justification(justify(&good[4], 0, &validators(1)))
            ),
            Error::<Test>::WrongProofKind
        );

        // Without a seal.
        let mut unsealed = good.clone();
        unsealed[1].digest.pop();
        let relinked = relink(unsealed);
        assert_noop!(
            submit(id, relinked, FinalityProof::Work),
            Error::<Test>::BadSeal
        );
        // Without a pre-digest.
        let mut bare = header(1, GENESIS, 0x44);
        bare.digest.push(seal_item(0));
        let mut no_digest = vec![bare];
        no_digest.extend(pow_chain((1, no_digest[0].hash()), FIRST, 4));
        assert_noop!(
            submit(id, no_digest, FinalityProof::Work),
            Error::<Test>::BadPreDigest
        );
        // Difficulty 0.
        let mut zero = vec![mine_unchecked(
            1,
            GENESIS,
            PowPreDigest {
                slot: 1,
                difficulty: 0,
            },
            0,
        )];
        zero.extend(pow_chain((1, zero[0].hash()), FIRST, 4));
        assert_noop!(
            submit(id, zero, FinalityProof::Work),
            Error::<Test>::DifficultyTooLow
        );
        // Work that does not meet the difficulty.
        let hard = PowPreDigest {
            slot: 1,
            difficulty: 1 << 40,
        };
        let mut lazy = vec![mine_unchecked(1, GENESIS, hard, 0)];
        lazy.extend(pow_chain((1, lazy[0].hash()), FIRST, 4));
        assert_noop!(
            submit(id, lazy, FinalityProof::Work),
            Error::<Test>::InsufficientWork
        );
        // A difficulty not derived from the parent's.
        let first = mine(1, GENESIS, FIRST);
        let wrong = mine(
            2,
            first.hash(),
            PowPreDigest {
                slot: FIRST.slot + TARGET_SLOTS,
                difficulty: FIRST.difficulty + 1,
            },
        );
        let mut off = vec![first.clone(), wrong.clone()];
        off.extend(pow_chain(
            (2, wrong.hash()),
            PowPreDigest {
                slot: FIRST.slot + 2 * TARGET_SLOTS,
                difficulty: FIRST.difficulty + 1,
            },
            3,
        ));
        assert_noop!(
            submit(id, off, FinalityProof::Work),
            Error::<Test>::WrongDifficulty
        );
        // A slot not after the parent's.
        let same_slot = mine(2, first.hash(), FIRST);
        let mut stalled = vec![first, same_slot.clone()];
        stalled.extend(pow_chain((2, same_slot.hash()), FIRST, 3));
        assert_noop!(
            submit(id, stalled, FinalityProof::Work),
            Error::<Test>::SlotNotIncreasing
        );
        assert_eq!(head(id), None);
        assert_ok!(submit(id, good, FinalityProof::Work));
    });
}

/// `headers` with each parent hash recomputed from the (possibly altered) previous header.
fn relink(mut headers: Vec<Header>) -> Vec<Header> {
    for i in 1..headers.len() {
        let parent = headers[i - 1].hash();
        headers[i].parent_hash = parent;
    }
    headers
}

/// A header with `digest` sealed with `nonce`, whether or not it meets the difficulty.
fn mine_unchecked(number: u32, parent: H256, digest: PowPreDigest, nonce: u64) -> Header {
    let mut header = header(number, parent, 0x55);
    header.digest.push(digest.to_digest_item());
    header.digest.push(seal_item(nonce));
    header
}

// --- fork evidence ------------------------------------------------------------------------------------

#[test]
fn fork_evidence_freezes_the_subchain() {
    new_test_ext().execute_with(|| {
        let (id, keys) = register_bft(4);
        assert_ok!(submit_justified(id, chain((0, GENESIS), 2, 11), &keys));
        let parent = head(id).expect("audited");
        let first = header(3, parent.hash, 0x61);
        let second = header(3, parent.hash, 0x62);
        // Validators 1–3 signed one, 2–4 the other: 2 and 3 signed both.
        let evidence_first = (first.clone(), justify(&first, 0, &keys[..3]));
        let evidence_second = (second.clone(), justify(&second, 0, &keys[1..]));
        // The owner bonded 100 for each of validators 1–3 (4 has no bond).
        let key = |index: usize| C3nKey::Sr25519(keys[index].public().0);
        for index in 0..3 {
            assert_ok!(Subchains::bond(
                RuntimeOrigin::signed(OWNER),
                id,
                key(index),
                100
            ));
        }
        let owner_before = Balances::total_balance(&OWNER);
        assert_ok!(CrossChain::report_fork(
            RuntimeOrigin::signed(RELAYER),
            id,
            Box::new(evidence_first.clone()),
            Box::new(evidence_second.clone()),
        ));
        assert!(<Subchains as SubchainRegistry<u128, u64>>::is_frozen(id));
        let mut both: Vec<C3nKey> = keys[1..3]
            .iter()
            .map(|pair| C3nKey::Sr25519(pair.public().0))
            .collect();
        both.sort();
        assert_eq!(
            last_event(),
            Event::ForkProven {
                subchain: id,
                number: 3,
                first: first.hash(),
                second: second.hash(),
                signers: both.try_into().expect("bounded"),
                slashed: 200,
            }
        );
        // The two who signed both lost their bonds; validator 1 keeps its own.
        assert_eq!(Balances::total_balance(&OWNER), owner_before - 200);
        assert!(pallet_wcme_subchains::Bonds::<Test>::get(id, key(1)).is_none());
        assert!(pallet_wcme_subchains::Bonds::<Test>::get(id, key(2)).is_none());
        assert_eq!(
            pallet_wcme_subchains::Bonds::<Test>::get(id, key(0)).map(|bond| bond.amount),
            Some(100)
        );
        // Frozen: no more headers, and no second report.
        assert_noop!(
            submit_justified(id, vec![first.clone()], &keys),
            Error::<Test>::SubchainFrozen
        );
        assert_noop!(
            CrossChain::report_fork(
                RuntimeOrigin::signed(RELAYER),
                id,
                Box::new(evidence_first),
                Box::new(evidence_second),
            ),
            Error::<Test>::AlreadyFrozen
        );
        check_invariants();
    });
}

#[test]
fn bad_fork_evidence_changes_nothing() {
    new_test_ext().execute_with(|| {
        let (id, keys) = register_bft(4);
        let first = header(1, GENESIS, 0x71);
        let second = header(1, GENESIS, 0x72);
        let report = |a: (Header, Justification), b: (Header, Justification)| {
            CrossChain::report_fork(RuntimeOrigin::signed(RELAYER), id, Box::new(a), Box::new(b))
        };
        let good_first = (first.clone(), justify(&first, 0, &keys[..3]));
        let good_second = (second.clone(), justify(&second, 0, &keys[..3]));

        assert_noop!(
            report(good_first.clone(), good_first.clone()),
            Error::<Test>::SameHeader
        );
        let higher = header(2, GENESIS, 0x73);
        assert_noop!(
            report(
                good_first.clone(),
                (higher.clone(), justify(&higher, 0, &keys))
            ),
            Error::<Test>::DifferentHeights
        );
        assert_noop!(
            report(
                good_first.clone(),
                (second.clone(), justify(&second, 0, &keys[..2]))
            ),
            Error::<Test>::InsufficientSigners
        );
        assert_noop!(
            report(
                good_first.clone(),
                (second.clone(), justify(&first, 0, &keys))
            ),
            Error::<Test>::JustificationMismatch
        );
        let mut forged = good_second.clone();
        forged.1.precommits[0].signature = sr25519::Signature::from_raw([1; 64]);
        assert_noop!(
            report(good_first.clone(), forged),
            Error::<Test>::InvalidSignature
        );
        assert_noop!(
            report(
                good_first.clone(),
                (second.clone(), justify(&second, 3, &keys))
            ),
            Error::<Test>::WrongRound
        );
        assert_noop!(
            CrossChain::report_fork(
                RuntimeOrigin::signed(RELAYER),
                99,
                Box::new(good_first.clone()),
                Box::new(good_second.clone())
            ),
            Error::<Test>::UnknownSubchain
        );
        assert_noop!(
            CrossChain::report_fork(
                RuntimeOrigin::root(),
                id,
                Box::new(good_first.clone()),
                Box::new(good_second.clone())
            ),
            DispatchError::BadOrigin
        );
        // PoW subchains have no finality votes.
        let pow = register_pow();
        assert_noop!(
            CrossChain::report_fork(
                RuntimeOrigin::signed(RELAYER),
                pow,
                Box::new(good_first.clone()),
                Box::new(good_second.clone())
            ),
            Error::<Test>::NoFinalityVotes
        );
        assert!(!<Subchains as SubchainRegistry<u128, u64>>::is_frozen(id));
        // The valid evidence still works, even on a suspended subchain.
        assert_ok!(Subchains::set_gas_fees(RuntimeOrigin::root(), MIN_GAS, 0));
        while <Subchains as SubchainGas>::charge_header(id).is_ok() {}
        assert_ok!(report(good_first, good_second));
        assert!(<Subchains as SubchainRegistry<u128, u64>>::is_frozen(id));
    });
}

#[test]
fn a_refunded_subchain_cannot_be_reported() {
    new_test_ext().execute_with(|| {
        let (id, keys) = register_bft(4);
        assert_ok!(Subchains::deregister(RuntimeOrigin::signed(OWNER), id));
        System::set_block_number(100);
        assert_ok!(Subchains::withdraw_retired(
            RuntimeOrigin::signed(OWNER),
            id
        ));
        let first = header(1, GENESIS, 0x81);
        let second = header(1, GENESIS, 0x82);
        assert_noop!(
            CrossChain::report_fork(
                RuntimeOrigin::signed(RELAYER),
                id,
                Box::new((first.clone(), justify(&first, 0, &keys))),
                Box::new((second.clone(), justify(&second, 0, &keys)))
            ),
            Error::<Test>::SubchainRetired
        );
    });
}

// --- weights, configuration, views ---------------------------------------------------------------------

#[test]
fn weights_grow_with_headers_and_precommits_up_to_the_limits() {
    let justification = |n: usize| {
        let header = header(1, GENESIS, 1);
        let mut j = justify(&header, 0, &validators(1));
        j.precommits = vec![j.precommits[0].clone(); n];
        FinalityProof::Justification(j)
    };
    let bft = |h, p| CrossChain::submit_headers_weight(h, &justification(p));
    assert!(bft(2, 3).ref_time() > bft(1, 3).ref_time());
    assert!(bft(2, 4).ref_time() > bft(2, 3).ref_time());
    // Beyond the limits nothing grows (such calls are refused before any per-item work).
    assert_eq!(bft(1_000, 3), bft(MAX_HEADERS as usize, 3));
    assert_eq!(bft(2, 1_000), bft(2, MAX_VALIDATORS as usize));
    let pow = |h| CrossChain::submit_headers_weight(h, &FinalityProof::Work);
    assert!(pow(5).ref_time() > pow(4).ref_time());
    assert_eq!(
        pow(4),
        <() as crate::WeightInfo>::submit_headers_pow(4),
        "the benchmarked figures, charges included"
    );
    let fork = |p: usize| {
        let header = header(1, GENESIS, 1);
        let mut j = justify(&header, 0, &validators(1));
        j.precommits = vec![j.precommits[0].clone(); p];
        CrossChain::report_fork_weight(&j, &j)
    };
    assert!(fork(3).ref_time() > fork(2).ref_time());
    // The benchmarked figure (the freeze included), and a bond slashed per possible signer.
    let slash = <() as pallet_wcme_subchains::WeightInfo>::slash_bond();
    assert_eq!(
        fork(3),
        <() as crate::WeightInfo>::report_fork(6).saturating_add(slash.saturating_mul(3))
    );
    assert_eq!(fork(1_000), fork(MAX_VALIDATORS as usize));
}

#[test]
fn integrity_test_passes_on_the_mock() {
    <crate::Pallet<Test> as Hooks<u64>>::integrity_test();
}

#[test]
fn the_runtime_api_reads_head_and_headers() {
    new_test_ext().execute_with(|| {
        let (id, keys) = register_bft(4);
        assert_eq!(CrossChain::audited_head(id), None);
        assert_eq!(CrossChain::audited_header(id, 1), None);
        assert_ok!(submit_justified(id, chain((0, GENESIS), 3, 12), &keys));
        assert_eq!(CrossChain::audited_head(id), AuditedHeads::<Test>::get(id));
        assert_eq!(CrossChain::audited_head(id).map(|h| h.number), Some(3));
        assert_eq!(CrossChain::audited_header(id, 2).map(|h| h.number), Some(2));
        assert_eq!(CrossChain::audited_header(id, 4), None);
        assert_eq!(CrossChain::audited_head(id + 1), None);
    });
}

// --- verification functions ----------------------------------------------------------------------------

#[test]
fn check_chain_returns_the_hashes() {
    let headers = chain((0, GENESIS), 3, 13);
    let tip = Tip {
        number: 0,
        hash: GENESIS,
    };
    assert_eq!(
        verify::check_chain(tip, &headers),
        Ok(headers.iter().map(Header::hash).collect())
    );
    assert_eq!(verify::check_chain(tip, &[]), Ok(Vec::new()));
    let high = Tip {
        number: u32::MAX,
        hash: GENESIS,
    };
    assert_eq!(
        verify::check_chain(high, &headers),
        Err(VerifyError::AlreadyAudited)
    );
}

#[test]
fn pow_checks_reject_digest_garbage() {
    let mut garbage = header(1, GENESIS, 1);
    garbage
        .digest
        .push(DigestItem::PreRuntime(*b"wpow", vec![1, 2, 3]));
    garbage.digest.push(seal_item(0));
    assert_eq!(
        verify::check_pow(None, &[garbage], TARGET_SLOTS),
        Err(VerifyError::BadPreDigest)
    );
    let mut long_seal = header(1, GENESIS, 1);
    long_seal.digest.push(FIRST.to_digest_item());
    long_seal
        .digest
        .push(DigestItem::Seal(*b"wpow", vec![0; 9]));
    assert_eq!(
        verify::check_pow(None, &[long_seal], TARGET_SLOTS),
        Err(VerifyError::BadSeal)
    );
    let good = pow_chain((0, GENESIS), FIRST, 2);
    assert_eq!(
        verify::check_pow(None, &good, TARGET_SLOTS).map(|d| d.len()),
        Ok(2)
    );
}

#[test]
fn the_voter_set_is_the_sr25519_keys_in_the_set_round() {
    let info = pallet_wcme_subchains::ValidatorSetInfo {
        scheme: pallet_wcme_subchains::SignatureScheme::Sr25519,
        consensus: ConsensusKind::Aura,
        set_id: 5,
        keys: vec![
            C3nKey::Sr25519([1; 32]),
            C3nKey::Ed25519([2; 32]),
            C3nKey::Sr25519([3; 32]),
        ],
    };
    let voters = verify::voter_set(&info);
    assert_eq!(voters.round(), 5);
    assert_eq!(voters.len(), 2);
    assert_eq!(voters.total(), 2);
    assert_eq!(
        wcme_consensus_primitives::finality::validator_set_round(u64::MAX),
        u32::MAX
    );
}
