//! Benchmarks of the subchain side of WCME transfers (frame-benchmarking v2), each on its most
//! expensive path: a delivery minted to a new account and a refund, with real storage proofs of
//! main-chain state padded to `n` nodes of `MaxProofNodeSize` bytes; C3D with both sets full
//! (`MaxC3ns` distinct C3Ns a side), a broadcast replacing an expired batch and an attestation
//! that accepts a batch of `n` messages.
//!
//! They run as tests on the mock runtime with `cargo test -p pallet-wcme-cross-chain --features
//! runtime-benchmarks`. No runtime includes the pallet yet, so `weights.rs` holds estimates, not
//! their output. A runtime says through [`BenchmarkHelper`] how a main-chain root becomes
//! verified.

use super::*;
use crate::{
    c3d::{self, C3nId, PendingBatch},
    message::{self, Receipt, TransferMessage},
    types::SubchainId,
};
use alloc::{vec, vec::Vec};
use codec::Encode;
use frame_benchmarking::v2::*;
use frame_support::{
    BoundedVec,
    traits::{
        EnsureOrigin, Get,
        fungible::{Inspect, Mutate},
    },
};
use frame_system::RawOrigin;
use sp_core::H256;

/// Verifying main-chain roots for the benchmarks: the pallet only reads [`MainChainRoots`], so
/// the runtime says how a root becomes verified (in its light client's storage).
pub trait BenchmarkHelper {
    /// Makes main-chain block `number` with state root `root` finalized and verified, so that
    /// [`MainChainRoots::state_root`]`(number)` is `Some(root)`.
    fn verify_root(number: u32, root: H256);
}

/// The subchain id the benchmarks use.
const SUBCHAIN: SubchainId = 1;

/// A storage proof of `key` = `value` in a state of a few hundred other entries, padded with
/// distinct nodes of `MaxProofNodeSize` bytes (which the lookup does not need, but hashes) to
/// `n` nodes in all; and the state root.
fn padded_proof<T: Config>(key: Vec<u8>, value: Vec<u8>, n: u32) -> (H256, ProofOf<T>) {
    padded_proof_of::<T>(vec![(key, value)], n)
}

/// [`padded_proof`] of several keys.
fn padded_proof_of<T: Config>(proven: Vec<(Vec<u8>, Vec<u8>)>, n: u32) -> (H256, ProofOf<T>) {
    let mut entries: Vec<(Vec<u8>, Vec<u8>)> = proven
        .iter()
        .flat_map(|(key, _)| {
            (0u32..256).map(move |i| {
                let mut other = key.clone();
                other.extend(i.encode());
                (other, vec![0x11; 40])
            })
        })
        .collect();
    entries.extend(proven.iter().cloned());
    let keys: Vec<&[u8]> = proven.iter().map(|(key, _)| key.as_slice()).collect();
    let (root, mut nodes) = crate::proof::build_proof(&entries, &keys);
    let size = usize::try_from(T::MaxProofNodeSize::get()).unwrap_or(usize::MAX);
    let mut filler: u32 = 0;
    while u32::try_from(nodes.len()).unwrap_or(u32::MAX) < n {
        let mut node = vec![0xa5; size];
        node.iter_mut()
            .zip(filler.to_le_bytes().iter())
            .for_each(|(byte, tag)| *byte = *tag);
        nodes.push(node);
        filler = filler.saturating_add(1);
    }
    (root, ProofOf::<T>::truncate_from(nodes))
}

/// The 32 message bytes of `who`.
fn bytes<T: Config>(who: &T::AccountId) -> [u8; 32] {
    message::account_to_bytes(who).expect("runtime accounts fit in 32 bytes")
}

/// `count` distinct C3N accounts named `name`.
fn c3n_accounts<T: Config>(name: &'static str, count: u32) -> Vec<T::AccountId> {
    (0..count).map(|i| account(name, i, 0)).collect()
}

/// Both sides' C3N sets full: `MaxC3ns` distinct accounts each, the subchain's first one
/// `subchain_first`. Stored, and returned as ids (main, subchain).
fn full_c3ns<T: Config>(subchain_first: &T::AccountId) -> (Vec<C3nId>, Vec<C3nId>) {
    let max = T::MaxC3ns::get();
    let main: Vec<C3nId> = c3n_accounts::<T>("main", max)
        .iter()
        .map(bytes::<T>)
        .collect();
    let mut subchain: Vec<C3nId> = vec![bytes::<T>(subchain_first)];
    subchain.extend(
        c3n_accounts::<T>("subchain", max.saturating_sub(1))
            .iter()
            .map(bytes::<T>),
    );
    C3ns::<T>::put(StoredC3ns {
        main: BoundedVec::truncate_from(main.clone()),
        subchain: BoundedVec::truncate_from(subchain.clone()),
    });
    (main, subchain)
}

