//! Unit tests of WCME transfers on the mock runtime (real registry, real balances), with real
//! storage proofs of a simulated subchain state ([`SubchainState`]) audited through
//! `submit_headers`: locks and releases with exact balances and escrow totals, ordering,
//! replays, expiry, settlement, every error of the three calls; the storage keys and message
//! formats; the proof reader on its own.

use crate::{
    Error, EscrowTotal, Event, NextInboundSeq, NextOutboundSeq, Outbound, Outflow, ProofOf,
    Receipts,
    message::{
        self, Receipt, SeqCheck, TransferMessage, main_outbound_key, main_receipt_key,
        subchain_outbound_key, subchain_receipt_key,
    },
    mock::*,
    proof::{self, ProofError},
    types::{AuditedHeader, SubchainId},
};
use codec::{Decode, Encode, MaxEncodedLen};
use frame_support::{
    StorageHasher, Twox64Concat, Twox128, assert_noop, assert_ok,
    traits::{Hooks, PalletInfoAccess},
};
use pallet_wcme_subchains::{SubchainRegistry, SubchainStatus};
use sp_core::H256;
use sp_runtime::{DispatchError, DispatchResult};

fn send(who: u128, subchain: SubchainId, dest: [u8; 32], amount: u128) -> DispatchResult {
    CrossChain::transfer_to_subchain(RuntimeOrigin::signed(who), subchain, dest, amount)
}

fn receive(
    subchain: SubchainId,
    at: u32,
    message: TransferMessage,
    proof: ProofOf<Test>,
) -> DispatchResult {
    CrossChain::receive_from_subchain(RuntimeOrigin::signed(RELAYER), subchain, at, message, proof)
}

fn settle(subchain: SubchainId, seq: u64, at: u32, proof: ProofOf<Test>) -> DispatchResult {
    CrossChain::settle_outbound(RuntimeOrigin::signed(RELAYER), subchain, seq, at, proof)
}

fn free(who: u128) -> u128 {
    Balances::free_balance(who)
}

fn escrow_balance(subchain: SubchainId) -> u128 {
    free(CrossChain::escrow_account(subchain))
}

fn gas(subchain: SubchainId) -> u128 {
    pallet_wcme_subchains::Subchains::<Test>::get(subchain)
        .expect("registered")
        .gas
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
}

/// A PBFT subchain with 4 validators into whose escrow ALICE locked `amount` (message 0).
fn with_escrow(amount: u128) -> (SubchainId, Vec<sp_core::sr25519::Pair>) {
    let (id, keys) = register_bft(4);
    if amount > 0 {
        assert_ok!(send(ALICE, id, [7; 32], amount));
    }
    (id, keys)
}

/// A proof of `keys` from `state`, whose root must be audited already.
fn proof_of(state: &SubchainState, keys: &[Vec<u8>]) -> ProofOf<Test> {
    bounded_proof(state.prove(keys).1)
}

// --- the whole way -------------------------------------------------------------------------------

#[test]
fn a_hundred_out_and_forty_back_move_exact_amounts() {
    new_test_ext().execute_with(|| {
        let (id, keys) = register_bft(4);
        let escrow = CrossChain::escrow_account(id);
        let gas_before = gas(id);
        let sub_dest = [7u8; 32];

        // Main → subchain: 100 locked.
        assert_ok!(send(ALICE, id, sub_dest, 100));
        assert_eq!(free(ALICE), ALICE_FUNDS - 100);
        assert_eq!(free(escrow), 100);
        assert_eq!(CrossChain::escrow_total(id), 100);
        assert_eq!(gas(id), gas_before - MESSAGE_FEE);
        let sent = TransferMessage {
            seq: 0,
            sender: bytes_of(ALICE),
            dest: sub_dest,
            amount: 100,
            timeout: TRANSFER_TIMEOUT,
        };
        assert_eq!(CrossChain::outbound(id, 0), Some(sent));
        assert_eq!(CrossChain::next_outbound_seq(id), 1);
        assert_eq!(
            last_event(),
            Event::TransferSent {
                subchain: id,
                seq: 0,
                sender: ALICE,
                dest: sub_dest,
                amount: 100,
                timeout: TRANSFER_TIMEOUT,
            }
        );
        check_invariants();

        // The subchain minted it (receipt 0 delivered), then burned 40 for BOB.
        let mut state = SubchainState::default();
        state.receipt(0, Receipt::Delivered);
        let back = state.send(sub_dest, BOB, 40, 1_000);
        let at = audit_root(id, &keys, state.root());
        // Not received before both sides' C3Ns accepted it.
        let proof = proof_of(&state, &[subchain_outbound_key(0)]);
        assert_noop!(
            receive(id, at, back, proof.clone()),
            Error::<Test>::NotAttested
        );
        state.attest_through(id, 0);
        let gas_before = gas(id);
        assert_ok!(receive(id, at, back, proof));
        assert_eq!(free(BOB), 40);
        assert_eq!(free(escrow), 60);
        assert_eq!(CrossChain::escrow_total(id), 60);
        assert_eq!(free(ALICE), ALICE_FUNDS - 100);
        assert_eq!(gas(id), gas_before - MESSAGE_FEE);
        assert_eq!(CrossChain::receipt(id, 0), Some(Receipt::Delivered));
        assert_eq!(CrossChain::next_inbound_seq(id), 1);
        assert_eq!(
            last_event(),
            Event::TransferReceived {
                subchain: id,
                seq: 0,
                sender: sub_dest,
                dest: BOB,
                amount: 40,
            }
        );

        // Main → subchain message 0 is settled as delivered: its amount stays in escrow.
        let proof = proof_of(&state, &[subchain_receipt_key(0)]);
        assert_ok!(settle(id, 0, at, proof));
        assert_eq!(CrossChain::outbound(id, 0), None);
        assert_eq!(free(escrow), 60);
        assert_eq!(CrossChain::escrow_total(id), 60);
        assert_eq!(free(ALICE), ALICE_FUNDS - 100);
        assert_eq!(
            last_event(),
            Event::TransferDelivered {
                subchain: id,
                seq: 0,
                amount: 100,
            }
        );
        check_invariants();
    });
}

