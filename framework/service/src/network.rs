//! The `network` module: connects the chain to `wcme-network` — serves block ranges, gossips
//! the blocks this node authors, imports announced blocks and catches up from peers, showing
//! its progress ([`progress`]).

mod progress;

use std::{collections::HashMap, sync::Arc, time::Instant};

use codec::{DecodeLimit, Encode};
use parking_lot::RwLock;
use wcme_module::Shutdown;
use wcme_network::{
    BlockProvider, GossipConfig, Keypair, Multiaddr, NetworkConfig, NetworkEvent, NetworkHandle,
    PeerId, ReputationChange, Role,
};
use wcme_primitives::{Hash, SignedBlock};
use wcme_storage::ChainDb;

use sp_runtime::transaction_validity::TransactionSource;
use wcme_txpool::PoolError;

use self::progress::{Snapshot, Suspender, SyncProgress};
use crate::{
    client::{BlockOrigin, Client, ImportError},
    finality::FinalityGadget,
    pool::Pool,
};

/// Blocks asked for in one request while catching up.
const SYNC_BATCH: u32 = 64;
/// Most requests of one catch-up round (bounds the loop).
const MAX_SYNC_REQUESTS: usize = 10_000;
/// Nesting depth allowed when decoding a peer's block.
const DECODE_DEPTH: u32 = 32;

const COST_UNDECODABLE: ReputationChange = ReputationChange::new(-200, "undecodable block");
const COST_BAD_BLOCK: ReputationChange = ReputationChange::new(-500, "invalid block");
const COST_BAD_VOTE: ReputationChange = ReputationChange::new(-200, "invalid finality vote");
const COST_BAD_TRANSACTION: ReputationChange = ReputationChange::new(-100, "invalid transaction");

/// Network settings of a node (`--port`, `--listen-addr`, `--bootnodes`, `--node-key`,
/// `--no-mdns`, …).
#[derive(Clone)]
pub struct NetworkSettings {
    /// Addresses to listen on.
    pub listen_addresses: Vec<Multiaddr>,
    /// Boot nodes (each ending in `/p2p/<peer id>`).
    pub boot_nodes: Vec<Multiaddr>,
    /// Addresses announced to peers.
    pub public_addresses: Vec<Multiaddr>,
    /// The node's identity.
    pub node_key: Keypair,
    /// Discover peers of the local network with mDNS (`wcme-node` turns it on unless `--dev` or
    /// `--no-mdns` is given).
    pub enable_mdns: bool,
}

impl NetworkSettings {
    /// The network configuration of chain `chain_id` for a node in `role` (an authority when it
    /// has authoring keys).
    pub(crate) fn network_config(&self, chain_id: &str, role: Role) -> NetworkConfig {
        let mut config = NetworkConfig::new(chain_id, self.node_key.clone());
        config.listen_addresses = self.listen_addresses.clone();
        config.boot_nodes = self.boot_nodes.clone();
        config.public_addresses = self.public_addresses.clone();
        config.gossip = GossipConfig::small_network();
        config.enable_mdns = self.enable_mdns;
        config.role = role;
        config
    }
}

/// Transactions waiting to be gossiped; more are dropped (peers still get them in blocks).
const OUTGOING_TRANSACTIONS: usize = 256;

/// How often the ready transactions submitted to this node that have waited since the last
/// time are gossiped again. Gossip is best effort (bounded queues drop under bursts, a peer may
/// be down or connect later), so a transaction still waiting after this long may not have
/// reached the next author; Substrate re-propagates its pool on a timer too.
const REPROPAGATE_INTERVAL: std::time::Duration = std::time::Duration::from_secs(5);

/// Most transactions gossiped again per [`REPROPAGATE_INTERVAL`].
const MAX_REPROPAGATED: usize = 512;

/// Transactions remembered as submitted to this node, for gossiping them again.
const MAX_OWN_TRANSACTIONS: usize = 16_384;

