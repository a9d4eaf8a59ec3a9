use super::*;
use proptest::prelude::*;
use sp_core::sr25519;
use wcme_consensus_primitives::poc::{SignedVote, Vote};

const SECOND: Duration = Duration::from_secs(1);

fn timing() -> Timing {
    Timing {
        view_timeout: SECOND,
        precommit_grace: Duration::from_millis(100),
    }
}

fn key(index: usize) -> PackingKey {
    PackingKey::from_raw([u8::try_from(index + 1).expect("small"); 32])
}

/// A block tree and one voter set of four equal voters (round 7) for every block.
struct Tree {
    blocks: HashMap<Hash, (BlockNumber, Hash)>,
    voters: Arc<VoterSet>,
    /// Blocks voted on by another set than `voters`.
    other_sets: HashMap<Hash, Arc<VoterSet>>,
}

fn genesis() -> (BlockNumber, Hash) {
    (0, Hash::repeat_byte(0xff))
}

impl Tree {
    fn new(voters: usize) -> Self {
        Self {
            blocks: HashMap::new(),
            voters: Arc::new(VoterSet::new(7, (0..voters).map(|i| (key(i), 1)))),
            other_sets: HashMap::new(),
        }
    }

    /// Adds a child of `parent`; `fork` tells siblings apart.
    fn child(&mut self, parent: (BlockNumber, Hash), fork: u8) -> (BlockNumber, Hash) {
        let number = parent.0 + 1;
        let mut bytes = [fork; 32];
        bytes[..4].copy_from_slice(&number.to_le_bytes());
        let hash = Hash::from(bytes);
        self.blocks.insert(hash, (number, parent.1));
        (number, hash)
    }
}

impl VoteChain for Tree {
    fn block(&self, hash: &Hash) -> Option<(BlockNumber, Hash)> {
        if *hash == genesis().1 {
            return Some((0, Hash::zero()));
        }
        self.blocks.get(hash).copied()
    }

    fn voters(&self, hash: &Hash) -> Option<Arc<VoterSet>> {
        if let Some(set) = self.other_sets.get(hash) {
            return Some(set.clone());
        }
        self.block(hash).map(|_| self.voters.clone())
    }
}

/// A vote by voter `index`; `add` takes votes already checked, so it is not signed.
fn vote(
    index: usize,
    kind: VoteKind,
    view: View,
    (number, hash): (BlockNumber, Hash),
) -> ChainVote {
    SignedVote {
        vote: Vote {
            kind,
            round: 7,
            view,
            number,
            hash,
        },
        voter: key(index),
        signature: sr25519::Signature::from_raw([0; 64]),
    }
}

fn voter() -> Voter {
    resumed(VoterState::default())
}

/// A voter resuming from `state` on a chain final at genesis.
fn resumed(state: VoterState) -> Voter {
    Voter::new(state, genesis(), timing())
}

/// Steps voter 0 and counts the votes it casts, as the node does.
fn cast(me: &mut Voter, tree: &Tree, best: (BlockNumber, Hash), now: Instant) -> Vec<Ballot> {
    let ballots = me.step(tree, best, now);
    for ballot in &ballots {
        me.add(
            vote(0, ballot.kind, ballot.view, (ballot.number, ballot.hash)),
            tree,
            now,
        );
    }
    ballots
}

/// Voters 1 and 2 pre-vote `block` in `view`: with voter 0's own, more than 2/3 pre-voted.
fn others_prevote(
    me: &mut Voter,
    tree: &Tree,
    view: View,
    block: (BlockNumber, Hash),
    now: Instant,
) {
    for index in 1..3 {
        me.add(vote(index, VoteKind::Prevote, view, block), tree, now);
    }
}

fn ballot(kind: VoteKind, view: View, (number, hash): (BlockNumber, Hash)) -> Ballot {
    Ballot {
        kind,
        view,
        number,
        hash,
    }
}

