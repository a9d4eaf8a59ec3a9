//! Finality proofs: voter sets, justifications and their verification, without I/O or `std`.
//!
//! A block is final once pre-commits for exactly it, all cast in one voting view, come from
//! voters holding more than 2/3 of the weight of its voter set. The [`Justification`] — those pre-commits — proves it to anyone
//! who knows the voter set, with no other state ([`verify_justification`]). The node's finality
//! gadget (`wcme-consensus::finality`, which re-exports everything here) produces and checks
//! them; the main chain's cross-chain pallet checks a subchain's with the same functions.
//!
//! Who votes and with what weight is the caller's business: on a Proof-of-Credit chain the
//! producers of the block's round, weighted by stake, with the round index as the
//! justification's `round`; on an Aura or PBFT chain every sr25519 validator of the current set
//! with weight 1, with the validator-set id as `round`.
//!
//! The SCALE encoding of [`Justification`] — `round: u32, number: u32, hash: H256, precommits:
//! Vec<SignedVote<H256, u32>>`, each vote `kind: u8, round: u32, view: u32, number: u32, hash:
//! H256` then voter and signature — is what nodes store and serve (`wcme_justification`); a fixture
//! test pins it.

use alloc::{
    collections::{BTreeMap, BTreeSet},
    vec::Vec,
};
use codec::{Decode, DecodeWithMemTracking, Encode};
use core::fmt;
use scale_info::TypeInfo;
use sp_core::H256;

use crate::poc::{PackingKey, RoundIndex, SignedVote, VoteKind};

extern crate alloc;

/// A signed finality vote of a WCME chain (`H256` hashes, `u32` block numbers).
pub type ChainVote = SignedVote<H256, u32>;

/// The justification round of an Aura or PBFT chain's validator set `set_id`: the id as `u32`,
/// saturated. Slot claims, finality votes and the main chain's audit all use this one rule.
pub fn validator_set_round(set_id: u64) -> RoundIndex {
    RoundIndex::try_from(set_id).unwrap_or(RoundIndex::MAX)
}

/// The voters of an Aura or PBFT chain's validator set `set_id`: each of its sr25519 keys
/// (the others cannot sign finality votes) with weight 1, in round
/// [`validator_set_round`]`(set_id)`. The chain's own finality gadget and the main chain's audit
/// of its headers both count votes so.
pub fn validator_set_voters(
    set_id: u64,
    sr25519_keys: impl IntoIterator<Item = PackingKey>,
) -> VoterSet {
    VoterSet::new(
        validator_set_round(set_id),
        sr25519_keys.into_iter().map(|key| (key, 1)),
    )
}

/// The voters of one round and their weights.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VoterSet {
    round: RoundIndex,
    stakes: BTreeMap<PackingKey, u128>,
    total: u128,
}

impl VoterSet {
    /// The voters of `round` with their weights (a key listed twice counts once, with its
    /// largest weight).
    pub fn new(round: RoundIndex, voters: impl IntoIterator<Item = (PackingKey, u128)>) -> Self {
        let mut stakes = BTreeMap::new();
        for (key, stake) in voters {
            let entry = stakes.entry(key).or_insert(0u128);
            *entry = (*entry).max(stake);
        }
        let total = stakes.values().fold(0u128, |sum, s| sum.saturating_add(*s));
        Self {
            round,
            stakes,
            total,
        }
    }

    /// The round these voters vote in.
    pub fn round(&self) -> RoundIndex {
        self.round
    }

    /// `key`'s weight, if it votes.
    pub fn stake(&self, key: &PackingKey) -> Option<u128> {
        self.stakes.get(key).copied()
    }

    /// The total weight of the set (saturating).
    pub fn total(&self) -> u128 {
        self.total
    }

    /// How many distinct voters the set has.
    pub fn len(&self) -> usize {
        self.stakes.len()
    }

    /// Whether the set has no voters (then nothing can be final under it).
    pub fn is_empty(&self) -> bool {
        self.stakes.is_empty()
    }

    /// Whether `weight` is more than 1/3 of the total weight (exactly: `3 · weight > total`):
    /// at least one honest voter among them, if fewer than 1/3 are not.
    pub fn exceeds_one_third(&self, weight: u128) -> bool {
        // 3w > t  ⇔  w > ⌊t / 3⌋ for integers (3⌊t/3⌋ ≤ t < 3⌊t/3⌋ + 3).
        self.total > 0 && weight > self.total / 3
    }

    /// Whether `weight` is more than 2/3 of the total weight (exactly: `3 · weight > 2 · total`).
    pub fn is_supermajority(&self, weight: u128) -> bool {
        if self.total == 0 {
            return false;
        }
        // 3w > 2t  ⇔  w > 2(t − w), which cannot overflow where it matters: if 2(t − w) does
        // not fit in a u128, it is certainly above w.
        match self.total.checked_sub(weight) {
            None => true,
            Some(rest) => rest.checked_mul(2).is_some_and(|twice| weight > twice),
        }
    }
}