/// The hashes of the last [`MAX_OWN_TRANSACTIONS`] transactions submitted to this node.
#[derive(Default)]
struct OwnTransactions {
    known: std::collections::HashSet<Hash>,
    /// `known` in submission order, oldest first: what is forgotten first.
    order: std::collections::VecDeque<Hash>,
}

impl OwnTransactions {
    fn remember(&mut self, hash: Hash) {
        if self.known.insert(hash) {
            self.order.push_back(hash);
        }
        while self.order.len() > MAX_OWN_TRANSACTIONS {
            if let Some(oldest) = self.order.pop_front() {
                self.known.remove(&oldest);
            }
        }
    }

    fn contains(&self, hash: &Hash) -> bool {
        self.known.contains(hash)
    }
}

/// The ready transactions of `pool` submitted to this node (`status`'s own) that were ready at
/// the previous look too (`waiting`, which becomes this look's ready set), in pool order, at
/// most [`MAX_REPROPAGATED`]. Only the node a transaction was submitted to gossips it again:
/// every node doing so would multiply the traffic, and each copy costs every peer a validation.
fn still_waiting(
    pool: &Pool,
    status: &NetworkStatus,
    waiting: &mut std::collections::HashSet<Hash>,
) -> Vec<Vec<u8>> {
    let ready = pool.ready();
    let own = status.own.lock();
    let again = ready
        .iter()
        .filter(|tx| tx.propagate && waiting.contains(&tx.hash) && own.contains(&tx.hash))
        .take(MAX_REPROPAGATED)
        .map(|tx| tx.bytes.to_vec())
        .collect();
    *waiting = ready.iter().map(|tx| tx.hash).collect();
    again
}

/// What the node knows about a connected peer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct PeerState {
    /// Its best block, once known.
    best: Option<(u32, Hash)>,
    /// The role it announced, once it identified itself.
    role: Option<Role>,
}

/// A connected peer as [`NetworkStatus::peers`] lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeerStatus {
    /// The peer.
    pub peer_id: PeerId,
    /// Its best block number and hash, once known.
    pub best: Option<(u32, Hash)>,
    /// The role it announced, once it identified itself.
    pub role: Option<Role>,
}

/// What the network knows about its peers, read by `system_peers` and `system_health`, and
/// where the RPC server hands over transactions to gossip.
pub struct NetworkStatus {
    peers: RwLock<HashMap<PeerId, PeerState>>,
    syncing: std::sync::atomic::AtomicBool,
    outgoing: tokio::sync::mpsc::Sender<Vec<u8>>,
    /// The transactions handed over for gossip here (submitted to this node), newest last: the
    /// ones this node gossips again while they wait ([`still_waiting`]). Bounded by
    /// [`MAX_OWN_TRANSACTIONS`].
    own: parking_lot::Mutex<OwnTransactions>,
}

impl NetworkStatus {
    pub(crate) fn new() -> (Self, tokio::sync::mpsc::Receiver<Vec<u8>>) {
        let (outgoing, receiver) = tokio::sync::mpsc::channel(OUTGOING_TRANSACTIONS);
        let status = Self {
            peers: RwLock::default(),
            syncing: Default::default(),
            outgoing,
            own: Default::default(),
        };
        (status, receiver)
    }

    /// Queues an encoded transaction this node accepted (its pool hash `hash`) for gossip to
    /// its peers; drops it when the queue is full. It is remembered as this node's, to gossip
    /// again while it waits.
    pub fn propagate_transaction(&self, hash: Hash, transaction: Vec<u8>) {
        self.own.lock().remember(hash);
        if self.outgoing.try_send(transaction).is_err() {
            tracing::debug!(target: "network", "transaction gossip queue full, not gossiping");
        }
    }

    /// Connected peers with their best block and their announced role, when known.
    pub fn peers(&self) -> Vec<PeerStatus> {
        self.peers
            .read()
            .iter()
            .map(|(peer, state)| PeerStatus {
                peer_id: *peer,
                best: state.best,
                role: state.role,
            })
            .collect()
    }

