//! [`NetworkService`]: builds the swarm and runs it in a task.

use std::{
    collections::HashMap,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use futures::StreamExt;
use libp2p::{
    Multiaddr, PeerId, Swarm, SwarmBuilder, gossipsub, identify, kad, mdns, noise,
    request_response::{self, OutboundRequestId, ResponseChannel},
    swarm::{
        DialError, SwarmEvent,
        dial_opts::{DialOpts, PeerCondition},
    },
    tcp, yamux,
};
use tokio::{runtime::Handle, sync::mpsc};

use crate::{
    behaviour::{Behaviour, BehaviourEvent},
    config::{GossipKind, NetworkConfig, NetworkLimits, ProtocolNames, Role, Topics, peer_id_of},
    error::{NetworkError, RequestFailure},
    handle::{Command, NetworkEvent, NetworkHandle, PeerInfo},
    protocol::{BlocksRequest, BlocksResponse, build_response, capped_max, truncate_error},
    reputation::{ReportOutcome, ReputationChange, costs},
    validation::validate_gossip,
};

/// Serves block-range requests from the local chain.
pub trait BlockProvider: Send + Sync {
    /// Up to `max` encoded blocks starting at number `from`, in order; fewer (or none) when the
    /// chain is shorter. An `Err` is sent to the requester as a remote error.
    fn blocks(&self, from: u32, max: u32) -> Result<Vec<Vec<u8>>, String>;
}

/// Most addresses taken from one identify message.
const MAX_IDENTIFY_ADDRESSES: usize = 8;

/// The network service. [`NetworkService::start`] is its only entry point.
pub struct NetworkService;

impl NetworkService {
    /// Builds the swarm (TCP, noise, yamux; gossipsub, block requests, Kademlia, identify,
    /// ping, and mDNS when [`NetworkConfig::enable_mdns`] is set), starts listening, dials the
    /// boot nodes and spawns the service task on `runtime`.
    ///
    /// Returns the handle to command the service and the bounded receiver of its events.
    pub fn start(
        config: NetworkConfig,
        block_provider: Arc<dyn BlockProvider>,
        runtime: Handle,
    ) -> Result<(NetworkHandle, mpsc::Receiver<NetworkEvent>), NetworkError> {
        config.validate()?;
        let _guard = runtime.enter();
        let key = config.node_key.clone();
        let local_peer_id = key.public().to_peer_id();
        tracing::info!(target: "network", "🏷  Local node identity is: {local_peer_id}");

        let names = ProtocolNames::new(&config.chain_id);
        let topics = Topics::new(&config.chain_id);
        let behaviour = Behaviour::new(&key, &config, &names)?;
        let idle = config.limits.idle_connection_timeout;
        let mut swarm = SwarmBuilder::with_existing_identity(key)
            .with_tokio()
            .with_tcp(
                tcp::Config::default().nodelay(true),
                noise::Config::new,
                yamux::Config::default,
            )
            .map_err(|e| NetworkError::Transport(e.to_string()))?
            .with_behaviour(|_| behaviour)
            .map_err(|e| NetworkError::Transport(e.to_string()))?
            .with_swarm_config(|c| c.with_idle_connection_timeout(idle))
            .build();

        for kind in [GossipKind::Block, GossipKind::Transaction, GossipKind::Vote] {
            let topic = gossipsub::IdentTopic::new(topics.topic(kind));
            swarm
                .behaviour_mut()
                .gossipsub
                .subscribe(&topic)
                .map_err(|e| NetworkError::Transport(format!("subscribe to {topic}: {e}")))?;
        }
        for addr in &config.listen_addresses {
            swarm
                .listen_on(addr.clone())
                .map_err(|e| NetworkError::Transport(format!("listen on {addr}: {e}")))?;
        }
        for addr in &config.public_addresses {
            swarm.add_external_address(addr.clone());
        }
        for addr in &config.boot_nodes {
            let peer = peer_id_of(addr)?;
            if peer == local_peer_id {
                continue;
            }
            let mut transport_addr = addr.clone();
            transport_addr.pop();
            swarm
                .behaviour_mut()
                .kad
                .add_address(&peer, transport_addr.clone());
            let opts = DialOpts::peer_id(peer)
                .addresses(vec![transport_addr])
                .condition(PeerCondition::DisconnectedAndNotDialing)
                .build();
            if let Err(e) = swarm.dial(opts) {
                tracing::warn!(target: "network", %addr, "cannot dial boot node: {e}");
            }
        }
        if !config.boot_nodes.is_empty()
            && let Err(e) = swarm.behaviour_mut().kad.bootstrap()
        {
            tracing::debug!(target: "network", "kademlia bootstrap not started: {e}");
        }

        let limits = config.limits.clone();
        let (command_tx, command_rx) = mpsc::channel(limits.command_queue);
        let (event_tx, event_rx) = mpsc::channel(limits.event_queue);
        let served_capacity = limits
            .max_peers
            .saturating_mul(limits.max_inbound_requests_per_peer)
            .max(1);
        let (served_tx, served_rx) = mpsc::channel(served_capacity);
        let dropped_events = Arc::new(AtomicU64::new(0));
        let handle = NetworkHandle {
            commands: command_tx,
            local_peer_id,
            dropped_events: dropped_events.clone(),
            request_timeout: limits.request_timeout,
        };
        let worker = Worker {
            swarm,
            events: event_tx,
            dropped_events,
            topics,
            names,
            limits,
            provider: block_provider,
            runtime: runtime.clone(),
            pending: HashMap::new(),
            inbound_in_flight: HashMap::new(),
            served_tx,
            connected: HashMap::new(),
            mdns_found: HashMap::new(),
            mdns_dialled: Instant::now(),
        };
        runtime.spawn(worker.run(command_rx, served_rx));
        Ok((handle, event_rx))
    }
}

/// A response computed off the swarm task, ready to be sent.
type Served = (PeerId, ResponseChannel<BlocksResponse>, BlocksResponse);

/// A peer with at least one connection.
struct ConnectedPeer {
    /// Remote address of its first connection.
    address: Multiaddr,
    /// The role it announced through identify, once it did.
    role: Option<Role>,
}

struct PendingRequest {
    peer: PeerId,
    max: u32,
    reply: tokio::sync::oneshot::Sender<Result<Vec<Vec<u8>>, NetworkError>>,
}

struct Worker {
    swarm: Swarm<Behaviour>,
    events: mpsc::Sender<NetworkEvent>,
    dropped_events: Arc<AtomicU64>,
    topics: Topics,
    names: ProtocolNames,
    limits: NetworkLimits,
    provider: Arc<dyn BlockProvider>,
    runtime: Handle,
    pending: HashMap<OutboundRequestId, PendingRequest>,
    inbound_in_flight: HashMap<PeerId, usize>,
    served_tx: mpsc::Sender<Served>,
    connected: HashMap<PeerId, ConnectedPeer>,
    /// Peers mDNS found and that may run this chain, with their addresses: libp2p-mdns reports
    /// a peer once per TTL (minutes), so a first dial that fails is retried from here.
    mdns_found: HashMap<PeerId, Vec<Multiaddr>>,
    /// When the peers of `mdns_found` were last dialled.
    mdns_dialled: Instant,
}

/// Most peers found by mDNS remembered for redialling.
const MAX_MDNS_PEERS: usize = 64;
/// How often unconnected peers found by mDNS are dialled again.
const MDNS_REDIAL: Duration = Duration::from_secs(5);

impl Worker {
    async fn run(
        mut self,
        mut commands: mpsc::Receiver<Command>,
        mut served: mpsc::Receiver<Served>,
    ) {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        let shutdown_reply = loop {
            tokio::select! {
                event = self.swarm.select_next_some() => self.on_swarm_event(event),
                command = commands.recv() => match command {
                    None => break None,
                    Some(Command::Shutdown { reply }) => break Some(reply),
                    Some(command) => self.on_command(command),
                },
                Some(response) = served.recv() => self.on_served(response),
                _ = tick.tick() => self.on_tick(),
            }
        };
        tracing::info!(target: "network", "network service stopping");
        drop(self);
        if let Some(reply) = shutdown_reply {
            let _ = reply.send(());
        }
    }

    fn on_tick(&mut self) {
        let now = Instant::now();
        self.swarm.behaviour_mut().gate.book.tick(now);
        if now.duration_since(self.mdns_dialled) >= MDNS_REDIAL {
            self.mdns_dialled = now;
            let peers: Vec<PeerId> = self.mdns_found.keys().copied().collect();
            for peer in peers {
                self.dial_mdns_peer(peer);
            }
        }
    }

    fn emit(&self, event: NetworkEvent) {
        match self.events.try_send(event) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(event)) => {
                let dropped = self.dropped_events.fetch_add(1, Ordering::Relaxed) + 1;
                tracing::debug!(
                    target: "network",
                    dropped,
                    "event channel full, dropping {}",
                    event_name(&event)
                );
            }
            Err(mpsc::error::TrySendError::Closed(_)) => {}
        }
    }

    fn report(&mut self, peer: PeerId, change: ReputationChange) {
        let outcome = self
            .swarm
            .behaviour_mut()
            .gate
            .book
            .report(peer, change, Instant::now());
        match outcome {
            ReportOutcome::Scored(score) => {
                tracing::debug!(
                    target: "network",
                    %peer,
                    change = change.value,
                    score,
                    "reputation change: {}",
                    change.reason
                );
            }
            ReportOutcome::Banned(_) => {
                let duration = self.swarm.behaviour().gate.book.ban_duration();
                tracing::warn!(
                    target: "network",
                    %peer,
                    "banning peer for {duration:?}: {}",
                    change.reason
                );
                self.swarm.behaviour_mut().kad.remove_peer(&peer);
                let _ = self.swarm.disconnect_peer_id(peer);
            }
        }
    }

    fn is_banned(&self, peer: &PeerId) -> bool {
        self.swarm
            .behaviour()
            .gate
            .book
            .is_banned(peer, Instant::now())
    }

    fn on_command(&mut self, command: Command) {
        match command {
            Command::Publish { kind, data, reply } => {
                let _ = reply.send(self.publish(kind, data));
            }
            Command::RequestBlocks {
                peer,
                from,
                max,
                reply,
            } => self.request_blocks(peer, from, max, reply),
            Command::ReportPeer { peer, change } => self.report(peer, change),
            Command::Dial { address, reply } => {
                let _ = reply.send(self.dial(address));
            }
            Command::Peers { reply } => {
                let book = &self.swarm.behaviour().gate.book;
                let peers = self
                    .connected
                    .iter()
                    .map(|(peer, connected)| PeerInfo {
                        peer_id: *peer,
                        address: Some(connected.address.clone()),
                        reputation: book.score(peer),
                        role: connected.role,
                    })
                    .collect();
                let _ = reply.send(peers);
            }
            Command::ListenAddresses { reply } => {
                let _ = reply.send(self.swarm.listeners().cloned().collect());
            }
            // Handled by the loop.
            Command::Shutdown { reply } => {
                let _ = reply.send(());
            }
        }
    }

    fn publish(&mut self, kind: GossipKind, data: Vec<u8>) -> Result<(), NetworkError> {
        let max = self.limits.max_gossip_size;
        if data.len() > max {
            return Err(NetworkError::MessageTooLarge {
                size: data.len(),
                max,
            });
        }
        if data.is_empty() {
            return Err(NetworkError::PublishFailed("empty message".into()));
        }
        let topic = self.topics.topic(kind).to_string();
        match self
            .swarm
            .behaviour_mut()
            .gossipsub
            .publish(gossipsub::IdentTopic::new(topic.clone()), data)
        {
            Ok(_) => Ok(()),
            Err(gossipsub::PublishError::NoPeersSubscribedToTopic) => {
                Err(NetworkError::NoPeersForTopic { topic })
            }
            Err(e) => Err(NetworkError::PublishFailed(e.to_string())),
        }
    }

    fn request_blocks(
        &mut self,
        peer: PeerId,
        from: u32,
        max: u32,
        reply: tokio::sync::oneshot::Sender<Result<Vec<Vec<u8>>, NetworkError>>,
    ) {
        if self.is_banned(&peer) {
            let _ = reply.send(Err(NetworkError::PeerBanned(peer)));
            return;
        }
        let max = capped_max(max, self.limits.max_blocks_per_request);
        if max == 0 {
            let _ = reply.send(Ok(Vec::new()));
            return;
        }
        if self.pending.len() >= self.limits.max_pending_requests {
            let _ = reply.send(Err(NetworkError::Busy(self.limits.max_pending_requests)));
            return;
        }
        let id = self
            .swarm
            .behaviour_mut()
            .sync
            .send_request(&peer, BlocksRequest { from, max });
        self.pending.insert(id, PendingRequest { peer, max, reply });
    }

    fn dial(&mut self, address: Multiaddr) -> Result<(), NetworkError> {
        let opts = match peer_id_of(&address) {
            Ok(peer) => {
                if self.is_banned(&peer) {
                    return Err(NetworkError::PeerBanned(peer));
                }
                let mut transport_addr = address.clone();
                transport_addr.pop();
                DialOpts::peer_id(peer)
                    .addresses(vec![transport_addr])
                    .condition(PeerCondition::DisconnectedAndNotDialing)
                    .build()
            }
            Err(_) => DialOpts::unknown_peer_id().address(address.clone()).build(),
        };
        match self.swarm.dial(opts) {
            // Already connected or dialling: nothing to do.
            Ok(()) | Err(DialError::DialPeerConditionFalse(_)) => Ok(()),
            Err(DialError::Denied { cause }) => match peer_id_of(&address) {
                Ok(peer) if self.is_banned(&peer) => Err(NetworkError::PeerBanned(peer)),
                _ => Err(NetworkError::BadAddress {
                    address: address.to_string(),
                    reason: cause.to_string(),
                }),
            },
            Err(e) => Err(NetworkError::BadAddress {
                address: address.to_string(),
                reason: e.to_string(),
            }),
        }
    }

    fn on_served(&mut self, (peer, channel, response): Served) {
        if let Some(count) = self.inbound_in_flight.get_mut(&peer) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                self.inbound_in_flight.remove(&peer);
            }
        }
        if self
            .swarm
            .behaviour_mut()
            .sync
            .send_response(channel, response)
            .is_err()
        {
            tracing::debug!(target: "network", %peer, "block response not sent: connection gone");
        }
    }

    fn on_swarm_event(&mut self, event: SwarmEvent<BehaviourEvent>) {
        match event {
            SwarmEvent::NewListenAddr { address, .. } => {
                tracing::info!(target: "network", "Listening for new connections on {address}");
            }
            SwarmEvent::ConnectionEstablished {
                peer_id,
                endpoint,
                num_established,
                ..
            } => {
                if self.is_banned(&peer_id) {
                    let _ = self.swarm.disconnect_peer_id(peer_id);
                    return;
                }
                if num_established.get() == 1 {
                    let address = endpoint.get_remote_address().clone();
                    tracing::debug!(target: "network", %peer_id, %address, "peer connected");
                    self.connected.insert(
                        peer_id,
                        ConnectedPeer {
                            address: address.clone(),
                            role: None,
                        },
                    );
                    self.emit(NetworkEvent::PeerConnected { peer_id, address });
                }
            }
            SwarmEvent::ConnectionClosed {
                peer_id,
                num_established,
                cause,
                ..
            } if num_established == 0 && self.connected.remove(&peer_id).is_some() => {
                tracing::debug!(target: "network", %peer_id, ?cause, "peer disconnected");
                self.swarm.behaviour_mut().gate.book.disconnected(&peer_id);
                self.emit(NetworkEvent::PeerDisconnected { peer_id });
            }
            SwarmEvent::OutgoingConnectionError { peer_id, error, .. } => {
                tracing::debug!(target: "network", ?peer_id, "outgoing connection failed: {error}");
            }
            SwarmEvent::IncomingConnectionError {
                send_back_addr,
                error,
                ..
            } => {
                tracing::debug!(
                    target: "network",
                    %send_back_addr,
                    "incoming connection failed: {error}"
                );
            }
            SwarmEvent::Behaviour(event) => self.on_behaviour_event(event),
            _ => {}
        }
    }

    fn on_behaviour_event(&mut self, event: BehaviourEvent) {
        match event {
            BehaviourEvent::Gossipsub(event) => self.on_gossip(event),
            BehaviourEvent::Sync(event) => self.on_sync(event),
            BehaviourEvent::Identify(event) => self.on_identify(event),
            BehaviourEvent::Kad(event) => self.on_kad(event),
            BehaviourEvent::Mdns(event) => self.on_mdns(event),
            BehaviourEvent::Ping(_) => {}
            BehaviourEvent::Gate(never) => match never {},
        }
    }

    fn on_gossip(&mut self, event: gossipsub::Event) {
        let gossipsub::Event::Message {
            propagation_source: from,
            message_id,
            message,
        } = event
        else {
            return;
        };
        if self.is_banned(&from) {
            let _ = self
                .swarm
                .behaviour_mut()
                .gossipsub
                .report_message_validation_result(
                    &message_id,
                    &from,
                    gossipsub::MessageAcceptance::Ignore,
                );
            return;
        }
        match validate_gossip(
            &self.topics,
            message.topic.as_str(),
            &message.data,
            self.limits.max_gossip_size,
        ) {
            Ok(kind) => {
                let _ = self
                    .swarm
                    .behaviour_mut()
                    .gossipsub
                    .report_message_validation_result(
                        &message_id,
                        &from,
                        gossipsub::MessageAcceptance::Accept,
                    );
                let data = message.data;
                self.emit(match kind {
                    GossipKind::Block => NetworkEvent::BlockAnnounced { from, data },
                    GossipKind::Transaction => NetworkEvent::TransactionReceived { from, data },
                    GossipKind::Vote => NetworkEvent::VoteReceived { from, data },
                });
            }
            Err(rejection) => {
                tracing::debug!(target: "network", peer = %from, "rejected gossip: {rejection}");
                let _ = self
                    .swarm
                    .behaviour_mut()
                    .gossipsub
                    .report_message_validation_result(
                        &message_id,
                        &from,
                        gossipsub::MessageAcceptance::Reject,
                    );
                self.report(from, rejection.cost());
            }
        }
    }

    fn on_sync(&mut self, event: request_response::Event<BlocksRequest, BlocksResponse>) {
        match event {
            request_response::Event::Message {
                peer,
                message:
                    request_response::Message::Request {
                        request, channel, ..
                    },
                ..
            } => self.serve_request(peer, request, channel),
            request_response::Event::Message {
                peer,
                message:
                    request_response::Message::Response {
                        request_id,
                        response,
                    },
                ..
            } => {
                let Some(pending) = self.pending.remove(&request_id) else {
                    return;
                };
                let result = match response {
                    BlocksResponse::Blocks(blocks) if blocks.len() > pending.max as usize => {
                        self.report(peer, costs::INVALID_RESPONSE);
                        Err(NetworkError::RequestFailed {
                            peer,
                            reason: RequestFailure::InvalidResponse(format!(
                                "{} blocks for a request of at most {}",
                                blocks.len(),
                                pending.max
                            )),
                        })
                    }
                    BlocksResponse::Blocks(blocks) => Ok(blocks.into_iter().map(|b| b.0).collect()),
                    BlocksResponse::Error(message) => Err(NetworkError::RequestFailed {
                        peer,
                        reason: RequestFailure::Remote(truncate_error(message)),
                    }),
                    BlocksResponse::Refused => Err(NetworkError::RequestFailed {
                        peer,
                        reason: RequestFailure::Refused,
                    }),
                };
                let _ = pending.reply.send(result);
            }
            request_response::Event::OutboundFailure {
                peer,
                request_id,
                error,
                ..
            } => {
                let Some(pending) = self.pending.remove(&request_id) else {
                    return;
                };
                tracing::debug!(target: "network", %peer, "block request failed: {error}");
                let err = match error {
                    request_response::OutboundFailure::Timeout => {
                        self.report(peer, costs::FAILED_REQUEST);
                        NetworkError::Timeout(self.limits.request_timeout)
                    }
                    request_response::OutboundFailure::DialFailure => {
                        if self.is_banned(&pending.peer) {
                            NetworkError::PeerBanned(pending.peer)
                        } else {
                            NetworkError::RequestFailed {
                                peer,
                                reason: RequestFailure::DialFailure,
                            }
                        }
                    }
                    request_response::OutboundFailure::ConnectionClosed => {
                        NetworkError::RequestFailed {
                            peer,
                            reason: RequestFailure::ConnectionClosed,
                        }
                    }
                    request_response::OutboundFailure::UnsupportedProtocols => {
                        NetworkError::RequestFailed {
                            peer,
                            reason: RequestFailure::UnsupportedProtocol,
                        }
                    }
                    request_response::OutboundFailure::Io(e) => {
                        self.report(peer, costs::FAILED_REQUEST);
                        NetworkError::RequestFailed {
                            peer,
                            reason: RequestFailure::Io(e.to_string()),
                        }
                    }
                };
                let _ = pending.reply.send(Err(err));
            }
            request_response::Event::InboundFailure { peer, error, .. } => {
                tracing::debug!(target: "network", %peer, "inbound block request failed: {error}");
                if let request_response::InboundFailure::Io(e) = &error
                    && e.kind() == std::io::ErrorKind::InvalidData
                {
                    self.report(peer, costs::INVALID_REQUEST);
                }
            }
            request_response::Event::ResponseSent { .. } => {}
        }
    }

    fn serve_request(
        &mut self,
        peer: PeerId,
        request: BlocksRequest,
        channel: ResponseChannel<BlocksResponse>,
    ) {
        if self.is_banned(&peer) {
            return;
        }
        let in_flight = self.inbound_in_flight.entry(peer).or_default();
        if *in_flight >= self.limits.max_inbound_requests_per_peer {
            let _ = self
                .swarm
                .behaviour_mut()
                .sync
                .send_response(channel, BlocksResponse::Refused);
            self.report(peer, costs::TOO_MANY_REQUESTS);
            return;
        }
        let max = capped_max(request.max, self.limits.max_blocks_per_request);
        if max == 0 {
            let _ = self
                .swarm
                .behaviour_mut()
                .sync
                .send_response(channel, BlocksResponse::Blocks(Vec::new()));
            return;
        }
        *in_flight += 1;
        let provider = self.provider.clone();
        let served = self.served_tx.clone();
        let max_response_size = self.limits.max_response_size;
        let from = request.from;
        self.runtime.spawn(async move {
            let provided = tokio::task::spawn_blocking(move || provider.blocks(from, max))
                .await
                .unwrap_or_else(|_| Err("block provider panicked".to_string()));
            let response = build_response(provided, max, max_response_size);
            let _ = served.send((peer, channel, response)).await;
        });
    }

    fn on_identify(&mut self, event: identify::Event) {
        let identify::Event::Received { peer_id, info, .. } = event else {
            return;
        };
        if info.protocol_version != self.names.identify {
            tracing::debug!(
                target: "network",
                %peer_id,
                version = %info.protocol_version,
                "peer speaks another protocol version or chain"
            );
            self.report(peer_id, costs::WRONG_PROTOCOL);
            // Not redialled: it runs another chain.
            self.mdns_found.remove(&peer_id);
            let _ = self.swarm.disconnect_peer_id(peer_id);
            return;
        }
        if info.protocols.iter().any(|p| p.as_ref() == self.names.kad) {
            for addr in info.listen_addrs.into_iter().take(MAX_IDENTIFY_ADDRESSES) {
                self.swarm.behaviour_mut().kad.add_address(&peer_id, addr);
            }
        }
        let role = Role::from_agent_version(&info.agent_version).unwrap_or_default();
        let Some(connected) = self.connected.get_mut(&peer_id) else {
            return;
        };
        connected.role = Some(role);
        tracing::debug!(
            target: "network",
            %peer_id,
            %role,
            agent = %info.agent_version,
            "peer identified"
        );
        self.emit(NetworkEvent::PeerIdentified {
            peer_id,
            role,
            agent_version: info.agent_version,
        });
    }

    /// Remembers and dials the peers mDNS found on the local network (and forgets those whose
    /// record expired). They enter Kademlia once identify shows they run this chain (see
    /// [`Worker::on_identify`]), so nodes of other chains on the same network never do; those
    /// are disconnected at identify like any peer of another chain, and not dialled again.
    fn on_mdns(&mut self, event: mdns::Event) {
        let found = match event {
            mdns::Event::Discovered(found) => found,
            mdns::Event::Expired(expired) => {
                for (peer, _) in expired {
                    self.mdns_found.remove(&peer);
                }
                return;
            }
        };
        let local = *self.swarm.local_peer_id();
        let mut by_peer: HashMap<PeerId, Vec<Multiaddr>> = HashMap::new();
        for (peer, mut address) in found {
            if peer == local {
                continue;
            }
            if matches!(
                address.iter().last(),
                Some(libp2p::multiaddr::Protocol::P2p(_))
            ) {
                address.pop();
            }
            by_peer.entry(peer).or_default().push(address);
        }
        for (peer, addresses) in by_peer {
            if self.mdns_found.len() >= MAX_MDNS_PEERS && !self.mdns_found.contains_key(&peer) {
                continue;
            }
            self.mdns_found.insert(peer, addresses);
            self.dial_mdns_peer(peer);
        }
    }

    /// Dials a peer mDNS found, unless it is banned, already connected, or the peer limit is
    /// reached. From a fresh port: two nodes that find each other at once would otherwise dial
    /// between their listening ports, and that TCP simultaneous open gives one connection on
    /// which both sides start the noise handshake as initiator, and it fails for both.
    fn dial_mdns_peer(&mut self, peer: PeerId) {
        let Some(addresses) = self.mdns_found.get(&peer).cloned() else {
            return;
        };
        let room = self.swarm.behaviour().gate.connected_count() < self.limits.max_peers;
        if !room || self.connected.contains_key(&peer) || self.is_banned(&peer) {
            return;
        }
        tracing::debug!(target: "network", %peer, ?addresses, "dialling peer found by mDNS");
        let opts = DialOpts::peer_id(peer)
            .addresses(addresses)
            .condition(PeerCondition::DisconnectedAndNotDialing)
            .allocate_new_port()
            .build();
        if let Err(e) = self.swarm.dial(opts) {
            tracing::debug!(target: "network", %peer, "cannot dial peer found by mDNS: {e}");
        }
    }

    fn on_kad(&mut self, event: kad::Event) {
        match event {
            kad::Event::RoutingUpdated {
                peer, is_new_peer, ..
            } if is_new_peer => {
                let room = self.swarm.behaviour().gate.connected_count() < self.limits.max_peers;
                if room && !self.connected.contains_key(&peer) && !self.is_banned(&peer) {
                    tracing::debug!(target: "network", %peer, "dialling peer found by kademlia");
                    let opts = DialOpts::peer_id(peer)
                        .condition(PeerCondition::DisconnectedAndNotDialing)
                        .build();
                    let _ = self.swarm.dial(opts);
                }
            }
            kad::Event::OutboundQueryProgressed {
                result: kad::QueryResult::Bootstrap(result),
                ..
            } => {
                tracing::debug!(target: "network", ?result, "kademlia bootstrap progress");
            }
            _ => {}
        }
    }
}

fn event_name(event: &NetworkEvent) -> &'static str {
    match event {
        NetworkEvent::BlockAnnounced { .. } => "block announcement",
        NetworkEvent::TransactionReceived { .. } => "transaction",
        NetworkEvent::VoteReceived { .. } => "vote",
        NetworkEvent::PeerConnected { .. } => "peer connected",
        NetworkEvent::PeerDisconnected { .. } => "peer disconnected",
        NetworkEvent::PeerIdentified { .. } => "peer identified",
    }
}