#[test]
fn the_timeout_counts_from_the_audited_head() {
    new_test_ext().execute_with(|| {
        let (id, keys) = register_bft(4);
        for _ in 0..3 {
            audit_root(id, &keys, H256::repeat_byte(5));
        }
        assert_ok!(send(ALICE, id, [1; 32], 10));
        assert_ok!(send(ALICE, id, [2; 32], 20));
        assert_eq!(
            CrossChain::outbound(id, 0).map(|m| (m.seq, m.timeout, m.amount)),
            Some((0, 3 + TRANSFER_TIMEOUT, 10))
        );
        assert_eq!(
            CrossChain::outbound(id, 1).map(|m| (m.seq, m.dest, m.timeout)),
            Some((1, [2; 32], 3 + TRANSFER_TIMEOUT))
        );
        assert_eq!(CrossChain::escrow_total(id), 30);
        check_invariants();
    });
}

// --- sending ---------------------------------------------------------------------------------------

#[test]
fn sending_needs_an_active_subchain_the_minimum_and_the_funds() {
    new_test_ext().execute_with(|| {
        let (id, _keys) = register_bft(4);
        assert_noop!(
            send(ALICE, 99, [7; 32], 100),
            Error::<Test>::UnknownSubchain
        );
        assert_noop!(
            send(ALICE, id, [7; 32], MIN_TRANSFER - 1),
            Error::<Test>::BelowMinTransfer
        );
        // Alice stays alive: all of her balance cannot go.
        assert_noop!(
            send(ALICE, id, [7; 32], ALICE_FUNDS),
            Error::<Test>::InsufficientBalance
        );
        assert_noop!(
            send(BOB, id, [7; 32], MIN_TRANSFER),
            Error::<Test>::InsufficientBalance
        );
        assert_ok!(send(ALICE, id, [7; 32], ALICE_FUNDS - 1));
        assert_eq!(free(ALICE), 1);
        assert_eq!(CrossChain::escrow_total(id), ALICE_FUNDS - 1);

        assert_ok!(<Subchains as SubchainRegistry<u128, u64>>::freeze(id, &[]));
        assert_noop!(send(OWNER, id, [7; 32], 100), Error::<Test>::SubchainFrozen);
        check_invariants();
    });
}

#[test]
fn each_message_costs_the_subchain_a_fee_until_it_is_suspended() {
    new_test_ext().execute_with(|| {
        assert_ok!(Subchains::set_gas_fees(RuntimeOrigin::root(), 0, MIN_GAS));
        let keys = validators(4);
        let id = register_with(crate::types::ConsensusKind::Pbft, &keys, MIN_STAKE);
        // Messages back, audited (for free) while the subchain is active.
        let mut state = SubchainState::default();
        let late = state.send([3; 32], BOB, 10, 1);
        let paid = state.send([3; 32], BOB, 10, 1_000);
        state.receipt(0, Receipt::Expired);
        let (at, proof) = state.audit_message(id, &keys, 0);
        // 1000 of gas at 100 a message: the 10th leaves 0 and suspends.
        for n in 1..=10u128 {
            assert_ok!(send(OWNER, id, [7; 32], 10));
            assert_eq!(gas(id), MIN_STAKE - n * MIN_GAS);
        }
        assert_eq!(
            <Subchains as SubchainRegistry<u128, u64>>::status(id),
            Some(SubchainStatus::Suspended)
        );
        assert_noop!(
            send(OWNER, id, [7; 32], 10),
            Error::<Test>::SubchainSuspended
        );
        assert_eq!(CrossChain::escrow_total(id), 100);

        // A suspended subchain cannot pay for a release, but an expired message is still
        // recorded (it costs no fee) and a settlement still refunds.
        assert_ok!(receive(id, at, late, proof));
        assert_eq!(CrossChain::receipt(id, 0), Some(Receipt::Expired));
        let proof = proof_of(&state, &[subchain_outbound_key(1)]);
        assert_noop!(
            receive(id, at, paid, proof),
            pallet_wcme_subchains::Error::<Test>::NotActive
        );
        let proof = proof_of(&state, &[subchain_receipt_key(0)]);
        let owner_before = free(OWNER);
        assert_ok!(settle(id, 0, at, proof));
        assert_eq!(free(OWNER), owner_before + 10);
        assert_eq!(CrossChain::escrow_total(id), 90);
        check_invariants();
    });
}

