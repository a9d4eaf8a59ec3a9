//! # Light client of the main chain's Proof-of-Credit finality (subchain side)
//!
//! A subchain runtime includes this pallet (say as `MainClient`) and gives it to the subchain
//! side of WCME transfers as [`crate::subchain::Config::MainChain`]: [`Pallet`] implements
//! [`MainChainRoots`] with the state roots of main-chain blocks it verified final. It is the
//! counterpart of the main chain's audit of subchain headers ([`crate::pallet`]), with the same
//! finality code ([`wcme_consensus_primitives::finality::verify_justification`]) the main chain's
//! own nodes run.
//!
//! - **Trust anchor** (genesis, [`GenesisConfig`]): the main chain's genesis hash, one finalized
//!   main-chain header (number, hash, state root, POC round) and the voters of that round: the
//!   round's producers' packing keys with their stakes, exactly what the main chain's finality
//!   gadget reads at a block (`PocApi_current_round`: `CurrentRound.producers`, each weighted by
//!   its `stake`).
//! - **Headers** ([`Pallet::submit_main_headers`], anyone): consecutive main-chain headers
//!   extending the finalized head by parent links, all of one POC round (read from each header's
//!   pre-runtime digest, [`wcme_consensus_primitives::poc::PreDigest`]), with the
//!   [`Justification`](crate::types::Justification) of the last one. The justification must verify against the voters of
//!   that round; finality of the last header implies that of its ancestors, so each header's
//!   (number, hash, state root) is kept ([`FinalizedHeaders`], the last
//!   [`Config::FinalizedHistory`] of them).
//! - **Hand-off to the next round's voters.** On the main chain, round `r + 1`'s producers and
//!   stakes are the `Poc::NextProducers` list in the state of round `r`'s **last** block (or, if
//!   that list is empty, round `r`'s producers again), ordered by randomness when round `r + 1`'s
//!   first block executes; the order does not matter to a vote count. So a submission whose
//!   headers are of round `r + 1` while the finalized head is of round `r` must carry a storage
//!   proof of `Poc::NextProducers` ([`next_producers_key`]) against the finalized head's state
//!   root: the head is then round `r`'s last block (its child is of round `r + 1`), and it is
//!   final under round `r`'s voters, so its state root — and the voter set read from it — is
//!   trusted. See `docs/cross-chain.md`, "Light client of the main chain (subchain side)", for
//!   why the rule is sound and what it cannot do (a round skipped by a stalled chain, a last
//!   block without its own justification).
//! - **Recovery.** [`Pallet::force_checkpoint`] lets [`Config::AdminOrigin`] replace the trust
//!   anchor when the light client cannot move on by itself.

pub mod weights;

#[cfg(test)]
mod integration_tests;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use pallet::*;
pub use weights::WeightInfo;

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::H256;
use wcme_consensus_primitives::poc::{Producer, RoundIndex};

use crate::subchain::MainChainRoots;

/// The name of the Proof-of-Credit pallet in the main runtime (`construct_runtime!`'s `Poc`).
pub const MAIN_POC_PALLET: &[u8] = b"Poc";

/// The storage item of `pallet-wcme-poc` that holds the next round's membership.
pub const NEXT_PRODUCERS_ITEM: &[u8] = b"NextProducers";

/// The main chain's storage key of `Poc::NextProducers`:
/// `twox_128("Poc") ++ twox_128("NextProducers")`, FRAME's key of a storage value.
pub fn next_producers_key() -> [u8; 32] {
    frame_support::storage::storage_prefix(MAIN_POC_PALLET, NEXT_PRODUCERS_ITEM)
}

/// One entry of `Poc::NextProducers` as the main chain stores it: `pallet-wcme-poc`'s
/// `ProducerRecord<AccountId32>` (`agent, packing_key, stake, reward_weight`), which encodes
/// like this type.
pub type MainProducer = Producer<sp_runtime::AccountId32, u128>;

/// A main-chain header the light client verified final: what it keeps of it.
///
/// SCALE: `number: u32, hash: H256, state_root: H256, round: u32`.
#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
    Debug,
)]
pub struct FinalizedMainHeader {
    /// Its number.
    pub number: u32,
    /// Its hash (of the sealed header).
    pub hash: H256,
    /// Its state root: what storage proofs of main-chain state are checked against.
    pub state_root: H256,
    /// The POC round it belongs to (its pre-digest's round).
    pub round: RoundIndex,
}