#[test]
fn four_voters_finalize_in_one_view_and_move_to_the_next() {
    let mut tree = Tree::new(4);
    let one = tree.child(genesis(), 0);
    let two = tree.child(one, 0);
    let now = Instant::now();
    let mut me = voter();
    assert_eq!(
        me.step(&tree, two, now),
        vec![ballot(VoteKind::Prevote, 0, two)]
    );
    assert_eq!(me.step(&tree, two, now), vec![], "one pre-vote per view");
    for index in 0..4 {
        me.add(vote(index, VoteKind::Prevote, 0, two), &tree, now);
    }
    assert_eq!(
        me.step(&tree, two, now),
        vec![ballot(VoteKind::Precommit, 0, two)],
        "every voter pre-voted: no grace needed"
    );
    assert_eq!(
        me.state().lock,
        Some(Lock {
            view: 0,
            number: 2,
            hash: two.1
        })
    );
    let mut committed = None;
    for index in 0..3 {
        if let Added::Committed(justification) =
            me.add(vote(index, VoteKind::Precommit, 0, two), &tree, now)
        {
            committed = Some(justification);
        }
    }
    let justification = committed.expect("three of four pre-commits commit");
    assert_eq!((justification.number, justification.hash), two);
    assert_eq!(justification.precommits.len(), 3);
    me.finalized(justification.clone());
    assert!(
        justification
            .precommits
            .iter()
            .all(|vote| me.catch_up_votes().contains(vote)),
        "the commit is sent again for voters that missed it"
    );
    assert_eq!(me.view(), 1);
    assert_eq!(me.state().lock, None, "a final lock binds nothing");
    assert_eq!(
        me.step(&tree, two, now),
        vec![],
        "nothing above the final block to vote for"
    );
}

#[test]
fn voters_finalize_their_sets_last_block_before_voting_past_it() {
    let mut tree = Tree::new(4);
    let one = tree.child(genesis(), 0);
    let two = tree.child(one, 0);
    let three = tree.child(two, 0);
    let four = tree.child(three, 0);
    // Round 8 begins at block 3, with the same voters.
    let next = Arc::new(VoterSet::new(8, (0..4).map(|i| (key(i), 1))));
    for block in [three, four] {
        tree.other_sets.insert(block.1, next.clone());
    }
    let now = Instant::now();
    let mut me = voter();
    assert_eq!(
        me.step(&tree, four, now),
        vec![ballot(VoteKind::Prevote, 0, two)],
        "round 7's last block, not the best block of round 8"
    );
    let precommits = (0..3)
        .map(|index| vote(index, VoteKind::Precommit, 0, two))
        .collect();
    me.finalized(Justification {
        round: 7,
        number: two.0,
        hash: two.1,
        precommits,
    });
    assert_eq!(
        me.step(&tree, four, now),
        vec![ballot(VoteKind::Prevote, 1, four)],
        "once it is final, round 8's voters go on"
    );
}

#[test]
fn prevotes_for_a_descendant_count_for_its_ancestors() {
    let mut tree = Tree::new(4);
    let one = tree.child(genesis(), 0);
    let two = tree.child(one, 0);
    let three = tree.child(two, 0);
    let now = Instant::now();
    let mut me = voter();
    me.add(vote(0, VoteKind::Prevote, 0, two), &tree, now);
    me.add(vote(1, VoteKind::Prevote, 0, two), &tree, now);
    me.add(vote(2, VoteKind::Prevote, 0, three), &tree, now);
    assert_eq!(me.polkas.get(&0), Some(&two));
    me.add(vote(3, VoteKind::Prevote, 0, three), &tree, now);
    assert_eq!(me.polkas.get(&0), Some(&two), "three is short of 2/3");
    let mut me = voter();
    for index in 0..3 {
        me.add(vote(index, VoteKind::Prevote, 0, three), &tree, now);
    }
    assert_eq!(me.polkas.get(&0), Some(&three), "the highest polka wins");
}