#[test]
fn every_call_needs_a_signed_origin() {
    new_test_ext().execute_with(|| {
        let (id, keys) = with_escrow(100);
        let mut state = SubchainState::default();
        let message = state.send([3; 32], BOB, 10, 1_000);
        state.receipt(0, Receipt::Delivered);
        let (at, proof) = state.audit_message(id, &keys, 0);
        for origin in [RuntimeOrigin::none(), RuntimeOrigin::root()] {
            assert_noop!(
                CrossChain::transfer_to_subchain(origin.clone(), id, [7; 32], 100),
                DispatchError::BadOrigin
            );
            assert_noop!(
                CrossChain::receive_from_subchain(origin.clone(), id, at, message, proof.clone()),
                DispatchError::BadOrigin
            );
            assert_noop!(
                CrossChain::settle_outbound(origin, id, 0, at, proof.clone()),
                DispatchError::BadOrigin
            );
        }
    });
}

// --- receiving -------------------------------------------------------------------------------------

#[test]
fn a_replayed_message_is_rejected_and_moves_nothing() {
    new_test_ext().execute_with(|| {
        let (id, keys) = with_escrow(100);
        let mut state = SubchainState::default();
        let message = state.send([3; 32], BOB, 30, 1_000);
        let (at, proof) = state.audit_message(id, &keys, 0);
        assert_ok!(receive(id, at, message, proof.clone()));
        assert_eq!(free(BOB), 30);
        assert_noop!(receive(id, at, message, proof), Error::<Test>::Replayed);
        // Still there in a later state, still a replay.
        state.send([3; 32], BOB, 5, 1_000);
        let (at, proof) = state.audit_message(id, &keys, 0);
        assert_noop!(receive(id, at, message, proof), Error::<Test>::Replayed);
        assert_eq!(free(BOB), 30);
        assert_eq!(CrossChain::escrow_total(id), 70);
        check_invariants();
    });
}

#[test]
fn messages_are_received_in_order_only() {
    new_test_ext().execute_with(|| {
        let (id, keys) = with_escrow(100);
        let mut state = SubchainState::default();
        let first = state.send([3; 32], BOB, 10, 1_000);
        let second = state.send([3; 32], BOB, 20, 1_000);
        let at = state.audit(id, &keys);
        let proof_second = proof_of(&state, &[subchain_outbound_key(1)]);
        assert_noop!(
            receive(id, at, second, proof_second.clone()),
            Error::<Test>::OutOfOrder
        );
        assert_ok!(receive(
            id,
            at,
            first,
            proof_of(&state, &[subchain_outbound_key(0)])
        ));
        assert_ok!(receive(id, at, second, proof_second));
        assert_eq!(free(BOB), 30);
        assert_eq!(CrossChain::next_inbound_seq(id), 2);
        assert_eq!(message::check_seq(1, 2), SeqCheck::Replayed);
        assert_eq!(message::check_seq(3, 2), SeqCheck::OutOfOrder);
        assert_eq!(message::check_seq(2, 2), SeqCheck::Next);
        check_invariants();
    });
}

#[test]
fn a_release_above_the_escrow_moves_nothing() {
    new_test_ext().execute_with(|| {
        let (id, keys) = with_escrow(100);
        let mut state = SubchainState::default();
        let greedy = state.send([3; 32], BOB, 101, 1_000);
        let (at, proof) = state.audit_message(id, &keys, 0);
        assert_noop!(receive(id, at, greedy, proof), Error::<Test>::ExceedsEscrow);
        // A subchain with nothing in escrow gets nothing.
        let (other, other_keys) = register_bft(4);
        let (at, proof) = state.audit_message(other, &other_keys, 0);
        assert_noop!(
            receive(other, at, greedy, proof),
            Error::<Test>::ExceedsEscrow
        );
        // The escrow of one subchain does not pay for another's.
        assert_eq!(CrossChain::escrow_total(other), 0);
        assert_eq!(CrossChain::escrow_total(id), 100);
        assert_eq!(free(BOB), 0);
        check_invariants();
    });
}

#[test]
fn releasing_the_whole_escrow_empties_it() {
    new_test_ext().execute_with(|| {
        let (id, keys) = with_escrow(100);
        let mut state = SubchainState::default();
        let all = state.send([3; 32], BOB, 100, 1_000);
        let (at, proof) = state.audit_message(id, &keys, 0);
        assert_ok!(receive(id, at, all, proof));
        assert_eq!(free(BOB), 100);
        assert_eq!(escrow_balance(id), 0);
        assert_eq!(CrossChain::escrow_total(id), 0);
        assert!(!EscrowTotal::<Test>::contains_key(id));
        check_invariants();
    });
}