#[frame_support::pallet]
pub mod pallet {
    use super::{FinalizedMainHeader, MainProducer, WeightInfo, next_producers_key};
    use crate::{
        proof::{self, ProofError},
        types::{Header, Justification},
    };
    use alloc::vec::Vec;
    use codec::{Compact, Decode, DecodeAll};
    use frame_support::pallet_prelude::*;
    use frame_system::pallet_prelude::*;
    use sp_core::H256;
    use wcme_consensus_primitives::{
        finality::{FinalityError, VoterSet, verify_justification},
        poc::{PackingKey, RoundIndex, find_pre_digest},
    };

    /// The headers of one submission, at most [`Config::MaxHeadersPerSubmission`].
    pub type MainHeadersOf<T> = BoundedVec<Header, <T as Config>::MaxHeadersPerSubmission>;

    /// A voter set as stored: packing keys with their stakes, at most [`Config::MaxVoters`].
    pub type VotersOf<T> = BoundedVec<(PackingKey, u128), <T as Config>::MaxVoters>;

    /// A storage proof of main-chain state: at most [`Config::MaxProofNodes`] nodes of at most
    /// [`Config::MaxProofNodeSize`] bytes (checked before any hashing). See [`crate::proof`].
    pub type ProofOf<T> = BoundedVec<Vec<u8>, <T as Config>::MaxProofNodes>;

    /// The pallet: a light client of the main chain's POC finality.
    #[pallet::pallet]
    pub struct Pallet<T>(_);

    /// Default configurations of this pallet for tests.
    pub mod config_preludes {
        use super::*;
        use frame_support::{derive_impl, traits::ConstU32};

        /// Test defaults: 8 headers a submission, 8 voters, a history of 16 headers, proofs of
        /// at most 16 nodes of 1 KiB, unit weights.
        pub struct TestDefaultConfig;

        #[derive_impl(frame_system::config_preludes::TestDefaultConfig, no_aggregated_types)]
        impl frame_system::DefaultConfig for TestDefaultConfig {}

        #[frame_support::register_default_impl(TestDefaultConfig)]
        impl DefaultConfig for TestDefaultConfig {
            type MaxHeadersPerSubmission = ConstU32<8>;
            type MaxVoters = ConstU32<8>;
            type FinalizedHistory = ConstU32<16>;
            type MaxProofNodes = ConstU32<16>;
            type MaxProofNodeSize = ConstU32<1024>;
            type WeightInfo = ();
        }
    }

    /// Configuration of the light client of the main chain.
    #[pallet::config(with_default)]
    pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
        /// May replace the trust anchor ([`Pallet::force_checkpoint`]).
        #[pallet::no_default]
        type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

        /// Most headers in one submission. Positive.
        #[pallet::constant]
        type MaxHeadersPerSubmission: Get<u32>;

        /// Most voters in a round (at least the main runtime's `Poc` `MaxAgents`, else a
        /// hand-off to a larger round fails), and so most pre-commits in a justification.
        #[pallet::constant]
        type MaxVoters: Get<u32>;

        /// How many finalized headers are kept (the newest). Positive.
        #[pallet::constant]
        type FinalizedHistory: Get<u32>;

        /// Most trie nodes in a hand-off proof.
        #[pallet::constant]
        type MaxProofNodes: Get<u32>;

        /// Largest trie node of a hand-off proof, in bytes: at least `5 + 96 · MaxVoters` for
        /// the value node of a full `Poc::NextProducers` (checked by `integrity_test`).
        #[pallet::constant]
        type MaxProofNodeSize: Get<u32>;

