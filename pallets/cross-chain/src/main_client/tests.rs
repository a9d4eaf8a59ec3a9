//! Tests of the light client of the main chain, with real sr25519 packing keys, sealed headers,
//! justifications and storage proofs (see [`super::mock`]).

use super::{
    Error, Event, FinalizedHeaders, FinalizedMainHeader, MAIN_POC_PALLET, NEXT_PRODUCERS_ITEM,
    Pallet, Voters, mock::*, next_producers_key,
};
use crate::{subchain::MainChainRoots, types::Header};
use codec::Encode;
use frame_support::{BoundedVec, assert_noop, assert_ok, traits::ConstU32};
use sp_core::{H256, Pair as _, sr25519};
use sp_io::hashing::twox_128;
use sp_runtime::{AccountId32, DispatchError, traits::Header as _};

type Client = Pallet<Test>;

fn submit(
    headers: &[Header],
    justification: crate::types::Justification,
    hand_off: Option<Vec<Vec<u8>>>,
) -> sp_runtime::DispatchResult {
    Client::submit_main_headers(
        RuntimeOrigin::signed(1),
        BoundedVec::truncate_from(headers.to_vec()),
        justification,
        hand_off.map(BoundedVec::truncate_from),
    )
}

fn last(headers: &[Header]) -> &Header {
    headers.last().expect("some headers")
}

fn head() -> FinalizedMainHeader {
    Client::finalized_head().expect("a head")
}

fn kept(header: &Header, round: u32) -> FinalizedMainHeader {
    FinalizedMainHeader {
        number: header.number,
        hash: header.hash(),
        state_root: header.state_root,
        round,
    }
}

fn check_invariants() {
    Client::do_try_state().expect("invariants hold");
}

/// Round 0 headers `11..=count+10`, finalized by Alice, Bob and Charlie.
fn finalize_round0(count: u32) -> Vec<Header> {
    let headers = chain(&checkpoint(), count, 0, plain_root);
    let signers = round0();
    assert_ok!(submit(
        &headers,
        justify(last(&headers), 0, &signers[..3]),
        None
    ));
    headers
}

#[test]
fn genesis_sets_the_trust_anchor() {
    new_test_ext().execute_with(|| {
        let anchor = checkpoint();
        assert_eq!(head(), kept(&anchor, 0));
        assert_eq!(Client::finalized_header(CHECKPOINT), Some(kept(&anchor, 0)));
        assert_eq!(super::MainGenesisHash::<Test>::get(), Some(GENESIS));
        let voters = Client::voters().expect("voters");
        assert_eq!((voters.round(), voters.len(), voters.total()), (0, 4, 400));
        assert_eq!(Client::state_root(CHECKPOINT), Some(anchor.state_root));
        assert_eq!(Client::finalized_number(), CHECKPOINT);
        check_invariants();
    });
}

#[test]
fn without_an_anchor_nothing_is_verified() {
    new_uninitialized_ext().execute_with(|| {
        let headers = chain(&checkpoint(), 1, 0, plain_root);
        assert_noop!(
            submit(&headers, justify(last(&headers), 0, &round0()), None),
            Error::<Test>::NotInitialized
        );
        assert_eq!(Client::state_root(CHECKPOINT), None);
        assert_eq!(Client::finalized_number(), 0);
        assert!(Client::voters().is_none());
        check_invariants();
    });
}

#[test]
fn justified_headers_are_finalized_and_their_roots_served() {
    new_test_ext().execute_with(|| {
        let headers = chain(&checkpoint(), 3, 0, plain_root);
        let signers = round0();
        assert_noop!(
            Client::submit_main_headers(
                RuntimeOrigin::none(),
                BoundedVec::truncate_from(headers.clone()),
                justify(last(&headers), 0, &signers[..3]),
                None,
            ),
            DispatchError::BadOrigin
        );
        assert_ok!(submit(
            &headers,
            justify(last(&headers), 0, &signers[1..]),
            None
        ));
        System::assert_last_event(
            Event::HeadersFinalized {
                first: 11,
                last: 13,
                hash: last(&headers).hash(),
                round: 0,
            }
            .into(),
        );
        assert_eq!(head(), kept(last(&headers), 0));
        for header in &headers {
            assert_eq!(
                Client::finalized_header(header.number),
                Some(kept(header, 0))
            );
            assert_eq!(Client::state_root(header.number), Some(header.state_root));
        }
        assert_eq!(Client::finalized_number(), 13);
        // Only finalized headers have roots: nothing above the head, nothing unsubmitted.
        assert_eq!(Client::state_root(14), None);
        assert_eq!(Client::state_root(CHECKPOINT - 1), None);

        // The next submission extends the new head.
        let more = chain(last(&headers), 2, 0, plain_root);
        assert_ok!(submit(&more, justify(last(&more), 0, &signers), None));
        assert_eq!(Client::finalized_number(), 15);
        check_invariants();
    });
}

