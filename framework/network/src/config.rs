//! Configuration of the network service: addresses, identity, limits, gossip and reputation.

use std::time::Duration;

use libp2p::{Multiaddr, PeerId, identity::Keypair, multiaddr::Protocol};

use crate::error::NetworkError;

/// Everything the network service needs to start.
#[derive(Clone)]
pub struct NetworkConfig {
    /// Addresses to listen on (default `/ip4/0.0.0.0/tcp/30333`).
    pub listen_addresses: Vec<Multiaddr>,
    /// Boot nodes, each ending in `/p2p/<peer id>`: added to Kademlia and dialled at start.
    pub boot_nodes: Vec<Multiaddr>,
    /// Addresses under which other nodes can reach this one (announced through identify).
    pub public_addresses: Vec<Multiaddr>,
    /// The chain id. Gossip topics (`/wcme/<chain_id>/blocks`, `.../transactions`, `.../votes`)
    /// and protocol names contain it, so nodes of different chains do not mix (a node uses its
    /// spec id and genesis hash prefix, see `wcme_service::network_id`).
    pub chain_id: String,
    /// The node's ed25519 identity (see [`crate::load_or_generate_node_key`]).
    pub node_key: Keypair,
    /// Queue sizes, message and request sizes, peer limits.
    pub limits: NetworkLimits,
    /// Gossipsub mesh parameters.
    pub gossip: GossipConfig,
    /// Reputation and ban parameters.
    pub reputation: ReputationConfig,
    /// Agent version announced through identify (for example `wcme-node/0.1.0`); the role is
    /// appended to it (see [`Role`]).
    pub agent_version: String,
    /// What this node does in the network, announced to peers through identify.
    pub role: Role,
    /// Discover peers on the local network with mDNS (`_p2p._udp.local`). Off in
    /// [`NetworkConfig::new`], as in Substrate's library defaults; `wcme-node` turns it on
    /// unless `--dev` or `--no-mdns` is given.
    pub enable_mdns: bool,
}

impl NetworkConfig {
    /// A configuration with default limits listening on `/ip4/0.0.0.0/tcp/30333`.
    pub fn new(chain_id: impl Into<String>, node_key: Keypair) -> Self {
        let listen = Multiaddr::empty()
            .with(Protocol::Ip4(std::net::Ipv4Addr::UNSPECIFIED))
            .with(Protocol::Tcp(30333));
        Self {
            listen_addresses: vec![listen],
            boot_nodes: Vec::new(),
            public_addresses: Vec::new(),
            chain_id: chain_id.into(),
            node_key,
            limits: NetworkLimits::default(),
            gossip: GossipConfig::default(),
            reputation: ReputationConfig::default(),
            agent_version: concat!("wcme-node/", env!("CARGO_PKG_VERSION")).to_string(),
            role: Role::Full,
            enable_mdns: false,
        }
    }

    /// The agent version announced through identify: [`NetworkConfig::agent_version`] followed
    /// by the role, e.g. `wcme-node/0.1.0 role=authority`.
    pub fn announced_agent_version(&self) -> String {
        format!("{} {ROLE_PREFIX}{}", self.agent_version, self.role.as_str())
    }

    /// Checks the chain id, the boot node addresses and the limits.
    pub fn validate(&self) -> Result<(), NetworkError> {
        let id_ok = !self.chain_id.is_empty()
            && self.chain_id.len() <= MAX_CHAIN_ID_LEN
            && self
                .chain_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        if !id_ok {
            return Err(NetworkError::BadChainId(self.chain_id.clone()));
        }
        for addr in &self.boot_nodes {
            peer_id_of(addr)?;
        }
        self.limits.validate()?;
        self.gossip.validate()?;
        if self.reputation.ban_threshold >= 0 {
            return Err(NetworkError::BadConfig(
                "reputation.ban_threshold must be negative".into(),
            ));
        }
        Ok(())
    }
}