#[test]
fn a_polka_waits_for_the_grace_unless_every_voter_prevoted() {
    let mut tree = Tree::new(4);
    let one = tree.child(genesis(), 0);
    let now = Instant::now();
    let mut me = voter();
    me.step(&tree, one, now);
    for index in 0..3 {
        me.add(vote(index, VoteKind::Prevote, 0, one), &tree, now);
    }
    assert_eq!(
        me.step(&tree, one, now),
        vec![],
        "the fourth may still come"
    );
    assert_eq!(
        me.step(&tree, one, now + Duration::from_millis(100)),
        vec![ballot(VoteKind::Precommit, 0, one)]
    );
}

#[test]
fn precommits_of_different_views_do_not_commit() {
    let mut tree = Tree::new(4);
    let one = tree.child(genesis(), 0);
    let now = Instant::now();
    let mut me = voter();
    me.add(vote(0, VoteKind::Precommit, 0, one), &tree, now);
    me.add(vote(1, VoteKind::Precommit, 0, one), &tree, now);
    assert_eq!(
        me.add(vote(2, VoteKind::Precommit, 1, one), &tree, now),
        Added::Counted
    );
    assert!(matches!(
        me.add(vote(2, VoteKind::Precommit, 0, one), &tree, now),
        Added::Committed(_)
    ));
}

#[test]
fn two_precommits_in_one_view_are_evidence_and_across_views_are_not() {
    let mut tree = Tree::new(4);
    let one = tree.child(genesis(), 0);
    let other = tree.child(genesis(), 1);
    let now = Instant::now();
    let mut me = voter();
    assert_eq!(
        me.add(vote(0, VoteKind::Precommit, 0, one), &tree, now),
        Added::Counted
    );
    assert_eq!(
        me.add(vote(0, VoteKind::Precommit, 0, one), &tree, now),
        Added::Ignored
    );
    let Added::Equivocation {
        evidence,
        commit: None,
    } = me.add(vote(0, VoteKind::Precommit, 0, other), &tree, now)
    else {
        panic!("expected evidence");
    };
    assert_eq!(
        (evidence.first.vote.hash, evidence.second.vote.hash),
        (one.1, other.1)
    );
    // The equivocator's pre-commits all count: with two honest ones for `other`, it is final.
    me.add(vote(1, VoteKind::Precommit, 0, other), &tree, now);
    assert!(matches!(
        me.add(vote(2, VoteKind::Precommit, 0, other), &tree, now),
        Added::Committed(_)
    ));
    assert_eq!(
        me.add(vote(0, VoteKind::Precommit, 1, other), &tree, now),
        Added::Counted,
        "a new view may pre-commit another block at the same height"
    );
}

/// A voter locked on `x` (polka of view 0 for it) whose best moved to a sibling `y`.
fn locked_on_x() -> (
    Tree,
    Voter,
    (BlockNumber, Hash),
    (BlockNumber, Hash),
    Instant,
) {
    let mut tree = Tree::new(4);
    let x = tree.child(genesis(), 1);
    let y = tree.child(genesis(), 2);
    let now = Instant::now();
    let mut me = voter();
    assert_eq!(
        cast(&mut me, &tree, x, now),
        vec![ballot(VoteKind::Prevote, 0, x)]
    );
    for index in 1..4 {
        me.add(vote(index, VoteKind::Prevote, 0, x), &tree, now);
    }
    assert_eq!(
        cast(&mut me, &tree, x, now),
        vec![ballot(VoteKind::Precommit, 0, x)]
    );
    // The view times out without a commit.
    let later = now + SECOND;
    assert_eq!(
        cast(&mut me, &tree, y, later),
        vec![ballot(VoteKind::Prevote, 1, x)]
    );
    (tree, me, x, y, later)
}

