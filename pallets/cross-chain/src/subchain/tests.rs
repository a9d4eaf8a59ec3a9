//! Unit and property tests of the subchain side of WCME transfers on the mock subchain runtime
//! ([`super::mock`]), with real storage proofs of a simulated main-chain state ([`MainState`],
//! the main side's keys) whose roots the mock light client verifies: minting in order, replays,
//! forged and foreign proofs, expiry, burning, settlement and refunds, C3D (the C3N sets,
//! broadcasts, attestations, acceptance at more than 2/3 of both sides, delivery of attested
//! messages only), every error of the calls, origins, the storage keys; and a property test of
//! the `Minted` total.

use super::{
    AttestedMessages, BatchOf, C3dChannel, C3ns, Config, Error, Event, GenesisConfig, Minted,
    NextInboundSeq, NextOutboundSeq, Outbound, OwnId, ProofOf, Receipts, WeightInfo, mock::*,
};
use crate::{
    c3d::{C3nId, batch_digest, message_hash},
    message::{
        Receipt, TransferMessage, main_outbound_key, main_receipt_key, subchain_outbound_key,
        subchain_receipt_key,
    },
};
use codec::Encode;
use frame_support::{
    BoundedVec, assert_noop, assert_ok,
    traits::{
        Hooks, PalletInfoAccess,
        fungible::{Inspect, Mutate},
    },
};
use proptest::prelude::*;
use sp_core::H256;
use sp_runtime::{BuildStorage, DispatchError, DispatchResult};

/// The main chain's C3Ns of the tests.
const MAIN_C3NS: [u128; 3] = [100, 101, 102];
/// The subchain's C3Ns of the tests.
const SUBCHAIN_C3NS: [u128; 3] = [200, 201, 202];
/// `BatchExpiry` of the test defaults.
const BATCH_EXPIRY: u64 = 10;

fn receive(at: u32, message: TransferMessage, proof: ProofOf<Test>) -> DispatchResult {
    CrossChain::receive_from_main(RuntimeOrigin::signed(RELAYER), at, message, proof)
}

fn send(who: u128, dest: [u8; 32], amount: u128) -> DispatchResult {
    CrossChain::transfer_to_main(RuntimeOrigin::signed(who), dest, amount)
}

fn settle(seq: u64, at: u32, proof: ProofOf<Test>) -> DispatchResult {
    CrossChain::settle_outbound(RuntimeOrigin::signed(RELAYER), seq, at, proof)
}

fn wcme(who: u128) -> u128 {
    Wcme::balance(&who)
}

/// `accounts` as a `set_c3ns` argument.
fn c3n_list(accounts: &[u128]) -> BoundedVec<u128, <Test as Config>::MaxC3ns> {
    BoundedVec::try_from(accounts.to_vec()).expect("within MaxC3ns")
}

/// Root sets `main` and `subchain` as the C3Ns.
fn set_c3ns(main: &[u128], subchain: &[u128]) -> DispatchResult {
    CrossChain::set_c3ns(RuntimeOrigin::root(), c3n_list(main), c3n_list(subchain))
}

/// `hashes` as a batch.
fn batch(hashes: &[H256]) -> BatchOf<Test> {
    BoundedVec::try_from(hashes.to_vec()).expect("within MaxBatch")
}

/// `n` distinct hashes.
fn hashes(n: u64) -> Vec<H256> {
    (0..n).map(H256::from_low_u64_be).collect()
}

fn broadcast(who: u128, first: u64, hashes: &[H256]) -> DispatchResult {
    CrossChain::broadcast_batch(RuntimeOrigin::signed(who), first, batch(hashes))
}

fn attest_batch(who: u128, first: u64, digest: H256) -> DispatchResult {
    CrossChain::attest_batch(RuntimeOrigin::signed(who), first, digest)
        .map(|_| ())
        .map_err(|error| error.error)
}

/// The C3N id of mock account `who`.
fn c3n(who: u128) -> C3nId {
    bytes_of(who)
}

/// Gets `messages` (consecutive, from the channel's next message) accepted by the C3Ns as the
/// relayers and C3Ns would: sets [`MAIN_C3NS`] and [`SUBCHAIN_C3NS`] if no C3Ns are set, one
/// C3N (not the last broadcaster) broadcasts their hashes and the others attest until the batch
/// is accepted.
fn attest(messages: &[TransferMessage]) {
    if C3ns::<Test>::get().main.is_empty() {
        assert_ok!(set_c3ns(&MAIN_C3NS, &SUBCHAIN_C3NS));
    }
    let channel = C3dChannel::<Test>::get();
    let first = messages.first().expect("a message").seq;
    assert_eq!(
        first, channel.next,
        "the batch starts at the channel's next message"
    );
    let hashes: Vec<H256> = messages.iter().map(message_hash).collect();
    let c3ns: Vec<u128> = MAIN_C3NS.iter().chain(&SUBCHAIN_C3NS).copied().collect();
    let broadcaster = *c3ns
        .iter()
        .find(|who| channel.last_broadcaster != Some(c3n(**who)))
        .expect("another C3N");
    assert_ok!(broadcast(broadcaster, first, &hashes));
    let digest = batch_digest(first, &hashes);
    for who in c3ns.iter().filter(|who| **who != broadcaster) {
        if C3dChannel::<Test>::get().pending.is_none() {
            break;
        }
        assert_ok!(attest_batch(*who, first, digest));
    }
    assert_eq!(C3dChannel::<Test>::get().pending, None, "accepted");
    for message in messages {
        assert_eq!(
            AttestedMessages::<Test>::get(message.seq),
            Some(message_hash(message))
        );
    }
}

/// Records `message`'s hash as accepted directly in storage, as if a quorum of faulty C3Ns had
/// attested it: for the proof checks behind the attestation.
fn force_attested(message: &TransferMessage) {
    AttestedMessages::<Test>::insert(message.seq, message_hash(message));
}

fn last_event() -> Event<Test> {
    System::events()
        .into_iter()
        .filter_map(|record| match record.event {
            RuntimeEvent::CrossChain(event) => Some(event),
            _ => None,
        })
        .next_back()
        .expect("a cross-chain event")
}

fn check_invariants() {
    assert_ok!(CrossChain::do_try_state());
    assert_eq!(Wcme::total_issuance(), CrossChain::minted());
}

/// Mints `amount` to `who` through a proven main → subchain message (the next one of `state`),
/// verified as main-chain block `at`.
fn mint(state: &mut MainState, at: u32, who: u128, amount: u128) {
    let message = state.send(bytes_of(ALICE), who, amount, 1_000);
    attest(&[message]);
    let proof = state.verify_message(at, message.seq);
    assert_ok!(receive(at, message, proof));
}

// --- main → subchain -------------------------------------------------------------------------------