impl std::fmt::Debug for NetworkConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NetworkConfig")
            .field("listen_addresses", &self.listen_addresses)
            .field("boot_nodes", &self.boot_nodes)
            .field("public_addresses", &self.public_addresses)
            .field("chain_id", &self.chain_id)
            .field("peer_id", &self.node_key.public().to_peer_id())
            .field("limits", &self.limits)
            .field("gossip", &self.gossip)
            .field("reputation", &self.reputation)
            .field("role", &self.role)
            .field("enable_mdns", &self.enable_mdns)
            .finish()
    }
}

/// The token before the role in an announced agent version.
const ROLE_PREFIX: &str = "role=";

/// Longest chain id: a spec id of up to 64 characters plus a node's genesis suffix.
pub const MAX_CHAIN_ID_LEN: usize = 80;

/// What a node does in the network. Announced through identify's agent version (`role=full`,
/// `role=authority`) and reported by `system_peers` as Substrate does (`FULL`, `AUTHORITY`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Role {
    /// Follows and serves the chain.
    #[default]
    Full,
    /// Authors blocks and votes (the node has authoring keys).
    Authority,
}

impl Role {
    /// `full` or `authority`, as announced.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Full => "full",
            Role::Authority => "authority",
        }
    }

    /// The role a peer announced in its agent version, if it announced one we know.
    pub fn from_agent_version(agent_version: &str) -> Option<Role> {
        agent_version
            .split_whitespace()
            .find_map(|token| token.strip_prefix(ROLE_PREFIX))
            .and_then(|role| match role {
                "full" => Some(Role::Full),
                "authority" => Some(Role::Authority),
                _ => None,
            })
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The peer id at the end of an address (`.../p2p/<peer id>`).
pub fn peer_id_of(addr: &Multiaddr) -> Result<PeerId, NetworkError> {
    match addr.iter().last() {
        Some(Protocol::P2p(peer)) => Ok(peer),
        _ => Err(NetworkError::BadAddress {
            address: addr.to_string(),
            reason: "must end with /p2p/<peer id>".into(),
        }),
    }
}

/// `addr` followed by `/p2p/<peer>` (the form boot node addresses take).
pub fn multiaddr_with_peer(addr: Multiaddr, peer: PeerId) -> Multiaddr {
    match addr.iter().last() {
        Some(Protocol::P2p(_)) => addr,
        _ => addr.with(Protocol::P2p(peer)),
    }
}

/// Bounds on queues, messages, requests and peers.
#[derive(Debug, Clone)]
pub struct NetworkLimits {
    /// Capacity of the command channel from [`crate::NetworkHandle`] to the service.
    pub command_queue: usize,
    /// Capacity of the event channel to the node. When it is full, events are dropped and
    /// counted (see [`crate::NetworkHandle::dropped_events`]); the swarm never waits for the node.
    pub event_queue: usize,
    /// Largest gossip payload (block, transaction or vote) in bytes.
    pub max_gossip_size: usize,
    /// Largest block-range request in bytes.
    pub max_request_size: usize,
    /// Largest block-range response in bytes; a server sends fewer blocks to stay below it.
    pub max_response_size: usize,
    /// Most blocks served or asked for in one request.
    pub max_blocks_per_request: u32,
    /// Most connected peers; further inbound connections are refused.
    pub max_peers: usize,
    /// Most requests from one peer served at the same time; more are refused and cost
    /// reputation.
    pub max_inbound_requests_per_peer: usize,
    /// Most outbound requests pending at the same time.
    pub max_pending_requests: usize,
    /// How long to wait for a response.
    pub request_timeout: Duration,
    /// How long a connection without active protocols stays open.
    pub idle_connection_timeout: Duration,
}

impl Default for NetworkLimits {
    fn default() -> Self {
        Self {
            command_queue: 256,
            event_queue: 1024,
            max_gossip_size: 2 * 1024 * 1024,
            max_request_size: 1024,
            max_response_size: 16 * 1024 * 1024,
            max_blocks_per_request: 128,
            max_peers: 50,
            max_inbound_requests_per_peer: 4,
            max_pending_requests: 64,
            request_timeout: Duration::from_secs(20),
            idle_connection_timeout: Duration::from_secs(60),
        }
    }
}

impl NetworkLimits {
    fn validate(&self) -> Result<(), NetworkError> {
        let positive = [
            ("command_queue", self.command_queue),
            ("event_queue", self.event_queue),
            ("max_gossip_size", self.max_gossip_size),
            ("max_request_size", self.max_request_size),
            ("max_response_size", self.max_response_size),
            (
                "max_blocks_per_request",
                self.max_blocks_per_request as usize,
            ),
            ("max_peers", self.max_peers),
            (
                "max_inbound_requests_per_peer",
                self.max_inbound_requests_per_peer,
            ),
            ("max_pending_requests", self.max_pending_requests),
        ];
        for (name, value) in positive {
            if value == 0 {
                return Err(NetworkError::BadConfig(format!(
                    "limits.{name} must be > 0"
                )));
            }
        }
        if self.request_timeout.is_zero() {
            return Err(NetworkError::BadConfig(
                "limits.request_timeout must be > 0".into(),
            ));
        }
        Ok(())
    }
}

/// Gossipsub mesh parameters. The defaults suit a public network; [`GossipConfig::small_network`]
/// suits two or three nodes (tests, a local dev network).
#[derive(Debug, Clone)]
pub struct GossipConfig {
    /// Interval between gossipsub heartbeats (mesh maintenance).
    pub heartbeat_interval: Duration,
    /// Target number of mesh peers per topic.
    pub mesh_n: usize,
    /// Below this many mesh peers, more are grafted.
    pub mesh_n_low: usize,
    /// Above this many mesh peers, some are pruned.
    pub mesh_n_high: usize,
    /// Minimum outbound peers in the mesh (at most `mesh_n / 2`, at most `mesh_n_low`).
    pub mesh_outbound_min: usize,
}

impl Default for GossipConfig {
    fn default() -> Self {
        Self {
            heartbeat_interval: Duration::from_secs(1),
            mesh_n: 6,
            mesh_n_low: 4,
            mesh_n_high: 12,
            mesh_outbound_min: 2,
        }
    }
}

impl GossipConfig {
    /// Parameters for a network of two or three nodes: a 100 ms heartbeat and a mesh of 1–4.
    pub fn small_network() -> Self {
        Self {
            heartbeat_interval: Duration::from_millis(100),
            mesh_n: 2,
            mesh_n_low: 1,
            mesh_n_high: 4,
            mesh_outbound_min: 0,
        }
    }

    fn validate(&self) -> Result<(), NetworkError> {
        let ok = !self.heartbeat_interval.is_zero()
            && self.mesh_outbound_min <= self.mesh_n_low
            && self.mesh_n_low <= self.mesh_n
            && self.mesh_n <= self.mesh_n_high
            && self.mesh_outbound_min * 2 <= self.mesh_n;
        if ok {
            Ok(())
        } else {
            Err(NetworkError::BadConfig(format!(
                "gossip mesh parameters must satisfy outbound_min <= n_low <= n <= n_high and \
                 2 * outbound_min <= n, with a non-zero heartbeat: {self:?}"
            )))
        }
    }
}

/// Reputation parameters.
#[derive(Debug, Clone)]
pub struct ReputationConfig {
    /// A peer whose score falls below this (negative) value is disconnected and banned.
    pub ban_threshold: i32,
    /// How long a ban lasts.
    pub ban_duration: Duration,
    /// Most bans remembered; the one closest to expiry is forgotten first.
    pub max_banned_peers: usize,
    /// Most peers whose score is remembered (connected peers and disconnected ones with a
    /// negative score).
    pub max_tracked_peers: usize,
}

impl Default for ReputationConfig {
    fn default() -> Self {
        Self {
            ban_threshold: -1000,
            ban_duration: Duration::from_secs(3600),
            max_banned_peers: 1024,
            max_tracked_peers: 4096,
        }
    }
}

/// The three gossip topics of a chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topics {
    /// `/wcme/<chain_id>/blocks`: announced blocks.
    pub blocks: String,
    /// `/wcme/<chain_id>/transactions`: transactions.
    pub transactions: String,
    /// `/wcme/<chain_id>/votes`: finality votes.
    pub votes: String,
}