        /// Weights of this pallet's calls.
        type WeightInfo: WeightInfo;
    }

    /// The main chain's genesis hash, from the trust anchor: the chain this light client
    /// follows.
    #[pallet::storage]
    pub type MainGenesisHash<T: Config> = StorageValue<_, H256>;

    /// The highest main-chain header verified final. Submissions extend it. Absent until a
    /// trust anchor is set (then nothing is verified).
    #[pallet::storage]
    pub type FinalizedHead<T: Config> = StorageValue<_, FinalizedMainHeader>;

    /// The voters of the finalized head's round: the round's producers' packing keys with their
    /// stakes. Justifications of that round are verified against them.
    #[pallet::storage]
    pub type Voters<T: Config> = StorageValue<_, VotersOf<T>, ValueQuery>;

    /// The finalized main-chain headers, by number: the last [`Config::FinalizedHistory`] up to
    /// the head. Their state roots are what [`MainChainRoots::state_root`] returns.
    ///
    /// [`MainChainRoots::state_root`]: crate::subchain::MainChainRoots::state_root
    #[pallet::storage]
    pub type FinalizedHeaders<T: Config> = StorageMap<_, Twox64Concat, u32, FinalizedMainHeader>;

    /// Genesis: the trust anchor. With no voters, none is set and nothing is verified until
    /// [`Pallet::force_checkpoint`].
    #[pallet::genesis_config]
    #[derive(frame_support::DefaultNoBound)]
    pub struct GenesisConfig<T: Config> {
        /// The main chain's genesis hash.
        pub genesis_hash: H256,
        /// The number of the finalized main-chain header trusted (0: the genesis).
        pub checkpoint_number: u32,
        /// Its hash (the genesis hash if the number is 0).
        pub checkpoint_hash: H256,
        /// Its state root: not zero.
        pub checkpoint_state_root: H256,
        /// Its POC round (0 for the genesis).
        pub round: RoundIndex,
        /// The voters of that round: `(packing key, stake)` of each of its producers, as
        /// `PocApi_current_round` at the checkpoint shows them. At most `MaxVoters`, with a
        /// positive total stake. Empty: no trust anchor.
        pub voters: Vec<([u8; 32], u128)>,
        /// Unused.
        #[serde(skip)]
        pub _config: core::marker::PhantomData<T>,
    }

    #[pallet::genesis_build]
    impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
        fn build(&self) {
            if self.voters.is_empty() {
                return;
            }
            let voters: Vec<(PackingKey, u128)> = self
                .voters
                .iter()
                .map(|(key, stake)| (PackingKey::from_raw(*key), *stake))
                .collect();
            let Ok(voters) = VotersOf::<T>::try_from(voters) else {
                panic!("pallet-wcme-cross-chain (main client) genesis: more voters than MaxVoters");
            };
            assert!(
                Pallet::<T>::voter_set(self.round, &voters).total() > 0,
                "pallet-wcme-cross-chain (main client) genesis: the voters hold no stake"
            );
            assert!(
                !self.checkpoint_state_root.is_zero() && !self.checkpoint_hash.is_zero(),
                "pallet-wcme-cross-chain (main client) genesis: zero checkpoint hash or state root"
            );
            assert!(
                self.checkpoint_number != 0 || self.checkpoint_hash == self.genesis_hash,
                "pallet-wcme-cross-chain (main client) genesis: checkpoint 0 is not the genesis"
            );
            let head = FinalizedMainHeader {
                number: self.checkpoint_number,
                hash: self.checkpoint_hash,
                state_root: self.checkpoint_state_root,
                round: self.round,
            };
            MainGenesisHash::<T>::put(self.genesis_hash);
            FinalizedHead::<T>::put(head);
            FinalizedHeaders::<T>::insert(head.number, head);
            Voters::<T>::put(voters);
        }
    }

    /// Events of the light client of the main chain.
    #[pallet::event]
    #[pallet::generate_deposit(pub(super) fn deposit_event)]
    pub enum Event<T: Config> {
        /// Main-chain headers `first..=last` of POC round `round` were verified final; `hash`
        /// is the new finalized head's.
        HeadersFinalized {
            /// The first header's number.
            first: u32,
            /// The last header's number: the new finalized head.
            last: u32,
            /// The new head's hash.
            hash: H256,
            /// Their round.
            round: RoundIndex,
        },
        /// The voters of main-chain round `round` were read from `Poc::NextProducers` in the
        /// state of finalized block `at` (round `round − 1`'s last block).
        VotersHandedOff {
            /// The new round.
            round: RoundIndex,
            /// The block whose state root the proof was checked against.
            at: u32,
            /// How many voters.
            voters: u32,
            /// Their total stake.
            total_stake: u128,
        },
        /// The admin replaced the trust anchor: header `number` (`hash`) of round `round` with
        /// `voters` voters; the kept history was cleared.
        CheckpointForced {
            /// The checkpoint's number.
            number: u32,
            /// Its hash.
            hash: H256,
            /// Its round.
            round: RoundIndex,
            /// How many voters.
            voters: u32,
        },
    }

    /// Errors of the light client of the main chain.
    #[pallet::error]
    pub enum Error<T> {
        /// No trust anchor is set: nothing can be verified.
        NotInitialized,
        /// The submission holds no header.
        NoHeaders,
        /// A header's number is not its predecessor's (or the finalized head's) plus one.
        NotConsecutive,
        /// A header's parent hash is not its predecessor's (or the finalized head's) hash.
        ParentMismatch,
        /// A header (or a checkpoint) has a zero state root.
        ZeroStateRoot,
        /// A header has no single, well-formed POC pre-runtime digest.
        BadPreDigest,
        /// The headers of one submission are of different rounds: a submission stays in one
        /// round (crossing into the next round starts a new submission, at the head).
        MixedRounds,
        /// The headers are of a round that is neither the finalized head's nor the next one.
        UnknownRound,
        /// The headers are of the round after the finalized head's, and no hand-off proof of
        /// that round's voters came with them.
        HandOffRequired,
        /// A hand-off proof came with headers of the finalized head's own round.
        UnexpectedHandOff,
        /// The hand-off proof has more than `MaxProofNodes` nodes or a node over
        /// `MaxProofNodeSize` bytes.
        ProofTooLarge,
        /// The hand-off proof does not prove `Poc::NextProducers` against the finalized head's
        /// state root.
        InvalidProof,
        /// The proven `Poc::NextProducers` does not decode as a list of producers.
        InvalidVoterSet,
        /// More voters than `MaxVoters`.
        TooManyVoters,
        /// The voter set holds no stake: nothing can be final under it.
        NoVoters,
        /// The justification is not for the last header (number and hash).
        JustificationMismatch,
        /// The justification's round, or a pre-commit's, is not the headers' round.
        WrongRound,
        /// More pre-commits than `MaxVoters`.
        TooManyPrecommits,
        /// The signers hold no more than 2/3 of the round's stake.
        InsufficientWeight,
        /// A pre-commit's signature does not verify.
        InvalidSignature,
        /// A pre-commit is signed by a key that is not a voter of the round.
        UnknownVoter,
        /// A voter signed twice.
        DuplicateVoter,
        /// A vote is not a pre-commit for exactly the justified header.
        ForeignVote,
        /// The justification's pre-commits are from different voting views (only one view's
        /// pre-commits prove anything).
        MixedViews,
        /// A forced checkpoint is below the finalized head.
        CheckpointBehindHead,
    }

    impl<T> From<FinalityError> for Error<T> {
        fn from(error: FinalityError) -> Self {
            match error {
                FinalityError::BadSignature(_) => Self::InvalidSignature,
                FinalityError::NotAVoter(..) => Self::UnknownVoter,
                FinalityError::WrongRound { .. } => Self::WrongRound,
                FinalityError::ForeignVote(_) => Self::ForeignVote,
                FinalityError::MixedViews(_) => Self::MixedViews,
                FinalityError::Malformed(_) => Self::JustificationMismatch,
                FinalityError::NoVoters(_) => Self::NoVoters,
                FinalityError::DuplicateVoter(_) => Self::DuplicateVoter,
                FinalityError::NotEnoughWeight { .. } => Self::InsufficientWeight,
            }
        }
    }

    #[pallet::hooks]
    impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
        /// Checks the configuration. Runs in the runtime's tests and at node start, never in a
        /// block.
        fn integrity_test() {
            assert!(
                T::MaxHeadersPerSubmission::get() > 0
                    && T::MaxVoters::get() > 0
                    && T::FinalizedHistory::get() > 0,
                "pallet-wcme-cross-chain (main client): MaxHeadersPerSubmission, MaxVoters and FinalizedHistory must be positive"
            );
            assert!(
                T::MaxProofNodes::get() > 0 && T::MaxProofNodeSize::get() > 0,
                "pallet-wcme-cross-chain (main client): proofs must be allowed some nodes"
            );
            // A full `Poc::NextProducers` (a compact length, 96 bytes per producer) must fit in
            // one proof node, or a hand-off to a full round could never be proven.
            assert!(
                u64::from(T::MaxProofNodeSize::get())
                    >= u64::from(T::MaxVoters::get())
                        .saturating_mul(96)
                        .saturating_add(5),
                "pallet-wcme-cross-chain (main client): MaxProofNodeSize must hold MaxVoters producers"
            );
        }

        #[cfg(feature = "try-runtime")]
        fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
            Self::do_try_state()
        }
    }

    #[pallet::call]
    impl<T: Config> Pallet<T> {
        /// Verify main-chain `headers` final and keep them: they extend the finalized head one
        /// by one (numbers and parent hashes), have non-zero state roots and a POC pre-digest
        /// each, all of one round; `justification` proves the last one final under that
        /// round's voters.
        ///
        /// Origin: signed, anyone (a relayer); fees pay for the work. The round is either the
        /// finalized head's, verified against [`Voters`], with `hand_off` `None`; or the next
        /// one, when the head is that round's predecessor's last block: then `hand_off` must be
        /// a storage proof of the main chain's `Poc::NextProducers` against the head's state
        /// root, and the justification is verified against the producers it lists (or, if the
        /// list is empty, the head's round's voters, as `pallet-wcme-poc` does), which become
        /// [`Voters`]. Everything is verified before anything is written.
        ///
        /// Errors: [`Error::NotInitialized`], [`Error::NoHeaders`], [`Error::NotConsecutive`],
        /// [`Error::ParentMismatch`], [`Error::ZeroStateRoot`], [`Error::BadPreDigest`],
        /// [`Error::MixedRounds`], [`Error::UnknownRound`], [`Error::HandOffRequired`],
        /// [`Error::UnexpectedHandOff`], [`Error::ProofTooLarge`], [`Error::InvalidProof`],
        /// [`Error::InvalidVoterSet`], [`Error::TooManyVoters`], [`Error::NoVoters`],
        /// [`Error::JustificationMismatch`], [`Error::WrongRound`],
        /// [`Error::TooManyPrecommits`], [`Error::InsufficientWeight`],
        /// [`Error::InvalidSignature`], [`Error::UnknownVoter`], [`Error::DuplicateVoter`],
        /// [`Error::ForeignVote`], [`Error::MixedViews`]. Emits [`Event::VotersHandedOff`] on a
        /// hand-off and [`Event::HeadersFinalized`].
        #[pallet::call_index(0)]
        #[pallet::weight(Pallet::<T>::submit_main_headers_weight(
            headers.len(),
            justification,
            hand_off.as_ref(),
        ))]
        pub fn submit_main_headers(
            origin: OriginFor<T>,
            headers: MainHeadersOf<T>,
            justification: Justification,
            hand_off: Option<ProofOf<T>>,
        ) -> DispatchResult {
            ensure_signed(origin)?;
            let head = FinalizedHead::<T>::get().ok_or(Error::<T>::NotInitialized)?;
            let (finalized, round) = Self::check_headers(head, &headers)?;
            let current = Voters::<T>::get();
            let new_voters = if round == head.round {
                ensure!(hand_off.is_none(), Error::<T>::UnexpectedHandOff);
                None
            } else if head.round.checked_add(1) == Some(round) {
                let proof = hand_off.ok_or(Error::<T>::HandOffRequired)?;
                Some(Self::read_next_voters(head.state_root, &proof, &current)?)
            } else {
                return Err(Error::<T>::UnknownRound.into());
            };
            let voters = Self::voter_set(round, new_voters.as_ref().unwrap_or(&current));
            let last = finalized.last().ok_or(Error::<T>::NoHeaders)?;
            Self::check_justification(&voters, last, &justification)?;

            // Everything is verified; keep the headers.
            if let Some(new_voters) = new_voters {
                let count = u32::try_from(new_voters.len()).unwrap_or(u32::MAX);
                Voters::<T>::put(new_voters);
                Self::deposit_event(Event::VotersHandedOff {
                    round,
                    at: head.number,
                    voters: count,
                    total_stake: voters.total(),
                });
            }
            let history = T::FinalizedHistory::get();
            for header in &finalized {
                FinalizedHeaders::<T>::insert(header.number, header);
                if let Some(old) = header.number.checked_sub(history) {
                    FinalizedHeaders::<T>::remove(old);
                }
            }
            let first = finalized
                .first()
                .map_or(last.number, |header| header.number);
            FinalizedHead::<T>::put(last);
            Self::deposit_event(Event::HeadersFinalized {
                first,
                last: last.number,
                hash: last.hash,
                round,
            });
            Ok(())
        }

        /// Replace the trust anchor: `checkpoint` becomes the finalized head and `voters` the
        /// voters of its round; the kept headers are removed. For when the light client cannot
        /// move on by itself (a round the main chain skipped, a round's last block that was
        /// never justified on its own) or its anchor was wrong.
        ///
        /// Origin: [`Config::AdminOrigin`]. The checkpoint must have a non-zero state root and
        /// not be below the finalized head; the voters must hold some stake.
        ///
        /// Errors: [`Error::ZeroStateRoot`], [`Error::NoVoters`],
        /// [`Error::CheckpointBehindHead`]. Emits [`Event::CheckpointForced`].
        #[pallet::call_index(1)]
        #[pallet::weight(T::WeightInfo::force_checkpoint(
            T::FinalizedHistory::get(),
            Pallet::<T>::component(voters.len(), T::MaxVoters::get()),
        ))]
        pub fn force_checkpoint(
            origin: OriginFor<T>,
            checkpoint: FinalizedMainHeader,
            voters: VotersOf<T>,
        ) -> DispatchResult {
            T::AdminOrigin::ensure_origin(origin)?;
            ensure!(!checkpoint.state_root.is_zero(), Error::<T>::ZeroStateRoot);
            ensure!(
                Self::voter_set(checkpoint.round, &voters).total() > 0,
                Error::<T>::NoVoters
            );
            if let Some(head) = FinalizedHead::<T>::get() {
                ensure!(
                    checkpoint.number >= head.number,
                    Error::<T>::CheckpointBehindHead
                );
            }

            // Checked; replace the anchor. The map holds at most `FinalizedHistory` entries.
            let _ = FinalizedHeaders::<T>::clear(T::FinalizedHistory::get(), None);
            FinalizedHeaders::<T>::insert(checkpoint.number, checkpoint);
            FinalizedHead::<T>::put(checkpoint);
            let count = u32::try_from(voters.len()).unwrap_or(u32::MAX);
            Voters::<T>::put(voters);
            Self::deposit_event(Event::CheckpointForced {
                number: checkpoint.number,
                hash: checkpoint.hash,
                round: checkpoint.round,
                voters: count,
            });
            Ok(())
        }
    }

    impl<T: Config> Pallet<T> {
        /// The highest main-chain header verified final, if a trust anchor is set.
        pub fn finalized_head() -> Option<FinalizedMainHeader> {
            FinalizedHead::<T>::get()
        }

        /// Finalized main-chain header `number`, if verified and still kept.
        pub fn finalized_header(number: u32) -> Option<FinalizedMainHeader> {
            FinalizedHeaders::<T>::get(number)
        }

        /// The voters of the finalized head's round, with its round index.
        pub fn voters() -> Option<VoterSet> {
            let head = FinalizedHead::<T>::get()?;
            Some(Self::voter_set(head.round, &Voters::<T>::get()))
        }

        /// The weight of [`Pallet::submit_main_headers`] with `headers` headers, this
        /// justification and hand-off proof.
        pub fn submit_main_headers_weight(
            headers: usize,
            justification: &Justification,
            hand_off: Option<&ProofOf<T>>,
        ) -> Weight {
            let max_voters = T::MaxVoters::get();
            T::WeightInfo::submit_main_headers(
                Self::component(headers, T::MaxHeadersPerSubmission::get()),
                Self::component(justification.precommits.len(), max_voters),
                hand_off.map_or(0, |proof| {
                    Self::component(proof.len(), T::MaxProofNodes::get())
                }),
                if hand_off.is_some() { max_voters } else { 0 },
            )
        }

        /// `len` as a weight component, at most `max` (longer inputs are refused before any
        /// per-item work, or cannot be decoded).
        fn component(len: usize, max: u32) -> u32 {
            u32::try_from(len).unwrap_or(u32::MAX).min(max)
        }

        /// `voters` as the finality code counts them, in `round`.
        pub(crate) fn voter_set(round: RoundIndex, voters: &[(PackingKey, u128)]) -> VoterSet {
            VoterSet::new(round, voters.iter().copied())
        }

        /// Checks that `headers` extend `head` one by one, with non-zero state roots and POC
        /// pre-digests all of one round; returns what is kept of each and their round.
        fn check_headers(
            head: FinalizedMainHeader,
            headers: &[Header],
        ) -> Result<(Vec<FinalizedMainHeader>, RoundIndex), DispatchError> {
            let mut finalized: Vec<FinalizedMainHeader> = Vec::with_capacity(headers.len());
            let mut round = None;
            let (mut number, mut hash) = (head.number, head.hash);
            for header in headers {
                ensure!(
                    number.checked_add(1) == Some(header.number),
                    Error::<T>::NotConsecutive
                );
                ensure!(header.parent_hash == hash, Error::<T>::ParentMismatch);
                ensure!(!header.state_root.is_zero(), Error::<T>::ZeroStateRoot);
                let digest = find_pre_digest(header).map_err(|_| Error::<T>::BadPreDigest)?;
                match round {
                    None => round = Some(digest.round),
                    Some(round) => ensure!(round == digest.round, Error::<T>::MixedRounds),
                }
                number = header.number;
                hash = header.hash();
                finalized.push(FinalizedMainHeader {
                    number,
                    hash,
                    state_root: header.state_root,
                    round: digest.round,
                });
            }
            let round = round.ok_or(Error::<T>::NoHeaders)?;
            Ok((finalized, round))
        }

        /// Round `r + 1`'s voters from a proof of `Poc::NextProducers` in the state under `root`
        /// (round `r`'s last block): each producer's packing key and stake; `current` (round
        /// `r`'s voters) if the list is empty or absent, as `pallet-wcme-poc` then keeps round
        /// `r`'s producers.
        fn read_next_voters(
            root: H256,
            proof: &ProofOf<T>,
            current: &VotersOf<T>,
        ) -> Result<VotersOf<T>, DispatchError> {
            let value = proof::read_proof_bounded(
                root,
                proof,
                &next_producers_key(),
                T::MaxProofNodes::get(),
                T::MaxProofNodeSize::get(),
            )
            .map_err(|error| match error {
                ProofError::TooManyNodes | ProofError::NodeTooLarge => Error::<T>::ProofTooLarge,
                ProofError::ZeroRoot | ProofError::MissingNode | ProofError::BadNode => {
                    Error::<T>::InvalidProof
                }
            })?;
            let Some(value) = value else {
                return Ok(current.clone());
            };
            let producers = Self::decode_producers(&value)?;
            if producers.is_empty() {
                return Ok(current.clone());
            }
            let voters: Vec<(PackingKey, u128)> = producers
                .into_iter()
                .map(|producer| (producer.packing_key, producer.stake))
                .collect();
            VotersOf::<T>::try_from(voters).map_err(|_| Error::<T>::TooManyVoters.into())
        }

        /// Decodes a `Poc::NextProducers` value, refusing more than `MaxVoters` entries before
        /// decoding them.
        fn decode_producers(value: &[u8]) -> Result<Vec<MainProducer>, DispatchError> {
            let mut input = value;
            let Compact(count) =
                Compact::<u32>::decode(&mut input).map_err(|_| Error::<T>::InvalidVoterSet)?;
            ensure!(count <= T::MaxVoters::get(), Error::<T>::TooManyVoters);
            Vec::<MainProducer>::decode_all(&mut &value[..])
                .map_err(|_| Error::<T>::InvalidVoterSet.into())
        }

        /// Checks that `justification` proves `last` final under `voters`: it names exactly
        /// that header and the voters' round, has at most `MaxVoters` pre-commits whose distinct
        /// known signers could hold a supermajority, and [`verify_justification`] accepts it.
        /// The cheap checks come first; the signatures last.
        fn check_justification(
            voters: &VoterSet,
            last: &FinalizedMainHeader,
            justification: &Justification,
        ) -> DispatchResult {
            ensure!(
                justification.number == last.number && justification.hash == last.hash,
                Error::<T>::JustificationMismatch
            );
            ensure!(
                justification.round == voters.round(),
                Error::<T>::WrongRound
            );
            ensure!(
                u32::try_from(justification.precommits.len())
                    .is_ok_and(|count| count <= T::MaxVoters::get()),
                Error::<T>::TooManyPrecommits
            );
            ensure!(voters.total() > 0, Error::<T>::NoVoters);
            // Unsigned weight first: if even every claimed signer together is not enough, no
            // signature needs checking.
            let claimed = justification
                .signers()
                .iter()
                .filter_map(|key| voters.stake(key))
                .fold(0u128, |sum, stake| sum.saturating_add(stake));
            ensure!(
                voters.is_supermajority(claimed),
                Error::<T>::InsufficientWeight
            );
            verify_justification(justification, voters).map_err(Error::<T>::from)?;
            Ok(())
        }

        /// The pallet's invariants: the head is among the kept headers with no kept header
        /// above it or older than the history, at most `FinalizedHistory` are kept, none has a
        /// zero state root, and the voters hold some stake.
        #[cfg(any(test, feature = "try-runtime"))]
        pub fn do_try_state() -> Result<(), sp_runtime::DispatchError> {
            let Some(head) = FinalizedHead::<T>::get() else {
                ensure!(
                    FinalizedHeaders::<T>::iter_keys().next().is_none(),
                    "finalized headers without a head"
                );
                return Ok(());
            };
            ensure!(
                FinalizedHeaders::<T>::get(head.number) == Some(head),
                "finalized head not among the finalized headers"
            );
            let history = T::FinalizedHistory::get();
            let mut count: u32 = 0;
            for (number, header) in FinalizedHeaders::<T>::iter() {
                ensure!(
                    header.number == number,
                    "finalized header under another number"
                );
                ensure!(number <= head.number, "finalized header above the head");
                ensure!(
                    head.number.saturating_sub(number) < history,
                    "finalized header older than the history"
                );
                ensure!(
                    !header.state_root.is_zero(),
                    "finalized header with a zero root"
                );
                count = count.saturating_add(1);
            }
            ensure!(count <= history, "more finalized headers than the history");
            ensure!(
                Self::voter_set(head.round, &Voters::<T>::get()).total() > 0,
                "voters without stake"
            );
            Ok(())
        }
    }
}