/// Proof that a block is final: pre-commits for exactly it, all in one voting view, from voters
/// holding more than 2/3 of the weight of its voter set.
///
/// SCALE: `round: u32, number: u32, hash: H256, precommits: Vec<SignedVote<H256, u32>>`.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct Justification {
    /// The round whose voters signed (the POC round, or an Aura/PBFT chain's validator-set id).
    pub round: RoundIndex,
    /// The final block's height.
    pub number: u32,
    /// The final block's hash.
    pub hash: H256,
    /// The pre-commits, one per voter.
    pub precommits: Vec<ChainVote>,
}

impl Justification {
    /// The distinct voters of the pre-commits, in key order.
    pub fn signers(&self) -> BTreeSet<PackingKey> {
        self.precommits.iter().map(|vote| vote.voter).collect()
    }
}

/// Why a vote or a justification is not accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FinalityError {
    /// The signature does not verify.
    BadSignature(PackingKey),
    /// The signer is not a voter of the target's round.
    NotAVoter(PackingKey, RoundIndex),
    /// The vote names another round than its target block belongs to.
    WrongRound {
        /// The target block's round.
        expected: RoundIndex,
        /// The vote's round.
        found: RoundIndex,
    },
    /// A justification's vote is not a pre-commit for exactly the justified block.
    ForeignVote(H256),
    /// A justification's pre-commits are from different voting views: only pre-commits of one
    /// view prove anything.
    MixedViews(H256),
    /// A justification is not a justification for the block it came with.
    Malformed(H256),
    /// The block's voter set cannot be read.
    NoVoters(H256),
    /// A voter appears twice in a justification.
    DuplicateVoter(PackingKey),
    /// The signers hold no more than 2/3 of the weight.
    NotEnoughWeight {
        /// The signers' weight.
        weight: u128,
        /// The round's total weight.
        total: u128,
    },
}

impl fmt::Display for FinalityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadSignature(key) => write!(f, "bad vote signature by {key:?}"),
            Self::NotAVoter(key, round) => write!(f, "{key:?} is not a voter of round {round}"),
            Self::WrongRound { expected, found } => {
                write!(f, "vote for round {found} on a block of round {expected}")
            }
            Self::ForeignVote(hash) => write!(
                f,
                "justification for {hash:?} holds a vote for another block or step"
            ),
            Self::MixedViews(hash) => write!(
                f,
                "justification for {hash:?} mixes pre-commits of different views"
            ),
            Self::Malformed(hash) => write!(
                f,
                "no POC justification for block {hash:?}, or not for this block"
            ),
            Self::NoVoters(hash) => write!(f, "no voter set at block {hash:?}"),
            Self::DuplicateVoter(key) => write!(f, "voter {key:?} counted twice"),
            Self::NotEnoughWeight { weight, total } => write!(
                f,
                "pre-commits hold {weight} of {total} stake, not more than 2/3"
            ),
        }
    }
}

impl core::error::Error for FinalityError {}

/// Checks a single vote against the voter set of its target block's round; returns the
/// voter's weight.
pub fn check_vote(vote: &ChainVote, voters: &VoterSet) -> Result<u128, FinalityError> {
    if vote.vote.round != voters.round {
        return Err(FinalityError::WrongRound {
            expected: voters.round,
            found: vote.vote.round,
        });
    }
    let stake = voters
        .stake(&vote.voter)
        .ok_or(FinalityError::NotAVoter(vote.voter, voters.round))?;
    if !vote.verify() {
        return Err(FinalityError::BadSignature(vote.voter));
    }
    Ok(stake)
}

