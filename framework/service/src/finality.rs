//! The finality gadget at work: votes in from the network, votes out from this node's packing
//! keys, blocks finalized with their justification. The rules are in
//! [`wcme_consensus::finality`]; this is the part that talks to the chain and the network.

use std::{
    collections::{HashMap, VecDeque},
    sync::Arc,
    time::{Duration, Instant},
};

use codec::{Decode, Encode};
use parking_lot::Mutex;
use sp_core::{Pair as _, sr25519};
use sp_runtime::{Justifications, traits::Header as _};
use tokio::sync::mpsc;
use wcme_consensus::EquivocationSink;
use wcme_consensus::finality::{
    Added, Ballot, ChainVote, FinalityError, Justification, Timing, VoteChain, Voter, VoterSet,
    VoterState, check_vote, verify_justification,
};
use wcme_consensus_primitives::{
    finality::validator_set_voters,
    poc::{Evidence, RoundInfo, SignedVote, Vote},
};
use wcme_executor::{Executor, ExecutorError};
use wcme_primitives::{AccountId, Balance, BlockNumber, Hash, Header};
use wcme_subchain_primitives::{C3nKey, ValidatorSetId};

use crate::chain_spec::ConsensusSpec;

use crate::client::{BlockImported, Client};

/// Votes for blocks not imported yet, kept until the block arrives.
const MAX_PENDING_VOTES: usize = 1024;
/// Voter sets remembered by block hash.
const MAX_CACHED_VOTER_SETS: usize = 256;
/// This node's votes waiting for the network.
pub(crate) const OUTGOING_VOTES: usize = 256;
/// This node's votes for blocks not final yet, kept to be sent again.
const MAX_OWN_VOTES: usize = 64;
/// The shortest pause between two sendings of this node's pending votes.
const MIN_REBROADCAST: Duration = Duration::from_secs(2);

/// Where the voters of a block come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VoterSource {
    /// Proof-of-Credit: the producers of the block's round, each weighted by its stake
    /// (`PocApi_current_round`).
    PocRound,
    /// Aura and PBFT: the validator set at the block (`ValidatorSetApi`), one vote per sr25519
    /// validator; the set id is the justification's round.
    ValidatorSet,
}

impl VoterSource {
    /// The voters of the chain `consensus` runs; `None` for engines that do not vote.
    pub fn for_engine(consensus: &ConsensusSpec) -> Option<Self> {
        match consensus {
            ConsensusSpec::Poc {} => Some(Self::PocRound),
            ConsensusSpec::Aura { .. } | ConsensusSpec::Pbft { .. } => Some(Self::ValidatorSet),
            ConsensusSpec::Dev { .. } | ConsensusSpec::Pow { .. } => None,
        }
    }

    fn load(self, executor: &Executor, hash: &Hash) -> Result<VoterSet, ExecutorError> {
        match self {
            Self::PocRound => {
                let round: RoundInfo<AccountId, Balance> =
                    executor.call_decoded(hash, "PocApi_current_round", &[])?;
                Ok(VoterSet::new(
                    round.index,
                    round.producers.iter().map(|p| (p.packing_key, p.stake)),
                ))
            }
            Self::ValidatorSet => {
                let validators: Vec<C3nKey> =
                    executor.call_decoded(hash, "ValidatorSetApi_validators", &[])?;
                let set_id: ValidatorSetId =
                    executor.call_decoded(hash, "ValidatorSetApi_validator_set_id", &[])?;
                Ok(validator_set_voters(
                    set_id,
                    validators.iter().filter_map(C3nKey::sr25519),
                ))
            }
        }
    }
}

/// What a gossiped vote was worth, for the sender's reputation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VoteVerdict {
    /// New and valid.
    Accepted,
    /// Harmless but useless: known, stale, or for a block not seen yet.
    Ignored,
    /// Undecodable, badly signed, or by someone who does not vote.
    Bad,
}