impl<T: Config> MainChainRoots for Pallet<T> {
    /// The state root of main-chain block `number` if the light client verified it final and
    /// still keeps it (only finalized headers are ever stored), and it is not zero.
    fn state_root(number: u32) -> Option<H256> {
        FinalizedHeaders::<T>::get(number)
            .map(|header| header.state_root)
            .filter(|root| !root.is_zero())
    }

    /// The finalized head's number (0 without a trust anchor).
    fn finalized_number() -> u32 {
        FinalizedHead::<T>::get().map_or(0, |head| head.number)
    }
}

/// For a subchain runtime's benchmarks of the transfers pallet: marks main-chain block `number`
/// with state `root` as finalized (the head, if above it), without any justification.
#[cfg(feature = "runtime-benchmarks")]
impl<T: Config> crate::subchain::benchmarking::BenchmarkHelper for Pallet<T> {
    fn verify_root(number: u32, root: H256) {
        let round = FinalizedHead::<T>::get().map_or(0, |head| head.round);
        let header = FinalizedMainHeader {
            number,
            hash: H256::repeat_byte(0xbe),
            state_root: root,
            round,
        };
        FinalizedHeaders::<T>::insert(number, header);
        if FinalizedHead::<T>::get().is_none_or(|head| head.number <= number) {
            FinalizedHead::<T>::put(header);
        }
    }
}