#[test]
fn a_locked_voter_prevotes_its_lock_not_its_best() {
    let (tree, mut me, x, y, now) = locked_on_x();
    assert_eq!(me.state().lock.map(|lock| lock.hash), Some(x.1));
    // Pre-votes for y in view 1 short of a polka do not release the lock.
    others_prevote(&mut me, &tree, 1, y, now);
    assert_eq!(
        cast(&mut me, &tree, y, now),
        vec![],
        "the view's clock starts"
    );
    let later = now + 2 * SECOND;
    assert_eq!(
        cast(&mut me, &tree, y, later),
        vec![ballot(VoteKind::Prevote, 2, x)]
    );
}

#[test]
fn a_later_polka_against_the_lock_releases_it() {
    let (tree, mut me, _x, y, now) = locked_on_x();
    for index in 1..4 {
        me.add(vote(index, VoteKind::Prevote, 1, y), &tree, now);
    }
    // View 1's polka for y: pre-commit it (a polka of the current view overrides the lock).
    assert_eq!(
        me.step(&tree, y, now + Duration::from_millis(100)),
        vec![ballot(VoteKind::Precommit, 1, y)]
    );
    assert_eq!(
        me.state().lock.map(|lock| (lock.view, lock.hash)),
        Some((1, y.1))
    );
}

#[test]
fn a_polka_seen_after_the_view_unlocks_in_the_next() {
    let (tree, mut me, x, y, now) = locked_on_x();
    // View 1 times out with two pre-votes for y seen; the third arrives late.
    others_prevote(&mut me, &tree, 1, y, now);
    cast(&mut me, &tree, x, now);
    let later = now + 2 * SECOND;
    assert_eq!(
        cast(&mut me, &tree, x, later),
        vec![ballot(VoteKind::Prevote, 2, x)]
    );
    // View 2 (pre-votes for the final block: a quorum, no polka) times out too.
    others_prevote(&mut me, &tree, 2, genesis(), later);
    cast(&mut me, &tree, x, later);
    me.add(vote(3, VoteKind::Prevote, 1, y), &tree, later);
    let much_later = later + 3 * SECOND;
    assert_eq!(
        cast(&mut me, &tree, x, much_later),
        vec![ballot(VoteKind::Prevote, 3, y)],
        "a polka of a view after the lock's, against it, releases the lock"
    );
    assert_eq!(me.state().lock, None);
}

#[test]
fn a_polka_not_later_than_the_lock_does_not_release_it() {
    let mut tree = Tree::new(4);
    let x = tree.child(genesis(), 1);
    let y = tree.child(genesis(), 2);
    let now = Instant::now();
    let mut me = resumed(VoterState {
        view: 5,
        prevoted: Some(5),
        precommitted: Some(5),
        lock: Some(Lock {
            view: 5,
            number: x.0,
            hash: x.1,
        }),
    });
    for index in 1..4 {
        me.add(vote(index, VoteKind::Prevote, 4, y), &tree, now);
    }
    me.add(vote(0, VoteKind::Prevote, 5, x), &tree, now);
    others_prevote(&mut me, &tree, 5, y, now);
    assert_eq!(
        cast(&mut me, &tree, y, now),
        vec![],
        "resumed within a voted view"
    );
    assert_eq!(
        cast(&mut me, &tree, y, now + SECOND),
        vec![ballot(VoteKind::Prevote, 6, x)]
    );
}

#[test]
fn a_polka_for_an_ancestor_keeps_the_lock_branch() {
    let mut tree = Tree::new(4);
    let a = tree.child(genesis(), 0);
    let l = tree.child(a, 1);
    let sibling = tree.child(a, 2);
    let now = Instant::now();
    let mut me = resumed(VoterState {
        view: 3,
        prevoted: None,
        precommitted: None,
        lock: Some(Lock {
            view: 1,
            number: l.0,
            hash: l.1,
        }),
    });
    // A later polka (view 2) for l's parent says nothing against l.
    for index in 1..4 {
        me.add(vote(index, VoteKind::Prevote, 2, a), &tree, now);
    }
    assert_eq!(
        me.step(&tree, sibling, now),
        vec![ballot(VoteKind::Prevote, 3, l)]
    );
}