impl Topics {
    /// The topics of the chain `chain_id`.
    pub fn new(chain_id: &str) -> Self {
        Self {
            blocks: format!("/wcme/{chain_id}/blocks"),
            transactions: format!("/wcme/{chain_id}/transactions"),
            votes: format!("/wcme/{chain_id}/votes"),
        }
    }

    /// Which kind of gossip a topic carries, if it is one of ours.
    pub fn kind_of(&self, topic: &str) -> Option<GossipKind> {
        if topic == self.blocks {
            Some(GossipKind::Block)
        } else if topic == self.transactions {
            Some(GossipKind::Transaction)
        } else if topic == self.votes {
            Some(GossipKind::Vote)
        } else {
            None
        }
    }

    /// The topic of a kind of gossip.
    pub fn topic(&self, kind: GossipKind) -> &str {
        match kind {
            GossipKind::Block => &self.blocks,
            GossipKind::Transaction => &self.transactions,
            GossipKind::Vote => &self.votes,
        }
    }
}

/// The kinds of gossip, one topic each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GossipKind {
    /// A block announcement.
    Block,
    /// A transaction.
    Transaction,
    /// A finality vote.
    Vote,
}

/// Protocol names derived from the chain id.
pub(crate) struct ProtocolNames {
    pub identify: String,
    pub kad: String,
    pub sync: String,
}

