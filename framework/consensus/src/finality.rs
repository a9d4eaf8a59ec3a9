//! The BFT finality gadget's rules, without I/O (DESIGN §4 "Finality").
//!
//! The voters of a block (the producers of its round, or a subchain's validators) decide in
//! numbered **views**, Tendermint-style over a chain. In each view every voter:
//!
//! 1. **pre-votes** once, for a block: its best block, unless a lock or a polka (below) points
//!    elsewhere; a pre-vote for a block counts for each of its ancestors too;
//! 2. **pre-commits** once, for the highest block with pre-votes from more than 2/3 of the weight
//!    in this view (a *polka*), and locks on it;
//! 3. a block with pre-commits of one view from more than 2/3 of the weight is **final**; its
//!    [`Justification`] — those pre-commits — proves it to anyone who knows the voter set
//!    ([`verify_justification`]).
//!
//! A view that finalizes nothing times out and the next begins (the view change); a voter that
//! sees more than 1/3 of the weight in a later view joins it, so views line up again after a
//! partition or a restart.
//!
//! **Safety.** A voter locked on `L` (in view `lv`) pre-votes only blocks on `L`'s chain, unless
//! it has seen a polka of a later view `pv > lv` for a block conflicting with `L` (the unlock
//! rule). If `B` is final in view `v`, more than 2/3 pre-committed it, so no later view can
//! gather a polka off `B`'s chain without an honest voter breaking its lock — and none does, by
//! induction over the views. Two conflicting final blocks need more than 1/3 of the weight to
//! sign two pre-commits in one view — the evidence [`Voter::add`] reports.
//!
//! **Liveness.** Every voter pre-votes on the chain of the latest polka it knows of (its valid
//! block), so once views line up and votes flow, a polka forms and the locked voters follow it.

use std::{
    collections::{BTreeMap, HashMap},
    sync::Arc,
    time::{Duration, Instant},
};

use codec::{Decode, Encode};
use wcme_consensus_primitives::poc::{PackingKey, PrecommitEquivocation, View, VoteKind};
use wcme_primitives::{BlockNumber, Hash};

/// Voter sets, justifications and their checks live in `wcme-consensus-primitives` (no `std`,
/// so the cross-chain pallet verifies subchain justifications with the same code); re-exported
/// here for the node.
pub use wcme_consensus_primitives::finality::{
    ChainVote, FinalityError, Justification, VoterSet, check_vote, verify_justification,
};

/// The chain as the voter needs to see it.
pub trait VoteChain {
    /// The height and parent of block `hash`, if it is imported.
    fn block(&self, hash: &Hash) -> Option<(BlockNumber, Hash)>;
    /// The voters of block `hash` (its round's voter set), if it can be read.
    fn voters(&self, hash: &Hash) -> Option<Arc<VoterSet>>;
}

/// A block this voter will not abandon without a later polka against it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Lock {
    /// The view of the polka the lock rests on.
    pub view: View,
    /// The locked block's height.
    pub number: BlockNumber,
    /// The locked block's hash.
    pub hash: Hash,
}

/// What a voter must remember across restarts so that it never votes twice in one view nor
/// leaves its lock: the node stores it before its votes leave.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode)]
pub struct VoterState {
    /// The current view.
    pub view: View,
    /// The last view this voter pre-voted in.
    pub prevoted: Option<View>,
    /// The last view this voter pre-committed in.
    pub precommitted: Option<View>,
    /// The lock, if any.
    pub lock: Option<Lock>,
}

/// How long views and pre-commits wait.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timing {
    /// How long a view runs, once more than 2/3 have pre-voted in it, before a voter gives up
    /// on it; doubled, tripled, quadrupled (at most) after consecutive views that finalized
    /// nothing.
    pub view_timeout: Duration,
    /// How long a voter that has a polka waits for the missing voters' pre-votes (which might
    /// make a higher block the polka) before it pre-commits.
    pub precommit_grace: Duration,
}

impl Timing {
    /// Timing for an engine with slots of `slot`: views of two slots (at least one second),
    /// a grace of a quarter slot (50–500 ms).
    pub fn for_slot(slot: Duration) -> Self {
        Self {
            view_timeout: slot.saturating_mul(2).max(Duration::from_secs(1)),
            precommit_grace: (slot / 4)
                .clamp(Duration::from_millis(50), Duration::from_millis(500)),
        }
    }
}