#[test]
fn proofs_must_be_against_an_audited_root_and_hold_the_message() {
    new_test_ext().execute_with(|| {
        let (id, keys) = with_escrow(100);
        let mut state = SubchainState::default();
        let message = state.send([3; 32], BOB, 40, 1_000);
        let (at, proof) = state.audit_message(id, &keys, 0);

        // A height not audited (yet).
        assert_noop!(
            receive(id, at + 1, message, proof.clone()),
            Error::<Test>::NotAudited
        );
        // Another audited state (without the message): the proof is for a different root.
        let other_at = audit_root(id, &keys, SubchainState::default().root());
        assert_noop!(
            receive(id, other_at, message, proof.clone()),
            Error::<Test>::InvalidProof
        );
        // A tampered node, whichever it is, or a missing one.
        for index in 0..proof.len() {
            let mut tampered = proof.clone().into_inner();
            let node = &mut tampered[index];
            let last = node.len() - 1;
            node[last] ^= 0x01;
            assert_noop!(
                receive(id, at, message, bounded_proof(tampered)),
                Error::<Test>::InvalidProof
            );
            let mut missing = proof.clone().into_inner();
            missing.remove(index);
            assert_noop!(
                receive(id, at, message, bounded_proof(missing)),
                Error::<Test>::InvalidProof
            );
        }
        // Another message under that seq: not the one the C3Ns accepted.
        let forged = TransferMessage {
            amount: 41,
            ..message
        };
        assert_noop!(
            receive(id, at, forged, proof.clone()),
            Error::<Test>::NotAttested
        );
        // Even if the C3Ns had accepted it, the proof holds another message.
        accept_message(id, &forged);
        assert_noop!(
            receive(id, at, forged, proof.clone()),
            Error::<Test>::MessageNotInProof
        );
        accept_message(id, &message);
        // The proof shows the subchain holds nothing under that seq.
        let empty = SubchainState::default();
        let (empty_at, absent) = empty.audit_message(id, &keys, 0);
        assert_noop!(
            receive(id, empty_at, message, absent),
            Error::<Test>::MessageNotInProof
        );
        // A zero root is never accepted (the audit refuses one; stored anyway, it is refused).
        crate::AuditedHeaders::<Test>::insert(
            id,
            500,
            AuditedHeader {
                number: 500,
                hash: H256::repeat_byte(1),
                parent_hash: H256::repeat_byte(2),
                state_root: H256::zero(),
                extrinsics_root: H256::repeat_byte(3),
            },
        );
        assert_noop!(
            receive(id, 500, message, proof.clone()),
            Error::<Test>::NotAudited
        );
        crate::AuditedHeaders::<Test>::remove(id, 500);

        assert_ok!(receive(id, at, message, proof));
        assert_eq!(free(BOB), 40);
        check_invariants();
    });
}

#[test]
fn a_pruned_header_can_no_longer_be_proven_against() {
    new_test_ext().execute_with(|| {
        let (id, keys) = with_escrow(100);
        let mut state = SubchainState::default();
        let message = state.send([3; 32], BOB, 40, 1_000);
        let (at, proof) = state.audit_message(id, &keys, 0);
        for _ in 0..HISTORY {
            audit_root(id, &keys, H256::repeat_byte(8));
        }
        assert_eq!(CrossChain::audited_header(id, at), None);
        assert_noop!(receive(id, at, message, proof), Error::<Test>::NotAudited);
    });
}

#[test]
fn an_expired_message_is_recorded_and_does_not_block_the_next() {
    new_test_ext().execute_with(|| {
        let (id, keys) = with_escrow(100);
        System::set_block_number(50);
        let mut state = SubchainState::default();
        let late = state.send([3; 32], BOB, 30, 50);
        let next = state.send([3; 32], BOB, 20, 51);
        let (at, proof) = state.audit_message(id, &keys, 0);
        let gas_before = gas(id);
        assert_ok!(receive(id, at, late, proof));
        assert_eq!(CrossChain::receipt(id, 0), Some(Receipt::Expired));
        assert_eq!(CrossChain::next_inbound_seq(id), 1);
        assert_eq!(free(BOB), 0);
        assert_eq!(CrossChain::escrow_total(id), 100);
        assert_eq!(gas(id), gas_before);
        assert_eq!(
            last_event(),
            Event::TransferExpired {
                subchain: id,
                seq: 0,
                amount: 30,
            }
        );
        // Replaying the expired one is still a replay.
        let proof = proof_of(&state, &[subchain_outbound_key(0)]);
        assert_noop!(receive(id, at, late, proof), Error::<Test>::Replayed);

        let proof = proof_of(&state, &[subchain_outbound_key(1)]);
        assert_ok!(receive(id, at, next, proof));
        assert_eq!(CrossChain::receipt(id, 1), Some(Receipt::Delivered));
        assert_eq!(free(BOB), 20);
        assert_eq!(CrossChain::escrow_total(id), 80);
        check_invariants();
    });
}

#[test]
fn the_outflow_of_an_escrow_is_limited_per_block() {
    new_test_ext().execute_with(|| {
        MaxOutflow::set(50);
        let (id, keys) = with_escrow(200);
        let mut state = SubchainState::default();
        let first = state.send([3; 32], BOB, 30, 1_000);
        let second = state.send([3; 32], BOB, 30, 1_000);
        let too_big = state.send([3; 32], BOB, 51, 1_000);
        let at = state.audit(id, &keys);
        let proof = |seq| proof_of(&state, &[subchain_outbound_key(seq)]);
        assert_ok!(receive(id, at, first, proof(0)));
        assert_eq!(Outflow::<Test>::get(id), Some((1, 30)));
        assert_noop!(
            receive(id, at, second, proof(1)),
            Error::<Test>::OutflowLimit
        );
        System::set_block_number(2);
        assert_ok!(receive(id, at, second, proof(1)));
        assert_eq!(Outflow::<Test>::get(id), Some((2, 30)));
        // A message above the limit waits for its timeout, then expires.
        System::set_block_number(3);
        assert_noop!(
            receive(id, at, too_big, proof(2)),
            Error::<Test>::OutflowLimit
        );
        System::set_block_number(1_000);
        assert_ok!(receive(id, at, too_big, proof(2)));
        assert_eq!(CrossChain::receipt(id, 2), Some(Receipt::Expired));
        assert_eq!(free(BOB), 60);
        assert_eq!(CrossChain::escrow_total(id), 140);

        check_invariants();
    });
}

