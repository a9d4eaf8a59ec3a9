//! The libp2p behaviours the swarm runs, and [`Gate`], which refuses banned peers and enforces
//! the peer limit.

use std::{
    collections::HashSet,
    convert::Infallible,
    task::{Context, Poll},
    time::{Duration, Instant},
};

use libp2p::{
    Multiaddr, PeerId, StreamProtocol, gossipsub, identify,
    identity::Keypair,
    kad, mdns, ping,
    request_response::{self, ProtocolSupport},
    swarm::{
        ConnectionDenied, ConnectionId, FromSwarm, NetworkBehaviour, THandler, THandlerInEvent,
        THandlerOutEvent, ToSwarm, behaviour::toggle::Toggle, dummy,
    },
};

use crate::{
    config::{NetworkConfig, ProtocolNames},
    error::NetworkError,
    protocol::{BlocksRequest, BlocksResponse},
    reputation::PeerBook,
};

/// Extra bytes allowed in a gossipsub frame on top of the payload limit (signature, author,
/// sequence number, topic, control messages), so that an oversized payload still reaches
/// validation and costs its sender reputation.
const GOSSIP_FRAME_OVERHEAD: usize = 16 * 1024;

/// How often mDNS asks the local network for peers once its first probes are answered (it starts
/// at 500 ms and doubles up to this). Substrate uses the same interval.
const MDNS_QUERY_INTERVAL: Duration = Duration::from_secs(30);

/// All behaviours of a WCME node.
#[derive(NetworkBehaviour)]
pub(crate) struct Behaviour {
    /// Refuses banned peers and peers beyond the limit. First, so it decides before others.
    pub gate: Gate,
    pub gossipsub: gossipsub::Behaviour,
    pub sync: request_response::cbor::Behaviour<BlocksRequest, BlocksResponse>,
    pub kad: kad::Behaviour<kad::store::MemoryStore>,
    pub identify: identify::Behaviour,
    pub ping: ping::Behaviour,
    /// mDNS discovery on the local network; absent when disabled or when it cannot start.
    pub mdns: Toggle<mdns::tokio::Behaviour>,
}

impl Behaviour {
    pub(crate) fn new(
        key: &Keypair,
        config: &NetworkConfig,
        names: &ProtocolNames,
    ) -> Result<Self, NetworkError> {
        let peer_id = key.public().to_peer_id();
        let limits = &config.limits;
        let g = &config.gossip;
        let gossip_config = gossipsub::ConfigBuilder::default()
            .heartbeat_interval(g.heartbeat_interval)
            .mesh_n(g.mesh_n)
            .mesh_n_low(g.mesh_n_low)
            .mesh_n_high(g.mesh_n_high)
            .mesh_outbound_min(g.mesh_outbound_min)
            .max_transmit_size(limits.max_gossip_size.saturating_add(GOSSIP_FRAME_OVERHEAD))
            .validation_mode(gossipsub::ValidationMode::Strict)
            .validate_messages()
            .build()
            .map_err(|e| NetworkError::BadConfig(format!("gossipsub: {e}")))?;
        let gossipsub = gossipsub::Behaviour::new(
            gossipsub::MessageAuthenticity::Signed(key.clone()),
            gossip_config,
        )
        .map_err(|e| NetworkError::BadConfig(format!("gossipsub: {e}")))?;

        let sync_protocol = stream_protocol(&names.sync)?;
        let codec = request_response::cbor::codec::Codec::default()
            .set_request_size_maximum(limits.max_request_size as u64)
            .set_response_size_maximum(limits.max_response_size as u64);
        let sync = request_response::Behaviour::with_codec(
            codec,
            [(sync_protocol, ProtocolSupport::Full)],
            request_response::Config::default()
                .with_request_timeout(limits.request_timeout)
                .with_max_concurrent_streams(
                    limits
                        .max_inbound_requests_per_peer
                        .saturating_add(limits.max_pending_requests),
                ),
        );

        let mut kad_config = kad::Config::new(stream_protocol(&names.kad)?);
        kad_config.set_max_packet_size(16 * 1024);
        let mut kad =
            kad::Behaviour::with_config(peer_id, kad::store::MemoryStore::new(peer_id), kad_config);
        // Serve the DHT even without a confirmed external address (local and private networks).
        kad.set_mode(Some(kad::Mode::Server));

        let identify = identify::Behaviour::new(
            identify::Config::new(names.identify.clone(), key.public())
                .with_agent_version(config.announced_agent_version()),
        );

        let mdns = if config.enable_mdns {
            let mdns_config = mdns::Config {
                query_interval: MDNS_QUERY_INTERVAL,
                ..mdns::Config::default()
            };
            match mdns::tokio::Behaviour::new(mdns_config, peer_id) {
                Ok(mdns) => Some(mdns),
                Err(e) => {
                    tracing::warn!(target: "network", "mDNS discovery not started: {e}");
                    None
                }
            }
        } else {
            None
        };

        Ok(Self {
            gate: Gate::new(
                PeerBook::new(config.reputation.clone()),
                config.limits.max_peers,
            ),
            gossipsub,
            sync,
            kad,
            identify,
            ping: ping::Behaviour::new(ping::Config::new()),
            mdns: Toggle::from(mdns),
        })
    }
}

