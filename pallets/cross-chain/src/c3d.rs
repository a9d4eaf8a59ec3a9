//! C3D attestation (DESIGN §5): the cross-chain consensus domain is the set of C3Ns (cross-chain
//! nodes) of the main chain and of a subchain, and a transfer message is accepted only once
//! more than 2/3 of **each** side's C3Ns attested it.
//!
//! Each channel (one direction of one subchain) keeps, on its destination chain, a [`Channel`]:
//!
//! 1. A C3N **broadcasts** a batch: the hashes ([`message_hash`]) of the source's next messages,
//!    from the channel's next unattested sequence number ([`Channel::next`]). The broadcast
//!    counts as its own attestation. The C3N that broadcast the previous batch may not
//!    broadcast this one ([`C3dError::ConsecutiveBroadcast`]): batches rotate among the C3Ns.
//! 2. The other C3Ns **attest** it by its [`PendingBatch::digest`] after comparing the hashes
//!    with the messages their own node of the source chain holds.
//! 3. When the attesters include more than 2/3 of the main chain's C3Ns and more than 2/3 of
//!    the subchain's ([`C3nSets::quorum`]), the batch is **accepted**: its hashes become the
//!    messages the destination may deliver, each still on its storage proof against a root the
//!    destination trusts.
//!
//! One batch is pending per channel at a time. A batch not accepted within the pallet's expiry
//! may be replaced by another C3N's broadcast (its broadcaster is still the last one), so a
//! batch honest C3Ns refuse to attest does not block the channel.
//!
//! A C3N is named by its account's 32 bytes on both chains ([`C3nId`]): the bytes of an
//! `AccountId32`, and of a registered validator key its [`crate::types::C3nKey::account_bytes`].
//! The same C3N attests on the main chain and on the subchain from the same account.
//!
//! The functions here decide; the pallets ([`crate::Pallet`] on the main chain,
//! [`crate::subchain`] on a subchain) store the channel and the accepted hashes.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
    BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound, traits::Get,
};
use scale_info::TypeInfo;
use sp_core::H256;
use sp_runtime::traits::{BlakeTwo256, Hash};

use crate::message::TransferMessage;
use pallet_wcme_subchains::verify::exceeds_two_thirds;

/// A C3N: its account's bytes on both chains.
pub type C3nId = [u8; 32];

/// What a batch's [`PendingBatch::digest`] starts with, so that a digest names nothing else.
pub const BATCH_DIGEST_CONTEXT: &[u8] = b"wcme/c3d/batch/v1";

/// The hash a batch carries for `message`: `blake2_256` of its SCALE encoding.
pub fn message_hash(message: &TransferMessage) -> H256 {
    BlakeTwo256::hash(&message.encode())
}

/// A batch waiting for attestations.
#[derive(
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
    CloneNoBound,
    PartialEqNoBound,
    EqNoBound,
    DebugNoBound,
)]
#[scale_info(skip_type_params(MaxBatch, MaxAttesters))]
pub struct PendingBatch<MaxBatch: Get<u32>, MaxAttesters: Get<u32>> {
    /// The sequence number of the first message.
    pub first: u64,
    /// The messages' hashes ([`message_hash`]), in sequence from `first`.
    pub hashes: BoundedVec<H256, MaxBatch>,
    /// The C3N that broadcast it.
    pub broadcaster: C3nId,
    /// The destination block it was broadcast in.
    pub broadcast_at: u32,
    /// The C3Ns that attested it, the broadcaster first.
    pub attesters: BoundedVec<C3nId, MaxAttesters>,
}

impl<MaxBatch: Get<u32>, MaxAttesters: Get<u32>> PendingBatch<MaxBatch, MaxAttesters> {
    /// What attesters name the batch by: `blake2_256(SCALE((BATCH_DIGEST_CONTEXT, first,
    /// hashes)))`.
    pub fn digest(&self) -> H256 {
        batch_digest(self.first, &self.hashes)
    }
}

/// The digest of a batch of `hashes` from `first` (see [`PendingBatch::digest`]).
pub fn batch_digest(first: u64, hashes: &[H256]) -> H256 {
    BlakeTwo256::hash(&(BATCH_DIGEST_CONTEXT, first, hashes).encode())
}