/// A vote this voter should now sign (with each of its keys that votes for the block).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ballot {
    /// Pre-vote or pre-commit.
    pub kind: VoteKind,
    /// The view.
    pub view: View,
    /// The block's height.
    pub number: BlockNumber,
    /// The block's hash.
    pub hash: Hash,
}

/// What adding a vote did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Added {
    /// Already known, or for a view too far from the current one to keep; nothing changed.
    Ignored,
    /// Counted.
    Counted,
    /// Counted, and it completed a commit: the block is final by this justification.
    Committed(Justification),
    /// The voter already pre-committed another block in this view: red-card evidence. The vote
    /// still counts (a justification is any set of pre-commits of one view holding more than
    /// 2/3, and others may hold this one), so it may also have completed a commit.
    Equivocation {
        /// The two pre-commits.
        evidence: Box<PrecommitEquivocation<Hash, BlockNumber>>,
        /// The commit the vote completed, if any.
        commit: Option<Justification>,
    },
}

/// Views behind the current one whose votes are kept (late votes still complete old polkas,
/// which the unlock rule needs).
const VIEWS_KEPT_BEHIND: View = 32;
/// Views ahead of the current one whose votes are kept (a voter joins them later).
const VIEWS_KEPT_AHEAD: View = 256;
/// How far back ancestry is searched (lock, polka and pre-vote chains).
pub const MAX_ANCESTRY: u32 = 4096;
/// Voters whose latest view is remembered (the view-change rule); the lowest views go first.
const MAX_TRACKED_VOTERS: usize = 4096;

/// Views whose votes are kept at most, per step.
const MAX_VIEWS_KEPT: usize = 512;

/// Votes kept per voter, view and step: an honest voter casts one; a few of an equivocator's
/// are kept so that every node counts the polkas and commits they were part of.
const MAX_VOTES_PER_VOTER: usize = 4;

/// The votes of each view and step, per voter: an honest voter's one, a few of an
/// equivocator's.
type ViewVotes = BTreeMap<View, BTreeMap<PackingKey, Vec<ChainVote>>>;

/// Forgets the oldest views other than `keep` beyond [`MAX_VIEWS_KEPT`].
fn bound_views<T>(votes: &mut BTreeMap<View, T>, keep: View) {
    while votes.len() > MAX_VIEWS_KEPT {
        let Some(oldest) = votes.keys().find(|view| **view != keep).copied() else {
            break;
        };
        votes.remove(&oldest);
    }
}

/// One node's finality voter: the votes it has seen, its state, its clocks.
pub struct Voter {
    state: VoterState,
    timing: Timing,
    finalized: (BlockNumber, Hash),
    prevotes: ViewVotes,
    precommits: ViewVotes,
    /// The highest polka of each view kept: (height, hash).
    polkas: BTreeMap<View, (BlockNumber, Hash)>,
    /// Each voter's highest view seen.
    latest_views: HashMap<PackingKey, View>,
    /// When the current view's deadline passes.
    deadline: Option<Instant>,
    /// Since when the current view has a polka.
    polka_since: Option<Instant>,
    /// Consecutive views that finalized nothing.
    failed_views: u32,
    /// The justification of the last block this voter saw final.
    last_commit: Option<Justification>,
}

impl Voter {
    /// A voter resuming from `state` (the default for a new node) on a chain final up to
    /// `finalized`.
    pub fn new(state: VoterState, finalized: (BlockNumber, Hash), timing: Timing) -> Self {
        Self {
            state,
            timing,
            finalized,
            prevotes: BTreeMap::new(),
            precommits: BTreeMap::new(),
            polkas: BTreeMap::new(),
            latest_views: HashMap::new(),
            deadline: None,
            polka_since: None,
            failed_views: 0,
            last_commit: None,
        }
    }

    /// What to store before this voter's votes leave.
    pub fn state(&self) -> VoterState {
        self.state
    }

    /// The current view.
    pub fn view(&self) -> View {
        self.state.view
    }