/// Verifies that `justification` proves its block final under `voters` (the voters of the
/// block's round, read at the block). Every pre-commit must be for exactly the justified block
/// and height, in one voting view, by a distinct voter of the set, in its round, correctly
/// signed; together they must hold more than 2/3 of the weight. The justification's own `round` field is not compared
/// with the set's: each vote's round is.
pub fn verify_justification(
    justification: &Justification,
    voters: &VoterSet,
) -> Result<(), FinalityError> {
    let mut seen = BTreeSet::new();
    let mut weight = 0u128;
    let view = justification.precommits.first().map(|vote| vote.vote.view);
    for precommit in &justification.precommits {
        if Some(precommit.vote.view) != view {
            return Err(FinalityError::MixedViews(justification.hash));
        }
        if precommit.vote.kind != VoteKind::Precommit
            || precommit.vote.hash != justification.hash
            || precommit.vote.number != justification.number
        {
            return Err(FinalityError::ForeignVote(justification.hash));
        }
        if !seen.insert(precommit.voter) {
            return Err(FinalityError::DuplicateVoter(precommit.voter));
        }
        weight = weight.saturating_add(check_vote(precommit, voters)?);
    }
    if !voters.is_supermajority(weight) {
        return Err(FinalityError::NotEnoughWeight {
            weight,
            total: voters.total,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::poc::Vote;
    use proptest::prelude::*;
    use sp_core::{Pair as _, sr25519};

    fn pairs() -> Vec<sr25519::Pair> {
        ["//A", "//B", "//C", "//D"]
            .iter()
            .map(|s| sr25519::Pair::from_string(s, None).expect("seed"))
            .collect()
    }

    fn voters(stakes: &[u128]) -> VoterSet {
        VoterSet::new(
            7,
            pairs()
                .iter()
                .zip(stakes)
                .map(|(pair, stake)| (pair.public(), *stake)),
        )
    }

    fn vote(pair: &sr25519::Pair, kind: VoteKind, number: u32, byte: u8) -> ChainVote {
        SignedVote::sign(
            Vote {
                kind,
                round: 7,
                view: 2,
                number,
                hash: H256::repeat_byte(byte),
            },
            pair,
        )
    }

    fn justification(signers: &[sr25519::Pair]) -> Justification {
        Justification {
            round: 7,
            number: 5,
            hash: H256::repeat_byte(1),
            precommits: signers
                .iter()
                .map(|pair| vote(pair, VoteKind::Precommit, 5, 1))
                .collect(),
        }
    }

    #[test]
    fn precommits_of_different_views_prove_nothing_together() {
        let keys = pairs();
        let set = voters(&[1, 1, 1, 1]);
        let mut mixed = justification(&keys[..3]);
        mixed.precommits[2] = SignedVote::sign(
            Vote {
                view: 3,
                ..mixed.precommits[2].vote.clone()
            },
            &keys[2],
        );
        assert_eq!(
            verify_justification(&mixed, &set),
            Err(FinalityError::MixedViews(H256::repeat_byte(1)))
        );
        assert_eq!(
            verify_justification(&justification(&keys[..3]), &set),
            Ok(())
        );
    }

    #[test]
    fn one_third_is_strict() {
        let set = voters(&[1, 1, 1, 0]);
        assert!(!set.exceeds_one_third(1));
        assert!(set.exceeds_one_third(2));
        let four = voters(&[1, 1, 1, 1]);
        assert!(!four.exceeds_one_third(1));
        assert!(four.exceeds_one_third(2));
        assert!(!voters(&[0, 0, 0, 0]).exceeds_one_third(0));
        let big = voters(&[u128::MAX, u128::MAX, 1, 0]);
        assert!(big.exceeds_one_third(u128::MAX / 3 + 1));
    }

    #[test]
    fn supermajority_is_strictly_more_than_two_thirds() {
        let set = voters(&[1, 1, 1, 0]);
        assert!(!set.is_supermajority(2));
        assert!(set.is_supermajority(3));
        let set = voters(&[100, 100, 100, 100]);
        assert!(!set.is_supermajority(266));
        assert!(set.is_supermajority(267));
        assert!(!voters(&[0, 0, 0, 0]).is_supermajority(0));
        let huge = voters(&[u128::MAX / 2, u128::MAX / 2, 1, 1]);
        assert!(!huge.is_supermajority(u128::MAX / 2));
        assert!(!VoterSet::new(0, []).is_supermajority(0));
        assert!(VoterSet::new(0, []).is_empty());
        let keys: Vec<PackingKey> = pairs().iter().map(|pair| pair.public()).collect();
        let set = validator_set_voters(5, keys.iter().copied().chain(keys.first().copied()));
        assert_eq!((set.round(), set.len(), set.total()), (5, 4, 4));
        assert_eq!(validator_set_round(u64::MAX), u32::MAX);
    }

    #[test]
    fn duplicate_keys_count_once_with_their_largest_weight() {
        let key = pairs()[0].public();
        let set = VoterSet::new(1, [(key, 3), (key, 5)]);
        assert_eq!(set.len(), 1);
        assert_eq!(set.stake(&key), Some(5));
        assert_eq!(set.total(), 5);
        assert_eq!(set.round(), 1);
    }

    #[test]
    fn three_of_four_equal_voters_justify_a_block() {
        let set = voters(&[10, 10, 10, 10]);
        let keys = pairs();
        let full = justification(&keys[..3]);
        assert_eq!(verify_justification(&full, &set), Ok(()));
        assert_eq!(full.signers().len(), 3);

        let short = justification(&keys[..2]);
        assert_eq!(
            verify_justification(&short, &set),
            Err(FinalityError::NotEnoughWeight {
                weight: 20,
                total: 40
            })
        );
        let mut doubled = short.clone();
        doubled.precommits.push(doubled.precommits[0].clone());
        assert_eq!(
            verify_justification(&doubled, &set),
            Err(FinalityError::DuplicateVoter(keys[0].public()))
        );
        let mut foreign = short.clone();
        foreign
            .precommits
            .push(vote(&keys[3], VoteKind::Prevote, 5, 1));
        assert_eq!(
            verify_justification(&foreign, &set),
            Err(FinalityError::ForeignVote(H256::repeat_byte(1)))
        );
        let mut other_block = short;
        other_block
            .precommits
            .push(vote(&keys[3], VoteKind::Precommit, 5, 2));
        assert_eq!(
            verify_justification(&other_block, &set),
            Err(FinalityError::ForeignVote(H256::repeat_byte(1)))
        );
    }

    #[test]
    fn strangers_forgeries_and_wrong_rounds_are_rejected() {
        let set = voters(&[10, 10, 10, 10]);
        let stranger = sr25519::Pair::from_string("//E", None).expect("seed");
        assert!(matches!(
            check_vote(&vote(&stranger, VoteKind::Prevote, 1, 1), &set),
            Err(FinalityError::NotAVoter(..))
        ));
        let mut forged = vote(&pairs()[0], VoteKind::Prevote, 1, 1);
        forged.vote.hash = H256::repeat_byte(2);
        assert!(matches!(
            check_vote(&forged, &set),
            Err(FinalityError::BadSignature(_))
        ));
        let mut other_round = vote(&pairs()[0], VoteKind::Prevote, 1, 1);
        other_round.vote.round = 8;
        assert_eq!(
            check_vote(&other_round, &set),
            Err(FinalityError::WrongRound {
                expected: 7,
                found: 8
            })
        );
        assert_eq!(
            check_vote(&vote(&pairs()[1], VoteKind::Prevote, 1, 1), &set),
            Ok(10)
        );
    }

    #[test]
    fn errors_say_what_went_wrong() {
        let error = FinalityError::NotEnoughWeight {
            weight: 2,
            total: 4,
        };
        assert_eq!(
            error.to_string(),
            "pre-commits hold 2 of 4 stake, not more than 2/3"
        );
        let error = FinalityError::WrongRound {
            expected: 1,
            found: 2,
        };
        assert_eq!(error.to_string(), "vote for round 2 on a block of round 1");
    }

    /// The encoding nodes store and serve (`wcme_justification`), byte for byte.
    #[test]
    fn justification_encoding_is_fixed() {
        let voter = sr25519::Public::from_raw([0x11; 32]);
        let justification = Justification {
            round: 3,
            number: 0x0102,
            hash: H256::repeat_byte(0xaa),
            precommits: vec![SignedVote {
                vote: Vote {
                    kind: VoteKind::Precommit,
                    round: 3,
                    view: 0x0a0b,
                    number: 0x0102,
                    hash: H256::repeat_byte(0xaa),
                },
                voter,
                signature: sr25519::Signature::from_raw([0x22; 64]),
            }],
        };
        let mut expected = Vec::new();
        expected.extend_from_slice(&3u32.to_le_bytes());
        expected.extend_from_slice(&0x0102u32.to_le_bytes());
        expected.extend_from_slice(&[0xaa; 32]);
        expected.push(4); // compact length 1
        expected.push(1); // VoteKind::Precommit
        expected.extend_from_slice(&3u32.to_le_bytes());
        expected.extend_from_slice(&0x0a0bu32.to_le_bytes());
        expected.extend_from_slice(&0x0102u32.to_le_bytes());
        expected.extend_from_slice(&[0xaa; 32]);
        expected.extend_from_slice(&[0x11; 32]);
        expected.extend_from_slice(&[0x22; 64]);
        assert_eq!(justification.encode(), expected);
        assert_eq!(Justification::decode(&mut &expected[..]), Ok(justification));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// With equal weights, a justification is accepted exactly when its signers are more
        /// than 2/3 of the set.
        #[test]
        fn equal_weights_need_more_than_two_thirds(n in 1usize..=10, mask in any::<u16>()) {
            let keys: Vec<sr25519::Pair> = (0..n)
                .map(|i| sr25519::Pair::from_seed(&[u8::try_from(i + 1).expect("small"); 32]))
                .collect();
            let set = VoterSet::new(7, keys.iter().map(|pair| (pair.public(), 1)));
            let signers: Vec<sr25519::Pair> = keys
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, pair)| pair.clone())
                .collect();
            let accepted = verify_justification(&justification(&signers), &set).is_ok();
            prop_assert_eq!(accepted, 3 * signers.len() > 2 * n);
        }
    }
}
