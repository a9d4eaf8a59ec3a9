//! The light-client checks of the audit, as pure functions over headers and proofs: no storage,
//! no I/O, so they are tested on their own and the pallet only decides what to read and write.
//!
//! - [`check_chain`]: a submission extends the audited chain: contiguous numbers, each parent
//!   hash the previous header's hash, the first one's parent the audited tip, no zero state
//!   root.
//! - [`voter_set`] and [`check_justification`]: a BFT subchain's justification for one header,
//!   against the registered validator set (every sr25519 validator with weight 1, the set id as
//!   the round), with `wcme-consensus-primitives`' [`verify_justification`], the very function
//!   the subchain's own nodes run.
//! - [`check_pow`]: a proof-of-work subchain's headers, each with its pre-digest, its seal, its
//!   work meeting its difficulty and that difficulty following from its parent's.

use alloc::vec::Vec;
use sp_core::H256;
use wcme_consensus_primitives::{
    finality::{FinalityError, VoterSet, validator_set_voters, verify_justification},
    pow::{self, MIN_DIFFICULTY, PowPreDigest},
};

use crate::types::{C3nKey, Header, Justification, SubchainBlockNumber};
use pallet_wcme_subchains::ValidatorSetInfo;

/// Why a submission or a piece of evidence does not verify. Each maps to the pallet error of
/// the same name.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum VerifyError {
    /// The first header is at or below the audited tip.
    AlreadyAudited,
    /// A header's number is not its predecessor's plus one.
    NotConsecutive,
    /// A header's parent hash is not its predecessor's (or the audited tip's) hash.
    ParentMismatch,
    /// A header has a zero state root.
    ZeroStateRoot,
    /// The justification is not for the header it must prove (number and hash).
    JustificationMismatch,
    /// The justification's round, or a pre-commit's, is not the current validator set's id.
    WrongRound,
    /// More pre-commits than the pallet accepts (`MaxPrecommits`).
    TooManyPrecommits,
    /// The validator set has no sr25519 key, so nobody can vote.
    NoVoters,
    /// The signers are not more than 2/3 of the voters.
    InsufficientSigners,
    /// A pre-commit's signature does not verify.
    InvalidSignature,
    /// A pre-commit is signed by a key outside the voter set.
    UnknownVoter,
    /// A voter signed twice.
    DuplicateVoter,
    /// A vote is not a pre-commit for exactly the justified header.
    ForeignVote,
    /// The pre-commits are from different voting views.
    MixedViews,
    /// A header has no valid PoW seal (last digest item, 8-byte nonce, only one).
    BadSeal,
    /// A header has no single, well-formed PoW pre-runtime digest.
    BadPreDigest,
    /// A header's difficulty is below `MIN_DIFFICULTY`.
    DifficultyTooLow,
    /// A header's difficulty is not the one its parent dictates.
    WrongDifficulty,
    /// A header's slot is not after its parent's.
    SlotNotIncreasing,
    /// A header's seal does not meet its difficulty.
    InsufficientWork,
}

impl From<FinalityError> for VerifyError {
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
            FinalityError::NotEnoughWeight { .. } => Self::InsufficientSigners,
        }
    }
}

/// The header a submission must extend: the audited head, or the registered genesis (number 0)
/// when nothing was audited yet.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Tip {
    /// Its number.
    pub number: SubchainBlockNumber,
    /// Its hash.
    pub hash: H256,
}

/// Checks that `headers` extend `tip` one by one and have non-zero state roots; returns their
/// hashes. An empty list is accepted here (the pallet refuses it first).
pub fn check_chain(tip: Tip, headers: &[Header]) -> Result<Vec<H256>, VerifyError> {
    let mut hashes = Vec::with_capacity(headers.len());
    let mut previous = tip;
    for (position, header) in headers.iter().enumerate() {
        if position == 0 && header.number <= tip.number {
            return Err(VerifyError::AlreadyAudited);
        }
        if previous.number.checked_add(1) != Some(header.number) {
            return Err(VerifyError::NotConsecutive);
        }
        if header.parent_hash != previous.hash {
            return Err(VerifyError::ParentMismatch);
        }
        if header.state_root == H256::zero() {
            return Err(VerifyError::ZeroStateRoot);
        }
        let hash = header.hash();
        hashes.push(hash);
        previous = Tip {
            number: header.number,
            hash,
        };
    }
    Ok(hashes)
}

