//! Peer-to-peer networking for WCME nodes, on libp2p.
//!
//! The crate gives a node everything it needs to talk to other nodes of the same chain and
//! nothing about what the bytes mean: blocks, transactions and finality votes are gossiped as
//! opaque byte strings on per-chain gossipsub topics (`/wcme/<chain_id>/blocks`,
//! `/wcme/<chain_id>/transactions`, `/wcme/<chain_id>/votes`); block ranges are fetched with a
//! request-response protocol served by a [`BlockProvider`]; peers are found through boot nodes,
//! Kademlia (fed with addresses learnt by identify) and, when [`NetworkConfig::enable_mdns`] is
//! set, mDNS on the local network; and every peer has a reputation that the node
//! ([`NetworkHandle::report_peer`]) and the network itself (oversized or invalid gossip, failed
//! or invalid requests) lower, banning it for a while below a threshold. Each node announces its
//! [`Role`] (full or authority) through identify. Connections are TCP with noise encryption and
//! yamux multiplexing; QUIC is not enabled.
//!
//! [`NetworkService::start`] builds the swarm and runs it in a tokio task; the node holds a
//! cheap [`NetworkHandle`] and reads [`NetworkEvent`]s from a bounded channel. Every queue is
//! bounded: commands wait for room, events are dropped and counted when the node is slow, and
//! requests are limited per peer. The node identity is an ed25519 key kept in the base path
//! ([`load_or_generate_node_key`]) or given as `--node-key <hex>` ([`node_key_from_hex`]).
//!
//! Logs use the `network` target. `wcme-service`'s `network` module runs it in the node.

#![warn(missing_docs)]

mod behaviour;
mod config;
mod error;
mod handle;
mod node_key;
mod protocol;
mod reputation;
mod service;
mod validation;

pub use config::{
    GossipConfig, GossipKind, NetworkConfig, NetworkLimits, ReputationConfig, Role, Topics,
    multiaddr_with_peer, peer_id_of,
};
pub use error::{NetworkError, NodeKeyError, RequestFailure};
pub use handle::{NetworkEvent, NetworkHandle, PeerInfo};
pub use node_key::{NODE_KEY_FILE, load_or_generate_node_key, node_key_from_hex, node_key_secret};
pub use protocol::{BlocksRequest, BlocksResponse, Bytes, build_response, capped_max};
pub use reputation::{PeerBook, ReportOutcome, ReputationChange, costs};
pub use service::{BlockProvider, NetworkService};
pub use validation::{GossipRejection, validate_gossip};

/// Re-exports of the libp2p types that appear in this crate's API.
pub use libp2p::{Multiaddr, PeerId, identity::Keypair};
