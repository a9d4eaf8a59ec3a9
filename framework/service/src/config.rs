//! What a node is started with.

use std::{net::SocketAddr, path::PathBuf};

use sp_core::sr25519;

use crate::chain_spec::ChainSpec;

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
    pub rpc: Option<wcme_rpc::RpcConfig>,
    /// Prometheus endpoint, if enabled.
    pub prometheus: Option<SocketAddr>,
    /// The keys this node may author with (its engine picks the ones the chain schedules);
    /// empty on a node that only follows the chain.
    pub authoring_keys: Vec<sr25519::Pair>,
    /// Peer-to-peer networking, if enabled.
    pub network: Option<crate::network::NetworkSettings>,
}

impl NodeConfig {
    /// The database directory for chain `id` under `base_path`, as Substrate lays it out.
    pub fn database_path_for(base_path: &std::path::Path, chain_id: &str) -> PathBuf {
        base_path.join("chains").join(chain_id).join("db")
    }
}