    /// What a lagging voter needs, sent again with this node's own votes: the pre-commits of
    /// the last commit it knows (a voter that missed them finalizes and leaves a lock the
    /// commit overrides), and the pre-votes of the latest polka it knows and of its lock's.
    /// A polka may rest on votes of someone who never sends them again; voters that know the
    /// same latest polka pre-vote on one chain, and a locked voter needs it to unlock.
    pub fn catch_up_votes(&self) -> Vec<ChainVote> {
        let latest = self.polkas.keys().next_back().copied();
        let lock = self.state.lock.map(|lock| lock.view);
        let mut views: Vec<View> = latest.into_iter().chain(lock).collect();
        views.dedup();
        let commit = self
            .last_commit
            .iter()
            .flat_map(|justification| justification.precommits.iter().cloned());
        views
            .into_iter()
            .filter_map(|view| self.prevotes.get(&view))
            .flat_map(|votes| votes.values().flatten().cloned())
            .chain(commit)
            .collect()
    }

    /// Adds a vote already checked with [`check_vote`] against its block's voter set.
    pub fn add(&mut self, vote: ChainVote, chain: &impl VoteChain, now: Instant) -> Added {
        let view = vote.vote.view;
        let latest = self.latest_views.entry(vote.voter).or_insert(view);
        *latest = (*latest).max(view);
        if self.latest_views.len() > MAX_TRACKED_VOTERS
            && let Some(lowest) = self
                .latest_views
                .iter()
                .min_by_key(|(_, view)| **view)
                .map(|(key, _)| *key)
        {
            self.latest_views.remove(&lowest);
        }
        // Old views matter while they are later than the lock: their polkas may release it.
        let too_old = view < self.state.view.saturating_sub(VIEWS_KEPT_BEHIND)
            && self.state.lock.is_none_or(|lock| view <= lock.view);
        if too_old || view > self.state.view.saturating_add(VIEWS_KEPT_AHEAD) {
            return Added::Ignored;
        }
        let kind = vote.vote.kind;
        let (number, hash) = (vote.vote.number, vote.vote.hash);
        let steps = match kind {
            VoteKind::Prevote => &mut self.prevotes,
            VoteKind::Precommit => &mut self.precommits,
        };
        let votes = steps
            .entry(view)
            .or_default()
            .entry(vote.voter)
            .or_default();
        if votes.len() >= MAX_VOTES_PER_VOTER || votes.iter().any(|known| known.vote.hash == hash) {
            return Added::Ignored;
        }
        let earlier = votes.first().cloned();
        votes.push(vote.clone());
        bound_views(steps, view);
        match kind {
            VoteKind::Prevote => {
                self.count_polka(view, chain, now);
                Added::Counted
            }
            VoteKind::Precommit => {
                let commit = self.commit(view, number, hash, chain);
                match earlier {
                    Some(first) => Added::Equivocation {
                        evidence: Box::new(PrecommitEquivocation {
                            first,
                            second: vote,
                        }),
                        commit,
                    },
                    None => match commit {
                        Some(justification) => Added::Committed(justification),
                        None => Added::Counted,
                    },
                }
            }
        }
    }

    /// The justification for `hash` if the pre-commits of `view` for it hold more than 2/3 of
    /// its voters' weight.
    fn commit(
        &self,
        view: View,
        number: BlockNumber,
        hash: Hash,
        chain: &impl VoteChain,
    ) -> Option<Justification> {
        if number <= self.finalized.0 {
            return None;
        }
        let voters = chain.voters(&hash)?;
        let precommits: Vec<ChainVote> = self
            .precommits
            .get(&view)?
            .values()
            .filter_map(|votes| {
                votes
                    .iter()
                    .find(|vote| vote.vote.hash == hash && vote.vote.round == voters.round())
            })
            .cloned()
            .collect();
        let weight = precommits.iter().fold(0u128, |sum, vote| {
            sum.saturating_add(voters.stake(&vote.voter).unwrap_or(0))
        });
        voters.is_supermajority(weight).then(|| Justification {
            round: voters.round(),
            number,
            hash,
            precommits,
        })
    }

