//! Benchmarks of the cross-chain audit (frame-benchmarking v2), each in its worst case: real
//! sr25519 pre-commits from every validator of the largest sets, the most headers, a full
//! audited history so every audited header prunes one, and the real gas charges and freeze of
//! the registry. The transfer calls run their most expensive paths (a release with its message
//! fee, a refund) with real storage proofs padded to `n` nodes of `MaxProofNodeSize` bytes, to a
//! new account.
//!
//! `wcme-node benchmark pallet --pallet pallet_wcme_cross_chain` runs them in the main runtime;
//! they also run as tests on the mock runtime with `cargo test -p pallet-wcme-cross-chain
//! --features runtime-benchmarks`. Subchains are registered through [`BenchmarkHelper`]
//! ([`SubchainsHelper`] for the registry of `pallet-wcme-subchains`).

use super::*;
use crate::{
    Pallet as CrossChain,
    message::{self, Receipt, TransferMessage},
    types::{ConsensusKind, SubchainId},
};
use alloc::{boxed::Box, format, vec, vec::Vec};
use codec::Encode;
use core::marker::PhantomData;
use frame_benchmarking::v2::*;
use frame_support::{
    BoundedVec,
    traits::{
        EnsureOrigin, Get,
        fungible::{Inspect, Mutate},
    },
};
use frame_system::RawOrigin;
use pallet_wcme_subchains::{Balance, SubchainRegistry};
use sp_core::{H256, Pair as _, sr25519};
use sp_runtime::{Digest, traits::Header as _};
use wcme_consensus_primitives::{
    poc::{SignedVote, Vote, VoteKind},
    pow::{self, PowPreDigest},
};

/// Registering subchains for the benchmarks: the cross-chain pallet only reads the registry, so
/// the runtime says how one is created.
pub trait BenchmarkHelper {
    /// Registers an active subchain running `consensus` whose validators are the sr25519 keys
    /// `validators` (validator-set id 0), with genesis hash `genesis` and gas for at least
    /// `headers` header charges; returns its id.
    fn register_subchain(
        consensus: ConsensusKind,
        validators: Vec<[u8; 32]>,
        genesis: H256,
        headers: u32,
    ) -> SubchainId;
}

/// [`BenchmarkHelper`] over `pallet-wcme-subchains`: a funded owner registers the subchain with
/// the least stake that covers the headers.
pub struct SubchainsHelper<T>(PhantomData<T>);

impl<T: pallet_wcme_subchains::Config> BenchmarkHelper for SubchainsHelper<T> {
    fn register_subchain(
        consensus: ConsensusKind,
        validators: Vec<[u8; 32]>,
        genesis: H256,
        headers: u32,
    ) -> SubchainId {
        let id = pallet_wcme_subchains::NextSubchainId::<T>::get();
        let owner: T::AccountId = account("subchain-owner", id, 0);
        let fees = pallet_wcme_subchains::Fees::<T>::get();
        let stake = <T as pallet_wcme_subchains::Config>::MinStake::get().max(
            fees.header_fee
                .saturating_mul(u128::from(headers))
                .saturating_add(<T as pallet_wcme_subchains::Config>::MinGasBalance::get()),
        );
        <T as pallet_wcme_subchains::Config>::Currency::set_balance(
            &owner,
            stake
                .saturating_mul(2)
                .saturating_add(1_000_000_000_000_000_000),
        );
        let config = pallet_wcme_subchains::SubchainConfig {
            name: format!("xbench{id}").into_bytes(),
            chain_id: format!("xbench-{id}").into_bytes(),
            base_token: pallet_wcme_subchains::BaseToken {
                symbol: b"XB".to_vec(),
                decimals: 12,
            },
            listing: None,
            consensus: consensus.code(),
            signature_scheme: pallet_wcme_subchains::SignatureScheme::Sr25519.code(),
            validators: validators.iter().map(|key| key.to_vec()).collect(),
            genesis_hash: genesis,
        };
        if let Err(error) = pallet_wcme_subchains::Pallet::<T>::register(
            RawOrigin::Signed(owner).into(),
            config,
            stake,
        ) {
            panic!("benchmark subchain does not register: {error:?}");
        }
        id
    }
}

/// The sr25519 validator `i` of the benchmarks.
fn validator(i: u32) -> sr25519::Pair {
    let mut seed = [0x5au8; 32];
    seed[..4].copy_from_slice(&i.to_le_bytes());
    sr25519::Pair::from_seed(&seed)
}