/// The attestation state of one channel on its destination chain.
#[derive(
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
    CloneNoBound,
    PartialEqNoBound,
    EqNoBound,
    DebugNoBound,
)]
#[scale_info(skip_type_params(MaxBatch, MaxAttesters))]
pub struct Channel<MaxBatch: Get<u32>, MaxAttesters: Get<u32>> {
    /// The first sequence number no accepted batch covers: where the next batch starts.
    pub next: u64,
    /// The C3N that broadcast the last batch: it may not broadcast the next one.
    pub last_broadcaster: Option<C3nId>,
    /// The batch waiting for attestations, if any.
    pub pending: Option<PendingBatch<MaxBatch, MaxAttesters>>,
}

impl<MaxBatch: Get<u32>, MaxAttesters: Get<u32>> Default for Channel<MaxBatch, MaxAttesters> {
    fn default() -> Self {
        Self {
            next: 0,
            last_broadcaster: None,
            pending: None,
        }
    }
}

/// Both sides' C3N sets, as the destination knows them.
#[derive(Clone, Copy, Debug)]
pub struct C3nSets<'a> {
    /// The main chain's C3Ns.
    pub main: &'a [C3nId],
    /// The subchain's C3Ns.
    pub subchain: &'a [C3nId],
}

impl C3nSets<'_> {
    /// Whether `who` is a C3N of either side.
    pub fn contains(&self, who: &C3nId) -> bool {
        self.main.contains(who) || self.subchain.contains(who)
    }

    /// Whether `attesters` are more than 2/3 of each side's set (a C3N of both sides counts for
    /// both). Attesters outside the sets, such as C3Ns removed since they attested, count for
    /// nothing.
    pub fn quorum(&self, attesters: &[C3nId]) -> bool {
        let count = |set: &[C3nId]| set.iter().filter(|c3n| attesters.contains(c3n)).count();
        exceeds_two_thirds(count(self.main), self.main.len())
            && exceeds_two_thirds(count(self.subchain), self.subchain.len())
    }
}

/// Both sides' C3N sets, owned: what a pallet reads from storage before it lends them as
/// [`C3nSets`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct C3nLists {
    /// The main chain's C3Ns.
    pub main: Vec<C3nId>,
    /// The subchain's C3Ns.
    pub subchain: Vec<C3nId>,
}

impl C3nLists {
    /// The lists as [`C3nSets`].
    pub fn sets(&self) -> C3nSets<'_> {
        C3nSets {
            main: &self.main,
            subchain: &self.subchain,
        }
    }
}

/// The minimum number of C3Ns each side must have before a batch is broadcast.
#[derive(Clone, Copy, Debug)]
pub struct MinC3ns {
    /// The main chain's minimum.
    pub main: u32,
    /// The subchain's minimum.
    pub subchain: u32,
}

/// Why a broadcast or an attestation is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum C3dError {
    /// The caller is not a C3N of either side.
    NotC3n,
    /// A side has fewer C3Ns than its minimum.
    TooFewC3ns,
    /// The caller broadcast the previous batch of this channel.
    ConsecutiveBroadcast,
    /// Another batch is pending and not expired.
    BatchPending,
    /// The batch has no messages.
    EmptyBatch,
    /// The batch does not start at the channel's next unattested message.
    WrongFirst,
    /// No batch is pending.
    NoPendingBatch,
    /// The attested digest (or first message) is not the pending batch's.
    WrongDigest,
    /// The caller attested this batch already.
    AlreadyAttested,
    /// More attesters than the bound (both sets in full).
    TooManyAttesters,
    /// A C3N appears twice in a set.
    DuplicateC3n,
    /// A set has more C3Ns than its bound.
    TooManyC3ns,
    /// A sequence number would overflow.
    Overflow,
}

/// A batch that reached its quorum: the destination may deliver these messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accepted {
    /// The first message's sequence number.
    pub first: u64,
    /// The messages' hashes, in sequence.
    pub hashes: Vec<H256>,
}