#[test]
fn a_rejected_submission_leaves_roots_unverified() {
    new_test_ext().execute_with(|| {
        let headers = chain(&checkpoint(), 2, 0, plain_root);
        let signers = round0();
        assert_noop!(
            submit(&headers, justify(last(&headers), 0, &signers[..2]), None),
            Error::<Test>::InsufficientWeight
        );
        assert_eq!(Client::state_root(11), None);
        assert_eq!(Client::state_root(12), None);
        assert_eq!(Client::finalized_number(), CHECKPOINT);
    });
}

#[test]
fn insufficient_weight_is_refused() {
    new_test_ext().execute_with(|| {
        let headers = chain(&checkpoint(), 1, 0, plain_root);
        let signers = round0();
        // Two of four equal stakes: exactly 1/2, not more than 2/3.
        assert_noop!(
            submit(&headers, justify(last(&headers), 0, &signers[..2]), None),
            Error::<Test>::InsufficientWeight
        );
        assert_noop!(
            submit(&headers, justify(last(&headers), 0, &[]), None),
            Error::<Test>::InsufficientWeight
        );
        // A voter counted twice does not make a third.
        let mut doubled = justify(last(&headers), 0, &signers[..3]);
        let first = doubled.precommits[0].clone();
        doubled.precommits[2] = first;
        assert_noop!(
            submit(&headers, doubled, None),
            Error::<Test>::InsufficientWeight
        );
        let mut doubled = justify(last(&headers), 0, &signers[..3]);
        let first = doubled.precommits[0].clone();
        doubled.precommits.push(first);
        assert_noop!(
            submit(&headers, doubled, None),
            Error::<Test>::DuplicateVoter
        );
    });
}

#[test]
fn forged_signatures_are_refused() {
    new_test_ext().execute_with(|| {
        let headers = chain(&checkpoint(), 1, 0, plain_root);
        let signers = round0();
        let mut forged = justify(last(&headers), 0, &signers[..3]);
        // Bob's vote, signed by Dave.
        let mut vote = precommit(last(&headers), 0, &signers[3]);
        vote.voter = signers[1].public();
        forged.precommits[1] = vote;
        assert_noop!(
            submit(&headers, forged, None),
            Error::<Test>::InvalidSignature
        );
        // Alice's signature of another block, relabelled for this one.
        let other = chain(&checkpoint(), 1, 0, |_| H256::repeat_byte(0x77));
        let mut relabelled = justify(last(&headers), 0, &signers[..3]);
        let mut vote = precommit(last(&other), 0, &signers[0]);
        vote.vote.hash = last(&headers).hash();
        relabelled.precommits[0] = vote;
        assert_noop!(
            submit(&headers, relabelled, None),
            Error::<Test>::InvalidSignature
        );
        // A pre-vote is not a pre-commit.
        let mut prevote = justify(last(&headers), 0, &signers[..3]);
        prevote.precommits[0].vote.kind = wcme_consensus_primitives::poc::VoteKind::Prevote;
        assert_noop!(submit(&headers, prevote, None), Error::<Test>::ForeignVote);
    });
}

#[test]
fn voters_outside_the_set_are_refused() {
    new_test_ext().execute_with(|| {
        let headers = chain(&checkpoint(), 1, 0, plain_root);
        let mut signers = round0();
        signers.truncate(3);
        signers.push(key("Eve"));
        assert_noop!(
            submit(&headers, justify(last(&headers), 0, &signers), None),
            Error::<Test>::UnknownVoter
        );
        // Alone, outsiders weigh nothing.
        assert_noop!(
            submit(
                &headers,
                justify(last(&headers), 0, &[key("Eve"), key("Ferdie")]),
                None
            ),
            Error::<Test>::InsufficientWeight
        );
    });
}