/// Why the gadget cannot start.
#[derive(Debug, thiserror::Error)]
pub enum GadgetError {
    /// The stored voter state cannot be read.
    #[error("cannot read the finality voter state: {0}")]
    Storage(#[from] wcme_storage::StorageError),
    /// The stored voter state does not decode; voting without it could break an earlier
    /// promise (a lock, a vote cast), so the node does not start.
    #[error("the stored finality voter state is corrupt ({0}); purge the chain to vote again")]
    CorruptState(codec::Error),
}

/// Where the voter's state is kept in the chain database.
const VOTER_STATE_KEY: &[u8] = b"finality-voter";
/// How often the voter's clocks are looked at.
const TICK: Duration = Duration::from_millis(100);

/// The finality gadget of one node.
pub struct FinalityGadget {
    client: Arc<Client>,
    source: VoterSource,
    keys: Vec<sr25519::Pair>,
    /// This node's votes for blocks above the final one: (height, encoded vote).
    own_votes: Mutex<VecDeque<(BlockNumber, Vec<u8>)>>,
    voter: Mutex<Voter>,
    voter_sets: Mutex<HashMap<Hash, Arc<VoterSet>>>,
    pending: Mutex<VecDeque<ChainVote>>,
    outgoing: mpsc::Sender<Vec<u8>>,
    outgoing_rx: Mutex<Option<mpsc::Receiver<Vec<u8>>>>,
    equivocations: Arc<dyn EquivocationSink>,
}

/// The chain as the voter sees it: headers from the database, voter sets from the runtime.
struct ChainView<'a>(&'a FinalityGadget);

impl VoteChain for ChainView<'_> {
    fn block(&self, hash: &Hash) -> Option<(BlockNumber, Hash)> {
        let header = self.0.client.db().header(hash).ok().flatten()?;
        Some((*header.number(), *header.parent_hash()))
    }

    fn voters(&self, hash: &Hash) -> Option<Arc<VoterSet>> {
        self.0.voters_at(hash)
    }
}

impl FinalityGadget {
    /// A gadget voting with whichever of `keys` the `source` lists as voters, handing
    /// conflicting pre-commits it sees to `equivocations`. It resumes the voter state stored in
    /// the chain database (view, lock, the views it voted in), so a restarted node never votes
    /// twice in a view nor leaves its lock.
    pub fn new(
        client: Arc<Client>,
        source: VoterSource,
        keys: Vec<sr25519::Pair>,
        equivocations: Arc<dyn EquivocationSink>,
    ) -> Result<Self, GadgetError> {
        let state = match client.db().aux(VOTER_STATE_KEY)? {
            None => VoterState::default(),
            Some(bytes) => {
                VoterState::decode(&mut &bytes[..]).map_err(GadgetError::CorruptState)?
            }
        };
        let timing = Timing::for_slot(client.engine().slot_duration());
        let voter = Voter::new(state, client.info().finalized, timing);
        let (outgoing, outgoing_rx) = mpsc::channel(OUTGOING_VOTES);
        Ok(Self {
            client,
            source,
            keys,
            own_votes: Mutex::new(VecDeque::new()),
            voter: Mutex::new(voter),
            voter_sets: Mutex::new(HashMap::new()),
            pending: Mutex::new(VecDeque::new()),
            outgoing,
            outgoing_rx: Mutex::new(Some(outgoing_rx)),
            equivocations,
        })
    }

    /// The encoded votes this node casts, for the network to gossip (once).
    pub fn take_outgoing(&self) -> Option<mpsc::Receiver<Vec<u8>>> {
        self.outgoing_rx.lock().take()
    }

    /// The voters of block `hash`, with their weights.
    fn voters_at(&self, hash: &Hash) -> Option<Arc<VoterSet>> {
        if let Some(set) = self.voter_sets.lock().get(hash) {
            return Some(set.clone());
        }
        let set = match self.source.load(self.client.executor(), hash) {
            Ok(set) => Arc::new(set),
            Err(error) => {
                tracing::debug!(target: "finality", ?hash, %error, "No voter set");
                return None;
            }
        };
        let mut sets = self.voter_sets.lock();
        if sets.len() >= MAX_CACHED_VOTER_SETS {
            sets.clear();
        }
        sets.insert(*hash, set.clone());
        Some(set)
    }

    /// A vote gossiped by a peer.
    pub fn on_gossip(&self, data: &[u8]) -> VoteVerdict {
        let mut input = data;
        let Ok(vote) = ChainVote::decode(&mut input) else {
            return VoteVerdict::Bad;
        };
        if !input.is_empty() {
            return VoteVerdict::Bad;
        }
        let verdict = self.accept(vote);
        if verdict == VoteVerdict::Accepted {
            self.advance();
        }
        verdict
    }