    /// The highest best block number known on a peer, if any.
    pub fn best_seen(&self) -> Option<u32> {
        self.peers
            .read()
            .values()
            .filter_map(|state| state.best.map(|(number, _)| number))
            .max()
    }

    /// Number of connected peers.
    pub fn peer_count(&self) -> usize {
        self.peers.read().len()
    }

    /// Whether the node is catching up from a peer.
    pub fn is_syncing(&self) -> bool {
        self.syncing.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn set_syncing(&self, value: bool) {
        self.syncing
            .store(value, std::sync::atomic::Ordering::Relaxed);
    }

    fn note_best(&self, peer: &PeerId, number: u32, hash: Hash) {
        if let Some(state) = self.peers.write().get_mut(peer)
            && state.best.is_none_or(|(n, _)| number >= n)
        {
            state.best = Some((number, hash));
        }
    }

    fn note_role(&self, peer: &PeerId, role: Role) {
        if let Some(state) = self.peers.write().get_mut(peer) {
            state.role = Some(role);
        }
    }
}

/// Serves canonical blocks by number as SCALE-encoded `SignedBlock`s.
pub(crate) struct ChainBlocks(pub(crate) Arc<ChainDb>);

impl BlockProvider for ChainBlocks {
    fn blocks(&self, from: u32, max: u32) -> Result<Vec<Vec<u8>>, String> {
        let mut out = Vec::new();
        for number in from..from.saturating_add(max) {
            let Some(hash) = self.0.canonical_hash(number).map_err(|e| e.to_string())? else {
                break;
            };
            let (Some(header), Some(body)) = (
                self.0.header(&hash).map_err(|e| e.to_string())?,
                self.0.body(&hash).map_err(|e| e.to_string())?,
            ) else {
                break;
            };
            let justifications = self.0.justifications(&hash).map_err(|e| e.to_string())?;
            out.push(
                SignedBlock {
                    block: wcme_primitives::Block {
                        header,
                        extrinsics: body,
                    },
                    justifications,
                }
                .encode(),
            );
        }
        Ok(out)
    }
}

/// Outcome of importing one peer block.
enum Imported {
    Ok,
    UnknownParent,
    Bad,
}

fn decode_block(data: &[u8]) -> Option<SignedBlock> {
    SignedBlock::decode_all_with_depth_limit(DECODE_DEPTH, &mut &data[..]).ok()
}

/// Imports a peer's block. Its justification is not stored as sent: the finality gadget checks
/// it against the block's voters and stores it only if it proves the block final. `quiet` hides
/// the sync progress bar while the import logs.
async fn import(
    client: &Arc<Client>,
    finality: Option<&Arc<FinalityGadget>>,
    block: SignedBlock,
    quiet: Suspender,
) -> Imported {
    let client = client.clone();
    let finality = finality.cloned();
    let result = tokio::task::spawn_blocking(move || {
        quiet.run(|| {
            let imported = client.import_block(block.block, None, BlockOrigin::Network);
            if let (Ok(imported), Some(gadget), Some(justifications)) =
                (&imported, finality, block.justifications)
                && gadget
                    .import_justification(&imported.header, &justifications)
                    .is_err()
            {
                return Err(ImportError::BadJustification(imported.hash));
            }
            imported
        })
    })
    .await;
    match result {
        Ok(Ok(_)) | Ok(Err(ImportError::AlreadyKnown(..))) => Imported::Ok,
        Ok(Err(ImportError::UnknownParent { .. })) => Imported::UnknownParent,
        Ok(Err(ImportError::Storage(error))) => {
            tracing::warn!(target: "sync", %error, "storing a peer's block failed");
            Imported::Ok
        }
        Ok(Err(error)) => {
            tracing::debug!(target: "sync", %error, "invalid block from a peer");
            Imported::Bad
        }
        Err(error) => {
            tracing::warn!(target: "sync", %error, "import task failed");
            Imported::Ok
        }
    }
}

fn report(network: &NetworkHandle, peer: PeerId, change: ReputationChange) {
    if let Err(error) = network.report_peer(peer, change) {
        tracing::debug!(target: "sync", %error, "cannot report peer");
    }
}

/// Where the chain and the network stand, for the progress display.
fn snapshot(client: &Client, status: &NetworkStatus) -> Snapshot {
    let info = client.info();
    Snapshot {
        best: info.best,
        finalized: info.finalized,
        target: status.best_seen().unwrap_or(0).max(info.best.0),
        peers: status.peer_count(),
    }
}

/// Requests the peer's canonical blocks from `best + 1` until it has no more (bounded). When the
/// first block does not connect — the peer is on another fork — it asks once more from just above
/// the finalized block, where every fork must start, so the node can follow the longer chain.
/// A catch-up that lasts shows its progress ([`SyncProgress`]).
async fn sync_from(
    client: &Arc<Client>,
    finality: Option<&Arc<FinalityGadget>>,
    network: &NetworkHandle,
    status: &NetworkStatus,
    peer: PeerId,
) {
    status.set_syncing(true);
    let mut progress = SyncProgress::start(Instant::now(), client.info().best.0);
    let mut from = client.info().best.0.saturating_add(1);
    let mut rewound = false;
    'requests: for _ in 0..MAX_SYNC_REQUESTS {
        let blocks = match network.request_blocks(peer, from, SYNC_BATCH).await {
            Ok(blocks) => blocks,
            Err(error) => {
                tracing::debug!(target: "sync", %peer, %error, "block request failed");
                break;
            }
        };
        if blocks.is_empty() {
            break;
        }
        for data in blocks {
            let Some(block) = decode_block(&data) else {
                report(network, peer, COST_UNDECODABLE);
                break 'requests;
            };
            let header = block.block.header.clone();
            match import(client, finality, block, progress.suspender()).await {
                Imported::Ok => {
                    status.note_best(&peer, header.number, header.hash());
                    from = header.number.saturating_add(1);
                    progress.update(Instant::now(), &snapshot(client, status));
                }
                Imported::UnknownParent if !rewound => {
                    let above_final = client.info().finalized.0.saturating_add(1);
                    tracing::debug!(target: "sync", %peer, from = above_final, "Peer is on another fork; syncing from above the finalized block");
                    rewound = true;
                    from = above_final;
                    continue 'requests;
                }
                Imported::UnknownParent | Imported::Bad => {
                    report(network, peer, COST_BAD_BLOCK);
                    break 'requests;
                }
            }
        }
    }
    progress.finish(Instant::now(), client.info().best.0);
    status.set_syncing(false);
}