/// `n` validators.
fn validators(n: u32) -> Vec<sr25519::Pair> {
    (0..n).map(validator).collect()
}

/// Their public keys.
fn publics(pairs: &[sr25519::Pair]) -> Vec<[u8; 32]> {
    pairs.iter().map(|pair| pair.public().0).collect()
}

/// A subchain header: number `number` on `parent`, a state root derived from `salt` and the
/// number (never zero), with `digest`.
fn header(number: u32, parent: H256, salt: u8, digest: Digest) -> Header {
    let mut root = [salt; 32];
    root[..4].copy_from_slice(&number.to_le_bytes());
    root[31] = 1;
    Header::new(number, H256::repeat_byte(0xee), H256(root), parent, digest)
}

/// Pre-commits of `signers` in `round` for `header`.
fn justification(header: &Header, round: u32, signers: &[sr25519::Pair]) -> Justification {
    let hash = header.hash();
    Justification {
        round,
        number: header.number,
        hash,
        precommits: signers
            .iter()
            .map(|pair| {
                SignedVote::sign(
                    Vote {
                        kind: VoteKind::Precommit,
                        round,
                        view: 0,
                        number: header.number,
                        hash,
                    },
                    pair,
                )
            })
            .collect(),
    }
}

/// Makes `subchain`'s audited head header `AuditedHistory` (hash `head_hash`) with the `prunable`
/// oldest entries of a full history stored, so that each of the next `prunable` audited headers
/// prunes one. Returns the head's number.
fn full_history<T: Config>(subchain: SubchainId, head_hash: H256, prunable: u32) -> u32 {
    let head_number = T::AuditedHistory::get().max(1);
    let head = AuditedHeader {
        number: head_number,
        hash: head_hash,
        parent_hash: H256::repeat_byte(0x01),
        state_root: H256::repeat_byte(0x02),
        extrinsics_root: H256::repeat_byte(0x03),
    };
    for number in 1..=prunable.min(head_number) {
        AuditedHeaders::<T>::insert(subchain, number, AuditedHeader { number, ..head });
    }
    AuditedHeaders::<T>::insert(subchain, head_number, head);
    AuditedHeads::<T>::insert(subchain, head);
    head_number
}

/// A storage proof of `key` = `value` in a state of a few hundred other entries, padded with
/// distinct nodes of `MaxProofNodeSize` bytes (which the lookup does not need, but hashes) to
/// `n` nodes in all; and the state root.
fn padded_proof<T: Config>(key: Vec<u8>, value: Vec<u8>, n: u32) -> (H256, ProofOf<T>) {
    let mut entries: Vec<(Vec<u8>, Vec<u8>)> = (0u32..512)
        .map(|i| {
            let mut other = key.clone();
            other.extend(i.encode());
            (other, vec![0x11; 40])
        })
        .collect();
    entries.push((key.clone(), value));
    let (root, mut nodes) = crate::proof::build_proof(&entries, &[key.as_slice()]);
    let size = usize::try_from(T::MaxProofNodeSize::get()).unwrap_or(usize::MAX);
    let mut filler: u32 = 0;
    while u32::try_from(nodes.len()).unwrap_or(u32::MAX) < n {
        let mut node = vec![0xa5; size];
        let tag = filler.to_le_bytes();
        node.iter_mut()
            .zip(tag.iter())
            .for_each(|(byte, tag)| *byte = *tag);
        nodes.push(node);
        filler = filler.saturating_add(1);
    }
    (root, ProofOf::<T>::truncate_from(nodes))
}

/// Audits a header of `subchain` with state root `root` (number 1, as the head); returns its
/// number.
fn audited_root<T: Config>(subchain: SubchainId, root: H256) -> u32 {
    let header = AuditedHeader {
        number: 1,
        hash: H256::repeat_byte(0x61),
        parent_hash: H256::repeat_byte(0x62),
        state_root: root,
        extrinsics_root: H256::repeat_byte(0x63),
    };
    AuditedHeaders::<T>::insert(subchain, 1, header);
    AuditedHeads::<T>::insert(subchain, header);
    1
}

/// Puts `total` WCME in `subchain`'s escrow (balance and total).
fn fund_escrow<T: Config>(subchain: SubchainId, total: Balance) {
    T::Currency::set_balance(&CrossChain::<T>::escrow_account(subchain), total);
    EscrowTotal::<T>::insert(subchain, total);
}