/// `n` distinct message hashes.
fn batch<T: Config>(n: u32) -> BatchOf<T> {
    BoundedVec::truncate_from(
        (0..n)
            .map(|i| H256::from_low_u64_be(u64::from(i)))
            .collect(),
    )
}

/// The fewest of `size` C3Ns that are more than 2/3 of them.
fn quorum(size: usize) -> usize {
    size.saturating_mul(2) / 3 + 1
}

#[benchmarks]
mod benchmarks {
    use super::*;

    /// A delivery (mint to a new account, receipt) of an attested message proven by `n` nodes.
    #[benchmark]
    fn receive_from_main(n: Linear<1, { T::MaxProofNodes::get() }>) {
        OwnId::<T>::put(SUBCHAIN);
        let amount = T::MinTransfer::get().saturating_mul(10);
        let dest: T::AccountId = account("dest", 0, 0);
        let message = TransferMessage {
            seq: 0,
            sender: [0x55; 32],
            dest: bytes::<T>(&dest),
            amount,
            timeout: u32::MAX,
        };
        let (root, proof) =
            padded_proof::<T>(message::main_outbound_key(SUBCHAIN, 0), message.encode(), n);
        T::BenchmarkHelper::verify_root(1, root);
        AttestedMessages::<T>::insert(0, c3d::message_hash(&message));
        C3dChannel::<T>::mutate(|channel| channel.next = 1);
        let relayer: T::AccountId = whitelisted_caller();

        #[extrinsic_call]
        _(RawOrigin::Signed(relayer), 1, message, proof);

        assert_eq!(T::Currency::balance(&dest), amount);
        assert_eq!(Receipts::<T>::get(0), Some(Receipt::Delivered));
        assert_eq!(AttestedMessages::<T>::get(0), None);
    }

    /// A burn of part of the sender's WCME and the queued message.
    #[benchmark]
    fn transfer_to_main() {
        OwnId::<T>::put(SUBCHAIN);
        let amount = T::MinTransfer::get().saturating_mul(10);
        let sender: T::AccountId = whitelisted_caller();
        T::Currency::set_balance(&sender, amount.saturating_mul(2));
        Minted::<T>::put(amount.saturating_mul(2));

        #[extrinsic_call]
        _(RawOrigin::Signed(sender), [0x77; 32], amount);

        assert_eq!(Minted::<T>::get(), amount);
        assert!(Outbound::<T>::get(0).is_some());
    }

    /// A refund (an expired receipt) to a sender without an account, proven by `n` nodes.
    #[benchmark]
    fn settle_outbound(n: Linear<1, { T::MaxProofNodes::get() }>) {
        OwnId::<T>::put(SUBCHAIN);
        let amount = T::MinTransfer::get().saturating_mul(10);
        let sender: T::AccountId = account("sender", 0, 0);
        Outbound::<T>::insert(
            0,
            TransferMessage {
                seq: 0,
                sender: bytes::<T>(&sender),
                dest: [0x66; 32],
                amount,
                timeout: 10,
            },
        );
        NextOutboundSeq::<T>::put(1);
        let (root, proof) = padded_proof::<T>(
            message::main_receipt_key(SUBCHAIN, 0),
            Receipt::Expired.encode(),
            n,
        );
        T::BenchmarkHelper::verify_root(1, root);
        let relayer: T::AccountId = whitelisted_caller();

        #[extrinsic_call]
        _(RawOrigin::Signed(relayer), 0, 1, proof);

        assert_eq!(T::Currency::balance(&sender), amount);
        assert!(Outbound::<T>::get(0).is_none());
    }

    /// Setting the id.
    #[benchmark]
    fn set_subchain_id() -> Result<(), BenchmarkError> {
        OwnId::<T>::kill();
        let origin =
            T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

        #[extrinsic_call]
        _(origin as T::RuntimeOrigin, SUBCHAIN);

        assert_eq!(OwnId::<T>::get(), Some(SUBCHAIN));
        Ok(())
    }

    /// Replacing both sets with `m` main-chain and `s` subchain C3Ns.
    #[benchmark]
    fn set_c3ns(
        m: Linear<{ T::MinMainC3ns::get() }, { T::MaxC3ns::get() }>,
        s: Linear<{ T::MinSubchainC3ns::get() }, { T::MaxC3ns::get() }>,
    ) -> Result<(), BenchmarkError> {
        let origin =
            T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
        let main = BoundedVec::truncate_from(c3n_accounts::<T>("main", m));
        let subchain = BoundedVec::truncate_from(c3n_accounts::<T>("subchain", s));

        #[extrinsic_call]
        _(origin as T::RuntimeOrigin, main, subchain);

        let c3ns = C3ns::<T>::get();
        assert_eq!(
            (c3ns.main.len(), c3ns.subchain.len()),
            (m as usize, s as usize)
        );
        Ok(())
    }