async fn on_transaction(
    client: &Arc<Client>,
    pool: &Arc<Pool>,
    network: &NetworkHandle,
    from: PeerId,
    data: Vec<u8>,
) {
    let best = client.info().best.1;
    let pool = pool.clone();
    let result =
        tokio::task::spawn_blocking(move || pool.submit(best, TransactionSource::External, data))
            .await;
    match result {
        Ok(Ok(_)) => {}
        Ok(Err(PoolError::Invalid(_) | PoolError::Validator(_) | PoolError::NoTagsProvided)) => {
            report(network, from, COST_BAD_TRANSACTION)
        }
        Ok(Err(error)) => {
            tracing::trace!(target: "network", %error, "gossiped transaction not pooled");
        }
        Err(error) => tracing::warn!(target: "network", %error, "pool task failed"),
    }
}

async fn on_event(
    client: &Arc<Client>,
    pool: &Arc<Pool>,
    network: &NetworkHandle,
    status: &NetworkStatus,
    finality: Option<&Arc<FinalityGadget>>,
    event: NetworkEvent,
) {
    match event {
        NetworkEvent::PeerConnected { peer_id, .. } => {
            status.peers.write().insert(peer_id, PeerState::default());
            sync_from(client, finality, network, status, peer_id).await;
        }
        NetworkEvent::PeerDisconnected { peer_id } => {
            status.peers.write().remove(&peer_id);
        }
        NetworkEvent::PeerIdentified { peer_id, role, .. } => status.note_role(&peer_id, role),
        NetworkEvent::BlockAnnounced { from, data } => {
            let Some(block) = decode_block(&data) else {
                report(network, from, COST_UNDECODABLE);
                return;
            };
            let header = block.block.header.clone();
            status.note_best(&from, header.number, header.hash());
            match import(client, finality, block, Suspender::default()).await {
                Imported::Ok => {}
                Imported::UnknownParent => sync_from(client, finality, network, status, from).await,
                Imported::Bad => report(network, from, COST_BAD_BLOCK),
            }
        }
        NetworkEvent::TransactionReceived { from, data } => {
            on_transaction(client, pool, network, from, data).await
        }
        NetworkEvent::VoteReceived { from, data } => {
            let Some(gadget) = finality.cloned() else {
                return;
            };
            let verdict = tokio::task::spawn_blocking(move || gadget.on_gossip(&data)).await;
            if matches!(verdict, Ok(crate::finality::VoteVerdict::Bad)) {
                report(network, from, COST_BAD_VOTE);
            }
        }
    }
}