/// The 32 message bytes of `who`.
fn bytes<T: Config>(who: &T::AccountId) -> [u8; 32] {
    message::account_to_bytes(who).expect("runtime accounts fit in 32 bytes")
}

/// `n` main-chain C3N accounts.
fn c3n_accounts<T: Config>(n: u32) -> Vec<T::AccountId> {
    (0..n).map(|i| account("c3n", i, 0)).collect()
}

/// The largest C3D: `MaxC3ns` main-chain C3Ns (set), a subchain of `MaxPrecommits` validators
/// (registered); returns the subchain, the main C3Ns' accounts and the subchain's C3N ids.
fn largest_c3d<T: Config>() -> (SubchainId, Vec<T::AccountId>, Vec<crate::c3d::C3nId>) {
    let main = c3n_accounts::<T>(T::MaxC3ns::get());
    let set = CrossChain::<T>::c3n_set(&main).expect("distinct accounts");
    MainC3ns::<T>::put(set);
    let subchain = T::BenchmarkHelper::register_subchain(
        ConsensusKind::Pbft,
        publics(&validators(T::MaxPrecommits::get())),
        H256::repeat_byte(0x42),
        1,
    );
    let subchain_c3ns = CrossChain::<T>::subchain_c3ns(subchain);
    (subchain, main, subchain_c3ns)
}

/// `n` message hashes.
fn batch<T: Config>(n: u32) -> BatchOf<T> {
    (0..n)
        .map(|i| H256::from_low_u64_be(u64::from(i) + 1))
        .collect::<Vec<_>>()
        .try_into()
        .expect("n is within MaxBatch")
}

#[benchmarks]
mod benchmarks {
    use super::*;

    #[benchmark]
    fn submit_headers_bft(
        h: Linear<1, { T::MaxHeadersPerSubmission::get() }>,
        p: Linear<1, { T::MaxPrecommits::get() }>,
    ) {
        let keys = validators(p);
        let subchain = T::BenchmarkHelper::register_subchain(
            ConsensusKind::Pbft,
            publics(&keys),
            H256::repeat_byte(0x42),
            h,
        );
        let tip_hash = H256::repeat_byte(0x77);
        let tip = full_history::<T>(subchain, tip_hash, h);
        let mut parent = tip_hash;
        let mut chain = Vec::new();
        for number in tip.saturating_add(1)..=tip.saturating_add(h) {
            let next = header(number, parent, 0xa1, Digest::default());
            parent = next.hash();
            chain.push(next);
        }
        let proof =
            FinalityProof::Justification(justification(chain.last().expect("h ≥ 1"), 0, &keys));
        let headers = HeadersOf::<T>::truncate_from(chain);
        let relayer: T::AccountId = whitelisted_caller();

        #[extrinsic_call]
        submit_headers(RawOrigin::Signed(relayer), subchain, headers, proof);

        assert_eq!(
            CrossChain::<T>::audited_head(subchain).map(|head| head.number),
            Some(tip.saturating_add(h))
        );
    }

    #[benchmark]
    fn submit_headers_pow(
        h: Linear<
            { T::PowConfirmations::get().saturating_add(1) },
            { T::MaxHeadersPerSubmission::get() },
        >,
    ) {
        let subchain = T::BenchmarkHelper::register_subchain(
            ConsensusKind::Pow,
            publics(&validators(1)),
            H256::repeat_byte(0x42),
            h,
        );
        let tip_hash = H256::repeat_byte(0x77);
        let tip = full_history::<T>(subchain, tip_hash, h);
        // Difficulty 1 at exactly the target spacing stays 1 (any nonce meets it), so the
        // checks all run without mining.
        let target = T::PowTargetSlots::get();
        let mut digest = PowPreDigest {
            slot: 1_000,
            difficulty: 1,
        };
        PowHeads::<T>::insert(subchain, digest);
        let mut parent = tip_hash;
        let mut chain = Vec::new();
        for number in tip.saturating_add(1)..=tip.saturating_add(h) {
            digest = PowPreDigest {
                slot: digest.slot.saturating_add(target),
                difficulty: pow::next_difficulty(
                    digest.difficulty,
                    digest.slot,
                    digest.slot.saturating_add(target),
                    target,
                ),
            };
            let mut next = header(
                number,
                parent,
                0xb2,
                Digest {
                    logs: vec![digest.to_digest_item()],
                },
            );
            next.digest.push(pow::seal_item(0));
            parent = next.hash();
            chain.push(next);
        }
        let headers = HeadersOf::<T>::truncate_from(chain);
        let relayer: T::AccountId = whitelisted_caller();

        #[extrinsic_call]
        submit_headers(
            RawOrigin::Signed(relayer),
            subchain,
            headers,
            FinalityProof::Work,
        );

        let audited = h.saturating_sub(T::PowConfirmations::get());
        assert_eq!(
            CrossChain::<T>::audited_head(subchain).map(|head| head.number),
            Some(tip.saturating_add(audited))
        );
    }