    /// Checks a vote and hands it to the voter; finalizes what it completes.
    fn accept(&self, vote: ChainVote) -> VoteVerdict {
        let finalized = self.client.info().finalized.0;
        if vote.vote.number <= finalized {
            return VoteVerdict::Ignored;
        }
        let header = match self.client.db().header(&vote.vote.hash) {
            Ok(Some(header)) => header,
            Ok(None) => {
                let mut pending = self.pending.lock();
                if pending.len() >= MAX_PENDING_VOTES {
                    pending.pop_front();
                }
                pending.push_back(vote);
                return VoteVerdict::Ignored;
            }
            Err(_) => return VoteVerdict::Ignored,
        };
        if *header.number() != vote.vote.number {
            return VoteVerdict::Bad;
        }
        let Some(voters) = self.voters_at(&vote.vote.hash) else {
            return VoteVerdict::Ignored;
        };
        if let Err(error) = check_vote(&vote, &voters) {
            tracing::debug!(target: "finality", %error, "Rejected vote");
            return VoteVerdict::Bad;
        }
        let added = self
            .voter
            .lock()
            .add(vote, &ChainView(self), Instant::now());
        let commit = match added {
            Added::Ignored => return VoteVerdict::Ignored,
            Added::Counted => None,
            Added::Committed(justification) => Some(justification),
            Added::Equivocation { evidence, commit } => {
                tracing::warn!(
                    target: "finality",
                    voter = ?evidence.first.voter,
                    view = evidence.first.vote.view,
                    "🚨 Conflicting pre-commits: reporting the equivocation"
                );
                self.equivocations.report(Evidence::Precommits(*evidence));
                commit
            }
        };
        if let Some(justification) = commit {
            self.store_final(justification);
        }
        VoteVerdict::Accepted
    }

    /// Lets the voter act — join or leave views, and cast what it should — until it has
    /// nothing more to do. Its state is stored before any vote leaves.
    fn advance(&self) {
        // Each round casts at most a pre-vote and a pre-commit; a few rounds cover a view
        // change and the votes that completes.
        for _ in 0..8 {
            let best = self.client.info().best;
            let (ballots, state) = {
                let mut voter = self.voter.lock();
                let before = voter.state();
                let ballots = voter.step(&ChainView(self), best, Instant::now());
                let after = voter.state();
                (ballots, (after != before).then_some(after))
            };
            if let Some(state) = state
                && let Err(error) = self.client.db().put_aux(VOTER_STATE_KEY, &state.encode())
            {
                // Voting on without the state stored could vote twice in a view after a
                // restart; not voting is safe.
                tracing::error!(target: "finality", %error, "Cannot store the voter state; not voting");
                return;
            }
            if ballots.is_empty() {
                return;
            }
            for ballot in ballots {
                self.cast(ballot);
            }
        }
    }

    /// Signs `ballot` with every key of ours that votes for its block, counts and gossips it.
    fn cast(&self, ballot: Ballot) {
        let Some(voters) = self.voters_at(&ballot.hash) else {
            return;
        };
        for pair in &self.keys {
            if voters.stake(&pair.public()).is_none() {
                continue;
            }
            let vote = SignedVote::sign(
                Vote {
                    kind: ballot.kind,
                    round: voters.round(),
                    view: ballot.view,
                    number: ballot.number,
                    hash: ballot.hash,
                },
                pair,
            );
            let encoded = vote.encode();
            tracing::trace!(target: "finality", kind = ?ballot.kind, view = ballot.view, number = ballot.number, "Voting");
            self.accept(vote);
            {
                let mut own = self.own_votes.lock();
                if own.len() >= MAX_OWN_VOTES {
                    own.pop_front();
                }
                own.push_back((ballot.number, encoded.clone()));
            }
            if self.outgoing.try_send(encoded).is_err() {
                tracing::debug!(target: "finality", "Vote queue full; vote not gossiped");
            }
        }
    }

    /// Finalizes the block `justification` proves final (checked by the caller: a commit the
    /// voter counted, or a verified justification of an imported block) and tells the voter.
    fn store_final(&self, justification: Justification) {
        let (number, hash) = (justification.number, justification.hash);
        if number <= self.client.info().finalized.0 {
            return;
        }
        let engine = self.client.engine().engine_id();
        let justifications = Justifications::from((engine, justification.encode()));
        match self.client.finalize(&hash, Some(justifications)) {
            Ok(()) => self.voter.lock().finalized(justification),
            Err(error) => tracing::debug!(target: "finality", number, %error, "Not finalized"),
        }
    }