#[test]
fn wrong_rounds_are_refused() {
    new_test_ext().execute_with(|| {
        let signers = round0();
        let headers = chain(&checkpoint(), 1, 0, plain_root);
        // The justification says round 1 for a round-0 header.
        assert_noop!(
            submit(&headers, justify(last(&headers), 1, &signers), None),
            Error::<Test>::WrongRound
        );
        // The justification says round 0, one vote says round 1.
        let mut mixed = justify(last(&headers), 0, &signers[..3]);
        mixed.precommits[0] = precommit(last(&headers), 1, &signers[0]);
        assert_noop!(submit(&headers, mixed, None), Error::<Test>::WrongRound);
        // Headers of round 1 need a hand-off; of round 2 are unknown (round 1 was skipped).
        let next = chain(&checkpoint(), 1, 1, plain_root);
        assert_noop!(
            submit(&next, justify(last(&next), 1, &signers), None),
            Error::<Test>::HandOffRequired
        );
        let skipped = chain(&checkpoint(), 1, 2, plain_root);
        let (_, proof) = main_state(&[]);
        assert_noop!(
            submit(&skipped, justify(last(&skipped), 2, &signers), Some(proof)),
            Error::<Test>::UnknownRound
        );
        // A submission stays in one round.
        let mut crossing = chain(&checkpoint(), 1, 0, plain_root);
        crossing.extend(chain(last(&crossing), 1, 1, plain_root));
        assert_noop!(
            submit(&crossing, justify(last(&crossing), 1, &signers), None),
            Error::<Test>::MixedRounds
        );
        // A hand-off proof with headers of the head's own round is refused.
        let (_, proof) = main_state(&[]);
        assert_noop!(
            submit(&headers, justify(last(&headers), 0, &signers), Some(proof)),
            Error::<Test>::UnexpectedHandOff
        );
    });
}

#[test]
fn headers_must_link_to_the_finalized_head() {
    new_test_ext().execute_with(|| {
        let signers = round0();
        let anchor = checkpoint();
        // A parent that is not the head.
        let stranger = header(CHECKPOINT + 1, H256::repeat_byte(0x55), plain_root(11), 0);
        assert_noop!(
            submit(
                core::slice::from_ref(&stranger),
                justify(&stranger, 0, &signers),
                None
            ),
            Error::<Test>::ParentMismatch
        );
        // A gap in the numbers.
        let gap = header(CHECKPOINT + 2, anchor.hash(), plain_root(12), 0);
        assert_noop!(
            submit(
                core::slice::from_ref(&gap),
                justify(&gap, 0, &signers),
                None
            ),
            Error::<Test>::NotConsecutive
        );
        // Two headers that do not link to each other.
        let mut broken = chain(&anchor, 2, 0, plain_root);
        broken[1] = header(12, H256::repeat_byte(0x66), plain_root(12), 0);
        assert_noop!(
            submit(&broken, justify(last(&broken), 0, &signers), None),
            Error::<Test>::ParentMismatch
        );
        // Already finalized.
        assert_noop!(
            submit(
                core::slice::from_ref(&anchor),
                justify(&anchor, 0, &signers),
                None
            ),
            Error::<Test>::NotConsecutive
        );
        // The justification is for another header than the last.
        let headers = chain(&anchor, 2, 0, plain_root);
        assert_noop!(
            submit(&headers, justify(&headers[0], 0, &signers), None),
            Error::<Test>::JustificationMismatch
        );
        assert_noop!(
            submit(&[], justify(&anchor, 0, &signers), None),
            Error::<Test>::NoHeaders
        );
    });
}

#[test]
fn zero_state_roots_and_missing_digests_are_refused() {
    new_test_ext().execute_with(|| {
        let signers = round0();
        let zero = chain(&checkpoint(), 2, 0, |number| {
            if number == 11 {
                H256::zero()
            } else {
                plain_root(number)
            }
        });
        assert_noop!(
            submit(&zero, justify(last(&zero), 0, &signers), None),
            Error::<Test>::ZeroStateRoot
        );
        let anchor = checkpoint();
        let bare = Header::new(
            11,
            H256::zero(),
            plain_root(11),
            anchor.hash(),
            Default::default(),
        );
        assert_noop!(
            submit(
                core::slice::from_ref(&bare),
                justify(&bare, 0, &signers),
                None
            ),
            Error::<Test>::BadPreDigest
        );
    });
}