#[test]
fn a_proven_message_is_minted_to_its_destination() {
    new_test_ext().execute_with(|| {
        let mut state = MainState::default();
        let message = state.send(bytes_of(ALICE), BOB, 100, 50);
        attest(&[message]);
        let proof = state.verify_message(7, 0);
        assert_ok!(receive(7, message, proof));
        assert_eq!(wcme(BOB), 100);
        assert_eq!(CrossChain::minted(), 100);
        assert_eq!(Wcme::total_issuance(), 100);
        assert_eq!(AttestedMessages::<Test>::get(0), None);
        assert_eq!(CrossChain::receipt(0), Some(Receipt::Delivered));
        assert_eq!(CrossChain::next_inbound_seq(), 1);
        assert_eq!(
            last_event(),
            Event::TransferReceived {
                seq: 0,
                sender: bytes_of(ALICE),
                dest: BOB,
                amount: 100,
            }
        );

        // The next one, from a later main-chain state.
        let message = state.send(bytes_of(ALICE), CHARLIE, 30, 50);
        attest(&[message]);
        let proof = state.verify_message(8, 1);
        assert_ok!(receive(8, message, proof));
        assert_eq!(wcme(CHARLIE), 30);
        assert_eq!(CrossChain::minted(), 130);
        assert_eq!(CrossChain::receipt(1), Some(Receipt::Delivered));
        assert_eq!(CrossChain::next_inbound_seq(), 2);
        check_invariants();
    });
}

#[test]
fn a_message_is_received_once() {
    new_test_ext().execute_with(|| {
        let mut state = MainState::default();
        let message = state.send(bytes_of(ALICE), BOB, 100, 50);
        attest(&[message]);
        let proof = state.verify_message(7, 0);
        assert_ok!(receive(7, message, proof.clone()));
        assert_noop!(receive(7, message, proof), Error::<Test>::Replayed);
        // Also against a later state that still holds it.
        state.send(bytes_of(ALICE), BOB, 5, 50);
        let proof = state.verify_message(9, 0);
        assert_noop!(receive(9, message, proof), Error::<Test>::Replayed);
        assert_eq!(wcme(BOB), 100);
        check_invariants();
    });
}

#[test]
fn messages_are_received_in_order_checked_before_the_proof() {
    new_test_ext().execute_with(|| {
        let mut state = MainState::default();
        let first = state.send(bytes_of(ALICE), BOB, 100, 50);
        let second = state.send(bytes_of(ALICE), BOB, 20, 50);
        // Both attested: the order is what refuses the second.
        attest(&[first, second]);
        let proof = state.verify_message(7, 1);
        assert_noop!(receive(7, second, proof), Error::<Test>::OutOfOrder);
        // Refused before any proof is read: an empty proof gives the same error.
        assert_noop!(
            receive(7, second, bounded_proof(vec![])),
            Error::<Test>::OutOfOrder
        );
        assert_eq!(CrossChain::next_inbound_seq(), 0);
        assert_eq!(wcme(BOB), 0);
    });
}

#[test]
fn the_proof_must_show_exactly_the_message() {
    new_test_ext().execute_with(|| {
        let mut state = MainState::default();
        let message = state.send(bytes_of(ALICE), BOB, 100, 50);
        attest(&[message]);
        let proof = state.verify_message(7, 0);
        for forged in [
            TransferMessage {
                amount: 1_000,
                ..message
            },
            TransferMessage {
                dest: bytes_of(CHARLIE),
                ..message
            },
            TransferMessage {
                timeout: 500,
                ..message
            },
        ] {
            // Refused by the C3Ns' attestation; and were a faulty quorum to attest it, still by
            // the proof.
            assert_noop!(
                receive(7, forged, proof.clone()),
                Error::<Test>::NotAttested
            );
            force_attested(&forged);
            assert_noop!(
                receive(7, forged, proof.clone()),
                Error::<Test>::MessageNotInProof
            );
        }
        force_attested(&message);

        // A state without the message: the proof shows the key absent.
        let empty = MainState::default();
        let proof = empty.verify_message(8, 0);
        assert_noop!(receive(8, message, proof), Error::<Test>::MessageNotInProof);

        // The message queued for another subchain.
        let mut other = MainState::default();
        other.put_message(SUBCHAIN + 1, message);
        let (root, proof) = other.prove(&[
            main_outbound_key(SUBCHAIN, 0),
            main_outbound_key(SUBCHAIN + 1, 0),
        ]);
        verify_root(9, root);
        assert_noop!(
            receive(9, message, bounded_proof(proof)),
            Error::<Test>::MessageNotInProof
        );

        // A value that is not a message at the right key.
        let mut garbage = MainState::default();
        garbage.put_raw(main_outbound_key(SUBCHAIN, 0), vec![1, 2, 3]);
        let proof = garbage.verify_message(10, 0);
        assert_noop!(
            receive(10, message, proof),
            Error::<Test>::MessageNotInProof
        );
        assert_eq!(CrossChain::minted(), 0);
    });
}

#[test]
fn a_proof_must_verify_against_the_verified_root() {
    new_test_ext().execute_with(|| {
        let mut state = MainState::default();
        let message = state.send(bytes_of(ALICE), BOB, 100, 50);
        attest(&[message]);
        let proof = state.verify_message(7, 0);

        // A proof of another state (block 8's root is another one).
        let mut other = MainState::default();
        other.send(bytes_of(ALICE), BOB, 100, 50);
        other.put_raw(b"more".to_vec(), vec![1]);
        verify_root(8, other.prove(&[]).0);
        assert_noop!(
            receive(8, message, proof.clone()),
            Error::<Test>::InvalidProof
        );

        // Each node tampered with, or left out.
        for index in 0..proof.len() {
            let mut nodes = proof.to_vec();
            nodes[index][0] ^= 0x01;
            assert_noop!(
                receive(7, message, bounded_proof(nodes)),
                Error::<Test>::InvalidProof
            );
            let mut nodes = proof.to_vec();
            nodes.remove(index);
            assert_noop!(
                receive(7, message, bounded_proof(nodes)),
                Error::<Test>::InvalidProof
            );
        }

        // Unused nodes are tolerated.
        let mut padded = proof.to_vec();
        padded.push(vec![0xab; 40]);
        assert_ok!(receive(7, message, bounded_proof(padded)));
        assert_eq!(wcme(BOB), 100);
    });
}

#[test]
fn the_main_chain_block_must_be_verified_with_a_non_zero_root() {
    new_test_ext().execute_with(|| {
        let mut state = MainState::default();
        let message = state.send(bytes_of(ALICE), BOB, 100, 50);
        let proof = state.verify_message(7, 0);
        assert_noop!(
            receive(6, message, proof.clone()),
            Error::<Test>::NotVerified
        );
        verify_root(5, H256::zero());
        assert_noop!(
            receive(5, message, proof.clone()),
            Error::<Test>::NotVerified
        );
        // The check comes before the order's: even a replay of nothing is `NotVerified`.
        let later = TransferMessage { seq: 3, ..message };
        assert_noop!(receive(6, later, proof), Error::<Test>::NotVerified);
    });
}