    /// `p` is the pre-commits of both justifications together: a set of `p / 2` validators,
    /// every one of whom signed both headers.
    #[benchmark]
    fn report_fork(p: Linear<2, { T::MaxPrecommits::get().saturating_mul(2) }>) {
        let keys = validators((p / 2).max(1));
        let genesis = H256::repeat_byte(0x42);
        let subchain =
            T::BenchmarkHelper::register_subchain(ConsensusKind::Pbft, publics(&keys), genesis, 1);
        let first = header(1, genesis, 0xc3, Digest::default());
        let second = header(1, genesis, 0xd4, Digest::default());
        let first_justification = justification(&first, 0, &keys);
        let second_justification = justification(&second, 0, &keys);
        let reporter: T::AccountId = whitelisted_caller();

        #[extrinsic_call]
        _(
            RawOrigin::Signed(reporter),
            subchain,
            Box::new((first, first_justification)),
            Box::new((second, second_justification)),
        );

        assert!(T::Registry::is_frozen(subchain));
    }

    /// A transfer to an audited subchain (the timeout reads the head), the fee charged, into an
    /// escrow account that exists.
    #[benchmark]
    fn transfer_to_subchain() {
        let subchain = T::BenchmarkHelper::register_subchain(
            ConsensusKind::Pbft,
            publics(&validators(1)),
            H256::repeat_byte(0x42),
            1,
        );
        audited_root::<T>(subchain, H256::repeat_byte(0x64));
        let amount = T::MinTransfer::get().saturating_mul(10);
        fund_escrow::<T>(subchain, amount);
        let sender: T::AccountId = whitelisted_caller();
        T::Currency::set_balance(&sender, amount.saturating_mul(100));

        #[extrinsic_call]
        _(RawOrigin::Signed(sender), subchain, [0x77; 32], amount);

        assert_eq!(EscrowTotal::<T>::get(subchain), amount.saturating_mul(2));
    }

    /// A delivered release (fee, transfer to a new account, receipt) proven by `n` nodes.
    #[benchmark]
    fn receive_from_subchain(n: Linear<1, { T::MaxProofNodes::get() }>) {
        let subchain = T::BenchmarkHelper::register_subchain(
            ConsensusKind::Pbft,
            publics(&validators(1)),
            H256::repeat_byte(0x42),
            1,
        );
        let amount = T::MinTransfer::get().saturating_mul(10);
        fund_escrow::<T>(subchain, amount.saturating_mul(2));
        let dest: T::AccountId = account("dest", 0, 0);
        let message = TransferMessage {
            seq: 0,
            sender: [0x55; 32],
            dest: bytes::<T>(&dest),
            amount,
            timeout: u32::MAX,
        };
        let (root, proof) =
            padded_proof::<T>(message::subchain_outbound_key(0), message.encode(), n);
        let at = audited_root::<T>(subchain, root);
        AttestedMessages::<T>::insert(subchain, 0, crate::c3d::message_hash(&message));
        let relayer: T::AccountId = whitelisted_caller();

        #[extrinsic_call]
        _(RawOrigin::Signed(relayer), subchain, at, message, proof);

        assert_eq!(T::Currency::balance(&dest), amount);
        assert_eq!(Receipts::<T>::get(subchain, 0), Some(Receipt::Delivered));
    }

