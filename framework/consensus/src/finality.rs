//! The BFT finality gadget's rules, without I/O (DESIGN §4 "Finality").
//!
//! The producers of the round a block belongs to vote on it with their stake: each pre-votes
//! the blocks that become its best, pre-commits a block once it has seen pre-votes for it from
//! more than 2/3 of the stake, and a block with pre-commits from more than 2/3 of the stake is
//! final. Its [`Justification`] — those pre-commits — proves it to anyone who knows the voter
//! set, with no other state ([`verify_justification`]).
//!
//! Safety rests on one rule an honest voter keeps ([`VoteBook::may_precommit`]): it only
//! pre-commits blocks higher than, and descending from, its last pre-commit. Two conflicting
//! final blocks then need more than 1/3 of the stake to break it, and a voter that does so has
//! signed two pre-commits at some height — the evidence [`VoteBook::add`] reports.

use std::collections::{BTreeMap, HashMap};

use codec::{Decode, Encode};
use wcme_consensus_primitives::poc::{
    PackingKey, PrecommitEquivocation, RoundIndex, SignedVote, VoteKind,
};
use wcme_primitives::{BlockNumber, Hash};

/// A signed finality vote of this chain.
pub type ChainVote = SignedVote<Hash, BlockNumber>;

/// The voters of one round and their stake.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VoterSet {
    round: RoundIndex,
    stakes: BTreeMap<PackingKey, u128>,
    total: u128,
}

impl VoterSet {
    /// The voters of `round` with their stakes (a key listed twice counts once, with its
    /// largest stake).
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

    /// The round these voters produce.
    pub fn round(&self) -> RoundIndex {
        self.round
    }

    /// `key`'s stake, if it votes.
    pub fn stake(&self, key: &PackingKey) -> Option<u128> {
        self.stakes.get(key).copied()
    }

    /// Whether `weight` is more than 2/3 of the total stake (exactly: `3 · weight > 2 · total`).
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

/// Proof that a block is final: pre-commits for exactly it from more than 2/3 of the stake of
/// its round's producers.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Justification {
    /// The round whose producers signed.
    pub round: RoundIndex,
    /// The final block's height.
    pub number: BlockNumber,
    /// The final block's hash.
    pub hash: Hash,
    /// The pre-commits, one per voter.
    pub precommits: Vec<ChainVote>,
}

/// Why a vote or a justification is not accepted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FinalityError {
    /// The signature does not verify.
    #[error("bad vote signature by {0:?}")]
    BadSignature(PackingKey),
    /// The signer is not a producer of the target's round.
    #[error("{0:?} is not a voter of round {1}")]
    NotAVoter(PackingKey, RoundIndex),
    /// The vote names another round than its target block belongs to.
    #[error("vote for round {found} on a block of round {expected}")]
    WrongRound {
        /// The target block's round.
        expected: RoundIndex,
        /// The vote's round.
        found: RoundIndex,
    },
    /// A justification's vote is not a pre-commit for exactly the justified block.
    #[error("justification for {0:?} holds a vote for another block or step")]
    ForeignVote(Hash),
    /// A justification is not a POC justification for the block it came with.
    #[error("no POC justification for block {0:?}, or not for this block")]
    Malformed(Hash),
    /// The block's voter set cannot be read.
    #[error("no voter set at block {0:?}")]
    NoVoters(Hash),
    /// A voter appears twice in a justification.
    #[error("voter {0:?} counted twice")]
    DuplicateVoter(PackingKey),
    /// The signers hold no more than 2/3 of the stake.
    #[error("pre-commits hold {weight} of {total} stake, not more than 2/3")]
    NotEnoughWeight {
        /// The signers' stake.
        weight: u128,
        /// The round's total stake.
        total: u128,
    },
}

/// Checks a single vote against the voter set of its target block's round.
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