/// Round 0 up to block 12, whose state holds `next` as `Poc::NextProducers`; returns block 12
/// and the proof of the key against its state root.
fn round0_ending_with(next: Option<Vec<u8>>) -> (Header, Vec<Vec<u8>>) {
    let (root, proof) = main_state_raw(next);
    let headers = chain(&checkpoint(), 2, 0, |number| {
        if number == 12 {
            root
        } else {
            plain_root(number)
        }
    });
    assert_ok!(submit(
        &headers,
        justify(last(&headers), 0, &round0()[..3]),
        None
    ));
    (last(&headers).clone(), proof)
}

/// The next round's voters: Charlie and Dave (100 each), Eve (150) and Ferdie (50).
fn round1() -> (Vec<sr25519::Pair>, Vec<super::MainProducer>) {
    let pairs = vec![key("Charlie"), key("Dave"), key("Eve"), key("Ferdie")];
    let producers = vec![
        producer(3, &pairs[0], 100),
        producer(4, &pairs[1], 100),
        producer(5, &pairs[2], 150),
        producer(6, &pairs[3], 50),
    ];
    (pairs, producers)
}

#[test]
fn hand_off_to_the_next_round_is_proven_against_a_trusted_root() {
    new_test_ext().execute_with(|| {
        let (pairs, producers) = round1();
        let (boundary, proof) = round0_ending_with(Some(producers.encode()));
        let headers = chain(&boundary, 2, 1, plain_root);
        let new_voters = [pairs[0].clone(), pairs[1].clone(), pairs[2].clone()];

        // Without the proof, or with a proof of another state, nothing happens.
        assert_noop!(
            submit(&headers, justify(last(&headers), 1, &new_voters), None),
            Error::<Test>::HandOffRequired
        );
        let (_, foreign) = main_state(&producers[..2]);
        assert_noop!(
            submit(
                &headers,
                justify(last(&headers), 1, &new_voters),
                Some(foreign)
            ),
            Error::<Test>::InvalidProof
        );
        assert_noop!(
            submit(
                &headers,
                justify(last(&headers), 1, &new_voters),
                Some(proof[1..].to_vec())
            ),
            Error::<Test>::InvalidProof
        );
        // The old set cannot finalize the new round: Alice and Bob are not voters any more.
        assert_noop!(
            submit(
                &headers,
                justify(last(&headers), 1, &round0()),
                Some(proof.clone())
            ),
            Error::<Test>::InsufficientWeight
        );
        let mut old_and_new = round0();
        old_and_new.push(pairs[2].clone());
        assert_noop!(
            submit(
                &headers,
                justify(last(&headers), 1, &old_and_new),
                Some(proof.clone())
            ),
            Error::<Test>::UnknownVoter
        );
        // Round-0 votes are not round-1 votes.
        assert_noop!(
            submit(
                &headers,
                justify(last(&headers), 0, &new_voters),
                Some(proof.clone())
            ),
            Error::<Test>::WrongRound
        );
        // Charlie, Dave and Ferdie: 250 of 400 is not more than 2/3.
        assert_noop!(
            submit(
                &headers,
                justify(
                    last(&headers),
                    1,
                    &[pairs[0].clone(), pairs[1].clone(), pairs[3].clone()]
                ),
                Some(proof.clone())
            ),
            Error::<Test>::InsufficientWeight
        );

        // Charlie, Dave and Eve: 350 of 400.
        assert_ok!(submit(
            &headers,
            justify(last(&headers), 1, &new_voters),
            Some(proof)
        ));
        System::assert_has_event(
            Event::VotersHandedOff {
                round: 1,
                at: 12,
                voters: 4,
                total_stake: 400,
            }
            .into(),
        );
        assert_eq!(head(), kept(last(&headers), 1));
        let voters = Client::voters().expect("voters");
        assert_eq!((voters.round(), voters.len()), (1, 4));
        assert_eq!(voters.stake(&pairs[2].public()), Some(150));
        assert_eq!(voters.stake(&key("Alice").public()), None);
        assert_eq!(
            Voters::<Test>::get().into_inner(),
            producers
                .iter()
                .map(|p| (p.packing_key, p.stake))
                .collect::<Vec<_>>()
        );
        check_invariants();

        // Round 1 goes on under the new voters, without a hand-off.
        let more = chain(last(&headers), 2, 1, plain_root);
        let (_, proof) = main_state(&producers);
        assert_noop!(
            submit(&more, justify(last(&more), 1, &new_voters), Some(proof)),
            Error::<Test>::UnexpectedHandOff
        );
        assert_noop!(
            submit(&more, justify(last(&more), 1, &round0()), None),
            Error::<Test>::InsufficientWeight
        );
        assert_noop!(
            submit(&more, justify(last(&more), 0, &round0()), None),
            Error::<Test>::WrongRound
        );
        assert_ok!(submit(
            &more,
            justify(
                last(&more),
                1,
                &[pairs[2].clone(), pairs[0].clone(), pairs[1].clone()]
            ),
            None
        ));
        assert_eq!(Client::finalized_number(), 16);
        assert_eq!(Client::state_root(12), Some(boundary.state_root));
        check_invariants();
    });
}