#[test]
fn oversize_proofs_are_refused_before_anything_else() {
    new_test_ext().execute_with(|| {
        let mut state = MainState::default();
        let message = state.send(bytes_of(ALICE), BOB, 100, 50);
        let proof = state.verify_message(7, 0);
        let mut nodes = proof.to_vec();
        nodes.push(vec![0; MAX_PROOF_NODE_SIZE as usize + 1]);
        // Refused even at an unverified height.
        assert_noop!(
            receive(99, message, bounded_proof(nodes.clone())),
            Error::<Test>::ProofTooLarge
        );
        assert_noop!(
            settle(0, 99, bounded_proof(nodes)),
            Error::<Test>::ProofTooLarge
        );
        // More than `MaxProofNodes` nodes do not even make a call argument.
        let many = vec![vec![0u8; 4]; MAX_PROOF_NODES as usize + 1];
        assert!(ProofOf::<Test>::try_from(many).is_err());
    });
}

#[test]
fn a_message_arriving_at_its_timeout_expires_and_mints_nothing() {
    new_test_ext().execute_with(|| {
        let mut state = MainState::default();
        let late = state.send(bytes_of(ALICE), BOB, 100, 5);
        let next = state.send(bytes_of(ALICE), BOB, 30, 50);
        attest(&[late, next]);
        System::set_block_number(5);
        let proof = state.verify_message(7, 0);
        assert_ok!(receive(7, late, proof));
        assert_eq!(wcme(BOB), 0);
        assert_eq!(CrossChain::minted(), 0);
        assert_eq!(CrossChain::receipt(0), Some(Receipt::Expired));
        assert_eq!(CrossChain::next_inbound_seq(), 1);
        assert_eq!(AttestedMessages::<Test>::get(0), None);
        assert_eq!(
            last_event(),
            Event::TransferExpired {
                seq: 0,
                amount: 100
            }
        );
        // The channel goes on: the next message is delivered.
        let proof = state.verify_message(7, 1);
        assert_ok!(receive(7, next, proof));
        assert_eq!(wcme(BOB), 30);
        assert_eq!(CrossChain::receipt(1), Some(Receipt::Delivered));
        check_invariants();
    });
}

#[test]
fn an_expired_message_needs_no_valid_destination() {
    new_test_ext().execute_with(|| {
        let mut state = MainState::default();
        let mut message = state.send(bytes_of(ALICE), BOB, 100, 1);
        message.dest = [0xff; 32];
        state.put_message(SUBCHAIN, message);
        attest(&[message]);
        let proof = state.verify_message(7, 0);
        assert_ok!(receive(7, message, proof));
        assert_eq!(CrossChain::receipt(0), Some(Receipt::Expired));
    });
}

#[test]
fn the_destination_must_be_an_account_that_can_receive() {
    new_test_ext().execute_with(|| {
        let mut state = MainState::default();
        // A `u128` account is 16 bytes: 32 bytes with a non-zero tail name none.
        let mut message = state.send(bytes_of(ALICE), BOB, 100, 50);
        message.dest = [0xff; 32];
        state.put_message(SUBCHAIN, message);
        attest(&[message]);
        let proof = state.verify_message(7, 0);
        assert_noop!(
            receive(7, message, proof),
            Error::<Test>::InvalidDestination
        );
    });
    new_test_ext().execute_with(|| {
        // Below the existential deposit of a new account: retried later, or expires.
        WcmeExistentialDeposit::set(500);
        let mut state = MainState::default();
        let message = state.send(bytes_of(ALICE), BOB, 100, 50);
        attest(&[message]);
        let proof = state.verify_message(8, 0);
        assert_noop!(
            receive(8, message, proof.clone()),
            Error::<Test>::CannotReceive
        );
        System::set_block_number(50);
        assert_ok!(receive(8, message, proof));
        assert_eq!(CrossChain::receipt(0), Some(Receipt::Expired));
        assert_eq!(Wcme::total_issuance(), 0);
    });
}

// --- subchain → main -------------------------------------------------------------------------------

#[test]
fn sending_burns_and_queues_the_exact_message() {
    new_test_ext().execute_with(|| {
        let mut state = MainState::default();
        mint(&mut state, 7, BOB, 100);
        set_finalized(120);
        let dest = [9u8; 32];
        assert_ok!(send(BOB, dest, 40));
        assert_eq!(wcme(BOB), 60);
        assert_eq!(CrossChain::minted(), 60);
        assert_eq!(Wcme::total_issuance(), 60);
        let expected = TransferMessage {
            seq: 0,
            sender: bytes_of(BOB),
            dest,
            amount: 40,
            timeout: 120 + TRANSFER_TIMEOUT,
        };
        assert_eq!(CrossChain::outbound(0), Some(expected));
        assert_eq!(CrossChain::next_outbound_seq(), 1);
        assert_eq!(
            last_event(),
            Event::TransferSent {
                seq: 0,
                sender: BOB,
                dest,
                amount: 40,
                timeout: 120 + TRANSFER_TIMEOUT,
            }
        );
        // What the main chain reads at `subchain_outbound_key(0)`.
        assert_eq!(
            frame_support::storage::unhashed::get_raw(&subchain_outbound_key(0)),
            Some(expected.encode())
        );

        // Everything: the account is emptied and reaped.
        assert_ok!(send(BOB, dest, 60));
        assert_eq!(wcme(BOB), 0);
        assert_eq!(CrossChain::minted(), 0);
        assert_eq!(
            CrossChain::outbound(1).map(|m| (m.seq, m.amount)),
            Some((1, 60))
        );
        check_invariants();
    });
}

#[test]
fn sending_needs_the_minimum_the_funds_and_no_dust() {
    new_test_ext().execute_with(|| {
        let mut state = MainState::default();
        mint(&mut state, 7, BOB, 100);
        assert_noop!(
            send(BOB, [9; 32], MIN_TRANSFER - 1),
            Error::<Test>::BelowMinTransfer
        );
        assert_noop!(send(BOB, [9; 32], 101), Error::<Test>::ExceedsMinted);
        mint(&mut state, 7, CHARLIE, 100);
        assert_noop!(send(BOB, [9; 32], 101), Error::<Test>::InsufficientBalance);
        assert_noop!(send(ALICE, [9; 32], 10), Error::<Test>::InsufficientBalance);

        WcmeExistentialDeposit::set(5);
        assert_noop!(send(BOB, [9; 32], 97), Error::<Test>::WouldLeaveDust);
        assert_ok!(send(BOB, [9; 32], 95));
        assert_eq!(wcme(BOB), 5);
        check_invariants();
    });
}

#[test]
fn sending_more_than_was_minted_is_refused() {
    new_test_ext().execute_with(|| {
        let mut state = MainState::default();
        mint(&mut state, 7, BOB, 50);
        // WCME issued outside this pallet (a misconfiguration) cannot leave through it beyond
        // the minted total.
        assert_ok!(Wcme::mint_into(&CHARLIE, 100));
        assert_noop!(send(CHARLIE, [9; 32], 60), Error::<Test>::ExceedsMinted);
        assert!(CrossChain::do_try_state().is_err());
    });
}