fn stream_protocol(name: &str) -> Result<StreamProtocol, NetworkError> {
    StreamProtocol::try_from_owned(name.to_string())
        .map_err(|e| NetworkError::BadConfig(format!("protocol name {name}: {e}")))
}

/// Why [`Gate`] refused a connection.
#[derive(Debug, thiserror::Error)]
enum Refused {
    #[error("peer {0} is banned")]
    Banned(PeerId),
    #[error("peer limit of {0} reached")]
    TooManyPeers(usize),
}

/// A behaviour without protocol that refuses connections from and to banned peers, and inbound
/// connections beyond the peer limit. It owns the [`PeerBook`].
pub(crate) struct Gate {
    pub book: PeerBook,
    connected: HashSet<PeerId>,
    max_peers: usize,
}

impl Gate {
    fn new(book: PeerBook, max_peers: usize) -> Self {
        Self {
            book,
            connected: HashSet::new(),
            max_peers,
        }
    }

    fn check(&self, peer: PeerId, inbound: bool) -> Result<(), ConnectionDenied> {
        if self.book.is_banned(&peer, Instant::now()) {
            tracing::debug!(target: "network", %peer, "refusing connection of a banned peer");
            return Err(ConnectionDenied::new(Refused::Banned(peer)));
        }
        if inbound && !self.connected.contains(&peer) && self.connected.len() >= self.max_peers {
            tracing::debug!(target: "network", %peer, "refusing inbound connection: peer limit");
            return Err(ConnectionDenied::new(Refused::TooManyPeers(self.max_peers)));
        }
        Ok(())
    }

    /// Number of peers with at least one connection.
    pub fn connected_count(&self) -> usize {
        self.connected.len()
    }
}

impl NetworkBehaviour for Gate {
    type ConnectionHandler = dummy::ConnectionHandler;
    type ToSwarm = Infallible;

    fn handle_established_inbound_connection(
        &mut self,
        _: ConnectionId,
        peer: PeerId,
        _: &Multiaddr,
        _: &Multiaddr,
    ) -> Result<THandler<Self>, ConnectionDenied> {
        self.check(peer, true)?;
        Ok(dummy::ConnectionHandler)
    }

    fn handle_pending_outbound_connection(
        &mut self,
        _: ConnectionId,
        peer: Option<PeerId>,
        _: &[Multiaddr],
        _: libp2p::core::Endpoint,
    ) -> Result<Vec<Multiaddr>, ConnectionDenied> {
        if let Some(peer) = peer {
            self.check(peer, false)?;
        }
        Ok(vec![])
    }

    fn handle_established_outbound_connection(
        &mut self,
        _: ConnectionId,
        peer: PeerId,
        _: &Multiaddr,
        _: libp2p::core::Endpoint,
        _: libp2p::core::transport::PortUse,
    ) -> Result<THandler<Self>, ConnectionDenied> {
        self.check(peer, false)?;
        Ok(dummy::ConnectionHandler)
    }

    fn on_swarm_event(&mut self, event: FromSwarm) {
        match event {
            FromSwarm::ConnectionEstablished(e) => {
                self.connected.insert(e.peer_id);
            }
            FromSwarm::ConnectionClosed(e) if e.remaining_established == 0 => {
                self.connected.remove(&e.peer_id);
            }
            _ => {}
        }
    }

    fn on_connection_handler_event(
        &mut self,
        _: PeerId,
        _: ConnectionId,
        event: THandlerOutEvent<Self>,
    ) {
        match event {}
    }

    fn poll(&mut self, _: &mut Context<'_>) -> Poll<ToSwarm<Self::ToSwarm, THandlerInEvent<Self>>> {
        Poll::Pending
    }
}
