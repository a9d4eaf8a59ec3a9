//! # WCME cross-chain pallet (main-chain side): header audit
//!
//! The main chain audits the headers of registered subchains (DESIGN §5) as a light client of
//! each subchain's consensus engine, and keeps the audited header chain: number, hash, parent,
//! state root and extrinsics root of each header, the last [`Config::AuditedHistory`] of them
//! per subchain. Later parts (cross-chain messages, escrowed token transfers, C3D attestation)
//! prove things against these roots; see `docs/cross-chain.md`.
//!
//! - **Submitting headers.** Anyone (a relayer) calls [`Pallet::submit_headers`] with a run of
//!   consecutive headers extending the audited head (or the registered genesis hash) and a
//!   [`FinalityProof`]. Everything is verified before anything is written ([`verify`]):
//!   - Proof-of-Credit, Aura and PBFT subchains: a [`Justification`] of the **last** header,
//!     pre-commits from more than 2/3 of the registered validator set (sr25519 keys, one vote
//!     each) in the round equal to the set's id; finality of the last header implies that of
//!     its ancestors, so every submitted header is audited.
//!   - Proof-of-work subchains: [`FinalityProof::Work`]; each header's seal must meet its
//!     difficulty, which must follow from its parent's; headers with at least
//!     [`Config::PowConfirmations`] descendants in the submission are audited.
//! - **Gas.** Each audited header costs the subchain one header fee through
//!   [`pallet_wcme_subchains::SubchainGas`]. If the gas runs out in the middle of a submission
//!   (the registry suspends the subchain), auditing stops there, the prefix already paid for
//!   stays audited and the call still succeeds ([`Event::AuditStopped`]), so the suspension
//!   is not rolled back.
//! - **Fork evidence.** [`Pallet::report_fork`] takes two different headers at one height, each
//!   with a justification of the current validator set: the subchain is frozen through
//!   [`pallet_wcme_subchains::SubchainRegistry::freeze`]. Slashing the signers is not done yet:
//!   the main chain holds no validator bonds.
//!
//! [`runtime_api::CrossChainApi`] shows the audited chain to relayers and the node's RPC
//! (`wcme-cross-chain-rpc`).
//!
//! ## Weights
//!
//! [`weights::SubstrateWeight`] is hand-derived for now (see `weights.rs`); the benchmarks in
//! `benchmarking.rs` sign with real sr25519 keys and run in the main runtime through
//! `wcme-node benchmark pallet --pallet pallet_wcme_cross_chain`. The gas charges and the freeze
//! are priced by the registry ([`pallet_wcme_subchains::SubchainGas::charge_weight`],
//! [`pallet_wcme_subchains::SubchainRegistry::freeze_weight`]) and added on top.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

pub mod runtime_api;
pub mod types;
pub mod verify;
pub mod weights;

pub use types::{AuditedHeader, FinalityProof, Header, Justification, SubchainBlockNumber};
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
pub mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

#[frame_support::pallet]
pub mod pallet {
    use super::WeightInfo;
    use crate::{
        types::{AuditedHeader, C3nKey, ConsensusKind, FinalityProof, Header, Justification},
        verify::{self, Tip, VerifyError},
    };
    use alloc::{boxed::Box, vec::Vec};
    use frame_support::pallet_prelude::*;
    use frame_system::pallet_prelude::*;
    use pallet_wcme_subchains::{
        SubchainGas, SubchainId, SubchainRegistry, SubchainStatus, ValidatorSetInfo,
    };
    use sp_core::H256;
    use wcme_consensus_primitives::pow::PowPreDigest;

    /// The headers of one submission, at most [`Config::MaxHeadersPerSubmission`].
    pub type HeadersOf<T> = BoundedVec<Header, <T as Config>::MaxHeadersPerSubmission>;

    /// A header with its justification: one side of fork evidence.
    pub type FinalizedHeader = (Header, Justification);