#[test]
fn the_timeout_counts_from_the_verified_main_chain_head() {
    new_test_ext().execute_with(|| {
        let mut state = MainState::default();
        mint(&mut state, 7, BOB, 100);
        assert_ok!(send(BOB, [1; 32], 10));
        set_finalized(33);
        assert_ok!(send(BOB, [2; 32], 10));
        assert_eq!(
            CrossChain::outbound(0).map(|m| m.timeout),
            Some(TRANSFER_TIMEOUT)
        );
        assert_eq!(
            CrossChain::outbound(1).map(|m| (m.seq, m.dest, m.timeout)),
            Some((1, [2; 32], 33 + TRANSFER_TIMEOUT))
        );
        set_finalized(u32::MAX);
        assert_ok!(send(BOB, [3; 32], 10));
        assert_eq!(CrossChain::outbound(2).map(|m| m.timeout), Some(u32::MAX));
    });
}

// --- settlement --------------------------------------------------------------------------------------

#[test]
fn a_delivered_message_is_settled_once() {
    new_test_ext().execute_with(|| {
        let mut state = MainState::default();
        mint(&mut state, 7, BOB, 100);
        assert_ok!(send(BOB, [9; 32], 40));
        state.receipt(SUBCHAIN, 0, Receipt::Delivered);
        let proof = state.verify_receipt(8, 0);
        assert_ok!(settle(0, 8, proof.clone()));
        assert_eq!(CrossChain::outbound(0), None);
        assert_eq!(wcme(BOB), 60);
        assert_eq!(CrossChain::minted(), 60);
        assert_eq!(
            last_event(),
            Event::TransferDelivered { seq: 0, amount: 40 }
        );
        assert_noop!(settle(0, 8, proof), Error::<Test>::UnknownMessage);
        check_invariants();
    });
}

#[test]
fn an_expired_message_is_refunded_once() {
    new_test_ext().execute_with(|| {
        let mut state = MainState::default();
        mint(&mut state, 7, BOB, 100);
        assert_ok!(send(BOB, [9; 32], 100));
        assert_eq!(wcme(BOB), 0);
        state.receipt(SUBCHAIN, 0, Receipt::Expired);
        let proof = state.verify_receipt(8, 0);
        assert_ok!(settle(0, 8, proof.clone()));
        // The reaped account is recreated with the refund.
        assert_eq!(wcme(BOB), 100);
        assert_eq!(CrossChain::minted(), 100);
        assert_eq!(CrossChain::outbound(0), None);
        assert_eq!(
            last_event(),
            Event::TransferRefunded {
                seq: 0,
                sender: BOB,
                amount: 100,
            }
        );
        assert_noop!(settle(0, 8, proof), Error::<Test>::UnknownMessage);
        assert_eq!(wcme(BOB), 100);
        check_invariants();
    });
}

#[test]
fn settling_needs_a_proven_decodable_receipt_of_this_subchain() {
    new_test_ext().execute_with(|| {
        let mut state = MainState::default();
        mint(&mut state, 7, BOB, 100);
        assert_ok!(send(BOB, [9; 32], 40));

        // No receipt yet.
        let proof = state.verify_receipt(8, 0);
        assert_noop!(settle(0, 8, proof), Error::<Test>::NoReceipt);
        // Another subchain's receipt of its message 0.
        state.receipt(SUBCHAIN + 1, 0, Receipt::Expired);
        let (root, proof) = state.prove(&[
            main_receipt_key(SUBCHAIN, 0),
            main_receipt_key(SUBCHAIN + 1, 0),
        ]);
        verify_root(9, root);
        assert_noop!(settle(0, 9, bounded_proof(proof)), Error::<Test>::NoReceipt);
        // Garbage.
        state.put_raw(main_receipt_key(SUBCHAIN, 0), vec![7]);
        let proof = state.verify_receipt(10, 0);
        assert_noop!(settle(0, 10, proof), Error::<Test>::InvalidReceipt);
        state.put_raw(main_receipt_key(SUBCHAIN, 0), vec![1, 0]);
        let proof = state.verify_receipt(11, 0);
        assert_noop!(settle(0, 11, proof), Error::<Test>::InvalidReceipt);

        // An unknown message, an unverified block, a proof of another state.
        state.receipt(SUBCHAIN, 0, Receipt::Expired);
        let proof = state.verify_receipt(12, 0);
        assert_noop!(settle(1, 12, proof.clone()), Error::<Test>::UnknownMessage);
        assert_noop!(settle(0, 13, proof.clone()), Error::<Test>::NotVerified);
        assert_noop!(settle(0, 8, proof.clone()), Error::<Test>::InvalidProof);
        assert_ok!(settle(0, 12, proof));
        assert_eq!(wcme(BOB), 100);
    });
}

#[test]
fn a_refund_the_sender_cannot_receive_waits() {
    new_test_ext().execute_with(|| {
        let mut state = MainState::default();
        mint(&mut state, 7, BOB, 100);
        assert_ok!(send(BOB, [9; 32], 100));
        state.receipt(SUBCHAIN, 0, Receipt::Expired);
        let proof = state.verify_receipt(8, 0);
        WcmeExistentialDeposit::set(200);
        assert_noop!(settle(0, 8, proof.clone()), Error::<Test>::CannotReceive);
        WcmeExistentialDeposit::set(1);
        assert_ok!(settle(0, 8, proof));
        assert_eq!(wcme(BOB), 100);
    });
}

// --- the subchain's id, origins ----------------------------------------------------------------------

#[test]
fn nothing_moves_until_the_subchain_id_is_set_once() {
    new_test_ext_with(None).execute_with(|| {
        let mut state = MainState::default();
        let message = state.send(bytes_of(ALICE), BOB, 100, 50);
        let proof = state.verify_message(7, 0);
        assert_noop!(
            receive(7, message, proof.clone()),
            Error::<Test>::NoSubchainId
        );
        assert_noop!(send(BOB, [9; 32], 10), Error::<Test>::NoSubchainId);
        assert_noop!(settle(0, 7, proof.clone()), Error::<Test>::NoSubchainId);
        assert_ok!(set_c3ns(&MAIN_C3NS, &SUBCHAIN_C3NS));
        assert_noop!(
            broadcast(MAIN_C3NS[0], 0, &[message_hash(&message)]),
            Error::<Test>::NoSubchainId
        );
        assert_noop!(
            CrossChain::set_subchain_id(RuntimeOrigin::signed(BOB), SUBCHAIN),
            DispatchError::BadOrigin
        );
        assert_ok!(CrossChain::set_subchain_id(RuntimeOrigin::root(), SUBCHAIN));
        assert_eq!(CrossChain::subchain_id(), Some(SUBCHAIN));
        assert_eq!(last_event(), Event::SubchainIdSet { id: SUBCHAIN });
        assert_noop!(
            CrossChain::set_subchain_id(RuntimeOrigin::root(), SUBCHAIN + 1),
            Error::<Test>::SubchainIdAlreadySet
        );
        attest(&[message]);
        assert_ok!(receive(7, message, proof));
        assert_eq!(wcme(BOB), 100);
    });
    new_test_ext().execute_with(|| {
        assert_eq!(OwnId::<Test>::get(), Some(SUBCHAIN));
        assert_noop!(
            CrossChain::set_subchain_id(RuntimeOrigin::root(), SUBCHAIN),
            Error::<Test>::SubchainIdAlreadySet
        );
    });
}