    /// A refund (an expired receipt) to the sender, proven by `n` nodes.
    #[benchmark]
    fn settle_outbound(n: Linear<1, { T::MaxProofNodes::get() }>) {
        let subchain = T::BenchmarkHelper::register_subchain(
            ConsensusKind::Pbft,
            publics(&validators(1)),
            H256::repeat_byte(0x42),
            1,
        );
        let amount = T::MinTransfer::get().saturating_mul(10);
        fund_escrow::<T>(subchain, amount.saturating_mul(2));
        let sender: T::AccountId = account("sender", 0, 0);
        Outbound::<T>::insert(
            subchain,
            0,
            TransferMessage {
                seq: 0,
                sender: bytes::<T>(&sender),
                dest: [0x66; 32],
                amount,
                timeout: 10,
            },
        );
        NextOutboundSeq::<T>::insert(subchain, 1);
        let (root, proof) = padded_proof::<T>(
            message::subchain_receipt_key(0),
            Receipt::Expired.encode(),
            n,
        );
        let at = audited_root::<T>(subchain, root);
        let relayer: T::AccountId = whitelisted_caller();

        #[extrinsic_call]
        _(RawOrigin::Signed(relayer), subchain, 0, at, proof);

        assert_eq!(T::Currency::balance(&sender), amount);
        assert!(Outbound::<T>::get(subchain, 0).is_none());
    }

    /// The main chain's C3Ns replaced by `n` accounts.
    #[benchmark]
    fn set_main_c3ns(
        n: Linear<{ T::MinMainC3ns::get() }, { T::MaxC3ns::get() }>,
    ) -> Result<(), BenchmarkError> {
        let c3ns: BoundedVec<T::AccountId, T::MaxC3ns> = c3n_accounts::<T>(n)
            .try_into()
            .map_err(|_| BenchmarkError::Weightless)?;
        let origin =
            T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

        #[extrinsic_call]
        _(origin as T::RuntimeOrigin, c3ns);

        assert_eq!(MainC3ns::<T>::get().len() as u32, n);
        Ok(())
    }

    /// A batch of `n` hashes broadcast by a main-chain C3N, both sets in full, replacing an
    /// expired batch of the same size.
    #[benchmark]
    fn broadcast_batch(n: Linear<1, { T::MaxBatch::get() }>) {
        let (subchain, main, _) = largest_c3d::<T>();
        let broadcaster = main.first().cloned().expect("MaxC3ns is positive");
        let other = main.last().map(bytes::<T>).expect("MaxC3ns is positive");
        let channel = ChannelOf::<T> {
            next: 0,
            last_broadcaster: Some(other),
            pending: Some(crate::c3d::PendingBatch {
                first: 0,
                hashes: batch::<T>(n),
                broadcaster: other,
                broadcast_at: 0,
                attesters: vec![other].try_into().expect("one attester"),
            }),
        };
        C3dChannels::<T>::insert(subchain, channel);
        frame_system::Pallet::<T>::set_block_number(T::BatchExpiry::get().into());
        let hashes = batch::<T>(n);

        #[extrinsic_call]
        _(RawOrigin::Signed(broadcaster), subchain, 0, hashes);

        let channel = C3dChannels::<T>::get(subchain);
        assert_eq!(
            channel.pending.map(|pending| pending.hashes.len() as u32),
            Some(n)
        );
    }

    /// The attestation that accepts a batch of `n` hashes: both sets in full, every subchain
    /// C3N and every other main C3N attested before.
    #[benchmark]
    fn attest_batch(n: Linear<1, { T::MaxBatch::get() }>) {
        let (subchain, main, subchain_c3ns) = largest_c3d::<T>();
        let attester = main.first().cloned().expect("MaxC3ns is positive");
        let others: Vec<_> = main.iter().skip(1).map(bytes::<T>).collect();
        let hashes = batch::<T>(n);
        let digest = crate::c3d::batch_digest(0, &hashes);
        let broadcaster = others.first().copied().unwrap_or([0; 32]);
        let channel = ChannelOf::<T> {
            next: 0,
            last_broadcaster: Some(broadcaster),
            pending: Some(crate::c3d::PendingBatch {
                first: 0,
                hashes,
                broadcaster,
                broadcast_at: 0,
                attesters: others
                    .into_iter()
                    .chain(subchain_c3ns)
                    .collect::<Vec<_>>()
                    .try_into()
                    .expect("within both sets"),
            }),
        };
        C3dChannels::<T>::insert(subchain, channel);

        #[extrinsic_call]
        _(RawOrigin::Signed(attester), subchain, 0, digest);

        assert_eq!(C3dChannels::<T>::get(subchain).next, u64::from(n));
        assert!(AttestedMessages::<T>::contains_key(
            subchain,
            u64::from(n) - 1
        ));
    }

    impl_benchmark_test_suite!(CrossChain, crate::mock::new_test_ext(), crate::mock::Test);
}
