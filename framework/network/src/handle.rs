//! [`NetworkHandle`]: how the node talks to the running network service.

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use libp2p::{Multiaddr, PeerId};
use tokio::sync::{mpsc, oneshot};

use crate::{
    config::{GossipKind, Role},
    error::NetworkError,
    reputation::ReputationChange,
};

/// What the network service tells the node. Gossip payloads are opaque bytes that passed the
/// size check; the node decodes and verifies them and reports bad senders with
/// [`NetworkHandle::report_peer`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetworkEvent {
    /// A peer announced a block on the blocks topic.
    BlockAnnounced {
        /// The peer that delivered the message.
        from: PeerId,
        /// The encoded block.
        data: Vec<u8>,
    },
    /// A peer gossiped a transaction.
    TransactionReceived {
        /// The peer that delivered the message.
        from: PeerId,
        /// The encoded transaction.
        data: Vec<u8>,
    },
    /// A peer gossiped a finality vote.
    VoteReceived {
        /// The peer that delivered the message.
        from: PeerId,
        /// The encoded vote.
        data: Vec<u8>,
    },
    /// The first connection to a peer was established.
    PeerConnected {
        /// The peer.
        peer_id: PeerId,
        /// Its address on that connection.
        address: Multiaddr,
    },
    /// The last connection to a peer closed.
    PeerDisconnected {
        /// The peer.
        peer_id: PeerId,
    },
    /// A connected peer identified itself as a node of this chain (sent after
    /// [`NetworkEvent::PeerConnected`], again when the peer re-announces itself). Peers of another
    /// chain are disconnected instead.
    PeerIdentified {
        /// The peer.
        peer_id: PeerId,
        /// The role it announced; [`Role::Full`] when it announced none we know.
        role: Role,
        /// Its agent version, e.g. `wcme-node/0.1.0 role=authority`.
        agent_version: String,
    },
}

/// A connected peer as seen by [`NetworkHandle::peers`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerInfo {
    /// The peer's id.
    pub peer_id: PeerId,
    /// The remote address of the first connection, if known.
    pub address: Option<Multiaddr>,
    /// The peer's current reputation score.
    pub reputation: i32,
    /// The role the peer announced; `None` until it identified itself.
    pub role: Option<Role>,
}

/// Requests from handles to the service task.
pub(crate) enum Command {
    Publish {
        kind: GossipKind,
        data: Vec<u8>,
        reply: oneshot::Sender<Result<(), NetworkError>>,
    },
    RequestBlocks {
        peer: PeerId,
        from: u32,
        max: u32,
        reply: oneshot::Sender<Result<Vec<Vec<u8>>, NetworkError>>,
    },
    ReportPeer {
        peer: PeerId,
        change: ReputationChange,
    },
    Dial {
        address: Multiaddr,
        reply: oneshot::Sender<Result<(), NetworkError>>,
    },
    Peers {
        reply: oneshot::Sender<Vec<PeerInfo>>,
    },
    ListenAddresses {
        reply: oneshot::Sender<Vec<Multiaddr>>,
    },
    Shutdown {
        reply: oneshot::Sender<()>,
    },
}

/// A cheap-to-clone handle on the running network service. Commands travel over a bounded
/// channel: when it is full, async methods wait and [`NetworkHandle::report_peer`] fails with
/// [`NetworkError::Busy`].
#[derive(Clone)]
pub struct NetworkHandle {
    pub(crate) commands: mpsc::Sender<Command>,
    pub(crate) local_peer_id: PeerId,
    pub(crate) dropped_events: Arc<AtomicU64>,
    pub(crate) request_timeout: Duration,
}

impl std::fmt::Debug for NetworkHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NetworkHandle")
            .field("local_peer_id", &self.local_peer_id)
            .finish_non_exhaustive()
    }
}