impl<MaxBatch: Get<u32>, MaxAttesters: Get<u32>> Channel<MaxBatch, MaxAttesters> {
    /// `who` broadcasts the batch of `hashes` from `first` at destination block `now`; a
    /// pending batch broadcast at or before `now - expiry` is replaced. Checks, in order:
    /// both sets' sizes, membership, the rotation, a pending batch, the start, the length.
    /// The broadcast is `who`'s attestation; `Some` if that alone is a quorum (one C3N a side).
    #[allow(clippy::too_many_arguments)] // Each is its own input of the rules above.
    pub fn broadcast(
        &mut self,
        sets: C3nSets<'_>,
        min: MinC3ns,
        who: C3nId,
        first: u64,
        hashes: BoundedVec<H256, MaxBatch>,
        now: u32,
        expiry: u32,
    ) -> Result<Option<Accepted>, C3dError> {
        if (sets.main.len() as u64) < u64::from(min.main)
            || (sets.subchain.len() as u64) < u64::from(min.subchain)
        {
            return Err(C3dError::TooFewC3ns);
        }
        if !sets.contains(&who) {
            return Err(C3dError::NotC3n);
        }
        if self.last_broadcaster == Some(who) {
            return Err(C3dError::ConsecutiveBroadcast);
        }
        if let Some(pending) = &self.pending
            && now < pending.broadcast_at.saturating_add(expiry)
        {
            return Err(C3dError::BatchPending);
        }
        if first != self.next {
            return Err(C3dError::WrongFirst);
        }
        if hashes.is_empty() {
            return Err(C3dError::EmptyBatch);
        }
        let attesters =
            BoundedVec::try_from(alloc::vec![who]).map_err(|_| C3dError::TooManyAttesters)?;
        self.last_broadcaster = Some(who);
        self.pending = Some(PendingBatch {
            first,
            hashes,
            broadcaster: who,
            broadcast_at: now,
            attesters,
        });
        self.accept_if_quorum(sets)
    }

    /// `who` attests the pending batch it names by `first` and `digest`. `Some` once the
    /// attesters are a quorum of both sides: the batch is accepted and the channel moves past
    /// it.
    pub fn attest(
        &mut self,
        sets: C3nSets<'_>,
        who: C3nId,
        first: u64,
        digest: H256,
    ) -> Result<Option<Accepted>, C3dError> {
        let pending = self.pending.as_mut().ok_or(C3dError::NoPendingBatch)?;
        if pending.first != first || pending.digest() != digest {
            return Err(C3dError::WrongDigest);
        }
        if !sets.contains(&who) {
            return Err(C3dError::NotC3n);
        }
        if pending.attesters.contains(&who) {
            return Err(C3dError::AlreadyAttested);
        }
        pending
            .attesters
            .try_push(who)
            .map_err(|_| C3dError::TooManyAttesters)?;
        self.accept_if_quorum(sets)
    }

    /// Accepts the pending batch if its attesters are a quorum of both sets.
    fn accept_if_quorum(&mut self, sets: C3nSets<'_>) -> Result<Option<Accepted>, C3dError> {
        let Some(pending) = &self.pending else {
            return Ok(None);
        };
        if !sets.quorum(&pending.attesters) {
            return Ok(None);
        }
        let next = pending
            .first
            .checked_add(pending.hashes.len() as u64)
            .ok_or(C3dError::Overflow)?;
        let Some(pending) = self.pending.take() else {
            return Ok(None);
        };
        self.next = next;
        Ok(Some(Accepted {
            first: pending.first,
            hashes: pending.hashes.into_inner(),
        }))
    }
}

/// A channel's C3D state as the runtime APIs show it to relayers: both sets, the channel, and
/// the batch limits.
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug, Default)]
pub struct C3dView {
    /// The main chain's C3Ns.
    pub main_c3ns: Vec<C3nId>,
    /// The subchain's C3Ns.
    pub subchain_c3ns: Vec<C3nId>,
    /// The first message no accepted batch covers: where the next batch starts.
    pub next: u64,
    /// The C3N that broadcast the last batch.
    pub last_broadcaster: Option<C3nId>,
    /// The batch waiting for attestations.
    pub pending: Option<PendingView>,
    /// Most messages in a batch.
    pub max_batch: u32,
    /// Blocks after which a pending batch may be replaced.
    pub expiry: u32,
}

/// A pending batch, unbounded (see [`PendingBatch`]).
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct PendingView {
    /// The sequence number of the first message.
    pub first: u64,
    /// The messages' hashes.
    pub hashes: Vec<H256>,
    /// The C3N that broadcast it.
    pub broadcaster: C3nId,
    /// The destination block it was broadcast in.
    pub broadcast_at: u32,
    /// The C3Ns that attested it.
    pub attesters: Vec<C3nId>,
}