/// The network task's parts.
pub(crate) struct Running {
    pub(crate) client: Arc<Client>,
    pub(crate) pool: Arc<Pool>,
    pub(crate) network: NetworkHandle,
    pub(crate) events: tokio::sync::mpsc::Receiver<NetworkEvent>,
    pub(crate) status: Arc<NetworkStatus>,
    pub(crate) outgoing: tokio::sync::mpsc::Receiver<Vec<u8>>,
    pub(crate) finality: Option<Arc<FinalityGadget>>,
}

/// Runs the network side of the node until shutdown.
pub(crate) async fn run(running: Running, mut shutdown: Shutdown) {
    let Running {
        client,
        pool,
        network,
        mut events,
        status,
        mut outgoing,
        finality,
    } = running;
    let mut imported = client.subscribe_imported();
    let mut votes_out = finality.as_ref().and_then(|gadget| gadget.take_outgoing());
    let mut repropagate = tokio::time::interval(REPROPAGATE_INTERVAL);
    repropagate.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut waiting = std::collections::HashSet::new();
    loop {
        tokio::select! {
            _ = shutdown.wait() => break,
            _ = repropagate.tick() => {
                let again = still_waiting(&pool, &status, &mut waiting);
                if !again.is_empty() {
                    tracing::debug!(target: "network", count = again.len(), "Gossiping waiting transactions again");
                }
                for transaction in again {
                    if let Err(error) = network.publish_transaction(transaction).await {
                        tracing::debug!(target: "network", %error, "cannot gossip transaction");
                        break;
                    }
                }
            },
            event = events.recv() => match event {
                Some(event) => {
                    on_event(&client, &pool, &network, &status, finality.as_ref(), event).await
                }
                None => break,
            },
            Some(vote) = async {
                match votes_out.as_mut() {
                    Some(votes) => votes.recv().await,
                    None => std::future::pending().await,
                }
            } => {
                if let Err(error) = network.publish_vote(vote).await {
                    tracing::debug!(target: "network", %error, "cannot gossip vote");
                }
            },
            Some(transaction) = outgoing.recv() => {
                if let Err(error) = network.publish_transaction(transaction).await {
                    tracing::debug!(target: "network", %error, "cannot gossip transaction");
                }
            },
            block = imported.recv() => match block {
                Ok(block) if block.is_new_best && block.origin == BlockOrigin::Own => {
                    let encoded = client
                        .db()
                        .body(&block.hash)
                        .ok()
                        .flatten()
                        .map(|body| SignedBlock {
                            block: wcme_primitives::Block { header: block.header, extrinsics: body },
                            justifications: None,
                        }.encode());
                    if let Some(encoded) = encoded
                        && let Err(error) = network.publish_block(encoded).await
                    {
                        tracing::debug!(target: "network", %error, "cannot gossip block");
                    }
                }
                Ok(_) => {}
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            },
        }
    }
    network.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peer_blocks_decode_only_when_well_formed() {
        assert!(decode_block(b"not a block").is_none());
        assert!(decode_block(&[]).is_none());
        let header = <wcme_primitives::Header as sp_runtime::traits::Header>::new(
            1,
            Default::default(),
            Default::default(),
            Default::default(),
            Default::default(),
        );
        let block = SignedBlock {
            block: wcme_primitives::Block {
                header,
                extrinsics: Vec::new(),
            },
            justifications: None,
        };
        let mut encoded = block.encode();
        assert_eq!(decode_block(&encoded), Some(block));
        encoded.push(0);
        assert!(
            decode_block(&encoded).is_none(),
            "trailing bytes are rejected"
        );
    }

    #[test]
    fn settings_make_the_network_configuration() {
        let settings = NetworkSettings {
            listen_addresses: vec!["/ip4/127.0.0.1/tcp/0".parse().expect("multiaddr")],
            boot_nodes: Vec::new(),
            public_addresses: vec!["/ip4/10.0.0.1/tcp/30333".parse().expect("multiaddr")],
            node_key: Keypair::generate_ed25519(),
            enable_mdns: true,
        };
        let config = settings.network_config("local", Role::Authority);
        assert_eq!(config.chain_id, "local");
        assert_eq!(config.listen_addresses, settings.listen_addresses);
        assert_eq!(config.public_addresses, settings.public_addresses);
        assert!(config.enable_mdns);
        assert_eq!(config.role, Role::Authority);
        assert!(config.announced_agent_version().ends_with("role=authority"));
        assert!(config.validate().is_ok());
        let settings = NetworkSettings {
            enable_mdns: false,
            ..settings
        };
        let config = settings.network_config("local", Role::Full);
        assert!(!config.enable_mdns);
        assert_eq!(config.role, Role::Full);
    }

    #[test]
    fn status_tracks_peers_and_their_best_blocks() {
        let (status, mut outgoing) = NetworkStatus::new();
        let peer = PeerId::random();
        status.note_best(&peer, 3, Hash::repeat_byte(3));
        status.note_role(&peer, Role::Authority);
        assert!(status.peers().is_empty(), "unknown peers are not added");
        assert_eq!(status.best_seen(), None);
        status.peers.write().insert(peer, PeerState::default());
        let listed = |best, role| {
            vec![PeerStatus {
                peer_id: peer,
                best,
                role,
            }]
        };
        assert_eq!(status.peers(), listed(None, None));
        status.note_best(&peer, 3, Hash::repeat_byte(3));
        status.note_best(&peer, 2, Hash::repeat_byte(2));
        status.note_role(&peer, Role::Authority);
        assert_eq!(
            status.peers(),
            listed(Some((3, Hash::repeat_byte(3))), Some(Role::Authority))
        );
        assert_eq!(status.peer_count(), 1);
        let other = PeerId::random();
        status.peers.write().insert(other, PeerState::default());
        status.note_best(&other, 9, Hash::repeat_byte(9));
        assert_eq!(status.best_seen(), Some(9));
        for _ in 0..OUTGOING_TRANSACTIONS + 10 {
            status.propagate_transaction(Hash::zero(), vec![1]);
        }
        let mut queued = 0;
        while outgoing.try_recv().is_ok() {
            queued += 1;
        }
        assert_eq!(queued, OUTGOING_TRANSACTIONS, "the queue is bounded");
    }

    #[test]
    fn own_transactions_forget_the_oldest_beyond_the_bound() {
        let mut own = OwnTransactions::default();
        let hash = |i: u64| Hash::from_low_u64_be(i);
        for i in 0..=MAX_OWN_TRANSACTIONS as u64 {
            own.remember(hash(i));
        }
        own.remember(hash(5));
        assert!(!own.contains(&hash(0)), "the oldest is forgotten");
        assert!(own.contains(&hash(1)) && own.contains(&hash(MAX_OWN_TRANSACTIONS as u64)));
        assert_eq!(own.order.len(), MAX_OWN_TRANSACTIONS);
    }
}