#[test]
fn calls_need_a_signed_origin() {
    new_test_ext().execute_with(|| {
        let mut state = MainState::default();
        let message = state.send(bytes_of(ALICE), BOB, 100, 50);
        let proof = state.verify_message(7, 0);
        for origin in [RuntimeOrigin::none(), RuntimeOrigin::root()] {
            assert_noop!(
                CrossChain::receive_from_main(origin.clone(), 7, message, proof.clone()),
                DispatchError::BadOrigin
            );
            assert_noop!(
                CrossChain::transfer_to_main(origin.clone(), [9; 32], 10),
                DispatchError::BadOrigin
            );
            assert_noop!(
                CrossChain::settle_outbound(origin.clone(), 0, 7, proof.clone()),
                DispatchError::BadOrigin
            );
            assert_noop!(
                CrossChain::broadcast_batch(origin.clone(), 0, batch(&hashes(1))),
                DispatchError::BadOrigin
            );
            assert_noop!(
                CrossChain::attest_batch(origin, 0, H256::zero()),
                DispatchError::BadOrigin
            );
        }
        assert_noop!(
            CrossChain::set_subchain_id(RuntimeOrigin::none(), 1),
            DispatchError::BadOrigin
        );
        for origin in [RuntimeOrigin::none(), RuntimeOrigin::signed(MAIN_C3NS[0])] {
            assert_noop!(
                CrossChain::set_c3ns(origin, c3n_list(&MAIN_C3NS), c3n_list(&SUBCHAIN_C3NS)),
                DispatchError::BadOrigin
            );
        }
    });
}

// --- C3D ---------------------------------------------------------------------------------------

#[test]
fn root_sets_both_sides_c3ns() {
    new_test_ext().execute_with(|| {
        assert_eq!(C3ns::<Test>::get().main.len(), 0);
        assert_noop!(
            CrossChain::set_c3ns(
                RuntimeOrigin::signed(MAIN_C3NS[0]),
                c3n_list(&MAIN_C3NS),
                c3n_list(&SUBCHAIN_C3NS)
            ),
            DispatchError::BadOrigin
        );
        // `MinMainC3ns` and `MinSubchainC3ns` are 2.
        assert_noop!(
            set_c3ns(&MAIN_C3NS[..1], &SUBCHAIN_C3NS),
            Error::<Test>::TooFewC3ns
        );
        assert_noop!(
            set_c3ns(&MAIN_C3NS, &SUBCHAIN_C3NS[..1]),
            Error::<Test>::TooFewC3ns
        );
        assert_noop!(set_c3ns(&[], &[]), Error::<Test>::TooFewC3ns);
        assert_noop!(
            set_c3ns(&[100, 101, 100], &SUBCHAIN_C3NS),
            Error::<Test>::DuplicateC3n
        );
        assert_noop!(
            set_c3ns(&MAIN_C3NS, &[200, 200]),
            Error::<Test>::DuplicateC3n
        );

        // A C3N may be one of both sides.
        assert_ok!(set_c3ns(&MAIN_C3NS, &[200, 100]));
        let c3ns = C3ns::<Test>::get();
        assert_eq!(
            c3ns.main.to_vec(),
            MAIN_C3NS.iter().map(|who| c3n(*who)).collect::<Vec<_>>()
        );
        assert_eq!(c3ns.subchain.to_vec(), vec![c3n(200), c3n(100)]);
        assert_eq!(
            last_event(),
            Event::C3nsSet {
                main: 3,
                subchain: 2
            }
        );
        let view = CrossChain::c3d_view();
        assert_eq!(view.main_c3ns, c3ns.main.to_vec());
        assert_eq!(view.subchain_c3ns, c3ns.subchain.to_vec());
        assert_eq!((view.max_batch, view.expiry), (16, BATCH_EXPIRY as u32));
        check_invariants();
    });
}

#[test]
fn broadcasts_are_checked_before_anything_changes() {
    new_test_ext().execute_with(|| {
        let batch_of_two = hashes(2);
        // No C3Ns yet.
        assert_noop!(
            broadcast(MAIN_C3NS[0], 0, &batch_of_two),
            Error::<Test>::TooFewC3ns
        );
        assert_ok!(set_c3ns(&MAIN_C3NS, &SUBCHAIN_C3NS));
        assert_noop!(broadcast(RELAYER, 0, &batch_of_two), Error::<Test>::NotC3n);
        assert_noop!(
            broadcast(MAIN_C3NS[0], 1, &batch_of_two),
            Error::<Test>::WrongFirst
        );
        assert_noop!(broadcast(MAIN_C3NS[0], 0, &[]), Error::<Test>::EmptyBatch);

        // Broadcast at block 1: the broadcaster's attestation.
        assert_ok!(broadcast(MAIN_C3NS[0], 0, &batch_of_two));
        let digest = batch_digest(0, &batch_of_two);
        assert_eq!(
            last_event(),
            Event::BatchBroadcast {
                first: 0,
                count: 2,
                digest,
                broadcaster: c3n(MAIN_C3NS[0]),
            }
        );
        let channel = C3dChannel::<Test>::get();
        let pending = channel.pending.clone().expect("pending");
        assert_eq!(
            (pending.first, pending.hashes.to_vec(), pending.broadcast_at),
            (0, batch_of_two.clone(), 1)
        );
        assert_eq!(pending.attesters.to_vec(), vec![c3n(MAIN_C3NS[0])]);
        assert_eq!(pending.digest(), digest);
        assert_eq!(channel.last_broadcaster, Some(c3n(MAIN_C3NS[0])));
        assert_eq!(channel.next, 0);

        // Pending until block 1 + BatchExpiry; the same C3N may not replace its own.
        System::set_block_number(BATCH_EXPIRY);
        assert_noop!(
            broadcast(SUBCHAIN_C3NS[0], 0, &hashes(3)),
            Error::<Test>::BatchPending
        );
        System::set_block_number(1 + BATCH_EXPIRY);
        assert_noop!(
            broadcast(MAIN_C3NS[0], 0, &hashes(3)),
            Error::<Test>::ConsecutiveBroadcast
        );
        assert_ok!(broadcast(SUBCHAIN_C3NS[0], 0, &hashes(3)));
        let channel = C3dChannel::<Test>::get();
        let pending = channel.pending.expect("replaced");
        assert_eq!(pending.hashes.len(), 3);
        assert_eq!(pending.broadcast_at, 1 + BATCH_EXPIRY as u32);
        assert_eq!(pending.attesters.to_vec(), vec![c3n(SUBCHAIN_C3NS[0])]);
        assert_eq!(channel.last_broadcaster, Some(c3n(SUBCHAIN_C3NS[0])));
        // The old batch's digest names nothing now.
        assert_noop!(
            attest_batch(MAIN_C3NS[1], 0, digest),
            Error::<Test>::WrongDigest
        );
        check_invariants();
    });
}