#[test]
fn refunds_count_towards_the_outflow_limit() {
    new_test_ext().execute_with(|| {
        MaxOutflow::set(50);
        let (id, keys) = with_escrow(100);
        assert_ok!(send(ALICE, id, [7; 32], 20));
        let mut state = SubchainState::default();
        state.receipt(0, Receipt::Expired);
        state.receipt(1, Receipt::Expired);
        let back = state.send([3; 32], BOB, 40, 1_000);
        let at = state.audit(id, &keys);
        let receipt = |seq| proof_of(&state, &[subchain_receipt_key(seq)]);
        assert_ok!(settle(id, 1, at, receipt(1)));
        assert_eq!(Outflow::<Test>::get(id), Some((1, 20)));
        assert_noop!(
            receive(id, at, back, proof_of(&state, &[subchain_outbound_key(0)])),
            Error::<Test>::OutflowLimit
        );
        // 100 is over the limit in any block.
        System::set_block_number(2);
        assert_noop!(settle(id, 0, at, receipt(0)), Error::<Test>::OutflowLimit);
        MaxOutflow::set(100);
        assert_ok!(settle(id, 0, at, receipt(0)));
        assert_eq!(free(ALICE), ALICE_FUNDS);
        assert_eq!(CrossChain::escrow_total(id), 0);
        check_invariants();
    });
}

#[test]
fn a_frozen_subchain_moves_nothing() {
    new_test_ext().execute_with(|| {
        let (id, keys) = with_escrow(100);
        let mut state = SubchainState::default();
        let message = state.send([3; 32], BOB, 30, 1_000);
        state.receipt(0, Receipt::Expired);
        let (at, proof) = state.audit_message(id, &keys, 0);
        let receipt_proof = proof_of(&state, &[subchain_receipt_key(0)]);
        assert_ok!(<Subchains as SubchainRegistry<u128, u64>>::freeze(id, &[]));
        assert_noop!(send(ALICE, id, [7; 32], 10), Error::<Test>::SubchainFrozen);
        assert_noop!(
            receive(id, at, message, proof),
            Error::<Test>::SubchainFrozen
        );
        assert_noop!(
            settle(id, 0, at, receipt_proof),
            Error::<Test>::SubchainFrozen
        );
        assert_noop!(
            receive(99, at, message, bounded_proof(Vec::new())),
            Error::<Test>::UnknownSubchain
        );
    });
}

#[test]
fn an_oversize_proof_is_refused_before_any_work() {
    new_test_ext().execute_with(|| {
        let (id, keys) = with_escrow(100);
        let mut state = SubchainState::default();
        let message = state.send([3; 32], BOB, 30, 1_000);
        let (at, proof) = state.audit_message(id, &keys, 0);
        // A node over MaxProofNodeSize, even at a height not audited.
        let mut big = proof.clone().into_inner();
        big.push(vec![0; MAX_PROOF_NODE_SIZE as usize + 1]);
        assert_noop!(
            receive(id, at, message, bounded_proof(big.clone())),
            Error::<Test>::ProofTooLarge
        );
        assert_noop!(
            receive(id, 999, message, bounded_proof(big.clone())),
            Error::<Test>::ProofTooLarge
        );
        assert_noop!(
            settle(id, 0, 999, bounded_proof(big)),
            Error::<Test>::ProofTooLarge
        );
        // More than MaxProofNodes nodes do not even decode.
        let too_many = vec![vec![0u8; 4]; MAX_PROOF_NODES as usize + 1];
        assert!(ProofOf::<Test>::try_from(too_many.clone()).is_err());
        let encoded = |nodes: Vec<Vec<u8>>| {
            let mut call = vec![<CrossChain as PalletInfoAccess>::index() as u8, 3];
            call.extend((id, at, message, nodes).encode());
            call
        };
        assert!(RuntimeCall::decode(&mut &encoded(too_many)[..]).is_err());
        let fitting = vec![vec![0u8; 4]; MAX_PROOF_NODES as usize];
        assert!(RuntimeCall::decode(&mut &encoded(fitting)[..]).is_ok());
        // Unused extra nodes within the bounds are harmless.
        let mut padded = proof.into_inner();
        while padded.len() < MAX_PROOF_NODES as usize {
            padded.push(vec![padded.len() as u8; MAX_PROOF_NODE_SIZE as usize]);
        }
        assert_ok!(receive(id, at, message, bounded_proof(padded)));
    });
}

#[test]
fn the_destination_must_be_an_account_that_can_receive() {
    new_test_ext().execute_with(|| {
        ExistentialDeposit::set(5);
        let (id, keys) = with_escrow(100);
        let mut state = SubchainState::default();
        // Bytes that are no mock account (a `u128` leaves the last 16 zero).
        let nowhere = TransferMessage {
            seq: 0,
            sender: [3; 32],
            dest: [1; 32],
            amount: 10,
            timeout: 1_000,
        };
        state.put_message(nowhere);
        let (at, proof) = state.audit_message(id, &keys, 0);
        assert_noop!(
            receive(id, at, nowhere, proof),
            Error::<Test>::InvalidDestination
        );
        // A new account below the existential deposit.
        let mut state = SubchainState::default();
        let dust = state.send([3; 32], BOB, 3, 1_000);
        let (at, proof) = state.audit_message(id, &keys, 0);
        assert_noop!(receive(id, at, dust, proof), Error::<Test>::CannotReceive);
        // The escrow would keep 3, below the existential deposit: refused, no dust lost.
        let mut state = SubchainState::default();
        let most = state.send([3; 32], BOB, 97, 1_000);
        let (at, proof) = state.audit_message(id, &keys, 0);
        assert_noop!(
            receive(id, at, most, proof),
            Error::<Test>::EscrowBelowMinimum
        );
        // Keeping 5 is fine.
        let mut state = SubchainState::default();
        let fine = state.send([3; 32], BOB, 95, 1_000);
        let (at, proof) = state.audit_message(id, &keys, 0);
        assert_ok!(receive(id, at, fine, proof));
        assert_eq!(escrow_balance(id), 5);
        assert_eq!(CrossChain::escrow_total(id), 5);
        check_invariants();
    });
}