#[test]
fn an_empty_next_membership_keeps_the_round_voters() {
    new_test_ext().execute_with(|| {
        let (boundary, proof) =
            round0_ending_with(Some(Vec::<super::MainProducer>::new().encode()));
        let headers = chain(&boundary, 1, 1, plain_root);
        // Round 1's voters are round 0's, now voting in round 1.
        assert_ok!(submit(
            &headers,
            justify(last(&headers), 1, &round0()[1..]),
            Some(proof)
        ));
        let voters = Client::voters().expect("voters");
        assert_eq!((voters.round(), voters.len(), voters.total()), (1, 4, 400));
        check_invariants();
    });
}

#[test]
fn an_absent_next_membership_keeps_the_round_voters() {
    new_test_ext().execute_with(|| {
        let (boundary, proof) = round0_ending_with(None);
        let headers = chain(&boundary, 1, 1, plain_root);
        assert_ok!(submit(
            &headers,
            justify(last(&headers), 1, &round0()[..3]),
            Some(proof)
        ));
        assert_eq!(Client::voters().map(|voters| voters.round()), Some(1));
    });
}

#[test]
fn oversized_or_garbled_memberships_are_refused() {
    new_test_ext().execute_with(|| {
        let many: Vec<super::MainProducer> = (0..=MAX_VOTERS)
            .map(|i| {
                let seed = u8::try_from(i).expect("small");
                producer(seed, &sr25519::Pair::from_seed(&[seed + 1; 32]), 10)
            })
            .collect();
        let (root, proof) = main_state(&many);
        // Each oversized proof needs its own trusted boundary block: check the decoder here.
        assert!(!root.is_zero() && !proof.is_empty());
        let (boundary, proof) = round0_ending_with(Some(many.encode()));
        let headers = chain(&boundary, 1, 1, plain_root);
        assert_noop!(
            submit(&headers, justify(last(&headers), 1, &round0()), Some(proof)),
            Error::<Test>::TooManyVoters
        );
    });
    new_test_ext().execute_with(|| {
        let (boundary, proof) = round0_ending_with(Some(vec![4, 1, 2, 3]));
        let headers = chain(&boundary, 1, 1, plain_root);
        assert_noop!(
            submit(&headers, justify(last(&headers), 1, &round0()), Some(proof)),
            Error::<Test>::InvalidVoterSet
        );
    });
    new_test_ext().execute_with(|| {
        // Producers without stake: nothing can be final under them.
        let (pairs, producers) = round1();
        let broke: Vec<super::MainProducer> = producers
            .into_iter()
            .map(|mut p| {
                p.stake = 0;
                p
            })
            .collect();
        let (boundary, proof) = round0_ending_with(Some(broke.encode()));
        let headers = chain(&boundary, 1, 1, plain_root);
        assert_noop!(
            submit(&headers, justify(last(&headers), 1, &pairs), Some(proof)),
            Error::<Test>::NoVoters
        );
        // A node over `MaxProofNodeSize` is refused before hashing (more than `MaxProofNodes`
        // nodes do not even decode as the call's argument).
        let (_, proof) = main_state(&[]);
        let mut big = proof.clone();
        big.push(vec![0; 1025]);
        assert_noop!(
            submit(&headers, justify(last(&headers), 1, &pairs), Some(big)),
            Error::<Test>::ProofTooLarge
        );
    });
}

#[test]
fn history_keeps_the_newest_headers() {
    new_test_ext().execute_with(|| {
        let mut tip = checkpoint();
        for _ in 0..3 {
            let headers = chain(&tip, MAX_HEADERS, 0, plain_root);
            assert_ok!(submit(
                &headers,
                justify(last(&headers), 0, &round0()[..3]),
                None
            ));
            tip = last(&headers).clone();
            check_invariants();
        }
        let head = head().number;
        assert_eq!(head, CHECKPOINT + 3 * MAX_HEADERS);
        assert_eq!(
            FinalizedHeaders::<Test>::iter_keys().count(),
            HISTORY as usize
        );
        assert_eq!(
            Client::state_root(head + 1 - HISTORY),
            Some(plain_root(head + 1 - HISTORY))
        );
        assert_eq!(Client::state_root(head - HISTORY), None);
        assert_eq!(Client::state_root(CHECKPOINT), None);
    });
}