/// Verifies that `justification` proves its block final under `voters` (the producers of the
/// block's round, read at the block).
pub fn verify_justification(
    justification: &Justification,
    voters: &VoterSet,
) -> Result<(), FinalityError> {
    let mut seen = std::collections::BTreeSet::new();
    let mut weight = 0u128;
    for precommit in &justification.precommits {
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

/// What adding a vote to the book did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Added {
    /// Already known; nothing changed.
    Duplicate,
    /// Counted. `supermajority` says whether its step now has more than 2/3 of the stake for
    /// this block.
    Counted {
        /// Whether the step's weight for the block just passed 2/3.
        supermajority: bool,
    },
    /// The voter already pre-committed another block at this height: red-card evidence. The
    /// new vote is not counted.
    Equivocation(Box<PrecommitEquivocation<Hash, BlockNumber>>),
}

#[derive(Default)]
struct Step {
    number: BlockNumber,
    votes: BTreeMap<PackingKey, ChainVote>,
    weight: u128,
    passed: bool,
}

/// Blocks whose votes are tracked at once; while finality stalls, the lowest are forgotten
/// first, so memory stays bounded however long the stall.
pub const MAX_TRACKED_BLOCKS: usize = 2048;

/// Pre-commits remembered per (height, voter) for equivocation checks.
const MAX_TRACKED_PRECOMMITS: usize = 65_536;

/// Forgets the lowest blocks of `steps` until at most `limit` remain.
fn bound(steps: &mut HashMap<Hash, Step>, limit: usize) {
    if steps.len() <= limit {
        return;
    }
    let mut numbers: Vec<BlockNumber> = steps.values().map(|step| step.number).collect();
    numbers.sort_unstable();
    let excess = steps.len() - limit;
    if let Some(cutoff) = numbers.get(excess.saturating_sub(1)).copied() {
        steps.retain(|_, step| step.number > cutoff);
    }
}

/// The votes this node has seen for blocks above the finalized one, and its own lock.
#[derive(Default)]
pub struct VoteBook {
    prevotes: HashMap<Hash, Step>,
    precommits: HashMap<Hash, Step>,
    /// Each voter's pre-commit per height: where equivocation shows.
    precommit_by_height: BTreeMap<(BlockNumber, PackingKey), ChainVote>,
    /// This node's last pre-commit.
    lock: Option<(BlockNumber, Hash)>,
}

impl VoteBook {
    /// Adds a vote already checked with [`check_vote`] (`stake` is what that returned).
    pub fn add(&mut self, vote: ChainVote, stake: u128, voters: &VoterSet) -> Added {
        let target = vote.vote.hash;
        if vote.vote.kind == VoteKind::Precommit {
            let key = (vote.vote.number, vote.voter);
            if let Some(earlier) = self.precommit_by_height.get(&key) {
                if earlier.vote.hash == target {
                    return Added::Duplicate;
                }
                return Added::Equivocation(Box::new(PrecommitEquivocation {
                    first: earlier.clone(),
                    second: vote,
                }));
            }
            self.precommit_by_height.insert(key, vote.clone());
            while self.precommit_by_height.len() > MAX_TRACKED_PRECOMMITS {
                self.precommit_by_height.pop_first();
            }
        }
        let steps = match vote.vote.kind {
            VoteKind::Prevote => &mut self.prevotes,
            VoteKind::Precommit => &mut self.precommits,
        };
        if !steps.contains_key(&target) {
            bound(steps, MAX_TRACKED_BLOCKS.saturating_sub(1));
        }
        let step = steps.entry(target).or_insert_with(|| Step {
            number: vote.vote.number,
            ..Step::default()
        });
        if step.votes.contains_key(&vote.voter) {
            return Added::Duplicate;
        }
        step.votes.insert(vote.voter, vote);
        step.weight = step.weight.saturating_add(stake);
        let supermajority = !step.passed && voters.is_supermajority(step.weight);
        step.passed |= supermajority;
        Added::Counted { supermajority }
    }

    /// The pre-commits for `hash`, as a justification's body.
    pub fn precommits_for(&self, hash: &Hash) -> Vec<ChainVote> {
        self.precommits
            .get(hash)
            .map(|step| step.votes.values().cloned().collect())
            .unwrap_or_default()
    }

    /// Whether this node may pre-commit block `number` (`hash`): it must be above its last
    /// pre-commit and descend from it (`descends` answers that for the last pre-commit's hash).
    pub fn may_precommit(
        &self,
        number: BlockNumber,
        descends: impl FnOnce(BlockNumber, &Hash) -> bool,
    ) -> bool {
        match &self.lock {
            None => true,
            Some((locked_number, locked_hash)) => {
                number > *locked_number && descends(*locked_number, locked_hash)
            }
        }
    }

    /// Records this node's pre-commit of `number` (`hash`).
    pub fn lock(&mut self, number: BlockNumber, hash: Hash) {
        self.lock = Some((number, hash));
    }

    /// Forgets votes for blocks at or below the finalized height (the lock stays).
    pub fn prune(
        &mut self,
        finalized: BlockNumber,
        heights: &dyn Fn(&Hash) -> Option<BlockNumber>,
    ) {
        let keep = |hash: &Hash| heights(hash).is_some_and(|number| number > finalized);
        self.prevotes.retain(|hash, _| keep(hash));
        self.precommits.retain(|hash, _| keep(hash));
        self.precommit_by_height = self
            .precommit_by_height
            .split_off(&(finalized.saturating_add(1), PackingKey::from_raw([0; 32])));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sp_core::{Pair as _, sr25519};
    use wcme_consensus_primitives::poc::Vote;

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

    fn vote(pair: &sr25519::Pair, kind: VoteKind, number: BlockNumber, byte: u8) -> ChainVote {
        SignedVote::sign(
            Vote {
                kind,
                round: 7,
                number,
                hash: Hash::repeat_byte(byte),
            },
            pair,
        )
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
    }

    #[test]
    fn three_of_four_equal_voters_justify_a_block() {
        let set = voters(&[10, 10, 10, 10]);
        let keys = pairs();
        let mut book = VoteBook::default();
        let mut passed = Vec::new();
        for pair in &keys[..3] {
            let vote = vote(pair, VoteKind::Precommit, 5, 1);
            let stake = check_vote(&vote, &set).expect("valid");
            passed.push(book.add(vote, stake, &set));
        }
        assert_eq!(
            passed.last(),
            Some(&Added::Counted {
                supermajority: true
            })
        );
        let justification = Justification {
            round: 7,
            number: 5,
            hash: Hash::repeat_byte(1),
            precommits: book.precommits_for(&Hash::repeat_byte(1)),
        };
        assert_eq!(verify_justification(&justification, &set), Ok(()));

        let mut short = justification.clone();
        short.precommits.pop();
        assert!(matches!(
            verify_justification(&short, &set),
            Err(FinalityError::NotEnoughWeight { .. })
        ));
        let mut doubled = short.clone();
        doubled.precommits.push(doubled.precommits[0].clone());
        assert!(matches!(
            verify_justification(&doubled, &set),
            Err(FinalityError::DuplicateVoter(_))
        ));
        let mut foreign = short.clone();
        foreign
            .precommits
            .push(vote(&keys[3], VoteKind::Prevote, 5, 1));
        assert_eq!(
            verify_justification(&foreign, &set),
            Err(FinalityError::ForeignVote(Hash::repeat_byte(1)))
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
        forged.vote.hash = Hash::repeat_byte(2);
        assert!(matches!(
            check_vote(&forged, &set),
            Err(FinalityError::BadSignature(_))
        ));
        let mut other_round = vote(&pairs()[0], VoteKind::Prevote, 1, 1);
        other_round.vote.round = 8;
        assert!(matches!(
            check_vote(&other_round, &set),
            Err(FinalityError::WrongRound { .. })
        ));
    }

    #[test]
    fn two_precommits_at_one_height_are_evidence_that_verifies() {
        let set = voters(&[10, 10, 10, 10]);
        let alice = &pairs()[0];
        let mut book = VoteBook::default();
        let first = vote(alice, VoteKind::Precommit, 9, 1);
        book.add(first.clone(), 10, &set);
        assert_eq!(book.add(first, 10, &set), Added::Duplicate);
        let Added::Equivocation(proof) = book.add(vote(alice, VoteKind::Precommit, 9, 2), 10, &set)
        else {
            panic!("expected evidence");
        };
        let evidence =
            wcme_consensus_primitives::poc::Evidence::<wcme_primitives::Header>::Precommits(*proof);
        assert_eq!(evidence.check(), Ok(None));
    }

    #[test]
    fn the_lock_only_moves_up_its_own_chain() {
        let mut book = VoteBook::default();
        assert!(book.may_precommit(3, |_, _| false));
        book.lock(3, Hash::repeat_byte(3));
        assert!(
            !book.may_precommit(3, |_, _| true),
            "not twice at one height"
        );
        assert!(
            !book.may_precommit(4, |_, _| false),
            "not on another branch"
        );
        assert!(book.may_precommit(4, |number, hash| {
            number == 3 && *hash == Hash::repeat_byte(3)
        }));
    }

    #[test]
    fn a_stalled_book_stays_bounded() {
        let set = voters(&[10, 10, 10, 10]);
        let mut book = VoteBook::default();
        let alice = &pairs()[0];
        for number in 0..(MAX_TRACKED_BLOCKS as u32 + 100) {
            let mut hash = [0u8; 32];
            hash[..4].copy_from_slice(&number.to_le_bytes());
            // `add` takes votes already checked, so the signature is not looked at here.
            let vote = SignedVote {
                vote: Vote {
                    kind: VoteKind::Prevote,
                    round: 7,
                    number,
                    hash: Hash::from(hash),
                },
                voter: alice.public(),
                signature: sr25519::Signature::from_raw([0; 64]),
            };
            book.add(vote, 10, &set);
        }
        assert_eq!(book.prevotes.len(), MAX_TRACKED_BLOCKS);
        assert!(book.prevotes.values().all(|step| step.number >= 100));
    }

    #[test]
    fn pruning_forgets_finalized_heights() {
        let set = voters(&[10, 10, 10, 10]);
        let mut book = VoteBook::default();
        for (number, byte) in [(1, 1u8), (2, 2)] {
            book.add(
                vote(&pairs()[0], VoteKind::Precommit, number, byte),
                10,
                &set,
            );
        }
        book.prune(1, &|hash| Some(u32::from(hash.0[0])));
        assert!(book.precommits_for(&Hash::repeat_byte(1)).is_empty());
        assert_eq!(book.precommits_for(&Hash::repeat_byte(2)).len(), 1);
        assert_eq!(book.precommit_by_height.len(), 1);
    }
}