#[test]
fn an_unlocked_voter_prevotes_the_latest_polka_chain() {
    let mut tree = Tree::new(4);
    let x = tree.child(genesis(), 1);
    let y = tree.child(genesis(), 2);
    let x2 = tree.child(x, 1);
    let now = Instant::now();
    // In view 4, knowing of view 3's polka for x.
    let after_polka = || {
        let mut me = resumed(VoterState {
            view: 4,
            ..VoterState::default()
        });
        for index in 1..4 {
            me.add(vote(index, VoteKind::Prevote, 3, x), &tree, now);
        }
        me
    };
    assert_eq!(
        after_polka().step(&tree, y, now),
        vec![ballot(VoteKind::Prevote, 4, x)]
    );
    assert_eq!(
        after_polka().step(&tree, x2, now),
        vec![ballot(VoteKind::Prevote, 4, x2)],
        "the best block when it extends the polka"
    );
}

#[test]
fn views_time_out_longer_after_each_failure() {
    let mut tree = Tree::new(4);
    let one = tree.child(genesis(), 0);
    let other = tree.child(genesis(), 1);
    let start = Instant::now();
    let mut me = voter();
    cast(&mut me, &tree, one, start);
    assert_eq!(
        cast(&mut me, &tree, one, start + 5 * SECOND),
        vec![],
        "no clock before more than 2/3 pre-voted"
    );
    // The others pre-vote another block: no polka, and the view's clock starts.
    let mut now = start + 5 * SECOND;
    let mut expected_timeouts = Vec::new();
    for view in 0..6 {
        others_prevote(&mut me, &tree, view, other, now);
        assert_eq!(cast(&mut me, &tree, one, now), vec![]);
        let timeout = SECOND * (view + 1).min(4);
        assert_eq!(
            cast(
                &mut me,
                &tree,
                one,
                now + timeout - Duration::from_millis(1)
            ),
            vec![]
        );
        now += timeout;
        assert_eq!(
            cast(&mut me, &tree, one, now),
            vec![ballot(VoteKind::Prevote, view + 1, one)]
        );
        expected_timeouts.push(timeout);
    }
    assert_eq!(
        expected_timeouts.last(),
        Some(&(4 * SECOND)),
        "at most four times the base"
    );
}

#[test]
fn a_voter_joins_a_view_more_than_a_third_has_reached() {
    let mut tree = Tree::new(4);
    let one = tree.child(genesis(), 0);
    let now = Instant::now();
    let mut me = voter();
    me.add(vote(1, VoteKind::Prevote, 40, one), &tree, now);
    assert_eq!(
        me.step(&tree, one, now),
        vec![ballot(VoteKind::Prevote, 0, one)]
    );
    me.add(vote(2, VoteKind::Prevote, 50, one), &tree, now);
    assert_eq!(
        me.step(&tree, one, now),
        vec![ballot(VoteKind::Prevote, 40, one)],
        "two of four are beyond 40: join 40, not 50"
    );
    me.add(vote(3, VoteKind::Prevote, 40, one), &tree, now);
    me.add(vote(0, VoteKind::Prevote, 40, one), &tree, now);
    assert_eq!(
        me.step(&tree, one, now + Duration::from_millis(100)),
        vec![ballot(VoteKind::Precommit, 40, one)],
        "the votes that were waiting count once it joins"
    );
}

#[test]
fn votes_far_from_the_current_view_are_not_kept() {
    let mut tree = Tree::new(4);
    let one = tree.child(genesis(), 0);
    let now = Instant::now();
    let mut me = voter();
    assert_eq!(
        me.add(
            vote(1, VoteKind::Prevote, VIEWS_KEPT_AHEAD + 1, one),
            &tree,
            now
        ),
        Added::Ignored
    );
    assert!(me.prevotes.is_empty());
    me.enter_view(100);
    assert_eq!(
        me.add(
            vote(1, VoteKind::Prevote, 100 - VIEWS_KEPT_BEHIND - 1, one),
            &tree,
            now
        ),
        Added::Ignored
    );
}