    /// Recomputes the highest polka of `view`: each voter's pre-votes count, once, for their
    /// blocks and every ancestor above the final block in the same round. (An equivocator's
    /// several pre-votes all count: a polka is the weight of those who signed for a chain, and
    /// honest voters sign once.)
    fn count_polka(&mut self, view: View, chain: &impl VoteChain, now: Instant) {
        let Some(votes) = self.prevotes.get(&view) else {
            return;
        };
        let mut weights: HashMap<Hash, (BlockNumber, u128, Arc<VoterSet>)> = HashMap::new();
        for voter_votes in votes.values() {
            let mut counted = std::collections::HashSet::new();
            for vote in voter_votes {
                let Some(path) = self.path_from_final(chain, vote.vote.hash) else {
                    continue;
                };
                for (number, hash) in path {
                    if !counted.insert(hash) {
                        continue;
                    }
                    let voters = match weights.get(&hash) {
                        Some((_, _, voters)) => voters.clone(),
                        None => match chain.voters(&hash) {
                            Some(voters) => voters,
                            None => continue,
                        },
                    };
                    if voters.round() != vote.vote.round {
                        continue;
                    }
                    let stake = voters.stake(&vote.voter).unwrap_or(0);
                    let entry = weights.entry(hash).or_insert((number, 0, voters));
                    entry.1 = entry.1.saturating_add(stake);
                }
            }
        }
        let polka = weights
            .iter()
            .filter(|(_, (_, weight, voters))| voters.is_supermajority(*weight))
            .map(|(hash, (number, _, _))| (*number, *hash))
            .max();
        if let Some(polka) = polka {
            self.polkas.insert(view, polka);
            if view == self.state.view && self.polka_since.is_none() {
                self.polka_since = Some(now);
            }
        }
    }

    /// The blocks from `hash` down to just above the final block, if `hash` descends from it
    /// (within [`MAX_ANCESTRY`]); empty for the final block itself.
    fn path_from_final(
        &self,
        chain: &impl VoteChain,
        hash: Hash,
    ) -> Option<Vec<(BlockNumber, Hash)>> {
        let (final_number, final_hash) = self.finalized;
        let mut path = Vec::new();
        let mut current = hash;
        loop {
            if current == final_hash {
                return Some(path);
            }
            let (number, parent) = chain.block(&current)?;
            if number <= final_number || path.len() as u32 >= MAX_ANCESTRY {
                return None;
            }
            path.push((number, current));
            current = parent;
        }
    }

    /// Whether `descendant` is `ancestor` or descends from it.
    fn descends(
        chain: &impl VoteChain,
        ancestor: (BlockNumber, Hash),
        descendant: (BlockNumber, Hash),
    ) -> bool {
        let (ancestor_number, ancestor_hash) = ancestor;
        let (mut number, mut hash) = descendant;
        if number.saturating_sub(ancestor_number) > MAX_ANCESTRY {
            return false;
        }
        while number > ancestor_number {
            match chain.block(&hash) {
                Some((_, parent)) => {
                    hash = parent;
                    number = number.saturating_sub(1);
                }
                None => return false,
            }
        }
        number == ancestor_number && hash == ancestor_hash
    }

    /// Whether two blocks are on different branches.
    fn conflict(chain: &impl VoteChain, a: (BlockNumber, Hash), b: (BlockNumber, Hash)) -> bool {
        let (low, high) = if a.0 <= b.0 { (a, b) } else { (b, a) };
        !Self::descends(chain, low, high)
    }

    /// Moves to `view`.
    fn enter_view(&mut self, view: View) {
        self.state.view = view;
        self.deadline = None;
        self.polka_since = None;
        let mut oldest = view.saturating_sub(VIEWS_KEPT_BEHIND);
        if let Some(lock) = self.state.lock {
            oldest = oldest.min(lock.view.saturating_add(1));
        }
        self.prevotes = self.prevotes.split_off(&oldest);
        self.precommits = self.precommits.split_off(&oldest);
        self.polkas = self.polkas.split_off(&oldest);
    }

    /// The view this voter should join by the view-change rule: the highest view such that
    /// voters of the best block's set with more than 1/3 of its weight have reached it.
    fn view_to_join(&self, chain: &impl VoteChain, best: &Hash) -> Option<View> {
        let voters = chain.voters(best)?;
        let mut ahead: Vec<(View, u128)> = self
            .latest_views
            .iter()
            .filter(|(_, view)| **view > self.state.view)
            .filter_map(|(key, view)| voters.stake(key).map(|stake| (*view, stake)))
            .collect();
        ahead.sort_unstable_by_key(|(view, _)| std::cmp::Reverse(*view));
        let mut weight = 0u128;
        for (view, stake) in ahead {
            weight = weight.saturating_add(stake);
            if voters.exceeds_one_third(weight) {
                return Some(view);
            }
        }
        None
    }