/// The voters of a subchain's current validator set, counted as its own nodes count them
/// ([`validator_set_voters`]: each sr25519 key with weight 1, the set id as the round).
pub fn voter_set(validators: &ValidatorSetInfo) -> VoterSet {
    validator_set_voters(
        validators.set_id,
        validators.keys.iter().filter_map(C3nKey::sr25519),
    )
}

/// Checks that `justification` proves header `number` with `hash` final under `voters`: it
/// names exactly that header and the voters' round, has at most `max_precommits` pre-commits,
/// and [`verify_justification`] accepts it. The cheap checks come first; the signatures last.
pub fn check_justification(
    voters: &VoterSet,
    number: SubchainBlockNumber,
    hash: H256,
    justification: &Justification,
    max_precommits: u32,
) -> Result<(), VerifyError> {
    if justification.number != number || justification.hash != hash {
        return Err(VerifyError::JustificationMismatch);
    }
    if justification.round != voters.round() {
        return Err(VerifyError::WrongRound);
    }
    let count = justification.precommits.len();
    if !u32::try_from(count).is_ok_and(|count| count <= max_precommits) {
        return Err(VerifyError::TooManyPrecommits);
    }
    if voters.is_empty() {
        return Err(VerifyError::NoVoters);
    }
    // Every voter weighs 1 here and counts once, so fewer pre-commits than a supermajority
    // cannot succeed: refuse before checking any signature.
    if !voters.is_supermajority(u128::try_from(count).unwrap_or(u128::MAX)) {
        return Err(VerifyError::InsufficientSigners);
    }
    verify_justification(justification, voters).map_err(VerifyError::from)
}

/// Checks the proof of work of `headers` (already checked by [`check_chain`]), in order. `parent`
/// is the pre-digest of the audited head when it is a PoW header the main chain knows, `None`
/// after genesis; `target_slots` is the subchains' target block time in slots. Returns each
/// header's pre-digest.
///
/// Per header: exactly one seal, last, an 8-byte nonce; exactly one well-formed pre-digest; a
/// difficulty of at least [`MIN_DIFFICULTY`]; where the parent is known, a later slot and the
/// difficulty [`pow::next_difficulty`] derives from it; and work meeting that difficulty.
///
/// Limits of a light client: the first header after genesis has its difficulty checked only
/// against the minimum (the initial difficulty is in the subchain's chain spec, which the main
/// chain does not know), and slots are not compared with any clock.
pub fn check_pow(
    parent: Option<PowPreDigest>,
    headers: &[Header],
    target_slots: u64,
) -> Result<Vec<PowPreDigest>, VerifyError> {
    let mut digests = Vec::with_capacity(headers.len());
    let mut parent = parent;
    for header in headers {
        let (pre_header, nonce) = pow::split_seal(header).map_err(|_| VerifyError::BadSeal)?;
        let digest = pow::find_pre_digest(&pre_header).map_err(|_| VerifyError::BadPreDigest)?;
        if digest.difficulty < MIN_DIFFICULTY {
            return Err(VerifyError::DifficultyTooLow);
        }
        if let Some(parent) = parent {
            if digest.slot <= parent.slot {
                return Err(VerifyError::SlotNotIncreasing);
            }
            let expected =
                pow::next_difficulty(parent.difficulty, parent.slot, digest.slot, target_slots);
            if digest.difficulty != expected {
                return Err(VerifyError::WrongDifficulty);
            }
        }
        if !pow::meets_difficulty(&pre_header.hash(), nonce, digest.difficulty) {
            return Err(VerifyError::InsufficientWork);
        }
        digests.push(digest);
        parent = Some(digest);
    }
    Ok(digests)
}