/// A simulated network: `honest` voters running [`Voter`], voter 0 Byzantine (it pre-votes and
/// pre-commits every branch in every view), messages delivered in an order and with losses the
/// test picks.
struct Network {
    tree: Tree,
    voters: Vec<Voter>,
    bests: Vec<(BlockNumber, Hash)>,
    in_flight: Vec<(usize, ChainVote)>,
    /// Each voter's own votes, sent again now and then as nodes do.
    sent: Vec<Vec<ChainVote>>,
    finals: Vec<(BlockNumber, Hash)>,
    now: Instant,
}

impl Network {
    fn new(tree: Tree, best: (BlockNumber, Hash)) -> Self {
        Self {
            tree,
            voters: (0..4).map(|_| voter()).collect(),
            bests: vec![best; 4],
            in_flight: Vec::new(),
            sent: vec![Vec::new(); 4],
            finals: Vec::new(),
            now: Instant::now(),
        }
    }

    fn send(&mut self, from: usize, vote: ChainVote) {
        for to in 1..4 {
            if to != from {
                self.in_flight.push((to, vote.clone()));
            }
        }
    }

    fn receive(&mut self, to: usize, vote: ChainVote) {
        let commit = match self.voters[to].add(vote, &self.tree, self.now) {
            Added::Committed(justification) => Some(justification),
            Added::Equivocation { commit, .. } => commit,
            Added::Counted | Added::Ignored => None,
        };
        if let Some(justification) = commit {
            self.finals.push((justification.number, justification.hash));
            self.voters[to].finalized(justification);
        }
    }

    fn step(&mut self, index: usize) {
        let ballots = self.voters[index].step(&self.tree, self.bests[index], self.now);
        for ballot in ballots {
            let vote = vote(
                index,
                ballot.kind,
                ballot.view,
                (ballot.number, ballot.hash),
            );
            self.receive(index, vote.clone());
            self.sent[index].push(vote.clone());
            self.send(index, vote);
        }
    }

    /// Every honest voter sends its votes and its catch-up votes again.
    fn rebroadcast(&mut self) {
        for index in 1..4 {
            let proof = self.voters[index].catch_up_votes();
            for vote in self.sent[index].clone().into_iter().chain(proof) {
                self.send(index, vote);
            }
        }
    }

    /// Voter 0 votes for `blocks` in `view`, both steps.
    fn byzantine(&mut self, view: View, blocks: &[(BlockNumber, Hash)]) {
        for block in blocks {
            for kind in [VoteKind::Prevote, VoteKind::Precommit] {
                self.send(0, vote(0, kind, view, *block));
            }
        }
    }

    /// Whether two final blocks conflict.
    fn conflicting_finals(&self) -> bool {
        self.finals.iter().any(|a| {
            self.finals
                .iter()
                .any(|b| Voter::conflict(&self.tree, *a, *b))
        })
    }
}

#[derive(Clone, Debug)]
enum Event {
    /// Deliver the in-flight message at this index (modulo their number).
    Deliver(usize),
    /// Lose it.
    Drop(usize),
    /// An honest voter's best block becomes one of the leaves.
    Best(usize, usize),
    /// Time passes (milliseconds).
    Tick(u64),
    /// The Byzantine voter votes for these leaves in this many views past honest voter 1's.
    Byzantine(u32, Vec<usize>),
}

fn event() -> impl Strategy<Value = Event> {
    prop_oneof![
        6 => any::<usize>().prop_map(Event::Deliver),
        1 => any::<usize>().prop_map(Event::Drop),
        2 => (1usize..4, 0usize..4).prop_map(|(voter, leaf)| Event::Best(voter, leaf)),
        2 => (0u64..1500).prop_map(Event::Tick),
        1 => (0u32..3, prop::collection::vec(0usize..4, 1..3))
            .prop_map(|(ahead, leaves)| Event::Byzantine(ahead, leaves)),
    ]
}