impl NetworkHandle {
    async fn call<T>(
        &self,
        make: impl FnOnce(oneshot::Sender<T>) -> Command,
    ) -> Result<T, NetworkError> {
        let (tx, rx) = oneshot::channel();
        self.commands
            .send(make(tx))
            .await
            .map_err(|_| NetworkError::ShutDown)?;
        rx.await.map_err(|_| NetworkError::ShutDown)
    }

    async fn publish(&self, kind: GossipKind, data: Vec<u8>) -> Result<(), NetworkError> {
        self.call(|reply| Command::Publish { kind, data, reply })
            .await?
    }

    /// Gossips an encoded block on `/wcme/<chain_id>/blocks`.
    pub async fn publish_block(&self, data: Vec<u8>) -> Result<(), NetworkError> {
        self.publish(GossipKind::Block, data).await
    }

    /// Gossips an encoded transaction on `/wcme/<chain_id>/transactions`.
    pub async fn publish_transaction(&self, data: Vec<u8>) -> Result<(), NetworkError> {
        self.publish(GossipKind::Transaction, data).await
    }

    /// Gossips an encoded finality vote on `/wcme/<chain_id>/votes`.
    pub async fn publish_vote(&self, data: Vec<u8>) -> Result<(), NetworkError> {
        self.publish(GossipKind::Vote, data).await
    }

    /// Asks `peer` for up to `max` encoded blocks starting at number `from` (`max` is capped by
    /// the local `max_blocks_per_request`). Fails with [`NetworkError::Timeout`] after the
    /// configured request timeout.
    pub async fn request_blocks(
        &self,
        peer: PeerId,
        from: u32,
        max: u32,
    ) -> Result<Vec<Vec<u8>>, NetworkError> {
        // The service enforces the request timeout; this outer one only guards against a
        // stuck service.
        let limit = self.request_timeout + Duration::from_secs(2);
        tokio::time::timeout(
            limit,
            self.call(|reply| Command::RequestBlocks {
                peer,
                from,
                max,
                reply,
            }),
        )
        .await
        .map_err(|_| NetworkError::Timeout(limit))??
    }

    /// Changes a peer's reputation; below the ban threshold the peer is disconnected and
    /// banned. Does not wait: fails with [`NetworkError::Busy`] when the command queue is full.
    pub fn report_peer(&self, peer: PeerId, change: ReputationChange) -> Result<(), NetworkError> {
        self.commands
            .try_send(Command::ReportPeer { peer, change })
            .map_err(|e| match e {
                mpsc::error::TrySendError::Full(_) => {
                    NetworkError::Busy(self.commands.max_capacity())
                }
                mpsc::error::TrySendError::Closed(_) => NetworkError::ShutDown,
            })
    }

    /// Dials an address (with or without `/p2p/<peer id>`). A banned peer is refused with
    /// [`NetworkError::PeerBanned`].
    pub async fn dial(&self, address: Multiaddr) -> Result<(), NetworkError> {
        self.call(|reply| Command::Dial { address, reply }).await?
    }

    /// The connected peers with their reputation.
    pub async fn peers(&self) -> Result<Vec<PeerInfo>, NetworkError> {
        self.call(|reply| Command::Peers { reply }).await
    }

    /// This node's peer id.
    pub fn local_peer_id(&self) -> PeerId {
        self.local_peer_id
    }

    /// The addresses the node is listening on (empty until the listeners are up).
    pub async fn listen_addresses(&self) -> Result<Vec<Multiaddr>, NetworkError> {
        self.call(|reply| Command::ListenAddresses { reply }).await
    }

    /// Number of events dropped because the event channel was full.
    pub fn dropped_events(&self) -> u64 {
        self.dropped_events.load(Ordering::Relaxed)
    }

    /// Stops the service and waits until its connections are closed. Calling it again, or
    /// after the service stopped, does nothing.
    pub async fn shutdown(&self) {
        let _ = self.call(|reply| Command::Shutdown { reply }).await;
    }
}