#[test]
fn the_last_broadcaster_may_not_broadcast_the_next_batch() {
    new_test_ext().execute_with(|| {
        let mut state = MainState::default();
        let message = state.send(bytes_of(ALICE), BOB, 100, 50);
        attest(&[message]);
        let broadcaster = C3dChannel::<Test>::get()
            .last_broadcaster
            .expect("a broadcaster");
        assert_eq!(broadcaster, c3n(MAIN_C3NS[0]));
        // Nothing changes: not even the channel.
        assert_noop!(
            broadcast(MAIN_C3NS[0], 1, &hashes(1)),
            Error::<Test>::ConsecutiveBroadcast
        );
        assert_eq!(C3dChannel::<Test>::get().pending, None);
        assert_ok!(broadcast(MAIN_C3NS[1], 1, &hashes(1)));
        assert_eq!(
            C3dChannel::<Test>::get().last_broadcaster,
            Some(c3n(MAIN_C3NS[1]))
        );
    });
}

#[test]
fn attestations_are_checked() {
    new_test_ext().execute_with(|| {
        assert_ok!(set_c3ns(&MAIN_C3NS, &SUBCHAIN_C3NS));
        assert_noop!(
            attest_batch(MAIN_C3NS[1], 0, H256::zero()),
            Error::<Test>::NoPendingBatch
        );
        let batch_of_two = hashes(2);
        assert_ok!(broadcast(MAIN_C3NS[0], 0, &batch_of_two));
        let digest = batch_digest(0, &batch_of_two);
        assert_noop!(
            attest_batch(MAIN_C3NS[1], 0, H256::zero()),
            Error::<Test>::WrongDigest
        );
        assert_noop!(
            attest_batch(MAIN_C3NS[1], 1, digest),
            Error::<Test>::WrongDigest
        );
        assert_noop!(
            attest_batch(MAIN_C3NS[1], 0, batch_digest(0, &hashes(3))),
            Error::<Test>::WrongDigest
        );
        assert_noop!(attest_batch(RELAYER, 0, digest), Error::<Test>::NotC3n);
        assert_noop!(
            attest_batch(MAIN_C3NS[0], 0, digest),
            Error::<Test>::AlreadyAttested
        );
        assert_ok!(attest_batch(MAIN_C3NS[1], 0, digest));
        assert_eq!(
            last_event(),
            Event::BatchAttested {
                first: 0,
                attester: c3n(MAIN_C3NS[1]),
            }
        );
        assert_noop!(
            attest_batch(MAIN_C3NS[1], 0, digest),
            Error::<Test>::AlreadyAttested
        );
        check_invariants();
    });
}

/// Broadcasts a batch of three by the first main-chain C3N, then has `first` attest, then
/// `then`: the batch is accepted only at `then`'s last attestation.
fn accepted_after(first: &[u128], then: &[u128]) {
    let batch_of_three = hashes(3);
    assert_ok!(broadcast(MAIN_C3NS[0], 0, &batch_of_three));
    let digest = batch_digest(0, &batch_of_three);
    for who in first
        .iter()
        .chain(then.iter().take(then.len().saturating_sub(1)))
    {
        assert_ok!(attest_batch(*who, 0, digest));
        assert!(C3dChannel::<Test>::get().pending.is_some(), "not yet");
    }
    assert_eq!(AttestedMessages::<Test>::iter().count(), 0);
    assert_ok!(attest_batch(*then.last().expect("a last C3N"), 0, digest));
    assert_eq!(last_event(), Event::BatchAccepted { first: 0, last: 2 });
    let channel = C3dChannel::<Test>::get();
    assert_eq!((channel.next, channel.pending), (3, None));
    for (seq, hash) in batch_of_three.iter().enumerate() {
        assert_eq!(AttestedMessages::<Test>::get(seq as u64), Some(*hash));
    }
    assert_eq!(CrossChain::attested_message(1), Some(batch_of_three[1]));
    check_invariants();
}

#[test]
fn a_batch_is_accepted_by_more_than_two_thirds_of_both_sides() {
    // All the subchain's C3Ns, and exactly 2/3 of the main chain's: not yet; the third main
    // C3N accepts it.
    new_test_ext().execute_with(|| {
        assert_ok!(set_c3ns(&MAIN_C3NS, &SUBCHAIN_C3NS));
        accepted_after(
            &[
                SUBCHAIN_C3NS[0],
                SUBCHAIN_C3NS[1],
                SUBCHAIN_C3NS[2],
                MAIN_C3NS[1],
            ],
            &[MAIN_C3NS[2]],
        );
    });
    // All the main chain's, and exactly 2/3 of the subchain's: not yet.
    new_test_ext().execute_with(|| {
        assert_ok!(set_c3ns(&MAIN_C3NS, &SUBCHAIN_C3NS));
        accepted_after(
            &[
                MAIN_C3NS[1],
                MAIN_C3NS[2],
                SUBCHAIN_C3NS[0],
                SUBCHAIN_C3NS[1],
            ],
            &[SUBCHAIN_C3NS[2]],
        );
    });
    // Four a side: three of four (> 2/3) suffice.
    new_test_ext().execute_with(|| {
        assert_ok!(set_c3ns(&[100, 101, 102, 103], &[200, 201, 202, 203]));
        accepted_after(&[101, 102, 200, 201], &[202]);
    });
}

#[test]
fn a_message_is_received_only_once_attested() {
    new_test_ext().execute_with(|| {
        let mut state = MainState::default();
        let message = state.send(bytes_of(ALICE), BOB, 100, 50);
        let proof = state.verify_message(7, 0);
        // Proven, not attested.
        assert_noop!(
            receive(7, message, proof.clone()),
            Error::<Test>::NotAttested
        );
        // Another message with the same seq attested: its hash differs.
        let other = TransferMessage {
            amount: 99,
            ..message
        };
        attest(&[other]);
        assert_noop!(
            receive(7, message, proof.clone()),
            Error::<Test>::NotAttested
        );
        // Checked before the proof is read: an empty proof gives the same error.
        assert_noop!(
            receive(7, message, bounded_proof(vec![])),
            Error::<Test>::NotAttested
        );
        // The attested one is not in the main chain's state.
        assert_noop!(
            receive(7, other, proof.clone()),
            Error::<Test>::MessageNotInProof
        );
        assert_eq!(wcme(BOB), 0);
        check_invariants();
    });
    new_test_ext().execute_with(|| {
        let mut state = MainState::default();
        let message = state.send(bytes_of(ALICE), BOB, 100, 50);
        let proof = state.verify_message(7, 0);
        attest(&[message]);
        assert_eq!(
            AttestedMessages::<Test>::get(0),
            Some(message_hash(&message))
        );
        assert_ok!(receive(7, message, proof));
        assert_eq!(wcme(BOB), 100);
        assert_eq!(AttestedMessages::<Test>::get(0), None);
        assert_eq!(AttestedMessages::<Test>::iter().count(), 0);
        check_invariants();
    });
}

