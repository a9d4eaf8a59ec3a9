//! The main chain's C3D on the mock runtime: the main chain's C3Ns (genesis
//! [`MAIN_C3NS`], set by root), the subchain's (its registered validators, attesting from
//! [`validator_account`]s), batches broadcast, attested and accepted, the rotation, and
//! `receive_from_subchain` taking only accepted messages.

use crate::{
    AttestedMessages, BatchOf, C3dChannels, Error, Event, MainC3ns,
    c3d::{batch_digest, message_hash},
    message::{TransferMessage, subchain_outbound_key},
    mock::*,
    weights::WeightInfo,
};
use frame_support::{assert_noop, assert_ok, dispatch::GetDispatchInfo};
use pallet_wcme_subchains::SubchainRegistry;
use sp_core::{H256, Pair as _};
use sp_runtime::DispatchError;

fn broadcast(who: u128, subchain: u32, first: u64, hashes: &[H256]) -> sp_runtime::DispatchResult {
    let hashes: BatchOf<Test> = hashes.to_vec().try_into().expect("within MaxBatch");
    CrossChain::broadcast_batch(RuntimeOrigin::signed(who), subchain, first, hashes)
}

fn attest(who: u128, subchain: u32, first: u64, digest: H256) -> sp_runtime::DispatchResult {
    CrossChain::attest_batch(RuntimeOrigin::signed(who), subchain, first, digest)
        .map(|_| ())
        .map_err(|e| e.error)
}

fn hashes(n: u8) -> Vec<H256> {
    (1..=n).map(H256::repeat_byte).collect()
}

fn c3d_events() -> Vec<Event<Test>> {
    System::events()
        .into_iter()
        .filter_map(|record| match record.event {
            RuntimeEvent::CrossChain(
                event @ (Event::BatchBroadcast { .. }
                | Event::BatchAttested { .. }
                | Event::BatchAccepted { .. }
                | Event::MainC3nsSet { .. }),
            ) => Some(event),
            _ => None,
        })
        .collect()
}

#[test]
fn root_sets_the_main_chain_c3ns() {
    new_test_ext().execute_with(|| {
        assert_eq!(
            MainC3ns::<Test>::get().to_vec(),
            MAIN_C3NS.map(bytes_of).to_vec()
        );
        let set = |accounts: Vec<u128>| accounts.try_into().expect("within MaxC3ns");
        assert_noop!(
            CrossChain::set_main_c3ns(RuntimeOrigin::signed(20), set(vec![30, 31])),
            DispatchError::BadOrigin
        );
        assert_noop!(
            CrossChain::set_main_c3ns(RuntimeOrigin::root(), set(vec![30])),
            Error::<Test>::TooFewC3ns
        );
        assert_noop!(
            CrossChain::set_main_c3ns(RuntimeOrigin::root(), set(vec![30, 31, 30])),
            Error::<Test>::DuplicateC3n
        );
        assert_ok!(CrossChain::set_main_c3ns(
            RuntimeOrigin::root(),
            set(vec![30, 31])
        ));
        assert_eq!(
            MainC3ns::<Test>::get().to_vec(),
            vec![bytes_of(30), bytes_of(31)]
        );
        assert_eq!(c3d_events(), vec![Event::MainC3nsSet { count: 2 }]);
        // The old C3Ns no longer broadcast.
        let (id, _) = register_bft(4);
        assert_noop!(broadcast(20, id, 0, &hashes(1)), Error::<Test>::NotC3n);
        assert_ok!(broadcast(30, id, 0, &hashes(1)));
    });
}

#[test]
fn a_batch_needs_more_than_two_thirds_of_both_sides() {
    new_test_ext().execute_with(|| {
        let (id, keys) = register_bft(4);
        let view = CrossChain::c3d_view(id);
        assert_eq!(view.main_c3ns, MAIN_C3NS.map(bytes_of).to_vec());
        assert_eq!(
            view.subchain_c3ns,
            keys.iter().map(|pair| pair.public().0).collect::<Vec<_>>()
        );
        let batch = hashes(2);
        let digest = batch_digest(0, &batch);
        assert_ok!(broadcast(20, id, 0, &batch));
        // All three main C3Ns, then two of four validators: not yet.
        for who in [21, 22, validator_account(1), validator_account(2)] {
            assert_ok!(attest(who, id, 0, digest));
            assert!(C3dChannels::<Test>::get(id).pending.is_some());
            assert_eq!(AttestedMessages::<Test>::get(id, 0), None);
        }
        // The third validator of four.
        assert_ok!(attest(validator_account(3), id, 0, digest));
        let channel = C3dChannels::<Test>::get(id);
        assert_eq!((channel.next, channel.pending), (2, None));
        assert_eq!(channel.last_broadcaster, Some(bytes_of(20)));
        assert_eq!(AttestedMessages::<Test>::get(id, 0), Some(batch[0]));
        assert_eq!(AttestedMessages::<Test>::get(id, 1), Some(batch[1]));
        let events = c3d_events();
        assert_eq!(
            events.first(),
            Some(&Event::BatchBroadcast {
                subchain: id,
                first: 0,
                count: 2,
                digest,
                broadcaster: bytes_of(20),
            })
        );
        assert_eq!(
            events.last(),
            Some(&Event::BatchAccepted {
                subchain: id,
                first: 0,
                last: 1,
            })
        );
        // The last validator is too late.
        assert_noop!(
            attest(validator_account(4), id, 0, digest),
            Error::<Test>::NoPendingBatch
        );
        assert_ok!(CrossChain::do_try_state());
    });
}

