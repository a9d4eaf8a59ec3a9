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

use wcme_consensus_primitives::poc::{PackingKey, PrecommitEquivocation, VoteKind};
use wcme_primitives::{BlockNumber, Hash};

/// Voter sets, justifications and their checks live in `wcme-consensus-primitives` (no `std`,
/// so the cross-chain pallet verifies subchain justifications with the same code); re-exported
/// here for the node.
pub use wcme_consensus_primitives::finality::{
    ChainVote, FinalityError, Justification, VoterSet, check_vote, verify_justification,
};

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
    use wcme_consensus_primitives::poc::{SignedVote, Vote};

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