    /// A broadcast of `n` hashes by a subchain C3N, with both sets full, replacing an expired
    /// batch of another C3N (not accepted: one C3N is no quorum of full sets).
    #[benchmark]
    fn broadcast_batch(n: Linear<1, { T::MaxBatch::get() }>) {
        OwnId::<T>::put(SUBCHAIN);
        let caller: T::AccountId = whitelisted_caller();
        let (main, _) = full_c3ns::<T>(&caller);
        let stale = batch::<T>(T::MaxBatch::get());
        let first_main = main.first().copied().expect("MaxC3ns is positive");
        C3dChannel::<T>::put(ChannelOf::<T> {
            next: 0,
            last_broadcaster: Some(first_main),
            pending: Some(PendingBatch {
                first: 0,
                hashes: stale,
                broadcaster: first_main,
                broadcast_at: 0,
                attesters: BoundedVec::truncate_from(main),
            }),
        });
        frame_system::Pallet::<T>::set_block_number(T::BatchExpiry::get().into());
        let hashes = batch::<T>(n);

        #[extrinsic_call]
        _(RawOrigin::Signed(caller.clone()), 0, hashes);

        let channel = C3dChannel::<T>::get();
        let pending = channel.pending.expect("the new batch is pending");
        assert_eq!(pending.broadcaster, bytes::<T>(&caller));
        assert_eq!(pending.hashes.len(), n as usize);
    }

    /// Both sets, full, proven from a main-chain state by `n` nodes.
    #[benchmark]
    fn sync_c3ns(n: Linear<1, { T::MaxProofNodes::get() }>) {
        OwnId::<T>::put(SUBCHAIN);
        let max = T::MaxC3ns::get();
        let main: Vec<C3nId> = (0..max).map(|i| [i as u8; 32]).collect();
        let validators = pallet_wcme_subchains::ValidatorSet {
            id: 0u64,
            keys: (0..max)
                .map(|i| crate::types::C3nKey::Sr25519([(i as u8).wrapping_add(128); 32]))
                .collect::<Vec<_>>(),
        };
        let (root, proof) = padded_proof_of::<T>(
            vec![
                (message::main_c3ns_key(), main.encode()),
                (message::validator_set_key(SUBCHAIN), validators.encode()),
            ],
            n,
        );
        T::BenchmarkHelper::verify_root(1, root);
        let relayer: T::AccountId = whitelisted_caller();

        #[extrinsic_call]
        _(RawOrigin::Signed(relayer), 1, proof);

        let c3ns = C3ns::<T>::get();
        assert_eq!(
            (c3ns.main.len(), c3ns.subchain.len()),
            (max as usize, max as usize)
        );
    }

    /// The attestation that accepts a batch of `n` messages, with both sets full: every
    /// main-chain C3N and all but one of a subchain quorum attested before (the most attesters
    /// the quorum check compares).
    #[benchmark]
    fn attest_batch(n: Linear<1, { T::MaxBatch::get() }>) {
        let caller: T::AccountId = whitelisted_caller();
        let (main, subchain) = full_c3ns::<T>(&caller);
        let before = quorum(subchain.len()).saturating_sub(1);
        let hashes = batch::<T>(n);
        let first_main = main.first().copied().expect("MaxC3ns is positive");
        let mut attesters = main;
        attesters.extend(subchain.iter().skip(1).take(before).copied());
        C3dChannel::<T>::put(ChannelOf::<T> {
            next: 0,
            last_broadcaster: Some(first_main),
            pending: Some(PendingBatch {
                first: 0,
                hashes: hashes.clone(),
                broadcaster: first_main,
                broadcast_at: 0,
                attesters: BoundedVec::truncate_from(attesters),
            }),
        });
        let digest = c3d::batch_digest(0, &hashes);

        #[extrinsic_call]
        _(RawOrigin::Signed(caller), 0, digest);

        let channel = C3dChannel::<T>::get();
        assert!(channel.pending.is_none());
        assert_eq!(channel.next, u64::from(n));
        assert_eq!(AttestedMessages::<T>::iter_keys().count(), n as usize);
    }

    impl_benchmark_test_suite!(
        Pallet,
        crate::subchain::mock::new_test_ext(),
        crate::subchain::mock::Test
    );
}