    /// A justification a peer sent with block `header` (already imported): finalizes the block
    /// if it proves it final. Anything else — another engine's justification, a malformed one,
    /// one that does not verify — is an error and nothing is stored.
    pub fn import_justification(
        &self,
        header: &Header,
        justifications: &Justifications,
    ) -> Result<(), FinalityError> {
        let hash = header.hash();
        let encoded = justifications
            .get(self.client.engine().engine_id())
            .ok_or(FinalityError::Malformed(hash))?;
        let justification =
            Justification::decode(&mut &encoded[..]).map_err(|_| FinalityError::Malformed(hash))?;
        if justification.hash != hash || justification.number != *header.number() {
            return Err(FinalityError::Malformed(hash));
        }
        let voters = self.voters_at(&hash).ok_or(FinalityError::NoVoters(hash))?;
        verify_justification(&justification, &voters)?;
        self.store_final(justification);
        Ok(())
    }

    /// Follows an imported block: counts votes that were waiting for it, and lets the voter
    /// act on the new best block.
    pub fn on_imported(&self, imported: &BlockImported) {
        let waiting: Vec<ChainVote> = {
            let mut pending = self.pending.lock();
            let (ready, rest): (Vec<_>, Vec<_>) = pending
                .drain(..)
                .partition(|vote| vote.vote.hash == imported.hash);
            pending.extend(rest);
            ready
        };
        for vote in waiting {
            self.accept(vote);
        }
        self.advance();
    }
}

/// The finality justification stored for block `hash`, if any.
pub(crate) fn stored_justification(client: &Client, hash: &Hash) -> Option<Justification> {
    let justifications = client.db().justifications(hash).ok().flatten()?;
    let encoded = justifications.get(client.engine().engine_id())?;
    Justification::decode(&mut &encoded[..]).ok()
}

impl FinalityGadget {
    /// Sends this node's votes for blocks not final yet again, with what a lagging voter needs
    /// (the last commit, the latest polka's pre-votes: [`Voter::catch_up_votes`]). Gossip
    /// reaches only the peers connected at the time: a voter that was down (or partitioned)
    /// when a block was voted on learns the votes from the next sending, so finality resumes
    /// when it returns.
    fn rebroadcast(&self) {
        let finalized = self.client.info().finalized.0;
        let own: Vec<Vec<u8>> = {
            let mut own = self.own_votes.lock();
            own.retain(|(number, _)| *number > finalized);
            own.iter().map(|(_, vote)| vote.clone()).collect()
        };
        let catch_up = self.voter.lock().catch_up_votes();
        for vote in own.into_iter().chain(catch_up.iter().map(Encode::encode)) {
            if self.outgoing.try_send(vote).is_err() {
                break;
            }
        }
    }
}

/// Runs the gadget on every imported block until shutdown, looking at its clocks every
/// [`TICK`] and sending its pending votes again every other slot.
pub(crate) async fn run(gadget: Arc<FinalityGadget>, mut shutdown: wcme_module::Shutdown) {
    let mut imported = gadget.client.subscribe_imported();
    let period = gadget
        .client
        .engine()
        .slot_duration()
        .saturating_mul(2)
        .max(MIN_REBROADCAST);
    let mut rebroadcast = tokio::time::interval(period);
    rebroadcast.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = shutdown.wait() => break,
            _ = rebroadcast.tick() => gadget.rebroadcast(),
            _ = tick.tick() => {
                let gadget = gadget.clone();
                let _ = tokio::task::spawn_blocking(move || gadget.advance()).await;
            }
            block = imported.recv() => match block {
                Ok(block) => {
                    let gadget = gadget.clone();
                    let _ = tokio::task::spawn_blocking(move || gadget.on_imported(&block)).await;
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            },
        }
    }
}

/// `wcme_justification(hash)`: the justification that finalized block `hash`, or `null`
/// if the block is not known to be final by one (or unknown).
pub(crate) fn justification_rpc(
    client: &Arc<Client>,
) -> Result<wcme_rpc::RpcModule<()>, wcme_rpc::RpcError> {
    let mut module = wcme_rpc::RpcModule::new(());
    let client = client.clone();
    wcme_rpc::register_positional(&mut module, "wcme_justification", move |params| {
        let hash = params.hash(0, "hash")?;
        Ok::<_, wcme_rpc::ParamError>(stored_justification(&client, &hash).map(|j| {
            serde_json::json!({
                "round": j.round,
                "number": j.number,
                "hash": format!("{:?}", j.hash),
                "precommits": j.precommits.iter().map(|vote| serde_json::json!({
                    "voter": format!("0x{}", hex::encode(vote.voter.0)),
                    "signature": format!("0x{}", hex::encode(vote.signature.0)),
                })).collect::<Vec<_>>(),
                "encoded": format!("0x{}", hex::encode(j.encode())),
            })
        }))
    })?;
    Ok(module)
}