/// Dust donated to an escrow account does not keep the last release from emptying it.
#[test]
fn donated_dust_does_not_block_the_last_release() {
    new_test_ext().execute_with(|| {
        ExistentialDeposit::set(5);
        let (id, keys) = with_escrow(100);
        let escrow = CrossChain::escrow_account(id);
        assert_ok!(<Balances as frame_support::traits::fungible::Mutate<
            u128,
        >>::transfer(
            &OWNER,
            &escrow,
            3,
            frame_support::traits::tokens::Preservation::Preserve,
        ));
        assert_eq!(escrow_balance(id), 103);
        check_invariants();
        let mut state = SubchainState::default();
        let all = state.send([3; 32], BOB, 100, 1_000);
        let (at, proof) = state.audit_message(id, &keys, 0);
        assert_ok!(receive(id, at, all, proof));
        assert_eq!(free(BOB), 100);
        assert_eq!(CrossChain::escrow_total(id), 0);
        assert_eq!(escrow_balance(id), 0);
        check_invariants();
    });
}

// --- settling ------------------------------------------------------------------------------------

#[test]
fn an_expired_transfer_is_refunded_exactly_once() {
    new_test_ext().execute_with(|| {
        let (id, keys) = with_escrow(100);
        assert_eq!(free(ALICE), ALICE_FUNDS - 100);
        let mut state = SubchainState::default();
        state.receipt(0, Receipt::Expired);
        let (at, proof) = state.audit_receipt(id, &keys, 0);
        let gas_before = gas(id);
        assert_ok!(settle(id, 0, at, proof.clone()));
        assert_eq!(free(ALICE), ALICE_FUNDS);
        assert_eq!(escrow_balance(id), 0);
        assert_eq!(CrossChain::escrow_total(id), 0);
        assert_eq!(CrossChain::outbound(id, 0), None);
        assert_eq!(gas(id), gas_before);
        assert_eq!(
            last_event(),
            Event::TransferRefunded {
                subchain: id,
                seq: 0,
                sender: ALICE,
                amount: 100,
            }
        );
        assert_noop!(settle(id, 0, at, proof), Error::<Test>::UnknownMessage);
        check_invariants();
    });
}

#[test]
fn settling_needs_a_known_message_and_a_proven_receipt() {
    new_test_ext().execute_with(|| {
        let (id, keys) = with_escrow(100);
        let empty = SubchainState::default();
        let (at, proof) = empty.audit_receipt(id, &keys, 0);
        assert_noop!(
            settle(id, 1, at, proof.clone()),
            Error::<Test>::UnknownMessage
        );
        assert_noop!(
            settle(id, 0, at + 1, proof.clone()),
            Error::<Test>::NotAudited
        );
        assert_noop!(settle(id, 0, at, proof), Error::<Test>::NoReceipt);

        let mut garbage = SubchainState::default();
        garbage.put_raw(subchain_receipt_key(0), vec![7]);
        let (at, proof) = garbage.audit_receipt(id, &keys, 0);
        assert_noop!(settle(id, 0, at, proof), Error::<Test>::InvalidReceipt);

        let mut delivered = SubchainState::default();
        delivered.receipt(0, Receipt::Delivered);
        let (at, proof) = delivered.audit_receipt(id, &keys, 0);
        let mut tampered = proof.clone().into_inner();
        for node in tampered.iter_mut() {
            node[0] ^= 0x80;
        }
        assert_noop!(
            settle(id, 0, at, bounded_proof(tampered)),
            Error::<Test>::InvalidProof
        );
        assert_ok!(settle(id, 0, at, proof.clone()));
        assert_noop!(settle(id, 0, at, proof), Error::<Test>::UnknownMessage);
        assert_eq!(CrossChain::escrow_total(id), 100);
        check_invariants();
    });
}

#[test]
fn a_refund_cannot_take_more_than_the_escrow() {
    new_test_ext().execute_with(|| {
        let (id, keys) = with_escrow(100);
        // A (misbehaving) subchain released 60 and then says message 0 expired.
        let mut state = SubchainState::default();
        let back = state.send([3; 32], BOB, 60, 1_000);
        state.receipt(0, Receipt::Expired);
        let (at, proof) = state.audit_message(id, &keys, 0);
        assert_ok!(receive(id, at, back, proof));
        let proof = proof_of(&state, &[subchain_receipt_key(0)]);
        assert_noop!(settle(id, 0, at, proof), Error::<Test>::ExceedsEscrow);
        assert_eq!(CrossChain::escrow_total(id), 40);
        check_invariants();
    });
}

// --- formats ---------------------------------------------------------------------------------------