#[test]
fn two_thirds_of_the_validators_are_not_enough() {
    new_test_ext().execute_with(|| {
        let (id, _) = register_bft(3);
        let digest = batch_digest(0, &hashes(1));
        assert_ok!(broadcast(validator_account(1), id, 0, &hashes(1)));
        for who in [20, 21, 22, validator_account(2)] {
            assert_ok!(attest(who, id, 0, digest));
        }
        assert!(C3dChannels::<Test>::get(id).pending.is_some(), "2 of 3");
        assert_ok!(attest(validator_account(3), id, 0, digest));
        assert_eq!(C3dChannels::<Test>::get(id).next, 1);
    });
}

#[test]
fn no_c3n_broadcasts_two_batches_in_a_row() {
    new_test_ext().execute_with(|| {
        let (id, _) = register_bft(4);
        let mut state = SubchainState::default();
        let first = state.send([3; 32], BOB, 10, 1_000);
        state.attest_through(id, first.seq);
        let last = C3dChannels::<Test>::get(id).last_broadcaster;
        let broadcaster = MAIN_C3NS
            .into_iter()
            .find(|who| Some(bytes_of(*who)) == last)
            .expect("a main C3N broadcast it");
        // Refused with nothing changed, by the same C3N as main C3N or as anything else.
        assert_noop!(
            broadcast(broadcaster, id, 1, &hashes(1)),
            Error::<Test>::ConsecutiveBroadcast
        );
        // Any other C3N may, a validator too.
        assert_ok!(broadcast(validator_account(2), id, 1, &hashes(1)));
        assert_eq!(
            C3dChannels::<Test>::get(id).last_broadcaster,
            Some(validator(2).public().0)
        );
    });
}

#[test]
fn broadcasts_are_checked_before_anything_changes() {
    new_test_ext().execute_with(|| {
        let (id, _) = register_bft(4);
        assert_noop!(
            CrossChain::broadcast_batch(
                RuntimeOrigin::root(),
                id,
                0,
                hashes(1).try_into().expect("bound")
            ),
            DispatchError::BadOrigin
        );
        assert_noop!(broadcast(ALICE, id, 0, &hashes(1)), Error::<Test>::NotC3n);
        assert_noop!(
            broadcast(20, 99, 0, &hashes(1)),
            Error::<Test>::UnknownSubchain
        );
        assert_noop!(broadcast(20, id, 1, &hashes(1)), Error::<Test>::WrongFirst);
        assert_noop!(broadcast(20, id, 0, &[]), Error::<Test>::EmptyBatch);
        // Too few C3Ns: a subchain of one validator, or the main chain's cut below the minimum.
        let (single, _) = register_bft(1);
        assert_noop!(
            broadcast(20, single, 0, &hashes(1)),
            Error::<Test>::TooFewC3ns
        );
        MainC3ns::<Test>::put(
            frame_support::BoundedVec::try_from(vec![bytes_of(20)]).expect("bound"),
        );
        assert_noop!(broadcast(20, id, 0, &hashes(1)), Error::<Test>::TooFewC3ns);
        MainC3ns::<Test>::put(
            frame_support::BoundedVec::try_from(MAIN_C3NS.map(bytes_of).to_vec()).expect("bound"),
        );

        // One batch pending at a time, until it expires; then another C3N replaces it.
        assert_ok!(broadcast(20, id, 0, &hashes(2)));
        assert_noop!(
            broadcast(21, id, 0, &hashes(1)),
            Error::<Test>::BatchPending
        );
        System::set_block_number(1 + u64::from(BATCH_EXPIRY));
        assert_noop!(
            broadcast(20, id, 0, &hashes(1)),
            Error::<Test>::ConsecutiveBroadcast
        );
        assert_ok!(broadcast(21, id, 0, &hashes(1)));
        let pending = C3dChannels::<Test>::get(id).pending.expect("pending");
        assert_eq!(pending.hashes.to_vec(), hashes(1));
        assert_eq!(pending.attesters.to_vec(), vec![bytes_of(21)]);

        // A frozen subchain takes no batch.
        pallet_wcme_subchains::Subchains::<Test>::mutate(id, |info| {
            if let Some(info) = info {
                info.frozen = true;
            }
        });
        assert!(<Subchains as SubchainRegistry<u128, u64>>::is_frozen(id));
        assert_noop!(
            attest(22, id, 0, batch_digest(0, &hashes(1))),
            Error::<Test>::SubchainFrozen
        );
    });
}