#[test]
fn the_genesis_may_set_the_c3ns() {
    let genesis = |main: Vec<u128>, subchain: Vec<u128>| RuntimeGenesisConfig {
        cross_chain: GenesisConfig {
            subchain_id: Some(SUBCHAIN),
            main_c3ns: main,
            subchain_c3ns: subchain,
            ..Default::default()
        },
        ..Default::default()
    };
    let mut ext: sp_io::TestExternalities = genesis(MAIN_C3NS.to_vec(), vec![200, 100])
        .build_storage()
        .expect("builds")
        .into();
    ext.execute_with(|| {
        let c3ns = C3ns::<Test>::get();
        assert_eq!(c3ns.main.len(), 3);
        assert_eq!(c3ns.subchain.to_vec(), vec![c3n(200), c3n(100)]);
    });
    // None at all: none stored.
    let mut ext: sp_io::TestExternalities = genesis(vec![], vec![])
        .build_storage()
        .expect("builds")
        .into();
    ext.execute_with(|| assert_eq!(C3ns::<Test>::get().main.len(), 0));
    // Too few, duplicates, or one side only: the genesis does not build.
    for (main, subchain) in [
        (MAIN_C3NS.to_vec(), vec![200]),
        (vec![100, 100], SUBCHAIN_C3NS.to_vec()),
        (MAIN_C3NS.to_vec(), vec![]),
        ((0..17).collect(), SUBCHAIN_C3NS.to_vec()),
    ] {
        let built = std::panic::catch_unwind(|| genesis(main, subchain).build_storage());
        assert!(built.is_err(), "an invalid genesis panics");
    }
}

// --- formats, configuration, weights ---------------------------------------------------------------

#[test]
fn the_storage_keys_are_those_the_main_chain_reads() {
    new_test_ext().execute_with(|| {
        assert_eq!(<CrossChain as PalletInfoAccess>::name(), "CrossChain");
        for seq in [0u64, 1, 1_000_000, u64::MAX] {
            assert_eq!(
                Outbound::<Test>::hashed_key_for(seq),
                subchain_outbound_key(seq)
            );
            assert_eq!(
                Receipts::<Test>::hashed_key_for(seq),
                subchain_receipt_key(seq)
            );
        }
        // And the values are where the main chain reads them.
        let mut state = MainState::default();
        mint(&mut state, 7, BOB, 100);
        assert_eq!(
            frame_support::storage::unhashed::get_raw(&subchain_receipt_key(0)),
            Some(Receipt::Delivered.encode())
        );
        assert_eq!(NextInboundSeq::<Test>::get(), 1);
        assert_eq!(NextOutboundSeq::<Test>::get(), 0);
        assert_eq!(Minted::<Test>::get(), 100);
    });
}

#[test]
fn the_configuration_is_valid_and_weights_grow_with_the_proof() {
    new_test_ext().execute_with(|| {
        CrossChain::integrity_test();
        let small = <() as WeightInfo>::receive_from_main(1);
        let large = <() as WeightInfo>::receive_from_main(MAX_PROOF_NODES);
        assert!(large.ref_time() > small.ref_time());
        assert!(
            <() as WeightInfo>::settle_outbound(2).ref_time()
                > <() as WeightInfo>::settle_outbound(1).ref_time()
        );
        assert!(<() as WeightInfo>::transfer_to_main().ref_time() > 0);
        assert!(<() as WeightInfo>::set_subchain_id().ref_time() > 0);
        assert!(
            <() as WeightInfo>::set_c3ns(16, 16).ref_time()
                > <() as WeightInfo>::set_c3ns(2, 2).ref_time()
        );
        // Accepting writes one `AttestedMessages` entry per message.
        for weight in [
            <() as WeightInfo>::broadcast_batch as fn(u32) -> frame_support::weights::Weight,
            <() as WeightInfo>::attest_batch,
        ] {
            let db = frame_support::weights::constants::RocksDbWeight::get();
            assert!(weight(16).ref_time() >= weight(0).ref_time() + db.writes(16).ref_time());
        }
    });
}

// --- property test -------------------------------------------------------------------------------------

/// One step of the property test.
#[derive(Clone, Debug)]
enum Op {
    /// The main chain sends `amount` to account `dest` (`0..3`), which arrives in time or not.
    Receive {
        dest: usize,
        amount: u128,
        expired: bool,
    },
    /// Account `who` (`0..3`) sends `amount` to the main chain (refused above its balance or
    /// below the minimum).
    Send { who: usize, amount: u128 },
    /// The main chain's receipt of the `pick`-th unsettled message is proven.
    Settle { pick: usize, expired: bool },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0usize..3, 1u128..1_000, any::<bool>()).prop_map(|(dest, amount, expired)| Op::Receive {
            dest,
            amount,
            expired
        }),
        (0usize..3, 0u128..1_200).prop_map(|(who, amount)| Op::Send { who, amount }),
        (any::<usize>(), any::<bool>()).prop_map(|(pick, expired)| Op::Settle { pick, expired }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Random receipts, sends and settlements: `Minted` is always minted − burned + refunded,
    /// equal to the WCME total issuance, and every account holds exactly what it was minted,
    /// less what it sent, plus its refunds.
    #[test]
    fn the_minted_total_follows_mints_burns_and_refunds(ops in prop::collection::vec(op(), 1..30)) {
        new_test_ext().execute_with(|| -> Result<(), TestCaseError> {
            let accounts = [BOB, CHARLIE, ALICE];
            let mut state = MainState::default();
            let mut at = 0u32;
            let (mut minted, mut burned, mut refunded) = (0u128, 0u128, 0u128);
            let mut balances = [0u128; 3];
            let mut unsettled: Vec<(u64, usize, u128)> = Vec::new();
            for op in ops {
                at += 1;
                match op {
                    Op::Receive { dest, amount, expired } => {
                        let timeout = if expired { 1 } else { 1_000 };
                        let message = state.send(bytes_of(ALICE), accounts[dest], amount, timeout);
                        attest(&[message]);
                        let proof = state.verify_message(at, message.seq);
                        prop_assert_eq!(receive(at, message, proof), Ok(()));
                        let receipt = if expired { Receipt::Expired } else { Receipt::Delivered };
                        prop_assert_eq!(CrossChain::receipt(message.seq), Some(receipt));
                        if !expired {
                            minted += amount;
                            balances[dest] += amount;
                        }
                    }
                    Op::Send { who, amount } => {
                        let seq = CrossChain::next_outbound_seq();
                        let result = send(accounts[who], [1; 32], amount);
                        let ok = amount >= MIN_TRANSFER && amount <= balances[who];
                        prop_assert_eq!(result.is_ok(), ok, "{:?}", result);
                        if ok {
                            burned += amount;
                            balances[who] -= amount;
                            unsettled.push((seq, who, amount));
                        }
                    }
                    Op::Settle { pick, expired } => {
                        if unsettled.is_empty() {
                            continue;
                        }
                        let (seq, who, amount) = unsettled.remove(pick % unsettled.len());
                        let receipt = if expired { Receipt::Expired } else { Receipt::Delivered };
                        state.receipt(SUBCHAIN, seq, receipt);
                        let proof = state.verify_receipt(at, seq);
                        prop_assert_eq!(settle(seq, at, proof.clone()), Ok(()));
                        prop_assert!(settle(seq, at, proof).is_err());
                        if expired {
                            refunded += amount;
                            balances[who] += amount;
                        }
                    }
                }
                let outstanding = minted + refunded - burned;
                prop_assert_eq!(CrossChain::minted(), outstanding);
                prop_assert_eq!(Wcme::total_issuance(), outstanding);
                for (index, account) in accounts.iter().enumerate() {
                    prop_assert_eq!(wcme(*account), balances[index]);
                }
                let queued: u128 = Outbound::<Test>::iter_values().map(|m| m.amount).sum();
                let expected: u128 = unsettled.iter().map(|(_, _, amount)| amount).sum();
                prop_assert_eq!(queued, expected);
                prop_assert_eq!(CrossChain::do_try_state(), Ok(()));
            }
            Ok(())
        })?;
    }
}

