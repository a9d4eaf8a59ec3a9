//! What a node is started with.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use sp_core::sr25519;

use crate::chain_spec::ChainSpec;

/// JSON-RPC server settings.
#[derive(Clone, Debug)]
pub struct RpcSettings {
    /// Listen address (127.0.0.1:9944 unless `--rpc-external`).
    pub addr: SocketAddr,
    /// Allowed browser origins; `None` allows any.
    pub cors: Option<Vec<String>>,
    /// Most connections served at once.
    pub max_connections: u32,
    /// Largest request in bytes.
    pub max_request_size: u32,
    /// Largest response in bytes.
    pub max_response_size: u32,
    /// Most subscriptions one connection may hold.
    pub max_subscriptions_per_connection: u32,
}

/// Everything a node needs to start.
pub struct NodeConfig {
    /// Node name (`--name`).
    pub name: String,
    /// Implementation name (`system_name`).
    pub impl_name: String,
    /// Implementation version (`system_version`).
    pub impl_version: String,
    /// The chain.
    pub chain_spec: ChainSpec,
    /// Directory of the chain database (`<base-path>/chains/<id>/db`).
    pub database_path: PathBuf,
    /// JSON-RPC server, if enabled.
    pub rpc: Option<RpcSettings>,
    /// Prometheus endpoint, if enabled.
    pub prometheus: Option<SocketAddr>,
    /// The key this node authors with, if it is a validator.
    pub authoring_key: Option<sr25519::Pair>,
    /// How long a slot's block may take to build before it is cut short.
    pub proposal_time: Duration,
}

impl NodeConfig {
    /// The database directory for chain `id` under `base_path`, as Substrate lays it out.
    pub fn database_path_for(base_path: &std::path::Path, chain_id: &str) -> PathBuf {
        base_path.join("chains").join(chain_id).join("db")
    }
}