#[test]
fn the_main_chain_keys_are_the_frame_storage_keys() {
    new_test_ext().execute_with(|| {
        for (subchain, seq) in [(0u32, 0u64), (1, 7), (42, u64::MAX)] {
            assert_eq!(
                main_outbound_key(subchain, seq),
                Outbound::<Test>::hashed_key_for(subchain, seq)
            );
            assert_eq!(
                main_receipt_key(subchain, seq),
                Receipts::<Test>::hashed_key_for(subchain, seq)
            );
            assert_eq!(main_outbound_key(subchain, seq).len(), 60);
            // What a subchain proves its C3Ns from (the mock names the registry `Subchains`, as
            // the main runtime does).
            assert_eq!(
                crate::message::validator_set_key(subchain),
                pallet_wcme_subchains::ValidatorSets::<Test>::hashed_key_for(subchain)
            );
        }
        assert_eq!(
            crate::message::main_c3ns_key(),
            crate::MainC3ns::<Test>::hashed_key().to_vec()
        );
    });
}

/// What the subchain-side pallet, named `CrossChain` in a subchain runtime, will produce with
/// `StorageMap<_, Twox64Concat, u64, _>` storages named `Outbound` and `Receipts`.
#[test]
fn the_subchain_keys_are_those_of_frame_maps_in_a_pallet_named_cross_chain() {
    struct SubOutbound;
    impl frame_support::traits::StorageInstance for SubOutbound {
        fn pallet_prefix() -> &'static str {
            "CrossChain"
        }
        const STORAGE_PREFIX: &'static str = "Outbound";
    }
    struct SubReceipts;
    impl frame_support::traits::StorageInstance for SubReceipts {
        fn pallet_prefix() -> &'static str {
            "CrossChain"
        }
        const STORAGE_PREFIX: &'static str = "Receipts";
    }
    type SubOutboundMap =
        frame_support::storage::types::StorageMap<SubOutbound, Twox64Concat, u64, TransferMessage>;
    type SubReceiptsMap =
        frame_support::storage::types::StorageMap<SubReceipts, Twox64Concat, u64, Receipt>;
    for seq in [0u64, 1, 1_000_000, u64::MAX] {
        assert_eq!(
            subchain_outbound_key(seq),
            SubOutboundMap::hashed_key_for(seq)
        );
        assert_eq!(
            subchain_receipt_key(seq),
            SubReceiptsMap::hashed_key_for(seq)
        );
        let mut expected = Twox128::hash(b"CrossChain").to_vec();
        expected.extend(Twox128::hash(b"Outbound"));
        expected.extend(Twox64Concat::hash(&seq.encode()));
        assert_eq!(subchain_outbound_key(seq), expected);
        assert_eq!(subchain_outbound_key(seq).len(), 48);
    }
    // And the main runtime names the pallet so.
    assert_eq!(<CrossChain as PalletInfoAccess>::name(), "CrossChain");
}

#[test]
fn message_and_receipt_encodings_are_fixed() {
    let message = TransferMessage {
        seq: 1,
        sender: [2; 32],
        dest: [3; 32],
        amount: 4,
        timeout: 5,
    };
    let encoded = message.encode();
    assert_eq!(encoded.len(), 92);
    assert_eq!(TransferMessage::max_encoded_len(), 92);
    let mut expected = 1u64.to_le_bytes().to_vec();
    expected.extend([2; 32]);
    expected.extend([3; 32]);
    expected.extend(4u128.to_le_bytes());
    expected.extend(5u32.to_le_bytes());
    assert_eq!(encoded, expected);
    assert_eq!(Receipt::Delivered.encode(), vec![0]);
    assert_eq!(Receipt::Expired.encode(), vec![1]);
    assert_eq!(Receipt::max_encoded_len(), 1);
}

#[test]
fn accounts_round_trip_through_message_bytes() {
    assert_eq!(
        message::account_from_bytes::<u128>(&bytes_of(ALICE)),
        Some(ALICE)
    );
    assert_eq!(message::account_from_bytes::<u128>(&[1; 32]), None);
    let id32 = sp_runtime::AccountId32::new([9; 32]);
    assert_eq!(message::account_to_bytes(&id32), Some([9; 32]));
    assert_eq!(
        message::account_from_bytes::<sp_runtime::AccountId32>(&[9; 32]),
        Some(id32)
    );
    assert_eq!(message::account_to_bytes(&[0u8; 33]), None);
}

// --- the proof reader ------------------------------------------------------------------------------

fn sample_state() -> Vec<(Vec<u8>, Vec<u8>)> {
    (0u32..200)
        .map(|i| (i.encode(), vec![i as u8; 1 + i as usize % 50]))
        .collect()
}

#[test]
fn a_proof_shows_a_value_or_its_absence() {
    let entries = sample_state();
    let present = 17u32.encode();
    let absent = 1_000u32.encode();
    let (root, nodes) = proof::build_proof(&entries, &[&present, &absent]);
    assert_eq!(
        proof::read_proof(root, &nodes, &present),
        Ok(Some(vec![17; 18]))
    );
    assert_eq!(proof::read_proof(root, &nodes, &absent), Ok(None));
    // A key the proof does not cover (its path leaves the proven ones at the root).
    assert_eq!(
        proof::read_proof(root, &nodes, &199u32.encode()),
        Err(ProofError::MissingNode)
    );
    // Another root, a zero root, a dropped node, garbage.
    assert_eq!(
        proof::read_proof(H256::repeat_byte(1), &nodes, &present),
        Err(ProofError::MissingNode)
    );
    assert_eq!(
        proof::read_proof(H256::zero(), &nodes, &present),
        Err(ProofError::ZeroRoot)
    );
    for index in 0..nodes.len() {
        let mut fewer = nodes.clone();
        fewer.remove(index);
        assert!(proof::read_proof(root, &fewer, &present).is_err());
    }
    let garbage = vec![0xffu8; 40];
    let garbage_root = H256(sp_io::hashing::blake2_256(&garbage));
    assert_eq!(
        proof::read_proof(garbage_root, &[garbage], &present),
        Err(ProofError::BadNode)
    );
}