impl C3dView {
    /// The view of `channel` under `sets`.
    pub fn new<MaxBatch: Get<u32>, MaxAttesters: Get<u32>>(
        sets: C3nSets<'_>,
        channel: Channel<MaxBatch, MaxAttesters>,
        expiry: u32,
    ) -> Self {
        Self {
            main_c3ns: sets.main.to_vec(),
            subchain_c3ns: sets.subchain.to_vec(),
            next: channel.next,
            last_broadcaster: channel.last_broadcaster,
            pending: channel.pending.map(|pending| PendingView {
                first: pending.first,
                hashes: pending.hashes.into_inner(),
                broadcaster: pending.broadcaster,
                broadcast_at: pending.broadcast_at,
                attesters: pending.attesters.into_inner(),
            }),
            max_batch: MaxBatch::get(),
            expiry,
        }
    }

    /// Whether `who` is a C3N of either side.
    pub fn is_c3n(&self, who: &C3nId) -> bool {
        C3nSets {
            main: &self.main_c3ns,
            subchain: &self.subchain_c3ns,
        }
        .contains(who)
    }
}

/// An account's C3N id: its 32 bytes ([`crate::message::account_to_bytes`]), `None` if it has
/// more. On WCME chains (`AccountId32`) an sr25519 or ed25519 key's account is the key itself.
pub struct AccountBytes;

impl<AccountId: Encode> sp_runtime::traits::Convert<AccountId, Option<C3nId>> for AccountBytes {
    fn convert(account: AccountId) -> Option<C3nId> {
        crate::message::account_to_bytes(&account)
    }
}

/// `set` as a stored C3N set: at least `min` members, no duplicates ([`check_set`]), at most
/// the bound `S`.
pub fn bounded_set<S: Get<u32>>(
    set: Vec<C3nId>,
    min: u32,
) -> Result<BoundedVec<C3nId, S>, C3dError> {
    check_set(&set, min)?;
    BoundedVec::try_from(set).map_err(|_| C3dError::TooManyC3ns)
}

/// A [`C3dError`] as the `DispatchError` of the pallet error of the same name (`$error` is the
/// pallet's `Error<T>`, which declares every [`C3dError`] variant's name), an overflow as
/// FRAME's: what both cross-chain pallets refuse a C3D call with.
macro_rules! dispatch_error {
    ($error:ty, $c3d_error:expr) => {
        match $c3d_error {
            $crate::c3d::C3dError::NotC3n => <$error>::NotC3n.into(),
            $crate::c3d::C3dError::TooFewC3ns => <$error>::TooFewC3ns.into(),
            $crate::c3d::C3dError::ConsecutiveBroadcast => <$error>::ConsecutiveBroadcast.into(),
            $crate::c3d::C3dError::BatchPending => <$error>::BatchPending.into(),
            $crate::c3d::C3dError::EmptyBatch => <$error>::EmptyBatch.into(),
            $crate::c3d::C3dError::WrongFirst => <$error>::WrongFirst.into(),
            $crate::c3d::C3dError::NoPendingBatch => <$error>::NoPendingBatch.into(),
            $crate::c3d::C3dError::WrongDigest => <$error>::WrongDigest.into(),
            $crate::c3d::C3dError::AlreadyAttested => <$error>::AlreadyAttested.into(),
            $crate::c3d::C3dError::TooManyAttesters => <$error>::TooManyAttesters.into(),
            $crate::c3d::C3dError::DuplicateC3n => <$error>::DuplicateC3n.into(),
            $crate::c3d::C3dError::TooManyC3ns => <$error>::TooManyC3ns.into(),
            $crate::c3d::C3dError::Overflow => sp_runtime::ArithmeticError::Overflow.into(),
        }
    };
}
pub(crate) use dispatch_error;