#[test]
fn the_admin_may_replace_the_anchor() {
    new_test_ext().execute_with(|| {
        finalize_round0(3);
        let (pairs, producers) = round1();
        let voters: BoundedVec<_, ConstU32<MAX_VOTERS>> =
            BoundedVec::truncate_from(producers.iter().map(|p| (p.packing_key, p.stake)).collect());
        let anchor = header(20, H256::repeat_byte(0x20), plain_root(20), 1);
        let checkpoint = kept(&anchor, 1);
        assert_noop!(
            Client::force_checkpoint(RuntimeOrigin::signed(1), checkpoint, voters.clone()),
            DispatchError::BadOrigin
        );
        let behind = FinalizedMainHeader {
            number: 12,
            ..checkpoint
        };
        assert_noop!(
            Client::force_checkpoint(RuntimeOrigin::root(), behind, voters.clone()),
            Error::<Test>::CheckpointBehindHead
        );
        let zero = FinalizedMainHeader {
            state_root: H256::zero(),
            ..checkpoint
        };
        assert_noop!(
            Client::force_checkpoint(RuntimeOrigin::root(), zero, voters.clone()),
            Error::<Test>::ZeroStateRoot
        );
        assert_noop!(
            Client::force_checkpoint(RuntimeOrigin::root(), checkpoint, BoundedVec::new()),
            Error::<Test>::NoVoters
        );
        assert_ok!(Client::force_checkpoint(
            RuntimeOrigin::root(),
            checkpoint,
            voters
        ));
        System::assert_last_event(
            Event::CheckpointForced {
                number: 20,
                hash: anchor.hash(),
                round: 1,
                voters: 4,
            }
            .into(),
        );
        assert_eq!(Client::state_root(13), None);
        assert_eq!(Client::state_root(20), Some(plain_root(20)));
        check_invariants();
        let headers = chain(&anchor, 1, 1, plain_root);
        assert_ok!(submit(
            &headers,
            justify(last(&headers), 1, &pairs[..3]),
            None
        ));
        assert_eq!(Client::finalized_number(), 21);
    });
}

/// The key is FRAME's key of `Poc::NextProducers` and the decoder reads what `pallet-wcme-poc`
/// stores there.
#[test]
fn next_producers_key_and_format_match_the_poc_pallet() {
    // FRAME's hash of pallet and item names (`System` is the well-known `26aa394e…`).
    assert_eq!(
        hex(&twox_128(b"System")),
        "0x26aa394eea5630e07c48ae0c9558cef7"
    );
    let mut expected = twox_128(MAIN_POC_PALLET).to_vec();
    expected.extend_from_slice(&twox_128(NEXT_PRODUCERS_ITEM));
    assert_eq!(next_producers_key().to_vec(), expected);
    assert_eq!(
        hex(&next_producers_key()),
        "0x92528040466738fab549d445675b82f85869ecc239ab63277fa33e33ee6b61b4"
    );

    let (_, producers) = round1();
    let records: BoundedVec<pallet_wcme_poc::ProducerRecord<AccountId32>, ConstU32<8>> =
        BoundedVec::truncate_from(
            producers
                .iter()
                .map(|p| pallet_wcme_poc::ProducerRecord {
                    agent: p.agent.clone(),
                    packing_key: p.packing_key,
                    stake: p.stake,
                    reward_weight: p.reward_weight,
                })
                .collect(),
        );
    assert_eq!(records.encode(), producers.encode());
}

fn hex(bytes: &[u8]) -> String {
    let mut out = String::from("0x");
    for byte in bytes {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

#[test]
fn weights_grow_with_the_work() {
    let headers = chain(&checkpoint(), 2, 0, plain_root);
    let small = Client::submit_main_headers_weight(1, &justify(last(&headers), 0, &[]), None);
    let signed =
        Client::submit_main_headers_weight(2, &justify(last(&headers), 0, &round0()), None);
    let (_, proof) = main_state(&[]);
    let proof = BoundedVec::truncate_from(proof);
    let handed =
        Client::submit_main_headers_weight(2, &justify(last(&headers), 0, &round0()), Some(&proof));
    assert!(small.all_lt(signed));
    assert!(signed.all_lt(handed));
}