    /// Whether voters of the best block's set with more than 2/3 of its weight pre-voted in
    /// `view` (for any block).
    fn view_has_quorum(&self, chain: &impl VoteChain, best: &Hash, view: View) -> bool {
        let (Some(voters), Some(prevotes)) = (chain.voters(best), self.prevotes.get(&view)) else {
            return false;
        };
        let weight = prevotes.keys().fold(0u128, |sum, key| {
            sum.saturating_add(voters.stake(key).unwrap_or(0))
        });
        voters.is_supermajority(weight)
    }

    fn timeout(&self) -> Duration {
        self.timing
            .view_timeout
            .saturating_mul(self.failed_views.saturating_add(1).min(4))
    }

    /// The block to pre-vote for with `best` the best block: on the chain of the latest polka
    /// of an earlier view this voter knows (if later than its lock, or on the lock's chain),
    /// else on the lock's chain, else `best`. "On the chain of X" means `best` if it descends
    /// from X, X otherwise.
    fn prevote_target(
        &mut self,
        chain: &impl VoteChain,
        best: (BlockNumber, Hash),
    ) -> Option<(BlockNumber, Hash)> {
        if let Some(lock) = self.state.lock
            && self
                .path_from_final(chain, lock.hash)
                .is_none_or(|path| path.is_empty())
        {
            // Final already, or off the final chain: the lock binds nothing any more.
            self.state.lock = None;
        }
        let polka = self
            .polkas
            .range(..self.state.view)
            .rev()
            .find(|(_, (number, hash))| {
                *number > self.finalized.0 && self.path_from_final(chain, *hash).is_some()
            })
            .map(|(view, block)| (*view, *block));
        let on_chain_of = |block: (BlockNumber, Hash)| {
            if Self::descends(chain, block, best) {
                best
            } else {
                block
            }
        };
        let target = match (self.state.lock, polka) {
            (Some(lock), Some((view, polka))) if view > lock.view => {
                let locked = (lock.number, lock.hash);
                if Self::conflict(chain, locked, polka) {
                    // A later polka against the lock: nothing can be final on the lock's
                    // branch, so the lock is released.
                    self.state.lock = None;
                    on_chain_of(polka)
                } else if polka.0 >= lock.number {
                    on_chain_of(polka)
                } else {
                    on_chain_of(locked)
                }
            }
            (Some(lock), _) => on_chain_of((lock.number, lock.hash)),
            (None, Some((_, polka))) => on_chain_of(polka),
            // The fork choice never leaves the final chain; should `best` be off it anyway
            // (a final block not yet on the best chain), there is nothing to vote for.
            (None, None) => {
                self.path_from_final(chain, best.1)?;
                best
            }
        };
        Some(self.within_first_voter_set(chain, target))
    }

    /// The highest block of `target`'s chain decided by the voters of the first block above
    /// the final one: `target`, or the last block before the voter set changes on the way to
    /// it. Voting no further (GRANDPA's rule for authority-set changes) makes every voter
    /// set's last block final by a justification of that set's own voters — the block whose
    /// state names the next set, where a light client hands over to it (the main-chain light
    /// client of subchains, `main_client`, needs exactly that justification).
    fn within_first_voter_set(
        &self,
        chain: &impl VoteChain,
        target: (BlockNumber, Hash),
    ) -> (BlockNumber, Hash) {
        let Some(path) = self.path_from_final(chain, target.1) else {
            return target;
        };
        let mut highest = target;
        let mut round = None;
        for &block in path.iter().rev() {
            let Some(voters) = chain.voters(&block.1) else {
                break;
            };
            match round {
                None => round = Some(voters.round()),
                Some(round) if round != voters.round() => break,
                Some(_) => {}
            }
            highest = block;
        }
        highest
    }