    /// Validators who signed both sides of a fork.
    pub type SignersOf<T> = BoundedVec<C3nKey, <T as Config>::MaxPrecommits>;

    /// The pallet: cross-chain header audit.
    #[pallet::pallet]
    pub struct Pallet<T>(_);

    /// Configuration of the cross-chain audit.
    #[pallet::config]
    pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
        /// The subchain registry: status, freeze, validator sets, genesis hashes.
        type Registry: SubchainRegistry<Self::AccountId, BlockNumberFor<Self>>;

        /// Drains a subchain's prepaid gas per audited header.
        type Gas: SubchainGas;

        /// Most headers in one submission.
        #[pallet::constant]
        type MaxHeadersPerSubmission: Get<u32>;

        /// How many audited headers are kept per subchain; each newly audited header prunes the
        /// one this many below it. At least 1 (the head).
        #[pallet::constant]
        type AuditedHistory: Get<u32>;

        /// Most pre-commits a justification may carry: the registry's largest validator set.
        #[pallet::constant]
        type MaxPrecommits: Get<u32>;

        /// Descendants a proof-of-work header needs inside its submission to be audited. Below
        /// `MaxHeadersPerSubmission`.
        #[pallet::constant]
        type PowConfirmations: Get<u32>;

        /// The target block time, in slots, of the proof-of-work subchains: what their
        /// difficulty adjustment aims at (`targetSlots` of their chain specs). A PoW subchain
        /// with another target cannot be audited.
        #[pallet::constant]
        type PowTargetSlots: Get<u64>;

        /// Weights of this pallet's calls.
        type WeightInfo: WeightInfo;