#[test]
fn proof_bounds_are_checked_before_reading() {
    let entries = sample_state();
    let key = 5u32.encode();
    let (root, nodes) = proof::build_proof(&entries, &[&key]);
    let largest = nodes.iter().map(Vec::len).max().expect("nodes") as u32;
    let count = nodes.len() as u32;
    assert!(proof::read_proof_bounded(root, &nodes, &key, count, largest).is_ok());
    assert_eq!(
        proof::read_proof_bounded(root, &nodes, &key, count - 1, largest),
        Err(ProofError::TooManyNodes)
    );
    assert_eq!(
        proof::read_proof_bounded(root, &nodes, &key, count, largest - 1),
        Err(ProofError::NodeTooLarge)
    );
}

/// A proof from a real state backend (what `state_getReadProof` returns) reads the same.
#[test]
fn a_state_machine_read_proof_is_accepted() {
    let message = TransferMessage {
        seq: 3,
        sender: [1; 32],
        dest: bytes_of(BOB),
        amount: 77,
        timeout: 9,
    };
    let mut ext = sp_io::TestExternalities::new_empty();
    ext.execute_with(|| {
        for (key, value) in sample_state() {
            sp_io::storage::set(&key, &value);
        }
        sp_io::storage::set(&subchain_outbound_key(3), &message.encode());
    });
    ext.commit_all().expect("commits");
    let root = ext.execute_with(|| {
        H256::decode(&mut &sp_io::storage::root(sp_runtime::StateVersion::V1)[..]).expect("root")
    });
    let (value, proof) = ext.execute_and_prove(|| sp_io::storage::get(&subchain_outbound_key(3)));
    assert_eq!(value.map(|v| v.to_vec()), Some(message.encode()));
    let nodes: Vec<Vec<u8>> = proof.into_iter_nodes().collect();
    assert_eq!(
        proof::read_proof(root, &nodes, &subchain_outbound_key(3)),
        Ok(Some(message.encode()))
    );
    // The same state built by `build_proof` has the same root.
    let mut entries = sample_state();
    entries.push((subchain_outbound_key(3), message.encode()));
    // `TestExternalities` always holds an empty `:code`.
    entries.push((b":code".to_vec(), Vec::new()));
    assert_eq!(proof::build_proof(&entries, &[]).0, root);
}

// --- the rest --------------------------------------------------------------------------------------

#[test]
fn transfer_weights_grow_with_the_proof_up_to_the_limit() {
    use crate::WeightInfo;
    let small = <() as WeightInfo>::receive_from_subchain(1);
    let large = <() as WeightInfo>::receive_from_subchain(MAX_PROOF_NODES);
    assert!(large.ref_time() > small.ref_time());
    assert!(
        <() as WeightInfo>::settle_outbound(MAX_PROOF_NODES).ref_time()
            > <() as WeightInfo>::settle_outbound(1).ref_time()
    );
    assert!(<() as WeightInfo>::transfer_to_subchain().ref_time() > 0);
    new_test_ext().execute_with(|| {
        let (id, _) = register_bft(4);
        let message = TransferMessage {
            seq: 0,
            sender: [0; 32],
            dest: [0; 32],
            amount: 1,
            timeout: 1,
        };
        let call = crate::Call::<Test>::receive_from_subchain {
            subchain: id,
            at: 1,
            message,
            proof: bounded_proof(vec![vec![1]; MAX_PROOF_NODES as usize]),
        };
        use frame_support::dispatch::GetDispatchInfo;
        assert_eq!(call.get_dispatch_info().call_weight, large);
    });
}

#[test]
fn the_view_functions_read_the_channels() {
    new_test_ext().execute_with(|| {
        let (id, _) = with_escrow(100);
        assert_eq!(CrossChain::escrow_total(id), 100);
        assert_eq!(EscrowTotal::<Test>::get(id), 100);
        assert_eq!(NextOutboundSeq::<Test>::get(id), 1);
        assert_eq!(NextInboundSeq::<Test>::get(id), 0);
        assert_eq!(CrossChain::outbound(id, 0).map(|m| m.amount), Some(100));
        assert_eq!(CrossChain::outbound(id, 1), None);
        assert_eq!(CrossChain::receipt(id, 0), None);
        assert_eq!(Receipts::<Test>::iter().count(), 0);
        // Escrow accounts are distinct per subchain and from the gas accounts.
        let (other, _) = register_bft(4);
        assert_ne!(
            CrossChain::escrow_account(id),
            CrossChain::escrow_account(other)
        );
        assert_ne!(
            CrossChain::escrow_account(id),
            <Subchains as SubchainRegistry<u128, u64>>::account(id)
        );
        CrossChain::integrity_test();
    });
}