/// Two branches of two blocks each off genesis: the leaves are `a1, a2, b1, b2`.
fn forked_tree() -> (Tree, Vec<(BlockNumber, Hash)>) {
    let mut tree = Tree::new(4);
    let a1 = tree.child(genesis(), 1);
    let a2 = tree.child(a1, 1);
    let b1 = tree.child(genesis(), 2);
    let b2 = tree.child(b1, 2);
    (tree, vec![a1, a2, b1, b2])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Three honest voters and a Byzantine one, over two branches, with messages reordered,
    /// lost, and time passing at random: no two conflicting blocks are ever final. Then, once
    /// messages flow and the honest voters agree on a best block, something is final within a
    /// few views.
    #[test]
    fn never_two_conflicting_finals_and_progress_once_messages_flow(
        events in prop::collection::vec(event(), 0..400),
        agreed in 0usize..4,
    ) {
        let (tree, leaves) = forked_tree();
        let mut net = Network::new(tree, leaves[0]);
        for event in events {
            match event {
                Event::Deliver(index) | Event::Drop(index) if net.in_flight.is_empty() => {
                    let _ = index;
                }
                Event::Deliver(index) => {
                    let (to, vote) = net.in_flight.swap_remove(index % net.in_flight.len());
                    net.receive(to, vote);
                    net.step(to);
                }
                Event::Drop(index) => {
                    let len = net.in_flight.len();
                    net.in_flight.swap_remove(index % len);
                }
                Event::Best(voter, leaf) => {
                    net.bests[voter] = leaves[leaf];
                    net.step(voter);
                }
                Event::Tick(millis) => {
                    net.now += Duration::from_millis(millis);
                    for voter in 1..4 {
                        net.step(voter);
                    }
                }
                Event::Byzantine(ahead, chosen) => {
                    let view = net.voters[1].view().saturating_add(ahead);
                    let blocks: Vec<_> = chosen.iter().map(|leaf| leaves[*leaf]).collect();
                    net.byzantine(view, &blocks);
                }
            }
            prop_assert!(!net.conflicting_finals(), "conflicting finals: {:?}", net.finals);
        }

        // Synchrony: every honest voter's best is the same leaf above the highest final block,
        // every message arrives, votes are sent again every two seconds, time moves in small
        // steps.
        let highest_final = net.finals.iter().max().copied().unwrap_or(genesis());
        let above: Vec<_> = leaves
            .iter()
            .filter(|leaf| leaf.0 > highest_final.0 && Voter::descends(&net.tree, highest_final, **leaf))
            .copied()
            .collect();
        let Some(agreed) = above.get(agreed % above.len().max(1)).copied() else {
            return Ok(());
        };
        let before = net.finals.len();
        for voter in 1..4 {
            net.bests[voter] = agreed;
        }
        for tick in 0..200 {
            while let Some((to, vote)) = net.in_flight.pop() {
                net.receive(to, vote);
                net.step(to);
            }
            if net.finals.iter().any(|block| block.0 > highest_final.0) {
                break;
            }
            net.now += Duration::from_millis(250);
            if tick % 8 == 0 {
                net.rebroadcast();
            }
            for voter in 1..4 {
                net.step(voter);
            }
        }
        prop_assert!(!net.conflicting_finals(), "conflicting finals: {:?}", net.finals);
        prop_assert!(
            net.finals.len() > before,
            "nothing final after 50 s of synchrony: {:#?}",
            net.voters.iter().skip(1).map(|voter| (
                voter.state(),
                voter.deadline.map(|d| d.saturating_duration_since(net.now)),
                voter.prevotes.get(&voter.view()).map(|p| p.values().flatten().map(|v| (v.voter.0[0], v.vote.hash.0[0], v.vote.hash.0[4])).collect::<Vec<_>>()),
                voter.polkas.clone(),
                voter.finalized,
            )).collect::<Vec<_>>()
        );
    }
}