        /// Registers subchains for the benchmarks.
        #[cfg(feature = "runtime-benchmarks")]
        type BenchmarkHelper: crate::benchmarking::BenchmarkHelper;
    }

    /// The audited headers of each subchain, by number: the last [`Config::AuditedHistory`].
    #[pallet::storage]
    pub type AuditedHeaders<T: Config> =
        StorageDoubleMap<_, Twox64Concat, SubchainId, Twox64Concat, u32, AuditedHeader>;

    /// The highest audited header of each subchain: the next submission must extend it.
    #[pallet::storage]
    pub type AuditedHeads<T: Config> = StorageMap<_, Twox64Concat, SubchainId, AuditedHeader>;

    /// The PoW pre-digest (slot, difficulty) of each proof-of-work subchain's audited head: the
    /// next header's difficulty follows from it.
    #[pallet::storage]
    pub type PowHeads<T: Config> = StorageMap<_, Twox64Concat, SubchainId, PowPreDigest>;

    /// Events of the cross-chain audit.
    #[pallet::event]
    #[pallet::generate_deposit(pub(super) fn deposit_event)]
    pub enum Event<T: Config> {
        /// Headers `first..=last` of `subchain` were audited and stored (the one
        /// `AuditedHistory` below each was pruned); `head` is the new audited head's hash.
        /// `submitted` headers were verified: the rest are PoW headers still short of
        /// confirmations, or were left when the gas ran out.
        HeadersAudited {
            /// The subchain.
            subchain: SubchainId,
            /// Who submitted them.
            relayer: T::AccountId,
            /// The first audited header's number.
            first: u32,
            /// The last audited header's number: the new head.
            last: u32,
            /// The new head's hash.
            head: H256,
            /// How many headers were audited (and charged).
            audited: u32,
            /// How many headers the submission carried.
            submitted: u32,
        },
        /// Auditing of `subchain` stopped before header `at` because a gas charge failed: the
        /// previous charge left it below the minimum gas and the registry suspended it.
        /// `audited` headers were audited and charged before.
        AuditStopped {
            /// The subchain.
            subchain: SubchainId,
            /// The first header not audited.
            at: u32,
            /// How many headers of the submission were audited.
            audited: u32,
        },
        /// Two different headers of `subchain` at height `number` were each proven final by the
        /// current validator set: the subchain is frozen. `signers` signed both.
        ForkProven {
            /// The subchain.
            subchain: SubchainId,
            /// The height of the conflict.
            number: u32,
            /// One header's hash.
            first: H256,
            /// The other header's hash.
            second: H256,
            /// The validators whose pre-commits are in both justifications.
            signers: SignersOf<T>,
        },
    }

    /// Errors of the cross-chain audit.
    #[pallet::error]
    pub enum Error<T> {
        /// No subchain has this id.
        UnknownSubchain,
        /// The subchain is suspended (out of gas): top it up first.
        SubchainSuspended,
        /// The subchain is frozen on fork evidence or by governance.
        SubchainFrozen,
        /// The subchain is retired.
        SubchainRetired,
        /// The submission has no headers.
        NoHeaders,
        /// The first header is at or below the audited head: another relayer was first.
        AlreadyAudited,
        /// A header's number is not its predecessor's (or the audited head's) plus one.
        NotConsecutive,
        /// A header's parent hash is not its predecessor's (or the audited head's, or the
        /// registered genesis) hash.
        ParentMismatch,
        /// A header has a zero state root.
        ZeroStateRoot,
        /// The proof is not of the subchain's consensus kind (a justification for PoC, Aura and
        /// PBFT; `Work` for PoW).
        WrongProofKind,
        /// The justification is not for the header it must prove (the last submitted one, or
        /// the one it comes with as evidence).
        JustificationMismatch,
        /// The justification's round, or a pre-commit's, is not the current validator set's id.
        WrongRound,
        /// The justification carries more than `MaxPrecommits` pre-commits.
        TooManyPrecommits,
        /// The subchain's validator set has no sr25519 key: nobody can sign finality votes.
        NoVoters,
        /// The signers are not more than 2/3 of the validator set.
        InsufficientSigners,
        /// A pre-commit's signature does not verify.
        InvalidSignature,
        /// A pre-commit is signed by a key outside the validator set.
        UnknownVoter,
        /// A validator signed twice.
        DuplicateVoter,
        /// A vote is not a pre-commit for exactly the justified header.
        ForeignVote,
        /// A header has no valid PoW seal.
        BadSeal,
        /// A header has no single, well-formed PoW pre-runtime digest.
        BadPreDigest,
        /// A header's difficulty is below the minimum.
        DifficultyTooLow,
        /// A header's difficulty is not the one its parent dictates.
        WrongDifficulty,
        /// A header's slot is not after its parent's.
        SlotNotIncreasing,
        /// A header's seal does not meet its difficulty.
        InsufficientWork,
        /// A PoW submission with no header that has `PowConfirmations` descendants in it.
        NotEnoughConfirmations,
        /// Fork evidence for a proof-of-work subchain, which has no finality votes.
        NoFinalityVotes,
        /// The two headers of fork evidence are at different heights.
        DifferentHeights,
        /// The two headers of fork evidence are the same header.
        SameHeader,
        /// The subchain is already frozen.
        AlreadyFrozen,
    }

    impl<T> From<VerifyError> for Error<T> {
        fn from(error: VerifyError) -> Self {
            match error {
                VerifyError::AlreadyAudited => Error::AlreadyAudited,
                VerifyError::NotConsecutive => Error::NotConsecutive,
                VerifyError::ParentMismatch => Error::ParentMismatch,
                VerifyError::ZeroStateRoot => Error::ZeroStateRoot,
                VerifyError::JustificationMismatch => Error::JustificationMismatch,
                VerifyError::WrongRound => Error::WrongRound,
                VerifyError::TooManyPrecommits => Error::TooManyPrecommits,
                VerifyError::NoVoters => Error::NoVoters,
                VerifyError::InsufficientSigners => Error::InsufficientSigners,
                VerifyError::InvalidSignature => Error::InvalidSignature,
                VerifyError::UnknownVoter => Error::UnknownVoter,
                VerifyError::DuplicateVoter => Error::DuplicateVoter,
                VerifyError::ForeignVote => Error::ForeignVote,
                VerifyError::BadSeal => Error::BadSeal,
                VerifyError::BadPreDigest => Error::BadPreDigest,
                VerifyError::DifficultyTooLow => Error::DifficultyTooLow,
                VerifyError::WrongDifficulty => Error::WrongDifficulty,
                VerifyError::SlotNotIncreasing => Error::SlotNotIncreasing,
                VerifyError::InsufficientWork => Error::InsufficientWork,
            }
        }
    }

    #[pallet::hooks]
    impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
        /// Checks the configuration. Runs in the runtime's tests and at node start, never in a
        /// block.
        fn integrity_test() {
            assert!(
                T::MaxHeadersPerSubmission::get() > 0,
                "pallet-wcme-cross-chain: MaxHeadersPerSubmission must be positive"
            );
            assert!(
                T::AuditedHistory::get() > 0,
                "pallet-wcme-cross-chain: AuditedHistory must keep at least the head"
            );
            assert!(
                T::MaxPrecommits::get() > 0,
                "pallet-wcme-cross-chain: MaxPrecommits must be positive"
            );
            assert!(
                T::PowConfirmations::get() < T::MaxHeadersPerSubmission::get(),
                "pallet-wcme-cross-chain: PowConfirmations must leave room in a submission"
            );
            assert!(
                T::PowTargetSlots::get() > 0,
                "pallet-wcme-cross-chain: PowTargetSlots must be positive"
            );
        }

        #[cfg(feature = "try-runtime")]
        fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
            Self::do_try_state()
        }
    }

    #[pallet::call]
    impl<T: Config> Pallet<T> {
        /// Audit `headers` of `subchain`, proven final by `proof`.
        ///
        /// Origin: signed, anyone (a relayer; it pays the transaction fee, the subchain pays the
        /// header fees from its gas). The subchain must be registered and active. `headers`
        /// must be non-empty, consecutive, the first one's parent the audited head (or the
        /// registered genesis hash, number 1, when nothing was audited), no state root zero.
        /// Poc, Aura and PBFT subchains prove the last header with a justification of their
        /// current validator set; PoW subchains with the headers' work, and only headers with
        /// `PowConfirmations` descendants in the submission are audited. Everything is verified
        /// first; then each audited header is charged and stored in order, the one
        /// `AuditedHistory` below it pruned. If a charge fails after at least one succeeded
        /// (the registry suspended the subchain), auditing stops and the call still succeeds.
        ///
        /// Errors: [`Error::UnknownSubchain`], [`Error::SubchainRetired`],
        /// [`Error::SubchainFrozen`], [`Error::SubchainSuspended`], [`Error::NoHeaders`],
        /// [`Error::TooManyPrecommits`], [`Error::AlreadyAudited`], [`Error::NotConsecutive`],
        /// [`Error::ParentMismatch`], [`Error::ZeroStateRoot`], [`Error::WrongProofKind`], the
        /// justification errors ([`Error::JustificationMismatch`], [`Error::WrongRound`],
        /// [`Error::NoVoters`], [`Error::InsufficientSigners`], [`Error::InvalidSignature`],
        /// [`Error::UnknownVoter`], [`Error::DuplicateVoter`], [`Error::ForeignVote`]), the
        /// PoW errors ([`Error::BadSeal`], [`Error::BadPreDigest`],
        /// [`Error::DifficultyTooLow`], [`Error::SlotNotIncreasing`],
        /// [`Error::WrongDifficulty`], [`Error::InsufficientWork`],
        /// [`Error::NotEnoughConfirmations`]), or the registry's error if the first charge
        /// fails. Emits [`Event::HeadersAudited`] (and [`Event::AuditStopped`]).
        #[pallet::call_index(0)]
        #[pallet::weight(Pallet::<T>::submit_headers_weight(headers.len(), proof))]
        pub fn submit_headers(
            origin: OriginFor<T>,
            subchain: SubchainId,
            headers: HeadersOf<T>,
            proof: FinalityProof,
        ) -> DispatchResult {
            let relayer = ensure_signed(origin)?;
            Self::ensure_accepting(subchain)?;
            ensure!(!headers.is_empty(), Error::<T>::NoHeaders);
            if let FinalityProof::Justification(justification) = &proof {
                ensure!(
                    Self::within_max_precommits(justification),
                    Error::<T>::TooManyPrecommits
                );
            }
            let validators =
                T::Registry::validators(subchain).ok_or(Error::<T>::UnknownSubchain)?;
            let tip = match AuditedHeads::<T>::get(subchain) {
                Some(head) => Tip {
                    number: head.number,
                    hash: head.hash,
                },
                None => Tip {
                    number: 0,
                    hash: T::Registry::genesis_hash(subchain).ok_or(Error::<T>::UnknownSubchain)?,
                },
            };
            let hashes = verify::check_chain(tip, &headers).map_err(Error::<T>::from)?;
            let (last_header, last_hash) = headers
                .last()
                .zip(hashes.last().copied())
                .ok_or(Error::<T>::NoHeaders)?;
            let (to_audit, pow_digests) = match (validators.consensus, &proof) {
                (
                    ConsensusKind::Poc | ConsensusKind::Aura | ConsensusKind::Pbft,
                    FinalityProof::Justification(justification),
                ) => {
                    Self::check_finality(
                        &validators,
                        last_header.number,
                        last_hash,
                        justification,
                    )?;
                    (headers.len(), None)
                }
                (ConsensusKind::Pow, FinalityProof::Work) => {
                    let digests = verify::check_pow(
                        PowHeads::<T>::get(subchain),
                        &headers,
                        T::PowTargetSlots::get(),
                    )
                    .map_err(Error::<T>::from)?;
                    let confirmations =
                        usize::try_from(T::PowConfirmations::get()).unwrap_or(usize::MAX);
                    let to_audit = headers.len().saturating_sub(confirmations);
                    ensure!(to_audit > 0, Error::<T>::NotEnoughConfirmations);
                    (to_audit, Some(digests))
                }
                _ => return Err(Error::<T>::WrongProofKind.into()),
            };

            // Everything is verified; charge and store in order.
            let mut audited: u32 = 0;
            let mut head = None;
            for (index, (header, hash)) in headers.iter().zip(hashes).take(to_audit).enumerate() {
                if let Err(error) = T::Gas::charge_header(subchain) {
                    if audited == 0 {
                        return Err(error);
                    }
                    Self::deposit_event(Event::AuditStopped {
                        subchain,
                        at: header.number,
                        audited,
                    });
                    break;
                }
                let entry = AuditedHeader::new(header, hash);
                AuditedHeaders::<T>::insert(subchain, entry.number, entry);
                if let Some(old) = entry.number.checked_sub(T::AuditedHistory::get()) {
                    AuditedHeaders::<T>::remove(subchain, old);
                }
                if let Some(digest) = pow_digests.as_ref().and_then(|d| d.get(index)) {
                    PowHeads::<T>::insert(subchain, *digest);
                }
                head = Some(entry);
                audited = audited.saturating_add(1);
            }
            let Some(head) = head else {
                // `to_audit > 0` and the first charge succeeded, or we returned its error.
                return Err(Error::<T>::NoHeaders.into());
            };
            AuditedHeads::<T>::insert(subchain, head);
            let first = head.number.saturating_sub(audited.saturating_sub(1));
            Self::deposit_event(Event::HeadersAudited {
                subchain,
                relayer,
                first,
                last: head.number,
                head: head.hash,
                audited,
                submitted: u32::try_from(headers.len()).unwrap_or(u32::MAX),
            });
            Ok(())
        }

        /// Prove that `subchain` finalized two different headers at one height, each with a
        /// justification of its current validator set: the subchain is frozen (until governance
        /// unfreezes it). Nothing is slashed: the main chain holds no validator bonds yet.
        ///
        /// Origin: signed, anyone. The evidence must be `first` and `second` at the same height
        /// with different hashes, each justification for its own header, in the current set's
        /// round, by more than 2/3 of the set; the subchain must run a BFT engine (Poc, Aura,
        /// PBFT), not be frozen already and not be retired and refunded. Invalid evidence
        /// changes nothing.
        ///
        /// Errors: [`Error::UnknownSubchain`], [`Error::SubchainRetired`],
        /// [`Error::AlreadyFrozen`], [`Error::NoFinalityVotes`], [`Error::DifferentHeights`],
        /// [`Error::SameHeader`], [`Error::TooManyPrecommits`], the justification errors of
        /// [`Pallet::submit_headers`], or the registry's freeze error. Emits
        /// [`Event::ForkProven`].
        #[pallet::call_index(1)]
        #[pallet::weight(Pallet::<T>::report_fork_weight(&first.1, &second.1))]
        // Boxed (SCALE: the tuples as they are) so that two headers with their justifications
        // do not make every `RuntimeCall` large, as FRAME's `report_equivocation` calls do.
        #[allow(clippy::boxed_local)]
        pub fn report_fork(
            origin: OriginFor<T>,
            subchain: SubchainId,
            first: Box<FinalizedHeader>,
            second: Box<FinalizedHeader>,
        ) -> DispatchResult {
            ensure_signed(origin)?;
            match T::Registry::status(subchain) {
                None => return Err(Error::<T>::UnknownSubchain.into()),
                Some(SubchainStatus::Retired { refunded: true, .. }) => {
                    return Err(Error::<T>::SubchainRetired.into());
                }
                Some(_) => {}
            }
            ensure!(!T::Registry::is_frozen(subchain), Error::<T>::AlreadyFrozen);
            let (first_header, first_justification) = &*first;
            let (second_header, second_justification) = &*second;
            ensure!(
                Self::within_max_precommits(first_justification)
                    && Self::within_max_precommits(second_justification),
                Error::<T>::TooManyPrecommits
            );
            let validators =
                T::Registry::validators(subchain).ok_or(Error::<T>::UnknownSubchain)?;
            ensure!(
                validators.consensus != ConsensusKind::Pow,
                Error::<T>::NoFinalityVotes
            );
            ensure!(
                first_header.number == second_header.number,
                Error::<T>::DifferentHeights
            );
            let first_hash = first_header.hash();
            let second_hash = second_header.hash();
            ensure!(first_hash != second_hash, Error::<T>::SameHeader);
            let number = first_header.number;
            Self::check_finality(&validators, number, first_hash, first_justification)?;
            Self::check_finality(&validators, number, second_hash, second_justification)?;

            // The evidence holds; freeze.
            let second_signers = second_justification.signers();
            let signers: Vec<C3nKey> = first_justification
                .signers()
                .intersection(&second_signers)
                .map(|key| C3nKey::Sr25519(key.0))
                .collect();
            T::Registry::freeze(subchain)?;
            Self::deposit_event(Event::ForkProven {
                subchain,
                number,
                first: first_hash,
                second: second_hash,
                signers: SignersOf::<T>::truncate_from(signers),
            });
            Ok(())
        }
    }

    impl<T: Config> Pallet<T> {
        /// The audited head of `subchain`, if any header was audited.
        pub fn audited_head(subchain: SubchainId) -> Option<AuditedHeader> {
            AuditedHeads::<T>::get(subchain)
        }

        /// Audited header `number` of `subchain`, if audited and not pruned yet.
        pub fn audited_header(subchain: SubchainId, number: u32) -> Option<AuditedHeader> {
            AuditedHeaders::<T>::get(subchain, number)
        }

        /// `Ok` if `subchain` accepts headers: registered, active; otherwise why not.
        fn ensure_accepting(subchain: SubchainId) -> DispatchResult {
            match T::Registry::status(subchain) {
                None => Err(Error::<T>::UnknownSubchain.into()),
                Some(SubchainStatus::Active) => Ok(()),
                Some(SubchainStatus::Retired { .. }) => Err(Error::<T>::SubchainRetired.into()),
                Some(SubchainStatus::Suspended) => {
                    if T::Registry::is_frozen(subchain) {
                        Err(Error::<T>::SubchainFrozen.into())
                    } else {
                        Err(Error::<T>::SubchainSuspended.into())
                    }
                }
            }
        }

        /// Whether `justification` has at most `MaxPrecommits` pre-commits.
        fn within_max_precommits(justification: &Justification) -> bool {
            u32::try_from(justification.precommits.len())
                .is_ok_and(|count| count <= T::MaxPrecommits::get())
        }

        /// Checks that `justification` proves header `number` (`hash`) final under the
        /// subchain's current `validators`.
        fn check_finality(
            validators: &ValidatorSetInfo,
            number: u32,
            hash: H256,
            justification: &Justification,
        ) -> DispatchResult {
            let voters = verify::voter_set(validators);
            verify::check_justification(
                &voters,
                number,
                hash,
                justification,
                T::MaxPrecommits::get(),
            )
            .map_err(Error::<T>::from)?;
            Ok(())
        }

        /// `len` as a weight component, at most `max` (longer inputs are refused before any
        /// per-item work, or cannot be decoded).
        fn component(len: usize, max: u32) -> u32 {
            u32::try_from(len).unwrap_or(u32::MAX).min(max)
        }

        /// The weight of [`Pallet::submit_headers`] with `headers` headers and `proof`: the
        /// benchmarked verification and storage, plus one gas charge per header.
        pub fn submit_headers_weight(headers: usize, proof: &FinalityProof) -> Weight {
            let h = Self::component(headers, T::MaxHeadersPerSubmission::get());
            let verification = match proof {
                FinalityProof::Justification(justification) => T::WeightInfo::submit_headers_bft(
                    h,
                    Self::component(justification.precommits.len(), T::MaxPrecommits::get()),
                ),
                FinalityProof::Work => T::WeightInfo::submit_headers_pow(h),
            };
            verification.saturating_add(T::Gas::charge_weight().saturating_mul(u64::from(h)))
        }

        /// The weight of [`Pallet::report_fork`] with these two justifications: the benchmarked
        /// verification of all their pre-commits, plus the registry's freeze.
        pub fn report_fork_weight(first: &Justification, second: &Justification) -> Weight {
            let max = T::MaxPrecommits::get();
            let p = Self::component(first.precommits.len(), max)
                .saturating_add(Self::component(second.precommits.len(), max));
            T::WeightInfo::report_fork(p).saturating_add(T::Registry::freeze_weight())
        }

        /// The pallet's invariants: each audited head is stored among the audited headers,
        /// no subchain keeps more than `AuditedHistory` of them or any above its head, and a
        /// PoW tip exists only with a head.
        #[cfg(any(test, feature = "try-runtime"))]
        pub fn do_try_state() -> Result<(), sp_runtime::DispatchError> {
            let history = T::AuditedHistory::get();
            for (subchain, head) in AuditedHeads::<T>::iter() {
                ensure!(
                    AuditedHeaders::<T>::get(subchain, head.number) == Some(head),
                    "audited head not among the audited headers"
                );
                let mut count: u32 = 0;
                for (number, _) in AuditedHeaders::<T>::iter_prefix(subchain) {
                    ensure!(number <= head.number, "audited header above the head");
                    ensure!(
                        head.number.saturating_sub(number) < history,
                        "audited header older than the history"
                    );
                    count = count.saturating_add(1);
                }
                ensure!(count <= history, "more audited headers than the history");
            }
            ensure!(
                AuditedHeaders::<T>::iter_keys()
                    .all(|(subchain, _)| AuditedHeads::<T>::contains_key(subchain)),
                "audited headers without a head"
            );
            ensure!(
                PowHeads::<T>::iter_keys().all(AuditedHeads::<T>::contains_key),
                "PoW tip without a head"
            );
            Ok(())
        }
    }
}