/// The main chain's state holding its C3Ns (as accounts' bytes) and the subchain's registered
/// validator set (sr25519 keys whose accounts are `validators`' bytes).
fn main_c3d_state(main: &[u128], validators: &[u128]) -> MainState {
    let mut state = MainState::default();
    let main: Vec<C3nId> = main.iter().map(|who| c3n(*who)).collect();
    state.put_raw(crate::message::main_c3ns_key(), main.encode());
    let set = pallet_wcme_subchains::ValidatorSet {
        id: 3u64,
        keys: validators
            .iter()
            .map(|who| crate::types::C3nKey::Sr25519(c3n(*who)))
            .collect::<Vec<_>>(),
    };
    state.put_raw(crate::message::validator_set_key(SUBCHAIN), set.encode());
    state
}

/// Verifies `state` at main-chain block `at` and proves both C3N keys there.
fn c3d_proof(state: &MainState, at: u32) -> ProofOf<Test> {
    let (root, proof) = state.prove(&[
        crate::message::main_c3ns_key(),
        crate::message::validator_set_key(SUBCHAIN),
    ]);
    verify_root(at, root);
    bounded_proof(proof)
}

fn sync(at: u32, proof: ProofOf<Test>) -> DispatchResult {
    CrossChain::sync_c3ns(RuntimeOrigin::signed(RELAYER), at, proof)
}

#[test]
fn the_c3ns_follow_the_main_chain_state() {
    new_test_ext().execute_with(|| {
        let state = main_c3d_state(&[40, 41], &[50, 51, 52]);
        let proof = c3d_proof(&state, 5);
        assert_ok!(sync(5, proof.clone()));
        let c3ns = C3ns::<Test>::get();
        assert_eq!(c3ns.main.to_vec(), vec![c3n(40), c3n(41)]);
        assert_eq!(c3ns.subchain.to_vec(), vec![c3n(50), c3n(51), c3n(52)]);
        assert_eq!(super::C3nsSyncedAt::<Test>::get(), Some(5));
        System::assert_last_event(
            Event::C3nsSynced {
                at: 5,
                main: 2,
                subchain: 3,
            }
            .into(),
        );
        // The same block, or an older one, again: stale.
        assert_noop!(sync(5, proof.clone()), Error::<Test>::StaleC3ns);
        let older = c3d_proof(&main_c3d_state(&[42, 43], &[50, 51]), 4);
        assert_noop!(sync(4, older), Error::<Test>::StaleC3ns);
        // A later block with a governance change and a validator-set change.
        let later = main_c3d_state(&[42, 43, 44], &[51, 52]);
        assert_ok!(sync(9, c3d_proof(&later, 9)));
        let c3ns = C3ns::<Test>::get();
        assert_eq!(c3ns.main.to_vec(), vec![c3n(42), c3n(43), c3n(44)]);
        assert_eq!(c3ns.subchain.to_vec(), vec![c3n(51), c3n(52)]);
        // The new C3Ns attest; the old no longer do.
        assert_noop!(broadcast(40, 0, &hashes(1)), Error::<Test>::NotC3n);
        assert_ok!(broadcast(42, 0, &hashes(1)));
    });
}

#[test]
fn a_sync_is_proven_against_a_verified_root_and_checked() {
    new_test_ext().execute_with(|| {
        let state = main_c3d_state(&[40, 41], &[50, 51]);
        let proof = c3d_proof(&state, 5);
        assert_noop!(
            CrossChain::sync_c3ns(RuntimeOrigin::root(), 5, proof.clone()),
            sp_runtime::DispatchError::BadOrigin
        );
        assert_noop!(sync(6, proof.clone()), Error::<Test>::NotVerified);
        // A proof of another state (the root verified at 7 is not the proof's).
        verify_root(7, H256::repeat_byte(7));
        assert_noop!(sync(7, proof.clone()), Error::<Test>::InvalidProof);
        // Too few C3Ns on either side, duplicates, no registered set, garbage.
        for (bad, error) in [
            (main_c3d_state(&[40], &[50, 51]), Error::<Test>::TooFewC3ns),
            (main_c3d_state(&[40, 41], &[50]), Error::<Test>::TooFewC3ns),
            (
                main_c3d_state(&[40, 40], &[50, 51]),
                Error::<Test>::DuplicateC3n,
            ),
        ] {
            assert_noop!(sync(8, c3d_proof(&bad, 8)), error);
        }
        let mut unregistered = MainState::default();
        unregistered.put_raw(
            crate::message::main_c3ns_key(),
            vec![c3n(40), c3n(41)].encode(),
        );
        assert_noop!(
            sync(8, c3d_proof(&unregistered, 8)),
            Error::<Test>::InvalidC3ns
        );
        let mut garbage = main_c3d_state(&[40, 41], &[50, 51]);
        garbage.put_raw(crate::message::main_c3ns_key(), vec![9, 9, 9]);
        assert_noop!(sync(8, c3d_proof(&garbage, 8)), Error::<Test>::InvalidC3ns);
        let max = <<Test as Config>::MaxC3ns as frame_support::traits::Get<u32>>::get();
        let many: Vec<u128> = (100..101 + u128::from(max)).collect();
        assert_noop!(
            sync(8, c3d_proof(&main_c3d_state(&many, &[50, 51]), 8)),
            Error::<Test>::TooManyC3ns
        );
        assert_ok!(sync(5, proof));
    });
}

#[test]
fn a_sync_needs_the_subchain_id() {
    new_test_ext_with(None).execute_with(|| {
        let state = main_c3d_state(&[40, 41], &[50, 51]);
        assert_noop!(sync(5, c3d_proof(&state, 5)), Error::<Test>::NoSubchainId);
    });
}
