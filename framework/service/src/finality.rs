//! The finality gadget at work: votes in from the network, votes out from this node's packing
//! keys, blocks finalized with their justification. The rules are in
//! [`wcme_consensus::finality`]; this is the part that talks to the chain and the network.

use std::{
    collections::{HashMap, VecDeque},
    sync::Arc,
    time::Duration,
};

use codec::{Decode, Encode};
use parking_lot::Mutex;
use sp_core::{Pair as _, sr25519};
use sp_runtime::{Justifications, traits::Header as _};
use tokio::sync::mpsc;
use wcme_consensus::EquivocationSink;
use wcme_consensus::finality::{
    Added, ChainVote, FinalityError, Justification, VoteBook, VoterSet, check_vote,
    verify_justification,
};
use wcme_consensus_primitives::{
    finality::validator_set_voters,
    poc::{Evidence, RoundInfo, SignedVote, Vote, VoteKind},
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
/// How far back the lock's ancestry is searched.
const MAX_ANCESTRY: u32 = 4096;
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

/// The finality gadget of one node.
pub struct FinalityGadget {
    client: Arc<Client>,
    source: VoterSource,
    keys: Vec<sr25519::Pair>,
    /// This node's votes for blocks above the final one: (height, encoded vote).
    own_votes: Mutex<VecDeque<(BlockNumber, Vec<u8>)>>,
    book: Mutex<VoteBook>,
    voter_sets: Mutex<HashMap<Hash, Arc<VoterSet>>>,
    pending: Mutex<VecDeque<ChainVote>>,
    outgoing: mpsc::Sender<Vec<u8>>,
    outgoing_rx: Mutex<Option<mpsc::Receiver<Vec<u8>>>>,
    equivocations: Arc<dyn EquivocationSink>,
}

impl FinalityGadget {
    /// A gadget voting with whichever of `keys` the `source` lists as voters, handing
    /// conflicting pre-commits it sees to `equivocations`.
    pub fn new(
        client: Arc<Client>,
        source: VoterSource,
        keys: Vec<sr25519::Pair>,
        equivocations: Arc<dyn EquivocationSink>,
    ) -> Self {
        let (outgoing, outgoing_rx) = mpsc::channel(OUTGOING_VOTES);
        Self {
            client,
            source,
            keys,
            own_votes: Mutex::new(VecDeque::new()),
            book: Mutex::new(VoteBook::default()),
            voter_sets: Mutex::new(HashMap::new()),
            pending: Mutex::new(VecDeque::new()),
            outgoing,
            outgoing_rx: Mutex::new(Some(outgoing_rx)),
            equivocations,
        }
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
        self.on_vote(vote)
    }

    fn on_vote(&self, vote: ChainVote) -> VoteVerdict {
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
        let stake = match check_vote(&vote, &voters) {
            Ok(stake) => stake,
            Err(error) => {
                tracing::debug!(target: "finality", %error, "Rejected vote");
                return VoteVerdict::Bad;
            }
        };
        let kind = vote.vote.kind;
        let added = self.book.lock().add(vote, stake, &voters);
        match added {
            Added::Duplicate => VoteVerdict::Ignored,
            Added::Equivocation(proof) => {
                tracing::warn!(
                    target: "finality",
                    voter = ?proof.first.voter,
                    number = proof.first.vote.number,
                    "🚨 Conflicting pre-commits: reporting the equivocation"
                );
                self.equivocations.report(Evidence::Precommits(*proof));
                VoteVerdict::Ignored
            }
            Added::Counted { supermajority } => {
                if supermajority {
                    match kind {
                        VoteKind::Prevote => self.precommit(&header, &voters),
                        VoteKind::Precommit => self.finalize(&header, &voters),
                    }
                }
                VoteVerdict::Accepted
            }
        }
    }

    /// Signs `kind` for `header` with every key of ours that votes, counts and gossips it.
    fn vote(&self, kind: VoteKind, header: &Header, voters: &VoterSet) {
        for pair in &self.keys {
            if voters.stake(&pair.public()).is_none() {
                continue;
            }
            let vote = SignedVote::sign(
                Vote {
                    kind,
                    round: voters.round(),
                    number: *header.number(),
                    hash: header.hash(),
                },
                pair,
            );
            let encoded = vote.encode();
            self.on_vote(vote);
            {
                let mut own = self.own_votes.lock();
                if own.len() >= MAX_OWN_VOTES {
                    own.pop_front();
                }
                own.push_back((*header.number(), encoded.clone()));
            }
            if self.outgoing.try_send(encoded).is_err() {
                tracing::debug!(target: "finality", "Vote queue full; vote not gossiped");
            }
        }
    }

    fn precommit(&self, header: &Header, voters: &VoterSet) {
        if !self
            .keys
            .iter()
            .any(|k| voters.stake(&k.public()).is_some())
        {
            return;
        }
        let number = *header.number();
        {
            let mut book = self.book.lock();
            if !book.may_precommit(number, |locked_number, locked_hash| {
                self.is_ancestor(locked_number, locked_hash, header)
            }) {
                return;
            }
            book.lock(number, header.hash());
        }
        self.vote(VoteKind::Precommit, header, voters);
    }

    /// Whether block `hash` at `number` is `header` or one of its ancestors.
    fn is_ancestor(&self, number: BlockNumber, hash: &Hash, header: &Header) -> bool {
        if header.number().saturating_sub(number) > MAX_ANCESTRY {
            return false;
        }
        let mut current = header.clone();
        while *current.number() > number {
            match self.client.db().header(current.parent_hash()) {
                Ok(Some(parent)) => current = parent,
                _ => return false,
            }
        }
        current.hash() == *hash
    }

    fn finalize(&self, header: &Header, voters: &VoterSet) {
        let hash = header.hash();
        let number = *header.number();
        if number <= self.client.info().finalized.0 {
            return;
        }
        let justification = Justification {
            round: voters.round(),
            number,
            hash,
            precommits: self.book.lock().precommits_for(&hash),
        };
        self.store_final(header, justification);
    }

    fn store_final(&self, header: &Header, justification: Justification) {
        let hash = header.hash();
        let number = *header.number();
        if self.client.db().canonical_hash(number).ok().flatten() != Some(hash) {
            tracing::debug!(target: "finality", number, ?hash, "Final block is not on our best chain yet");
            return;
        }
        let engine = self.client.engine().engine_id();
        let justifications = Justifications::from((engine, justification.encode()));
        match self.client.finalize(&hash, Some(justifications)) {
            Ok(()) => {
                let db = self.client.db().clone();
                self.book.lock().prune(number, &|hash| {
                    db.header(hash).ok().flatten().map(|h| *h.number())
                });
            }
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
        if *header.number() > self.client.info().finalized.0 {
            self.store_final(header, justification);
        }
        Ok(())
    }

    /// Follows an imported block: votes for a new best block and counts votes that were waiting
    /// for it.
    pub fn on_imported(&self, imported: &BlockImported) {
        let header = &imported.header;
        let waiting: Vec<ChainVote> = {
            let mut pending = self.pending.lock();
            let (ready, rest): (Vec<_>, Vec<_>) = pending
                .drain(..)
                .partition(|vote| vote.vote.hash == imported.hash);
            pending.extend(rest);
            ready
        };
        for vote in waiting {
            self.on_vote(vote);
        }
        if imported.is_new_best
            && *header.number() > self.client.info().finalized.0
            && let Some(voters) = self.voters_at(&imported.hash)
        {
            self.vote(VoteKind::Prevote, header, &voters);
        }
    }
}

/// The finality justification stored for block `hash`, if any.
pub(crate) fn stored_justification(client: &Client, hash: &Hash) -> Option<Justification> {
    let justifications = client.db().justifications(hash).ok().flatten()?;
    let encoded = justifications.get(client.engine().engine_id())?;
    Justification::decode(&mut &encoded[..]).ok()
}

impl FinalityGadget {
    /// Sends this node's votes for blocks not final yet again. Gossip reaches only the peers
    /// connected at the time: a voter that was down (or partitioned) when a block was voted on
    /// learns the votes from the next sending, so finality resumes when it returns.
    fn rebroadcast(&self) {
        let finalized = self.client.info().finalized.0;
        let pending: Vec<Vec<u8>> = {
            let mut own = self.own_votes.lock();
            own.retain(|(number, _)| *number > finalized);
            own.iter().map(|(_, vote)| vote.clone()).collect()
        };
        for vote in pending {
            if self.outgoing.try_send(vote).is_err() {
                break;
            }
        }
    }
}

/// Runs the gadget on every imported block until shutdown, sending its pending votes again
/// every other slot.
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
    loop {
        tokio::select! {
            _ = shutdown.wait() => break,
            _ = rebroadcast.tick() => gadget.rebroadcast(),
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