impl ProtocolNames {
    pub(crate) fn new(chain_id: &str) -> Self {
        Self {
            identify: format!("/wcme/{chain_id}/1.0.0"),
            kad: format!("/wcme/{chain_id}/kad/1.0.0"),
            sync: format!("/wcme/{chain_id}/sync/blocks/1"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_catches_bad_values() {
        let key = Keypair::generate_ed25519();
        let mut config = NetworkConfig::new("wcme-dev", key.clone());
        assert!(config.validate().is_ok());
        config.chain_id = "a/b".into();
        assert!(matches!(
            config.validate(),
            Err(NetworkError::BadChainId(_))
        ));
        let mut config = NetworkConfig::new("dev", key.clone());
        config.boot_nodes = vec!["/ip4/127.0.0.1/tcp/1".parse().unwrap()];
        assert!(matches!(
            config.validate(),
            Err(NetworkError::BadAddress { .. })
        ));
        let mut config = NetworkConfig::new("dev", key.clone());
        config.limits.event_queue = 0;
        assert!(matches!(config.validate(), Err(NetworkError::BadConfig(_))));
        let mut config = NetworkConfig::new("dev", key);
        config.gossip = GossipConfig::small_network();
        assert!(config.validate().is_ok());
        config.gossip.mesh_n_low = 5;
        assert!(matches!(config.validate(), Err(NetworkError::BadConfig(_))));
    }

    #[test]
    fn the_role_travels_in_the_agent_version() {
        let mut config = NetworkConfig::new("dev", Keypair::generate_ed25519());
        assert_eq!(config.role, Role::Full);
        assert!(!config.enable_mdns, "the library leaves mDNS to the node");
        let full = config.announced_agent_version();
        assert!(full.starts_with("wcme-node/"), "{full}");
        assert!(full.ends_with(" role=full"), "{full}");
        assert_eq!(Role::from_agent_version(&full), Some(Role::Full));
        config.role = Role::Authority;
        let authority = config.announced_agent_version();
        assert_eq!(Role::from_agent_version(&authority), Some(Role::Authority));
        assert_eq!(Role::from_agent_version("wcme-node/0.0.9"), None);
        assert_eq!(Role::from_agent_version("x role=light"), None);
        assert_eq!(
            Role::from_agent_version("rust-libp2p/0.56 (role=authority)"),
            None
        );
        assert_eq!(Role::Authority.to_string(), "authority");
    }

    #[test]
    fn topics_are_per_chain() {
        let topics = Topics::new("dev");
        assert_eq!(topics.blocks, "/wcme/dev/blocks");
        assert_eq!(topics.kind_of("/wcme/dev/votes"), Some(GossipKind::Vote));
        assert_eq!(topics.kind_of("/wcme/other/votes"), None);
    }
}