#[test]
fn attestations_are_checked() {
    new_test_ext().execute_with(|| {
        let (id, _) = register_bft(4);
        let digest = batch_digest(0, &hashes(1));
        assert_noop!(attest(21, id, 0, digest), Error::<Test>::NoPendingBatch);
        assert_ok!(broadcast(20, id, 0, &hashes(1)));
        assert_noop!(
            attest(21, id, 0, H256::repeat_byte(9)),
            Error::<Test>::WrongDigest
        );
        assert_noop!(attest(21, id, 1, digest), Error::<Test>::WrongDigest);
        assert_noop!(attest(ALICE, id, 0, digest), Error::<Test>::NotC3n);
        assert_noop!(attest(20, id, 0, digest), Error::<Test>::AlreadyAttested);
        assert_ok!(attest(21, id, 0, digest));
        assert_noop!(attest(21, id, 0, digest), Error::<Test>::AlreadyAttested);
        assert_eq!(
            c3d_events().last(),
            Some(&Event::BatchAttested {
                subchain: id,
                first: 0,
                attester: bytes_of(21),
            })
        );
    });
}

#[test]
fn only_accepted_messages_are_received() {
    new_test_ext().execute_with(|| {
        let (id, keys) = register_bft(4);
        assert_ok!(CrossChain::transfer_to_subchain(
            RuntimeOrigin::signed(ALICE),
            id,
            [7; 32],
            100
        ));
        let mut state = SubchainState::default();
        let message = state.send([3; 32], BOB, 40, 1_000);
        let at = audit_root(id, &keys, state.root());
        let proof = bounded_proof(state.prove(&[subchain_outbound_key(0)]).1);
        let receive = |message: TransferMessage| {
            CrossChain::receive_from_subchain(
                RuntimeOrigin::signed(RELAYER),
                id,
                at,
                message,
                proof.clone(),
            )
        };
        assert_noop!(receive(message), Error::<Test>::NotAttested);
        // The C3Ns accept another message under that number: still not this one.
        let other = TransferMessage {
            amount: 41,
            ..message
        };
        attest_messages(id, &[other]);
        assert_noop!(receive(message), Error::<Test>::NotAttested);
        // A fresh subchain whose C3Ns accept the proven message.
        let (id, keys) = register_bft(4);
        assert_ok!(CrossChain::transfer_to_subchain(
            RuntimeOrigin::signed(ALICE),
            id,
            [7; 32],
            100
        ));
        let at = audit_root(id, &keys, state.root());
        state.attest_through(id, 0);
        assert_eq!(
            AttestedMessages::<Test>::get(id, 0),
            Some(message_hash(&message))
        );
        assert_ok!(CrossChain::receive_from_subchain(
            RuntimeOrigin::signed(RELAYER),
            id,
            at,
            message,
            proof.clone()
        ));
        assert_eq!(Balances::free_balance(BOB), 40);
        assert_eq!(AttestedMessages::<Test>::get(id, 0), None, "used once");
        assert_ok!(CrossChain::do_try_state());
    });
}

#[test]
fn an_attestation_that_accepts_nothing_pays_for_no_writes() {
    new_test_ext().execute_with(|| {
        let (id, _) = register_bft(4);
        let batch = hashes(MAX_BATCH as u8);
        assert_ok!(broadcast(20, id, 0, &batch));
        let call = crate::Call::<Test>::attest_batch {
            subchain: id,
            first: 0,
            digest: batch_digest(0, &batch),
        };
        let declared = call.get_dispatch_info().call_weight;
        assert_eq!(declared, <() as WeightInfo>::attest_batch(MAX_BATCH));
        let post =
            CrossChain::attest_batch(RuntimeOrigin::signed(21), id, 0, batch_digest(0, &batch))
                .expect("attested");
        assert_eq!(
            post.actual_weight,
            Some(<() as WeightInfo>::attest_batch(0))
        );
        assert!(<() as WeightInfo>::attest_batch(0).ref_time() < declared.ref_time());
    });
}