    /// Advances the voter: joins a later view, times out the current one, and says which votes
    /// to sign now. `best` is the node's best block; call after every vote, import, finality
    /// and now and then (it is how timeouts fire).
    pub fn step(
        &mut self,
        chain: &impl VoteChain,
        best: (BlockNumber, Hash),
        now: Instant,
    ) -> Vec<Ballot> {
        if let Some(view) = self.view_to_join(chain, &best.1) {
            tracing::debug!(target: "finality", from = self.state.view, to = view, "Joining a later view");
            self.enter_view(view);
        }
        if self.deadline.is_some_and(|deadline| now >= deadline) {
            tracing::debug!(target: "finality", view = self.state.view, "View timed out");
            self.failed_views = self.failed_views.saturating_add(1);
            self.enter_view(self.state.view.saturating_add(1));
        }
        let view = self.state.view;
        let mut ballots = Vec::new();
        if self.state.prevoted.is_none_or(|prevoted| prevoted < view)
            && best.0 > self.finalized.0
            && let Some((number, hash)) = self.prevote_target(chain, best)
        {
            self.state.prevoted = Some(view);
            ballots.push(Ballot {
                kind: VoteKind::Prevote,
                view,
                number,
                hash,
            });
        }
        // The clock of a view starts once more than 2/3 have pre-voted in it, as in Tendermint:
        // then every honest voter's clock starts within one message delay of the others', and
        // no voter times out alone into views nobody else is in.
        if self.deadline.is_none()
            && self.state.prevoted.is_some_and(|prevoted| prevoted >= view)
            && self.view_has_quorum(chain, &best.1, view)
        {
            self.deadline = Some(now + self.timeout());
        }
        if self
            .state
            .precommitted
            .is_none_or(|precommitted| precommitted < view)
            && let Some(&(number, hash)) = self.polkas.get(&view)
            && self.path_from_final(chain, hash).is_some()
            && self.may_precommit_now(chain, view, &hash, now)
        {
            self.state.precommitted = Some(view);
            self.relock(chain, view, (number, hash));
            ballots.push(Ballot {
                kind: VoteKind::Precommit,
                view,
                number,
                hash,
            });
        }
        ballots
    }

    /// Whether the polka of `view` for `hash` is ready to pre-commit: every voter of the block
    /// has pre-voted, or the grace since the polka formed is over.
    fn may_precommit_now(
        &mut self,
        chain: &impl VoteChain,
        view: View,
        hash: &Hash,
        now: Instant,
    ) -> bool {
        let since = *self.polka_since.get_or_insert(now);
        if now.saturating_duration_since(since) >= self.timing.precommit_grace {
            return true;
        }
        let (Some(voters), Some(prevotes)) = (chain.voters(hash), self.prevotes.get(&view)) else {
            return false;
        };
        let counted = prevotes
            .keys()
            .filter(|key| voters.stake(key).is_some())
            .count();
        counted >= voters.len()
    }

    /// The lock after pre-committing `block` in `view`: the block, unless it is an ancestor of
    /// the lock (which then stays, the stronger commitment).
    fn relock(&mut self, chain: &impl VoteChain, view: View, block: (BlockNumber, Hash)) {
        if let Some(lock) = self.state.lock
            && block.0 < lock.number
            && Self::descends(chain, block, (lock.number, lock.hash))
        {
            return;
        }
        self.state.lock = Some(Lock {
            view,
            number: block.0,
            hash: block.1,
        });
    }

    /// Records that a block is final by `justification` — a commit this voter saw or one it
    /// imported: the next view begins if the commit was in the current view or later, and what
    /// the final block settles is forgotten. The justification is kept to be sent again
    /// ([`Self::catch_up_votes`]).
    pub fn finalized(&mut self, justification: Justification) {
        let block = (justification.number, justification.hash);
        if block.0 <= self.finalized.0 {
            return;
        }
        self.finalized = block;
        self.failed_views = 0;
        if let Some(view) = justification.precommits.first().map(|vote| vote.vote.view)
            && view >= self.state.view
        {
            self.enter_view(view.saturating_add(1));
        }
        self.polkas.retain(|_, (number, _)| *number > block.0);
        if self.state.lock.is_some_and(|lock| lock.number <= block.0) {
            self.state.lock = None;
        }
        self.last_commit = Some(justification);
    }
}

#[cfg(test)]
mod tests;