/// Checks a C3N set before it is stored: at least `min` members, at most the bound (by the
/// `BoundedVec`), no duplicates.
pub fn check_set(set: &[C3nId], min: u32) -> Result<(), C3dError> {
    if (set.len() as u64) < u64::from(min) {
        return Err(C3dError::TooFewC3ns);
    }
    for (index, c3n) in set.iter().enumerate() {
        if set.get(..index).is_some_and(|before| before.contains(c3n)) {
            return Err(C3dError::DuplicateC3n);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use frame_support::traits::ConstU32;
    use proptest::prelude::*;

    type TestChannel = Channel<ConstU32<8>, ConstU32<16>>;

    fn c3n(n: u8) -> C3nId {
        [n; 32]
    }

    fn hashes(n: usize) -> BoundedVec<H256, ConstU32<8>> {
        (0..n)
            .map(|i| H256::repeat_byte(i as u8))
            .collect::<Vec<_>>()
            .try_into()
            .expect("within the bound")
    }

    const MIN: MinC3ns = MinC3ns {
        main: 2,
        subchain: 2,
    };

    #[test]
    fn a_batch_needs_more_than_two_thirds_of_both_sides() {
        let main = [c3n(1), c3n(2), c3n(3), c3n(4)];
        let subchain = [c3n(5), c3n(6), c3n(7), c3n(8)];
        let sets = C3nSets {
            main: &main,
            subchain: &subchain,
        };
        let mut channel = TestChannel::default();
        assert_eq!(
            channel.broadcast(sets, MIN, c3n(1), 0, hashes(2), 10, 5),
            Ok(None)
        );
        let digest = channel.pending.as_ref().expect("pending").digest();
        // Three main C3Ns of four, then two subchain C3Ns of four: not yet.
        for who in [2, 3, 5, 6] {
            assert_eq!(channel.attest(sets, c3n(who), 0, digest), Ok(None));
        }
        assert_eq!(
            channel.attest(sets, c3n(5), 0, digest),
            Err(C3dError::AlreadyAttested)
        );
        assert_eq!(
            channel.attest(sets, c3n(9), 0, digest),
            Err(C3dError::NotC3n)
        );
        assert_eq!(
            channel.attest(sets, c3n(7), 0, H256::zero()),
            Err(C3dError::WrongDigest)
        );
        assert_eq!(
            channel.attest(sets, c3n(7), 1, digest),
            Err(C3dError::WrongDigest)
        );
        // The third of four subchain C3Ns.
        let accepted = channel.attest(sets, c3n(7), 0, digest);
        assert_eq!(
            accepted,
            Ok(Some(Accepted {
                first: 0,
                hashes: hashes(2).into_inner()
            }))
        );
        assert_eq!(channel.next, 2);
        assert_eq!(channel.pending, None);
        assert_eq!(
            channel.attest(sets, c3n(8), 0, digest),
            Err(C3dError::NoPendingBatch)
        );
    }

    #[test]
    fn no_c3n_broadcasts_two_batches_in_a_row() {
        let both = [c3n(1), c3n(2)];
        let sets = C3nSets {
            main: &both,
            subchain: &both,
        };
        let mut channel = TestChannel::default();
        channel
            .broadcast(sets, MIN, c3n(1), 0, hashes(1), 1, 5)
            .expect("first");
        let digest = channel.pending.as_ref().expect("pending").digest();
        assert!(
            channel
                .attest(sets, c3n(2), 0, digest)
                .expect("attested")
                .is_some()
        );
        let before = channel.clone();
        assert_eq!(
            channel.broadcast(sets, MIN, c3n(1), 1, hashes(1), 2, 5),
            Err(C3dError::ConsecutiveBroadcast)
        );
        assert_eq!(channel, before);
        channel
            .broadcast(sets, MIN, c3n(2), 1, hashes(1), 2, 5)
            .expect("the other C3N");
        assert_eq!(channel.last_broadcaster, Some(c3n(2)));
    }

    #[test]
    fn broadcasts_are_checked_before_anything_changes() {
        let main = [c3n(1), c3n(2)];
        let subchain = [c3n(3)];
        let few = C3nSets {
            main: &main,
            subchain: &subchain,
        };
        let mut channel = TestChannel::default();
        assert_eq!(
            channel.broadcast(few, MIN, c3n(1), 0, hashes(1), 1, 5),
            Err(C3dError::TooFewC3ns)
        );
        let subchain = [c3n(3), c3n(4)];
        let sets = C3nSets {
            main: &main,
            subchain: &subchain,
        };
        assert_eq!(
            channel.broadcast(sets, MIN, c3n(9), 0, hashes(1), 1, 5),
            Err(C3dError::NotC3n)
        );
        assert_eq!(
            channel.broadcast(sets, MIN, c3n(1), 1, hashes(1), 1, 5),
            Err(C3dError::WrongFirst)
        );
        assert_eq!(
            channel.broadcast(sets, MIN, c3n(1), 0, hashes(0), 1, 5),
            Err(C3dError::EmptyBatch)
        );
        assert_eq!(channel, TestChannel::default());
        channel
            .broadcast(sets, MIN, c3n(1), 0, hashes(1), 1, 5)
            .expect("broadcast");
        // Pending until block 6, then replaceable by another C3N.
        assert_eq!(
            channel.broadcast(sets, MIN, c3n(3), 0, hashes(2), 5, 5),
            Err(C3dError::BatchPending)
        );
        assert_eq!(
            channel.broadcast(sets, MIN, c3n(1), 0, hashes(2), 6, 5),
            Err(C3dError::ConsecutiveBroadcast)
        );
        channel
            .broadcast(sets, MIN, c3n(3), 0, hashes(2), 6, 5)
            .expect("replaced");
        let pending = channel.pending.as_ref().expect("pending");
        assert_eq!(pending.hashes.len(), 2);
        assert_eq!(pending.attesters.to_vec(), alloc::vec![c3n(3)]);
    }

    #[test]
    fn a_c3n_of_both_sides_alone_is_a_quorum_of_one() {
        let one = [c3n(1)];
        let sets = C3nSets {
            main: &one,
            subchain: &one,
        };
        let mut channel = TestChannel::default();
        let min = MinC3ns {
            main: 1,
            subchain: 1,
        };
        assert!(
            channel
                .broadcast(sets, min, c3n(1), 0, hashes(3), 1, 5)
                .expect("broadcast")
                .is_some()
        );
        assert_eq!(channel.next, 3);
    }

    #[test]
    fn sets_are_checked() {
        assert_eq!(check_set(&[c3n(1)], 2), Err(C3dError::TooFewC3ns));
        assert_eq!(
            check_set(&[c3n(1), c3n(2), c3n(1)], 2),
            Err(C3dError::DuplicateC3n)
        );
        assert_eq!(check_set(&[c3n(1), c3n(2)], 2), Ok(()));
    }

    proptest! {
        /// A batch is accepted exactly when more than 2/3 of each side attested it, whatever
        /// order the attestations come in.
        #[test]
        fn accepted_iff_more_than_two_thirds_of_each_side(
            main_size in 2usize..8,
            subchain_size in 2usize..8,
            main_signers in proptest::collection::vec(any::<bool>(), 8),
            subchain_signers in proptest::collection::vec(any::<bool>(), 8),
        ) {
            let main: Vec<C3nId> = (0..main_size).map(|i| c3n(i as u8)).collect();
            let subchain: Vec<C3nId> = (0..subchain_size).map(|i| c3n(100 + i as u8)).collect();
            let sets = C3nSets { main: &main, subchain: &subchain };
            let mut attesters: Vec<C3nId> = main
                .iter()
                .zip(&main_signers)
                .chain(subchain.iter().zip(&subchain_signers))
                .filter(|(_, signs)| **signs)
                .map(|(c3n, _)| *c3n)
                .collect();
            // Someone broadcasts: the first main C3N if nobody attests.
            let broadcaster = attesters.first().copied().unwrap_or(main[0]);
            if !attesters.contains(&broadcaster) {
                attesters.push(broadcaster);
            }
            let mut channel = Channel::<ConstU32<8>, ConstU32<16>>::default();
            let mut accepted = channel
                .broadcast(sets, MIN, broadcaster, 0, hashes(1), 1, 5)
                .expect("broadcast");
            let digest = batch_digest(0, &hashes(1));
            for who in attesters.iter().skip(1) {
                prop_assert!(accepted.is_none(), "accepted before the last attestation");
                accepted = match channel.attest(sets, *who, 0, digest) {
                    Ok(accepted) => accepted,
                    Err(C3dError::NoPendingBatch) => break,
                    Err(e) => return Err(TestCaseError::fail(format!("{e:?}"))),
                };
                if accepted.is_some() {
                    break;
                }
            }
            let count = |set: &[C3nId]| set.iter().filter(|c| attesters.contains(c)).count();
            let expected = 3 * count(&main) > 2 * main.len()
                && 3 * count(&subchain) > 2 * subchain.len();
            prop_assert_eq!(accepted.is_some(), expected);
            prop_assert_eq!(channel.next, if expected { 1 } else { 0 });
        }
    }
}
