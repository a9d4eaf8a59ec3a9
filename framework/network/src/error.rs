//! Errors of the network crate.

use std::{path::PathBuf, time::Duration};

use libp2p::PeerId;

/// Everything that can go wrong in the network service or around it.
#[derive(Debug, thiserror::Error)]
pub enum NetworkError {
    /// Reading or writing a file (the node key) failed.
    #[error("I/O error on {path}: {source}")]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// Building the transport or the swarm failed, or listening on an address failed.
    #[error("transport error: {0}")]
    Transport(String),
    /// A node key given on the command line is not valid.
    #[error("bad node key: {0}")]
    BadNodeKey(#[from] NodeKeyError),
    /// The node key file exists but does not hold a valid key. It is never replaced silently.
    #[error("corrupt node key file {path}: {source}")]
    CorruptNodeKeyFile {
        /// The key file.
        path: PathBuf,
        /// What is wrong with its content.
        #[source]
        source: NodeKeyError,
    },
    /// An address is malformed or lacks a part it needs (for example `/p2p/<peer id>`).
    #[error("bad address {address}: {reason}")]
    BadAddress {
        /// The address as given.
        address: String,
        /// Why it was refused.
        reason: String,
    },
    /// The chain id cannot be used in protocol names and topics.
    #[error("bad chain id {0:?}: use 1 to 80 characters from [A-Za-z0-9._-]")]
    BadChainId(String),
    /// A configuration value is out of range.
    #[error("invalid network configuration: {0}")]
    BadConfig(String),
    /// An operation did not finish in time.
    #[error("timed out after {0:?}")]
    Timeout(Duration),
    /// The peer is banned (its reputation fell below the ban threshold).
    #[error("peer {0} is banned")]
    PeerBanned(PeerId),
    /// A request to a peer failed.
    #[error("request to {peer} failed: {reason}")]
    RequestFailed {
        /// The peer asked.
        peer: PeerId,
        /// Why it failed.
        reason: RequestFailure,
    },
    /// A gossip message is larger than the configured limit.
    #[error("message of {size} bytes exceeds the limit of {max} bytes")]
    MessageTooLarge {
        /// Size of the message.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// Nobody is subscribed to the topic yet, so the message went nowhere.
    #[error("no peers subscribed to {topic}")]
    NoPeersForTopic {
        /// The gossip topic.
        topic: String,
    },
    /// Publishing a gossip message failed for another reason.
    #[error("publish failed: {0}")]
    PublishFailed(String),
    /// Too many outbound requests are pending.
    #[error("too many pending requests (limit {0})")]
    Busy(usize),
    /// The network service has stopped.
    #[error("the network service has shut down")]
    ShutDown,
}

/// What is wrong with a node key.
#[derive(Debug, thiserror::Error)]
pub enum NodeKeyError {
    /// The text is not hexadecimal.
    #[error("invalid hex: {0}")]
    InvalidHex(#[from] hex::FromHexError),
    /// The key does not have the length of an ed25519 secret key.
    #[error("expected {expected} bytes, got {got}")]
    WrongLength {
        /// Required length (32).
        expected: usize,
        /// Length found.
        got: usize,
    },
    /// The bytes are not a valid ed25519 secret key.
    #[error("invalid ed25519 secret key: {0}")]
    Invalid(String),
    /// The key is not an ed25519 key (only ed25519 node keys are supported).
    #[error("node keys must be ed25519")]
    NotEd25519,
}

/// Why a request to a peer failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestFailure {
    /// The peer answered with an error (for example its block provider failed).
    #[error("remote error: {0}")]
    Remote(String),
    /// The peer refused the request because it has too many of ours in flight.
    #[error("refused by the peer (too many requests)")]
    Refused,
    /// The peer could not be dialled.
    #[error("dial failure")]
    DialFailure,
    /// The connection closed before the response arrived.
    #[error("connection closed")]
    ConnectionClosed,
    /// The peer does not speak the block-sync protocol.
    #[error("unsupported protocol")]
    UnsupportedProtocol,
    /// The stream failed (includes responses larger than the limit).
    #[error("stream error: {0}")]
    Io(String),
    /// The response broke the protocol (for example more blocks than asked for).
    #[error("invalid response: {0}")]
    InvalidResponse(String),
}
